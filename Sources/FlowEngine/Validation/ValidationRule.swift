/// One check of a loaded flow; rules are small, independent and run in a fixed order.
public protocol ValidationRule: Sendable {
    /// Every problem the rule finds in the flow.
    func check(_ flow: Flow, in context: ValidationContext) -> [Diagnostic]
}

/// What rules may consult besides the flow.
public struct ValidationContext: Sendable {
    /// The steps flows may call.
    public var catalogue: StepCatalogue
    /// The walk of the flow being validated: `FlowValidator` walks each flow once and hands the
    /// walk to every rule.
    var walk: FlowWalk?

    public init(catalogue: StepCatalogue) {
        self.catalogue = catalogue
    }

    /// The flow's walk: the shared one when `FlowValidator` set it, else a new one.
    func walk(of flow: Flow) -> FlowWalk { walk ?? FlowWalk(flow) }
}
