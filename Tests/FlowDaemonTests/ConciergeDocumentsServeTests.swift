import FakeProviders
import FlowEngine
import FlowRuntime
import Foundation
import Steps
import Testing
import Travel

/// `flowctl serve` with the concierge against the fakes, for a trip's documents: a signed inbound
/// WhatsApp message with two media → two documents of the trip (listed by the API), not four after
/// the webhook is retried; the agency attaches a voucher through the API; "mis documentos" → the
/// voucher as a media message and a text naming the media kept at Twilio (inside the 24-hour
/// window), or the documents template (outside it).
@Suite("concierge documents under flowctl serve", .serialized)
struct ConciergeDocumentsServeTests {
    typealias E = ServeEndToEndTests

    static let mediaSid = "SM" + String(repeating: "d", count: 32)
    static let askSid = "SM" + String(repeating: "e", count: 32)
    static let lateSid = "SM" + String(repeating: "f", count: 32)

    @Test("inbound media become the trip's documents once; the concierge sends them back or a template")
    func documents() async throws {
        let configuration = FakeProviderServer.Configuration()
        let fake = FakeProviderServer(configuration: configuration)
        let fakeURL = try await fake.start()
        defer { Task { await fake.stop() } }

        let served = try await ServeUnderTest(
            fakeURL: fakeURL, configuration: configuration,
            workflows: ["concierge.yaml": try ServeUnderTest.shipped("concierge.yaml"), "trips.yaml": E.tripsFlow],
            name: "documents-e2e")
        defer { served.close() }
        let (daemonURL, serve, serveLog, database) = (served.daemonURL, served.serve, served.serveLog, served.database)

        let http = AsyncHTTPClientTransport()
        func api(_ method: HTTPRequestSpec.Method, _ path: String, _ body: Value? = nil) async throws -> (Int, Value) {
            let response = try await http.send(
                HTTPRequestSpec(method: method, url: daemonURL + path,
                                headers: [("Content-Type", "application/json"), ("Authorization", "Bearer \(served.token)")],
                                body: body.map { Array($0.jsonText.utf8) } ?? []),
                timeout: .seconds(30))
            let json = try? JSONDecoder().decode(Value.self, from: Data(response.body))
            return (response.status, json ?? .null)
        }
        let departure = FakeProviderServer.wallClock() + .days(2)
        let trip: Value = ["trip": [
            "id": "T-DOCS-1", "agency_id": "acme", "client_name": "Ana Pérez", "whatsapp": "+5491155550000",
            "flight_number": "AR1140", "origin": "EZE", "destination": "MAD", "departure": .string(departure.description),
        ]]
        #expect(try await api(.post, "/events/trip.created?agency=acme", trip).0 == 200)

        // 1. Two media from the traveller: a PDF and a photo, captioned.
        let media = (0..<2).map { n in
            "https://api.twilio.com/2010-04-01/Accounts/\(configuration.twilioAccountSid)/Messages/MM\(String(repeating: "1", count: 32))/Media/ME\(n)"
        }
        let form: [(String, String)] = [
            ("AccountSid", configuration.twilioAccountSid), ("MessageSid", Self.mediaSid),
            ("From", "whatsapp:+5491155550000"), ("To", "whatsapp:+5491140000000"), ("Body", "Mi pasaporte"),
            ("NumMedia", "2"), ("MediaUrl0", media[0]), ("MediaContentType0", "application/pdf"),
            ("MediaUrl1", media[1]), ("MediaContentType1", "image/jpeg"), ("ProfileName", "Ana"),
        ]
        let url = daemonURL + "/webhooks/twilio/inbound"
        let signature = TwilioSignature.compute(url: url, parameters: form, authToken: configuration.twilioAuthToken)
        #expect(try await E.post(url, form: form, signature: signature) == 200)
        let thanked = await E.eventually(60) { fake.acceptedMessages.contains { $0.body?.hasPrefix("¡Gracias!") == true } }
        try #require(thanked, "no acknowledgement reached the Twilio fake\n\(serveLog())")
        #expect(fake.acceptedMessages.first?.body == "¡Gracias! Guardamos tus 2 archivos con los documentos de tu viaje a "
            + "Madrid. Escribí «documentos» para recibirlos.")

        let (listed, page) = try await api(.get, "/trips/T-DOCS-1/documents")
        #expect(listed == 200)
        let documents = page["documents"]?.arrayValue ?? []
        #expect(documents.map { $0["url"] } == media.map(Value.string))
        #expect(documents.map { $0["content_type"] } == ["application/pdf", "image/jpeg"])
        #expect(documents.allSatisfy { $0["type"] == "passport" && $0["source"] == "whatsapp" })
        #expect(documents.map { $0["name"] } == ["Mi pasaporte (1)", "Mi pasaporte (2)"])
        #expect(documents.allSatisfy { $0["message_sid"] == .string(Self.mediaSid) && $0["fetchable"] == false })

        // 2. Twilio retries the webhook: nothing new is recorded or started.
        #expect(try await E.post(url, form: form, signature: signature) == 200)
        try await Task.sleep(for: .seconds(1))
        #expect(try await api(.get, "/trips/T-DOCS-1/documents").1["documents"]?.arrayValue?.count == 2)
        #expect(try await E.query(database, "SELECT count(*) FROM trip_documents") == ["2"])
        #expect(try await E.query(database, "SELECT count(*) FROM flow_instances WHERE flow = 'concierge'") == ["1"])

        // 3. The agency attaches a voucher; the traveller asks for the documents inside the window.
        let (created, voucher) = try await api(.post, "/trips/T-DOCS-1/documents", [
            "name": "Voucher hotel", "url": "https://agency.example/voucher.pdf", "content_type": "application/pdf",
        ])
        #expect(created == 201 && voucher["type"] == "voucher")
        let ask: [(String, String)] = [
            ("AccountSid", configuration.twilioAccountSid), ("MessageSid", Self.askSid),
            ("From", "whatsapp:+5491155550000"), ("To", "whatsapp:+5491140000000"), ("Body", "mis documentos"),
            ("NumMedia", "0"),
        ]
        let askSignature = TwilioSignature.compute(url: url, parameters: ask, authToken: configuration.twilioAuthToken)
        #expect(try await E.post(url, form: ask, signature: askSignature) == 200)
        let answered = await E.eventually(60) { fake.acceptedMessages.contains { $0.body?.hasPrefix("Te envié") == true } }
        try #require(answered, "no documents answer\n\(fake.acceptedMessages)\n\(serveLog())")
        let sentMedia = fake.acceptedMessages.filter { !$0.mediaURLs.isEmpty }
        #expect(sentMedia.map(\.mediaURLs) == [["https://agency.example/voucher.pdf"]])
        #expect(sentMedia.first?.body == "Voucher hotel" && sentMedia.first?.to == "whatsapp:+5491155550000")
        #expect(fake.acceptedMessages.last?.body == "Te envié 1 documento(s) de tu viaje a Madrid: Voucher hotel. "
            + "También tenemos: Mi pasaporte (1), Mi pasaporte (2).")

        // 4. The same question answered after the 24-hour window: the documents template instead.
        let late = FakeProviderServer.wallClock() - .hours(25)
        let (dispatched, _) = try await api(.post, "/events/whatsapp.inbound?agency=acme", [
            "from": "+5491155550000", "to": "+5491140000000", "body": "mis documentos", "media": [],
            "message_sid": .string(Self.lateSid), "received_at": .string(late.description),
        ])
        #expect(dispatched == 200)
        let templated = await E.eventually(60) { fake.acceptedMessages.contains { $0.contentSid != nil } }
        try #require(templated, "no template\n\(fake.acceptedMessages)\n\(serveLog())")
        let template = try #require(fake.acceptedMessages.first { $0.contentSid != nil })
        #expect(template.contentSid == "HX3b1d5f7a9c2e4f6a8b0c1d3e5f7a9b2c")
        #expect(template.contentVariables == ["1": "Ana", "2": "Madrid"])
        #expect(fake.acceptedMessages.filter { !$0.mediaURLs.isEmpty }.count == 1, "media sent outside the window")
        let finished = await E.eventually(60) {
            ((try? await E.query(database, "SELECT status FROM flow_instances WHERE flow = 'concierge'")) ?? [])
                == ["succeeded", "succeeded", "succeeded"]
        }
        #expect(finished, "\(serveLog())")
        serve.terminate()
        _ = await E.eventually(60) { !serve.isRunning }
    }
}
