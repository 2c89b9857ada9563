/// What one model costs: US dollars per million input (prompt) and output (completion) tokens.
public struct ModelPrice: Sendable, Hashable {
    public var inputPerMillion: Double
    public var outputPerMillion: Double

    public init(inputPerMillion: Double, outputPerMillion: Double) {
        self.inputPerMillion = inputPerMillion
        self.outputPerMillion = outputPerMillion
    }

    /// The cost of one call in USD, rounded to 12 decimals (a millionth of a micro-dollar) so that
    /// sums and the printed number carry no binary noise.
    public func cost(promptTokens: Int, completionTokens: Int) -> Double {
        let dollars = (Double(promptTokens) * inputPerMillion + Double(completionTokens) * outputPerMillion) / 1_000_000
        return ModelPrices.rounded(dollars)
    }
}

/// The price table `openai.chat` costs its calls with (`model_usage` timeline entries): by model
/// name, in USD per million tokens. The built-in ``defaults`` cover the models the shipped flows
/// use; the daemon's configuration (`openai.prices`, `FLOW_OPENAI_PRICES`) overrides or adds
/// entries (`docs/runtime.md`).
public struct ModelPrices: Sendable, Hashable {
    /// Prices by model name as configured (`gpt-4o-mini`, not a dated snapshot).
    public var byModel: [String: ModelPrice]

    public init(_ byModel: [String: ModelPrice] = [:]) {
        self.byModel = byModel
    }

    /// OpenAI's list prices when these were written (standard tier, USD per 1M tokens). Check them
    /// against https://openai.com/api/pricing and override them in the configuration when they change.
    public static let defaults = ModelPrices([
        "gpt-4o-mini": ModelPrice(inputPerMillion: 0.15, outputPerMillion: 0.60),
        "gpt-4o": ModelPrice(inputPerMillion: 2.50, outputPerMillion: 10.00),
    ])

    /// This table with `overrides` replacing or adding models.
    public func merging(_ overrides: ModelPrices) -> ModelPrices {
        ModelPrices(byModel.merging(overrides.byModel) { $1 })
    }

    /// The price of `model` as the API names it: its own entry, else the entry of its base name
    /// without a snapshot date (`gpt-4o-mini-2024-07-18` → `gpt-4o-mini`); nil when neither has one.
    public func price(for model: String) -> ModelPrice? {
        if let price = byModel[model] { return price }
        return Self.baseName(model).flatMap { byModel[$0] }
    }

    /// The base name a dated snapshot's price is looked up under: `name-YYYY-MM-DD` → `name`; nil
    /// when the name ends in no such date.
    public static func baseName(_ model: String) -> String? {
        let parts = model.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count > 3 else { return nil }
        let date = parts.suffix(3)
        let widths = date.map(\.count)
        guard widths == [4, 2, 2], date.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }) else {
            return nil
        }
        return parts.dropLast(3).joined(separator: "-")
    }

    /// `dollars` rounded to 12 decimals.
    public static func rounded(_ dollars: Double) -> Double {
        (dollars * 1e12).rounded() / 1e12
    }
}
