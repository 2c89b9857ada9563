public import FlowEngine

/// One stored revision and what it changed against the one before it (the deploy's document
/// before the first).
public struct OverridesHistoryEntry: Sendable {
    public var revision: OverrideRevision
    public var changes: [SettingChange]
}

/// A setting an overrides change set, changed or dropped.
public struct SettingChange: Sendable, Hashable {
    public var flow: String
    public var setting: String
    /// nil: not overridden before (the flow's default applied).
    public var from: Value?
    /// nil: no longer overridden.
    public var to: Value?

    /// The settings that differ between two documents, by flow then setting.
    public static func between(_ before: AgencyOverrides?, _ after: AgencyOverrides?) -> [SettingChange] {
        let old = values(before), new = values(after)
        return Set(old.keys).union(new.keys).sorted { ($0.flow, $0.setting) < ($1.flow, $1.setting) }
            .compactMap { key in
                old[key] == new[key] ? nil : SettingChange(flow: key.flow, setting: key.setting, from: old[key], to: new[key])
            }
    }

    private struct Key: Hashable {
        var flow: String
        var setting: String
    }

    private static func values(_ overrides: AgencyOverrides?) -> [Key: Value] {
        var out: [Key: Value] = [:]
        for flow in overrides?.flows ?? [] {
            for setting in flow.settings { out[Key(flow: flow.flow.value, setting: setting.name.value)] = setting.value.value }
        }
        return out
    }
}
