public import FlowEngine
public import FlowRuntime
public import Steps

/// The travel product on the generic runtime: its steps (`notify.send`, `flight.diff`, trips,
/// conversations, itineraries), its tables (`TravelSchema`), the `trip` recorder of `trip.created`
/// triggers, the Twilio webhooks' receiver (delivery statuses into the notification log, inbound
/// messages dispatched as `whatsapp.inbound`), and its dry-run fixtures (`TravelFixtures`).
public struct TravelProduct: FlowProduct {
    public init() {}

    public var schema: ProductSchema { TravelSchema.schema }

    public var fixtureSections: [String] { TravelFixtures.sections }

    /// `notify.send` sends through Twilio.
    public var stepProviders: [String: String] { ["notify": "twilio"] }

    public func readFixtures(_ sections: [String: LocatedDocument]) throws(LocatedError) -> any ProductFixtures {
        try TravelFixtures(sections)
    }

    public func parts(over store: OpenedStore) -> ProductParts {
        switch store {
        case .memory: parts(InMemoryTravelStore())
        case .sqlite(let sqlite): parts(sqlite)
        case .postgres(let postgres): parts(postgres)
        }
    }

    /// The product over one travel store.
    public func parts<Store: TravelStore>(_ store: Store) -> ProductParts {
        ProductParts(
            steps: Self.steps(store),
            recorders: [TripRecorder<Store>.name: TripRecorder(store: store)],
            seedDryRun: { fixtures, input, agency, start in
                try await DryRunTravelSeed.seed(store, input: input, agency: agency, fixtures: fixtures, start: start)
            },
            twilioSink: { events in StoreTwilioWebhookSink(store: store, events: events) })
    }

    /// Every travel step over `store`.
    public static func steps<Store: TravelStore>(_ store: Store) -> [any Step] {
        [
            NotifySendStep(store: store), FlightDiffStep(), TripsForTravellerStep(store: store),
            ConversationRecentStep(store: store), ConversationAppendStep(store: store), ItineraryCheckStep(),
            ItinerarySaveStep(store: store), ItineraryLatestStep(store: store),
        ]
    }
}

extension SQLiteFlowStore: TravelStore {}
extension PostgresFlowStore: TravelStore {}
