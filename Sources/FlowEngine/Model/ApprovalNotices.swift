/// How an approval reaches its approvers: `notify` (each channel, per approver) and `remind`
/// (reminders before expiry, and an escalation to other approvers).
public struct ApprovalNotice: Sendable {
    /// Where one notice goes. The runtime adds each approver's signed decision link.
    public enum Channel: Sendable {
        /// A WhatsApp template through Twilio, per approver: `to` is an object from approver name to
        /// an E.164 number (approvers it does not name get no message); `content_sid` the Content
        /// template (variables `1` = the request's summary and `2` = the link unless `variables` says otherwise).
        case whatsapp(to: ValueTemplate, contentSid: ValueTemplate, variables: ValueTemplate?)
        /// A JSON `POST` through `http.request`, per approver, with the approver's link; `credential`
        /// names a configured HTTP credential.
        case webhook(url: ValueTemplate, credential: Located<String>?)

        /// `whatsapp` or `webhook`.
        public var name: String {
            switch self {
            case .whatsapp: "whatsapp"
            case .webhook: "webhook"
            }
        }
    }

    public var channel: Channel
    public var location: SourceLocation

    public init(channel: Channel, location: SourceLocation) {
        self.channel = channel
        self.location = location
    }

    /// Every template inside, for the expression checker.
    public var templates: [ValueTemplate] {
        switch channel {
        case .whatsapp(let to, let contentSid, let variables): [to, contentSid] + (variables.map { [$0] } ?? [])
        case .webhook(let url, _): [url]
        }
    }
}

/// An instant before an approval's expiry: a share of `expires_in` after the request (`50%`), or a
/// duration before expiry (`2h`).
public enum ReminderPoint: Sendable, Hashable, CustomStringConvertible {
    /// Percent of `expires_in`, strictly between 0 and 100.
    case percent(Double)
    case beforeExpiry(TimeSpan)

    /// `50%` or `2h` (a duration before expiry); nil for anything else.
    public init?(parsing text: String) {
        let trimmed = String(text.filter { !$0.isWhitespace })
        if trimmed.hasSuffix("%") {
            guard let number = Double(trimmed.dropLast()) else { return nil }
            self = .percent(number)
        } else if let span = TimeSpan(parsing: trimmed) {
            self = .beforeExpiry(span)
        } else {
            return nil
        }
    }

    /// Whether the point lies strictly inside an approval's life (a share in (0, 100), a positive duration).
    public var isInRange: Bool {
        switch self {
        case .percent(let p): p > 0 && p < 100
        case .beforeExpiry(let span): span.milliseconds > 0
        }
    }

    /// The instant for an approval requested at `requested` that expires at `expires`; nil when that
    /// is not strictly between the two.
    public func instant(requested: Instant, expires: Instant) -> Instant? {
        let life = expires - requested
        let at: Instant
        switch self {
        case .percent(let p): at = requested + TimeSpan(milliseconds: Int64((Double(life.milliseconds) * p / 100).rounded()))
        case .beforeExpiry(let span): at = expires - span
        }
        return at > requested && at < expires ? at : nil
    }

    public var description: String {
        switch self {
        case .percent(let p): p == p.rounded() ? "\(Int(p))%" : "\(p)%"
        case .beforeExpiry(let span): "\(span) before expiry"
        }
    }
}

/// `remind:` of an approval state.
public struct ApprovalReminders: Sendable {
    /// Escalation: at `at`, `approvers` may decide too and are sent `notify` (default: the approval's own).
    public struct Escalation: Sendable {
        public var at: Located<ReminderPoint>
        public var approvers: ValueTemplate
        public var notify: [ApprovalNotice]?

        public init(at: Located<ReminderPoint>, approvers: ValueTemplate, notify: [ApprovalNotice]?) {
            self.at = at
            self.approvers = approvers
            self.notify = notify
        }
    }

    /// The approval's `notify` is sent again to its approvers at each point.
    public var at: [Located<ReminderPoint>]
    public var escalate: Escalation?
    public var location: SourceLocation

    public init(at: [Located<ReminderPoint>], escalate: Escalation?, location: SourceLocation) {
        self.at = at
        self.escalate = escalate
        self.location = location
    }
}
