import Testing
import Travel

/// How WhatsApp media are typed (caption words first, then the content type), and which URLs
/// WhatsApp can fetch when a document is sent back.
@Suite("trip document types")
struct DocumentTypeTests {
    @Test("caption words (case- and accent-insensitive) before the content type", arguments: [
        ("Mi PASAPORTE", "image/jpeg", DocumentType.passport),
        ("tarjeta de embarque vuelta", "application/pdf", .boardingPass),
        ("Boarding pass", "image/png", .boardingPass),
        ("el pasaje", "application/pdf", .ticket),
        ("Póliza del seguro", nil, .insurance),
        ("voucher hotel", "application/pdf", .voucher),
        ("", "application/pdf", .pdf),
        ("mirá esto", "image/webp", .image),
        ("pasajero", "audio/ogg", .other),
        ("", nil, .other),
    ] as [(String, String?, DocumentType)])
    func classify(caption: String, contentType: String?, expected: DocumentType) {
        #expect(DocumentType.classify(caption: caption, contentType: contentType) == expected)
    }

    @Test("Twilio-hosted media need credentials, so they are not fetchable; agencies' https URLs are")
    func fetchable() {
        #expect(!TripDocument.fetchable("https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1"))
        #expect(!TripDocument.fetchable("https://media.twilio.com/x"))
        #expect(!TripDocument.fetchable("http://agency.example/v.pdf"))
        #expect(TripDocument.fetchable("https://agency.example/v.pdf"))
        #expect(TripDocument.fetchable("https://agency.example:8443/v.pdf?token=a"))
    }
}
