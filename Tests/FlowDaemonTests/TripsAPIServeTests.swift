import FakeProviders
import FlowEngine
import FlowRuntime
import Foundation
import Steps
import Testing
import Travel

/// `flowctl serve` as a child process on SQLite against the fakes, driven by the trips API only:
/// `POST /trips` starts the trip's flight notifications (the confirmation goes out once, however
/// often the trip is posted), `PATCH /trips/{id}` reaches the waiting instance as `trip.updated`
/// (the change confirmed), `DELETE /trips/{id}` as `trip.cancelled` (the instance ends, nothing
/// more is sent, a repeated DELETE changes nothing).
@Suite("The trips API drives a trip's flight notifications in serve", .serialized)
struct TripsAPIServeTests {
    typealias E2E = ServeEndToEndTests
    typealias Lifecycle = TripLifecycleServeTests

    @Test("POST /trips once, PATCH → trip.updated, DELETE → trip.cancelled")
    func tripThroughTheAPI() async throws {
        let fake = FakeProviderServer()
        let fakeURL = try await fake.start()
        defer { Task { await fake.stop() } }
        let served = try await ServeUnderTest(
            fakeURL: fakeURL, workflows: ["flight-notifications.yaml": try ServeUnderTest.shipped("flight-notifications.yaml")],
            name: "trips")
        defer { served.close() }
        let (daemonURL, serve, serveLog) = (served.daemonURL, served.serve, served.serveLog)

        // A departure days ahead, on a whole minute: no AeroAPI lookup happens during the test.
        let minute: Int64 = 60_000
        let now = FakeProviderServer.wallClock()
        let departure = Instant(epochMilliseconds: (now.epochMilliseconds / minute + 3 * 24 * 60) * minute)
        let newDeparture = Instant(epochMilliseconds: departure.epochMilliseconds + 2 * 24 * 60 * minute)
        let trip: Value = [
            "id": "T-API-1", "client_name": "Ana", "whatsapp": "+5491155550000", "flight_number": "AR1302",
            "origin": "EZE", "destination": "MIA", "departure": .string(departure.description),
        ]
        let created = try await Lifecycle.request(.post, daemonURL + "/trips", token: served.token, body: trip)
        #expect(created.status == 201, "\(created.body)")
        let instance = try #require(created.body["instances"]?.arrayValue?.first?["id"]?.stringValue, "\(created.body)")
        let instanceURL = daemonURL + "/instances/\(instance)"
        let confirmed = await E2E.eventually(60) {
            let view = (try? await Lifecycle.request(.get, instanceURL, token: served.token))?.body ?? .null
            return fake.acceptedCount == 1 && Lifecycle.reminderDue(view) != nil
        }
        #expect(confirmed, "accepted \(fake.acceptedCount)\n\(serveLog())")
        let again = try await Lifecycle.request(.post, daemonURL + "/trips", token: served.token, body: trip)
        #expect(again.status == 200 && again.body["instances"]?.arrayValue?.first?["id"] == .string(instance))

        // The listing shows the instance waiting.
        let listed = try await Lifecycle.request(.get, daemonURL + "/agencies/acme/trips", token: served.token)
        let entry = listed.body["trips"]?.arrayValue?.first
        #expect(entry?["id"] == "T-API-1" && entry?["instances"]?.arrayValue?.first?["status"] == "waiting", "\(listed.body)")

        // PATCH: delivered as trip.updated, the change confirmed.
        let patched = try await Lifecycle.request(
            .patch, daemonURL + "/trips/T-API-1", token: served.token,
            body: ["flight_number": "AR1304", "departure": .string(newDeparture.description)])
        #expect(patched.status == 200 && patched.body["flight_number"] == "AR1304", "\(patched.body)")
        let changed = await E2E.eventually(60) { fake.acceptedCount == 2 }
        #expect(changed, "accepted \(fake.acceptedCount)\n\(serveLog())")
        #expect(fake.acceptedMessages.last?.contentVariables?["2"] == "AR1304")
        let timeline = try await Lifecycle.request(.get, instanceURL + "/events?limit=1000", token: served.token).body
        #expect(timeline["events"]?.arrayValue?.contains {
            $0["kind"] == "event_received" && $0["name"] == "trip.updated"
        } == true, "\(timeline)")

        // DELETE: delivered as trip.cancelled, the instance ends; a repeat changes nothing.
        let cancelled = try await Lifecycle.request(.delete, daemonURL + "/trips/T-API-1", token: served.token,
                                                    body: ["reason": "the traveller cancelled"])
        #expect(cancelled.status == 200 && cancelled.body["status"] == "cancelled", "\(cancelled.body)")
        let ended = await E2E.eventually(60) {
            (try? await Lifecycle.request(.get, instanceURL, token: served.token))?.body["status"] == "succeeded"
        }
        let final = try await Lifecycle.request(.get, instanceURL, token: served.token).body
        #expect(ended, "\(final)\n\(serveLog())")
        #expect(final["output"] == ["outcome": "trip_cancelled", "reason": "the traveller cancelled"], "\(final)")
        let repeated = try await Lifecycle.request(.delete, daemonURL + "/trips/T-API-1", token: served.token)
        #expect(repeated.status == 200 && repeated.body["cancelled_at"] == cancelled.body["cancelled_at"])
        try await Task.sleep(for: .seconds(2))
        #expect(fake.acceptedCount == 2)

        serve.terminate()
        #expect(await E2E.eventually(60) { !serve.isRunning }, "serve did not stop after SIGTERM")
    }
}
