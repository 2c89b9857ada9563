/// Reads one flow document into the model, reporting every problem at its line and column.
///
/// Never traps: a broken subtree yields diagnostics and is skipped; the rest is still read.
/// The flow is nil only when the document has no usable root mapping.
public enum FlowLoader {
    /// The keys of a flow document.
    static let headerKeys = ["flow", "version", "description", "triggers", "input", "settings", "start", "states"]

    /// Benchmark probe: composes the YAML only.
    public static func composeOnly(_ file: SourceFile) -> Int { YAMLDocument(file).diagnostics.count }

    /// Loads a flow document.
    /// - Parameter file: the document's path and text.
    /// - Returns: the flow (nil when nothing usable was found) and the loader's diagnostics.
    public static func load(_ file: SourceFile) -> (Flow?, [Diagnostic]) {
        let document = YAMLDocument(file)
        guard let root = document.root else { return (nil, document.diagnostics) }
        let reader = NodeReader(file: file, tree: document.tree)
        let flow = FlowDocumentReader(reader: reader).flow(root)
        return (flow, document.diagnostics + reader.diagnostics)
    }
}

/// The flow-level reads; states are in `FlowDocumentReader+States.swift`.
struct FlowDocumentReader {
    let reader: NodeReader

    func flow(_ root: YAMLNode) -> Flow? {
        guard let entries = reader.mapping(root, "a flow document", allowed: FlowLoader.headerKeys) else { return nil }
        let start = reader.location(root)
        var name = Located("", at: start)
        if let node = entries["flow"], let text = reader.string(node, "flow") { name = text }
        else if !entries.has("flow") { reader.error(.missingKey, "a flow document needs 'flow: <name>'", at: start) }
        var version = Located(1, at: start)
        if let node = entries["version"], let number = reader.int(node, "version") {
            version = number
            if number.value < 1 { reader.error(.invalidValue, "version must be 1 or more", at: number.location) }
        } else if !entries.has("version") {
            reader.error(.missingKey, "a flow document needs 'version: <number>'", at: start)
        }
        let description = entries["description"].flatMap { reader.string($0, "description")?.value }
        let triggers = entries["triggers"].map(triggers) ?? []
        let input = entries["input"].map { inputFields($0, "input") } ?? []
        let settings = entries["settings"].map(settings) ?? []
        let graph = stateGraph(start: entries["start"], states: entries["states"], at: start, what: "the flow")
        return Flow(
            name: name, version: version, description: description, triggers: triggers, input: input,
            settings: settings, graph: graph, location: start)
    }

    /// `start` + `states` of a flow, a parallel branch or a for_each body.
    func stateGraph(start startNode: YAMLNode?, states statesNode: YAMLNode?, at location: SourceLocation, what: String)
        -> StateGraph
    {
        var start = Located("", at: location)
        if let startNode, let name = reader.string(startNode, "start") { start = name }
        else if startNode == nil { reader.error(.missingKey, "\(what) needs 'start: <state>'", at: location) }
        var states: [State] = []
        if let statesNode, let entries = reader.mapping(statesNode, "states") {
            states = entries.pairs.compactMap { state(named: $0.key, $0.value) }
        } else if statesNode == nil {
            reader.error(.missingKey, "\(what) needs 'states:'", at: location)
        }
        return StateGraph(start: start, states: states)
    }

    // MARK: Triggers

    func triggers(_ node: YAMLNode) -> [Trigger] {
        guard let items = reader.sequence(node, "triggers") else { return [] }
        return items.compactMap(trigger)
    }

    private func trigger(_ node: YAMLNode) -> Trigger? {
        let keys = ["event", "key", "input", "agency", "records", "schedule"]
        guard let entries = reader.mapping(node, "a trigger", allowed: keys) else { return nil }
        let at = reader.location(node)
        if entries.has("event") && entries.has("schedule") {
            reader.error(.conflictingKeys, "a trigger is either 'event' or 'schedule', not both", at: at)
            return nil
        }
        if let eventNode = entries["event"] {
            guard let event = reader.string(eventNode, "event") else { return nil }
            let records = entries["records"].flatMap { reader.string($0, "records") }
            return .event(EventTrigger(
                event: event, key: entries["key"].map(reader.template), input: entries["input"].map(reader.template),
                agency: entries["agency"].map(reader.template), records: records, location: at))
        }
        if let scheduleNode = entries["schedule"] {
            for name in ["key", "agency", "records"] {
                if let key = entries.key(name) {
                    reader.error(.invalidValue, "'\(name)' belongs to event triggers", at: key.location)
                }
            }
            return schedule(scheduleNode, input: entries["input"], at: at)
        }
        reader.error(.missingKey, "a trigger needs 'event:' or 'schedule:'", at: at)
        return nil
    }

    private func schedule(_ node: YAMLNode, input: YAMLNode?, at: SourceLocation) -> Trigger? {
        let keys = ["cron", "zone", "dst", "catch_up", "input"]
        guard let entries = reader.mapping(node, "a schedule", allowed: keys) else { return nil }
        let here = reader.location(node)
        guard let cron = required(entries, "cron", in: "a schedule", at: here).flatMap({ reader.string($0, "cron") }),
              let zone = required(entries, "zone", in: "a schedule", at: here).flatMap({ reader.string($0, "zone") })
        else { return nil }
        let dst = entries["dst"].flatMap { reader.choice($0, "dst", as: ScheduleTrigger.DSTPolicy.self) }
        let catchUp = entries["catch_up"].flatMap { reader.choice($0, "catch_up", as: ScheduleTrigger.CatchUpPolicy.self) }
        return .schedule(ScheduleTrigger(
            cron: cron, zone: zone, dst: dst ?? Located(.shift, at: here), catchUp: catchUp ?? Located(.none, at: here),
            input: (entries["input"] ?? input).map(reader.template), location: at))
    }

    // MARK: Input and settings

    func inputFields(_ node: YAMLNode, _ what: String) -> [InputField] {
        guard let entries = reader.mapping(node, what) else { return [] }
        return entries.pairs.compactMap { entry in
            if entry.value.isScalar, let typeName = reader.string(entry.value, "type") {
                return InputField(name: entry.key, type: valueType(typeName), required: true)
            }
            let keys = ["type", "required", "description", "properties"]
            guard let field = reader.mapping(entry.value, "input field '\(entry.key.value)'", allowed: keys) else {
                return nil
            }
            var type = Located(ValueType.any, at: reader.location(entry.value))
            if let node = field["type"], let name = reader.string(node, "type") { type = valueType(name) }
            else if !field.has("type") {
                reader.error(.missingKey, "input field '\(entry.key.value)' needs 'type:'", at: entry.key.location)
            }
            let required = field["required"].flatMap { reader.bool($0, "required") } ?? false
            let description = field["description"].flatMap { reader.string($0, "description")?.value }
            let properties = field["properties"].map { inputFields($0, "properties of '\(entry.key.value)'") } ?? []
            return InputField(
                name: entry.key, type: type, required: required, description: description, properties: properties)
        }
    }

    func settings(_ node: YAMLNode) -> [SettingDeclaration] {
        guard let entries = reader.mapping(node, "settings") else { return [] }
        let keys = ["type", "default", "min", "max", "allowed", "overridable", "description"]
        return entries.pairs.compactMap { entry in
            guard let setting = reader.mapping(entry.value, "setting '\(entry.key.value)'", allowed: keys) else {
                return nil
            }
            var type = Located(ValueType.any, at: entry.key.location)
            if let node = setting["type"], let name = reader.string(node, "type") { type = valueType(name) }
            else if !setting.has("type") {
                reader.error(.missingKey, "setting '\(entry.key.value)' needs 'type:'", at: entry.key.location)
            }
            guard let defaultNode = setting["default"] else {
                reader.error(.missingKey, "setting '\(entry.key.value)' needs 'default:'", at: entry.key.location)
                return nil
            }
            let allowed = setting["allowed"].flatMap { reader.sequence($0, "allowed") }.map { $0.map { reader.value($0).value } }
            return SettingDeclaration(
                name: entry.key, type: type, defaultValue: reader.value(defaultNode),
                min: setting["min"].map(reader.value), max: setting["max"].map(reader.value), allowed: allowed,
                overridable: setting["overridable"].flatMap { reader.bool($0, "overridable") } ?? false,
                description: setting["description"].flatMap { reader.string($0, "description")?.value })
        }
    }

    private func valueType(_ name: Located<String>) -> Located<ValueType> {
        if let type = ValueType(name: name.value) { return Located(type, at: name.location) }
        let known = ["any", "string", "number", "integer", "bool", "instant", "duration", "window", "zone", "list", "object"]
        var message = "unknown type '\(name.value)' (types: \(known.joined(separator: ", ")))"
        if let suggestion = Spelling.closest(to: name.value, in: known) { message += "; did you mean '\(suggestion)'?" }
        reader.error(.invalidSettingType, message, at: name.location)
        return Located(.any, at: name.location)
    }

    /// A required key's value; Y005 at `at` when it is absent.
    func required(_ entries: MappingEntries, _ key: String, in what: String, at: SourceLocation) -> YAMLNode? {
        if let node = entries[key] { return node }
        reader.error(.missingKey, "\(what) needs '\(key):'", at: at)
        return nil
    }
}
