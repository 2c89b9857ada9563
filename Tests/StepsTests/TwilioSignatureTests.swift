import Foundation
import Steps
import Testing

@Suite("Twilio webhook signatures")
struct TwilioSignatureTests {
    static let docParams: [(String, String)] = [
        ("CallSid", "CA1234567890ABCDE"), ("Caller", "+12349013030"), ("Digits", "1234"), ("From", "+12349013030"),
        ("To", "+18005551212"),
    ]
    static let sdkParams: [(String, String)] = [
        ("CallSid", "CA1234567890ABCDE"), ("Caller", "+14158675309"), ("Digits", "1234"), ("From", "+14158675309"),
        ("To", "+18005551212"),
    ]
    static let zeros = String(repeating: "0", count: 32)
    static let statusParams: [(String, String)] = [
        ("AccountSid", "AC" + zeros), ("ApiVersion", "2010-04-01"), ("ChannelPrefix", "whatsapp"),
        ("From", "whatsapp:+14155238886"), ("MessageSid", "SM" + zeros), ("MessageStatus", "delivered"),
        ("SmsSid", "SM" + zeros), ("SmsStatus", "delivered"), ("To", "whatsapp:+15005550006"),
    ]

    struct Vector: Sendable, CustomTestStringConvertible {
        var name: String
        var url: String
        var params: [(String, String)]
        var signature: String
        var testDescription: String { name }
    }

    /// The contracts README §1.8 vectors (Twilio docs and twilio-python's unit tests).
    static let vectors: [Vector] = [
        Vector(name: "docs example", url: "https://mycompany.com/myapp.php?foo=1&bar=2", params: docParams,
               signature: "0/KCTR6DLpKmkAf8muzZqo1nDgQ="),
        Vector(name: "sdk example", url: "https://mycompany.com/myapp.php?foo=1&bar=2", params: sdkParams,
               signature: "RSOYDt4T1cUTdK1PDd93/VVr8B8="),
        Vector(name: "https with :443 signed", url: "https://mycompany.com:443/myapp.php?foo=1&bar=2", params: sdkParams,
               signature: "kvajT1Ptam85bY51eRf/AJRuM3w="),
        Vector(name: "http with :1234", url: "http://mycompany.com:1234/myapp.php?foo=1&bar=2", params: sdkParams,
               signature: "Zmvh+3yNM1Phv2jhDCwEM3q5ebU="),
        Vector(name: "http with :80", url: "http://mycompany.com:80/myapp.php?foo=1&bar=2", params: sdkParams,
               signature: "0ZXoZLH/DfblKGATFgpif+LLRf4="),
        Vector(name: "multi-valued", url: "https://mycompany.com/myapp.php?foo=1&bar=2",
               params: [("Sid", "CA123"), ("SidAccount", "AC123"), ("Digits", "5678"), ("Digits", "1234"), ("Digits", "1234")],
               signature: "IK+Dwps556ElfBT0I3Rgjkr1wJU="),
        Vector(name: "whatsapp status callback", url: "https://example.test/twilio/status", params: statusParams,
               signature: "nXMwLzyw7K0s2o9TtAy+ITK9iIg="),
    ]

    @Test("computes the contract's vectors", arguments: vectors)
    func computes(vector: Vector) {
        #expect(TwilioSignature.compute(url: vector.url, parameters: vector.params, authToken: "12345") == vector.signature)
        #expect(TwilioSignature.verify(signature: vector.signature, url: vector.url, parameters: vector.params, authToken: "12345"))
    }

    @Test("the documented string to sign")
    func payload() {
        #expect(TwilioSignature.payload(url: "https://mycompany.com/myapp.php?foo=1&bar=2", parameters: Self.docParams)
            == "https://mycompany.com/myapp.php?foo=1&bar=2CallSidCA1234567890ABCDECaller+12349013030Digits1234From+12349013030To+18005551212")
    }

    @Test("accepts a signature over the URL with or without its default port")
    func portQuirk() {
        let withPort = TwilioSignature.compute(url: "https://mycompany.com:443/myapp.php?foo=1&bar=2", parameters: Self.sdkParams, authToken: "12345")
        #expect(TwilioSignature.verify(signature: withPort, url: "https://mycompany.com/myapp.php?foo=1&bar=2", parameters: Self.sdkParams, authToken: "12345"))
        let without = "RSOYDt4T1cUTdK1PDd93/VVr8B8="
        #expect(TwilioSignature.verify(signature: without, url: "https://mycompany.com:443/myapp.php?foo=1&bar=2", parameters: Self.sdkParams, authToken: "12345"))
    }

    @Test("refuses missing, forged, re-keyed and tampered signatures")
    func refuses() {
        let url = "https://example.test/twilio/status"
        let good = "nXMwLzyw7K0s2o9TtAy+ITK9iIg="
        #expect(!TwilioSignature.verify(signature: nil, url: url, parameters: Self.statusParams, authToken: "12345"))
        #expect(!TwilioSignature.verify(signature: "", url: url, parameters: Self.statusParams, authToken: "12345"))
        #expect(!TwilioSignature.verify(signature: "nXMwLzyw7K0s2o9TtAy+ITK9iIG=", url: url, parameters: Self.statusParams, authToken: "12345"))
        #expect(!TwilioSignature.verify(signature: good, url: url, parameters: Self.statusParams, authToken: "12346"))
        #expect(!TwilioSignature.verify(signature: good, url: url + "?x=1", parameters: Self.statusParams, authToken: "12345"))
        var tampered = Self.statusParams
        tampered[5].1 = "read"
        #expect(!TwilioSignature.verify(signature: good, url: url, parameters: tampered, authToken: "12345"))
        #expect(!TwilioSignature.verify(signature: good, url: url, parameters: Self.statusParams + [("Extra", "1")], authToken: "12345"))
    }

    static let pythonCases: [(url: String, params: [(String, String)], token: String)] = [
        ("https://flow.example.com/webhooks/twilio/status", statusParams, "tok-\(UUID().uuidString)"),
        ("https://flow.example.com/webhooks/twilio/inbound?agency=a1", [
            ("Body", "Hola, ¿mi vuelo sale a tiempo? 🛫"), ("From", "whatsapp:+5491155550000"), ("MessageSid", "SM" + zeros),
            ("NumMedia", "1"), ("MediaUrl0", "https://api.twilio.com/x?y=1&z=2"), ("ProfileName", "Ana María"),
        ], "another token"),
        ("http://127.0.0.1:8080/webhooks/twilio/status", [("A", "1"), ("A", "0"), ("a", "x"), ("B", "")], "k"),
    ]

    @Test("agrees with the official twilio Python package both ways",
          .enabled(if: PythonTwilio.available, Comment(rawValue: PythonTwilio.unavailableReason)))
    func python() {
        let computed = PythonTwilio.signatures(Self.pythonCases)
        #expect(computed.count == Self.pythonCases.count)
        for (c, signature) in zip(Self.pythonCases, computed) {
            #expect(TwilioSignature.verify(signature: signature, url: c.url, parameters: c.params, authToken: c.token))
            #expect(TwilioSignature.compute(url: c.url, parameters: c.params, authToken: c.token) == signature)
            #expect(!TwilioSignature.verify(signature: signature, url: c.url, parameters: c.params, authToken: c.token + "x"))
        }
        let c = Self.pythonCases[1]
        let ours = TwilioSignature.compute(url: c.url, parameters: c.params, authToken: c.token)
        #expect(PythonTwilio.validates(url: c.url, params: c.params, token: c.token, signature: ours))
        #expect(!PythonTwilio.validates(url: c.url, params: c.params, token: c.token, signature: "AAAA" + ours.dropFirst(4)))
    }
}
