public import FlowEngine

/// A user's travel preferences (`GET/PUT /v1/preferences/{user_id}`), the reference's §7 made
/// one checked document that `trip-planning` and the suggestion flows read through
/// `planning.profile`. Every field is optional; a PUT replaces the whole document.
///
/// | field | value |
/// |---|---|
/// | `home_airport` | a known IATA code (upper-cased) |
/// | `currency` | ISO 4217, three letters (upper-cased) |
/// | `budget_style` | `budget`, `moderate` or `luxury` |
/// | `pace` | `relaxed`, `moderate` or `packed` |
/// | `interests`, `dietary_needs`, `accessibility_needs`, `preferred_destinations` | lists of up to 20 texts of 1–80 characters |
/// | `notification_opt_outs` | a list of `UserPreferences.optOuts` |
/// | `zone` | an IANA zone (for proactive schedules and quiet hours) |
/// | `quiet_hours` | a daily window `HH:MM-HH:MM` in `zone` |
/// | `language` | `es` or `en` |
/// | `whatsapp` | an E.164 number suggestions may be sent to |
public enum UserPreferences {
    public static let budgetStyles = ["budget", "moderate", "luxury"]
    public static let paces = ["relaxed", "moderate", "packed"]
    public static let languages = ["es", "en"]
    /// What a user may opt out of: a trigger type, every proactive suggestion, or WhatsApp messages.
    public static let optOuts = ["price_drop", "calendar_gap", "budget_surplus", "suggestions", "whatsapp"]
    static let lists = ["interests", "dietary_needs", "accessibility_needs", "preferred_destinations"]
    static let maximumItems = 20
    static let maximumText = 80

    /// Every field name, for the "unknown field" message.
    public static let fields = [
        "home_airport", "currency", "budget_style", "pace", "notification_opt_outs", "zone", "quiet_hours", "language",
        "whatsapp",
    ] + lists

    /// The document as stored: codes upper-cased, nulls dropped.
    /// - Throws: `ProfileProblems` with every problem, each naming its field.
    public static func checked(_ document: Value) throws(ProfileProblems) -> Value {
        guard case .object(let members) = document else {
            throw ProfileProblems(["the body must be a JSON object of preferences"])
        }
        var problems: [String] = []
        var stored: [String: Value] = [:]
        for (field, value) in members.sorted(by: { $0.key < $1.key }) {
            // null is the same as absent, for the fields there are.
            if value.isNull, fields.contains(field) { continue }
            switch check(field, value) {
            case .success(let kept): stored[field] = kept
            case .failure(let problem): problems.append(problem.message)
            }
        }
        guard problems.isEmpty else { throw ProfileProblems(problems) }
        return .object(stored)
    }

    private struct Problem: Error { let message: String }

    private static func check(_ field: String, _ value: Value) -> Result<Value, Problem> {
        func fail(_ why: String) -> Result<Value, Problem> { .failure(Problem(message: "\(field): \(why)")) }
        func oneOf(_ allowed: [String]) -> Result<Value, Problem> {
            guard let text = value.stringValue, allowed.contains(text) else {
                return fail("must be one of \(allowed.joined(separator: ", "))")
            }
            return .success(value)
        }
        switch field {
        case "home_airport":
            guard let code = value.stringValue else { return fail("must be an IATA code") }
            guard Airports.lookup(code) != nil else { return fail(Airports.unknownCode(code)) }
            return .success(.string(code.uppercased()))
        case "currency":
            guard let code = value.stringValue, code.count == 3, code.allSatisfy({ $0.isASCII && $0.isLetter }) else {
                return fail("must be an ISO 4217 code of three letters, such as USD")
            }
            return .success(.string(code.uppercased()))
        case "budget_style": return oneOf(budgetStyles)
        case "pace": return oneOf(paces)
        case "language": return oneOf(languages)
        case "zone":
            guard let zone = value.stringValue, ZoneRules(identifier: zone) != nil else {
                return fail("must be an IANA zone such as America/Argentina/Buenos_Aires")
            }
            return .success(value)
        case "quiet_hours":
            guard let text = value.stringValue, TimeWindow(parsing: text) != nil else {
                return fail("must be a daily window HH:MM-HH:MM, such as 22:00-08:00")
            }
            return .success(value)
        case "whatsapp":
            guard let number = value.stringValue, number.first == "+", (8...16).contains(number.count),
                  number.dropFirst().allSatisfy(\.isNumber)
            else { return fail("must be an E.164 number such as +5491155550000") }
            return .success(value)
        case "notification_opt_outs":
            guard case .array(let items) = value, items.allSatisfy({ optOuts.contains($0.stringValue ?? "") }) else {
                return fail("must be a list of \(optOuts.joined(separator: ", "))")
            }
            return .success(value)
        case _ where lists.contains(field):
            guard case .array(let items) = value, items.count <= maximumItems,
                  items.allSatisfy({ ($0.stringValue.map { (1...maximumText).contains($0.count) }) ?? false })
            else { return fail("must be a list of at most \(maximumItems) texts of 1 to \(maximumText) characters") }
            return .success(value)
        default:
            return fail("unknown field; the fields are \(fields.sorted().joined(separator: ", "))")
        }
    }
}

/// Every problem of a preferences document or a feedback body, each naming its field.
public struct ProfileProblems: Error, Sendable {
    public let problems: [String]

    public init(_ problems: [String]) { self.problems = problems }

    public var message: String { problems.joined(separator: "; ") }
}
