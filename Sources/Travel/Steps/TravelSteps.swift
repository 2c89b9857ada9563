public import FlowEngine
public import FlowRuntime
public import Steps

/// `trips.for_traveller`: the trip a WhatsApp number's message is about, from `trips`.
///
/// Result: `{status: none|one|several, trip: <trip>|null, candidates: [<trip>], count}` where a
/// trip is `TravellerTrips.value(_:)` (`summary` is a Spanish one-line description).
public struct TripsForTravellerStep<Store: TripStore>: Step {
    public static var signature: StepSignature { .tripsForTraveller }

    public let store: Store

    public init(store: Store) { self.store = store }

    public func run(_ call: StepCall, context: StepContext) async -> StepOutcome {
        let args = StepArguments(call.arguments)
        let number: String
        let hint: String?
        let activeFor: TimeSpan
        let ambiguity: TimeSpan
        do throws(StepFailure) {
            number = TripRecord.whatsappNumber(try args.string("whatsapp"))
            hint = try args.optionalString("hint")
            activeFor = try args.optionalDuration("active_for") ?? TravellerTrips.defaultActiveFor
            ambiguity = try args.optionalDuration("ambiguity") ?? TravellerTrips.defaultAmbiguity
        } catch {
            return .failure(error)
        }
        let trips: [TripRecord]
        do {
            trips = try await store.trips(whatsapp: number)
        } catch {
            return .failure(StepFailure(.transient, code: "store.unavailable", message: "trips: \(error)"))
        }
        let status: String
        var trip: Value = .null
        var candidates: [TripRecord] = []
        switch TravellerTrips.choose(trips, now: context.now, hint: hint, activeFor: activeFor, ambiguity: ambiguity) {
        case .none: status = "none"
        case .one(let chosen):
            status = "one"
            trip = TravellerTrips.value(chosen)
            candidates = [chosen]
        case .several(let several):
            status = "several"
            candidates = several
        }
        return .success([
            "status": .string(status), "trip": trip, "candidates": .array(candidates.map(TravellerTrips.value)),
            "count": .number(Double(candidates.count)),
        ])
    }
}

/// `conversation.recent`: the last turns of a trip's conversation, oldest first.
///
/// Result: `{turns: [{sender, message, intent, provider_id, at}], messages: [{role, content}]}`;
/// `messages` are ready for `openai.chat` (user → `user`, bot and agent → `assistant`).
public struct ConversationRecentStep<Store: TripStore>: Step {
    public static var signature: StepSignature { .conversationRecent }
    public static var defaultLimit: Int { 6 }
    public static var maximumLimit: Int { 50 }

    public let store: Store

    public init(store: Store) { self.store = store }

    public func run(_ call: StepCall, context: StepContext) async -> StepOutcome {
        let args = StepArguments(call.arguments)
        let trip: String
        let limit: Int
        do throws(StepFailure) {
            trip = try args.string("trip_id")
            let requested = try args.optionalNumber("limit")
            if let requested, requested != requested.rounded() || requested < 0 || requested > Double(Self.maximumLimit) {
                throw .badArgument("limit", "must be a whole number from 0 to \(Self.maximumLimit)")
            }
            limit = requested.map { Int($0) } ?? Self.defaultLimit
        } catch {
            return .failure(error)
        }
        let turns: [ConversationTurn]
        do {
            turns = try await store.conversation(tripID: trip, limit: limit)
        } catch {
            return .failure(StepFailure(.transient, code: "store.unavailable", message: "conversations: \(error)"))
        }
        func text(_ value: String?) -> Value { value.map(Value.string) ?? .null }
        return .success([
            "turns": .array(turns.map { turn in
                [
                    "sender": .string(turn.sender.rawValue), "message": .string(turn.message),
                    "intent": text(turn.intent), "provider_id": text(turn.providerID), "at": .instant(turn.at),
                ]
            }),
            "messages": .array(turns.map { turn in
                ["role": turn.sender == .user ? "user" : "assistant", "content": .string(turn.message)]
            }),
        ])
    }
}

/// `conversation.append`: stores one turn of a trip's conversation at the instance's now.
///
/// Result: `{trip_id, sender, message, intent, provider_id, at}`.
public struct ConversationAppendStep<Store: TripStore>: Step {
    public static var signature: StepSignature { .conversationAppend }

    public let store: Store

    public init(store: Store) { self.store = store }

    public func run(_ call: StepCall, context: StepContext) async -> StepOutcome {
        let args = StepArguments(call.arguments)
        let turn: ConversationTurn
        do throws(StepFailure) {
            let senderText = try args.string("sender")
            guard let sender = ConversationTurn.Sender(rawValue: senderText) else {
                throw .badArgument("sender", "must be user, bot or agent, not '\(senderText)'")
            }
            turn = ConversationTurn(
                tripID: try args.string("trip_id"), agencyID: try args.optionalString("agency_id"), sender: sender,
                message: try args.string("message"), intent: try args.optionalString("intent"),
                providerID: try args.optionalString("provider_id"), at: context.now)
        } catch {
            return .failure(error)
        }
        do {
            try await store.appendConversation(turn)
        } catch let error as StoreError where error.code == .notFound {
            return .failure(StepFailure(.permanent, code: "conversation.no_trip", message: error.message))
        } catch {
            return .failure(StepFailure(.transient, code: "store.unavailable", message: "conversations: \(error)"))
        }
        func text(_ value: String?) -> Value { value.map(Value.string) ?? .null }
        return .success([
            "trip_id": .string(turn.tripID), "sender": .string(turn.sender.rawValue), "message": .string(turn.message),
            "intent": text(turn.intent), "provider_id": text(turn.providerID), "at": .instant(turn.at),
        ])
    }
}
