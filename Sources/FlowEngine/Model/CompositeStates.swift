/// Human-in-the-loop: a typed request, approvers, a bound, and outcomes. Expiry never approves.
public struct ApprovalState: Sendable {
    /// `{kind, summary, amount, currency, items, version, details}`; evaluated when the state is entered.
    public var request: ValueTemplate
    public var approvers: ValueTemplate?
    public var expiresIn: ValueTemplate?
    public var onApprove: Located<String>?
    public var onReject: Located<String>?
    /// Defaults to `on_reject`; may not equal `on_approve` (rule F105).
    public var onTimeout: Located<String>?
    /// Stores `{decision, by, at, notes, values}` as `vars.<save>`.
    public var save: Located<String>?
    /// Where the request is sent, per approver, with each approver's signed link (empty: nowhere).
    public var notify: [ApprovalNotice]
    /// Reminders and escalation before expiry.
    public var remind: ApprovalReminders?

    public init(
        request: ValueTemplate, approvers: ValueTemplate?, expiresIn: ValueTemplate?, onApprove: Located<String>?,
        onReject: Located<String>?, onTimeout: Located<String>?, save: Located<String>?,
        notify: [ApprovalNotice] = [], remind: ApprovalReminders? = nil
    ) {
        self.notify = notify
        self.remind = remind
        self.request = request
        self.approvers = approvers
        self.expiresIn = expiresIn
        self.onApprove = onApprove
        self.onReject = onReject
        self.onTimeout = onTimeout
        self.save = save
    }

    /// The keys an approval's `request` may have: `version` is the exact version of what is approved
    /// (e.g. a plan), `details` an object with anything else the approver needs (e.g. a budget overrun).
    public static let requestKeys = ["kind", "summary", "amount", "currency", "items", "version", "details"]

    /// Where an expired approval goes.
    public var timeoutTarget: Located<String>? { onTimeout ?? onReject }
}

/// Runs branches side by side and joins them.
public struct ParallelState: Sendable {
    public enum Join: String, Sendable, Hashable, Codable, CaseIterable {
        /// Wait for every branch; any failure fails the state.
        case all
        /// The first branch to succeed wins; the others are cancelled.
        case any
    }

    public struct Branch: Sendable {
        public var name: Located<String>
        public var graph: StateGraph

        public init(name: Located<String>, graph: StateGraph) {
            self.name = name
            self.graph = graph
        }
    }

    public var branches: [Branch]
    public var join: Located<Join>
    /// Stores `{branch: output}` as `vars.<save>`.
    public var save: Located<String>?
    public var catches: [CatchClause]
    public var next: Located<String>?

    public init(
        branches: [Branch], join: Located<Join>, save: Located<String>?, catches: [CatchClause], next: Located<String>?
    ) {
        self.branches = branches
        self.join = join
        self.save = save
        self.catches = catches
        self.next = next
    }
}

/// Bounded fan-out: runs `body` once per item.
public struct ForEachState: Sendable {
    public var items: ValueTemplate
    /// The name the current item has in the body's expressions (`item` by default).
    public var itemName: Located<String>
    /// Required bound (rule F116); more items than this fail with `limit`.
    public var maxItems: Located<Int>?
    /// Items run at once; default 1.
    public var concurrency: Located<Int>?
    public var body: StateGraph
    /// Stores the list of body outputs as `vars.<save>`.
    public var save: Located<String>?
    public var catches: [CatchClause]
    public var next: Located<String>?

    public init(
        items: ValueTemplate, itemName: Located<String>, maxItems: Located<Int>?, concurrency: Located<Int>?,
        body: StateGraph, save: Located<String>?, catches: [CatchClause], next: Located<String>?
    ) {
        self.items = items
        self.itemName = itemName
        self.maxItems = maxItems
        self.concurrency = concurrency
        self.body = body
        self.save = save
        self.catches = catches
        self.next = next
    }
}
