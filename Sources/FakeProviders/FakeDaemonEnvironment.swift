public import Foundation
import Steps

extension FakeProviderServer.Configuration {
    /// The environment of a `flowctl serve` child that calls fakes of this configuration at `base`:
    /// `environment` without any provider credential or `FLOW_` setting of its own, then the fakes'
    /// credentials and every provider's endpoint.
    public func daemonEnvironment(
        base: String, from environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> [String: String] {
        var env = environment
        for key in env.keys where key.hasPrefix("TWILIO_") || key.hasPrefix("FLOW_") || key == "AEROAPI_KEY"
            || key == "OPENAI_API_KEY"
        {
            env[key] = nil
        }
        env["TWILIO_ACCOUNT_SID"] = twilioAccountSid
        env["TWILIO_AUTH_TOKEN"] = twilioAuthToken
        env["TWILIO_MESSAGING_SERVICE_SID"] = "MG" + String(repeating: "c", count: 32)
        env["AEROAPI_KEY"] = aeroapiKey
        env["OPENAI_API_KEY"] = openaiKey
        let endpoints = ProviderEndpoints.local(base)
        env["FLOW_TWILIO_URL"] = endpoints.twilio
        env["FLOW_AEROAPI_URL"] = endpoints.aeroapi
        env["FLOW_OPENAI_URL"] = endpoints.openai
        env["FLOW_OPENMETEO_URL"] = endpoints.openmeteo
        return env
    }
}
