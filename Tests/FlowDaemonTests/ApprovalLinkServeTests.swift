import FakeProviders
import FlowEngine
import Foundation
import Steps
import Hummingbird
import HummingbirdTesting
import Testing

/// A real `flowctl serve` on SQLite with an approval that notifies its approvers by WhatsApp (the
/// provider fake plays Twilio), reminds them at 50 % of `expires_in` and escalates to a lead at
/// 75 %: each approver gets a message with a signed link; a link opens the decision page without a
/// key and decides once; a tampered token or one naming another approval is 403; after the decision
/// or the expiry the link is 410; the reminders and the escalation fire at their instants.
@Suite("approval links in the daemon", .serialized)
struct ApprovalLinkServeTests {
    typealias E2E = ServeEndToEndTests

    static let flow = """
        flow: approve-anywhere
        version: 1
        input:
          phones: { type: object, required: true }
        start: ask
        states:
          ask:
            approval:
              request:
                kind: booking
                summary: Book the Lisbon trip
                amount: 1200
                currency: EUR
                items: [TAP 123 EZE-LIS]
                version: 3
              approvers: [ana, bob]
              expires_in: 8s
              notify:
                - whatsapp: { to: "${{ input.phones }}", content_sid: HX00000000000000000000000000000001 }
              remind:
                at: [50%]
                escalate: { at: 75%, approvers: [lead] }
              on_approve: done
              on_reject: rejected
              save: decision
          done:
            succeed: { output: "${{ vars.decision }}" }
          rejected:
            fail: { error: rejected }
        """

    static let phones: Value = ["ana": "+5491155550001", "bob": "+5491155550002", "lead": "+5491155550003"]

    @Test("one message per approver with its link; the link decides once; tampered and foreign tokens 403; expiry 410; reminders and escalation on time")
    func linksInServe() async throws {
        let configuration = FakeProviderServer.Configuration()
        let fake = FakeProviderServer(configuration: configuration)
        let fakeURL = try await fake.start()
        defer { Task { await fake.stop() } }

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("links-\(UUID().uuidString)")
        let workflows = directory.appendingPathComponent("workflows")
        try FileManager.default.createDirectory(at: workflows, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try Self.flow.write(to: workflows.appendingPathComponent("approve-anywhere.yaml"), atomically: true, encoding: .utf8)
        let database = directory.appendingPathComponent("flow.sqlite").path
        let input = directory.appendingPathComponent("input.json")
        try Value.object(["phones": Self.phones]).jsonText.write(to: input, atomically: true, encoding: .utf8)

        let flowctl = URL(fileURLWithPath: try DaemonProcess.flowctlPath())
        let port = try LoopbackPort.free()
        let daemonURL = "http://127.0.0.1:\(port)"
        let environment = E2E.daemonEnvironment(configuration, fakeURL: fakeURL, daemonURL: daemonURL)
        let log = directory.appendingPathComponent("serve.log")
        let serve = try E2E.serveProcess(
            flowctl, port: port, workflows: workflows, database: database, environment: environment, log: log)
        func serveLog() -> String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }
        try serve.run()
        defer { if serve.isRunning { serve.terminate() } }
        try #require(await E2E.answersHealth(daemonURL), "serve did not answer /health:\n\(serveLog())")

        // Two instances: `first` is left to remind, escalate and expire; `second` is decided by a link.
        for key in ["first", "second"] {
            let (status, output) = try await E2E.run(
                flowctl, ["start", "approve-anywhere", "--input", input.path, "--key", key,
                          "--database", "sqlite://" + database, "--workflows", workflows.path], environment: environment)
            try #require(status == 0, "flowctl start failed: \(output)")
        }
        let notified = await E2E.eventually(30) { fake.acceptedMessages.count >= 4 }
        try #require(notified, "\(fake.acceptedMessages)\n\(serveLog())")
        let instances = try await E2E.query(database, "SELECT id, idempotency_key FROM flow_instances ORDER BY idempotency_key")
        let ids = Dictionary(uniqueKeysWithValues: instances.map { line -> (String, String) in
            let parts = line.split(separator: "\t").map(String.init)
            return (parts[1], parts[0])
        })
        let first = try #require(ids["first"]), second = try #require(ids["second"])

        // One message per approver of each instance, each with its own link under FLOW_PUBLIC_URL.
        func link(_ instance: String, _ phone: String) -> String? {
            fake.acceptedMessages.compactMap { $0.to.hasSuffix(phone) ? $0.contentVariables?["2"] : nil }
                .first { Self.tokenApproval($0, base: daemonURL) == "\(instance):a1" }
        }
        let firstAna = try #require(link(first, "+5491155550001"), "\(fake.acceptedMessages)")
        let secondBob = try #require(link(second, "+5491155550002"), "\(fake.acceptedMessages)")
        #expect(fake.acceptedMessages.allSatisfy { $0.contentVariables?["1"] == "Book the Lisbon trip" })
        #expect(firstAna.hasPrefix(daemonURL + "/approvals/link/"))

        // The page: no key, HTML, the request as declared.
        let page = try await Self.get(firstAna)
        #expect(page.status == 200)
        #expect(page.text.contains("Book the Lisbon trip") && page.text.contains("1200 EUR") && page.text.contains("TAP 123"))
        #expect(page.text.contains("<form method=\"post\">") && page.text.contains("<label for=\"notes\">"))
        #expect(page.contentType?.hasPrefix("text/html") == true)

        // A tampered signature, and the first instance's signature over the second's payload: 403.
        let token = String(firstAna.dropFirst((daemonURL + "/approvals/link/").count))
        let (payload, signature) = (token.split(separator: ".")[0], token.split(separator: ".")[1])
        // The first character: every one of its bits is the signature's (the last one's low bits are padding).
        let flipped = (signature.first == "A" ? "B" : "A") + String(signature.dropFirst())
        #expect(try await Self.get(daemonURL + "/approvals/link/\(payload).\(flipped)").status == 403)
        let secondToken = String(secondBob.dropFirst((daemonURL + "/approvals/link/").count))
        let swapped = "\(secondToken.split(separator: ".")[0]).\(signature)"
        #expect(try await Self.get(daemonURL + "/approvals/link/\(swapped)").status == 403)
        #expect(try await Self.post(daemonURL + "/approvals/link/\(swapped)", decision: "approve").status == 403)

        // The second instance's link decides once, as bob; a second use is 410.
        let decided = try await Self.post(secondBob, decision: "approve", notes: "ok from my phone")
        #expect(decided.status == 200, "\(decided.text)")
        #expect(decided.text.contains("Approved as bob"))
        #expect(try await Self.post(secondBob, decision: "reject").status == 410)
        #expect(try await Self.get(secondBob).status == 410)
        let succeeded = await E2E.eventually(30) {
            ((try? await E2E.query(database, "SELECT status FROM flow_instances WHERE id = '\(second)'")) ?? []) == ["succeeded"]
        }
        #expect(succeeded, "\(serveLog())")
        #expect(try await E2E.query(database, "SELECT status, decided_by, notes FROM approvals WHERE instance_id = '\(second)'")
                == ["approved\tbob\tok from my phone"])
        let decision = try await E2E.query(
            database, "SELECT details FROM instance_events WHERE instance_id = '\(second)' AND kind = 'approval_decided'")
        #expect(decision.first?.contains(#""via":"link""#) == true, "\(decision)")

        // The first instance: reminded at 50 % (4 s), escalated to lead at 75 % (6 s), expired at 8 s.
        let expired = await E2E.eventually(30) {
            ((try? await E2E.query(database, "SELECT status FROM flow_instances WHERE id = '\(first)'")) ?? []) == ["failed"]
        }
        #expect(expired, "\(serveLog())")
        #expect(try await Self.get(firstAna).status == 410)
        #expect(try await Self.post(firstAna, decision: "approve").status == 410)
        let entries = try await E2E.query(
            database, "SELECT kind, at FROM instance_events WHERE instance_id = '\(first)' AND kind LIKE 'approval_%' ORDER BY seq")
        let at = Dictionary(entries.map { line -> (String, Int64) in
            let parts = line.split(separator: "\t").map(String.init)
            return (parts[0], Int64(parts[1]) ?? 0)
        }, uniquingKeysWith: { a, _ in a })
        let requested = try #require(at["approval_requested"], "\(entries)")
        #expect(Set(at.keys) == ["approval_requested", "approval_notified", "approval_reminded", "approval_escalated",
                                 "approval_decided"], "\(entries)")
        // Each fires at its instant (the worker wakes at the timer), within a second and a half.
        for (kind, offset) in [("approval_reminded", Int64(4_000)), ("approval_escalated", 6_000), ("approval_decided", 8_000)] {
            let late = (at[kind] ?? 0) - requested - offset
            #expect(late >= 0 && late < 1_500, "\(kind) \(late) ms late: \(entries)")
        }
        // Messages of the first instance: ana and bob (request), ana and bob (reminder), lead (escalation).
        let firstMessages = fake.acceptedMessages.filter {
            $0.contentVariables?["2"].flatMap { Self.tokenApproval($0, base: daemonURL) } == "\(first):a1"
        }
        #expect(firstMessages.map(\.to).sorted() == ["whatsapp:+5491155550001", "whatsapp:+5491155550001",
                                                     "whatsapp:+5491155550002", "whatsapp:+5491155550002",
                                                     "whatsapp:+5491155550003"], "\(firstMessages)")
        // The escalation widened who may decide.
        #expect(try await E2E.query(database, "SELECT approvers FROM approvals WHERE instance_id = '\(first)'")
                .first?.contains("lead") == true)
        // No token in the log, the timeline or the effect ledger.
        let stored = try await E2E.query(database, "SELECT details FROM instance_events").joined()
            + (try await E2E.query(database, "SELECT * FROM effects")).joined()
        #expect(!stored.contains(String(signature)) && !serveLog().contains(String(signature)))

        serve.terminate()
        #expect(await E2E.eventually(60) { !serve.isRunning }, "serve did not stop after SIGTERM")
    }

    /// The approval record id a link's token names (its payload's second field), without checking it.
    static func tokenApproval(_ link: String, base: String) -> String? {
        guard link.hasPrefix(base + "/approvals/link/") else { return nil }
        let payload = link.dropFirst((base + "/approvals/link/").count).split(separator: ".").first ?? ""
        var text = payload.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while text.count % 4 != 0 { text += "=" }
        guard let data = Data(base64Encoded: text), let decoded = String(data: data, encoding: .utf8) else { return nil }
        let fields = decoded.components(separatedBy: "\u{1F}")
        return fields.count == 5 ? fields[1] : nil
    }

    struct Answer {
        var status: Int
        var text: String
        var contentType: String?
    }

    static func get(_ url: String) async throws -> Answer {
        let response = try await AsyncHTTPClientTransport().send(HTTPRequestSpec(method: .get, url: url), timeout: .seconds(10))
        return Answer(status: response.status, text: String(decoding: response.body, as: UTF8.self),
                      contentType: response.headers.first { $0.name.lowercased() == "content-type" }?.value)
    }

    static func post(_ url: String, decision: String, notes: String? = nil) async throws -> Answer {
        var form = [("decision", decision)]
        if let notes { form.append(("notes", notes)) }
        let request = HTTPRequestSpec(
            method: .post, url: url, headers: [("Content-Type", "application/x-www-form-urlencoded")],
            body: Array(FormEncoding.encode(form).utf8))
        let response = try await AsyncHTTPClientTransport().send(request, timeout: .seconds(10))
        return Answer(status: response.status, text: String(decoding: response.body, as: UTF8.self),
                      contentType: response.headers.first { $0.name.lowercased() == "content-type" }?.value)
    }
}

/// The link routes in the application (in-process): public, HTML, and the token never echoed.
@Suite("approval link routes")
struct ApprovalLinkRouteTests {
    typealias A = APIFixture

    @Test("no key needed; a malformed token is 403 HTML; another method is 405 naming the path without the token")
    func publicHTMLAndRedacted() async throws {
        let fixture = try await A.make()
        try await fixture.app().test(.router) { client in
            try await client.execute(uri: "/approvals/link/not-a.token", method: .get, headers: A.headers(nil)) { response in
                #expect(response.status == .forbidden)
                #expect(response.headers[.contentType]?.hasPrefix("text/html") == true)
                #expect(response.headers[.cacheControl] == "no-store")
                #expect(String(buffer: response.body).contains("not valid"))
            }
            try await client.execute(
                uri: "/approvals/link/not-a.token", method: .post,
                headers: [.contentType: "application/x-www-form-urlencoded"], body: ByteBuffer(string: "decision=approve")
            ) { #expect($0.status == .forbidden) }
            try await client.execute(uri: "/approvals/link/s3cr3t-token", method: .put, headers: A.headers(fixture.acme)) {
                response in
                #expect(response.status == .methodNotAllowed)
                #expect(response.headers[.allow] == "GET, POST")
                let text = String(buffer: response.body)
                #expect(!text.contains("s3cr3t") && text.contains("/approvals/link/{token}"), "\(text)")
            }
        }
    }
}
