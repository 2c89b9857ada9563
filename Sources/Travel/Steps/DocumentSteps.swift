public import FlowEngine
public import FlowRuntime
public import Steps
import Foundation

/// `documents.record`: the media of an inbound WhatsApp message as documents of the sender's trip
/// (`trip_id`), or of the number alone when no single trip matched (`trip_id` null, `phone` kept), so
/// nothing the traveller sent is lost. One document per media, id `doc-<MessageSid>-<index>`: a
/// retried webhook or a re-run step records nothing twice. At most `maximumMedia` (Twilio's limit).
///
/// Each is named by the caption ("Pasaporte", the message text cut to `maximumName` characters;
/// "Pasaporte (2)" for the second of a message) or, without one, `whatsapp-<n>.<ext>`; typed by
/// `DocumentType.classify`. Result: `{documents: [<document>], recorded: <new ones>, count}`.
public struct DocumentsRecordStep<Store: DocumentStore>: Step {
    public static var signature: StepSignature { .documentsRecord }
    /// Twilio delivers at most 10 media per message.
    public static var maximumMedia: Int { 10 }
    public static var maximumName: Int { 120 }

    public let store: Store

    public init(store: Store) { self.store = store }

    public func run(_ call: StepCall, context: StepContext) async -> StepOutcome {
        let args = StepArguments(call.arguments)
        let documents: [TripDocument]
        do throws(StepFailure) {
            let trip = try args.optionalString("trip_id")
            let agency = try args.optionalString("agency_id")
            let phone = TripRecord.whatsappNumber(try args.string("phone"))
            let sid = try args.string("message_sid")
            let caption = try args.optionalString("caption")?.trimmingCharacters(in: .whitespacesAndNewlines)
            guard let media = call.arguments["media"]?.arrayValue else {
                throw .badArgument("media", "must be a list of {url, content_type}")
            }
            guard media.count <= Self.maximumMedia else {
                throw .badArgument("media", "has \(media.count) items; Twilio delivers at most \(Self.maximumMedia)")
            }
            var parsed: [TripDocument] = []
            for (index, item) in media.enumerated() {
                guard let url = item["url"]?.stringValue, url.hasPrefix("https://") || url.hasPrefix("http://") else {
                    throw .badArgument("media[\(index)].url", "must be an http(s) URL")
                }
                let contentType = item["content_type"]?.stringValue
                parsed.append(TripDocument(
                    id: TripDocument.id(messageSid: sid, index: index), tripID: trip, agencyID: agency, phone: phone,
                    type: DocumentType.classify(caption: caption, contentType: contentType),
                    name: Self.name(caption: caption, index: index, of: media.count, contentType: contentType),
                    url: url, contentType: contentType, source: .whatsapp, messageSid: sid, mediaIndex: index,
                    receivedAt: context.now))
            }
            documents = parsed
        } catch {
            return .failure(error)
        }
        var recorded = 0
        var stored: [TripDocument] = []
        do {
            for document in documents {
                if try await store.recordDocument(document) {
                    recorded += 1
                    stored.append(document)
                } else {
                    stored.append(try await store.document(id: document.id) ?? document)
                }
            }
        } catch let error as StoreError where error.code == .notFound {
            return .failure(StepFailure(.permanent, code: "documents.no_trip", message: error.message))
        } catch {
            return .failure(StepFailure(.transient, code: "store.unavailable", message: "trip_documents: \(error)"))
        }
        return .success([
            "documents": .array(stored.map(\.value)), "recorded": .number(Double(recorded)),
            "count": .number(Double(stored.count)),
        ])
    }

    /// The caption (numbered when the message has several media), else `whatsapp-<n>.<ext>`.
    static func name(caption: String?, index: Int, of count: Int, contentType: String?) -> String {
        if let caption, !caption.isEmpty {
            let cut = String(caption.prefix(maximumName - 5))
            return count > 1 ? "\(cut) (\(index + 1))" : cut
        }
        return "whatsapp-\(index + 1).\(DocumentType.fileExtension(contentType))"
    }
}

/// `documents.for_trip`: a trip's documents (`trip_documents`, oldest first) with the trip
/// document's own `documents` (`[{name, url}]`, given as `trip_documents`) after them.
///
/// Result: `{documents, sendable, listed, count}`: `sendable` are those WhatsApp can fetch
/// (`TripDocument.isFetchable`; at most `max_media`, 10), sent one media message each;
/// `listed` the rest (Twilio-hosted media, the ones over the cap), named in a text.
public struct DocumentsForTripStep<Store: DocumentStore>: Step {
    public static var signature: StepSignature { .documentsForTrip }
    public static var maximumMedia: Int { 10 }
    /// The most documents of a trip read (older ones beyond are not answered).
    public static var maximumDocuments: Int { 100 }

    public let store: Store

    public init(store: Store) { self.store = store }

    public func run(_ call: StepCall, context: StepContext) async -> StepOutcome {
        let args = StepArguments(call.arguments)
        let trip: String
        let cap: Int
        var extra: [Value] = []
        do throws(StepFailure) {
            trip = try args.string("trip_id")
            let requested = try args.optionalNumber("max_media")
            if let requested, requested != requested.rounded() || requested < 0 || requested > Double(Self.maximumMedia) {
                throw .badArgument("max_media", "must be a whole number from 0 to \(Self.maximumMedia)")
            }
            cap = requested.map { Int($0) } ?? Self.maximumMedia
            if let given = call.arguments["trip_documents"], !given.isNull {
                guard let items = given.arrayValue else { throw .badArgument("trip_documents", "must be a list") }
                extra = items
            }
        } catch {
            return .failure(error)
        }
        let stored: [TripDocument]
        do {
            stored = try await store.documents(tripID: trip, after: nil, limit: Self.maximumDocuments)
        } catch {
            return .failure(StepFailure(.transient, code: "store.unavailable", message: "trip_documents: \(error)"))
        }
        var all = stored.map(\.value)
        for (index, item) in extra.enumerated() {
            guard let url = item["url"]?.stringValue else { continue }
            let name = item["name"]?.stringValue ?? "Documento \(index + 1)"
            all.append([
                "id": .string("trip-\(index)"), "trip_id": .string(trip), "type": .string(DocumentType.other.rawValue),
                "name": .string(name), "url": .string(url), "content_type": .null, "source": "trip",
                "fetchable": .bool(TripDocument.fetchable(url)),
            ])
        }
        var sendable: [Value] = []
        var listed: [Value] = []
        for document in all {
            if document["fetchable"]?.boolValue == true, sendable.count < cap {
                sendable.append(document)
            } else {
                listed.append(document)
            }
        }
        return .success([
            "documents": .array(all), "sendable": .array(sendable), "listed": .array(listed),
            "count": .number(Double(all.count)),
        ])
    }
}
