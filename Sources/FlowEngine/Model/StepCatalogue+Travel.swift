extension StepSignature {
    /// Finds the trip a traveller's WhatsApp message is about (implemented by the runtime over `trips`).
    public static let tripsForTraveller = StepSignature(
        name: "trips.for_traveller",
        summary: "The active or nearest upcoming trip for a WhatsApp number: status none | one | several",
        parameters: [
            .init("whatsapp", .string, "the traveller's number in E.164 (a `whatsapp:` prefix is ignored)"),
            .init("hint", .string, required: false,
                  "the traveller's message: a flight number or trip id in it picks one of several candidates"),
            .init("active_for", .duration, required: false,
                  "a trip stays active this long after its departure (default 3d)"),
            .init("ambiguity", .duration, required: false,
                  "other trips departing within this of the chosen one are candidates too (default 24h)"),
        ],
        result: .object,
        sideEffects: false,
        errors: [.transient, .permanent]
    )

    /// The last turns of a trip's conversation (implemented by the runtime over `conversations`).
    public static let conversationRecent = StepSignature(
        name: "conversation.recent",
        summary: "The last N turns of a trip's WhatsApp conversation, oldest first, also as chat messages",
        parameters: [
            .init("trip_id", .string, "the trip"),
            .init("limit", .integer, required: false, "how many turns (default 6, at most 50)"),
        ],
        result: .object,
        sideEffects: false,
        errors: [.transient, .permanent]
    )

    /// Stores one turn of a trip's conversation (implemented by the runtime over `conversations`).
    public static let conversationAppend = StepSignature(
        name: "conversation.append",
        summary: "Store one conversation turn: sender user | bot, message, intent, provider id",
        parameters: [
            .init("trip_id", .string, "the trip"),
            .init("agency_id", .string, required: false, "tenant"),
            .init("sender", .string, "user or bot (agent for a person of the agency)"),
            .init("message", .string, "the text"),
            .init("intent", .optional(.string), required: false, "the recognised intent, e.g. flight_info"),
            .init("provider_id", .optional(.string), required: false, "Twilio message SID"),
        ],
        result: .object,
        sideEffects: true,
        errors: [.transient, .permanent]
    )
}
