public import FlowEngine

/// Reads the server's requested delay: `retry-after-ms` (milliseconds, OpenAI's), then
/// `retry-after` (whole seconds). HTTP-date forms are ignored (no provider here sends them).
public enum RetryAfter {
    public static func parse(_ response: HTTPResponseSpec) -> TimeSpan? {
        if let ms = response.header("retry-after-ms").flatMap({ Double($0.trimmingSpacesAndNewlines) }), ms > 0 {
            return TimeSpan(milliseconds: Int64(ms.rounded(.up)))
        }
        if let s = response.header("retry-after").flatMap({ Double($0.trimmingSpacesAndNewlines) }), s > 0 {
            return TimeSpan(milliseconds: Int64((s * 1000).rounded(.up)))
        }
        return nil
    }
}
