import FlowEngine
import Foundation

/// The body of `POST /trips/{trip_id}/documents`: `{name, url, type?, content_type?}`.
///
/// `url` is an `https` URL WhatsApp can fetch (at most `maximumURL` characters, no spaces);
/// `name` 1–`maximumName` characters; `type` one of `DocumentType` (default: classified from the
/// name and content type like WhatsApp media); `content_type` a `type/subtype` of at most
/// `maximumContentType` characters. Any other field is refused, naming it.
struct DocumentRequest: Sendable, Hashable {
    static let fields: Set<String> = ["type", "name", "url", "content_type"]
    static var maximumName: Int { 200 }
    static var maximumURL: Int { 2048 }
    static var maximumContentType: Int { 127 }

    var type: DocumentType
    var name: String
    var url: String
    var contentType: String?

    /// Why a body is refused (422), naming the field.
    struct Problem: Error, Sendable, Hashable {
        var message: String
    }

    init(_ body: Value) throws(Problem) {
        guard let object = body.objectValue else {
            throw Problem(message: "the body must be a JSON object {name, url, type?, content_type?}")
        }
        if let unknown = Set(object.keys).subtracting(Self.fields).sorted().first {
            throw Problem(message: "unknown field '\(unknown)'; the fields are content_type, name, type, url")
        }
        guard let given = object["name"]?.stringValue, given.unicodeScalars.count <= Self.maximumName,
              case let name = given.trimmingCharacters(in: .whitespacesAndNewlines), !name.isEmpty
        else { throw Problem(message: "name: required text of 1 to \(Self.maximumName) characters, not only spaces") }
        guard let url = object["url"]?.stringValue, url.unicodeScalars.count <= Self.maximumURL, Self.isHTTPS(url) else {
            throw Problem(message: "url: required https URL of at most \(Self.maximumURL) characters")
        }
        var contentType: String?
        switch object["content_type"] {
        case nil, .null?: contentType = nil
        case .string(let text)? where Self.isContentType(text): contentType = text.lowercased()
        default:
            throw Problem(message: "content_type: must be a media type such as application/pdf "
                + "(at most \(Self.maximumContentType) characters)")
        }
        switch object["type"] {
        case nil, .null?: type = DocumentType.classify(caption: name, contentType: contentType)
        case .string(let text)?:
            guard let given = DocumentType(rawValue: text) else {
                let known = DocumentType.allCases.map(\.rawValue).joined(separator: ", ")
                throw Problem(message: "type: must be one of \(known)")
            }
            type = given
        default: throw Problem(message: "type: must be text")
        }
        self.name = name
        self.url = url
        self.contentType = contentType
    }

    /// `https://host/…` with a host and no whitespace or control characters.
    static func isHTTPS(_ text: String) -> Bool {
        let unsafe: (Character) -> Bool = { $0.isWhitespace || $0.asciiValue.map { $0 < 0x20 } == true }
        guard text.hasPrefix("https://"), !text.contains(where: unsafe),
              let components = URLComponents(string: text), let host = components.host, !host.isEmpty
        else { return false }
        return true
    }

    static func isContentType(_ text: String) -> Bool {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$&^_.+-")
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        return text.unicodeScalars.count <= maximumContentType && parts.count == 2
            && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy(allowed.contains) }
    }
}
