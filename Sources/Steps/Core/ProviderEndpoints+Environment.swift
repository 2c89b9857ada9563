import Foundation

/// A provider base-URL variable that is not an absolute http(s) URL. Names the variable; the
/// value is shown because endpoints are not secrets, but any user-info part is redacted.
public struct ProviderEndpointError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Stable code for logs and tests.
    public static let code = "endpoints.invalid"

    /// The environment variable, e.g. `FLOW_TWILIO_URL`.
    public var variable: String
    public var message: String

    public var description: String { "\(Self.code): \(variable): \(message)" }
}

extension ProviderEndpoints {
    /// The environment variables that override the production base URLs.
    public static let environmentVariableNames = [
        "FLOW_TWILIO_URL", "FLOW_AEROAPI_URL", "FLOW_OPENAI_URL", "FLOW_OPENMETEO_URL",
    ]

    /// The variable naming the daemon's public base URL (webhooks, `StatusCallback`).
    public static let publicURLVariable = "FLOW_PUBLIC_URL"

    private static var environmentVariables: [(variable: String, keyPath: WritableKeyPath<ProviderEndpoints, String>)] {
        [("FLOW_TWILIO_URL", \.twilio), ("FLOW_AEROAPI_URL", \.aeroapi), ("FLOW_OPENAI_URL", \.openai),
         ("FLOW_OPENMETEO_URL", \.openmeteo)]
    }

    /// Production endpoints, each overridden by its variable when set and non-empty:
    /// `FLOW_TWILIO_URL` (the host; paths start with `/2010-04-01`), `FLOW_AEROAPI_URL` (the base
    /// including `/aeroapi`), `FLOW_OPENAI_URL` (the base including `/v1`), `FLOW_OPENMETEO_URL` (the
    /// host; paths start with `/v1/forecast`). Each must be an
    /// absolute `http`/`https` URL with a host and without query, fragment or credentials.
    /// `FLOW_PUBLIC_URL`, when set, becomes `publicBaseURL` under the same rules.
    public static func fromEnvironment(_ environment: [String: String]) throws -> ProviderEndpoints {
        func read(_ variable: String) throws -> String? {
            guard let raw = environment[variable]?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else {
                return nil
            }
            try validate(raw, variable: variable)
            var value = raw
            while value.hasSuffix("/") { value.removeLast() }
            return value
        }
        var endpoints = ProviderEndpoints.production
        for (variable, keyPath) in environmentVariables {
            if let value = try read(variable) { endpoints[keyPath: keyPath] = value }
        }
        endpoints.publicBaseURL = try read(publicURLVariable)
        return endpoints
    }

    /// The variables whose endpoint differs from production, with the URL in use.
    public func overrides() -> [(variable: String, url: String)] {
        Self.environmentVariables.compactMap { variable, keyPath in
            self[keyPath: keyPath] == Self.production[keyPath: keyPath] ? nil : (variable, self[keyPath: keyPath])
        }
    }

    private static func validate(_ raw: String, variable: String) throws {
        func fail(_ message: String) -> ProviderEndpointError {
            ProviderEndpointError(variable: variable, message: message)
        }
        guard let components = URLComponents(string: raw), let scheme = components.scheme?.lowercased() else {
            throw fail("not an absolute URL (expected http://host[:port][/path] or https://…)")
        }
        guard scheme == "http" || scheme == "https" else {
            throw fail("scheme must be http or https, not \"\(scheme)\"")
        }
        guard let host = components.host, !host.isEmpty else {
            throw fail("has no host")
        }
        guard components.user == nil, components.password == nil else {
            throw fail("must not contain credentials (use the provider's key variables)")
        }
        guard components.query == nil, components.fragment == nil else {
            throw fail("must not have a query or fragment")
        }
    }
}
