/// `notify:` and `remind:` of an approval state.
extension FlowDocumentReader {
    /// `notify: [ {whatsapp: {to, content_sid, variables?}} | {webhook: {url, credential?}} ]`.
    func approvalNotices(_ node: YAMLNode) -> [ApprovalNotice] {
        guard let items = reader.sequence(node, "notify") else { return [] }
        return items.compactMap { item -> ApprovalNotice? in
            guard let entries = reader.mapping(item, "a notify entry", allowed: ["whatsapp", "webhook"]) else { return nil }
            guard entries.pairs.count == 1, let entry = entries.pairs.first else {
                reader.error(.invalidApprovalNotice, "a notify entry has exactly one of 'whatsapp' or 'webhook'",
                             at: reader.location(item))
                return nil
            }
            let at = entry.key.location
            switch entry.key.value {
            case "whatsapp":
                guard let channel = reader.mapping(entry.value, "whatsapp", allowed: ["to", "content_sid", "variables"]),
                      let to = required(channel, "to", in: "a whatsapp notice", at: at),
                      let contentSid = required(channel, "content_sid", in: "a whatsapp notice", at: at)
                else { return nil }
                let sid = reader.template(contentSid)
                if let literal = sid.literalValue?.stringValue, !Self.isContentSid(literal) {
                    reader.error(.invalidApprovalNotice,
                                 "content_sid '\(literal)' is not a Twilio Content SID (HX followed by 32 hex digits)",
                                 at: sid.location)
                }
                return ApprovalNotice(channel: .whatsapp(to: reader.template(to), contentSid: sid,
                                                         variables: channel["variables"].map(reader.template)),
                                      location: at)
            default:
                guard let channel = reader.mapping(entry.value, "webhook", allowed: ["url", "credential"]),
                      let url = required(channel, "url", in: "a webhook notice", at: at)
                else { return nil }
                let urlTemplate = reader.template(url)
                if let literal = urlTemplate.literalValue?.stringValue,
                   !(literal.hasPrefix("https://") || literal.hasPrefix("http://")) {
                    reader.error(.invalidApprovalNotice, "webhook url '\(literal)' is not an http(s) URL",
                                 at: urlTemplate.location)
                }
                let credential = channel["credential"].flatMap { reader.string($0, "credential") }
                return ApprovalNotice(channel: .webhook(url: urlTemplate, credential: credential), location: at)
            }
        }
    }

    /// `remind: {at: [50%, 2h], escalate: {at, approvers, notify?}}`.
    func approvalReminders(_ node: YAMLNode) -> ApprovalReminders? {
        guard let entries = reader.mapping(node, "remind", allowed: ["at", "escalate"]) else { return nil }
        let here = reader.location(node)
        let points = entries["at"].flatMap { reader.sequenceOrScalar($0, "remind.at") }?.compactMap(reminderPoint) ?? []
        var escalation: ApprovalReminders.Escalation? = nil
        if let escalateNode = entries["escalate"],
           let escalate = reader.mapping(escalateNode, "escalate", allowed: ["at", "approvers", "notify"]) {
            let at = reader.location(escalateNode)
            if let point = required(escalate, "at", in: "an escalation", at: at).flatMap(reminderPoint),
               let approvers = required(escalate, "approvers", in: "an escalation", at: at) {
                escalation = ApprovalReminders.Escalation(
                    at: point, approvers: reader.template(approvers), notify: escalate["notify"].map(approvalNotices))
            }
        }
        if points.isEmpty && escalation == nil {
            reader.error(.invalidApprovalNotice, "remind needs 'at' (e.g. [50%, 90%]) or 'escalate'", at: here)
        }
        return ApprovalReminders(at: points, escalate: escalation, location: here)
    }

    private func reminderPoint(_ node: YAMLNode) -> Located<ReminderPoint>? {
        guard let text = reader.string(node, "a reminder point") else { return nil }
        guard let point = ReminderPoint(parsing: text.value) else {
            reader.error(.invalidApprovalNotice, "'\(text.value)' is not a reminder point (a percentage of expires_in "
                             + "such as 50%, or a duration before expiry such as 2h)", at: text.location)
            return nil
        }
        guard point.isInRange else {
            reader.error(.invalidApprovalNotice, "reminder point '\(text.value)' must lie strictly between the request "
                             + "and expiry (0% < p < 100%, a positive duration)", at: text.location)
            return nil
        }
        return Located(point, at: text.location)
    }

    static func isContentSid(_ text: String) -> Bool {
        text.count == 34 && text.hasPrefix("HX") && text.dropFirst(2).allSatisfy(\.isHexDigit)
    }
}
