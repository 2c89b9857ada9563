import FlowEngine
import FlowRuntime
import Travel
import Foundation
import Steps
import Testing

@Suite("The travel product's webhook sink over the notification log and the event dispatcher")
struct StoreWebhookSinkTests {
    static let now = Instant(iso8601: "2026-07-08T10:00:00Z")!
    static let sid = "SM" + String(repeating: "4", count: 32)

    /// A workflow directory with only `flows` (name → YAML).
    static func registry(_ flows: [String: String]) throws -> (DefinitionRegistry, URL) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sink-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for (name, text) in flows {
            try text.write(to: directory.appendingPathComponent("\(name).yaml"), atomically: true, encoding: .utf8)
        }
        let registry = DefinitionRegistry(path: directory.path)
        #expect(!registry.directory.diagnostics.hasErrors, "\(registry.directory.diagnostics)")
        return (registry, directory)
    }

    static let concierge = """
        flow: concierge
        version: 1
        description: test concierge that ends at once
        triggers:
          - event: whatsapp.inbound
            key: ${{ input.message_sid }}
        input:
          from: { type: string, required: true }
          to: { type: string }
          body: { type: string }
          message_sid: { type: string, required: true }
          profile_name: { type: string }
          media: { type: list }
        start: done
        states:
          done:
            succeed: true
        """

    static let message = TwilioInboundMessage(
        messageSid: sid, from: "+5491155550000", to: "+14155238886", body: "¿a qué hora sale?", profileName: "Ana")

    /// The sink over a travel store, dispatching to a dispatcher over `flows`.
    static func sink(
        _ store: InMemoryTravelStore, _ flows: InMemoryFlowStore, _ registry: DefinitionRegistry
    ) -> StoreTwilioWebhookSink<InMemoryTravelStore> {
        StoreTwilioWebhookSink(store: store, events: EventDispatcher(store: flows, registry: registry), clock: { Self.now })
    }

    @Test("a delivery outcome updates the notification log by provider id; progress does not")
    func status() async throws {
        let store = InMemoryTravelStore()
        let (registry, directory) = try Self.registry(["concierge": Self.concierge])
        defer { try? FileManager.default.removeItem(at: directory) }
        let sink = Self.sink(store, InMemoryFlowStore(), registry)
        let claim = NotificationClaim(
            tripID: "T1", agencyID: "acme", type: "CANCELLED", key: "CANCELLED", instanceID: "i1", to: "+5491155550000",
            template: "cancelado", variables: [:], at: Self.now)
        #expect(try await store.claimNotification(claim))
        try await store.updateNotification(
            tripID: "T1", type: "CANCELLED", key: "CANCELLED", status: "sent", providerID: Self.sid, error: nil)
        let count = { try await store.countNotifications(tripID: "T1", agencyID: nil, since: Self.now - .hours(1)) }
        #expect(try await count() == 1)
        try await sink.deliveryStatus(TwilioDeliveryStatus(messageSid: Self.sid, status: "sent"))
        #expect(try await count() == 1)
        // `failed` is not counted against caps: the row now says so.
        try await sink.deliveryStatus(TwilioDeliveryStatus(messageSid: Self.sid, status: "failed", errorCode: 63016))
        #expect(try await count() == 0)
    }

    @Test("without a flow listening to whatsapp.inbound an inbound message is recorded once and nothing starts")
    func inboundRecorded() async throws {
        let store = InMemoryTravelStore()
        let flows = InMemoryFlowStore()
        let (registry, directory) = try Self.registry([:])
        defer { try? FileManager.default.removeItem(at: directory) }
        let sink = Self.sink(store, flows, registry)
        #expect(try await sink.inboundMessage(Self.message))
        #expect(try await !sink.inboundMessage(Self.message))
        #expect(try await flows.instances(matching: InstanceFilter()).isEmpty)
        // The durable record is the log's claim under (inbound:<from>, whatsapp.inbound, MessageSid).
        let again = NotificationClaim(
            tripID: "inbound:+5491155550000", agencyID: nil, type: "whatsapp.inbound", key: Self.sid, instanceID: nil,
            to: "+14155238886", template: "whatsapp.inbound", variables: [:], at: Self.now)
        #expect(try await !store.claimNotification(again))
    }

    @Test("a flow whose trigger listens to whatsapp.inbound is started exactly once per message")
    func inboundStarts() async throws {
        let store = InMemoryTravelStore()
        let flows = InMemoryFlowStore()
        let (registry, directory) = try Self.registry(["concierge": Self.concierge])
        defer { try? FileManager.default.removeItem(at: directory) }
        let sink = Self.sink(store, flows, registry)
        #expect(try await sink.inboundMessage(Self.message))
        #expect(try await !sink.inboundMessage(Self.message))
        let instances = try await flows.instances(matching: InstanceFilter(flow: "concierge"))
        #expect(instances.count == 1)
        #expect(instances.first?.idempotencyKey == "event/concierge/" + Self.sid)
    }
}
