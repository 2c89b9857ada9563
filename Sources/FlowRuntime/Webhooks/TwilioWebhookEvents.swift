/// A Twilio delivery-status callback (contracts README §1.6), for the product's webhook receiver.
public struct TwilioDeliveryStatus: Sendable, Hashable {
    public var messageSid: String
    /// `queued`, `sent`, `delivered`, `read`, `undelivered`, `failed`, …
    public var status: String
    /// Present for `failed`/`undelivered`, e.g. 63016.
    public var errorCode: Int?
    public var accountSid: String?
    public var to: String?
    public var from: String?
    /// `EventType` (e.g. `READ`), when sent.
    public var eventType: String?

    public init(
        messageSid: String, status: String, errorCode: Int? = nil, accountSid: String? = nil, to: String? = nil,
        from: String? = nil, eventType: String? = nil
    ) {
        self.messageSid = messageSid
        self.status = status
        self.errorCode = errorCode
        self.accountSid = accountSid
        self.to = to
        self.from = from
        self.eventType = eventType
    }
}

/// An inbound WhatsApp message (contracts README §1.7), for the product's webhook receiver.
public struct TwilioInboundMessage: Sendable, Hashable {
    /// The dedup key: Twilio retries deliver the same `MessageSid`.
    public var messageSid: String
    /// The traveller's number in E.164, without the `whatsapp:` prefix.
    public var from: String
    /// Our sender's number in E.164, without the prefix.
    public var to: String
    public var body: String
    public var profileName: String?
    public var accountSid: String?
    /// Attachments, in order: `MediaUrl{N}` with `MediaContentType{N}`.
    public var media: [Media]

    public struct Media: Sendable, Hashable {
        public var url: String
        public var contentType: String?

        public init(url: String, contentType: String?) {
            self.url = url
            self.contentType = contentType
        }
    }

    public init(
        messageSid: String, from: String, to: String, body: String, profileName: String? = nil,
        accountSid: String? = nil, media: [Media] = []
    ) {
        self.messageSid = messageSid
        self.from = from
        self.to = to
        self.body = body
        self.profileName = profileName
        self.accountSid = accountSid
        self.media = media
    }
}

/// Where verified webhooks go. The runtime implements it over its stores.
public protocol TwilioWebhookSink: Sendable {
    /// Records a delivery status (out-of-order callbacks are the sink's to reconcile).
    func deliveryStatus(_ status: TwilioDeliveryStatus) async throws
    /// Records an inbound message and starts its flow; false when the `MessageSid` was already seen.
    func inboundMessage(_ message: TwilioInboundMessage) async throws -> Bool
}
