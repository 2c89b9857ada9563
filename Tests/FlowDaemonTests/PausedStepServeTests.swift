import FakeProviders
import FlowEngine
import FlowRuntime
import Foundation
import Testing

/// `on_exhausted: pause` in `flowctl serve` against a fake Twilio that answers every send with a
/// 500 or 503: the step's two attempts fail, the instance waits (`waiting_for` kind `resume`, listed
/// by `?waiting_for=resume`) instead of failing; `POST /instances/{id}/resume` retries it once the
/// provider is back (one message delivered), or with `action: fail` sends its error to the catch.
@Suite("a step paused after its retries is resumed over the API", .serialized)
struct PausedStepServeTests {
    typealias Request = TripLifecycleServeTests

    static let flow = """
        flow: paused-send
        version: 1
        input:
          to: { type: string, required: true }
        start: send
        states:
          send:
            step: twilio.send_text
            with: { to: "${{ input.to }}", body: "Your trip is confirmed" }
            idempotency_key: "paused-send/${{ instance.id }}"
            retry: { max_attempts: 2, initial: 1s, on: [transient, timeout], on_exhausted: pause }
            catch: [ { errors: [permanent, transient, timeout], next: gave_up } ]
            next: sent
          sent: { succeed: true }
          gave_up: { fail: { error: gave_up, message: the confirmation was not sent } }
        """

    static func paused(_ url: String, _ id: String, token: String) async -> Value? {
        let page = (try? await Request.request(.get, url + "/instances?waiting_for=resume", token: token))?.body
        return page?["instances"]?.arrayValue?.first { $0["id"]?.stringValue == id }
    }

    static func status(_ url: String, _ id: String, token: String) async -> String? {
        (try? await Request.request(.get, url + "/instances/\(id)", token: token))?.body["status"]?.stringValue
    }

    @Test("paused after two failed attempts; resumed: retried and delivered once; resumed with fail: caught")
    func pauseThenResume() async throws {
        let fake = FakeProviderServer(faults: FaultPlan(rate: 1, mix: [.serverError: 1], providers: [.twilio]))
        let fakeURL = try await fake.start()
        defer { Task { await fake.stop() } }
        let served = try await ServeUnderTest(fakeURL: fakeURL, workflows: ["paused-send.yaml": Self.flow], name: "paused")
        defer { served.close() }
        let (url, token) = (served.daemonURL, served.token)

        var ids: [String] = []
        for _ in 0..<2 {
            let started = try await Request.request(
                .post, url + "/instances", token: token, body: ["flow": "paused-send", "input": ["to": "+5491155550000"]])
            #expect(started.status == 201, "\(started.body)")
            ids.append(try #require(started.body["id"]?.stringValue))
        }
        for id in ids {
            let listed = await ServeEndToEndTests.eventually(60) { await Self.paused(url, id, token: token) != nil }
            #expect(listed, "\(id) never paused\n\(served.serveLog())")
        }
        #expect(fake.acceptedCount == 0)

        // What the view says: waiting, for a person's resume of `send` after attempt 2, with the error.
        let view = try await Request.request(.get, url + "/instances/\(ids[0])", token: token).body
        #expect(view["status"] == "waiting")
        let wait = try #require(view["waiting_for"]?.arrayValue?.first, "\(view)")
        #expect(wait["kind"] == "resume" && wait["state"] == "send" && wait["attempt"] == 2, "\(wait)")
        #expect(wait["error"]?["class"] == "transient", "\(wait)")
        #expect(wait["error"]?["code"]?.stringValue?.hasPrefix("twilio.") == true, "\(wait)")
        #expect(view["wake_at"] == .null)

        // A body the route does not take, then the real resume once Twilio answers again.
        let wrong = try await Request.request(.post, url + "/instances/\(ids[0])/resume", token: token,
                                              body: ["action": "skip"])
        #expect(wrong.status == 422, "\(wrong.body)")
        fake.faults.setPaused(true)
        let resumed = try await Request.request(.post, url + "/instances/\(ids[0])/resume", token: token,
                                                body: ["note": "Twilio is back"])
        #expect(resumed.status == 202, "\(resumed.body)")
        #expect(resumed.body["action"] == "retry" && resumed.body["paused"]?.arrayValue?.first?["state"] == "send",
                "\(resumed.body)")
        let succeeded = await ServeEndToEndTests.eventually(60) {
            await Self.status(url, ids[0], token: token) == "succeeded"
        }
        #expect(succeeded, "\(served.serveLog())")
        #expect(fake.acceptedCount == 1)
        let again = try await Request.request(.post, url + "/instances/\(ids[0])/resume", token: token)
        #expect(again.status == 409, "\(again.body)")

        // The timeline: step_paused after attempt 2, then resumed by the key with the note, then attempt 3.
        let timeline = try await Request.request(.get, url + "/instances/\(ids[0])/events?limit=100", token: token).body
        let events = timeline["events"]?.arrayValue ?? []
        let pausedEntry = events.first { $0["kind"] == "step_paused" }
        #expect(pausedEntry?["attempt"] == 2 && pausedEntry?["error"]?["class"] == "transient", "\(events)")
        let resumedEntry = try #require(events.first { $0["kind"] == "resumed" }, "\(events)")
        #expect(resumedEntry["by"] == "acme-ops" && resumedEntry["note"] == "Twilio is back"
                    && resumedEntry["action"] == "retry", "\(resumedEntry)")
        #expect(events.contains { $0["attempt"] == 3 && $0["kind"] == "step_called" }, "\(events)")

        // The second: its error goes on to the catch.
        let failed = try await Request.request(.post, url + "/instances/\(ids[1])/resume", token: token,
                                               body: ["action": "fail"])
        #expect(failed.status == 202, "\(failed.body)")
        let ended = await ServeEndToEndTests.eventually(60) { await Self.status(url, ids[1], token: token) == "failed" }
        #expect(ended, "\(served.serveLog())")
        let second = try await Request.request(.get, url + "/instances/\(ids[1])", token: token).body
        #expect(second["failure"]?["code"] == "gave_up", "\(second)")
        #expect(fake.acceptedCount == 1)
    }
}
