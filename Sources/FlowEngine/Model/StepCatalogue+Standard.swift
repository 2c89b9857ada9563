extension StepCatalogue {
    /// The signatures of every step the shipped flows use: the provider steps (implemented in
    /// `Steps`), the travel product's steps (notifications, trips, conversations, itineraries, planning profiles) and
    /// the built-ins; and the travel product's `trip` recorder for event triggers. One definition: implementations take their signature from here.
    public static let standard = StepCatalogue([
        .twilioSendTemplate, .twilioSendText, .twilioSendMedia, .aeroapiFlight, .openaiChat, .notifySend, .flightDiff,
        .alertRaise, .eventEmit, .noteSuppressed,
        .tripsForTraveller, .conversationRecent, .conversationAppend, .itineraryCheck, .itinerarySave, .itineraryLatest,
        .planningProfile, .planningCooldown, .httpRequest, .weatherForecast, .documentsRecord, .documentsForTrip,
    ], recorders: ["trip"])
}

extension StepSignature {
    /// Sends a WhatsApp template (Content API) through Twilio Messages.
    public static let twilioSendTemplate = StepSignature(
        name: "twilio.send_template",
        summary: "Send a WhatsApp template message (ContentSid + ContentVariables) through Twilio",
        parameters: [
            .init("to", .string, "recipient in E.164 (+5491155550000); `whatsapp:` is added"),
            .init("content_sid", .string, "Twilio Content SID of the approved template (HX…)"),
            .init("variables", .object, required: false, "numbered template variables {\"1\": …}"),
            .init("from", .string, required: false, "sender in E.164; default: the messaging service"),
            .init("messaging_service", .string, required: false, "Messaging Service SID (MG…)"),
            .init("status_callback", .string, required: false, "delivery status webhook URL"),
        ],
        result: .object,
        sideEffects: true,
        errors: [.transient, .permanent, .timeout],
        inDoubt: .lookup
    )

    /// Sends free-form WhatsApp text (only inside the 24-hour customer service window).
    public static let twilioSendText = StepSignature(
        name: "twilio.send_text",
        summary: "Send a WhatsApp text message (Body, optional MediaUrl) through Twilio",
        parameters: [
            .init("to", .string, "recipient in E.164"),
            .init("body", .string, "message text"),
            .init("media_url", .string, required: false, "public URL of an attachment"),
            .init("from", .string, required: false, "sender in E.164; default: the messaging service"),
            .init("messaging_service", .string, required: false, "Messaging Service SID (MG…)"),
            .init("status_callback", .string, required: false, "delivery status webhook URL"),
        ],
        result: .object,
        sideEffects: true,
        errors: [.transient, .permanent, .timeout],
        inDoubt: .lookup
    )

    /// Sends one WhatsApp media message (only inside the 24-hour customer service window).
    public static let twilioSendMedia = StepSignature(
        name: "twilio.send_media",
        summary: "Send a WhatsApp media message (MediaUrl, optional Body caption) through Twilio",
        parameters: [
            .init("to", .string, "recipient in E.164"),
            .init("media_url", .string, "https URL Twilio fetches the attachment from"),
            .init("body", .string, required: false, "caption"),
            .init("from", .string, required: false, "sender in E.164; default: the messaging service"),
            .init("messaging_service", .string, required: false, "Messaging Service SID (MG…)"),
            .init("status_callback", .string, required: false, "delivery status webhook URL"),
        ],
        result: .object,
        sideEffects: true,
        errors: [.transient, .permanent, .timeout],
        inDoubt: .lookup
    )

    /// Looks up one flight instance on FlightAware AeroAPI and normalises it into a snapshot.
    public static let aeroapiFlight = StepSignature(
        name: "aeroapi.flight",
        summary: "GET /flights/{ident}: the instance matching origin and scheduled departure, normalised",
        parameters: [
            .init("ident", .string, "flight number as sold (AR1662) or ICAO ident"),
            .init("origin", .string, "IATA code of the departure airport, to pick the right instance"),
            .init("scheduled_departure", .instant, "scheduled departure, to pick the right instance"),
            .init("tolerance", .duration, required: false, "how far the scheduled departure may differ (default 2h)"),
            .init("fa_flight_id", .string, required: false, "follow this instance once it is known"),
        ],
        result: .object,
        sideEffects: false,
        errors: [.transient, .permanent, .notFound, .timeout, .limit]
    )

    /// Calls OpenAI chat completions, optionally with a strict JSON schema for the reply.
    public static let openaiChat = StepSignature(
        name: "openai.chat",
        summary: "POST /chat/completions; with `json_schema` the reply is validated against it",
        parameters: [
            .init("model", .string, "model name, e.g. gpt-4o-mini"),
            .init("messages", .list(.object), "[{role, content}] — system, user, assistant"),
            .init("temperature", .number, required: false, "sampling temperature"),
            .init("max_completion_tokens", .integer, required: false, "upper bound on generated tokens"),
            .init("json_schema", .object, required: false, "strict response_format JSON schema"),
            .init("schema_name", .string, required: false, "name of the schema (default: reply)"),
        ],
        result: .object,
        sideEffects: false,
        errors: [.transient, .permanent, .timeout, .invalidResponse]
    )

    /// Claims a notification under its semantic key in the notification log, applies caps,
    /// then sends the template through Twilio. A duplicate claim sends nothing.
    public static let notifySend = StepSignature(
        name: "notify.send",
        summary: "Send a traveller notification once: claim (trip, type, key), check caps, send the template",
        parameters: [
            .init("trip_id", .string, "the trip the notification belongs to"),
            .init("agency_id", .string, required: false, "tenant, for per-agency caps"),
            .init("type", .string, "notification type, e.g. REMINDER_24H"),
            .init("key", .string, required: false, "semantic dedup key within (trip, type); default: the type"),
            .init("to", .string, "recipient in E.164"),
            .init("template", .string, "template name (for people)"),
            .init("content_sid", .string, "Twilio Content SID"),
            .init("variables", .object, required: false, "numbered template variables"),
            .init("zone", .zone, required: false, "zone for the local time shown in timelines"),
            .init("caps", .object, required: false, "{per_trip_per_day, per_agency_per_hour, per_agency_per_day}"),
            .init("deferred_from", .instant, required: false, "when the message was first due, if quiet hours moved it"),
        ],
        result: .object,
        sideEffects: true,
        errors: [.transient, .permanent, .timeout, .limit],
        // Safe to run again: the attempt reads its own claim and, when the send is in doubt, looks
        // it up in Twilio's message list before sending (`NotifySendStep`).
        inDoubt: .resend
    )

    /// Compares a flight snapshot with the last notified one and says what to announce.
    public static let flightDiff = StepSignature(
        name: "flight.diff",
        summary: "Decide what changed between the last notified flight state and a new snapshot (pure)",
        parameters: [
            .init("previous", .optional(.object), "last notified snapshot, or null"),
            .init("current", .object, "new snapshot from aeroapi.flight"),
            .init("delay_threshold", .duration, required: false, "minimum later estimate to announce (default 15m)"),
        ],
        result: .object,
        sideEffects: false,
        errors: [.expression]
    )

    /// Calls the product's own backend over HTTP (docs/providers.md, "http.request"): only hosts
    /// of the daemon's allow-list, credentials by name from the daemon's configuration.
    public static let httpRequest = StepSignature(
        name: "http.request",
        summary: "Call an allowed host over HTTP with a JSON body; the answer as {status, headers, body}",
        parameters: [
            .init("method", .string, required: false, "GET (default), POST, PUT, PATCH or DELETE"),
            .init("url", .string, "absolute http(s) URL; its host must be in FLOW_HTTP_ALLOW_HOSTS"),
            .init("query", .object, required: false, "query parameters, added to the URL's own"),
            .init("headers", .object, required: false, "extra request headers (text values; never credentials)"),
            .init("body", .any, required: false, "JSON request body (not with GET)"),
            .init("credential", .string, required: false,
                  "name of a configured credential (FLOW_HTTP_CREDENTIAL_<NAME>), sent as its header"),
            .init("response_schema", .object, required: false, "JSON schema the response body must satisfy"),
        ],
        result: .object,
        sideEffects: true,
        errors: [.transient, .permanent, .notFound, .timeout, .invalidResponse],
        // Calls other than GET carry an `Idempotency-Key` header (the call's key): the backend
        // deduplicates a repeated one, so an in-doubt call is sent again.
        inDoubt: .resend,
        pureWhen: .init(parameter: "method", values: ["GET"], absentIsPure: true)
    )

    /// Records an operations alert in the instance timeline (and the runtime's alert sink).
    public static let alertRaise = StepSignature(
        name: "alert.raise",
        summary: "Raise an operations alert with a code and message",
        parameters: [
            .init("code", .string, "stable alert code, e.g. AEROAPI_NO_MATCH"),
            .init("message", .string, "what happened, for people"),
        ],
        result: .object,
        sideEffects: false,
        errors: []
    )

    /// Dispatches a domain event as `POST /events/{name}` does: every flow listening starts once per
    /// trigger key (implemented by the runtime over its event dispatcher).
    public static let eventEmit = StepSignature(
        name: "event.emit",
        summary: "Dispatch a domain event: the flows listening to it start, once per trigger key",
        parameters: [
            .init("name", .string, "the event, e.g. suggestion.requested"),
            .init("payload", .object, "the event's payload (the listeners' input, or what their triggers map)"),
            .init("agency", .optional(.string), required: false, "the agency the started instances run for (default: this instance's)"),
        ],
        result: .object,
        sideEffects: true,
        errors: [.transient, .permanent],
        inDoubt: .resend
    )

    /// Records that something was deliberately not sent (implemented in `Steps`).
    public static let noteSuppressed = StepSignature(
        name: "note.suppressed",
        summary: "Record in the timeline that something was not sent on purpose (a suppressed entry with type and reason)",
        parameters: [
            .init("type", .string, "what was not sent, e.g. calendar_gap"),
            .init("reason", .string, "why, for people: an opt-out, a cool-down"),
        ],
        result: .object,
        sideEffects: false,
        errors: []
    )
}
