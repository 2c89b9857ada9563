import FlowEngine
import FlowRuntime
import Foundation
import Steps
import Testing

extension BadInputRequests {
    /// `path` with its parameters filled: acme's seeded objects, else names nothing has.
    func uri(_ path: String, seeds: Seeds) -> String {
        let values = [
            "{id}": seeds.instance, "{name}": "hold", "{hash}": "0000", "{agency}": "acme", "{trip_id}": seeds.trip,
            "{document_id}": seeds.document, "{job_id}": "job-none", "{user_id}": "u-bad", "{token}": "forged.token",
        ]
        return values.reduce(path) { $0.replacingOccurrences(of: $1.key, with: $1.value) }
    }

    /// The checks of one operation: keys, another agency, an oversized body, then its body's shape.
    func check(_ operation: Operation, seeds: Seeds, document: Value) async throws {
        let uri = uri(operation.path, seeds: seeds)
        let valid = Self.validBodies[operation.name].map { Array($0.jsonText.utf8) }
            ?? Self.otherBodies[operation.name].map { Array($0.utf8) } ?? []
        let contentType = operation.takesJSON ? "application/json" : operation.contentTypes.first ?? "application/json"
        let isLink = operation.path.hasPrefix("/approvals/link/")
        if isLink {
            // The token is the authority: a forged one is refused (an HTML page for people).
            let answer = try await send(operation.method, uri, token: nil, body: valid, contentType: contentType)
            #expect((400..<500).contains(answer.status), "\(operation) with a forged token: \(answer.status)")
        } else if !operation.isPublic {
            for (what, token) in [("no key", nil), ("a forged key", Self.forgedKey)] as [(String, String?)] {
                let answer = try await send(operation.method, uri, token: token, body: valid, contentType: contentType)
                expectError(answer, operation, "with \(what)", status: [401], code: "unauthenticated")
                #expect(!answer.text.contains("flow_"), "\(operation) echoes the key")
            }
        }
        if ["{id}", "{trip_id}", "{agency}", "{document_id}"].contains(where: { operation.path.contains($0) }) {
            let answer = try await send(operation.method, uri, token: keys.patagonia, body: valid, contentType: contentType)
            expectError(answer, operation, "with another agency's key", status: [403, 404])
            #expect(![seeds.instance, seeds.document, "Ana Bad"].contains(where: { answer.text.contains($0) }),
                    "\(operation) shows acme's objects to patagonia")
        }
        let oversized = Array(#"{"x":""#.utf8) + Array(repeating: UInt8(ascii: "a"), count: Self.bodyLimit)
            + Array(#""}"#.utf8)
        // With the admin key, which every route takes (an agency key is 403 at /metrics before its body is read).
        let big = try await send(operation.method, uri, token: keys.admin, body: oversized, contentType: contentType)
        expectError(big, operation, "with a body over the limit", status: [413], code: "too_large")
        guard operation.takesBody, !isLink else { return }
        if operation.takesJSON {
            try await checkJSON(operation, uri: uri, document: document)
        } else {
            try await checkYAML(operation, uri: uri, contentType: contentType)
        }
    }

    /// Malformed, not UTF-8, too deep, huge numbers, each field of a wrong type, an unknown field.
    func checkJSON(_ operation: Operation, uri: String, document: Value) async throws {
        let valid = Self.validBodies[operation.name] ?? [:]
        var bad: [(what: String, body: [UInt8], names: String?)] = [
            ("malformed JSON", Array(#"{"x": "#.utf8), nil),
            ("invalid UTF-8", Array(#"{"x": ""#.utf8) + [0xff, 0xfe, 0xc3] + Array(#""}"#.utf8), nil),
            ("10,000 nested arrays",
             Array(repeating: UInt8(ascii: "["), count: 10_000) + Array(repeating: UInt8(ascii: "]"), count: 10_000), nil),
            ("10,000 nested objects",
             Array(String(repeating: #"{"a":"#, count: 10_000).utf8) + Array(repeating: UInt8(ascii: "}"), count: 10_000),
             nil),
            ("a number beyond a double", Array(#"{"x": 1e400}"#.utf8), nil),
        ]
        let (properties, closed) = Self.fields(of: operation.schema, in: document)
        for (field, schema) in properties.sorted(by: { $0.key < $1.key }) {
            let types = Self.types(of: Self.resolve(schema, in: document))
            guard let wrong = Self.wrongValue(for: types) else { continue }
            bad.append(("'\(field)' of the wrong type", Array(valid.with(field, wrong).jsonText.utf8), field))
            if types.contains("integer") || types.contains("number") {
                for huge in ["1e400", "1180591620717411303424"] {
                    let text = valid.with(field, "HUGE").jsonText.replacingOccurrences(of: #""HUGE""#, with: huge)
                    bad.append(("'\(field)' = \(huge)", Array(text.utf8), field))
                }
            }
        }
        if closed {
            bad.append(("an unknown field", Array(valid.with("zz_unknown", 1).jsonText.utf8), "zz_unknown"))
        }
        if let field = Self.yamlFields[operation.name] {
            for (what, yaml) in Self.deepYAML {
                bad.append(("'\(field)' holding \(what)", Array(valid.with(field, .string(yaml)).jsonText.utf8), nil))
            }
        }
        for (what, body, field) in bad {
            let answer = try await send(operation.method, uri, token: keys.acme, body: body)
            expectError(answer, operation, "with \(what)", status: [400, 422], names: field)
        }
    }

    /// JSON fields that hold a YAML document (a flow's source), by operation.
    static let yamlFields = ["POST /instances/{id}/replay": "flow_source"]

    /// YAML nested deep enough to break a recursive parser.
    static let deepYAML: [(String, String)] = [
        ("10,000 nested flow sequences", String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)),
        ("10,000 nested flow mappings", String(repeating: "{a: ", count: 10_000) + String(repeating: "}", count: 10_000)),
        ("300 nested block mappings", (0..<300).map { String(repeating: " ", count: $0) + "a:\n" }.joined()),
    ]

    /// An agency overrides document (YAML): malformed, not UTF-8, too deep, an unknown key.
    func checkYAML(_ operation: Operation, uri: String, contentType: String) async throws {
        let bad: [(what: String, body: [UInt8], names: String?)] = [
            ("malformed YAML", Array("agency: [acme\n".utf8), nil),
            ("invalid UTF-8", Array("agency: ".utf8) + [0xff, 0xfe, 0xc3] + [0x0a], nil),
            ("an unknown key", Array("agency: acme\nzz_unknown: 1\n".utf8), "zz_unknown"),
            ("a number beyond a double", Array("agency: acme\nflows:\n  hold:\n    settings:\n      x: 1e400\n".utf8), nil),
        ] + Self.deepYAML.map { ($0.0, Array($0.1.utf8), nil) }
        for (what, body, field) in bad {
            let answer = try await send(operation.method, uri, token: keys.acme, body: body, contentType: contentType)
            expectError(answer, operation, "with \(what)", status: [400, 422], names: field)
        }
    }

    /// The Twilio webhooks: unsigned, forged or empty signatures are 403, an oversized form 413; none
    /// logs the sender's number.
    func checkWebhooks() async throws {
        let form: [(String, String)] = [
            ("MessageSid", "SM" + String(repeating: "d", count: 32)), ("MessageStatus", "delivered"),
            ("AccountSid", "AC" + String(repeating: "a", count: 32)), ("From", "whatsapp:" + Self.phone),
            ("Body", "hola"),
        ]
        for path in [TwilioWebhookPaths.status, TwilioWebhookPaths.inbound] {
            let body = Array(FormEncoding.encode(form).utf8)
            let forged = TwilioSignature.compute(url: base + path, parameters: form, authToken: "guess")
            let type = "application/x-www-form-urlencoded"
            for signature in [nil, "", forged] as [String?] {
                let headers = signature.map { [(name: "X-Twilio-Signature", value: $0)] } ?? []
                let answer = try await send(.post, path, token: nil, body: body, contentType: type, headers: headers)
                #expect(answer.status == 403, "\(path) with signature \(signature ?? "none"): \(answer.status)")
            }
            let garbage = try await send(.post, path, token: nil, body: [0xff, 0xfe, 0x3d, 0x26], contentType: type,
                                         headers: [(name: "X-Twilio-Signature", value: forged)])
            #expect(garbage.status == 403, "\(path) with a form that is not UTF-8: \(garbage.status)")
            let oversized = Array("Body=".utf8) + Array(repeating: UInt8(ascii: "a"), count: Self.bodyLimit)
            let big = try await send(.post, path, token: nil, body: oversized, contentType: type,
                                     headers: [(name: "X-Twilio-Signature", value: forged)])
            #expect(big.status == 413 && big.json["error"]?["code"] == "too_large", "\(path) oversized: \(big.status)")
        }
    }

    /// `answer` is one of `status`, the API's JSON error, with `code`, naming `field` in its message.
    func expectError(
        _ answer: Answer, _ operation: Operation, _ what: String, status: Set<Int>, code: String? = nil,
        names field: String? = nil, sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) {
        let shown = "\(operation) \(what): \(answer.status) \(answer.text.prefix(300))"
        #expect(status.contains(answer.status), "\(shown)", sourceLocation: sourceLocation)
        let error = answer.json["error"]
        guard let message = error?["message"]?.stringValue, error?["code"]?.stringValue != nil else {
            Issue.record("\(shown): not the API's JSON error", sourceLocation: sourceLocation)
            return
        }
        if let code { #expect(error?["code"]?.stringValue == code, "\(shown)", sourceLocation: sourceLocation) }
        if let field { #expect(message.contains(field), "\(shown): does not name '\(field)'", sourceLocation: sourceLocation) }
    }

    /// The fields a body schema declares (those of every `oneOf` branch too), and whether it is
    /// closed (`additionalProperties: false`, on it or on every branch).
    static func fields(of schema: Value?, in document: Value) -> (properties: [String: Value], closed: Bool) {
        guard let schema else { return ([:], false) }
        var properties = schema["properties"]?.objectValue ?? [:]
        let branches = (schema["oneOf"]?.arrayValue ?? []).map { resolve($0, in: document) }
        for branch in branches {
            properties.merge(branch["properties"]?.objectValue ?? [:]) { first, _ in first }
        }
        let closed = schema["additionalProperties"] == false
            || (!branches.isEmpty && branches.allSatisfy { $0["additionalProperties"] == false })
        return (properties, closed)
    }

    /// The JSON types a schema allows (`type`, a name or a list); empty when it does not say.
    static func types(of schema: Value) -> Set<String> {
        if let one = schema["type"]?.stringValue { return [one] }
        return Set(schema["type"]?.arrayValue?.compactMap(\.stringValue) ?? [])
    }

    /// A value of none of `types`; nil when the schema allows any.
    static func wrongValue(for types: Set<String>) -> Value? {
        guard !types.isEmpty else { return nil }
        let candidates: [(Value, Set<String>)] = [
            (12345, ["number", "integer"]), ("text", ["string"]), ([1, 2], ["array"]), (["k": "v"], ["object"]),
            (true, ["boolean"]),
        ]
        return candidates.first { $0.1.isDisjoint(with: types) }?.0
    }
}
