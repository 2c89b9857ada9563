import FakeProviders
import FlowEngine
import FlowRuntime
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import Travel

/// Keys, authentication and tenancy of the daemon's API, through the router of the real daemon.
@Suite("API keys and tenancy")
struct APITenancyTests {
    typealias A = APIFixture

    /// One route a key may call, and what another agency's key gets there.
    struct Route: Sendable, CustomStringConvertible {
        var method: HTTPRequest.Method
        /// `{id}` stands for an instance of agency acme.
        var uri: String
        var body: Value?
        /// What patagonia's key gets (acme's objects are 404 to it).
        var other: HTTPResponse.Status
        var description: String { "\(method) \(uri)" }
    }

    static let routes: [Route] = [
        Route(method: .get, uri: "/instances/{id}", other: .notFound),
        Route(method: .post, uri: "/instances/{id}/cancel", body: [:], other: .notFound),
        Route(method: .post, uri: "/instances/{id}/replay", body: ["flow_source": .string(APIFixture.hold)],
              other: .notFound),
        Route(method: .get, uri: "/instances", other: .ok),
        Route(method: .get, uri: "/instances?agency=acme", other: .forbidden),
        Route(method: .post, uri: "/instances", body: ["flow": "hold", "input": ["phone": "+1"], "agency": "acme"],
              other: .forbidden),
        Route(method: .post, uri: "/events/nobody.listens?agency=acme", body: [:], other: .forbidden),
        Route(method: .post, uri: "/events/nobody.listens", body: [:], other: .ok),
        Route(method: .get, uri: "/metrics", other: .forbidden),
        Route(method: .get, uri: "/instances/{id}/events", other: .notFound),
        Route(method: .post, uri: "/instances/{id}/events/poke", body: [:], other: .notFound),
        Route(method: .get, uri: "/approvals", other: .ok),
        Route(method: .get, uri: "/flows", other: .ok),
        Route(method: .get, uri: "/flows/hold", other: .ok),
        Route(method: .get, uri: "/flows/hold/graph.svg", other: .ok),
        Route(method: .get, uri: "/flows/hold/graph.svg?instance={id}", other: .notFound),
        Route(method: .get, uri: "/me", other: .ok),
        Route(method: .get, uri: "/approvals/{id}:a1", other: .notFound),
        Route(method: .post, uri: "/approvals/{id}:a1/decision", body: ["decision": "approve"], other: .notFound),
        Route(method: .get, uri: "/agencies/acme/overrides", other: .notFound),
        Route(method: .put, uri: "/agencies/acme/overrides", body: ["agency": "acme"], other: .notFound),
        Route(method: .get, uri: "/agencies/acme/overrides/history", other: .notFound),
        Route(method: .post, uri: "/agencies/acme/overrides/check", body: ["agency": "acme"], other: .notFound),
        // The agency portal (`{trip}` stands for a trip of acme).
        Route(method: .get, uri: "/agencies/acme", other: .notFound),
        Route(method: .put, uri: "/agencies/acme", body: ["display_name": "Acme"], other: .notFound),
        Route(method: .get, uri: "/agencies/acme/stats", other: .notFound),
        Route(method: .get, uri: "/agencies/acme/trips", other: .notFound),
        Route(method: .get, uri: "/trips/{trip}", other: .notFound),
        Route(method: .patch, uri: "/trips/{trip}", body: ["notes": "aisle"], other: .notFound),
        Route(method: .delete, uri: "/trips/{trip}", other: .notFound),
        Route(method: .post, uri: "/trips", body: TripsAPITests.trip(["agency_id": "acme"]), other: .forbidden),
        Route(method: .post, uri: "/trips", body: TripsAPITests.trip(["id": "{trip}"]), other: .conflict),
        Route(method: .post, uri: "/trips", body: TripsAPITests.trip(), other: .created),
        Route(method: .post, uri: "/agencies/acme/erasures", body: ["phone": "+5491155550000"], other: .notFound),
        Route(method: .get, uri: "/agencies/acme/erasures", other: .notFound),
        // The planning API (`{job}` stands for a trip-planning job of acme's user u-42).
        Route(method: .get, uri: "/v1/status/{job}", other: .notFound),
        Route(method: .get, uri: "/v1/stream/{job}", other: .notFound),
        Route(method: .post, uri: "/v1/approve", body: ["job_id": "{job}", "approved": true], other: .notFound),
        Route(method: .post, uri: "/v1/jobs/{job}/cancel", body: [:], other: .notFound),
        Route(method: .get, uri: "/v1/jobs/u-42", other: .ok),
        Route(method: .post, uri: "/v1/plan", body: ["user_id": "u-9", "query": "A weekend in Rome"], other: .accepted),
        Route(method: .post, uri: "/v1/plan/sync?timeout=0", body: ["user_id": "u-9", "query": "Rome"], other: .accepted),
        // Trip documents (`T-ACME-DOCS` is a trip of acme with the document `doc-acme-1`).
        Route(method: .get, uri: "/trips/T-ACME-DOCS/documents", other: .notFound),
        Route(method: .post, uri: "/trips/T-ACME-DOCS/documents",
              body: ["name": "Voucher", "url": "https://agency.example/v.pdf"], other: .notFound),
        Route(method: .delete, uri: "/trips/T-ACME-DOCS/documents/doc-acme-1", other: .notFound),
    ]

    /// acme's trip `T-ACME-DOCS` with the document `doc-acme-1`, written through the store.
    static func seedDocuments(_ fixture: APIFixture) async throws {
        let store = try await fixture.store()
        let now = InstanceWorker<SQLiteFlowStore>.wallClock()
        try await store.upsertTrip(TripRecord(
            id: "T-ACME-DOCS", agencyID: "acme", clientName: "Ana Pérez", whatsapp: "+5491155550000",
            flightNumber: "AR1140", origin: "EZE", destination: "MAD", departureAt: now + .days(3), stay: nil,
            notes: nil, language: "es", metadata: nil, instanceID: nil, updatedAt: now))
        _ = try await store.recordDocument(TripDocument(
            id: "doc-acme-1", tripID: "T-ACME-DOCS", agencyID: "acme", phone: nil, type: .voucher, name: "Voucher",
            url: "https://agency.example/v.pdf", contentType: "application/pdf", source: .api, receivedAt: now))
        try await store.close()
    }

    @Test("every route: no key, a malformed or revoked key 401; another agency's key never sees acme's objects")
    func tenancyTable() async throws {
        let fixture = try await A.make(planning: true)
        try await Self.seedDocuments(fixture)
        let app = try await fixture.app()
        try await app.test(.router) { client in
            let (status, started) = try await A.start(client, token: fixture.acme)
            #expect(status == .created)
            let id = try #require(started["id"]?.stringValue)
            #expect(started["agency"] == "acme")
            let plan: Value = ["user_id": "u-42", "query": "Four days in Lisbon", "constraints": ["budget_usd": 3000]]
            let job = try await client.execute(
                uri: "/v1/plan", method: .post, headers: A.headers(fixture.acme), body: ByteBuffer(string: plan.jsonText)
            ) { response in
                #expect(response.status == .accepted)
                return try #require(try A.json(response)["job_id"]?.stringValue)
            }
            let trip = try await client.execute(
                uri: "/trips", method: .post, headers: A.headers(fixture.acme),
                body: ByteBuffer(string: TripsAPITests.trip(["id": "T-ACME-1"]).jsonText)
            ) { response in
                #expect(response.status == .created)
                return try #require(try A.json(response)["id"]?.stringValue)
            }
            for route in Self.routes {
                let uri = route.uri.replacingOccurrences(of: "{id}", with: id).replacingOccurrences(of: "{job}", with: job)
                    .replacingOccurrences(of: "{trip}", with: trip)
                let body = route.body.map {
                    ByteBuffer(string: $0.jsonText.replacingOccurrences(of: "{job}", with: job)
                        .replacingOccurrences(of: "{trip}", with: trip))
                }
                for token in [nil, fixture.revoked, "flow_nonsense", fixture.acme + "0"] as [String?] {
                    try await client.execute(uri: uri, method: route.method, headers: A.headers(token), body: body) {
                        #expect($0.status == .unauthorized, "\(route) with \(token == nil ? "no key" : "a bad key")")
                        let error = try A.json($0)
                        #expect(error["error"]?["code"] == "unauthenticated")
                        #expect(!String(buffer: $0.body).contains("flow_"), "the answer echoes the key")
                    }
                }
                let other = A.headers(fixture.patagonia)
                try await client.execute(uri: uri, method: route.method, headers: other, body: body) {
                    #expect($0.status == route.other, "\(route) with patagonia's key: \(String(buffer: $0.body))")
                    #expect(!String(buffer: $0.body).contains(id), "\(route) shows acme's instance to patagonia")
                    #expect(!String(buffer: $0.body).contains(job), "\(route) shows acme's job to patagonia")
                    #expect(!String(buffer: $0.body).contains("Ana") || route.other == .created,
                            "\(route) shows acme's trip to patagonia")
                }
            }
            // acme's own key and the admin key see it; the cancel route was refused to the others above.
            for token in [fixture.acme, fixture.admin] {
                try await client.execute(uri: "/instances/\(id)", method: .get, headers: A.headers(token)) {
                    #expect($0.status == .ok)
                }
                try await client.execute(uri: "/trips/T-ACME-DOCS/documents", method: .get, headers: A.headers(token)) {
                    response in
                    #expect(response.status == .ok)
                    let listed = try A.json(response)
                    #expect(listed["documents"]?.arrayValue?.first?["id"] == "doc-acme-1")
                }
            }
            try await client.execute(uri: "/instances", method: .get, headers: A.headers(fixture.admin)) {
                let ids = try A.json($0)["instances"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
                #expect(ids.contains(id))
            }
            try await client.execute(uri: "/metrics", method: .get, headers: A.headers(fixture.admin)) {
                #expect($0.status == .ok)
            }
            // Public routes need no key.
            for uri in ["/health", "/openapi.json"] {
                try await client.execute(uri: uri, method: .get) { #expect($0.status == .ok, "\(uri)") }
            }
        }
    }

    @Test("the same Idempotency-Key returns the same instance (per agency); a body over 1 MiB is 413")
    func idempotency() async throws {
        let fixture = try await A.make()
        let app = try await fixture.app()
        try await app.test(.router) { client in
            let (first, created) = try await A.start(client, token: fixture.acme, key: "order-1")
            let (second, again) = try await A.start(client, token: fixture.acme, key: "order-1")
            #expect(first == .created && second == .ok)
            #expect(created["id"] != nil && created["id"] == again["id"])
            let (other, theirs) = try await A.start(client, token: fixture.patagonia, key: "order-1")
            #expect(other == .created && theirs["id"] != created["id"] && theirs["agency"] == "patagonia")
            let (unknown, _) = try await A.start(client, token: fixture.acme, body: ["flow": "nope", "input": [:]])
            #expect(unknown == .notFound)
            let (tooLong, _) = try await A.start(client, token: fixture.acme, key: String(repeating: "k", count: 201))
            #expect(tooLong == .badRequest)
            let noPhone: Value = ["flow": "hold", "input": [:]]
            let (badInput, problem) = try await A.start(client, token: fixture.acme, body: noPhone)
            #expect(badInput == .unprocessableContent && problem["error"]?["code"] == "unprocessable")
            let phone = String(repeating: "9", count: 1_100_000)
            let huge = ByteBuffer(string: #"{"flow": "hold", "input": {"phone": ""# + phone + #""}}"#)
            try await client.execute(uri: "/instances", method: .post, headers: A.headers(fixture.acme), body: huge) {
                #expect($0.status == .contentTooLarge)
                let json = try A.json($0)
                #expect(json["error"]?["code"] == "too_large")
            }
        }
    }

    @Test("list pages by cursor in creation order, filtered by flow and status, only the key's agency")
    func listPages() async throws {
        let fixture = try await A.make()
        let app = try await fixture.app()
        try await app.test(.router) { client in
            var acme: [String] = []
            for n in 0..<5 {
                let (_, body) = try await A.start(client, token: fixture.acme, key: "k\(n)")
                acme.append(try #require(body["id"]?.stringValue))
            }
            _ = try await A.start(client, token: fixture.patagonia, key: "p0")
            var seen: [String] = []
            var cursor: String?
            var pages = 0
            repeat {
                let uri = "/instances?flow=hold&limit=2" + (cursor.map { "&cursor=\($0)" } ?? "")
                let page = try await client.execute(uri: uri, method: .get, headers: A.headers(fixture.acme)) {
                    response in
                    #expect(response.status == .ok)
                    return try A.json(response)
                }
                seen += page["instances"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
                cursor = page["next_cursor"]?.stringValue
                pages += 1
            } while cursor != nil && pages < 10
            #expect(seen == acme && pages == 3)
            let acmeKey = A.headers(fixture.acme)
            try await client.execute(uri: "/instances?status=succeeded", method: .get, headers: acmeKey) {
                let json = try A.json($0)
                #expect(json["instances"]?.arrayValue?.isEmpty == true)
            }
            // What they wait for, read from their states; the created range, on the store.
            let waits = try await client.execute(
                uri: "/instances?waiting_for=timer&limit=2", method: .get, headers: acmeKey
            ) { try A.json($0) }
            #expect(waits["instances"]?.arrayValue?.count == 2 && waits["next_cursor"] != .null)
            for (filter, count) in [("waiting_for=event", 0), ("waiting_for=event:poke", 0), ("waiting_for=timer", 5),
                                    ("created_before=2000-01-01T00:00:00Z", 0), ("created_from=2000-01-01T00:00:00Z", 5)] {
                try await client.execute(uri: "/instances?flow=hold&limit=10&\(filter)", method: .get, headers: acmeKey) {
                    let found = try A.json($0)["instances"]?.arrayValue?.count
                    #expect(found == count, "\(filter)")
                }
            }
            for bad in ["/instances?status=asleep", "/instances?limit=0", "/instances?cursor=%%%",
                        "/instances?waiting_for=sleep", "/instances?waiting_for=timer:x", "/instances?created_from=monday"] {
                try await client.execute(uri: bad, method: .get, headers: A.headers(fixture.acme)) {
                    #expect($0.status == .badRequest, "\(bad)")
                }
            }
            let adminKey = A.headers(fixture.admin)
            try await client.execute(uri: "/instances?agency=patagonia", method: .get, headers: adminKey) {
                let json = try A.json($0)
                #expect(json["instances"]?.arrayValue?.count == 1)
            }
        }
    }

    @Test("cancel: 202, the worker ends the instance cancelled with who cancelled; then 409")
    func cancel() async throws {
        let fixture = try await A.make()
        let app = try await fixture.app()
        let id = try await app.test(.router) { client in
            let (_, started) = try await A.start(client, token: fixture.acme)
            let id = try #require(started["id"]?.stringValue)
            try await client.execute(uri: "/instances/\(id)", method: .get, headers: A.headers(fixture.acme)) {
                let body = try A.json($0)
                #expect(body["flow"] == "hold" && body["version"] == 1 && body["status"] == "waiting")
                let wait = body["waiting_for"]?.arrayValue?.first
                #expect(wait?["kind"] == "timer" && wait?["state"] == "pause" && wait?["until"] != .null, "\(body)")
                #expect(body["agency"] == "acme" && body["states"] == ["pause"])
                #expect(body["version_hash"]?.stringValue?.isEmpty == false)
            }
            try await client.execute(
                uri: "/instances/\(id)/cancel", method: .post, headers: A.headers(fixture.acme),
                body: ByteBuffer(string: #"{"reason": "customer asked"}"#)
            ) {
                #expect($0.status == .accepted)
                let json = try A.json($0)
                #expect(json["reason"] == "cancelled by acme-ops: customer asked")
            }
            return id
        }
        let store = try await fixture.store()
        let clock = TestClock(InstanceWorker<SQLiteFlowStore>.wallClock() + .seconds(1))
        let worker = DaemonFixtures.worker(
            store, registry: DefinitionRegistry(path: fixture.workflows), fake: FakeProviderServer(), clock: clock,
            owner: "test")
        _ = try await worker.runOnce()
        #expect(try await store.instance(id: id)?.status == .cancelled)
        let reasons = try await store.history(instanceID: id, after: 0).compactMap { $0.details["reason"]?.stringValue }
        #expect(reasons.contains { $0.contains("cancelled by acme-ops") }, "\(reasons)")
        try await store.close()
        try await fixture.app().test(.router) { client in
            try await client.execute(uri: "/instances/\(id)/cancel", method: .post, headers: A.headers(fixture.acme)) {
                #expect($0.status == .conflict)
            }
            try await client.execute(uri: "/instances/\(id)", method: .get, headers: A.headers(fixture.acme)) {
                let json = try A.json($0)
                #expect(json["status"] == "cancelled")
            }
        }
    }

    @Test("CORS headers only for configured origins; preflights need no key")
    func cors() async throws {
        let fixture = try await A.make()
        let app = try await fixture.app(corsOrigins: ["https://console.example"])
        try await app.test(.router) { client in
            try await client.execute(
                uri: "/instances", method: .options,
                headers: [.origin: "https://console.example", .accessControlRequestMethod: "POST"]
            ) {
                #expect($0.status == .noContent)
                #expect($0.headers[.accessControlAllowOrigin] == "https://console.example")
            }
            try await client.execute(
                uri: "/instances", method: .get, headers: A.headers(fixture.acme, [.origin: "https://evil.example"])
            ) {
                #expect($0.status == .ok)
                #expect($0.headers[.accessControlAllowOrigin] == nil)
            }
        }
        try await fixture.app().test(.router) { client in
            try await client.execute(
                uri: "/instances", method: .get, headers: A.headers(fixture.acme, [.origin: "https://console.example"])
            ) { #expect($0.headers[.accessControlAllowOrigin] == nil) }
        }
    }

    @Test("/openapi.json is the OpenAPI 3.1 document listing the routes")
    func openAPI() async throws {
        let fixture = try await A.make()
        try await fixture.app().test(.router) { client in
            try await client.execute(uri: "/openapi.json", method: .get) { response in
                let document = try A.json(response)
                #expect(document["openapi"] == "3.1.0")
                let paths = Set(document["paths"]?.objectValue?.keys.map { $0 } ?? [])
                let routes: Set<String> = [
                    "/instances", "/instances/{id}", "/instances/{id}/cancel", "/instances/{id}/replay", "/events/{name}",
                    "/instances/{id}/events",
                    "/instances/{id}/events/{name}", "/approvals", "/approvals/{id}", "/approvals/{id}/decision",
                    "/agencies/{agency}", "/agencies/{agency}/stats", "/agencies/{agency}/trips", "/trips", "/trips/{trip_id}",
                ]
                #expect(paths.isSuperset(of: routes))
            }
        }
    }
}

@Suite("Flow routes")
struct FlowRoutesTests {
    @Test("GET /flows lists the directory's flows; GET /flows/{name} has source, settings, input, states, graph, versions")
    func flows() async throws {
        let fixture = try await APIFixture.make()
        try await fixture.app().test(.router) { client in
            try await client.execute(uri: "/flows", method: .get, headers: APIFixture.headers(fixture.acme)) {
                let flows = try APIFixture.json($0)["flows"]?.arrayValue ?? []
                #expect(flows.map { $0["name"] } == ["hold"])
                #expect(flows.first?["hash"]?.stringValue?.count == 16)
            }
            try await client.execute(uri: "/flows/hold", method: .get, headers: APIFixture.headers(fixture.acme)) {
                let flow = try APIFixture.json($0)
                #expect(flow["source"]?.stringValue == APIFixture.hold)
                #expect(flow["start"] == "pause")
                #expect(flow["states"]?.arrayValue?.map { $0["kind"] } == ["wait", "succeed"])
                #expect(flow["input"]?["phone"]?["required"] == true)
                let pause = flow["graph"]?["states"]?.arrayValue?.first
                #expect(flow["graph"]?["start"] == "pause" && pause?["kind"] == "wait", "\(flow["graph"] ?? .null)")
                #expect(pause?["edges"] == [["to": "done", "label": "next", "error": false]])
                #expect(flow["mermaid"]?.stringValue?.hasPrefix("stateDiagram-v2") == true)
                let versions = flow["versions"]?.arrayValue ?? []
                #expect(versions.count == 1 && versions.first?["current"] == true)
                #expect(versions.first?["hash"] == flow["hash"])
            }
            let hash = try await client.execute(uri: "/flows/hold", method: .get, headers: APIFixture.headers(fixture.acme)) {
                try APIFixture.json($0)["hash"]?.stringValue ?? ""
            }
            try await client.execute(
                uri: "/flows/hold/versions/\(hash)", method: .get, headers: APIFixture.headers(fixture.patagonia)
            ) {
                let version = try APIFixture.json($0)
                #expect($0.status == .ok && version["source"]?.stringValue == APIFixture.hold && version["current"] == true)
            }
            try await client.execute(
                uri: "/flows/hold/versions/0000000000000000", method: .get, headers: APIFixture.headers(fixture.acme)
            ) {
                #expect($0.status == .notFound)
            }
            try await client.execute(uri: "/flows/nope", method: .get, headers: APIFixture.headers(fixture.acme)) {
                #expect($0.status == .notFound)
            }
        }
    }
}
