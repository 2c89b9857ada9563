public import FlowEngine
import Foundation

/// A document of a trip (`trip_documents`): a boarding pass, a passport scan, a voucher… received as
/// WhatsApp media from the traveller or attached by the agency through the API.
///
/// The row keeps the document's URL, not its bytes: WhatsApp media stays at Twilio (its URLs need
/// the account's credentials to be fetched), an agency's document at the agency's own https URL.
/// A document of a number whose trip was not known when it arrived has no `tripID` but its `phone`.
public struct TripDocument: Sendable, Hashable {
    public var id: String
    /// nil: filed under `phone` only (no trip, or several, matched the sender when it arrived).
    public var tripID: String?
    public var agencyID: String?
    /// The traveller's number (E.164) for WhatsApp media; nil for the API's.
    public var phone: String?
    public var type: DocumentType
    public var name: String
    public var url: String
    public var contentType: String?
    public var source: Source
    /// The inbound message and the media's position in it (WhatsApp only): unique together.
    public var messageSid: String?
    public var mediaIndex: Int?
    public var receivedAt: Instant

    public enum Source: String, Sendable, Hashable, CaseIterable {
        case whatsapp, api
    }

    public init(
        id: String, tripID: String?, agencyID: String?, phone: String?, type: DocumentType, name: String, url: String,
        contentType: String?, source: Source, messageSid: String? = nil, mediaIndex: Int? = nil, receivedAt: Instant
    ) {
        self.id = id
        self.tripID = tripID
        self.agencyID = agencyID
        self.phone = phone
        self.type = type
        self.name = name
        self.url = url
        self.contentType = contentType
        self.source = source
        self.messageSid = messageSid
        self.mediaIndex = mediaIndex
        self.receivedAt = receivedAt
    }

    /// The id of the `index`th media of an inbound message: the same on every retry of its webhook.
    public static func id(messageSid: String, index: Int) -> String { "doc-\(messageSid)-\(index)" }

    /// Whether WhatsApp can fetch the URL when it is sent back as media: Twilio-hosted media
    /// (`api.twilio.com`) needs the account's credentials, so it is listed by name instead.
    public var isFetchable: Bool { Self.fetchable(url) }

    /// Whether WhatsApp can fetch `url` itself: https, not hosted by Twilio.
    public static func fetchable(_ url: String) -> Bool {
        guard url.hasPrefix("https://") else { return false }
        let host = url.dropFirst("https://".count).prefix { $0 != "/" && $0 != ":" && $0 != "?" }.lowercased()
        return host != "api.twilio.com" && !host.hasSuffix(".twilio.com")
    }

    /// The document as the API and the steps show it.
    public var value: Value {
        func text(_ value: String?) -> Value { value.map(Value.string) ?? .null }
        return [
            "id": .string(id), "trip_id": text(tripID), "agency_id": text(agencyID), "phone": text(phone),
            "type": .string(type.rawValue), "name": .string(name), "url": .string(url),
            "content_type": text(contentType), "source": .string(source.rawValue), "message_sid": text(messageSid),
            "media_index": mediaIndex.map { .number(Double($0)) } ?? .null, "received_at": .instant(receivedAt),
            "fetchable": .bool(isFetchable),
        ]
    }
}

/// What a document is. WhatsApp media is classified by its caption first (a word of
/// `captionKeywords`, case- and accent-insensitive: "mi pasaporte" → `passport`), then by its
/// content type (`application/pdf` → `pdf`, `image/*` → `image`), else `other`.
public enum DocumentType: String, Sendable, Hashable, CaseIterable {
    case boardingPass = "boarding_pass"
    case passport, visa, voucher, ticket, insurance, pdf, image, other

    /// Caption words per type, checked in this order (a boarding pass is a "pase", not a "pasaje").
    static let captionKeywords: [(DocumentType, [[String]])] = [
        (.boardingPass, [["boarding", "pass"], ["tarjeta", "de", "embarque"], ["pase", "de", "abordar"], ["boarding"]]),
        (.passport, [["pasaporte"], ["passport"], ["dni"]]),
        (.visa, [["visa"], ["visado"]]),
        (.voucher, [["voucher"], ["vouchers"], ["reserva"], ["hotel"]]),
        (.ticket, [["pasaje"], ["pasajes"], ["ticket"], ["tickets"], ["e-ticket"], ["billete"]]),
        (.insurance, [["seguro"], ["insurance"], ["poliza"]]),
    ]

    /// The type of WhatsApp media with this caption and content type.
    public static func classify(caption: String?, contentType: String?) -> DocumentType {
        let words = Self.words(caption ?? "")
        for (type, phrases) in captionKeywords where phrases.contains(where: { Self.contains(words, $0) }) {
            return type
        }
        let content = (contentType ?? "").lowercased()
        if content.hasPrefix("application/pdf") { return .pdf }
        if content.hasPrefix("image/") { return .image }
        return .other
    }

    static func words(_ text: String) -> [String] {
        text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
            .split { !($0.isLetter || $0.isNumber || $0 == "-") }.map(String.init)
    }

    static func contains(_ words: [String], _ phrase: [String]) -> Bool {
        guard !phrase.isEmpty, words.count >= phrase.count else { return false }
        return (0...(words.count - phrase.count)).contains { Array(words[$0..<($0 + phrase.count)]) == phrase }
    }

    /// A file extension for a content type, for names of media that came without a caption.
    static func fileExtension(_ contentType: String?) -> String {
        switch (contentType ?? "").lowercased().split(separator: ";").first.map(String.init) ?? "" {
        case "application/pdf": "pdf"
        case "image/jpeg", "image/jpg": "jpg"
        case "image/png": "png"
        case "image/webp": "webp"
        case "video/mp4": "mp4"
        case "audio/ogg": "ogg"
        default: "bin"
        }
    }
}

/// A page position in a trip's documents, oldest first: (received_at, id) of the last one shown.
public struct DocumentCursor: Sendable, Hashable {
    public var receivedAt: Instant
    public var id: String

    public init(receivedAt: Instant, id: String) {
        self.receivedAt = receivedAt
        self.id = id
    }
}
