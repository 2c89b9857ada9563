public import FlowEngine
import Foundation

/// A Twilio Message resource, the fields the runtime uses (contracts README §1.3).
public struct TwilioMessage: Sendable, Hashable, Decodable {
    public var sid: String
    public var status: String?
    public var to: String?
    public var from: String?
    public var body: String?
    public var direction: String?
    public var messagingServiceSid: String?
    public var errorCode: Int?
    public var errorMessage: String?
    /// `date_created`, parsed from RFC 2822.
    public var dateCreated: Instant?

    enum CodingKeys: String, CodingKey {
        case sid, status, to, from, body, direction
        case messagingServiceSid = "messaging_service_sid"
        case errorCode = "error_code"
        case errorMessage = "error_message"
        case dateCreated = "date_created"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        sid = try c.decode(String.self, forKey: .sid)
        status = try c.decodeIfPresent(String.self, forKey: .status)
        to = try c.decodeIfPresent(String.self, forKey: .to)
        from = try c.decodeIfPresent(String.self, forKey: .from)
        body = try c.decodeIfPresent(String.self, forKey: .body)
        direction = try c.decodeIfPresent(String.self, forKey: .direction)
        messagingServiceSid = try c.decodeIfPresent(String.self, forKey: .messagingServiceSid)
        errorCode = try c.decodeIfPresent(Int.self, forKey: .errorCode)
        errorMessage = try c.decodeIfPresent(String.self, forKey: .errorMessage)
        dateCreated = try c.decodeIfPresent(String.self, forKey: .dateCreated).flatMap(RFC2822.parse)
    }

    /// The resource from a JSON body already read into a `Value`, field by field as
    /// `init(from:)` decodes it (without `JSONDecoder`): `sid` must be a string; the other fields
    /// may be absent or null; a field of another type, or a body that is not an object, is nil.
    /// `error_code` must be a whole number (`21211.0` and `2e4` count, as for `JSONDecoder`). One
    /// difference: a key repeated in the body keeps its last value here, its first in `JSONDecoder`.
    public init?(json value: Value) {
        guard case .object(let fields) = value, case .string(let sid)? = fields["sid"] else { return nil }
        func text(_ key: String) -> String?? {
            switch fields[key] {
            case nil, .null?: .some(nil)
            case .string(let value)?: .some(value)
            default: nil
            }
        }
        guard let status = text("status"), let to = text("to"), let from = text("from"), let body = text("body"),
            let direction = text("direction"), let service = text("messaging_service_sid"),
            let errorMessage = text("error_message"), let dateCreated = text("date_created")
        else { return nil }
        switch fields["error_code"] {
        case nil, .null?: errorCode = nil
        case .number(let number)?:
            guard let code = Int(exactly: number) else { return nil }
            errorCode = code
        default: return nil
        }
        self.sid = sid
        self.status = status
        self.to = to
        self.from = from
        self.body = body
        self.direction = direction
        self.messagingServiceSid = service
        self.errorMessage = errorMessage
        self.dateCreated = dateCreated.flatMap(RFC2822.parse)
    }

    /// The step result: `{sid, status, to, from?, messaging_service_sid?}`.
    public var resultValue: Value {
        var out: [String: Value] = ["sid": .string(sid), "status": status.map(Value.string) ?? .null]
        if let to { out["to"] = .string(to) }
        if let from { out["from"] = .string(from) }
        if let messagingServiceSid { out["messaging_service_sid"] = .string(messagingServiceSid) }
        return .object(out)
    }
}

/// RFC 2822 dates as Twilio writes them: `Thu, 24 Aug 2023 05:01:45 +0000`.
public enum RFC2822 {
    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    public static func parse(_ text: String) -> Instant? {
        var parts = text.split(separator: " ").map(String.init)
        if let first = parts.first, first.hasSuffix(",") { parts.removeFirst() }
        guard parts.count == 5, let day = Int(parts[0]), let monthIndex = months.firstIndex(of: parts[1]),
            let year = Int(parts[2])
        else { return nil }
        let clock = parts[3].split(separator: ":").compactMap { Int($0) }
        let zone = parts[4]
        guard clock.count == 3, zone.count == 5, let sign = zone.first, sign == "+" || sign == "-",
            let hh = Int(zone.dropFirst().prefix(2)), let mm = Int(zone.suffix(2))
        else { return nil }
        let offset = (hh * 3600 + mm * 60) * (sign == "-" ? -1 : 1)
        let date = CivilDate(year: year, month: monthIndex + 1, day: day)
        let seconds = Int64(date.daysSinceEpoch) * 86_400 + Int64(clock[0] * 3600 + clock[1] * 60 + clock[2]) - Int64(offset)
        return Instant(epochSeconds: seconds)
    }

    public static func format(_ instant: Instant) -> String {
        let days = Int(instant.epochSeconds.floorDividedBy86400)
        let date = CivilDate(daysSinceEpoch: days)
        let secs = Int(instant.epochSeconds - Int64(days) * 86_400)
        let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(weekdays[(days % 7 + 11) % 7]), \(two(date.day)) \(months[date.month - 1]) \(date.year) "
            + "\(two(secs / 3600)):\(two(secs / 60 % 60)):\(two(secs % 60)) +0000"
    }
}

extension Int64 {
    fileprivate var floorDividedBy86400: Int64 {
        let q = self / 86_400
        return (self % 86_400 != 0 && self < 0) ? q - 1 : q
    }
}
