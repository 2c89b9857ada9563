public import FlowRuntime
public import Travel

/// How the conformance suite obtains fresh, migrated, empty stores of one implementation.
///
/// To run the suite against another store, build a harness and pass it to every check:
///
/// ```swift
/// let memory = StoreHarness<any TravelStore>(name: "memory") { body in try await body(InMemoryTravelStore()) }
/// @Test(arguments: FlowStoreConformance.travelChecks)
/// func memoryStore(_ check: FlowStoreConformance.TravelCheck) async throws { try await check.run(memory) }
/// ```
public struct StoreHarness<Store: Sendable>: Sendable {
    public typealias Body = @Sendable (Store) async throws -> Void
    public typealias SharedBody = @Sendable ([Store]) async throws -> Void

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

    /// The same stores seen as `Other` (a SQL store as its runtime or its travel store).
    public func map<Other: Sendable>(_ transform: @escaping @Sendable (Store) -> Other) -> StoreHarness<Other> {
        let withStore = self.withStore
        let shared = self.withSharedStores
        return StoreHarness<Other>(
            name: name,
            withStore: { body in try await withStore { try await body(transform($0)) } },
            withSharedStores: shared.map { shared in
                { @Sendable count, body in try await shared(count) { try await body($0.map(transform)) } }
            })
    }
}

/// A harness of runtime stores (the runtime's checks).
public typealias FlowStoreHarness = StoreHarness<any FlowStore>
/// A harness of travel stores (the travel product's checks).
public typealias TravelStoreHarness = StoreHarness<any TravelStore>
/// A harness of the SQL stores as the agency portal uses them (runtime, travel and portal tables).
public typealias PortalStoreHarness = StoreHarness<any FlowStore & TravelStore & AgencyPortalStore>
