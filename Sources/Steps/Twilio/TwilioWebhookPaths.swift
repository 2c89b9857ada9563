/// Where the daemon receives Twilio's webhooks, relative to its public base URL.
public enum TwilioWebhookPaths {
    /// Delivery-status callbacks (`StatusCallback`).
    public static let status = "/webhooks/twilio/status"
    /// Inbound WhatsApp messages.
    public static let inbound = "/webhooks/twilio/inbound"
}
