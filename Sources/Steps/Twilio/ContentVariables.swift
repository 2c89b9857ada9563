public import FlowEngine

/// `ContentVariables`: a JSON object string of template placeholders. Twilio answers 21656 for
/// invalid JSON, null or empty values, or values with newlines or tabs (contracts README §1.2);
/// we refuse those before sending, so the flow sees the same permanent error without a request.
public enum ContentVariables {
    /// A rule a set of variables broke.
    public struct Problem: Error, Sendable, Hashable, CustomStringConvertible {
        public var key: String
        public var reason: String
        public var description: String { "variable \"\(key)\" \(reason)" }
    }

    /// Renders variables (`{"1": "Ana", "2": 3}`) into the JSON string Twilio wants; numbers,
    /// booleans and instants become strings, keys are sorted.
    public static func encode(_ variables: [String: Value]) -> Result<String, Problem> {
        var strings: [String: Value] = [:]
        for (key, value) in variables {
            guard !key.isEmpty else { return .failure(Problem(key: key, reason: "has an empty name")) }
            let text: String
            switch value {
            case .null: return .failure(Problem(key: key, reason: "is null"))
            case .array, .object: return .failure(Problem(key: key, reason: "is a \(value.typeName), not text"))
            default: text = value.interpolationText
            }
            if let problem = check(key: key, value: text) { return .failure(problem) }
            strings[key] = .string(text)
        }
        return .success(Value.object(strings).jsonText)
    }

    /// The rule for one value, shared with the fake server.
    public static func check(key: String, value: String) -> Problem? {
        if value.trimmingSpacesAndNewlines.isEmpty { return Problem(key: key, reason: "is empty") }
        if value.contains(where: { $0 == "\n" || $0 == "\t" || $0 == "\r" || $0 == "\r\n" }) {
            return Problem(key: key, reason: "contains a newline or tab")
        }
        return nil
    }
}

extension String {
    var trimmingSpacesAndNewlines: Substring {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s = s.dropFirst() }
        while let l = s.last, l.isWhitespace { s = s.dropLast() }
        return s
    }
}
