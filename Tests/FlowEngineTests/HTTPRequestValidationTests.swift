import Testing

@testable import FlowEngine

/// What the validator says about `http.request` states: literal hosts against the configured
/// allow-list (F120), and side effects by method (F106).
struct HTTPRequestValidationTests {
    static func flow(method: String? = nil, url: String, retry: Bool = false, key: Bool = false) -> SourceFile {
        var lines = [
            "flow: demo", "version: 1", "start: call", "input:", "  base: { type: string }", "  id: { type: string }",
            "states:", "  call:", "    step: http.request", "    with:",
        ]
        if let method { lines.append("      method: \(method)") }
        lines.append("      url: \"\(url)\"")
        if key { lines.append("    idempotency_key: \"k/${{ input.id }}\"") }
        if retry { lines.append("    retry: { max_attempts: 3, on: [transient, timeout] }") }
        lines += [
            "    catch: [ { errors: [transient, permanent, not_found, timeout, invalid_response], next: done } ]",
            "    next: done", "  done:", "    succeed: true",
        ]
        return SourceFile(path: "demo.yaml", text: lines.joined(separator: "\n") + "\n")
    }

    static func codes(_ file: SourceFile, allow: String?) throws -> [String] {
        let catalogue = StepCatalogue.standard.allowing(hosts: try allow.map { text throws in try HostAllowList(parsing: text) })
        return FlowValidator(catalogue: catalogue).validate(file).diagnostics.filter { $0.severity == .error }
            .map(\.code.rawValue)
    }

    @Test("literal hosts are judged against the allow-list; hosts from expressions are left to run time", arguments: [
        ("https://api.example.com/bookings", "api.example.com", [String]()),
        ("https://evil.example.net/bookings", "api.example.com", ["F120"]),
        ("https://evil.example.net/b/${{ input.id }}", "api.example.com", ["F120"]),
        ("https://api.example.com/b/${{ input.id }}", "api.example.com", []),
        ("http://localhost:9090/x", "localhost:8080", ["F120"]),
        ("https://svc.internal.example/x", "*.internal.example", []),
        // The host is not all literal: it could go on ("…example.com.evil.net"), so only run time can tell.
        ("https://api.example.com${{ input.id }}", "api.example.com", []),
        ("${{ input.base }}/bookings", "api.example.com", []),
        // Without a configured allow-list (plain `flowctl validate`), literal hosts are not judged.
        ("https://evil.example.net/bookings", nil, []),
    ] as [(String, String?, [String])])
    func literalHosts(_ url: String, _ allow: String?, _ expected: [String]) throws {
        #expect(try Self.codes(Self.flow(url: url), allow: allow) == expected)
    }

    @Test("F120 points at the url's value")
    func location() throws {
        let catalogue = StepCatalogue.standard.allowing(hosts: try HostAllowList(parsing: "api.example.com"))
        let diagnostics = FlowValidator(catalogue: catalogue).validate(Self.flow(url: "https://evil.example.net/x")).diagnostics
        let f120 = try #require(diagnostics.first { $0.code == .hostNotAllowed })
        #expect(f120.location.line == 11)
        #expect(f120.location.column == 12)
        #expect(f120.message.contains("'evil.example.net'"))
    }

    @Test("GET is pure: it may retry without an idempotency key; other methods may not (F106)", arguments: [
        (nil, false, [String]()),
        ("GET", false, []),
        ("POST", false, ["F106"]),
        ("DELETE", false, ["F106"]),
        ("POST", true, []),
        ("\"${{ input.id }}\"", false, ["F106"]),
    ] as [(String?, Bool, [String])])
    func sideEffectsByMethod(_ method: String?, _ key: Bool, _ expected: [String]) throws {
        let file = Self.flow(method: method, url: "https://api.example.com/x", retry: true, key: key)
        #expect(try Self.codes(file, allow: "api.example.com") == expected)
    }

    @Test("the signature says which calls change the world")
    func hasSideEffects() {
        let signature = StepSignature.httpRequest
        #expect(!signature.hasSideEffects([:]))
        #expect(!signature.hasSideEffects(["method": "get"]))
        #expect(signature.hasSideEffects(["method": "POST"]))
        #expect(signature.hasSideEffects(["method": "PATCH"]))
        #expect(StepSignature.twilioSendText.hasSideEffects([:]))
        #expect(!StepSignature.aeroapiFlight.hasSideEffects([:]))
    }
}
