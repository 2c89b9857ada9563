public import FlowEngine
public import FlowRuntime

/// One row of the notification log, as `NotificationLog.notification(tripID:type:key:)` returns it.
public struct NotificationLogEntry: Sendable, Hashable {
    public var tripID: String
    public var type: String
    public var key: String
    /// The instance whose `notify.send` claimed the row (nil for inbound messages).
    public var instanceID: String?
    /// `claimed`, `retrying`, `sent`, `suppressed`, `failed`, or a provider status (`delivered`, `read`, …).
    public var status: String
    /// The provider's message id once sent.
    public var providerID: String?
    public var error: String?
    public var createdAt: Instant

    public init(
        tripID: String, type: String, key: String, instanceID: String?, status: String, providerID: String?,
        error: String?, createdAt: Instant
    ) {
        self.tripID = tripID
        self.type = type
        self.key = key
        self.instanceID = instanceID
        self.status = status
        self.providerID = providerID
        self.error = error
        self.createdAt = createdAt
    }
}
