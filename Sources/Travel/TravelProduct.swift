public import FlowEngine
public import FlowRuntime
import Hummingbird
public import Steps

/// The travel product on the generic runtime: its steps (`notify.send`, `flight.diff`, trips,
/// conversations, itineraries), its tables (`TravelSchema`), the `trip` recorder of `trip.created`
/// triggers, the Twilio webhooks' receiver (delivery statuses into the notification log, inbound
/// messages dispatched as `whatsapp.inbound`), its dry-run fixtures (`TravelFixtures`) and the
/// planning API (`/v1/…`, `PlanningRoutes`) and, on a database (not the in-memory store), the agency
/// portal API (`/agencies/{agency}`, `/trips`, `AgencyRoutes`, `TripRoutes`).
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
        var parts: ProductParts
        switch store {
        case .memory(let memory):
            let travel = InMemoryTravelStore()
            parts = self.parts(travel)
            parts.routes = Self.routes(memory, travel: travel)
        case .sqlite(let sqlite):
            parts = self.parts(sqlite)
            parts.routes = Self.routes(sqlite)
        case .postgres(let postgres):
            parts = self.parts(postgres)
            parts.routes = Self.routes(postgres)
        }
        return parts
    }

    /// The product's HTTP routes: the planning `/v1` API over the runtime's store and the users'
    /// profiles (`PlanningRoutes`), and trips' documents (`DocumentRoutes`).
    static func routes<Store: FlowStore, Trips: TravelStore>(_ store: Store, travel: Trips) -> ProductRoutes {
        { router, services in
            PlanningRoutes(store: store, profiles: travel, services: services).add(to: router)
            DocumentRoutes(store: travel, clock: services.clock).add(to: router)
        }
    }

    /// On a database: those, and the agency portal API (`AgencyRoutes`, `TripRoutes`).
    static func routes<Store: FlowStore & TravelStore & AgencyPortalStore>(_ store: Store) -> ProductRoutes {
        let common = routes(store, travel: store)
        return { router, services in
            common(router, services)
            AgencyRoutes(store: store, services: services).add(to: router)
            TripRoutes(store: store, services: services).add(to: router)
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
            twilioSink: { events in StoreTwilioWebhookSink(store: store, events: events) },
            retention: TravelRetention.kinds(store), personalRecords: TravelPersonalRecords(store: store))
    }

    /// Every travel step over `store`.
    public static func steps<Store: TravelStore>(_ store: Store) -> [any Step] {
        [
            NotifySendStep(store: store), FlightDiffStep(), TripsForTravellerStep(store: store),
            ConversationRecentStep(store: store), ConversationAppendStep(store: store), ItineraryCheckStep(),
            ItinerarySaveStep(store: store), ItineraryLatestStep(store: store), PlanningProfileStep(store: store),
            PlanningCooldownStep(store: store), DocumentsRecordStep(store: store), DocumentsForTripStep(store: store),
        ]
    }
}

extension SQLiteFlowStore: TravelStore {}
extension PostgresFlowStore: TravelStore {}
