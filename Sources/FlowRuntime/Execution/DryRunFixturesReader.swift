package import FlowEngine

/// Typed, located reads of a fixtures document; the first problem throws with its place.
package struct DryRunFixturesReader {
    package init() {}

    package typealias Members = [String: LocatedDocument]

    package func map(_ node: LocatedDocument, _ what: String, allowed: [String]) throws(LocatedError) -> Members {
        guard case .map(let pairs) = node.content else {
            throw LocatedError("\(what) must be a map, not \(node.kindName)", at: node.location)
        }
        var members: Members = [:]
        for pair in pairs {
            guard allowed.contains(pair.key) else {
                var message = "unknown key '\(pair.key)' in \(what)"
                if let suggestion = Spelling.closest(to: pair.key, in: allowed) {
                    message += "; did you mean '\(suggestion)'?"
                } else {
                    message += " (allowed: \(allowed.joined(separator: ", ")))"
                }
                throw LocatedError(message, at: pair.at ?? node.location)
            }
            members[pair.key] = pair.value
        }
        return members
    }

    package func list(_ node: LocatedDocument?, _ what: String) throws(LocatedError) -> [LocatedDocument] {
        guard let node else { return [] }
        guard case .list(let items) = node.content else {
            throw LocatedError("\(what) must be a list, not \(node.kindName)", at: node.location)
        }
        return items
    }

    package func instant(_ node: LocatedDocument, _ what: String) throws(LocatedError) -> Instant {
        if case .scalar(.instant(let instant)) = node.content { return instant }
        guard case .scalar(.string(let text)) = node.content, let instant = Instant(iso8601: text) else {
            let shown = node.value.stringValue ?? node.value.jsonText
            throw LocatedError("\(what) must be an ISO-8601 instant such as 2026-07-08T10:00:00Z, not '\(shown)'",
                              at: node.location)
        }
        return instant
    }

    package func string(_ node: LocatedDocument, _ what: String) throws(LocatedError) -> String {
        guard case .scalar(.string(let text)) = node.content, !text.isEmpty else {
            throw LocatedError("\(what) must be non-empty text, not \(node.kindName)", at: node.location)
        }
        return text
    }

    package func required(_ members: Members, _ key: String, in what: String, at node: LocatedDocument) throws(LocatedError)
        -> LocatedDocument
    {
        guard let value = members[key] else { throw LocatedError("\(what) needs `\(key)`", at: node.location) }
        return value
    }

    /// A provider timeline: `from` instants ascending; an entry without `from` only first (or,
    /// for OpenAI, every entry without `from`: answers in call order).
    func answers(_ node: LocatedDocument?, _ key: String, okStatus: Int, bodyKeys: [String]) throws(LocatedError)
        -> [DryRunFixtures.Answer]
    {
        var out: [DryRunFixtures.Answer] = []
        let items = try list(node, key)
        for (index, item) in items.enumerated() {
            let what = "\(key)[\(index)]"
            let entry = try map(item, what, allowed: ["from", "status", "body"] + bodyKeys)
            var from: Instant?
            if let node = entry["from"] { from = try instant(node, "\(what).from") }
            var status = okStatus
            if let node = entry["status"] {
                guard case .scalar(.number(let number)) = node.content, number == number.rounded(), (100...599).contains(number)
                else { throw LocatedError("\(what).status must be an HTTP status code (100–599)", at: node.location) }
                status = Int(number)
            }
            if key == "aeroapi", let flights = entry["flights"] {
                for (position, flight) in try list(flights, "\(what).flights").enumerated() {
                    guard case .map = flight.content else {
                        throw LocatedError("\(what).flights[\(position)] must be a map (an AeroAPI flight object)",
                                          at: flight.location)
                    }
                }
            }
            var body = entry["body"]?.value ?? .null
            if entry["body"] == nil {
                var members: [String: Value] = [:]
                for bodyKey in bodyKeys { if let value = entry[bodyKey] { members[bodyKey] = value.value } }
                if key == "aeroapi" {
                    members["flights"] = members["flights"] ?? []
                    members["links"] = members["links"] ?? .null
                    members["num_pages"] = members["num_pages"] ?? 1
                }
                body = members.isEmpty ? .null : .object(members)
            }
            if let previous = out.last {
                switch (previous.from, from) {
                case (let earlier?, let later?) where later <= earlier:
                    throw LocatedError("\(what).from (\(later)) must come after \(key)[\(index - 1)].from (\(earlier)); "
                                        + "entries are a timeline in ascending order", at: entry["from"]?.location)
                case (_, nil) where key != "openai" || previous.from != nil:
                    throw LocatedError("\(what) needs `from`: only the first entry may omit it", at: item.location)
                case (nil, _?) where key == "openai":
                    throw LocatedError("\(what) has `from` but \(key)[\(index - 1)] has not: give every entry `from` "
                                        + "(a timeline) or none (call order)", at: entry["from"]?.location)
                default: break
                }
            }
            out.append(DryRunFixtures.Answer(from: from, status: status, body: body))
        }
        return out
    }

    /// The `http` section: `{url, method?, from?, status?, body?}` entries, each answering the calls
    /// whose URL starts with `url`; entries for one URL and method are a timeline by `from`.
    func httpAnswers(_ node: LocatedDocument?) throws(LocatedError) -> [DryRunFixtures.HTTPAnswer] {
        var out: [DryRunFixtures.HTTPAnswer] = []
        for (index, item) in try list(node, "http").enumerated() {
            let what = "http[\(index)]"
            let entry = try map(item, what, allowed: ["url", "method", "from", "status", "body"])
            let urlNode = try required(entry, "url", in: what, at: item)
            let url = try string(urlNode, "\(what).url")
            guard case .success? = URLAuthority.parse(url) else {
                throw LocatedError("\(what).url must be an absolute http or https URL", at: urlNode.location)
            }
            var method: String?
            if let node = entry["method"] {
                let name = try string(node, "\(what).method").uppercased()
                guard ["GET", "POST", "PUT", "PATCH", "DELETE"].contains(name) else {
                    throw LocatedError("\(what).method must be GET, POST, PUT, PATCH or DELETE", at: node.location)
                }
                method = name
            }
            var from: Instant?
            if let node = entry["from"] { from = try instant(node, "\(what).from") }
            var status = 200
            if let node = entry["status"] {
                guard case .scalar(.number(let number)) = node.content, number == number.rounded(),
                      (100...599).contains(number)
                else { throw LocatedError("\(what).status must be an HTTP status code (100–599)", at: node.location) }
                status = Int(number)
            }
            if let previous = out.last(where: { $0.url == url && $0.method == method }) {
                let earlier = previous.answer.from ?? Instant(epochMilliseconds: .min)
                guard let later = from, later > earlier else {
                    throw LocatedError(
                        "\(what) answers the same url and method as an earlier entry: give it a later `from`",
                        at: item.location)
                }
            }
            let answer = DryRunFixtures.Answer(from: from, status: status, body: entry["body"]?.value ?? .null)
            out.append(DryRunFixtures.HTTPAnswer(method: method, url: url, answer: answer))
        }
        return out
    }

    func approvals(_ node: LocatedDocument?) throws(LocatedError) -> [DryRunFixtures.Approval] {
        var out: [DryRunFixtures.Approval] = []
        for (index, item) in try list(node, "approvals").enumerated() {
            let what = "approvals[\(index)]"
            let entry = try map(item, what, allowed: ["at", "decision", "by", "notes", "values"])
            let at = try instant(try required(entry, "at", in: what, at: item), "\(what).at")
            let decisionNode = try required(entry, "decision", in: what, at: item)
            guard let outcome = decisionNode.value.stringValue.flatMap(ApprovalDecision.Outcome.init(rawValue:)) else {
                throw LocatedError("\(what).decision must be approve or reject", at: decisionNode.location)
            }
            let by = try entry["by"].map { node throws(LocatedError) in try string(node, "\(what).by") }
            let notes = try entry["notes"].map { node throws(LocatedError) in try string(node, "\(what).notes") }
            if let values = entry["values"], case .scalar = values.content {
                throw LocatedError("\(what).values must be a map", at: values.location)
            }
            out.append(DryRunFixtures.Approval(
                at: at, decision: ApprovalDecision(outcome, by: by, notes: notes, values: entry["values"]?.value)))
        }
        return out
    }

    func events(_ node: LocatedDocument?) throws(LocatedError) -> [DryRunFixtures.Event] {
        var out: [DryRunFixtures.Event] = []
        for (index, item) in try list(node, "events").enumerated() {
            let what = "events[\(index)]"
            let entry = try map(item, what, allowed: ["at", "name", "key", "payload"])
            let at = try instant(try required(entry, "at", in: what, at: item), "\(what).at")
            let name = try string(try required(entry, "name", in: what, at: item), "\(what).name")
            let key = try entry["key"].map { node throws(LocatedError) in try string(node, "\(what).key") }
            out.append(DryRunFixtures.Event(at: at, name: name, key: key, payload: entry["payload"]?.value ?? .null))
        }
        return out
    }

    func resumes(_ node: LocatedDocument?) throws(LocatedError) -> [DryRunFixtures.Resume] {
        var out: [DryRunFixtures.Resume] = []
        for (index, item) in try list(node, "resumes").enumerated() {
            let what = "resumes[\(index)]"
            let entry = try map(item, what, allowed: ["at", "action", "by", "note"])
            let at = try instant(try required(entry, "at", in: what, at: item), "\(what).at")
            var action = ResumeRequest.Action.retry
            if let node = entry["action"] {
                guard let named = node.value.stringValue.flatMap(ResumeRequest.Action.init(rawValue:)) else {
                    throw LocatedError("\(what).action must be retry or fail", at: node.location)
                }
                action = named
            }
            let by = try entry["by"].map { node throws(LocatedError) in try string(node, "\(what).by") }
            let note = try entry["note"].map { node throws(LocatedError) in try string(node, "\(what).note") }
            out.append(DryRunFixtures.Resume(at: at, request: ResumeRequest(action, by: by, note: note)))
        }
        return out
    }
}
