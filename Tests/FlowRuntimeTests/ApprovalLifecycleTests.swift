import FlowEngine
import FlowRuntime
import Foundation
import Steps
import Synchronization
import Testing
import Travel

/// The shipped trip-planning flow on a SQLite store, run by the durable worker (OpenAI answered
/// from the planning fixtures): its booking approval is recorded, decided through
/// `ApprovalDecisions`, delivered, and the instance resumes; late, repeated and foreign decisions are refused.
@Suite("Approvals decided by people")
struct ApprovalLifecycleTests {
    typealias P = PlanningScenario

    @Test("booking approval: recorded pending, approved by a person, the instance resumes and succeeds")
    func approveResumes() async throws {
        let run = try await DurablePlanning.open()
        defer { Task { try? await run.store.close() } }
        let instance = try await run.startAndRunToApproval()
        let pending = try await run.decisions.list(agency: "acme")
        try #require(pending.count == 1)
        let approval = pending[0]
        #expect(approval.instanceID == instance && approval.kind == "booking" && approval.state == "approve_booking")
        #expect(approval.status == .pending && approval.flow == "trip-planning" && approval.agencyID == "acme")
        #expect(approval.expiresAt == run.clock.now + .hours(48))
        #expect(approval.request["amount"] == 3130 && approval.request["currency"] == "USD")
        #expect(try await run.decisions.list(agency: "cumbre").isEmpty)

        // Another agency's approval does not exist for it; values must fit the request.
        #expect(try await run.decide(approval.id, agency: "cumbre") == .notFound)
        guard case .invalidValues(let problems) = try await run.decide(
            approval.id, values: ["colour": "red", "amount": "lots"])
        else { Issue.record("unknown and mistyped values must be refused"); return }
        #expect(problems.map(\.field) == ["values.amount", "values.colour"])

        run.clock.advance(.hours(1))
        guard case .decided(let decided) = try await run.decide(approval.id, notes: "go ahead") else {
            Issue.record("a pending approval must be decided"); return
        }
        #expect(decided.status == .approved && decided.decidedBy == "ops@acme.example")
        #expect(try await run.decide(approval.id) == .conflict(decided, .alreadyDecided))
        #expect(try await run.store.inbox(instanceID: instance).count == 1, "a repeated decision is delivered once")

        try await run.drain()
        #expect(try await run.store.instance(id: instance)?.status == .succeeded)
        let history = try await run.store.history(instanceID: instance, after: 0)
        let decision = history.last { $0.kind == .approvalDecided }?.details["decision"]
        #expect(decision?["decision"] == "approve" && decision?["by"] == "ops@acme.example")
        #expect(decision?["notes"] == "go ahead")
        #expect(try await run.decisions.list(agency: "acme").isEmpty)
        #expect(try await run.store.approval(id: approval.id)?.status == .approved)
    }

    @Test("an approval past its expiry is refused, and the instance's timer ends it as expired")
    func expiredIsRefused() async throws {
        let run = try await DurablePlanning.open()
        defer { Task { try? await run.store.close() } }
        let instance = try await run.startAndRunToApproval()
        let approval = try #require(try await run.decisions.list(agency: "acme").first)
        run.clock.advance(.hours(48))
        guard case .conflict(_, .expired) = try await run.decide(approval.id) else {
            Issue.record("a decision at the expiry must be refused as expired"); return
        }
        try await run.drain()
        #expect(try await run.store.approval(id: approval.id)?.status == .expired)
        #expect(try await run.store.instance(id: instance)?.status == .failed)
        #expect(try await run.store.inbox(instanceID: instance).isEmpty)
    }

    @Test("a cancelled instance leaves its approval cancelled, and a decision on it is a conflict")
    func cancelledInstance() async throws {
        let run = try await DurablePlanning.open()
        defer { Task { try? await run.store.close() } }
        let instance = try await run.startAndRunToApproval()
        let approval = try #require(try await run.decisions.list(agency: "acme").first)
        try await run.store.deliver(InboxEvent(
            instanceID: instance, kind: "cancel", payload: ["reason": "the traveller gave up"], at: run.clock.now))
        try await run.drain()
        #expect(try await run.store.instance(id: instance)?.status == .cancelled)
        #expect(try await run.store.approval(id: approval.id)?.status == .cancelled)
        guard case .conflict(_, .cancelled) = try await run.decide(approval.id) else {
            Issue.record("a cancelled approval must refuse a decision"); return
        }
    }

    @Test("approvers, when declared, must include the decider's identity", arguments: [
        ("ops@agency.example", true), ("OPS@agency.example", true), ("eve@elsewhere.example", false),
    ])
    func approvers(identity: String, allowed: Bool) async throws {
        let store = InMemoryFlowStore()
        let instance = InstanceRecord(
            id: "i-approvers", flow: "refund", definitionHash: "h", agencyID: "acme", status: .waiting, state: "{}",
            settings: "{}", wakeAt: nil, idempotencyKey: nil, createdAt: P.start, updatedAt: P.start)
        _ = try await store.createInstance(instance, history: [])
        let row = ApprovalRecord(
            id: "i-approvers:a1", approvalID: "a1", instanceID: "i-approvers", agencyID: "acme", flow: "refund",
            state: "approve_refund", kind: "refund", request: ["kind": "refund", "amount": 120],
            approvers: ["ops@agency.example"], expiresAt: nil, requestedAt: P.start)
        try await store.recordApproval(row)
        let result = try await ApprovalDecisions(store: store).decide(
            id: row.id, outcome: .reject, by: identity, identity: identity, agency: "acme", at: P.start)
        if allowed {
            guard case .decided = result else { Issue.record("\(result)"); return }
        } else {
            #expect(result == .notAnApprover(row))
            #expect(try await store.inbox(instanceID: "i-approvers").isEmpty)
        }
    }
}

/// A SQLite store, the shipped workflows, a worker whose OpenAI and Twilio calls the planning fixtures answer.
struct DurablePlanning {
    let store: SQLiteFlowStore
    let registry: DefinitionRegistry
    let worker: InstanceWorker<SQLiteFlowStore>
    let decisions: ApprovalDecisions<SQLiteFlowStore>
    let clock: ApprovalTestClock

    static func open() async throws -> DurablePlanning {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("flow-approvals-\(UUID().uuidString).sqlite").path
        let store = try await SQLiteFlowStore.open(.file(path: path), adding: TravelSchema.schema)
        try await store.upsertTrip(try PlanningScenario.trip())
        let registry = DefinitionRegistry(
            directory: WorkflowDirectory.load(path: ConciergeScenario.workflows, catalogue: .standard))
        let clock = ApprovalTestClock(PlanningScenario.start)
        let responder = FixtureResponder(
            fixtures: DryRunFixtures(openai: PlanningScenario.answers()), endpoints: .production,
            start: PlanningScenario.start)
        let credentials = ProviderCredentials(
            twilio: .authToken(accountSid: "AC" + String(repeating: "0", count: 32), token: "test",
                               messagingServiceSid: "MG" + String(repeating: "0", count: 32)),
            aeroapiKey: Secret("test"), openaiKey: Secret("test"))
        let worker = InstanceWorker(
            store: store, registry: registry, steps: StepRegistry.providers().adding(TravelProduct.steps(store)),
            transport: responder.transport, credentials: credentials, endpoints: .production,
            configuration: .init(owner: "approvals-test", lease: .seconds(60)), clock: { clock.now })
        return DurablePlanning(store: store, registry: registry, worker: worker,
                               decisions: ApprovalDecisions(store: store), clock: clock)
    }

    /// Starts trip-planning for acme and runs it until it waits (at its booking approval).
    func startAndRunToApproval() async throws -> String {
        let started = try await InstanceStarter(store: store, registry: registry).start(
            flow: PlanningScenario.flow, input: PlanningScenario.input(), agency: "acme", idempotencyKey: nil,
            at: clock.now)
        guard case .created(let record) = started else { throw StoreError(.conflict, "not created") }
        try await drain()
        let status = try await store.instance(id: record.id)?.status
        #expect(status == .waiting)
        return record.id
    }

    /// Runs the worker until nothing is due.
    func drain() async throws {
        var rounds = 0
        while try await worker.runOnce() > 0, rounds < 50 { rounds += 1 }
    }

    func decide(_ id: String, agency: String = "acme", notes: String? = nil, values: Value? = nil) async throws
        -> ApprovalDecisionResult
    {
        try await decisions.decide(id: id, outcome: .approve, by: "ops@acme.example", notes: notes, values: values,
                                   agency: agency, at: clock.now)
    }
}

/// A clock the test moves.
final class ApprovalTestClock: Sendable {
    private let current: Mutex<Instant>
    init(_ start: Instant) { current = Mutex(start) }
    var now: Instant { current.withLock { $0 } }
    func advance(_ span: TimeSpan) { current.withLock { $0 = $0 + span } }
}
