import FlowEngine
@testable import FlowRuntime
import FuzzSupport
import Steps
@testable import Travel

/// Fuzzes the Twilio webhooks' readers: every input is a request's query (first line) and its
/// form body (the rest). The body is decoded as the routes decode it (`FormEncoding.decode`); a form
/// must encode back to the same fields; its signature over the public URL, path and query must
/// verify as `X-Twilio-Signature` and a forged one must not; it is then read as a delivery status
/// and as an inbound message, and the message becomes the `whatsapp.inbound` event's payload.

let configuration = TwilioWebhookConfiguration(publicURL: "https://flow.example.com/", authToken: Secret("fuzz-token"))
let receivedAt = Instant(epochMilliseconds: 1_783_400_000_000)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTwilioWebhook(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let (query, body) = FuzzInput(data, count).firstLineAndRest
    guard let form = FormEncoding.decode(body) else { return 0 }
    let again = FormEncoding.decode(FormEncoding.encode(form))
    invariant(again.map { $0.map(\.0) == form.map(\.0) && $0.map(\.1) == form.map(\.1) } == true,
              "a form does not encode back to the same fields")

    let url = configuration.publicURL + configuration.inboundPath + (query.isEmpty ? "" : "?" + query)
    let token = configuration.signingToken(forAccount: form.first { $0.0 == "AccountSid" }?.1)?.exposed ?? "fuzz-token"
    let signature = TwilioSignature.compute(url: url, parameters: form, authToken: token)
    invariant(TwilioSignature.verify(signature: signature, url: url, parameters: form, authToken: token),
              "a request's own signature does not verify")
    invariant(!TwilioSignature.verify(signature: signature, url: url, parameters: form, authToken: token + "x"),
              "a signature verifies with another token")

    _ = TwilioWebhookRoutes.deliveryStatus(form)
    if let message = TwilioWebhookRoutes.inboundMessage(form) {
        invariant(message.media.count <= TwilioWebhookRoutes.maximumMedia, "more media than Twilio delivers")
        _ = StoreTwilioWebhookSink<InMemoryTravelStore>.input(message, receivedAt: receivedAt).jsonText
    }
    return 0
}
