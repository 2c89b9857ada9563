import FlowEngine
import FlowRuntime
import Travel
import Steps
import Testing

/// The executor hands the in-memory store the first state and the settings decoded; a record read
/// back carries the same texts a store that encodes on every write would hold.
@Suite struct InMemoryDecodedRecordTests {
    private static let here = SourceLocation(file: "test.yaml", line: 1, column: 1)

    private static func name(_ text: String) -> Located<String> { Located(text, at: here) }

    /// set → a one-hour wait: the instance stops waiting on its timer.
    private static let flow = Flow(
        name: name("decoded"), version: Located(1, at: here), description: nil, triggers: [], input: [], settings: [],
        graph: StateGraph(start: name("note"), states: [
            State(name: name("note"), kind: .set(SetState(values: [
                .init(name: name("greeting"), value: .expression(ExpressionSource("settings.greeting", at: here))),
            ], next: name("sleep"))), location: here),
            State(name: name("sleep"), kind: .wait(WaitState(
                condition: .duration(.literal("1h", here)), window: nil, next: nil)), location: here),
        ]), location: here)

    @Test("settings and first state are written when the record is read, as their JSON texts")
    func recordTexts() async throws {
        let store = InMemoryFlowStore()
        let executor = Executor(
            interpreter: Interpreter(flow: Self.flow), store: store, steps: .providers(),
            transport: FixtureTransport(queue: []), credentials: ProviderCredentials())
        let settings: Value = ["greeting": "Hola", "caps": ["per_trip_per_day": 10], "quiet": "20:00-09:00"]
        let state = try await executor.start(
            instanceID: "i-1", input: [:], settings: settings, agency: nil, idempotencyKey: "k-1",
            at: Instant(iso8601: "2026-07-08T10:00:00Z")!)
        #expect(state.status == .waiting)
        #expect(state.bindings["vars"]?["greeting"] == "Hola")
        let record = try #require(try await store.instance(id: "i-1"))
        #expect(record.settings == settings.jsonText)
        #expect(record.state == (try InstanceStateCoding.encode(state)))
        #expect(try InstanceStateCoding.decode(record.state) == state)
    }

    @Test("a repeated idempotency key answers the existing record with its texts written")
    func existingRecord() async throws {
        let store = InMemoryFlowStore()
        let executor = Executor(
            interpreter: Interpreter(flow: Self.flow), store: store, steps: .providers(),
            transport: FixtureTransport(queue: []), credentials: ProviderCredentials())
        let settings: Value = ["greeting": "Buenas"]
        let at = Instant(iso8601: "2026-07-08T10:00:00Z")!
        let first = try await executor.start(
            instanceID: "i-1", input: [:], settings: settings, agency: "acme", idempotencyKey: "same", at: at)
        let again = try await executor.start(
            instanceID: "i-2", input: [:], settings: ["greeting": "other"], agency: "acme", idempotencyKey: "same", at: at)
        #expect(again == first)
        #expect(try await store.instance(id: "i-2") == nil)
        let record = try #require(try await store.instance(id: "i-1"))
        #expect(record.settings == settings.jsonText)
    }

    @Test("history after a sequence: everything after 0, the tail after a later one")
    func historyAfter() async throws {
        let store = InMemoryFlowStore()
        let executor = Executor(
            interpreter: Interpreter(flow: Self.flow), store: store, steps: .providers(),
            transport: FixtureTransport(queue: []), credentials: ProviderCredentials())
        _ = try await executor.start(
            instanceID: "i-1", input: [:], settings: ["greeting": "Hola"], agency: nil, idempotencyKey: nil,
            at: Instant(iso8601: "2026-07-08T10:00:00Z")!)
        let all = try await store.history(instanceID: "i-1", after: 0)
        #expect(all.map(\.sequence) == Array(1...Int64(all.count)))
        #expect(all.map(\.kind) == [.stateEntered, .stateEntered, .timerSet])
        #expect(try await store.history(instanceID: "i-1", after: 1).map(\.sequence) == Array(2...Int64(all.count)))
        #expect(try await store.history(instanceID: "i-1", after: Int64(all.count)).isEmpty)
        #expect(try await store.history(instanceID: "other", after: 0).isEmpty)
    }
}
