public import FlowEngine
public import FlowRuntime
public import Steps

/// `itinerary.check`: validates a generated itinerary and marks the agency's places (pure).
///
/// Result: `{valid, errors: [text], itinerary (sources marked), day_count, agency_items}`. An invalid
/// itinerary is a result, not a failure: the flow feeds `errors` back to the model.
public struct ItineraryCheckStep: Step {
    public static var signature: StepSignature { .itineraryCheck }
    public static let maximumDays = 60

    public init() {}

    public func run(_ call: StepCall, context: StepContext) async -> StepOutcome { runPure(call.arguments) }

    public func runPure(_ arguments: [String: Value]) -> StepOutcome {
        let args = StepArguments(arguments)
        let firstDay: CivilDate
        let days: Int
        var places: [ItineraryCheck.Place] = []
        var known: [String]?
        do throws(StepFailure) {
            let text = try args.string("first_day")
            guard let date = ItineraryCheck.parseDate(text) else {
                throw .badArgument("first_day", "must be a date YYYY-MM-DD, got '\(text)'")
            }
            firstDay = date
            let count = try args.optionalNumber("days")
            guard let count, count == count.rounded(), count >= 1, count <= Double(Self.maximumDays) else {
                throw .badArgument("days", "must be a whole number from 1 to \(Self.maximumDays)")
            }
            days = Int(count)
            switch arguments["agency_places"] {
            case nil, .null?: break
            case .array(let list)?:
                for (index, place) in list.enumerated() {
                    guard let name = place["name"]?.stringValue, !name.isEmpty else {
                        throw .badArgument("agency_places", "item \(index) needs a name")
                    }
                    places.append(.init(name: name, address: place["address"]?.stringValue,
                                        city: place["city"]?.stringValue))
                }
            case let other?: throw .badArgument("agency_places", "must be a list, got \(other.typeName)")
            }
            known = try Self.knownPlaces(arguments["known_places"])
        } catch {
            return .failure(error)
        }
        let outcome = ItineraryCheck.check(arguments["itinerary"] ?? .null, firstDay: firstDay, days: days,
                                           places: places, knownPlaces: known)
        return .success([
            "valid": .bool(outcome.isValid), "errors": .array(outcome.errors.map(Value.string)),
            "itinerary": outcome.itinerary,
            "day_count": .number(Double(outcome.itinerary["days"]?.arrayValue?.count ?? 0)),
            "agency_items": .number(Double(outcome.agencyItems)),
        ])
    }
}

extension ItineraryCheckStep {
    /// `known_places`: absent or null (no check), else a list of place names (strings).
    static func knownPlaces(_ value: Value?) throws(StepFailure) -> [String]? {
        switch value {
        case nil, .null?: return nil
        case .array(let list)?:
            return try list.enumerated().map { (index, item) throws(StepFailure) in
                guard let name = item.stringValue else {
                    throw .badArgument("known_places", "item \(index) must be a string, got \(item.typeName)")
                }
                return name
            }
        case let other?: throw .badArgument("known_places", "must be a list of names, got \(other.typeName)")
        }
    }
}

/// `itinerary.save`: stores a checked itinerary as the trip's next version (`itineraries`).
///
/// Result: `{id, trip_id, version, status, day_count, generated_at}`. One instance saves one version:
/// a call re-issued after a crash returns the version it saved.
public struct ItinerarySaveStep<Store: ItineraryStore>: Step {
    public static var signature: StepSignature { .itinerarySave }

    public let store: Store

    public init(store: Store) {
        self.store = store
    }

    public func run(_ call: StepCall, context: StepContext) async -> StepOutcome {
        guard let instanceID = context.instanceID else {
            return .failure(StepFailure(.permanent, code: "step.no_instance", message: "itinerary.save runs in an instance"))
        }
        let args = StepArguments(call.arguments)
        let draft: ItineraryDraft
        do throws(StepFailure) {
            guard let itinerary = try args.optionalObject("itinerary"), itinerary["days"]?.arrayValue != nil else {
                throw .badArgument("itinerary", "must be an object with a list of days")
            }
            draft = ItineraryDraft(
                tripID: try args.string("trip_id"), agencyID: try args.optionalString("agency_id"),
                instanceID: instanceID, itinerary: .object(itinerary), rawPrompt: try args.optionalString("raw_prompt"),
                rawResponse: try args.optionalString("raw_response"), at: context.now)
        } catch {
            return .failure(error)
        }
        let record: ItineraryRecord
        do {
            record = try await store.saveItinerary(draft)
        } catch let error as StoreError where error.code == .notFound {
            return .failure(StepFailure(.permanent, code: "itinerary.no_trip", message: error.message))
        } catch {
            return .failure(StepFailure(.transient, code: "store.unavailable", message: "itineraries: \(error)"))
        }
        return .success([
            "id": .string(record.id), "trip_id": .string(record.tripID), "version": .number(Double(record.version)),
            "status": .string(record.status),
            "day_count": .number(Double(record.itinerary["days"]?.arrayValue?.count ?? 0)),
            "generated_at": .instant(record.generatedAt),
        ])
    }
}

/// `itinerary.latest`: the trip's latest itinerary version.
///
/// Result: `{found, version, day_count, days, titles, generated_at}` where `titles` has one text per
/// day, its items' titles joined with ", "; `found: false` (nulls, no days) when none was saved.
public struct ItineraryLatestStep<Store: ItineraryStore>: Step {
    public static var signature: StepSignature { .itineraryLatest }

    public let store: Store

    public init(store: Store) { self.store = store }

    public func run(_ call: StepCall, context: StepContext) async -> StepOutcome {
        let trip: String
        do throws(StepFailure) {
            trip = try StepArguments(call.arguments).string("trip_id")
        } catch {
            return .failure(error)
        }
        let record: ItineraryRecord?
        do {
            record = try await store.latestItinerary(tripID: trip)
        } catch {
            return .failure(StepFailure(.transient, code: "store.unavailable", message: "itineraries: \(error)"))
        }
        guard let record else {
            return .success([
                "found": false, "version": .null, "day_count": 0, "days": [], "titles": [], "generated_at": .null,
            ])
        }
        let days = record.itinerary["days"]?.arrayValue ?? []
        let titles = days.map { day in
            Value.string((day["items"]?.arrayValue ?? []).compactMap { $0["title"]?.stringValue }.joined(separator: ", "))
        }
        return .success([
            "found": true, "version": .number(Double(record.version)), "day_count": .number(Double(days.count)),
            "days": .array(days), "titles": .array(titles), "generated_at": .instant(record.generatedAt),
        ])
    }
}
