public import FlowEngine

/// Verdicts on claims made together — one batch written under its caps' locks — each as if it had
/// been made alone after the ones before it: a claim whose (trip, type, key) is already in the log,
/// or earlier in the batch, is a `duplicate`; otherwise each cap counts the stored rows of its
/// window (read under the locks) plus the claims admitted before it in the batch whose instants lie
/// in that window. A suppressed claim is a row that no cap counts (`uncountedForCaps`).
public enum NotificationClaimBatch {
    /// One claim with its caps (already `applying(to:)` its agency) and what the log held for it.
    public struct Entry: Sendable, Hashable {
        public var claim: NotificationClaim
        public var caps: NotificationCaps
        /// Whether the log already holds the claim's (trip, type, key).
        public var exists: Bool
        /// The counted stored rows in the claim's windows (0 for a window the caps do not limit).
        public var tripDay: Int
        public var agencyHour: Int
        public var agencyDay: Int

        public init(
            claim: NotificationClaim, caps: NotificationCaps, exists: Bool, tripDay: Int = 0, agencyHour: Int = 0,
            agencyDay: Int = 0
        ) {
            self.claim = claim
            self.caps = caps
            self.exists = exists
            self.tripDay = tripDay
            self.agencyHour = agencyHour
            self.agencyDay = agencyDay
        }
    }

    /// The outcome of each entry, in order.
    public static func verdicts(_ entries: [Entry]) -> [NotificationClaimOutcome] {
        var admitted: [NotificationClaim] = []
        var keys = Set<ClaimKey>()
        return entries.map { entry in
            let claim = entry.claim
            guard !entry.exists, keys.insert(ClaimKey(claim)).inserted else { return .duplicate }
            let (day, hour) = (NotificationCaps.dayStart(claim.at), NotificationCaps.hourStart(claim.at))
            let sameTrip = admitted.filter { $0.tripID == claim.tripID }
            let sameAgency = claim.agencyID == nil ? [] : admitted.filter { $0.agencyID == claim.agencyID }
            let reason = entry.caps.exceeded(
                tripDay: entry.tripDay + sameTrip.count { $0.at >= day },
                agencyHour: entry.agencyHour + sameAgency.count { $0.at >= hour },
                agencyDay: entry.agencyDay + sameAgency.count { $0.at >= day },
                including: false)
            if let reason { return .suppressed(reason: reason) }
            admitted.append(claim)
            return .claimed
        }
    }

    /// One trip's or agency's counted rows for every window of a batch that starts between
    /// `earliest` and `latest` (the claims' instants differ by milliseconds): the rows from `latest`
    /// on, counted, and the instants of the few in [`earliest`, `latest`). One read per trip or
    /// agency and window length, however many claims of the batch count it.
    public struct StoredWindow: Sendable, Hashable {
        public var fromLatest: Int
        public var earlier: [Instant]

        public init(fromLatest: Int, earlier: [Instant]) {
            self.fromLatest = fromLatest
            self.earlier = earlier
        }

        /// The counted rows from `start` on, for a start in [`earliest`, `latest`].
        public func count(since start: Instant) -> Int {
            fromLatest + earlier.count { $0 >= start }
        }
    }

    /// A claim's identity in the log.
    public struct ClaimKey: Hashable, Sendable {
        public var tripID: String, type: String, key: String

        public init(_ claim: NotificationClaim) {
            (tripID, type, key) = (claim.tripID, claim.type, claim.key)
        }

        public init(tripID: String, type: String, key: String) {
            (self.tripID, self.type, self.key) = (tripID, type, key)
        }
    }
}
