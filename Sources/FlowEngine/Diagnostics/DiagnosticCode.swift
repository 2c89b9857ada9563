/// A stable diagnostic code. Codes never change meaning once shipped; `docs/diagnostics.md`
/// lists every one with its meaning (generated from `DiagnosticCode.all`).
///
/// Families: `Y` YAML and document shape, `F` flow graph and states, `T` time (durations,
/// instants, zones, cron, windows), `E` expressions, `S` settings, `O` agency overrides.
public struct DiagnosticCode: Sendable, Hashable, Codable, RawRepresentable, CustomStringConvertible {
    public var rawValue: String
    /// One line saying what the code means.
    public var meaning: String

    public init(rawValue: String) {
        self.rawValue = rawValue
        self.meaning = DiagnosticCode.all.first { $0.rawValue == rawValue }?.meaning ?? ""
    }

    init(_ rawValue: String, _ meaning: String) {
        self.rawValue = rawValue
        self.meaning = meaning
    }

    public var description: String { rawValue }

    public static func == (lhs: DiagnosticCode, rhs: DiagnosticCode) -> Bool { lhs.rawValue == rhs.rawValue }
    public func hash(into hasher: inout Hasher) { hasher.combine(rawValue) }

    public init(from decoder: any Decoder) throws {
        self.init(rawValue: try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

extension DiagnosticCode {
    // MARK: Y — YAML and document shape
    public static let yamlSyntax = DiagnosticCode("Y001", "the document is not valid YAML")
    public static let duplicateKey = DiagnosticCode("Y002", "a mapping has the same key twice")
    public static let wrongType = DiagnosticCode("Y003", "a value has the wrong YAML type (mapping, list, scalar, number…)")
    public static let unknownKey = DiagnosticCode("Y004", "a key the language does not define (a did-you-mean is offered)")
    public static let missingKey = DiagnosticCode("Y005", "a required key is missing")
    public static let invalidValue = DiagnosticCode("Y006", "a value outside the allowed set (enum, range, name syntax)")
    public static let emptyDocument = DiagnosticCode("Y007", "the document is empty")
    public static let aliasUnsupported = DiagnosticCode("Y008", "YAML anchors and aliases are not allowed in flows")
    public static let conflictingKeys = DiagnosticCode("Y009", "keys that exclude each other appear together (e.g. two state kinds)")

    // MARK: F — flow graph and states
    public static let unknownState = DiagnosticCode("F101", "a transition names a state that does not exist")
    public static let unreachableState = DiagnosticCode("F102", "a state no path from `start` reaches")
    public static let noTerminalPath = DiagnosticCode("F103", "a state from which no path reaches succeed, fail or the end of the flow")
    public static let unboundedWait = DiagnosticCode("F104", "a wait for an event without a bound, or without an `on_timeout` outcome")
    public static let approvalWithoutTimeout = DiagnosticCode("F105", "an approval without `expires_in`, or whose timeout outcome approves")
    public static let retryWithoutIdempotencyKey = DiagnosticCode("F106", "a side-effecting step retries without an `idempotency_key`")
    public static let uncaughtError = DiagnosticCode("F107", "an error class a step can raise is neither caught nor declared in `propagates`")
    public static let unknownStep = DiagnosticCode("F108", "the step is not in the step catalogue")
    public static let missingParameter = DiagnosticCode("F109", "a required step parameter is missing from `with`")
    public static let unknownParameter = DiagnosticCode("F110", "`with` passes a parameter the step does not declare")
    public static let duplicateFlow = DiagnosticCode("F111", "two documents in one directory declare the same flow name")
    public static let missingNext = DiagnosticCode("F112", "a non-terminal state has no `next`")
    public static let unknownErrorClass = DiagnosticCode("F113", "an error class outside the closed taxonomy")
    public static let unreachableCatch = DiagnosticCode("F114", "a catch or retry names an error class the step never raises")
    public static let sideEffectInLoop = DiagnosticCode("F115", "a side-effecting step inside for_each without an idempotency key that varies per item")
    public static let unboundedForEach = DiagnosticCode("F116", "a for_each without `max_items`")
    public static let invalidRetry = DiagnosticCode("F117", "a retry policy whose numbers are out of range")
    public static let invalidName = DiagnosticCode("F118", "a flow, state or setting name that is not a lowercase identifier")
    public static let parameterType = DiagnosticCode("F119", "a literal step argument of the wrong type")
    public static let hostNotAllowed = DiagnosticCode("F120", "an `http.request` URL whose literal host is not in the configured allow-list")
    public static let invalidApprovalNotice = DiagnosticCode("F121", "an approval's `notify` or `remind` that cannot work (reminder point, channel, template)")

    // MARK: T — time
    public static let invalidDuration = DiagnosticCode("T201", "a duration that does not parse (use 90s, 15m, 2h, 1d, 1h30m)")
    public static let invalidCron = DiagnosticCode("T202", "a cron expression that does not parse")
    public static let unknownZone = DiagnosticCode("T203", "an IANA time zone that does not exist")
    public static let invalidWindow = DiagnosticCode("T204", "a time-of-day window that does not parse (use HH:MM-HH:MM)")
    public static let invalidInstant = DiagnosticCode("T205", "an instant that is not ISO-8601 with a zone offset")

    // MARK: E — expressions
    public static let expressionSyntax = DiagnosticCode("E301", "an expression that does not parse")
    public static let unknownName = DiagnosticCode("E302", "an expression names a variable that is not in scope")
    public static let unknownFunction = DiagnosticCode("E303", "an expression calls a function that does not exist")
    public static let wrongArity = DiagnosticCode("E304", "a function called with the wrong number of arguments")
    public static let expressionType = DiagnosticCode("E305", "an expression whose type cannot fit where it is used")
    public static let unknownAirport = DiagnosticCode("E306", "an airport code that is not in the IATA table")

    // MARK: S — settings and input
    public static let invalidSettingType = DiagnosticCode("S501", "a setting declares a type the language does not know")
    public static let defaultOutOfBounds = DiagnosticCode("S502", "a setting's default is outside its own bounds or of the wrong type")
    public static let unknownSetting = DiagnosticCode("S503", "an expression or override names a setting the flow does not declare")

    // MARK: O — agency overrides
    public static let overrideUnknownFlow = DiagnosticCode("O401", "an override names a flow that does not exist")
    public static let overrideUnknownSetting = DiagnosticCode("O402", "an override sets a setting the flow does not declare")
    public static let overrideNotOverridable = DiagnosticCode("O403", "an override sets a setting that is not `overridable`")
    public static let overrideType = DiagnosticCode("O404", "an override value of the wrong type")
    public static let overrideOutOfBounds = DiagnosticCode("O405", "an override value outside the setting's bounds")
    public static let overrideInvalidMerged = DiagnosticCode("O406", "the flow with the agency's overrides applied does not validate")

    /// Every code, in documentation order.
    public static let all: [DiagnosticCode] = [
        yamlSyntax, duplicateKey, wrongType, unknownKey, missingKey, invalidValue, emptyDocument, aliasUnsupported,
        conflictingKeys,
        unknownState, unreachableState, noTerminalPath, unboundedWait, approvalWithoutTimeout,
        retryWithoutIdempotencyKey, uncaughtError, unknownStep, missingParameter, unknownParameter, duplicateFlow,
        missingNext, unknownErrorClass, unreachableCatch, sideEffectInLoop, unboundedForEach, invalidRetry,
        invalidName, parameterType, hostNotAllowed, invalidApprovalNotice,
        invalidDuration, invalidCron, unknownZone, invalidWindow, invalidInstant,
        expressionSyntax, unknownName, unknownFunction, wrongArity, expressionType, unknownAirport,
        invalidSettingType, defaultOutOfBounds, unknownSetting,
        overrideUnknownFlow, overrideUnknownSetting, overrideNotOverridable, overrideType, overrideOutOfBounds,
        overrideInvalidMerged,
    ]
}
