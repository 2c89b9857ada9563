public import FlowEngine

/// Normalises an AeroAPI flight object into the snapshot flows read (a `Value.object`).
///
/// Keys (all present; absent data is `null`; times are instants):
/// `fa_flight_id`, `ident`, `ident_iata`, `status` (AeroAPI's free text), `status_parts` (the
/// text split at ` / `, e.g. `["En Route", "Delayed"]`), `cancelled`, `diverted`,
/// `progress_percent`, `origin` and `destination` (`{iata, icao, code, zone, name, city}`, zone
/// from the response's IANA `timezone`), `scheduled_out`, `estimated_out`, `actual_out`,
/// `scheduled_off`, `estimated_off`, `actual_off`, `scheduled_on`, `estimated_on`, `actual_on`,
/// `scheduled_in`, `estimated_in`, `actual_in` (out/in = gate, off/on = runway), `gate_origin`,
/// `gate_destination`, `terminal_origin`, `terminal_destination`, `baggage_claim`,
/// `departure_delay_seconds`, `arrival_delay_seconds`, `aircraft_type`, `diversion_airport`
/// (the destination's IATA code when `diverted`, else null), `fetched_at` (the caller's now).
public enum FlightSnapshot {
    public static let timeKeys: [String] = ["out", "off", "on", "in"].flatMap { leg in
        ["scheduled_\(leg)", "estimated_\(leg)", "actual_\(leg)"]
    }

    static let copiedStrings = [
        "fa_flight_id", "ident", "ident_iata", "gate_origin", "gate_destination", "terminal_origin",
        "terminal_destination", "baggage_claim", "aircraft_type",
    ]

    /// The snapshot of one AeroAPI flight object.
    public static func make(from flight: [String: Value], fetchedAt: Instant) -> Value {
        var out: [String: Value] = [:]
        out.reserveCapacity(40)
        for key in copiedStrings { out[key] = flight[key]?.stringValue.map(Value.string) ?? .null }
        let status = flight["status"]?.stringValue
        out["status"] = status.map(Value.string) ?? .null
        out["status_parts"] = .array(statusParts(status ?? "").map(Value.string))
        out["cancelled"] = .bool(flight["cancelled"]?.boolValue ?? false)
        let diverted = flight["diverted"]?.boolValue ?? false
        out["diverted"] = .bool(diverted)
        out["progress_percent"] = flight["progress_percent"]?.numberValue.map(Value.number) ?? .null
        out["origin"] = airport(flight["origin"])
        let destination = airport(flight["destination"])
        out["destination"] = destination
        for key in timeKeys { out[key] = instant(flight[key]) }
        out["departure_delay_seconds"] = flight["departure_delay"]?.numberValue.map(Value.number) ?? .null
        out["arrival_delay_seconds"] = flight["arrival_delay"]?.numberValue.map(Value.number) ?? .null
        out["diversion_airport"] = diverted ? (destination["iata"] ?? .null) : .null
        out["fetched_at"] = .instant(fetchedAt)
        return .object(out)
    }

    /// The status text split at `/`, each part trimmed, empty parts dropped. ASCII text (what
    /// AeroAPI sends) is split on bytes; other text by characters, with the same result.
    static func statusParts(_ status: String) -> [String] {
        guard status.utf8.allSatisfy({ $0 < 0x80 }) else {
            return status.split(separator: "/").map { String(String($0).trimmingSpacesAndNewlines) }
                .filter { !$0.isEmpty }
        }
        var parts: [String] = []
        var utf8 = status.utf8[...]
        while !utf8.isEmpty {
            let end = utf8.firstIndex(of: UInt8(ascii: "/")) ?? utf8.endIndex
            var part = utf8[utf8.startIndex..<end]
            while let first = part.first, isSpace(first) { part = part.dropFirst() }
            while let last = part.last, isSpace(last) { part = part.dropLast() }
            if !part.isEmpty { parts.append(String(decoding: part, as: UTF8.self)) }
            utf8 = end == utf8.endIndex ? utf8[end...] : utf8[utf8.index(after: end)...]
        }
        return parts
    }

    /// ASCII white space as `Character.isWhitespace` sees it.
    private static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || (0x09...0x0D).contains(byte) }

    /// The scheduled gate departure, or the runway one when the gate time is unknown.
    static func scheduledDeparture(_ flight: [String: Value]) -> Instant? {
        instant(flight["scheduled_out"]).instantValue ?? instant(flight["scheduled_off"]).instantValue
    }

    static func originCodes(_ flight: [String: Value]) -> [String] {
        guard let origin = flight["origin"]?.objectValue else { return [] }
        return ["code_iata", "code_icao", "code", "code_lid"].compactMap { origin[$0]?.stringValue }
    }

    static func airport(_ value: Value?) -> Value {
        guard let a = value?.objectValue else { return .null }
        func s(_ key: String) -> Value { a[key]?.stringValue.map(Value.string) ?? .null }
        return .object([
            "iata": s("code_iata"), "icao": s("code_icao"), "code": s("code"), "zone": s("timezone"),
            "name": s("name"), "city": s("city"),
        ])
    }

    static func instant(_ value: Value?) -> Value {
        if let i = value?.instantValue { return .instant(i) }
        guard let text = value?.stringValue, let i = Instant(iso8601: text) else { return .null }
        return .instant(i)
    }
}
