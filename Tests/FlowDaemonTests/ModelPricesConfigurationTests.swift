import FlowEngine
import FlowRuntime
import Steps
import Testing

/// The OpenAI price table of `flowctl serve`'s configuration: `openai.prices` in the config file,
/// `FLOW_OPENAI_PRICES`, over `ModelPrices.defaults`, model by model.
@Suite("Model prices configuration")
struct ModelPricesConfigurationTests {
    static func price(_ input: Double, _ output: Double) -> ModelPrice {
        ModelPrice(inputPerMillion: input, outputPerMillion: output)
    }

    @Test("the defaults: gpt-4o-mini and gpt-4o")
    func defaults() {
        let resolved = DaemonConfiguration.resolve([], terminal: false)
        #expect(resolved.openaiPrices == ModelPrices.defaults)
        #expect(resolved.openaiPrices.byModel == [
            "gpt-4o-mini": Self.price(0.15, 0.60), "gpt-4o": Self.price(2.50, 10),
        ])
    }

    @Test("environment over file over defaults, model by model")
    func precedence() throws {
        let file = try DaemonConfiguration.file(SourceFile(path: "flow.yaml", text: """
            port: 7000
            openai:
              prices:
                gpt-4o-mini: { input_per_million: 0.2, output_per_million: 0.8 }
                gpt-4.1: { input_per_million: 2, output_per_million: 8 }
            """))
        #expect(file.port == 7000)
        #expect(file.openaiPrices == ModelPrices(["gpt-4o-mini": Self.price(0.2, 0.8), "gpt-4.1": Self.price(2, 8)]))
        let env = try DaemonConfiguration.environment([
            "FLOW_OPENAI_PRICES": #"{"gpt-4.1": {"input_per_million": 3, "output_per_million": 12}}"#,
        ])
        let resolved = DaemonConfiguration.resolve([DaemonConfiguration.Layer(), env, file], terminal: false)
        #expect(resolved.openaiPrices.byModel == [
            "gpt-4o-mini": Self.price(0.2, 0.8), "gpt-4.1": Self.price(3, 12), "gpt-4o": Self.price(2.50, 10),
        ])
        #expect(resolved.openaiPrices.price(for: "gpt-4.1-2025-04-14") == Self.price(3, 12))
    }

    @Test("bad prices say where and why", arguments: [
        ("openai: 3\n", "flow.yaml:1:9: 'openai' must be a mapping with 'prices'"),
        ("openai: { rates: {} }\n", "flow.yaml:1:18: unknown key 'openai.rates'"),
        ("openai: { prices: [] }\n", "flow.yaml:1:19: 'openai.prices' must map model names to prices"),
        ("openai: { prices: { gpt-4o: 2 } }\n", "flow.yaml:1:29: 'openai.prices.gpt-4o' must be a mapping"),
        ("openai: { prices: { gpt-4o: { input_per_million: 2 } } }\n",
         "flow.yaml:1:29: 'openai.prices.gpt-4o' needs both input_per_million and output_per_million"),
        ("openai: { prices: { gpt-4o: { input_per_million: -1, output_per_million: 1 } } }\n",
         "flow.yaml:1:50: 'openai.prices.gpt-4o.input_per_million' must be a number of USD per million tokens"),
        ("openai: { prices: { gpt-4o: { input: 1, output_per_million: 1 } } }\n",
         "flow.yaml:1:38: unknown key 'input' in 'openai.prices.gpt-4o'"),
    ])
    func badFile(text: String, message: String) {
        #expect {
            _ = try DaemonConfiguration.file(SourceFile(path: "flow.yaml", text: text))
        } throws: { error in
            "\(error)".hasPrefix(message)
        }
    }

    @Test("a bad FLOW_OPENAI_PRICES names the variable", arguments: [
        #"{"gpt-4o": {"input_per_million": "cheap", "output_per_million": 1}}"#,
        #"["gpt-4o"]"#,
        #"{"gpt-4o": "#,
    ])
    func badVariable(text: String) {
        #expect {
            _ = try DaemonConfiguration.environment(["FLOW_OPENAI_PRICES": text])
        } throws: { error in
            "\(error)".hasPrefix("FLOW_OPENAI_PRICES")
        }
    }
}
