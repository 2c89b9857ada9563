/// One flow document, as loaded: every node knows its file, line and column.
public struct Flow: Sendable {
    /// Unique within a workflow directory; a lowercase identifier (`flight-notifications`).
    public var name: Located<String>
    /// Declared version; the registry also pins a content hash.
    public var version: Located<Int>
    public var description: String?
    public var triggers: [Trigger]
    public var input: [InputField]
    public var settings: [SettingDeclaration]
    /// The states, with the one the flow starts in.
    public var graph: StateGraph
    /// Where the document starts.
    public var location: SourceLocation

    public init(
        name: Located<String>, version: Located<Int>, description: String?, triggers: [Trigger],
        input: [InputField], settings: [SettingDeclaration], graph: StateGraph, location: SourceLocation
    ) {
        self.name = name
        self.version = version
        self.description = description
        self.triggers = triggers
        self.input = input
        self.settings = settings
        self.graph = graph
        self.location = location
    }

    public func setting(named name: String) -> SettingDeclaration? { settings.first { $0.name.value == name } }
}

/// A start state and the states it can reach; flows, parallel branches and for_each bodies each have one.
public struct StateGraph: Sendable {
    public var start: Located<String>
    /// In document order.
    public var states: [State] {
        didSet {
            positions = Self.positions(of: states)
            enteredEntries = Self.enteredEntries(of: states)
        }
    }
    /// Position in `states` by name (the first state, when a name repeats), built once per change of `states`.
    private var positions: [String: Int]
    /// The interpreter's `state_entered` timeline entry for each state of `states`, in order,
    /// built once per change of `states` instead of on every entry.
    private var enteredEntries: [TimelineEntry]

    public init(start: Located<String>, states: [State]) {
        self.start = start
        self.states = states
        self.positions = Self.positions(of: states)
        self.enteredEntries = Self.enteredEntries(of: states)
    }

    /// The state called `name` (the first one, when invalid documents repeat a name).
    public func state(named name: String) -> State? { positions[name].map { states[$0] } }

    /// The state called `name` with its `state_entered` timeline entry.
    func entry(named name: String) -> (state: State, entered: TimelineEntry)? {
        guard let position = positions[name] else { return nil }
        return (states[position], enteredEntries[position])
    }

    private static func enteredEntries(of states: [State]) -> [TimelineEntry] {
        states.map { .stateEntered(state: $0.name.value) }
    }

    private static func positions(of states: [State]) -> [String: Int] {
        Dictionary(states.indices.map { (states[$0].name.value, $0) }, uniquingKeysWith: { first, _ in first })
    }
}

/// A typed field of the flow's `input`.
public struct InputField: Sendable {
    public var name: Located<String>
    public var type: Located<ValueType>
    public var required: Bool
    public var description: String?
    /// Declared fields of an object input (`properties`), checked like the input itself.
    public var properties: [InputField]

    public init(
        name: Located<String>, type: Located<ValueType>, required: Bool, description: String? = nil,
        properties: [InputField] = []
    ) {
        self.name = name
        self.type = type
        self.required = required
        self.description = description
        self.properties = properties
    }
}

/// A knob with a default and bounds; `overridable` ones are all an agency may change.
public struct SettingDeclaration: Sendable {
    public var name: Located<String>
    public var type: Located<ValueType>
    public var defaultValue: Located<Value>
    public var min: Located<Value>?
    public var max: Located<Value>?
    /// Allowed values, when the setting is an enumeration.
    public var allowed: [Value]?
    public var overridable: Bool
    public var description: String?

    public init(
        name: Located<String>, type: Located<ValueType>, defaultValue: Located<Value>, min: Located<Value>? = nil,
        max: Located<Value>? = nil, allowed: [Value]? = nil, overridable: Bool, description: String? = nil
    ) {
        self.name = name
        self.type = type
        self.defaultValue = defaultValue
        self.min = min
        self.max = max
        self.allowed = allowed
        self.overridable = overridable
        self.description = description
    }
}
