import FlowEngine
import FlowRuntime
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import Travel

/// The approval routes over the durable trip-planning run: list, read and decide as a caller of an
/// agency (the caller's agency and name come from `X-Test-Agency` / `X-Test-Name` here; the daemon
/// takes them from the API key).
@Suite("Approval routes")
struct ApprovalRoutesTests {
    static func router(_ run: DurablePlanning) -> Router<BasicRequestContext> {
        let router = Router()
        ApprovalRoutes.add(to: router, decisions: run.decisions, clock: { run.clock.now }) { _ in
            ApprovalCaller(agency: nil, name: nil)
        }
        return router
    }

    static func scoped(_ run: DurablePlanning, agency: String, name: String) -> Router<BasicRequestContext> {
        let router = Router()
        ApprovalRoutes.add(to: router, decisions: run.decisions, clock: { run.clock.now }) { _ in
            ApprovalCaller(agency: agency, name: name)
        }
        return router
    }

    static func value(_ body: ByteBuffer) throws -> Value { try JSONDecoder().decode(Value.self, from: Data(buffer: body)) }

    @Test("list, read, decide; 404 for another agency, 409 when decided, 422 for a bad body or values")
    func decideOverHTTP() async throws {
        let run = try await DurablePlanning.open()
        defer { Task { try? await run.store.close() } }
        let instance = try await run.startAndRunToApproval()
        let id = try #require(try await run.decisions.list(agency: "acme").first?.id)
        try await Application(router: Self.scoped(run, agency: "acme", name: "ana@acme")).test(.router) { client in
            try await client.execute(uri: "/approvals", method: .get) { response in
                let list = try Self.value(response.body)["approvals"]?.arrayValue ?? []
                #expect(list.count == 1)
                #expect(list.first?["id"] == .string(id))
                #expect(list.first?["kind"] == "booking")
                #expect(list.first?["request"]?["amount"] == 3130)
                #expect(list.first?["instance_id"] == .string(instance))
            }
            try await client.execute(uri: "/approvals/\(id)", method: .get) { #expect($0.status == .ok) }
            for bad in [#"{"decision":"maybe"}"#, #"[1]"#, #"{"decision":"approve","extra":1}"#,
                        #"{"decision":"approve","values":{"amount":"lots"}}"#] {
                try await client.execute(uri: "/approvals/\(id)/decision", method: .post, body: ByteBuffer(string: bad)) {
                    #expect($0.status == .unprocessableContent, "\(bad)")
                }
            }
            try await client.execute(uri: "/approvals/\(id)/decision", method: .post,
                                     body: ByteBuffer(string: #"{"decision":"approve","notes":"ok"}"#)) { response in
                #expect(response.status == .ok)
                let row = try Self.value(response.body)
                #expect(row["status"] == "approved" && row["decided_by"] == "ana@acme" && row["notes"] == "ok")
            }
            try await client.execute(uri: "/approvals/\(id)/decision", method: .post,
                                     body: ByteBuffer(string: #"{"decision":"reject"}"#)) {
                #expect($0.status == .conflict)
            }
            try await client.execute(uri: "/approvals?status=approved", method: .get) { response in
                let list = try Self.value(response.body)["approvals"]?.arrayValue
                #expect(list?.count == 1)
            }
            try await client.execute(uri: "/approvals?status=nonsense", method: .get) {
                #expect($0.status == .unprocessableContent)
            }
        }
        try await Application(router: Self.scoped(run, agency: "cumbre", name: "x")).test(.router) { client in
            try await client.execute(uri: "/approvals/\(id)", method: .get) { #expect($0.status == .notFound) }
            try await client.execute(uri: "/approvals/\(id)/decision", method: .post,
                                     body: ByteBuffer(string: #"{"decision":"approve"}"#)) { #expect($0.status == .notFound) }
            try await client.execute(uri: "/approvals?status=all", method: .get) { response in
                let list = try Self.value(response.body)["approvals"]?.arrayValue
                #expect(list?.isEmpty == true)
            }
        }
        try await run.drain()
        #expect(try await run.store.instance(id: instance)?.status == .succeeded)
        let decision = try await run.store.history(instanceID: instance, after: 0)
            .last { $0.kind == .approvalDecided }?.details["decision"]
        #expect(decision?["by"] == "ana@acme")
    }

    @Test("a limit that is not a number from 1 to 1000 is 422, not a silently clamped page")
    func limitBounds() async throws {
        let run = try await DurablePlanning.open()
        defer { Task { try? await run.store.close() } }
        try await Application(router: Self.router(run)).test(.router) { client in
            for limit in ["0", "1001", "-3", "false", "null"] {
                try await client.execute(uri: "/approvals?limit=\(limit)", method: .get) { response in
                    #expect(response.status == .unprocessableContent, "limit=\(limit)")
                    #expect(String(buffer: response.body).contains("limit"), "limit=\(limit)")
                }
            }
            for limit in ["1", "1000"] {
                try await client.execute(uri: "/approvals?limit=\(limit)", method: .get) {
                    #expect($0.status == .ok, "limit=\(limit)")
                }
            }
        }
    }
}
