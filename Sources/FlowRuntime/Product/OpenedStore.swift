public import FlowEngine

/// A store the runtime opened, by backend: what a product builds its own stores over (the same
/// SQLite connection or Postgres pool, or memory beside the in-memory store).
public enum OpenedStore: Sendable {
    case memory(InMemoryFlowStore)
    case sqlite(SQLiteFlowStore)
    case postgres(PostgresFlowStore)

    /// The runtime store, whatever its backend.
    public var flowStore: any FlowStore {
        switch self {
        case .memory(let store): store
        case .sqlite(let store): store
        case .postgres(let store): store
        }
    }

    /// Retention's and erasure's way to the runtime's store: removing finished instances, the erasures' audit.
    public var removal: any InstanceRemoval & ErasureLog {
        switch self {
        case .memory(let store): store
        case .sqlite(let store): store
        case .postgres(let store): store
        }
    }
}
