public import FlowEngine

/// A flow definition as stored: identified by name + content hash.
public struct StoredDefinition: Sendable, Hashable, Codable {
    public var name: String
    public var hash: String
    public var version: Int
    public var source: String
    public var createdAt: Instant

    public init(name: String, hash: String, version: Int, source: String, createdAt: Instant) {
        self.name = name
        self.hash = hash
        self.version = version
        self.source = source
        self.createdAt = createdAt
    }

    /// The version as reports show it: `<declared>+<first 7 hex digits of the hash>`.
    public var label: String { "\(version)+\(hash.prefix(7))" }

    /// `definition`'s label, or the hash's first 7 digits when the definition is not stored.
    public static func label(_ definition: StoredDefinition?, hash: String) -> String {
        definition?.label ?? String(hash.prefix(7))
    }
}

/// Lifecycle of an instance.
public enum InstanceStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case running, waiting, succeeded, failed, cancelled

    public var isFinished: Bool { self == .succeeded || self == .failed || self == .cancelled }
}

/// One flow instance row.
public struct InstanceRecord: Sendable, Hashable, Codable {
    public var id: String
    public var flow: String
    public var definitionHash: String
    public var agencyID: String?
    public var status: InstanceStatus
    /// The interpreter's state, JSON-encoded.
    public var state: String
    /// Effective settings recorded at start, JSON-encoded object.
    public var settings: String
    public var wakeAt: Instant?
    public var idempotencyKey: String?
    public var leaseOwner: String?
    public var leaseUntil: Instant?
    public var createdAt: Instant
    public var updatedAt: Instant

    public init(
        id: String, flow: String, definitionHash: String, agencyID: String?, status: InstanceStatus, state: String,
        settings: String, wakeAt: Instant?, idempotencyKey: String?, leaseOwner: String? = nil,
        leaseUntil: Instant? = nil, createdAt: Instant, updatedAt: Instant
    ) {
        self.id = id
        self.flow = flow
        self.definitionHash = definitionHash
        self.agencyID = agencyID
        self.status = status
        self.state = state
        self.settings = settings
        self.wakeAt = wakeAt
        self.idempotencyKey = idempotencyKey
        self.leaseOwner = leaseOwner
        self.leaseUntil = leaseUntil
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

public enum CreateInstanceResult: Sendable, Hashable {
    case created(InstanceRecord)
    /// An instance with the same idempotency key already existed.
    case existing(InstanceRecord)
}

/// Which instances `instances(matching:)` returns, in `(created_at, id)` order.
public struct InstanceFilter: Sendable, Hashable {
    public var flow: String?
    public var agencyID: String?
    public var status: InstanceStatus?
    public var limit: Int
    /// Only instances after this position in `(created_at, id)` order (keyset pagination).
    public var after: InstanceCursor?
    /// Only instances created at or after this instant.
    public var createdFrom: Instant?
    /// Only instances created before this instant.
    public var createdBefore: Instant?

    public init(
        flow: String? = nil, agencyID: String? = nil, status: InstanceStatus? = nil, limit: Int = 100,
        after: InstanceCursor? = nil, createdFrom: Instant? = nil, createdBefore: Instant? = nil
    ) {
        self.flow = flow
        self.agencyID = agencyID
        self.status = status
        self.limit = limit
        self.after = after
        self.createdFrom = createdFrom
        self.createdBefore = createdBefore
    }
}

/// A position in the `(created_at, id)` order of instances: the last instance of a page.
public struct InstanceCursor: Sendable, Hashable {
    public var createdAt: Instant
    public var id: String

    public init(createdAt: Instant, id: String) {
        self.createdAt = createdAt
        self.id = id
    }

    /// The cursor just past `record`.
    public init(after record: InstanceRecord) {
        self.init(createdAt: record.createdAt, id: record.id)
    }
}

/// One entry of an instance's append-only history: a `TimelineEntry` with the store's sequence
/// number and the instant it happened. Stored as an `instance_events` row: `seq`, `at`, `kind`
/// (`entry.kind.rawValue`) and `details` (`entry.details` as JSON) — see `docs/timeline.md`.
public struct HistoryEntry: Sendable, Hashable {
    /// Assigned by the store, increasing per instance; 0 before it is stored.
    public var sequence: Int64
    public var at: Instant
    public var entry: TimelineEntry

    /// The entry's kind (`state_entered`, `step_called`, `message_sent`, …).
    public var kind: TimelineEntry.Kind { entry.kind }
    /// The entry's fields (state, step, attempt, input, output, error, reason…).
    public var details: [String: Value] { entry.details }

    public init(sequence: Int64 = 0, at: Instant, _ entry: TimelineEntry) {
        self.sequence = sequence
        self.at = at
        self.entry = entry
    }

    /// A row as stored: an unknown `kind` reads as `TimelineEntry.Kind.other`
    /// (see `TimelineEntry(storedKind:details:)`).
    public init(sequence: Int64, at: Instant, storedKind: String, details: Value) {
        self.init(sequence: sequence, at: at, TimelineEntry(storedKind: storedKind, details: details))
    }
}

/// What one transition changes, written in one transaction.
public struct TransitionRecord: Sendable, Hashable {
    public var instanceID: String
    public var status: InstanceStatus
    public var state: String
    public var wakeAt: Instant?
    public var history: [HistoryEntry]
    /// Inbox events the transition consumed.
    public var consumedEvents: [Int64]
    /// Keep the lease until this instant (work continues), or release it (nil).
    public var keepLeaseUntil: Instant?
    public var at: Instant

    public init(
        instanceID: String, status: InstanceStatus, state: String, wakeAt: Instant?, history: [HistoryEntry],
        consumedEvents: [Int64] = [], keepLeaseUntil: Instant? = nil, at: Instant
    ) {
        self.instanceID = instanceID
        self.status = status
        self.state = state
        self.wakeAt = wakeAt
        self.history = history
        self.consumedEvents = consumedEvents
        self.keepLeaseUntil = keepLeaseUntil
        self.at = at
    }
}

/// An event waiting to be applied to an instance: an approval decision, an external event, a cancel.
public struct InboxEvent: Sendable, Hashable, Codable {
    /// Assigned by the store.
    public var id: Int64
    public var instanceID: String
    /// `approval`, `event`, `cancel`.
    public var kind: String
    public var payload: Value
    /// Deduplicates deliveries (e.g. Twilio MessageSid); nil = no dedup.
    public var dedupKey: String?
    public var at: Instant

    public init(id: Int64 = 0, instanceID: String, kind: String, payload: Value, dedupKey: String? = nil, at: Instant) {
        self.id = id
        self.instanceID = instanceID
        self.kind = kind
        self.payload = payload
        self.dedupKey = dedupKey
        self.at = at
    }
}

/// One side effect in the ledger, keyed by its idempotency key.
public struct EffectRecord: Sendable, Hashable, Codable {
    public enum Status: String, Sendable, Hashable, Codable {
        case pending, done, failed
        case inDoubt = "in_doubt"
    }

    public var key: String
    public var instanceID: String
    public var step: String
    public var status: Status
    public var request: Value
    public var result: Value?
    public var providerID: String?
    public var startedAt: Instant
    public var completedAt: Instant?

    public init(
        key: String, instanceID: String, step: String, status: Status = .pending, request: Value,
        result: Value? = nil, providerID: String? = nil, startedAt: Instant, completedAt: Instant? = nil
    ) {
        self.key = key
        self.instanceID = instanceID
        self.step = step
        self.status = status
        self.request = request
        self.result = result
        self.providerID = providerID
        self.startedAt = startedAt
        self.completedAt = completedAt
    }
}

public enum EffectBeginResult: Sendable, Hashable {
    /// Recorded as pending; perform the call now.
    case started
    /// Already done: reuse the stored result, do not call again.
    case done(EffectRecord)
    /// Begun before and never completed: resolve by the step's in-doubt policy.
    case inDoubt(EffectRecord)
    /// Permanently failed before.
    case failed(EffectRecord)
}

/// Store failures; descriptions never include connection strings or credentials.
public struct StoreError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable {
        case notFound = "not_found"
        case conflict
        case leaseLost = "lease_lost"
        case unavailable
        case corrupt
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "store \(code.rawValue): \(message)" }
}
