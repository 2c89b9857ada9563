/// The traveller notification types: the one list (R16) that the notification log's CHECK
/// constraint, the `notify.send` validation and the template registry all derive from.
public enum NotificationType: String, Sendable, Hashable, Codable, CaseIterable {
    case reservationConfirmation = "RESERVATION_CONFIRMATION"
    case reminder24h = "REMINDER_24H"
    case delayed = "DELAYED"
    case gateChange = "GATE_CHANGE"
    case cancelled = "CANCELLED"
    case diverted = "DIVERTED"
    case boarding = "BOARDING"
    case landingWelcome = "LANDING_WELCOME"
    case itineraryReady = "ITINERARY_READY"
}
