import Testing

/// Valid flow and agency documents and broken variants of them that both the JSON Schemas and
/// `flowctl validate` must refuse, each with the diagnostic code the validator gives.
enum SchemaBrokenDocuments {
    /// Which schema a document is checked against.
    enum Kind: String, Sendable {
        case flow
        case agency
    }

    /// A broken variant of a valid document: `replace` becomes `with` (the text must occur).
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var kind: Kind
        var replace: String
        var with: String
        /// The code `flowctl validate` reports for it.
        var code: String

        var testDescription: String { "\(kind.rawValue): \(name) (\(code))" }

        /// The valid document this case breaks.
        var original: String { kind == .flow ? SchemaBrokenDocuments.flow : SchemaBrokenDocuments.agency }

        /// The broken document.
        var document: String { original.replacingOccurrences(of: replace, with: with) }
    }

    /// The refund flow of the graph tests (every state kind) with a trigger and a setting.
    static let flow = GraphCommandTests.refund.replacingOccurrences(of: "\nstart: lookup\n", with: """

        triggers:
          - event: refund.requested
            key: ${{ input.phone }}
        settings:
          review_within: { type: duration, default: 48h, min: 1h, max: 72h, overridable: true }
        start: lookup

        """)

    /// An agency document for `workflows/flight-notifications.yaml`.
    static let agency = """
        agency: acme
        name: ACME Viajes
        flows:
          flight-notifications:
            settings:
              quiet_hours: "21:00-08:00"
              reminder_before: 36h

        """

    static let cases: [Case] = [
        // Flow header and declarations.
        Case(name: "missing start", kind: .flow, replace: "\nstart: lookup\n", with: "\n", code: "Y005"),
        Case(name: "unknown top-level key", kind: .flow, replace: "\nstart: lookup\n",
             with: "\nowner: ops\nstart: lookup\n", code: "Y004"),
        Case(name: "flow name not a lowercase identifier", kind: .flow, replace: "flow: refund", with: "flow: Refund",
             code: "F118"),
        Case(name: "version not a number", kind: .flow, replace: "version: 1", with: "version: one", code: "Y003"),
        Case(name: "trigger with event and schedule", kind: .flow, replace: "  - event: refund.requested\n",
             with: "  - event: refund.requested\n    schedule: { cron: \"0 9 * * *\", zone: UTC }\n", code: "Y009"),
        Case(name: "input field without a type", kind: .flow, replace: "amount: { type: number }",
             with: "amount: { required: true }", code: "Y005"),
        Case(name: "setting default of the wrong type", kind: .flow, replace: "default: 48h", with: "default: 48",
             code: "S502"),
        Case(name: "unknown setting type", kind: .flow, replace: "type: duration, default: 48h",
             with: "type: durations, default: 48h", code: "S501"),
        Case(name: "unknown key in a setting", kind: .flow, replace: "overridable: true }",
             with: "overridable: true, secret: true }", code: "Y004"),
        // States.
        Case(name: "unknown key in a state", kind: .flow, replace: "  route:\n    choice:",
             with: "  route:\n    colour: red\n    choice:", code: "Y004"),
        Case(name: "unknown state kind", kind: .flow, replace: "\n  done: { succeed: true }",
             with: "\n  done: { finish: true }", code: "Y004"),
        Case(name: "two state kinds", kind: .flow, replace: "\n  done: { succeed: true }",
             with: "\n  done: { succeed: true, fail: oops }", code: "Y009"),
        Case(name: "unknown step", kind: .flow, replace: "step: aeroapi.flight", with: "step: aeroapi.flights",
             code: "F108"),
        Case(name: "step without next", kind: .flow, replace: "              next: ok\n", with: "", code: "F112"),
        Case(name: "unknown error class", kind: .flow, replace: "on: [transient, timeout, limit]",
             with: "on: [transient, flaky]", code: "F113"),
        Case(name: "retry with zero attempts", kind: .flow, replace: "max_attempts: 3", with: "max_attempts: 0",
             code: "F117"),
        Case(name: "choice without default", kind: .flow, replace: "    default: done\n", with: "", code: "F112"),
        Case(name: "approval without expires_in", kind: .flow, replace: "      expires_in: 48h\n", with: "",
             code: "F105"),
        Case(name: "approval without on_reject", kind: .flow, replace: "      on_reject: failed\n", with: "",
             code: "F112"),
        Case(name: "duration that does not parse", kind: .flow, replace: "expires_in: 48h",
             with: "expires_in: 48 hours", code: "T201"),
        Case(name: "unknown key in an approval request", kind: .flow, replace: "        currency: USD\n",
             with: "        currency: USD\n        colour: red\n", code: "Y004"),
        Case(name: "event wait without timeout", kind: .flow, replace: "        timeout: 24h\n", with: "",
             code: "F104"),
        Case(name: "event wait with save beside event", kind: .flow, replace: "        on_timeout: failed\n",
             with: "        on_timeout: failed\n      save: reply\n", code: "Y009"),
        Case(name: "for_each without max_items", kind: .flow, replace: "      max_items: 5\n", with: "", code: "F116"),
        Case(name: "parallel next inside and beside", kind: .flow, replace: "    parallel:\n      branches:",
             with: "    parallel:\n      next: approve\n      branches:", code: "Y009"),
        Case(name: "set of a name that is not an identifier", kind: .flow, replace: "set: { seen: true }",
             with: "set: { Seen: true }", code: "F118"),
        // Agency documents.
        Case(name: "missing agency", kind: .agency, replace: "agency: acme\n", with: "", code: "Y005"),
        Case(name: "agency id not a lowercase identifier", kind: .agency, replace: "agency: acme", with: "agency: ACME",
             code: "F118"),
        Case(name: "unknown top-level key", kind: .agency, replace: "name: ACME Viajes\n",
             with: "name: ACME Viajes\nowner: ops\n", code: "Y004"),
        Case(name: "unknown key in a flow's overrides", kind: .agency, replace: "    settings:\n",
             with: "    templates: { reminder: recordatorio }\n    settings:\n", code: "Y004"),
        Case(name: "settings as a list", kind: .agency,
             replace: "    settings:\n      quiet_hours: \"21:00-08:00\"\n      reminder_before: 36h\n",
             with: "    settings: [quiet_hours]\n", code: "Y003"),
        Case(name: "null name", kind: .agency, replace: "name: ACME Viajes", with: "name: ~", code: "Y003"),
    ]
}
