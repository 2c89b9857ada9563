public import FlowRuntime

/// How the conformance suite obtains fresh, migrated, empty stores of one implementation.
///
/// To run the suite against another store, build a harness and pass it to every check:
///
/// ```swift
/// let memory = StoreHarness(name: "memory") { body in try await body(InMemoryFlowStore()) }
/// @Test(arguments: FlowStoreConformance.checks)
/// func memoryStore(_ check: FlowStoreConformance.Check) async throws { try await check.run(memory) }
/// ```
public struct StoreHarness: Sendable {
    public typealias Body = @Sendable (any FlowStore) async throws -> Void
    public typealias SharedBody = @Sendable ([any FlowStore]) async throws -> Void

    public var name: String
    /// Runs `body` with one fresh store and disposes of it afterwards.
    public var withStore: @Sendable (_ body: Body) async throws -> Void
    /// Runs `body` with `count` separate stores over one fresh database (separate connections or
    /// processes sharing data), if the implementation can; nil for process-local stores.
    public var withSharedStores: (@Sendable (_ count: Int, _ body: SharedBody) async throws -> Void)?

    public init(
        name: String,
        withStore: @escaping @Sendable (_ body: Body) async throws -> Void,
        withSharedStores: (@Sendable (_ count: Int, _ body: SharedBody) async throws -> Void)? = nil
    ) {
        self.name = name
        self.withStore = withStore
        self.withSharedStores = withSharedStores
    }

    /// `count` stores sharing one database: separate stores when possible, else the same store `count` times.
    func withStores(_ count: Int, _ body: @escaping SharedBody) async throws {
        if let withSharedStores {
            try await withSharedStores(count, body)
        } else {
            try await withStore { store in try await body(Array(repeating: store, count: count)) }
        }
    }
}
