import FakeProviders
import FlowEngine
import FlowRuntime
import Foundation
import Steps
import Testing
import Travel

/// `flowctl serve` as a child process on SQLite against the fakes: a trip started by
/// `POST /events/trip.created`, moved to another flight and day by `POST /events/trip.updated?key=<trip>`
/// (the change confirmed, the reminder re-planned from the new departure), then cancelled by
/// `POST /events/trip.cancelled?key=<trip>`: the instance ends and Twilio receives nothing more.
/// Events for another trip reach no one.
@Suite("trip.updated and trip.cancelled reach a trip's flight notifications in serve", .serialized)
struct TripLifecycleServeTests {
    typealias E2E = ServeEndToEndTests

    /// Answers of one request to the daemon: status and JSON body.
    struct Answer {
        var status: Int
        var body: Value
    }

    static func request(_ method: HTTPRequestSpec.Method, _ url: String, token: String, body: Value? = nil) async throws
        -> Answer
    {
        var headers: [(name: String, value: String)] = [("Authorization", "Bearer \(token)")]
        if body != nil { headers.append(("Content-Type", "application/json")) }
        let response = try await AsyncHTTPClientTransport().send(
            HTTPRequestSpec(method: method, url: url, headers: headers, body: body.map { Array($0.jsonText.utf8) } ?? []),
            timeout: .seconds(30))
        let value = (try? JSONDecoder().decode(Value.self, from: Data(response.body))) ?? .null
        return Answer(status: response.status, body: value)
    }

    /// The reminder wait the instance view shows (`waiting_for` entry of state `wait_reminder`), as its due instant.
    static func reminderDue(_ instance: Value) -> Instant? {
        instance["waiting_for"]?.arrayValue?.first { $0["state"] == "wait_reminder" }?["until"]?.stringValue
            .flatMap(Instant.init(iso8601:))
    }

    @Test("created, updated (change confirmed, reminder re-planned), cancelled (ended, nothing more sent)")
    func updatedThenCancelled() async throws {
        let fake = FakeProviderServer()
        let fakeURL = try await fake.start()
        defer { Task { await fake.stop() } }
        let tripID = "T-LIFECYCLE-1"
        let served = try await ServeUnderTest(
            fakeURL: fakeURL, workflows: ["flight-notifications.yaml": try ServeUnderTest.shipped("flight-notifications.yaml")],
            name: "trip")
        defer { served.close() }
        let (daemonURL, serve, serveLog) = (served.daemonURL, served.serve, served.serveLog)

        // Departures days ahead, on whole minutes: no AeroAPI lookup happens during the test.
        let minute: Int64 = 60_000
        let now = FakeProviderServer.wallClock()
        let departure = Instant(epochMilliseconds: (now.epochMilliseconds / minute + 3 * 24 * 60) * minute)
        let newDeparture = Instant(epochMilliseconds: departure.epochMilliseconds + 2 * 24 * 60 * minute)
        let trip: Value = ["trip": [
            "id": .string(tripID), "agency_id": "acme", "client_name": "Ana", "whatsapp": "+5491155550000",
            "flight_number": "AR1302", "origin": "EZE", "destination": "MIA", "departure": .string(departure.description),
        ]]
        let created = try await Self.request(.post, daemonURL + "/events/trip.created", token: served.token, body: trip)
        #expect(created.status == 200, "\(created.body)")
        let id = try #require(created.body["started"]?.arrayValue?.first?["instance"]?.stringValue, "\(created.body)")
        let instanceURL = daemonURL + "/instances/\(id)"
        let day: Int64 = 24 * 60 * minute

        // Confirmed, then waiting for the reminder 24h before the departure.
        let planned = await E2E.eventually(60) {
            let view = (try? await Self.request(.get, instanceURL, token: served.token))?.body ?? .null
            return fake.acceptedCount == 1 && Self.reminderDue(view)?.epochMilliseconds == departure.epochMilliseconds - day
        }
        #expect(planned, "accepted \(fake.acceptedCount)\n\(serveLog())")

        // Another trip's update reaches no one.
        let stray = try await Self.request(.post, daemonURL + "/events/trip.updated?key=T-OTHER", token: served.token,
                                           body: ["trip": ["flight_number": "XX1", "departure": .string(newDeparture.description)]])
        #expect(stray.status == 200 && stray.body["delivered"] == [], "\(stray.body)")

        // The update: delivered by correlation, confirmed, the reminder re-planned from the new departure.
        let updated = try await Self.request(
            .post, daemonURL + "/events/trip.updated?key=\(tripID)", token: served.token,
            body: ["trip": ["flight_number": "AR1304", "departure": .string(newDeparture.description)]])
        #expect(updated.status == 200)
        #expect(updated.body["delivered"] == [["flow": "flight-notifications", "instance": .string(id)]], "\(updated.body)")
        let replanned = await E2E.eventually(60) {
            let view = (try? await Self.request(.get, instanceURL, token: served.token))?.body ?? .null
            return fake.acceptedCount == 2
                && Self.reminderDue(view)?.epochMilliseconds == newDeparture.epochMilliseconds - day
        }
        #expect(replanned, "accepted \(fake.acceptedCount)\n\(serveLog())")
        let change = try #require(fake.acceptedMessages.last)
        #expect(change.contentSid == "HXb777321419cee086713f1cb529d7fe51")
        let variables = change.contentVariables ?? [:]
        #expect(variables["2"] == "AR1304" && variables["3"] == "EZE", "\(variables)")
        let timeline = try await Self.request(.get, instanceURL + "/events?limit=1000", token: served.token).body
        let entries = timeline["events"]?.arrayValue ?? []
        let received = try #require(entries.firstIndex {
            $0["kind"] == "event_received" && $0["name"] == "trip.updated"
        }, "\(timeline)")
        #expect(entries[received...].contains { $0["kind"] == "timer_set" && $0["state"] == "wait_reminder" })
        // Still listening for the trip's cancellation, under the trip id.
        let view = try await Self.request(.get, instanceURL, token: served.token).body
        #expect(view["waiting_for"]?.arrayValue?.contains {
            $0["kind"] == "event" && $0["event"] == "trip.cancelled" && $0["correlation"] == .string(tripID)
        } == true, "\(view)")

        // The cancellation: the instance ends, and nothing more is sent.
        let cancelled = try await Self.request(
            .post, daemonURL + "/events/trip.cancelled?key=\(tripID)", token: served.token,
            body: ["reason": "the traveller cancelled"])
        #expect(cancelled.body["delivered"] == [["flow": "flight-notifications", "instance": .string(id)]], "\(cancelled.body)")
        let ended = await E2E.eventually(60) {
            (try? await Self.request(.get, instanceURL, token: served.token))?.body["status"] == "succeeded"
        }
        let final = try await Self.request(.get, instanceURL, token: served.token).body
        #expect(ended, "\(final)\n\(serveLog())")
        #expect(final["output"] == ["outcome": "trip_cancelled", "reason": "the traveller cancelled"], "\(final)")
        #expect(final["waiting_for"] == [] && final["wake_at"] == .null, "\(final)")
        try await Task.sleep(for: .seconds(2))
        #expect(fake.acceptedCount == 2, "\(fake.acceptedMessages.map(\.contentVariables))")

        serve.terminate()
        #expect(await E2E.eventually(60) { !serve.isRunning }, "serve did not stop after SIGTERM")
    }
}
