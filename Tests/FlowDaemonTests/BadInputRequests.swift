import FlowEngine
import FlowRuntime
import Foundation
import Steps
import Testing
import Travel

/// The requests of the bad-input suite (`BadInputServeTests`) against one daemon: its keys, the
/// operations of its API document, a valid body per operation that takes one (the bad ones are made
/// from it), and the checks each operation gets.
struct BadInputRequests {
    /// The daemon's `FLOW_MAX_BODY_BYTES` in the suite: small, so an oversized body is quick to send.
    static let bodyLimit = 65_536
    /// The traveller's number the bad requests carry: it must never reach the log in clear.
    static let phone = "+5491199990001"
    /// A well-formed key no one created.
    static let forgedKey = "flow_0123456789abcdef_" + String(repeating: "5a", count: 32)

    /// A trip `POST /trips` takes.
    static let trip: Value = [
        "client_name": "Ana Bad", "whatsapp": .string(phone), "flight_number": "AR1140", "origin": "EZE",
        "destination": "MIA", "departure": "2036-07-09T21:05:00-03:00", "notes": "window",
    ]

    /// A valid JSON body of each operation that takes one; the bad bodies change one thing in it.
    static let validBodies: [String: Value] = [
        "POST /events/{name}": ["gate": "B7"],
        "POST /instances": ["flow": "hold", "input": ["phone": .string(phone)], "agency": "acme"],
        "POST /instances/{id}/cancel": ["reason": "bad input"],
        "POST /instances/{id}/resume": ["action": "retry", "note": "bad input"],
        "POST /instances/{id}/replay": ["flow_source": .string(APIFixture.hold)],
        "POST /instances/{id}/events/{name}": ["gate": "B7"],
        "POST /approvals/{id}/decision": ["decision": "approve", "notes": "ok"],
        "POST /agencies/{agency}/erasures": ["phone": .string(phone)],
        "PUT /agencies/{agency}": ["display_name": "Acme", "sign_off": "The Acme team", "support_phone": .string(phone)],
        "POST /trips": trip,
        "PATCH /trips/{trip_id}": ["notes": "aisle", "client_name": "Ana Bad"],
        "DELETE /trips/{trip_id}": ["reason": "the traveller cancelled"],
        "POST /v1/plan": ["user_id": "u-bad", "query": "A weekend in Rome", "whatsapp": .string(phone)],
        "POST /v1/plan/sync": ["user_id": "u-bad", "query": "A weekend in Rome", "whatsapp": .string(phone)],
        "POST /v1/approve": ["job_id": "job-none", "approved": true, "notes": "ok"],
        "POST /v1/jobs/{job_id}/cancel": ["reason": "changed my mind"],
        "POST /v1/jobs/{job_id}/answer": ["text": "yes"],
        "PUT /v1/preferences/{user_id}": ["home_airport": "EZE", "currency": "USD", "whatsapp": .string(phone)],
        "POST /v1/feedback": ["job_id": "job-none", "rating": 4, "comment": "good"],
        "POST /v1/suggest": ["user_id": "u-bad", "trigger_type": "price_drop", "context": ["destination": "Rome"]],
        "POST /trips/{trip_id}/documents": ["name": "Voucher", "url": "https://agency.example/v.pdf"],
    ]

    /// Operations whose body is not JSON: agency overrides (YAML) and the approval link's form.
    static let otherBodies: [String: String] = [
        "PUT /agencies/{agency}/overrides": "agency: acme\n",
        "POST /agencies/{agency}/overrides/check": "agency: acme\n",
        "POST /approvals/link/{token}": "decision=approve",
    ]

    /// The keys: acme's (the daemon's own), patagonia's and an admin's.
    struct Keys {
        var acme: String
        var patagonia: String
        var admin: String

        static func make(_ served: ServeUnderTest) async throws -> Keys {
            let store = try await SQLiteFlowStore.open(.file(path: served.database), migrate: false)
            let now = InstanceWorker<SQLiteFlowStore>.wallClock()
            let patagonia = try await APIKeys.create(in: store, name: "pata-ops", agency: "patagonia", admin: false, at: now)
            let admin = try await APIKeys.create(in: store, name: "root", agency: nil, admin: true, at: now)
            try await store.close()
            return Keys(acme: served.token, patagonia: patagonia.token, admin: admin.token)
        }
    }

    /// What the bad requests find: acme's instance, trip and document.
    struct Seeds {
        var instance: String
        var trip: String
        var document: String
        /// The seeded trip's traveller.
        var phone: String
    }

    /// One operation of the document.
    struct Operation: CustomStringConvertible {
        var method: HTTPRequestSpec.Method
        var path: String
        /// The request body's media types; empty: none.
        var contentTypes: [String]
        /// The JSON body's schema, `$ref`s resolved at the top.
        var schema: Value?
        /// No key needed (`security: []`).
        var isPublic: Bool

        var name: String { "\(method.rawValue) \(path)" }
        var description: String { name }
        var takesBody: Bool { !contentTypes.isEmpty }
        var takesJSON: Bool { contentTypes.contains { $0.hasSuffix("json") } }
    }

    /// An answer: status, headers and body.
    struct Answer {
        var status: Int
        var headers: [(name: String, value: String)]
        var body: [UInt8]
        var text: String { String(decoding: body, as: UTF8.self) }
        var json: Value { (try? JSONDecoder().decode(Value.self, from: Data(body))) ?? .null }
        func header(_ name: String) -> String? { headers.first { $0.name.lowercased() == name.lowercased() }?.value }
    }

    let base: String
    let keys: Keys

    func send(
        _ method: HTTPRequestSpec.Method, _ path: String, token: String?, body: [UInt8] = [],
        contentType: String = "application/json", headers extra: [(name: String, value: String)] = []
    ) async throws -> Answer {
        var headers = extra
        if let token { headers.append(("Authorization", "Bearer \(token)")) }
        if !body.isEmpty { headers.append(("Content-Type", contentType)) }
        let response = try await AsyncHTTPClientTransport().send(
            HTTPRequestSpec(method: method, url: base + path, headers: headers, body: body), timeout: .seconds(30))
        return Answer(status: response.status, headers: response.headers, body: response.body)
    }

    /// acme's hold instance, trip `T-BAD-1` (which makes its agency row) and a document of it.
    func seed() async throws -> Seeds {
        let hold: Value = ["flow": "hold", "input": ["phone": "+5491155550000"]]
        let started = try await send(.post, "/instances", token: keys.acme, body: Array(hold.jsonText.utf8))
        let instance = try #require(started.json["id"]?.stringValue, "\(started.status) \(started.text)")
        let trip = Self.trip.with("id", "T-BAD-1").with("whatsapp", "+5491155550000")
        let created = try await send(.post, "/trips", token: keys.acme, body: Array(trip.jsonText.utf8))
        #expect(created.status == 201, "\(created.text)")
        let voucher: Value = ["name": "Voucher", "url": "https://agency.example/v.pdf"]
        let filed = try await send(.post, "/trips/T-BAD-1/documents", token: keys.acme, body: Array(voucher.jsonText.utf8))
        let document = try #require(filed.json["id"]?.stringValue, "\(filed.status) \(filed.text)")
        return Seeds(instance: instance, trip: "T-BAD-1", document: document, phone: "+5491155550000")
    }

    /// Row counts of every table a request could write, and the seeded objects as the API shows them.
    static func snapshot(_ client: BadInputRequests, database: String, seeds: Seeds) async throws -> [String: String] {
        let tables = [
            "flow_instances", "instance_inbox", "trips", "trip_documents", "erasures", "agencies", "agency_overrides",
            "agency_override_audit", "approvals", "plan_feedback", "user_preferences", "api_keys", "conversations",
        ]
        var snapshot: [String: String] = [:]
        let present = Set(try await ServeEndToEndTests.query(database, "SELECT name FROM sqlite_master WHERE type = 'table'"))
        #expect(present.contains("flow_instances") && present.contains("trips"), "\(present)")
        for table in tables where present.contains(table) {
            snapshot["rows of \(table)"] = try await ServeEndToEndTests.query(database, "SELECT count(*) FROM \(table)").first
        }
        for path in ["/instances/\(seeds.instance)", "/trips/\(seeds.trip)", "/agencies/acme", "/agencies/acme/overrides",
                     "/trips/\(seeds.trip)/documents", "/v1/preferences/u-bad", "/agencies/acme/erasures"] {
            let answer = try await client.send(.get, path, token: client.keys.acme)
            snapshot["GET \(path)"] = "\(answer.status) \(answer.text)"
        }
        return snapshot
    }

    /// The operations of `document` (an OpenAPI 3.1 document as JSON).
    static func operations(of document: Value) -> [Operation] {
        guard case .object(let paths)? = document["paths"] else { return [] }
        var operations: [Operation] = []
        for path in paths.keys.sorted() {
            for method in HTTPRequestSpec.Method.allCases {
                guard let operation = paths[path]?[method.rawValue.lowercased()] else { continue }
                let content = operation["requestBody"]?["content"]?.objectValue ?? [:]
                let schema = content["application/json"]?["schema"].map { resolve($0, in: document) }
                let isPublic = operation["security"]?.arrayValue?.isEmpty == true
                operations.append(Operation(
                    method: method, path: path, contentTypes: content.keys.sorted(), schema: schema, isPublic: isPublic))
            }
        }
        return operations
    }

    /// `schema` with a top-level `$ref` (`#/components/schemas/X`) followed.
    static func resolve(_ schema: Value, in document: Value) -> Value {
        guard let reference = schema["$ref"]?.stringValue else { return schema }
        let name = String(reference.split(separator: "/").last ?? "")
        return document["components"]?["schemas"]?[name].map { resolve($0, in: document) } ?? schema
    }
}

extension Value {
    /// This object with `key` set to `value`.
    func with(_ key: String, _ value: Value) -> Value {
        var members = objectValue ?? [:]
        members[key] = value
        return .object(members)
    }
}
