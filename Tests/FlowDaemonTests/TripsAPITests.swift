import FlowEngine
import FlowRuntime
import Foundation
import Hummingbird
import HummingbirdTesting
import HTTPTypes
import Testing
import Travel

/// The agency portal's trips API through the daemon's router (SQLite; no worker runs, so the
/// instances stay as `trip.created` started them): a trip posted once starts each of its flows
/// once, however often it is posted again; its changes, cancellation and listing.
@Suite("Trips API")
struct TripsAPITests {
    typealias A = APIFixture

    static let idempotencyKey = HTTPField.Name("Idempotency-Key")!

    /// A valid trip body; `extra` adds or replaces fields.
    static func trip(_ extra: [String: Value] = [:]) -> Value {
        var trip: [String: Value] = [
            "client_name": "Ana", "whatsapp": "whatsapp:+5491155550000", "flight_number": "ar1140", "origin": "eze",
            "destination": "MIA", "departure": "2027-03-10T21:05:00-03:00",
        ]
        trip.merge(extra) { $1 }
        return .object(trip)
    }

    static func call(
        _ client: some TestClientProtocol, _ method: HTTPRequest.Method, _ uri: String, token: String, body: Value? = nil,
        key: String? = nil
    ) async throws -> (HTTPResponse.Status, Value) {
        var extra: HTTPFields = [:]
        if let key { extra[idempotencyKey] = key }
        return try await client.execute(
            uri: uri, method: method, headers: A.headers(token, extra), body: body.map { ByteBuffer(string: $0.jsonText) }
        ) { ($0.status, (try? A.json($0)) ?? .null) }
    }

    /// The flight-notifications instances the key sees.
    static func instances(_ client: some TestClientProtocol, token: String) async throws -> [Value] {
        try await call(client, .get, "/instances?flow=flight-notifications", token: token).1["instances"]?.arrayValue ?? []
    }

    @Test("POST /trips starts each flow once per trip: the same Idempotency-Key or id again is 200 with the same trip")
    func createdOnce() async throws {
        let fixture = try await A.make(shipped: ["flight-notifications.yaml", "itinerary.yaml"])
        try await fixture.app().test(.router) { client in
            let (status, created) = try await Self.call(client, .post, "/trips", token: fixture.acme, body: Self.trip(), key: "book-1")
            #expect(status == .created, "\(created)")
            let id = try #require(created["id"]?.stringValue)
            #expect(id.hasPrefix("trip-"))
            #expect(created["agency_id"] == "acme" && created["status"] == "active" && created["cancelled_at"] == .null)
            #expect(created["whatsapp"] == "+5491155550000" && created["flight_number"] == "AR1140" && created["origin"] == "EZE")
            #expect(created["departure"] == "2027-03-11T00:05:00Z")
            let flows = created["instances"]?.arrayValue?.compactMap { $0["flow"]?.stringValue }
            #expect(flows == ["flight-notifications", "itinerary"], "\(created)")

            let (again, same) = try await Self.call(client, .post, "/trips", token: fixture.acme, body: Self.trip(), key: "book-1")
            #expect(again == .ok && same["id"] == .string(id))
            // The same instances (their states may have moved on in between).
            #expect(same["instances"]?.arrayValue?.map { $0["id"] } == created["instances"]?.arrayValue?.map { $0["id"] })
            #expect(try await Self.instances(client, token: fixture.acme).count == 1)
            // The same key from another agency is another trip.
            let (theirs, other) = try await Self.call(client, .post, "/trips", token: fixture.patagonia, body: Self.trip(), key: "book-1")
            #expect(theirs == .created && other["id"] != .string(id) && other["agency_id"] == "patagonia")

            // An explicit id: once, then 200; other fields under it are 409, and so is another agency's use of it.
            var fields = Self.trip(["id": "T-1", "departure_local": "2027-03-10T21:05", "companions": [["name": "Luis"]]])
                .objectValue ?? [:]
            fields["departure"] = nil
            let named = Value.object(fields)
            let (first, one) = try await Self.call(client, .post, "/trips", token: fixture.acme, body: named)
            // The local time at the origin (Buenos Aires, UTC−3), converted once: the trip and its flows hold the instant.
            #expect(first == .created && one["departure"] == "2027-03-11T00:05:00Z", "\(one)")
            #expect(try await Self.call(client, .post, "/trips", token: fixture.acme, body: named).0 == .ok)
            #expect(try await Self.instances(client, token: fixture.acme).count == 2)
            let moved = Self.trip(["id": "T-1", "flight_number": "AR1302"])
            #expect(try await Self.call(client, .post, "/trips", token: fixture.acme, body: moved).0 == .conflict)
            #expect(try await Self.call(client, .post, "/trips", token: fixture.patagonia, body: named).0 == .conflict)

            // GET: acme's and the admin's; 404 to patagonia.
            let (shown, trip) = try await Self.call(client, .get, "/trips/T-1", token: fixture.acme)
            #expect(shown == .ok && trip["companions"] == [["name": "Luis"]])
            let waits = trip["instances"]?.arrayValue?.first?["waiting_for"]
            #expect(waits?.arrayValue != nil, "\(trip)")
            #expect(try await Self.call(client, .get, "/trips/T-1", token: fixture.admin).0 == .ok)
            let (hidden, body) = try await Self.call(client, .get, "/trips/T-1", token: fixture.patagonia)
            #expect(hidden == .notFound && !body.jsonText.contains("Ana"))
        }
    }

    @Test("POST /trips checks every field like the flow input: the field is named")
    func validation() async throws {
        let fixture = try await A.make(shipped: ["flight-notifications.yaml"])
        try await fixture.app().test(.router) { client in
            let cases: [(Value, HTTPResponse.Status, String)] = [
                (Self.trip(["origin": "ZZZ"]), .unprocessableContent, "'origin'"),
                (Self.trip(["destination": "XQX"]), .unprocessableContent, "'destination'"),
                (Self.trip(["whatsapp": "5491155550000"]), .unprocessableContent, "'whatsapp'"),
                (Self.trip(["departure": "2027-03-10T21:05:00"]), .unprocessableContent, "'departure'"),
                (Self.trip(["departure": .null]), .unprocessableContent, "'departure'"),
                (Self.trip(["departure_local": "10/03/2027 21:05"]), .unprocessableContent, "'departure_local'"),
                (Self.trip(["flight_number": "Aerolineas"]), .unprocessableContent, "'flight_number'"),
                (Self.trip(["client_name": .null]), .unprocessableContent, "'client_name'"),
                (Self.trip(["seat": "12A"]), .unprocessableContent, "'seat'"),
                (Self.trip(["id": "a/b"]), .unprocessableContent, "'id'"),
                (Self.trip(["companions": [["whatsapp": "+5491100000000"]]]), .unprocessableContent, "'companions[0]'"),
                (Self.trip(["agency_id": "patagonia"]), .forbidden, "own agency"),
                (["not", "an", "object"], .badRequest, "JSON object"),
            ]
            for (body, status, named) in cases {
                let (got, answer) = try await Self.call(client, .post, "/trips", token: fixture.acme, body: body)
                #expect(got == status, "\(body.jsonText): \(answer)")
                #expect(answer["error"]?["message"]?.stringValue?.contains(named) == true, "\(answer)")
            }
            // An admin key names the agency; without one (and no home agency) it is 422.
            let (admin, error) = try await Self.call(client, .post, "/trips", token: fixture.admin, body: Self.trip())
            #expect(admin == .unprocessableContent && error.jsonText.contains("agency_id"))
            let (named, trip) = try await Self.call(
                client, .post, "/trips", token: fixture.admin, body: Self.trip(["agency_id": "patagonia"]))
            #expect(named == .created && trip["agency_id"] == "patagonia")
            #expect(try await Self.instances(client, token: fixture.acme).isEmpty)
            // An empty or over-long Idempotency-Key; a method the path does not have; a NUL in the body.
            for key in ["", String(repeating: "k", count: 201)] {
                #expect(try await Self.call(client, .post, "/trips", token: fixture.acme, body: Self.trip(), key: key).0
                    == .badRequest)
            }
            try await client.execute(uri: "/trips/T-1", method: .post, headers: A.headers(fixture.acme)) {
                #expect($0.status == .methodNotAllowed)
                #expect($0.headers[.allow]?.contains("PATCH") == true && $0.headers[.allow]?.contains("DELETE") == true)
            }
            let (nul, answer) = try await Self.call(
                client, .post, "/trips", token: fixture.acme, body: Self.trip(["notes": "a\u{0}b"]))
            #expect(nul == .badRequest && answer.jsonText.contains("notes"), "\(answer)")
        }
    }

    @Test("PATCH changes allowed fields only; DELETE cancels once; a cancelled trip is not changed or posted again")
    func changeAndCancel() async throws {
        let fixture = try await A.make(shipped: ["flight-notifications.yaml"])
        try await fixture.app().test(.router) { client in
            let body = Self.trip(["id": "T-9", "notes": "window seat"])
            #expect(try await Self.call(client, .post, "/trips", token: fixture.acme, body: body).0 == .created)
            let patch: Value = ["flight_number": "AR1302", "departure": "2027-03-12T10:00:00Z", "notes": .null]
            let (changed, trip) = try await Self.call(client, .patch, "/trips/T-9", token: fixture.acme, body: patch, key: "p-1")
            #expect(changed == .ok, "\(trip)")
            #expect(trip["flight_number"] == "AR1302" && trip["departure"] == "2027-03-12T10:00:00Z" && trip["notes"] == nil)
            #expect(trip["client_name"] == "Ana" && trip["origin"] == "EZE")
            let stored = try await fixture.store()
            #expect(try await stored.trip(id: "T-9")?.flightNumber == "AR1302")
            try await stored.close()
            for (patch, named) in [
                (["origin": "AEP"] as Value, "'origin'"), (["whatsapp": "+5491100000000"], "'whatsapp'"),
                (["seat": "1A"], "'seat'"), (["client_name": .null], "'client_name'"), ([:], "no field"),
                (["departure": "tomorrow"], "'departure'"),
            ] {
                let (status, answer) = try await Self.call(client, .patch, "/trips/T-9", token: fixture.acme, body: patch)
                #expect(status == .unprocessableContent && answer.jsonText.contains(named), "\(patch.jsonText): \(answer)")
            }
            #expect(try await Self.call(client, .patch, "/trips/T-9", token: fixture.patagonia, body: ["notes": "x"]).0 == .notFound)
            #expect(try await Self.call(client, .delete, "/trips/T-9", token: fixture.patagonia).0 == .notFound)

            let (cancelled, gone) = try await Self.call(
                client, .delete, "/trips/T-9", token: fixture.acme, body: ["reason": "the traveller cancelled"])
            #expect(cancelled == .ok && gone["status"] == "cancelled" && gone["cancelled_at"]?.stringValue != nil)
            let (again, same) = try await Self.call(client, .delete, "/trips/T-9", token: fixture.acme)
            #expect(again == .ok && same["cancelled_at"] == gone["cancelled_at"])
            #expect(try await Self.call(client, .delete, "/trips/T-9", token: fixture.acme, body: ["why": "x"]).0
                == .unprocessableContent)
            #expect(try await Self.call(client, .patch, "/trips/T-9", token: fixture.acme, body: ["notes": "x"]).0 == .conflict)
            let repost = Self.trip(["id": "T-9", "flight_number": "AR1302", "departure": "2027-03-12T10:00:00Z"])
            #expect(try await Self.call(client, .post, "/trips", token: fixture.acme, body: repost).0 == .conflict)
            #expect(try await Self.call(client, .get, "/trips/nope", token: fixture.acme).0 == .notFound)
        }
    }

    @Test("GET /agencies/{agency}/trips pages the agency's trips with their instances")
    func listing() async throws {
        let fixture = try await A.make(shipped: ["flight-notifications.yaml"])
        try await fixture.app().test(.router) { client in
            for index in 1...3 {
                let body = Self.trip(["id": .string("L-\(index)")])
                #expect(try await Self.call(client, .post, "/trips", token: fixture.acme, body: body).0 == .created)
            }
            #expect(try await Self.call(client, .post, "/trips", token: fixture.patagonia, body: Self.trip(["id": "P-1"])).0
                == .created)
            var seen: [String] = []
            var uri = "/agencies/acme/trips?limit=2"
            while true {
                let (status, page) = try await Self.call(client, .get, uri, token: fixture.acme)
                #expect(status == .ok, "\(page)")
                for trip in page["trips"]?.arrayValue ?? [] {
                    seen.append(trip["id"]?.stringValue ?? "")
                    #expect(trip["instances"]?.arrayValue?.map { $0["flow"] } == ["flight-notifications"], "\(trip)")
                }
                guard let next = page["next_cursor"]?.stringValue else { break }
                uri = "/agencies/acme/trips?limit=2&cursor=\(next)"
            }
            #expect(seen == ["L-1", "L-2", "L-3"])
            #expect(try await Self.call(client, .get, "/agencies/acme/trips", token: fixture.patagonia).0 == .notFound)
            let (all, admin) = try await Self.call(client, .get, "/agencies/patagonia/trips", token: fixture.admin)
            #expect(all == .ok && admin["trips"]?.arrayValue?.map { $0["id"] } == ["P-1"])
            for bad in ["limit=0", "limit=101", "limit=x", "cursor=%25%25"] {
                #expect(try await Self.call(client, .get, "/agencies/acme/trips?\(bad)", token: fixture.acme).0 == .badRequest, "\(bad)")
            }
        }
    }

    @Test("PUT /agencies/{agency}: admins create, the agency updates its branding, only admins set the Twilio account")
    func agencies() async throws {
        let fixture = try await A.make()
        try await fixture.app().test(.router) { client in
            let branding: Value = ["display_name": "Acme Viajes", "sign_off": "El equipo de Acme", "support_phone": "+5491100000000"]
            #expect(try await Self.call(client, .get, "/agencies/acme", token: fixture.acme).0 == .notFound)
            let (refused, _) = try await Self.call(client, .put, "/agencies/acme", token: fixture.acme, body: branding)
            #expect(refused == .forbidden)
            var withAccount = branding.objectValue ?? [:]
            withAccount["twilio_account"] = "ACME_AR"
            let (created, agency) = try await Self.call(client, .put, "/agencies/acme", token: fixture.admin, body: .object(withAccount))
            #expect(created == .created, "\(agency)")
            #expect(agency["twilio_account"] == "ACME_AR" && agency["links"]?["overrides"] == "/agencies/acme/overrides")
            #expect(agency["branding"] == ["id": "acme", "display_name": "Acme Viajes", "sign_off": "El equipo de Acme",
                                           "support_phone": "+5491100000000"])

            // The agency's own key changes its branding; the account stays, and it may not change it.
            let (updated, renamed) = try await Self.call(
                client, .put, "/agencies/acme", token: fixture.acme, body: ["display_name": "Acme Travel"])
            #expect(updated == .ok && renamed["display_name"] == "Acme Travel" && renamed["sign_off"] == .null)
            #expect(renamed["twilio_account"] == "ACME_AR")
            let steal: Value = ["display_name": "Acme", "twilio_account": "PATAGONIA"]
            #expect(try await Self.call(client, .put, "/agencies/acme", token: fixture.acme, body: steal).0 == .forbidden)
            let keep: Value = ["display_name": "Acme", "twilio_account": "ACME_AR"]
            #expect(try await Self.call(client, .put, "/agencies/acme", token: fixture.acme, body: keep).0 == .ok)
            let (shown, read) = try await Self.call(client, .get, "/agencies/acme", token: fixture.acme)
            #expect(shown == .ok && read["display_name"] == "Acme" && read["twilio_account"] == "ACME_AR")

            // Tenancy and checks.
            #expect(try await Self.call(client, .get, "/agencies/acme", token: fixture.patagonia).0 == .notFound)
            #expect(try await Self.call(client, .put, "/agencies/acme", token: fixture.patagonia, body: branding).0 == .notFound)
            for (body, named) in [
                (["display_name": "A", "colour": "red"] as Value, "'colour'"), (["sign_off": "x"], "'display_name'"),
                (["display_name": "A", "support_phone": "011 4444"], "'support_phone'"),
                (["display_name": "A", "twilio_account": "acme ar"], "'twilio_account'"),
                (["display_name": 7], "'display_name'"),
            ] {
                let (status, answer) = try await Self.call(client, .put, "/agencies/acme", token: fixture.admin, body: body)
                #expect(status == .unprocessableContent && answer.jsonText.contains(named), "\(body.jsonText): \(answer)")
            }
        }
    }

    @Test("GET /agencies/{agency}/stats: a range checked, an agency's own numbers, 404 to another agency")
    func stats() async throws {
        let fixture = try await A.make()
        try await fixture.app().test(.router) { client in
            let (status, stats) = try await Self.call(
                client, .get, "/agencies/acme/stats?from=2026-01-01&to=2026-02-01T00:00:00Z", token: fixture.acme)
            #expect(status == .ok, "\(stats)")
            #expect(stats["from"] == "2026-01-01T00:00:00Z" && stats["to"] == "2026-02-01T00:00:00Z")
            #expect(stats["messages"]?["total"] == 0 && stats["delivery"]?["delivery_rate"] == .null)
            #expect(stats["aeroapi"] == ["calls": 0, "lookups": 0, "trip_days": 0, "budget_exceeded": 0])
            #expect(try await Self.call(client, .get, "/agencies/acme/stats", token: fixture.acme).0 == .ok)
            for bad in ["from=yesterday", "from=2026-02-01&to=2026-01-01", "from=2024-01-01&to=2026-01-01", "to=2026-01-01T00:00:00"] {
                #expect(try await Self.call(client, .get, "/agencies/acme/stats?\(bad)", token: fixture.acme).0 == .badRequest, "\(bad)")
            }
            #expect(try await Self.call(client, .get, "/agencies/acme/stats", token: fixture.patagonia).0 == .notFound)
            #expect(try await Self.call(client, .get, "/agencies/acme/stats", token: fixture.admin).0 == .ok)
        }
    }
}
