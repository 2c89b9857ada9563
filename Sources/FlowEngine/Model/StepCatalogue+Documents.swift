extension StepSignature {
    /// Records the media of an inbound WhatsApp message as documents of the traveller's trip (or of
    /// the number, when no single trip matched); implemented by the travel product over `trip_documents`.
    public static let documentsRecord = StepSignature(
        name: "documents.record",
        summary: "Record inbound WhatsApp media as trip documents, once per (message_sid, index)",
        parameters: [
            .init("trip_id", .optional(.string), required: false,
                  "the trip they belong to; null files them under the phone number alone"),
            .init("agency_id", .optional(.string), required: false, "the trip's agency"),
            .init("phone", .string, "the sender's number in E.164"),
            .init("media", .list(.object), "[{url, content_type}] as the inbound webhook passed them (at most 10)"),
            .init("message_sid", .string, "the inbound message's MessageSid"),
            .init("caption", .optional(.string), required: false,
                  "the message text: names the documents and hints their type (\"pasaporte\")"),
        ],
        result: .object,
        sideEffects: true,
        errors: [.transient, .permanent],
        // Idempotent by (message_sid, index): running it again records nothing new.
        inDoubt: .resend
    )

    /// The documents of a trip, split into those WhatsApp can fetch (sent as media) and those it
    /// cannot (listed by name); implemented by the travel product over `trip_documents`.
    public static let documentsForTrip = StepSignature(
        name: "documents.for_trip",
        summary: "A trip's documents: {documents, sendable, listed, count}",
        parameters: [
            .init("trip_id", .string, "the trip"),
            .init("trip_documents", .list(.object), required: false,
                  "the trip document's own `documents` ([{name, url}], kept in trips.metadata), merged in"),
            .init("max_media", .integer, required: false, "at most this many are sendable (default and maximum 10)"),
        ],
        result: .object,
        sideEffects: false,
        errors: [.transient, .permanent]
    )
}
