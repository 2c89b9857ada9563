public import FlowEngine
public import Hummingbird

/// `POST /instances/{id}/replay` `{flow_source, until?}`: the instance's recorded inputs and provider
/// answers through the flow version in `flow_source` (YAML text), on the virtual clock; 200 with the
/// diff of the two timelines (`ReplayReport.json`). Scoped to the key's agency like every instance
/// route (another agency's instance is 404). 422 when the source does not validate (every
/// diagnostic with its line and column), names another flow, or the body has an unknown field.
public enum ReplayRoutes {
    /// The body's fields.
    static let fields = ["flow_source", "until"]

    public static func add<Context: AuthenticatedRequestContext, Store: FlowStore>(
        to router: Router<Context>, store: Store, product: any FlowProduct
    ) {
        router.post("instances/:id/replay") { request, context -> Response in
            let id = try context.parameters.require("id")
            let record = try await InstanceRoutes.visible(id, to: try context.requireIdentity(), store)
            let body = try await APIResponse.body(of: request)
            guard case .object(let members) = body else {
                throw APIError.badRequest("the body must be a JSON object {flow_source, until?}")
            }
            if let unknown = Set(members.keys).subtracting(fields).sorted().first {
                throw APIError.unprocessable("unknown field '\(unknown)' (flow_source, until)")
            }
            guard let text = members["flow_source"]?.stringValue else {
                throw APIError.unprocessable("flow_source: required, the new version's YAML text")
            }
            var until: Instant?
            if let given = members["until"], !given.isNull {
                guard let parsed = given.stringValue.flatMap(Instant.init(iso8601:)) else {
                    throw APIError.unprocessable("until: must be an ISO-8601 instant (2026-07-06T10:00:00Z)")
                }
                until = parsed
            }
            let source = SourceFile(path: "flow_source", text: text)
            let (loaded, diagnostics) = Replay.validate(source)
            guard let loaded else { return invalid(diagnostics) }
            do {
                let report = try await StoredReplay(store: store, flow: loaded, product: product)
                    .replay(record, until: until)
                return APIResponse.json(report.json)
            } catch let refusal as StoredReplay<Store>.Refusal {
                throw APIError.unprocessable(refusal.description)
            }
        }
    }

    /// 422 `{error: {code: "invalid_flow", message, diagnostics: [...]}}`; the message is the first
    /// error as `flow_source:line:col: error[CODE]: …`.
    static func invalid(_ diagnostics: [Diagnostic]) -> Response {
        let errors = diagnostics.filter { $0.severity == .error }
        let first = errors.first.map(\.description) ?? "not a flow document"
        let count = errors.count == 1 ? "1 error" : "\(errors.count) errors"
        let body: Value = ["error": [
            "code": "invalid_flow", "message": .string("\(count); nothing was replayed. \(first)"),
            "diagnostics": .array(diagnostics.map(\.json)),
        ]]
        return APIResponse.json(body, status: .unprocessableContent)
    }
}
