/// One agency's overrides document (`workflows/agencies/<agency>.yaml`).
public struct AgencyOverrides: Sendable {
    public struct SettingOverride: Sendable {
        public var name: Located<String>
        public var value: Located<Value>

        public init(name: Located<String>, value: Located<Value>) {
            self.name = name
            self.value = value
        }
    }

    public struct FlowOverride: Sendable {
        public var flow: Located<String>
        public var settings: [SettingOverride]

        public init(flow: Located<String>, settings: [SettingOverride]) {
            self.flow = flow
            self.settings = settings
        }
    }

    public var agency: Located<String>
    public var displayName: String?
    public var flows: [FlowOverride]
    public var location: SourceLocation

    public init(agency: Located<String>, displayName: String?, flows: [FlowOverride], location: SourceLocation) {
        self.agency = agency
        self.displayName = displayName
        self.flows = flows
        self.location = location
    }

    public func overrides(for flow: String) -> FlowOverride? { flows.first { $0.flow.value == flow } }
}
