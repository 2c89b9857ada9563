/// `flight.diff`, pure: compares a new flight snapshot (as `aeroapi.flight` returns it) with the
/// last **notified** one and says what to announce, at most one message per type (R7, R8, R12–R14).
///
/// - An estimate that disappears is "no information": nothing is announced, the notified one stays.
/// - DELAYED only when the estimate is at least `threshold` later than the last notified estimate
///   (or the schedule, before any delay was announced); it carries the concrete time, and a
///   status-derived delay without a later time announces nothing (one message, R12).
///   A later estimate below the threshold is listed in `not_announced` (`change: delayed`, `delay`,
///   `threshold`, `estimate`, `baseline`, `reason`), so the timeline says why nothing was sent; the
///   field is there only when something was not announced.
/// - A first gate assignment is not a change; it becomes the notified gate.
/// - Cancelled and diverted are terminal and announced once; landing is any of actual arrival,
///   status Arrived/Landed, or progress 100 %, never for a diverted flight.
public enum FlightDiff {
    public static let defaultThreshold = TimeSpan.minutes(15)

    public static func evaluate(previous: Value?, current: Value, threshold: TimeSpan = defaultThreshold) -> Value {
        let previous = previous?.objectValue
        var notified = previous ?? [:]
        notified.reserveCapacity(notified.count + 6)
        var result: [String: Value] = [:]
        result.reserveCapacity(12)
        result["delayed"] = .null
        result["gate_change"] = .null
        let parts = (current["status_parts"]?.arrayValue ?? []).compactMap { $0.stringValue?.lowercased() }

        let cancelled = current["cancelled"]?.boolValue == true
        let diverted = current["diverted"]?.boolValue == true
        result["cancelled"] = .bool(cancelled && previous?["cancelled"]?.boolValue != true)
        result["diverted"] = .bool(diverted && previous?["diverted"]?.boolValue != true)
        result["terminal"] = .bool(cancelled || diverted)
        notified["cancelled"] = .bool(cancelled || previous?["cancelled"]?.boolValue == true)
        notified["diverted"] = .bool(diverted || previous?["diverted"]?.boolValue == true)
        notified["diversion_airport"] = current["diversion_airport"] ?? .null

        let scheduled = current["scheduled_out"]?.instantValue ?? previous?["scheduled_out"]?.instantValue
        let baseline = previous?["estimated_out"]?.instantValue ?? scheduled
        if !cancelled, let estimate = current["estimated_out"]?.instantValue, let baseline, estimate - baseline >= threshold {
            let rounded = Instant(epochMilliseconds: (estimate.epochMilliseconds + 150_000).floorDivided(by: 300_000) * 300_000)
            result["delayed"] = .object(["at": .instant(estimate), "key": .string(rounded.description)])
            notified["estimated_out"] = .instant(estimate)
        } else {
            if !cancelled, let estimate = current["estimated_out"]?.instantValue, let baseline, estimate > baseline {
                let against = previous?["estimated_out"]?.instantValue != nil
                    ? "the last notified estimate" : "the scheduled departure"
                result["not_announced"] = .array([belowThreshold(
                    estimate: estimate, baseline: baseline, against: against, threshold: threshold)])
            }
            if notified["estimated_out"] == nil || notified["estimated_out"] == .null {
                notified["estimated_out"] = baseline.map(Value.instant) ?? .null
            }
        }
        notified["scheduled_out"] = scheduled.map(Value.instant) ?? .null

        let oldGate = nonEmpty(previous?["gate_origin"])
        let newGate = nonEmpty(current["gate_origin"])
        if let oldGate, let newGate, oldGate != newGate {
            result["gate_change"] = .object(["gate": .string(newGate), "previous": .string(oldGate)])
        }
        if let newGate { notified["gate_origin"] = .string(newGate) }
        result["gate"] = (newGate ?? oldGate).map(Value.string) ?? .null

        let landed = !diverted && (current["actual_on"].map { !$0.isNull } == true || current["actual_in"].map { !$0.isNull } == true
            || parts.contains { contains($0, "arrived") || contains($0, "landed") }
            || (current["progress_percent"]?.numberValue ?? 0) >= 100)
        result["landed"] = .bool(landed)
        let departed = current["actual_out"].map { !$0.isNull } == true || current["actual_off"].map { !$0.isNull } == true
            || parts.contains { contains($0, "en route") || contains($0, "departed") } || landed
        result["departed"] = .bool(departed)
        let liveEstimate = current["estimated_out"]?.instantValue ?? previous?["estimated_out"]?.instantValue ?? scheduled
        result["departure_estimate"] = liveEstimate.map(Value.instant) ?? .null
        result["arrival_estimate"] = (current["estimated_on"]?.instantValue ?? current["scheduled_on"]?.instantValue)
            .map(Value.instant) ?? .null
        result["notified"] = .object(notified)
        return .object(result)
    }

    /// A delay seen but not announced (`not_announced`): smaller than the threshold.
    private static func belowThreshold(estimate: Instant, baseline: Instant, against: String, threshold: TimeSpan) -> Value {
        let delay = estimate - baseline
        return .object([
            "change": "delayed", "delay": .duration(delay), "threshold": .duration(threshold),
            "estimate": .instant(estimate), "baseline": .instant(baseline),
            "reason": .string("delay not announced: \(delay) < delay_threshold \(threshold) (estimate \(estimate) against "
                              + "\(against) \(baseline))"),
        ])
    }

    /// Whether `text` holds `word` (plain ASCII) as a run of bytes: Foundation's `contains` goes
    /// through `NSString` and locale-aware search, ~30× dearer, for the same answer here.
    private static func contains(_ text: String, _ word: StaticString) -> Bool {
        let needle = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
        var text = text
        return text.withUTF8 { haystack in
            guard haystack.count >= needle.count else { return false }
            for start in 0...(haystack.count - needle.count) {
                var k = 0
                while k < needle.count, haystack[start + k] == needle[k] { k += 1 }
                if k == needle.count { return true }
            }
            return false
        }
    }

    private static func nonEmpty(_ value: Value?) -> String? {
        guard let text = value?.stringValue else { return nil }
        // Nothing to trim when both ends are ASCII and not white space (a gate such as "B32").
        if let first = text.utf8.first, let last = text.utf8.last, !isSpaceOrNonASCII(first), !isSpaceOrNonASCII(last) {
            return text
        }
        let trimmed = text.trimmingSpaces()
        return trimmed.isEmpty ? nil : String(trimmed)
    }

    private static func isSpaceOrNonASCII(_ byte: UInt8) -> Bool {
        byte >= 0x80 || byte == 0x20 || (0x09...0x0D).contains(byte)
    }
}
