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

    public init(
        name: String, summary: String, parameters: [Parameter], result: ValueType = .object,
        sideEffects: Bool, errors: Set<ErrorClass>, inDoubt: InDoubtPolicy = .resend
    ) {
        self.name = name
        self.summary = summary
        self.parameters = parameters
        self.result = result
        self.sideEffects = sideEffects
        self.errors = errors
        self.inDoubt = inDoubt
    }

    public func parameter(named name: String) -> Parameter? { parameters.first { $0.name == name } }
}

/// The steps a validator knows, by name.
public struct StepCatalogue: Sendable {
    public private(set) var signatures: [String: StepSignature]
    /// What event triggers may name in `records:` (the recorders a product provides).
    public private(set) var recorders: Set<String>

    public init(_ signatures: [StepSignature], recorders: Set<String> = []) {
        self.signatures = Dictionary(signatures.map { ($0.name, $0) }, uniquingKeysWith: { _, last in last })
        self.recorders = recorders
    }

    public subscript(name: String) -> StepSignature? { signatures[name] }

    public var names: [String] { signatures.keys.sorted() }

    public func adding(_ more: [StepSignature]) -> StepCatalogue {
        StepCatalogue(Array(signatures.values) + more, recorders: recorders)
    }
}
