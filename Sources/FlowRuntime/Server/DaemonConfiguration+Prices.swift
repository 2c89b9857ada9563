import FlowEngine
import Steps

/// The OpenAI price table of the configuration: file key `openai: {prices: {MODEL: {input_per_million,
/// output_per_million}}}` and `FLOW_OPENAI_PRICES` (the `prices` map as JSON). Each model a source
/// names replaces that model's entry of the sources below it and of `ModelPrices.defaults`.
extension DaemonConfiguration {
    /// The keys of one model's price.
    static let priceKeys = ["input_per_million", "output_per_million"]

    /// The `openai` section of the config file: only `prices`.
    static func parseOpenAI(_ section: LocatedDocument, at place: String) throws(ConfigurationError) -> ModelPrices {
        guard case .map(let entries) = section.content else {
            throw ConfigurationError(
                message: "\(place): 'openai' must be a mapping with 'prices', found \(section.kindName)")
        }
        var prices = ModelPrices()
        for entry in entries {
            let here = Self.place(entry.value, entry.at, or: place)
            guard entry.key == "prices" else {
                throw ConfigurationError(message: "\(here): unknown key 'openai.\(entry.key)' (known: openai.prices)")
            }
            prices = try parsePrices(entry.value, at: here, name: "openai.prices")
        }
        return prices
    }

    /// `{MODEL: {input_per_million, output_per_million}}`: both numbers, at least 0. `name` is how
    /// messages call the map (`openai.prices`, `FLOW_OPENAI_PRICES`).
    static func parsePrices(_ document: LocatedDocument, at place: String, name: String)
        throws(ConfigurationError) -> ModelPrices
    {
        guard case .map(let models) = document.content else {
            throw ConfigurationError(
                message: "\(place): '\(name)' must map model names to prices, found \(document.kindName)")
        }
        var prices = ModelPrices()
        for model in models {
            let here = Self.place(model.value, model.at, or: place)
            guard !model.key.isEmpty, case .map(let fields) = model.value.content else {
                throw ConfigurationError(message: """
                    \(here): '\(name).\(model.key)' must be a mapping of \(priceKeys.joined(separator: " and ")), \
                    found \(model.value.kindName)
                    """)
            }
            var numbers: [String: Double] = [:]
            for field in fields {
                let at = Self.place(field.value, field.at, or: here)
                guard priceKeys.contains(field.key) else {
                    throw ConfigurationError(message: """
                        \(at): unknown key '\(field.key)' in '\(name).\(model.key)' \
                        (known: \(priceKeys.joined(separator: ", ")))
                        """)
                }
                guard let number = field.value.value.numberValue, number >= 0, number.isFinite else {
                    throw ConfigurationError(message: """
                        \(at): '\(name).\(model.key).\(field.key)' must be a number of USD per million tokens, \
                        at least 0
                        """)
                }
                numbers[field.key] = number
            }
            guard let input = numbers["input_per_million"], let output = numbers["output_per_million"] else {
                throw ConfigurationError(
                    message: "\(here): '\(name).\(model.key)' needs both \(priceKeys.joined(separator: " and "))")
            }
            prices.byModel[model.key] = ModelPrice(inputPerMillion: input, outputPerMillion: output)
        }
        return prices
    }

    /// `FLOW_OPENAI_PRICES`: the `prices` map as JSON (or YAML).
    static func parsePricesVariable(_ text: String) throws(ConfigurationError) -> ModelPrices {
        let variable = "FLOW_OPENAI_PRICES"
        let document: LocatedDocument
        do {
            document = try LocatedDocument(parsing: SourceFile(path: variable, text: text))
        } catch {
            throw ConfigurationError(message: "\(error)")
        }
        return try parsePrices(document, at: variable, name: variable)
    }

    /// `ModelPrices.defaults` with each layer's models over them, the highest precedence (first) last.
    static func resolvePrices(_ layers: [Layer]) -> ModelPrices {
        layers.reversed().compactMap(\.openaiPrices).reduce(ModelPrices.defaults) { $0.merging($1) }
    }

    private static func place(_ value: LocatedDocument, _ key: SourceLocation?, or fallback: String) -> String {
        (value.location ?? key).map { "\($0.file):\($0.line):\($0.column)" } ?? fallback
    }
}
