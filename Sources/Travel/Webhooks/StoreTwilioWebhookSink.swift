public import FlowEngine
public import FlowRuntime
public import Logging

/// The travel product's `TwilioWebhookSink`: delivery statuses go to the notification log, inbound
/// messages are recorded in it (deduplicated by `MessageSid`) and dispatched as the event
/// `whatsapp.inbound`, which starts the flows whose triggers listen to it (the shipped concierge).
///
/// Inbound messages: the log's unique `(trip_id, type, key)` claim with trip
/// `inbound:<from>`, type `whatsapp.inbound` and key `MessageSid` is the durable record and the
/// dedup. The event's listeners start once per trigger key (the concierge's is the `MessageSid`,
/// so a retried webhook after a crash between the claim and the start still starts it exactly
/// once); with no listener the message stays recorded with status `received` and nothing else happens.
///
/// Statuses: only outcomes are written (`delivered`, `read`, `undelivered`, `failed`,
/// `canceled`); progress (`queued`, `accepted`, `scheduled`, `sending`, `sent`) leaves the log at
/// `sent`, as the send step recorded it. Callbacks may arrive out of order: the store keeps the
/// status of highest rank (`NotificationStatusOrder`: `read` > `delivered` > failures > `sent`).
/// A status for a message id the log does not carry yet (the callback beat the send step's record,
/// or the daemon crashed between send and record) is kept durably (`FlowStore.recordMessageStatus`,
/// table `pending_message_statuses`) and applied when the send records the id; callbacks of every
/// account (the default one and agencies' own, each verified with its token) are stored alike.
public struct StoreTwilioWebhookSink<Store: NotificationLog>: TwilioWebhookSink {
    /// The notification type inbound messages are logged under, and the event they are dispatched as.
    public static var inboundType: String { "whatsapp.inbound" }
    /// Statuses that are written to the log.
    public static var outcomeStatuses: Set<String> { ["delivered", "read", "undelivered", "failed", "canceled"] }

    public let store: Store
    /// Where inbound messages go as `whatsapp.inbound` events (the daemon's `EventDispatcher`).
    public let events: any EventSink
    public let clock: @Sendable () -> Instant
    public let logger: Logger

    public init(
        store: Store, events: any EventSink,
        clock: @escaping @Sendable () -> Instant = InstanceWorker<InMemoryFlowStore>.wallClock,
        logger: Logger = Logger(label: "flow.webhooks")
    ) {
        self.store = store
        self.events = events
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
        let input = Self.input(message, receivedAt: now)
        let claimed = try await store.claimNotification(NotificationClaim(
            tripID: "inbound:" + message.from, agencyID: nil, type: Self.inboundType, key: message.messageSid,
            instanceID: nil, to: message.to, template: Self.inboundType, variables: input, at: now))
        let metadata: Logger.Metadata = ["flow.message_sid": "\(message.messageSid)"]
        let started = try await events.dispatch(event: Self.inboundType, payload: input, agency: nil, at: now)
        let created = started.filter(\.created)
        if claimed || !created.isEmpty {
            try await store.updateNotification(
                tripID: "inbound:" + message.from, type: Self.inboundType, key: message.messageSid,
                status: "received", providerID: nil, error: nil)
        }
        if started.isEmpty {
            if claimed { logger.notice("inbound message recorded; no flow listens to \(Self.inboundType)", metadata: metadata) }
            return claimed
        }
        for instance in created {
            logger.info("inbound message started \(instance.flow)", metadata: metadata.merging(
                ["flow.instance": "\(instance.instance.id)"]) { $1 })
        }
        return !created.isEmpty
    }

    /// The event's payload, the concierge flow's input (`domain/concierge.md`): `from`, `to`, `body`, `media[]`,
    /// `message_sid`, `profile_name`, and `received_at` (ISO-8601: the 24-hour customer-service window
    /// the message opens starts then).
    static func input(_ message: TwilioInboundMessage, receivedAt: Instant) -> Value {
        .object([
            "received_at": .string(receivedAt.description),
            "from": .string(message.from), "to": .string(message.to), "body": .string(message.body),
            "message_sid": .string(message.messageSid),
            "profile_name": message.profileName.map(Value.string) ?? .null,
            "media": .array(message.media.map { media in
                .object(["url": .string(media.url), "content_type": media.contentType.map(Value.string) ?? .null])
            }),
        ])
    }
}
