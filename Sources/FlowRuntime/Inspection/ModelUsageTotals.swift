public import FlowEngine

/// The model calls of one instance summed from its timeline's `model_usage` entries: calls, tokens
/// and cost in USD, overall and by model (as the API named it). A call whose model had no price
/// adds its tokens, not a cost; `unpriced_calls` counts such calls.
public struct ModelUsageTotals: Sendable, Hashable {
    /// The sums of some calls.
    public struct Counts: Sendable, Hashable {
        public var calls = 0
        public var promptTokens = 0
        public var completionTokens = 0
        public var totalTokens = 0
        /// The priced calls' costs, in USD.
        public var costUSD: Double = 0
        /// Calls whose model had no price (their cost is not in `costUSD`).
        public var unpricedCalls = 0

        public init() {}

        mutating func add(_ entry: TimelineEntry) {
            let d = entry.details
            calls += 1
            promptTokens += d["prompt_tokens"]?.intValue ?? 0
            completionTokens += d["completion_tokens"]?.intValue ?? 0
            totalTokens += d["total_tokens"]?.intValue ?? 0
            if let cost = d["cost"]?.numberValue, d["currency"]?.stringValue ?? "USD" == "USD" {
                costUSD = Self.rounded(costUSD + cost)
            } else {
                unpricedCalls += 1
            }
        }

        /// `{calls, prompt_tokens, completion_tokens, total_tokens, cost_usd, unpriced_calls}`.
        public var json: [String: Value] {
            [
                "calls": .number(Double(calls)), "prompt_tokens": .number(Double(promptTokens)),
                "completion_tokens": .number(Double(completionTokens)), "total_tokens": .number(Double(totalTokens)),
                "cost_usd": .number(costUSD), "unpriced_calls": .number(Double(unpricedCalls)),
            ]
        }

        /// 12 decimals, as each call's cost is rounded (`ModelPrice.cost`): sums carry no binary noise.
        static func rounded(_ dollars: Double) -> Double { (dollars * 1e12).rounded() / 1e12 }
    }

    public var total = Counts()
    public var byModel: [String: Counts] = [:]

    public init() {}

    /// The sums of the `model_usage` entries of `history`.
    public init(_ history: [HistoryEntry]) {
        for entry in history where entry.kind == .modelUsage {
            total.add(entry.entry)
            byModel[entry.entry.details["model"]?.stringValue ?? "unknown", default: Counts()].add(entry.entry)
        }
    }

    /// `{calls, prompt_tokens, completion_tokens, total_tokens, cost_usd, unpriced_calls, by_model: {MODEL: {…}}}`.
    public var json: Value {
        var members = total.json
        members["by_model"] = .object(byModel.mapValues { .object($0.json) })
        return .object(members)
    }
}
