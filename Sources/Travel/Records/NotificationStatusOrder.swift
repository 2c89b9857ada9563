/// How delivery statuses combine in the notification log, and which rows count toward caps.
/// Every store applies these rules (the conformance suite checks it).
///
/// **Precedence.** Twilio status callbacks may arrive out of order (contracts README §1.6), so a
/// callback only replaces a status of lower rank:
///
/// | rank | statuses |
/// |---|---|
/// | 5 | `read` |
/// | 4 | `delivered` |
/// | 3 | `failed`, `undelivered`, `canceled` (final failures) |
/// | 2 | `sent` |
/// | 1 | anything else (`claimed`, `retrying`, `queued`, `accepted`, `scheduled`, `sending`, …) |
///
/// So `delivered` after `read` does not downgrade it; `sent` after `failed` does not revive it;
/// a failure is final except that a `delivered` or `read` (proof the traveller got the message)
/// replaces it; and a failure after `delivered`/`read` is ignored. A replaced failure keeps its
/// error code in `error` (a winning status without a code leaves the column as it was).
///
/// **Caps.** A cap counts the messages that reached, or may still reach, the traveller: every
/// claimed row except `uncountedForCaps` — `suppressed` (a cap or policy stopped it, nothing was
/// sent), `failed`, `undelivered` and `canceled` (the provider says it never arrived).
public enum NotificationStatusOrder {
    /// Statuses of rank 5, 4, 3 and 2, in that order; everything else is rank 1.
    public static let rankedGroups: [(rank: Int, statuses: [String])] = [
        (5, ["read"]), (4, ["delivered"]), (3, ["failed", "undelivered", "canceled"]), (2, ["sent"]),
    ]

    /// Statuses that do not count toward notification caps.
    public static let uncountedForCaps = ["suppressed", "failed", "undelivered", "canceled"]

    /// The precedence rank of a status (1 when it is not ranked).
    public static func rank(_ status: String) -> Int {
        rankedGroups.first { $0.statuses.contains(status) }?.rank ?? 1
    }

    /// Whether a callback reporting `new` replaces the logged `current` status.
    public static func supersedes(_ new: String, _ current: String) -> Bool {
        rank(new) > rank(current)
    }
}
