public import FlowEngine
public import Logging

/// The daemon's `TwilioWebhookSink`: delivery statuses go to the notification log, inbound
/// messages are recorded in it (deduplicated by `MessageSid`) and start the concierge flow.
///
/// Inbound messages: the log's unique `(trip_id, type, key)` claim with trip
/// `inbound:<from>`, type `whatsapp.inbound` and key `MessageSid` is the durable record and the
/// dedup. When the registry has a flow named `conciergeFlow`, an instance is started with the
/// idempotency key `whatsapp.inbound:<MessageSid>` (so a retried webhook after a crash between
/// the claim and the start still starts it exactly once); without that flow the message stays
/// recorded with status `received` and nothing else happens.
///
/// Statuses: only outcomes are written (`delivered`, `read`, `undelivered`, `failed`,
/// `canceled`); progress (`queued`, `accepted`, `scheduled`, `sending`, `sent`) leaves the log at
/// `sent`, as the send step recorded it. Callbacks may arrive out of order: the store keeps the
/// status of highest rank (`NotificationStatusOrder`: `read` > `delivered` > failures > `sent`).
/// A status for a message id the log does not carry yet (the callback beat the send step's record,
/// or the daemon crashed between send and record) is kept durably (`FlowStore.recordMessageStatus`,
/// table `pending_message_statuses`) and applied when the send records the id; callbacks of every
/// account (the default one and agencies' own, each verified with its token) are stored alike.
public struct StoreTwilioWebhookSink<Store: FlowStore>: TwilioWebhookSink {
    /// The notification type inbound messages are logged under.
    public static var inboundType: String { "whatsapp.inbound" }
    /// Statuses that are written to the log.
    public static var outcomeStatuses: Set<String> { ["delivered", "read", "undelivered", "failed", "canceled"] }

    public let store: Store
    public let registry: DefinitionRegistry
    public let conciergeFlow: String
    public let clock: @Sendable () -> Instant
    public let logger: Logger
    /// Rung when an inbound message starts the concierge, so an idle worker claims it at once.
    public let wakeup: WorkerWakeup?

    public init(
        store: Store, registry: DefinitionRegistry, conciergeFlow: String = "concierge",
        clock: @escaping @Sendable () -> Instant = InstanceWorker<Store>.wallClock,
        logger: Logger = Logger(label: "flow.webhooks"), wakeup: WorkerWakeup? = nil
    ) {
        self.wakeup = wakeup
        self.store = store
        self.registry = registry
        self.conciergeFlow = conciergeFlow
        self.clock = clock
        self.logger = logger
    }

    public func deliveryStatus(_ status: TwilioDeliveryStatus) async throws {
        guard Self.outcomeStatuses.contains(status.status) else {
            logger.debug("delivery progress", metadata: [
                "flow.message_sid": "\(status.messageSid)", "flow.status": "\(status.status)",
            ])
            return
        }
        let outcome = try await store.recordMessageStatus(MessageStatusReport(
            messageSid: status.messageSid, accountSid: status.accountSid, status: status.status,
            errorCode: status.errorCode.map(String.init), receivedAt: clock()))
        let metadata: Logger.Metadata = [
            "flow.message_sid": "\(status.messageSid)", "flow.status": "\(status.status)",
            "flow.error_code": "\(status.errorCode.map(String.init) ?? "-")",
        ]
        switch outcome {
        case .logged: logger.info("delivery status", metadata: metadata)
        case .pending: logger.notice("delivery status kept until the send records its message id", metadata: metadata)
        }
    }

    public func inboundMessage(_ message: TwilioInboundMessage) async throws -> Bool {
        let now = clock()
        let input = Self.input(message)
        let claimed = try await store.claimNotification(NotificationClaim(
            tripID: "inbound:" + message.from, agencyID: nil, type: Self.inboundType, key: message.messageSid,
            instanceID: nil, to: message.to, template: Self.inboundType, variables: input, at: now))
        let metadata: Logger.Metadata = ["flow.message_sid": "\(message.messageSid)"]
        guard registry.current(conciergeFlow) != nil else {
            if claimed {
                try await store.updateNotification(
                    tripID: "inbound:" + message.from, type: Self.inboundType, key: message.messageSid,
                    status: "received", providerID: nil, error: nil)
                logger.notice("inbound message recorded; no '\(conciergeFlow)' flow to start", metadata: metadata)
            }
            return claimed
        }
        let result = try await InstanceStarter(store: store, registry: registry, wakeup: wakeup).start(
            flow: conciergeFlow, input: input, agency: nil, idempotencyKey: "whatsapp.inbound:" + message.messageSid,
            at: now)
        switch result {
        case .created(let record):
            try await store.updateNotification(
                tripID: "inbound:" + message.from, type: Self.inboundType, key: message.messageSid,
                status: "received", providerID: nil, error: nil)
            logger.info("inbound message started \(conciergeFlow)", metadata: metadata.merging(
                ["flow.instance": "\(record.id)"]) { $1 })
            return true
        case .existing:
            return false
        }
    }

    /// The concierge flow's input (`domain/concierge.md`): `from`, `to`, `body`, `media[]`,
    /// `message_sid`, `profile_name`.
    static func input(_ message: TwilioInboundMessage) -> Value {
        .object([
            "from": .string(message.from), "to": .string(message.to), "body": .string(message.body),
            "message_sid": .string(message.messageSid),
            "profile_name": message.profileName.map(Value.string) ?? .null,
            "media": .array(message.media.map { media in
                .object(["url": .string(media.url), "content_type": media.contentType.map(Value.string) ?? .null])
            }),
        ])
    }
}
