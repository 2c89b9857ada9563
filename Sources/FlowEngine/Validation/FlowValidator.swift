/// Runs every validation rule of DESIGN.md §3 over a loaded flow, in a fixed order.
public struct FlowValidator: Sendable {
    public var context: ValidationContext
    public var rules: [any ValidationRule]

    /// The rules, in the order they run.
    public static let standardRules: [any ValidationRule] = [
        NameRule(),
        StateTargetsRule(),
        MissingNextRule(),
        ReachabilityRule(),
        TerminationRule(),
        BoundedWaitRule(),
        ApprovalTimeoutRule(),
        ApprovalNoticeRule(),
        StepSignatureRule(),
        HTTPHostRule(),
        TriggerRecordsRule(),
        RetryPolicyRule(),
        IdempotentRetryRule(),
        ErrorHandlingRule(),
        LoopBoundsRule(),
        SettingDefaultsRule(),
        TimeValuesRule(),
        ExpressionRule(),
    ]

    public init(catalogue: StepCatalogue, rules: [any ValidationRule] = FlowValidator.standardRules) {
        self.context = ValidationContext(catalogue: catalogue)
        self.rules = rules
    }

    /// Every diagnostic of every rule, sorted by location.
    public func validate(_ flow: Flow) -> [Diagnostic] {
        var context = self.context
        context.walk = FlowWalk(flow)
        var diagnostics: [Diagnostic] = []
        for rule in rules { diagnostics += rule.check(flow, in: context) }
        return diagnostics.sortedByLocation()
    }

    /// Loads and validates one document: the loader's diagnostics and, when a flow was read, the rules'.
    public func validate(_ file: SourceFile) -> (flow: Flow?, diagnostics: [Diagnostic]) {
        let (flow, loadDiagnostics) = FlowLoader.load(file)
        guard let flow else { return (nil, loadDiagnostics.sortedByLocation()) }
        return (flow, (loadDiagnostics + validate(flow)).sortedByLocation())
    }
}
