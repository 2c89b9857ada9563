import FlowEngine
import FlowRuntime
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import Travel

/// `POST /agencies/{agency}/erasures` and `GET /agencies/{agency}/erasures` through the daemon's router.
@Suite("Erasure routes")
struct ErasureRoutesTests {
    typealias A = APIFixture

    static let phone = "+5491155557391"

    @Test("a running instance about the traveller refuses the erasure (409 naming it); once it ended, 201 with counts")
    func erasure() async throws {
        let fixture = try await A.make()
        let app = try await fixture.app()
        try await app.test(.router) { client in
            let (status, started) = try await A.start(
                client, token: fixture.acme, body: ["flow": "hold", "input": ["phone": .string(Self.phone)]])
            #expect(status == .created)
            let id = try #require(started["id"]?.stringValue)
            let body = ByteBuffer(string: #"{"phone": "\#(Self.phone)"}"#)
            try await client.execute(
                uri: "/agencies/acme/erasures", method: .post, headers: A.headers(fixture.acme), body: body
            ) { response in
                #expect(response.status == .conflict)
                let answer = try A.json(response)
                #expect(answer["error"]?["code"] == "instances_running")
                #expect(answer["instances"] == [.string(id)])
            }
            // The instance ends (as a worker ends a cancelled one); the erasure then removes it.
            let store = try await fixture.store()
            let now = InstanceWorker<SQLiteFlowStore>.wallClock()
            _ = try await store.claimDue(now: now + .hours(2), owner: "test", leaseFor: .seconds(60), limit: 10)
            let state = try #require(try await store.instance(id: id)).state
            try await store.commit(TransitionRecord(
                instanceID: id, status: .cancelled, state: state, wakeAt: nil, history: [], at: now), owner: "test")
            try await store.close()
            let erasureID = try await client.execute(
                uri: "/agencies/acme/erasures", method: .post, headers: A.headers(fixture.acme), body: body
            ) { response in
                #expect(response.status == .created)
                let answer = try A.json(response)
                #expect(answer["subject"] == "phone")
                #expect(answer["agency"] == "acme")
                #expect(answer["erased_by"] == "acme-ops")
                #expect(answer["counts"]?["instances"] == 1)
                #expect(answer["counts"]?["timeline_entries"] != nil)
                #expect(!String(buffer: response.body).contains(Self.phone))
                return try #require(answer["id"]?.stringValue)
            }
            try await client.execute(uri: "/instances/\(id)", method: .get, headers: A.headers(fixture.acme)) {
                #expect($0.status == .notFound)
            }
            try await client.execute(uri: "/agencies/acme/erasures", method: .get, headers: A.headers(fixture.acme)) {
                #expect($0.status == .ok)
                let list = try A.json($0)
                #expect(list["erasures"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == [erasureID])
                #expect(!String(buffer: $0.body).contains(Self.phone))
            }
            try await client.execute(uri: "/agencies/acme/erasures", method: .get, headers: A.headers(fixture.admin)) {
                #expect($0.status == .ok)
            }
            try await client.execute(uri: "/agencies/patagonia/erasures", method: .get, headers: A.headers(fixture.patagonia)) {
                let list = try A.json($0)
                #expect(list["erasures"] == [])
            }
        }
    }

    @Test("bodies that are not {phone} (E.164) or {trip_id}", arguments: [
        (#"{}"#, HTTPResponse.Status.unprocessableContent, "phone or trip_id"),
        (#"{"phone": "5491155557391"}"#, .unprocessableContent, "E.164"),
        (#"{"phone": "+5491155557391", "trip_id": "t1"}"#, .unprocessableContent, "not both"),
        (#"{"phone": "+5491155557391", "name": "Ana"}"#, .unprocessableContent, "'name'"),
        (#"{"trip_id": ""}"#, .unprocessableContent, "trip_id"),
        (#"["+5491155557391"]"#, .badRequest, "JSON object"),
        (#"phone=+5491155557391"#, .badRequest, "JSON"),
    ])
    func refusedBodies(_ body: String, _ status: HTTPResponse.Status, _ says: String) async throws {
        let fixture = try await A.make()
        let app = try await fixture.app()
        try await app.test(.router) { client in
            try await client.execute(
                uri: "/agencies/acme/erasures", method: .post, headers: A.headers(fixture.acme),
                body: ByteBuffer(string: body)
            ) { response in
                #expect(response.status == status)
                #expect(String(buffer: response.body).contains(says), "\(String(buffer: response.body))")
            }
        }
    }
}
