extension FlowDocumentReader {
    static let kinds = ["step", "choice", "wait", "approval", "parallel", "for_each", "set", "succeed", "fail"]

    /// Every key a state may have, whatever its kind.
    static let stateKeys = kinds + ["description"] + Array(Set(siblingKeys.values.flatMap { $0 })).sorted()

    /// The keys each kind allows beside its keyword.
    static let siblingKeys: [String: [String]] = [
        "step": ["with", "save", "idempotency_key", "retry", "catch", "propagates", "timeout", "next"],
        "choice": ["default"],
        "wait": ["next"],
        "approval": [],
        "parallel": ["save", "catch", "next"],
        "for_each": ["save", "catch", "next"],
        "set": ["next"],
        "succeed": [],
        "fail": [],
    ]

    /// For each kind (in the order of `kinds`): its keyword, `description` and its sibling keys.
    /// Arrays, not sets: a state has a handful of keys, and a scan of a few short names costs
    /// less than hashing each of them.
    static let allowedKeys: [[String]] = kinds.map { kind in [kind, "description"] + (siblingKeys[kind] ?? []) }

    func state(named name: Located<String>, _ node: YAMLNode) -> State? {
        let at = reader.location(node)
        guard node.isMapping else {
            reader.error(.wrongType, "state '\(name.value)' must be a mapping, found \(reader.describe(node))", at: node)
            return nil
        }
        guard let probe = reader.mapping(node, "state '\(name.value)'", allowed: Self.stateKeys) else { return nil }
        // The kind keywords present: their positions in `probe` and the first one's in `kinds`.
        var present: [Int] = []
        var kindIndex = 0
        for (position, entry) in probe.pairs.enumerated() {
            guard let kind = Self.kinds.firstIndex(of: entry.key.value) else { continue }
            if present.isEmpty { kindIndex = kind }
            present.append(position)
        }
        guard let first = present.first else {
            reader.error(.missingKey, "state '\(name.value)' needs one of: \(Self.kinds.joined(separator: ", "))", at: name.location)
            return nil
        }
        if present.count > 1 {
            let names = present.map { probe.pairs[$0].key.value }.joined(separator: "' and '")
            reader.error(
                .conflictingKeys, "state '\(name.value)' has two kinds: '\(names)'", at: probe.pairs[present[1]].key.location)
            return nil
        }
        let kindKey = probe.pairs[first]
        let kind = kindKey.key.value
        let allowedHere = Self.allowedKeys[kindIndex]
        var entries = probe
        if probe.pairs.contains(where: { !allowedHere.contains($0.key.value) }) {
            for entry in probe.pairs where !allowedHere.contains(entry.key.value) {
                reader.error(.unknownKey, "'\(entry.key.value)' does not apply to a \(kind) state", at: entry.key.location)
            }
            entries.pairs.removeAll { !allowedHere.contains($0.key.value) }
        }
        let description = entries["description"].flatMap { reader.string($0, "description")?.value }
        let body = kindKey.value
        let stateKind: StateKind?
        switch kind {
        case "step": stateKind = step(body, entries).map(StateKind.step)
        case "choice": stateKind = choice(body, entries).map(StateKind.choice)
        case "wait": stateKind = wait(body, entries).map(StateKind.wait)
        case "approval": stateKind = approval(body).map(StateKind.approval)
        case "parallel": stateKind = parallel(body, entries, at: kindKey.key.location).map(StateKind.parallel)
        case "for_each": stateKind = forEach(body, entries, at: kindKey.key.location).map(StateKind.forEach)
        case "set": stateKind = set(body, entries).map(StateKind.set)
        case "succeed": stateKind = succeed(body).map(StateKind.succeed)
        default: stateKind = fail(body).map(StateKind.fail)
        }
        guard let stateKind else { return nil }
        return State(name: name, kind: stateKind, description: description, location: at)
    }

    // MARK: Shared pieces

    func name(_ node: YAMLNode?, _ what: String) -> Located<String>? {
        node.flatMap { reader.string($0, what) }
    }

    func catches(_ node: YAMLNode?) -> [CatchClause] {
        guard let node, let items = reader.sequence(node, "catch") else { return [] }
        return items.compactMap { item in
            guard let entries = reader.mapping(item, "a catch clause", allowed: ["errors", "next", "save"]) else {
                return nil
            }
            let at = reader.location(item)
            guard let next = required(entries, "next", in: "a catch clause", at: at).flatMap({ reader.string($0, "next") })
            else { return nil }
            let errors = entries["errors"].map { reader.errorClasses($0, "errors") } ?? []
            return CatchClause(errors: errors, next: next, save: name(entries["save"], "save"), location: at)
        }
    }

    func retry(_ node: YAMLNode) -> RetryPolicy? {
        let keys = ["max_attempts", "initial", "factor", "max_delay", "jitter", "budget", "on", "on_exhausted"]
        guard let entries = reader.mapping(node, "retry", allowed: keys) else { return nil }
        let at = reader.location(node)
        guard let attempts = required(entries, "max_attempts", in: "retry", at: at) else { return nil }
        return RetryPolicy(
            maxAttempts: reader.template(attempts), initial: entries["initial"].map(reader.template),
            factor: entries["factor"].map(reader.template), maxDelay: entries["max_delay"].map(reader.template),
            jitter: entries["jitter"].flatMap { reader.choice($0, "jitter", as: RetryPolicy.Jitter.self) },
            budget: entries["budget"].map(reader.template),
            on: entries["on"].map { reader.errorClasses($0, "on") } ?? [],
            onExhausted: entries["on_exhausted"].flatMap { reader.choice($0, "on_exhausted", as: RetryPolicy.Exhausted.self) },
            location: at)
    }

    func arguments(_ node: YAMLNode, _ what: String) -> [StepState.Argument] {
        guard let entries = reader.mapping(node, what) else { return [] }
        return entries.pairs.map { StepState.Argument(name: $0.key, value: reader.template($0.value)) }
    }

    // MARK: Kinds

    func step(_ body: YAMLNode, _ entries: MappingEntries) -> StepState? {
        guard let step = reader.string(body, "step") else { return nil }
        return StepState(
            step: step, arguments: entries["with"].map { arguments($0, "with") } ?? [],
            save: name(entries["save"], "save"), idempotencyKey: entries["idempotency_key"].map(reader.template),
            retry: entries["retry"].flatMap(retry), catches: catches(entries["catch"]),
            propagates: entries["propagates"].map { reader.errorClasses($0, "propagates") } ?? [],
            timeout: entries["timeout"].map(reader.template), next: name(entries["next"], "next"))
    }

    func choice(_ body: YAMLNode, _ entries: MappingEntries) -> ChoiceState? {
        guard let items = reader.sequence(body, "choice") else { return nil }
        let branches: [ChoiceState.Branch] = items.compactMap { item in
            guard let branch = reader.mapping(item, "a choice", allowed: ["when", "next"]) else { return nil }
            let at = reader.location(item)
            guard let when = required(branch, "when", in: "a choice", at: at),
                  let next = required(branch, "next", in: "a choice", at: at).flatMap({ reader.string($0, "next") })
            else { return nil }
            return ChoiceState.Branch(when: reader.template(when), next: next, location: at)
        }
        return ChoiceState(branches: branches, defaultNext: name(entries["default"], "default"))
    }

    func wait(_ body: YAMLNode, _ entries: MappingEntries) -> WaitState? {
        guard let wait = reader.mapping(body, "wait", allowed: ["for", "until", "event", "window", "save"]) else { return nil }
        let at = reader.location(body)
        let conditions = wait.pairs.filter { ["for", "until", "event"].contains($0.key.value) }
        guard let first = conditions.first else {
            reader.error(.missingKey, "a wait needs one of 'for', 'until' or 'event'", at: at)
            return nil
        }
        if conditions.count > 1 {
            reader.error(.conflictingKeys, "a wait has one of 'for', 'until' or 'event', not several", at: conditions[1].key.location)
        }
        let condition: WaitState.Condition
        switch first.key.value {
        case "for": condition = .duration(reader.template(first.value))
        case "until": condition = .until(reader.template(first.value))
        default:
            guard let event = eventWait(first.value) else { return nil }
            condition = .event(event)
        }
        let save = name(wait["save"], "save")
        if let save, case .event = condition {
            reader.error(.conflictingKeys, "an event wait saves its payload with 'event.save', not 'save'", at: save.location)
        }
        return WaitState(condition: condition, window: wait["window"].flatMap(window), save: save,
                         next: name(entries["next"], "next"))
    }

    private func eventWait(_ node: YAMLNode) -> EventWait? {
        let keys = ["name", "correlation", "lookback", "timeout", "on_timeout", "save"]
        guard let entries = reader.mapping(node, "event", allowed: keys) else { return nil }
        let at = reader.location(node)
        guard let eventName = required(entries, "name", in: "an event wait", at: at).flatMap({ reader.string($0, "name") })
        else { return nil }
        return EventWait(
            name: eventName, correlation: entries["correlation"].map(reader.template),
            lookback: entries["lookback"].map(reader.template), timeout: entries["timeout"].map(reader.template),
            onTimeout: name(entries["on_timeout"], "on_timeout"), save: name(entries["save"], "save"), location: at)
    }

    private func window(_ node: YAMLNode) -> SendWindowSpec? {
        guard let entries = reader.mapping(node, "window", allowed: ["quiet", "zone", "not_after"]) else { return nil }
        let at = reader.location(node)
        guard let quiet = required(entries, "quiet", in: "a window", at: at),
              let zone = required(entries, "zone", in: "a window", at: at)
        else { return nil }
        return SendWindowSpec(
            quiet: reader.template(quiet), zone: reader.template(zone), notAfter: entries["not_after"].map(reader.template),
            location: at)
    }

    func approval(_ body: YAMLNode) -> ApprovalState? {
        let keys = ["request", "approvers", "expires_in", "on_approve", "on_reject", "on_timeout", "save", "notify", "remind"]
        guard let entries = reader.mapping(body, "approval", allowed: keys) else { return nil }
        let at = reader.location(body)
        guard let request = required(entries, "request", in: "an approval", at: at) else { return nil }
        if reader.mapping(request, "request", allowed: ApprovalState.requestKeys) == nil {
            return nil
        }
        return ApprovalState(
            request: reader.template(request), approvers: entries["approvers"].map(reader.template),
            expiresIn: entries["expires_in"].map(reader.template), onApprove: name(entries["on_approve"], "on_approve"),
            onReject: name(entries["on_reject"], "on_reject"), onTimeout: name(entries["on_timeout"], "on_timeout"),
            save: name(entries["save"], "save"), notify: entries["notify"].map(approvalNotices) ?? [],
            remind: entries["remind"].flatMap(approvalReminders))
    }

    /// A key given inside a composite's mapping or beside it, but not both.
    private func either(_ key: String, _ inner: MappingEntries, _ outer: MappingEntries) -> YAMLNode? {
        if let a = inner.key(key), outer.has(key) {
            reader.error(.conflictingKeys, "'\(key)' is given twice (inside and beside the state)", at: a.location)
        }
        return inner[key] ?? outer[key]
    }

    func parallel(_ body: YAMLNode, _ entries: MappingEntries, at: SourceLocation) -> ParallelState? {
        let keys = ["branches", "join", "save", "catch", "next"]
        guard let inner = reader.mapping(body, "parallel", allowed: keys) else { return nil }
        let here = reader.location(body)
        guard let branchesNode = required(inner, "branches", in: "a parallel state", at: here),
              let branchEntries = reader.mapping(branchesNode, "branches")
        else { return nil }
        let branches: [ParallelState.Branch] = branchEntries.pairs.compactMap { entry in
            guard let branch = reader.mapping(entry.value, "branch '\(entry.key.value)'", allowed: ["start", "states"])
            else { return nil }
            let graph = stateGraph(
                start: branch["start"], states: branch["states"], at: entry.key.location,
                what: "branch '\(entry.key.value)'")
            return ParallelState.Branch(name: entry.key, graph: graph)
        }
        let join = inner["join"].flatMap { reader.choice($0, "join", as: ParallelState.Join.self) } ?? Located(.all, at: here)
        return ParallelState(
            branches: branches, join: join, save: name(either("save", inner, entries), "save"),
            catches: catches(either("catch", inner, entries)), next: name(either("next", inner, entries), "next"))
    }

    func forEach(_ body: YAMLNode, _ entries: MappingEntries, at: SourceLocation) -> ForEachState? {
        let keys = ["items", "as", "max_items", "concurrency", "start", "states", "save", "catch", "next"]
        guard let inner = reader.mapping(body, "for_each", allowed: keys) else { return nil }
        let here = reader.location(body)
        guard let items = required(inner, "items", in: "a for_each", at: here) else { return nil }
        let graph = stateGraph(start: inner["start"], states: inner["states"], at: here, what: "a for_each")
        return ForEachState(
            items: reader.template(items), itemName: name(inner["as"], "as") ?? Located("item", at: here),
            maxItems: inner["max_items"].flatMap { reader.int($0, "max_items") },
            concurrency: inner["concurrency"].flatMap { reader.int($0, "concurrency") }, body: graph,
            save: name(either("save", inner, entries), "save"), catches: catches(either("catch", inner, entries)),
            next: name(either("next", inner, entries), "next"))
    }

    func set(_ body: YAMLNode, _ entries: MappingEntries) -> SetState? {
        guard body.isMapping else {
            reader.error(.wrongType, "set must be a mapping of names to values, found \(reader.describe(body))", at: body)
            return nil
        }
        return SetState(values: arguments(body, "set"), next: name(entries["next"], "next"))
    }

    func succeed(_ body: YAMLNode) -> SucceedState? {
        if body.isScalar {
            guard reader.bool(body, "succeed") != nil else { return nil }
            return SucceedState(output: nil)
        }
        guard let entries = reader.mapping(body, "succeed", allowed: ["output"]) else { return nil }
        return SucceedState(output: entries["output"].map(reader.template))
    }

    func fail(_ body: YAMLNode) -> FailState? {
        if body.isScalar {
            return FailState(error: reader.string(body, "fail"), message: nil)
        }
        guard let entries = reader.mapping(body, "fail", allowed: ["error", "message"]) else { return nil }
        return FailState(error: name(entries["error"], "error"), message: entries["message"].map(reader.template))
    }
}
