import Steps
import Testing

@Suite("Provider endpoints from the environment")
struct ProviderEndpointsTests {
    @Test("no variables give production")
    func defaults() throws {
        let endpoints = try ProviderEndpoints.fromEnvironment(["FLOW_TWILIO_URL": "  "])
        #expect(endpoints == .production)
        #expect(endpoints.overrides().isEmpty)
    }

    @Test("each variable overrides its provider only, trailing slashes trimmed")
    func overrides() throws {
        let endpoints = try ProviderEndpoints.fromEnvironment([
            "FLOW_TWILIO_URL": "http://127.0.0.1:9000/",
            "FLOW_OPENAI_URL": "https://proxy.example.com/openai/v1",
        ])
        #expect(endpoints.twilio == "http://127.0.0.1:9000")
        #expect(endpoints.aeroapi == ProviderEndpoints.production.aeroapi)
        #expect(endpoints.openai == "https://proxy.example.com/openai/v1")
        #expect(endpoints.overrides().map(\.variable) == ["FLOW_TWILIO_URL", "FLOW_OPENAI_URL"])
    }

    @Test("malformed values fail naming the variable", arguments: [
        ("FLOW_TWILIO_URL", "api.twilio.com"),
        ("FLOW_AEROAPI_URL", "ftp://aeroapi.example.com/aeroapi"),
        ("FLOW_OPENAI_URL", "http://"),
        ("FLOW_TWILIO_URL", "https://user:pw@api.twilio.com"),
        ("FLOW_AEROAPI_URL", "http://localhost:1/aeroapi?x=1"),
    ])
    func invalid(_ variable: String, _ value: String) {
        #expect {
            _ = try ProviderEndpoints.fromEnvironment([variable: value])
        } throws: { error in
            guard let error = error as? ProviderEndpointError else { return false }
            return error.variable == variable && error.description.contains(variable)
                && !error.description.contains("pw")
        }
    }
}
