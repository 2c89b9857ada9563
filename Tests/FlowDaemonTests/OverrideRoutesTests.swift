import FlowEngine
import FlowRuntime
import Foundation
import Hummingbird
import HummingbirdTesting
import HTTPTypes
import Testing

/// Agency overrides changed over the API: checked as `flowctl validate` checks them, in effect for
/// the next instance on every daemon with no restart, audited, and scoped to the key's agency.
@Suite("Agency overrides over the API")
struct OverrideRoutesTests {
    typealias A = APIFixture

    /// A flow whose wait lasts as long as its overridable `pause` setting.
    static let tuned = """
        flow: tuned
        version: 1
        description: Waits as long as the agency says

        settings:
          pause: { type: duration, default: 1h, min: 1m, max: 2d, overridable: true }
          label: { type: string, default: plain, overridable: false }

        start: pause
        states:
          pause:
            wait:
              for: ${{ settings.pause }}
            next: done
          done:
            succeed: true
        """

    static let twoHours = """
        agency: acme
        flows:
          tuned:
            settings:
              pause: 2h
        """

    static func fixture() async throws -> APIFixture {
        let fixture = try await A.make()
        try tuned.write(toFile: fixture.workflows + "/tuned.yaml", atomically: true, encoding: .utf8)
        return fixture
    }

    static func put(
        _ client: some TestClientProtocol, _ document: String, token: String, agency: String = "acme",
        ifMatch: String? = nil
    ) async throws -> (HTTPResponse.Status, Value, String?) {
        var headers = A.headers(token)
        headers[.contentType] = "application/yaml"
        if let ifMatch { headers[.ifMatch] = ifMatch }
        return try await client.execute(
            uri: "/agencies/\(agency)/overrides", method: .put, headers: headers, body: ByteBuffer(string: document)
        ) { ($0.status, try A.json($0), $0.headers[.eTag]) }
    }

    static func get(_ client: some TestClientProtocol, _ uri: String, token: String) async throws
        -> (HTTPResponse.Status, Value)
    {
        try await client.execute(uri: uri, method: .get, headers: A.headers(token)) { ($0.status, try A.json($0)) }
    }

    /// Starts `tuned` for acme; the instant its wait ends.
    static func startTuned(_ client: some TestClientProtocol, token: String) async throws -> (id: String, until: Instant) {
        let (status, body) = try await A.start(client, token: token, body: ["flow": "tuned", "input": [:]])
        #expect(status == .created, "\(body)")
        let id = try #require(body["id"]?.stringValue)
        let until = try #require(body["waiting_for"]?.arrayValue?.first?["until"]?.stringValue.flatMap(Instant.init(iso8601:)))
        return (id, until)
    }

    @Test("a PUT applies to the next instance on every daemon with no restart; running ones keep theirs; audited")
    func putAppliesToNextInstance() async throws {
        let fixture = try await Self.fixture()
        // Two daemons over one database, both started before the change.
        let first = try await fixture.app()
        let second = try await fixture.app()
        let before = try await first.test(.router) { client in
            let (status, current) = try await Self.get(client, "/agencies/acme/overrides", token: fixture.acme)
            #expect(status == .ok && current["origin"] == "none" && current["revision"] == 0)
            #expect(current["effective_settings"]?["tuned"]?["label"] == "plain")
            let running = try await Self.startTuned(client, token: fixture.acme)
            let (put, changed, etag) = try await Self.put(client, Self.twoHours, token: fixture.acme, ifMatch: "\"0\"")
            #expect(put == .ok, "\(changed)")
            #expect(changed["changed"] == true && changed["revision"] == 1 && etag == "\"1\"")
            #expect(changed["origin"] == "stored" && changed["changed_by"] == "acme-ops")
            #expect(changed["document"]?.stringValue == Self.twoHours)
            return running
        }
        try await second.test(.router) { client in
            let next = try await Self.startTuned(client, token: fixture.acme)
            let started = Self.seconds(next.until, before.until)
            // The new instance waits two hours, the one already running still one.
            #expect(started > 3_500 && started < 3_700, "the next instance waits \(started) s longer, not an hour")
            let (_, running) = try await Self.get(client, "/instances/\(before.id)", token: fixture.acme)
            let runningUntil = running["waiting_for"]?.arrayValue?.first?["until"]?.stringValue
            #expect(runningUntil.flatMap(Instant.init(iso8601:)) == before.until)
            // Another agency's instances keep the defaults.
            let (_, theirs) = try await A.start(client, token: fixture.patagonia, body: ["flow": "tuned", "input": [:]])
            let theirUntil = try #require(theirs["waiting_for"]?.arrayValue?.first?["until"]?.stringValue
                .flatMap(Instant.init(iso8601:)))
            #expect(Self.seconds(next.until, theirUntil) > 3_500)
            let (_, history) = try await Self.get(client, "/agencies/acme/overrides/history", token: fixture.acme)
            let revisions = try #require(history["revisions"]?.arrayValue)
            #expect(revisions.count == 1)
            #expect(revisions.first?["changed_by"] == "acme-ops" && revisions.first?["changed_at"] != .null)
            #expect(revisions.first?["changes"] == [["flow": "tuned", "setting": "pause", "from": .null, "to": "2h"]])
        }
    }

    @Test("an invalid document is 422 with located diagnostics and changes nothing; stale If-Match 412")
    func invalidDocumentsChangeNothing() async throws {
        let fixture = try await Self.fixture()
        try await fixture.app().test(.router) { client in
            _ = try await Self.put(client, Self.twoHours, token: fixture.acme)
            let outOfBounds = """
                agency: acme
                flows:
                  tuned:
                    settings:
                      pause: 5d
                      label: fancy
                """
            let (status, body, _) = try await Self.put(client, outOfBounds, token: fixture.acme)
            #expect(status == .unprocessableContent)
            #expect(body["error"]?["code"] == "invalid_document")
            let diagnostics = body["error"]?["diagnostics"]?.arrayValue ?? []
            let codes = Set(diagnostics.compactMap { $0["code"]?.stringValue })
            #expect(codes.isSuperset(of: ["O405", "O403"]), "\(diagnostics)")
            let pause = diagnostics.first { $0["code"] == "O405" }
            #expect(pause?["file"] == "agencies/acme.yaml" && pause?["line"] == 5 && pause?["column"] == 14, "\(diagnostics)")
            #expect(body["error"]?["message"]?.stringValue?.contains("agencies/acme.yaml:") == true)
            let broken = "agency: acme\nflows: [unclosed\n"
            let (syntax, syntaxBody, _) = try await Self.put(client, broken, token: fixture.acme)
            #expect(syntax == .unprocessableContent)
            #expect(syntaxBody["error"]?["diagnostics"]?.arrayValue?.first?["line"] != nil)
            let theirs = Self.twoHours.replacingOccurrences(of: "agency: acme", with: "agency: patagonia")
            let (wrongAgency, _, _) = try await Self.put(client, theirs, token: fixture.acme)
            #expect(wrongAgency == .unprocessableContent)
            let unknownFlow = Self.twoHours.replacingOccurrences(of: "tuned:", with: "tunned:")
            let (unknown, _, _) = try await Self.put(client, unknownFlow, token: fixture.acme)
            #expect(unknown == .unprocessableContent)
            let (stale, staleBody, _) = try await Self.put(
                client, Self.twoHours.replacingOccurrences(of: "2h", with: "3h"), token: fixture.acme, ifMatch: "\"0\"")
            #expect(stale == .preconditionFailed && staleBody["error"]?["code"] == "stale")
            let (same, sameBody, _) = try await Self.put(client, Self.twoHours, token: fixture.acme, ifMatch: "1")
            #expect(same == .ok && sameBody["changed"] == false && sameBody["revision"] == 1)
            var huge = Self.twoHours + "\n#"
            huge += String(repeating: "x", count: 70_000)
            let (tooLarge, _, _) = try await Self.put(client, huge, token: fixture.acme)
            #expect(tooLarge == .contentTooLarge)
            // Nothing of the above was stored.
            let (_, current) = try await Self.get(client, "/agencies/acme/overrides", token: fixture.acme)
            #expect(current["revision"] == 1 && current["document"]?.stringValue == Self.twoHours)
            let (_, history) = try await Self.get(client, "/agencies/acme/overrides/history", token: fixture.acme)
            #expect(history["revisions"]?.arrayValue?.count == 1)
        }
    }

    @Test("another agency's key gets 404, no key 401; an admin key reaches every agency")
    func tenancy() async throws {
        let fixture = try await Self.fixture()
        try await fixture.app().test(.router) { client in
            for uri in ["/agencies/acme/overrides", "/agencies/acme/overrides/history"] {
                let (status, _) = try await Self.get(client, uri, token: fixture.patagonia)
                #expect(status == .notFound, "\(uri)")
                try await client.execute(uri: uri, method: .get, headers: A.headers(nil)) {
                    #expect($0.status == .unauthorized)
                }
            }
            let (put, _, _) = try await Self.put(client, Self.twoHours, token: fixture.patagonia)
            #expect(put == .notFound)
            let (admin, body, _) = try await Self.put(client, Self.twoHours, token: fixture.admin)
            #expect(admin == .ok && body["changed_by"] == "root")
            let (_, current) = try await Self.get(client, "/agencies/acme/overrides", token: fixture.acme)
            #expect(current["revision"] == 1)
        }
    }

    static func seconds(_ later: Instant, _ earlier: Instant) -> Double {
        Double((later - earlier).milliseconds) / 1_000
    }
}
