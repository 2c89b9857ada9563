import FlowEngine
import FlowRuntime
import Travel
import Hummingbird
import HummingbirdTesting
import HTTPTypes
import NIOCore
import Steps
import Synchronization
import Testing

/// A sink recording what the routes deliver, deduplicating inbound messages by `MessageSid`.
final class RecordingSink: TwilioWebhookSink {
    let statuses = Mutex<[TwilioDeliveryStatus]>([])
    let inbound = Mutex<[TwilioInboundMessage]>([])

    func deliveryStatus(_ status: TwilioDeliveryStatus) async throws { statuses.withLock { $0.append(status) } }

    func inboundMessage(_ message: TwilioInboundMessage) async throws -> Bool {
        inbound.withLock { seen in
            guard !seen.contains(where: { $0.messageSid == message.messageSid }) else { return false }
            seen.append(message)
            return true
        }
    }
}

@Suite("Twilio webhook routes")
struct TwilioWebhookTests {
    static let token = "webhook-token-\(Int.random(in: 0..<1_000_000))"
    static let publicURL = "https://flow.example.com"
    static let sid = "SM" + String(repeating: "1", count: 32)

    static func app(_ sink: RecordingSink) -> some ApplicationProtocol {
        let router = Router()
        TwilioWebhookRoutes.add(
            to: router, sink: sink,
            configuration: TwilioWebhookConfiguration(publicURL: publicURL + "/", authToken: Secret(token)))
        return Application(router: router)
    }

    static func post(
        _ client: some TestClientProtocol, _ path: String, _ params: [(String, String)], signature: String?
    ) async throws -> (HTTPResponse.Status, String) {
        var headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
        if let signature { headers[HTTPField.Name("X-Twilio-Signature")!] = signature }
        return try await client.execute(
            uri: path, method: .post, headers: headers, body: ByteBuffer(string: FormEncoding.encode(params))
        ) { response in (response.status, String(buffer: response.body)) }
    }

    static let statusParams: [(String, String)] = [
        ("AccountSid", "AC" + String(repeating: "0", count: 32)), ("MessageSid", sid), ("MessageStatus", "undelivered"),
        ("SmsSid", sid), ("SmsStatus", "undelivered"), ("ErrorCode", "63016"), ("To", "whatsapp:+5491155550000"),
        ("From", "whatsapp:+14155238886"), ("EventType", "UNDELIVERED"),
    ]
    static let inboundParams: [(String, String)] = [
        ("MessageSid", sid), ("SmsMessageSid", sid), ("From", "whatsapp:+5491155550000"), ("To", "whatsapp:+14155238886"),
        ("Body", "Hola, ¿mi vuelo?"), ("NumMedia", "1"), ("MediaUrl0", "https://api.twilio.com/media/1"),
        ("MediaContentType0", "image/jpeg"), ("ProfileName", "Ana"), ("WaId", "5491155550000"),
    ]

    @Test("a signed status callback reaches the sink; unsigned and forged ones get 403")
    func status() async throws {
        let sink = RecordingSink()
        try await Self.app(sink).test(.router) { client in
            let url = Self.publicURL + "/webhooks/twilio/status"
            let good = TwilioSignature.compute(url: url, parameters: Self.statusParams, authToken: Self.token)
            #expect(try await Self.post(client, "/webhooks/twilio/status", Self.statusParams, signature: nil).0 == .forbidden)
            #expect(try await Self.post(client, "/webhooks/twilio/status", Self.statusParams, signature: "Zm9yZ2Vk").0 == .forbidden)
            let wrongKey = TwilioSignature.compute(url: url, parameters: Self.statusParams, authToken: "other")
            #expect(try await Self.post(client, "/webhooks/twilio/status", Self.statusParams, signature: wrongKey).0 == .forbidden)
            #expect(sink.statuses.withLock { $0.isEmpty })
            let (status, body) = try await Self.post(client, "/webhooks/twilio/status", Self.statusParams, signature: good)
            #expect(status == .ok)
            #expect(body.isEmpty)
            let recorded = try #require(sink.statuses.withLock { $0.first })
            #expect(recorded == TwilioDeliveryStatus(
                messageSid: Self.sid, status: "undelivered", errorCode: 63016,
                accountSid: "AC" + String(repeating: "0", count: 32), to: "whatsapp:+5491155550000",
                from: "whatsapp:+14155238886", eventType: "UNDELIVERED"))
        }
    }

    @Test("an inbound message is answered with an empty 200 and deduplicated by MessageSid")
    func inbound() async throws {
        let sink = RecordingSink()
        try await Self.app(sink).test(.router) { client in
            let url = Self.publicURL + "/webhooks/twilio/inbound"
            let good = TwilioSignature.compute(url: url, parameters: Self.inboundParams, authToken: Self.token)
            for _ in 0..<2 {
                let (status, body) = try await Self.post(client, "/webhooks/twilio/inbound", Self.inboundParams, signature: good)
                #expect(status == .ok)
                #expect(body.isEmpty)
            }
            let messages = sink.inbound.withLock { $0 }
            #expect(messages.count == 1)
            #expect(messages.first?.from == "+5491155550000")
            #expect(messages.first?.media == [.init(url: "https://api.twilio.com/media/1", contentType: "image/jpeg")])
            var tampered = Self.inboundParams
            tampered[4].1 = "Hola, cancelá mi viaje"
            #expect(try await Self.post(client, "/webhooks/twilio/inbound", tampered, signature: good).0 == .forbidden)
        }
    }

    @Test("media in order with their content types; beyond Twilio's 10 they are ignored")
    func inboundMedia() async throws {
        let sink = RecordingSink()
        let params: [(String, String)] = [
            ("MessageSid", "SM" + String(repeating: "2", count: 32)), ("From", "whatsapp:+5491155550000"),
            ("To", "whatsapp:+14155238886"), ("Body", ""), ("NumMedia", "12"),
        ] + (0..<12).flatMap { n in
            [("MediaUrl\(n)", "https://api.twilio.com/media/\(n)"),
             ("MediaContentType\(n)", n.isMultiple(of: 2) ? "application/pdf" : "image/png")]
        }
        try await Self.app(sink).test(.router) { client in
            let url = Self.publicURL + "/webhooks/twilio/inbound"
            let signature = TwilioSignature.compute(url: url, parameters: params, authToken: Self.token)
            let (status, _) = try await Self.post(client, "/webhooks/twilio/inbound", params, signature: signature)
            #expect(status == .ok)
        }
        let media = sink.inbound.withLock { $0 }.first?.media ?? []
        #expect(media.count == TwilioWebhookRoutes.maximumMedia)
        #expect(media.map(\.url) == (0..<10).map { "https://api.twilio.com/media/\($0)" })
        #expect(media.last?.contentType == "image/png")
    }

    @Test("signatures made by the official twilio Python package are accepted",
          .enabled(if: PythonTwilio.available, Comment(rawValue: PythonTwilio.unavailableReason)))
    func python() async throws {
        let sink = RecordingSink()
        let cases: [(url: String, params: [(String, String)], token: String)] = [
            (Self.publicURL + "/webhooks/twilio/status", Self.statusParams, Self.token),
            (Self.publicURL + "/webhooks/twilio/inbound", Self.inboundParams, Self.token),
            (Self.publicURL + "/webhooks/twilio/status", Self.statusParams, "not-our-token"),
        ]
        let signatures = PythonTwilio.signatures(cases)
        try #require(signatures.count == 3)
        try await Self.app(sink).test(.router) { client in
            let status = try await Self.post(client, "/webhooks/twilio/status", Self.statusParams, signature: signatures[0])
            let inbound = try await Self.post(client, "/webhooks/twilio/inbound", Self.inboundParams, signature: signatures[1])
            let foreign = try await Self.post(client, "/webhooks/twilio/status", Self.statusParams, signature: signatures[2])
            #expect(status.0 == .ok)
            #expect(inbound.0 == .ok)
            #expect(foreign.0 == .forbidden)
        }
        #expect(sink.statuses.withLock { $0.count } == 1)
        #expect(sink.inbound.withLock { $0.count } == 1)
    }
}
