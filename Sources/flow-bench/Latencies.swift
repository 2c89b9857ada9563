/// Latency samples in milliseconds, summarized as percentiles.
struct Latencies {
    var samples: [Double]

    func percentile(_ p: Double) -> Double {
        guard !samples.isEmpty else { return .nan }
        let sorted = samples.sorted()
        return sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)]
    }

    /// `p50 x ms  p95 y ms  p99 z ms  max w ms (n)`.
    var summary: String {
        let cells = [("p50", 0.50), ("p95", 0.95), ("p99", 0.99), ("max", 1.0)].map { name, p in
            "\(name) \(Self.format(percentile(p))) ms"
        }
        return cells.joined(separator: "  ") + "  (n=\(samples.count))"
    }

    static func format(_ value: Double) -> String {
        value.isNaN ? "-" : String(format: value < 10 ? "%.2f" : "%.1f", value)
    }
}
