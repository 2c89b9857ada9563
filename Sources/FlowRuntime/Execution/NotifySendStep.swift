public import FlowEngine
public import Steps

/// `notify.send`: claims (trip, type, key) in the notification log **before** sending, applies the
/// caps, then sends the template through `twilio.send_template`. A duplicate claim sends nothing.
///
/// Result: `{status: sent|duplicate|suppressed|failed, type, key, to, template, variables, sid?, reason?}`.
/// A later attempt of the same call (after a transient failure) re-uses its own claim.
public struct NotifySendStep<Store: FlowStore>: Step {
    public static var signature: StepSignature { .notifySend }

    public let store: Store
    public let twilio: TwilioSendTemplateStep
    public let instanceID: String?

    public init(store: Store, instanceID: String?, twilio: TwilioSendTemplateStep = TwilioSendTemplateStep()) {
        self.store = store
        self.instanceID = instanceID
        self.twilio = twilio
    }

    public func run(_ call: StepCall, context: StepContext) async -> StepOutcome {
        let args = call.arguments
        guard let trip = args["trip_id"]?.stringValue, let type = args["type"]?.stringValue,
              let to = args["to"]?.stringValue, let template = args["template"]?.stringValue,
              let contentSid = args["content_sid"]?.stringValue
        else {
            return .failure(.badArgument("trip_id/type/to/template/content_sid", "are required strings"))
        }
        let key = args["key"]?.stringValue ?? type
        let agency = args["agency_id"]?.stringValue
        let variables = args["variables"] ?? .object([:])
        var result: [String: Value] = [
            "type": .string(type), "key": .string(key), "to": .string(to), "template": .string(template),
            "variables": variables,
        ]
        do {
            let claim = NotificationClaim(
                tripID: trip, agencyID: agency, type: type, key: key, instanceID: instanceID, to: to, template: template,
                variables: variables, at: context.now)
            let claimed = try await store.claimNotification(claim)
            guard claimed || call.attempt > 1 else {
                result["status"] = "duplicate"
                return .success(.object(result))
            }
            if let reason = try await capExceeded(args["caps"], trip: trip, agency: agency, now: context.now) {
                try await store.updateNotification(tripID: trip, type: type, key: key, status: "suppressed",
                                                   providerID: nil, error: reason)
                result["status"] = "suppressed"
                result["reason"] = .string(reason)
                return .success(.object(result))
            }
            let send = StepCall(arguments: ["to": .string(to), "content_sid": .string(contentSid), "variables": variables],
                                idempotencyKey: call.idempotencyKey, attempt: call.attempt)
            switch await twilio.run(send, context: context) {
            case .success(let answer):
                let sid = answer["sid"]?.stringValue
                try await store.updateNotification(tripID: trip, type: type, key: key, status: "sent", providerID: sid, error: nil)
                result["status"] = "sent"
                result["sid"] = sid.map(Value.string) ?? .null
                return .success(.object(result))
            case .failure(let failure):
                let status = failure.isRetryable ? "retrying" : "failed"
                try await store.updateNotification(tripID: trip, type: type, key: key, status: status, providerID: nil,
                                                   error: failure.code)
                return .failure(failure)
            }
        } catch {
            return .failure(StepFailure(.transient, code: "store.unavailable", message: "notification log: \(error)"))
        }
    }

    /// The first cap the message would exceed, as a reason, or nil.
    private func capExceeded(_ caps: Value?, trip: String, agency: String?, now: Instant) async throws -> String? {
        guard let caps else { return nil }
        let day = now - .days(1)
        if let limit = caps["per_trip_per_day"]?.intValue,
           try await store.countNotifications(tripID: trip, agencyID: nil, since: day) > limit {
            return "cap per_trip_per_day \(limit) reached"
        }
        guard let agency else { return nil }
        if let limit = caps["per_agency_per_hour"]?.intValue,
           try await store.countNotifications(tripID: nil, agencyID: agency, since: now - .hours(1)) > limit {
            return "cap per_agency_per_hour \(limit) reached"
        }
        if let limit = caps["per_agency_per_day"]?.intValue,
           try await store.countNotifications(tripID: nil, agencyID: agency, since: day) > limit {
            return "cap per_agency_per_day \(limit) reached"
        }
        return nil
    }
}
