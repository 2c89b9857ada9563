import FakeProviders
import FlowEngine
import Foundation
import Steps
import Testing

/// A Twilio status callback that reaches the daemon before the send step has recorded the
/// message SID is kept, not dropped: the fake posts each message's signed `queued` → `sent` →
/// `delivered` callbacks to the real `flowctl serve` webhook and waits for their answers *before*
/// it answers the create call, so the daemon can only know the SID afterwards. The log rows
/// still end `delivered`, and nothing stays pending.
@Suite("status callbacks before the send's record", .serialized)
struct EarlyStatusCallbackTests {
    typealias E2E = ServeEndToEndTests

    @Test("callbacks posted before the create answer land on the log rows once the SIDs are recorded")
    func callbacksBeforeTheCreateAnswer() async throws {
        var configuration = FakeProviderServer.Configuration()
        configuration.sendsStatusCallbacks = true
        configuration.statusCallbackDelay = TimeSpan(milliseconds: 20)
        let fake = FakeProviderServer(configuration: configuration)
        fake.scriptCallbacksBeforeAnswer(2)
        let fakeURL = try await fake.start()
        defer { Task { await fake.stop() } }

        let daemon = try await CancelledFlightDaemon(
            fake: fake, fakeURL: fakeURL, configuration: configuration, tripID: "T-EARLY-1")
        defer { daemon.cleanUp() }
        let (database, serve) = (daemon.database, daemon.serve)
        func serveLog() -> String { daemon.serveLog() }

        let finished = await E2E.eventually(60) {
            ((try? await E2E.query(database, "SELECT status FROM flow_instances")) ?? []) == ["succeeded"]
        }
        let statuses = (try? await E2E.query(database, "SELECT status FROM flow_instances")) ?? []
        #expect(finished, "\(statuses)\n\(serveLog())")
        let messages = fake.acceptedMessages
        #expect(messages.count == 2)
        // Every callback was answered 200 before its message's create call was answered.
        let callbacks = fake.statusCallbacks
        #expect(callbacks.filter { $0.status == "delivered" }.count == 2, "\(callbacks)")
        #expect(callbacks.allSatisfy { $0.responseStatus == 200 }, "\(callbacks)\n\(serveLog())")

        let rows = try await E2E.query(database, "SELECT type, status, provider_id FROM notifications_log ORDER BY type")
        let expected = ["CANCELLED", "RESERVATION_CONFIRMATION"].map { type in
            "\(type)\tdelivered\t" + (messages.first { $0.contentSid == Self.contentSid[type] }?.sid ?? "?")
        }
        #expect(rows == expected, "\(rows)\n\(serveLog())")
        #expect(try await E2E.query(database, "SELECT COUNT(*) FROM pending_message_statuses") == ["0"])
        #expect(serveLog().contains("delivery status kept until the send records its message id"), "\(serveLog())")

        serve.terminate()
        #expect(await E2E.eventually(60) { !serve.isRunning }, "serve did not stop after SIGTERM")
    }

    /// The Content SIDs of the flow's templates (`workflows/flight-notifications.yaml`).
    static let contentSid = [
        "RESERVATION_CONFIRMATION": "HXb777321419cee086713f1cb529d7fe51", "CANCELLED": "HX1672fabd1ce98f5b7d06f1306ba3afcc",
    ]
}
