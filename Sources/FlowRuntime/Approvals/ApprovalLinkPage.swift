public import FlowEngine

/// The one-page HTML views of a signed approval link: the decision form (the request as declared,
/// the expiry, approve/reject with notes: a plain form POST, no JavaScript, labelled controls, sized
/// for a phone) and the short pages that answer a decision or a refusal. Everything shown is escaped.
public enum ApprovalLinkPage {
    /// The decision form for `row` as `approver` sees it at `now`.
    public static func form(_ row: ApprovalRecord, approver: String, at now: Instant) -> String {
        let request = row.request
        var body = "<h1>\(escape(request["summary"]?.stringValue ?? "Approval requested"))</h1>\n"
        body += "<dl>\n"
        body += term("Kind", request["kind"]?.stringValue ?? row.kind)
        if let amount = request["amount"], amount != .null {
            let currency = request["currency"]?.stringValue.map { " " + $0 } ?? ""
            body += term("Amount", text(amount) + currency)
        }
        body += term("Version", request["version"].flatMap { $0 == .null ? nil : text($0) })
        body += term("Requested by flow", "\(row.flow) (\(row.state))")
        body += term("You decide as", approver)
        if let expires = row.expiresAt {
            body += term("Expires", "\(expires.iso8601) (in \(remaining(expires - now)))")
        }
        body += "</dl>\n"
        if let items = request["items"]?.arrayValue, !items.isEmpty {
            body += "<h2>Items</h2>\n<ul>\n" + items.map { "<li>\(escape(text($0)))</li>\n" }.joined() + "</ul>\n"
        }
        if let details = request["details"]?.objectValue, !details.isEmpty {
            body += "<h2>Details</h2>\n<dl>\n"
            for key in details.keys.sorted() { body += term(key, text(details[key]!)) }
            body += "</dl>\n"
        }
        body += """
            <form method="post">
            <label for="notes">Notes (optional)</label>
            <textarea id="notes" name="notes" rows="3" maxlength="2000"></textarea>
            <div class="buttons">
            <button type="submit" name="decision" value="approve">Approve</button>
            <button type="submit" name="decision" value="reject" class="reject">Reject</button>
            </div>
            </form>
            <p class="small">This link works once and only for you; it ends when the approval is decided or expires.</p>

            """
        return page(title: "Approval: " + (request["summary"]?.stringValue ?? row.id), body: body)
    }

    /// A short page: `heading` and one paragraph.
    public static func message(_ heading: String, _ text: String) -> String {
        page(title: heading, body: "<h1>\(escape(heading))</h1>\n<p>\(escape(text))</p>\n")
    }

    static func page(title: String, body: String) -> String {
        """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="referrer" content="no-referrer">
        <title>\(escape(title))</title>
        <style>
        body{font-family:system-ui,sans-serif;max-width:36rem;margin:0 auto;padding:1rem;line-height:1.5}
        dt{font-weight:600}dd{margin:0 0 .5rem 0}
        label{display:block;font-weight:600;margin-top:1rem}
        textarea{width:100%;box-sizing:border-box;font:inherit}
        .buttons{display:flex;gap:1rem;margin-top:1rem}
        button{flex:1;font:inherit;padding:.8rem;border-radius:.4rem;border:1px solid #333;background:#0a6d2c;color:#fff}
        button.reject{background:#9b1c1c}.small{font-size:.85rem;color:#555}
        </style>
        </head>
        <body>
        <main>
        \(body)</main>
        </body>
        </html>

        """
    }

    static func term(_ name: String, _ value: String?) -> String {
        guard let value else { return "" }
        return "<dt>\(escape(name))</dt><dd>\(escape(value))</dd>\n"
    }

    static func text(_ value: Value) -> String { value.stringValue ?? value.jsonText }

    /// `3h 12m`, `4m 10s`, `12s`.
    static func remaining(_ span: TimeSpan) -> String {
        let seconds = max(0, span.milliseconds / 1000)
        let (h, m, s) = (seconds / 3600, seconds % 3600 / 60, seconds % 60)
        if h > 0 { return "\(h)h \(m)m" }
        if m > 0 { return "\(m)m \(s)s" }
        return "\(s)s"
    }

    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.count)
        for c in text {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }
}
