/// Reads an agency overrides document:
///
/// ```yaml
/// agency: acme
/// name: ACME Travel
/// flows:
///   flight-notifications:
///     settings: { quiet_hours: "21:00-08:00" }
/// ```
public enum AgencyOverridesLoader {
    /// Loads an overrides document.
    /// - Parameter file: the document's path and text.
    /// - Returns: the overrides (nil when nothing usable was found) and the loader's diagnostics.
    public static func load(_ file: SourceFile) -> (AgencyOverrides?, [Diagnostic]) {
        let document = YAMLDocument(file)
        guard let root = document.root else { return (nil, document.diagnostics) }
        let reader = NodeReader(file: file, tree: document.tree)
        let overrides = read(root, reader)
        return (overrides, document.diagnostics + reader.diagnostics)
    }

    private static func read(_ root: YAMLNode, _ reader: NodeReader) -> AgencyOverrides? {
        guard let entries = reader.mapping(root, "an agency document", allowed: ["agency", "name", "flows"]) else {
            return nil
        }
        let at = reader.location(root)
        guard let agencyNode = entries["agency"] else {
            reader.error(.missingKey, "an agency document needs 'agency: <id>'", at: at)
            return nil
        }
        guard let agency = reader.string(agencyNode, "agency") else { return nil }
        if !NameRule.isIdentifier(agency.value, allowDash: true) {
            reader.error(.invalidName, "agency '\(agency.value)' must be a lowercase identifier", at: agency.location)
        }
        let name = entries["name"].flatMap { reader.string($0, "name")?.value }
        var flows: [AgencyOverrides.FlowOverride] = []
        if let flowsNode = entries["flows"], let flowEntries = reader.mapping(flowsNode, "flows") {
            for entry in flowEntries.pairs {
                guard let flow = reader.mapping(entry.value, "overrides of '\(entry.key.value)'", allowed: ["settings"])
                else { continue }
                var settings: [AgencyOverrides.SettingOverride] = []
                if let settingsNode = flow["settings"], let values = reader.mapping(settingsNode, "settings") {
                    settings = values.pairs.map { .init(name: $0.key, value: reader.value($0.value)) }
                }
                flows.append(.init(flow: entry.key, settings: settings))
            }
        }
        return AgencyOverrides(agency: agency, displayName: name, flows: flows, location: at)
    }
}
