public import FlowEngine
public import FlowRuntime

/// A provider's delivery status for one message (a Twilio status callback), as the store keeps it.
///
/// `FlowStore.recordMessageStatus` applies it to the notification-log row whose `provider_id` is
/// `messageSid`. A callback can arrive before the send step recorded that id (Twilio may post
/// before our create call's answer is processed, and a crash between send and record delays the
/// record until the effect ledger finds the message): the status then waits in the
/// `pending_message_statuses` table (migration 6), one row per message id merged with
/// `NotificationStatusOrder`, and `updateNotification` applies it in the same statement (PostgreSQL)
/// or transaction (SQLite) that writes the provider id. Pending rows whose first callback is older
/// than `pendingRetention` are deleted whenever a new pending row is written.
public struct MessageStatusReport: Sendable, Hashable {
    /// How long a status waits for its message id to be recorded: 7 days. A send records its id
    /// within seconds, and an in-doubt send is resolved within its lease; a week also covers a
    /// daemon that was down for days. Older rows are callbacks for messages this database never
    /// sent (another environment sharing the Twilio account, or rows lost to a restore).
    public static let pendingRetention = TimeSpan.days(7)

    /// The provider's message id (`MessageSid`).
    public var messageSid: String
    /// The account the callback came from (`AccountSid`: the default account or an agency's).
    public var accountSid: String?
    /// `delivered`, `read`, `failed`, … (`NotificationStatusOrder` ranks them).
    public var status: String
    /// The provider's error code for a failure, e.g. `63016`.
    public var errorCode: String?
    /// When the (first) callback was received.
    public var receivedAt: Instant

    public init(messageSid: String, accountSid: String? = nil, status: String, errorCode: String? = nil, receivedAt: Instant) {
        self.messageSid = messageSid
        self.accountSid = accountSid
        self.status = status
        self.errorCode = errorCode
        self.receivedAt = receivedAt
    }

    /// Pending rows received before this instant are deleted when this report is kept pending.
    var retentionCutoff: Instant { receivedAt - Self.pendingRetention }

    /// This report merged into an earlier pending one for the same message, with the log's precedence:
    /// the status of higher rank wins, carrying its code (or keeping the earlier one's when it has none).
    func merged(into earlier: MessageStatusReport) -> MessageStatusReport {
        guard NotificationStatusOrder.supersedes(status, earlier.status) else { return earlier }
        var merged = earlier
        merged.status = status
        merged.errorCode = errorCode ?? earlier.errorCode
        merged.accountSid = accountSid ?? earlier.accountSid
        return merged
    }
}

/// Where `FlowStore.recordMessageStatus` put a status.
public enum MessageStatusOutcome: String, Sendable, Hashable {
    /// A log row carries the message id: the status was applied to it (or ranked below its status).
    case logged
    /// No row carries the id yet: the status waits in `pending_message_statuses`.
    case pending
}
