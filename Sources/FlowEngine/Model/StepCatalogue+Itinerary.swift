extension StepSignature {
    /// Validates a generated itinerary and marks the agency's places (pure; implemented by the runtime).
    public static let itineraryCheck = StepSignature(
        name: "itinerary.check",
        summary: "Validate an itinerary (days continuous from first_day, none empty, HH:MM times) and mark agency places",
        parameters: [
            .init("itinerary", .optional(.object), "the model's reply, {days: [{date, items: [...]}]}"),
            .init("first_day", .string, "the first day of the trip at the destination, YYYY-MM-DD"),
            .init("days", .integer, "how many days the itinerary must have (1–60)"),
            .init("agency_places", .list(.object), required: false,
                  "[{name, address, city}] the agency recommends; a matching item gets source: agency"),
            .init("known_places", .optional(.list(.string)), required: false,
                  "place names the itinerary may use (e.g. research results); other places are errors"),
        ],
        result: .object,
        sideEffects: false,
        errors: [.permanent]
    )

    /// Stores a new version of a trip's itinerary (implemented by the runtime over `itineraries`).
    public static let itinerarySave = StepSignature(
        name: "itinerary.save",
        summary: "Save a validated itinerary as the trip's next version (one version per instance)",
        parameters: [
            .init("trip_id", .string, "the trip (it must be in trips)"),
            .init("agency_id", .optional(.string), required: false, "tenant"),
            .init("itinerary", .object, "the checked itinerary, {days: [...]}"),
            .init("raw_prompt", .optional(.string), required: false, "the prompt, kept for audits"),
            .init("raw_response", .optional(.string), required: false, "the model's reply text, kept for audits"),
        ],
        result: .object,
        sideEffects: true,
        errors: [.transient, .permanent]
    )

    /// The latest itinerary version of a trip (implemented by the runtime over `itineraries`).
    public static let itineraryLatest = StepSignature(
        name: "itinerary.latest",
        summary: "The trip's latest saved itinerary: {found, version, day_count, days, titles, generated_at}",
        parameters: [
            .init("trip_id", .string, "the trip"),
        ],
        result: .object,
        sideEffects: false,
        errors: [.transient, .permanent]
    )
}
