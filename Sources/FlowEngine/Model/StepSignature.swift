/// What the engine knows of a step without importing its implementation: its name, typed
/// parameters, result shape, side effects, the error classes it raises and how an in-doubt
/// call is resolved. The validator checks flows against a catalogue of these.
public struct StepSignature: Sendable, Hashable, Codable {
    public struct Parameter: Sendable, Hashable, Codable {
        public var name: String
        public var type: ValueType
        public var required: Bool
        public var summary: String

        public init(_ name: String, _ type: ValueType, required: Bool = true, _ summary: String = "") {
            self.name = name
            self.type = type
            self.required = required
            self.summary = summary
        }
    }

    /// What the runtime does with a side effect recorded as started but never completed.
    public enum InDoubtPolicy: String, Sendable, Hashable, Codable {
        /// Ask the provider whether it happened (e.g. Twilio's message list), then decide.
        case lookup
        /// Safe to do again (the provider deduplicates, or a duplicate is harmless).
        case resend
        /// Never repeat; mark failed and raise an operations alert.
        case alert
    }

    /// `twilio.send_template`, `aeroapi.flight`, …
    public var name: String
    public var summary: String
    public var parameters: [Parameter]
    /// Shape of the result, as documentation and for `save` typing.
    public var result: ValueType
    /// Whether a call changes the world (sends a message, charges money).
    public var sideEffects: Bool
    /// The error classes a call can fail with.
    public var errors: Set<ErrorClass>
    public var inDoubt: InDoubtPolicy
    /// For a step whose side effects depend on one argument (`http.request`'s `method`): the
    /// calls that change nothing. nil: `sideEffects` holds for every call.
    public var pureWhen: PureWhen?

    /// The calls of a side-effecting step that change nothing: those whose `parameter` is one of
    /// `values` (`GET`), or is absent when `absentIsPure`.
    public struct PureWhen: Sendable, Hashable, Codable {
        public var parameter: String
        public var values: Set<String>
        public var absentIsPure: Bool

        public init(parameter: String, values: Set<String>, absentIsPure: Bool) {
            self.parameter = parameter
            self.values = values
            self.absentIsPure = absentIsPure
        }
    }

    public init(
        name: String, summary: String, parameters: [Parameter], result: ValueType = .object,
        sideEffects: Bool, errors: Set<ErrorClass>, inDoubt: InDoubtPolicy = .resend, pureWhen: PureWhen? = nil
    ) {
        self.name = name
        self.summary = summary
        self.parameters = parameters
        self.result = result
        self.sideEffects = sideEffects
        self.errors = errors
        self.inDoubt = inDoubt
        self.pureWhen = pureWhen
    }

    /// Whether a call with these (evaluated) arguments changes the world: the executor sends it
    /// through the effect ledger when it does.
    public func hasSideEffects(_ arguments: [String: Value]) -> Bool {
        guard sideEffects, let pureWhen else { return sideEffects }
        guard let value = arguments[pureWhen.parameter], !value.isNull else { return !pureWhen.absentIsPure }
        guard let text = value.stringValue else { return true }
        return !pureWhen.values.contains(text.uppercased())
    }

    /// Whether a state calling this step may change the world, judged from its literal arguments
    /// (the validator's view: an argument computed by an expression may name any value).
    public func mayHaveSideEffects(_ step: StepState) -> Bool {
        guard sideEffects, let pureWhen else { return sideEffects }
        guard let argument = step.argument(named: pureWhen.parameter) else { return !pureWhen.absentIsPure }
        guard let literal = argument.value.literalValue else { return true }
        return hasSideEffects([pureWhen.parameter: literal])
    }

    public func parameter(named name: String) -> Parameter? { parameters.first { $0.name == name } }
}

/// The steps a validator knows, by name.
public struct StepCatalogue: Sendable {
    public private(set) var signatures: [String: StepSignature]
    /// What event triggers may name in `records:` (the recorders a product provides).
    public private(set) var recorders: Set<String>
    /// The hosts `http.request` may call (the daemon's `FLOW_HTTP_ALLOW_HOSTS`): a literal host
    /// outside it is F120. nil: not configured here (plain `flowctl validate`), literal hosts are
    /// not judged.
    public private(set) var allowedHosts: HostAllowList?

    public init(_ signatures: [StepSignature], recorders: Set<String> = [], allowedHosts: HostAllowList? = nil) {
        self.signatures = Dictionary(signatures.map { ($0.name, $0) }, uniquingKeysWith: { _, last in last })
        self.recorders = recorders
        self.allowedHosts = allowedHosts
    }

    public subscript(name: String) -> StepSignature? { signatures[name] }

    public var names: [String] { signatures.keys.sorted() }

    public func adding(_ more: [StepSignature]) -> StepCatalogue {
        StepCatalogue(Array(signatures.values) + more, recorders: recorders, allowedHosts: allowedHosts)
    }

    /// This catalogue judging `http.request`'s literal hosts against `hosts`.
    public func allowing(hosts: HostAllowList?) -> StepCatalogue {
        var copy = self
        copy.allowedHosts = hosts
        return copy
    }
}
