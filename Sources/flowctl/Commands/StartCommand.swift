import ArgumentParser
import FlowEngine
import FlowRuntime
import Foundation
import Travel

/// `flowctl start FLOW --input FILE`: creates an instance durably (once per idempotency key);
/// a running `flowctl serve` on the same database picks it up.
struct StartCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "start",
        abstract: "Start a flow instance in the database (exactly once per --key).",
        discussion: """
            The database is --database, else FLOW_DATABASE_URL, else ./flow.sqlite. With --key, starting \
            again with the same key returns the existing instance instead of creating another. Without \
            --key, a flow with an event trigger (e.g. trip.created, key ${{ input.trip.id }}) derives the key \
            from the input exactly as POST /events/{name} does, so a trip starts its flow once whichever path \
            created it. The agency is --agency, else the trigger's agency (trip.agency_id for trip.created, as \
            for POST /events/{name}); an --agency that contradicts it is a usage error. What the trigger records \
            (records: trip) is recorded first; a trip it refuses is a usage error and starts nothing.
            """
    )

    @Argument(help: "Flow name (from the workflow directory).")
    var flow: String

    @Option(name: .long, help: "Input document (JSON or YAML).")
    var input: String

    @Option(name: .long, help: "Agency whose overrides apply (default: the input's trip.agency_id).")
    var agency: String?

    @Option(name: .long, help: "Idempotency key (default: derived from the flow's event trigger).")
    var key: String?

    @Option(name: .long, help: "Database URL (default: FLOW_DATABASE_URL, else ./flow.sqlite).")
    var database: String?

    @Option(name: .long, help: "Workflow directory (flows and agencies/).")
    var workflows: String = "./workflows"

    func run() async throws {
        let storeConfiguration = try DaemonSetup.storeConfiguration(database)
        let registry = try DaemonSetup.registry(workflows)
        guard let loaded = registry.current(flow) else {
            throw ValidationError("no flow '\(flow)' in \(workflows) (flows: \(registry.flowNames.joined(separator: ", ")))")
        }
        guard let text = try? String(contentsOfFile: input, encoding: .utf8) else {
            throw ValidationError("cannot read input file: \(input)")
        }
        let value: Value
        do throws(LocatedError) {
            let document = try LocatedDocument(parsing: SourceFile(path: input, text: text))
            value = try InputCheck.typed(document, declaredBy: loaded.flow.input)
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCodes.usage
        }
        let trigger = EventDispatcher<InMemoryFlowStore>.trigger(of: loaded.flow)
        let agency: String?
        do {
            agency = try EventDispatcher<InMemoryFlowStore>.agency(
                explicit: self.agency, trigger: trigger, input: DeclaredTypes.input(value, fields: loaded.flow.input),
                flow: flow)
        } catch {
            FileHandle.standardError.write(Data("flowctl start: --agency: \(error.message)\n".utf8))
            throw ExitCodes.usage
        }
        if let agency, registry.directory.agencies[agency] == nil {
            FileHandle.standardError.write(Data(
                "flowctl start: note: agency '\(agency)' has no document in \(workflows)/agencies; the flow's defaults apply\n".utf8))
        }
        var derivedKey = self.key
        if derivedKey == nil, let trigger, trigger.key != nil {
            do {
                let settings = try registry.runtimeSettings(flow: flow, agency: agency)
                derivedKey = try EventDispatcher<InMemoryFlowStore>.derive(
                    flow: loaded.flow, trigger: trigger, payload: nil, input: value, settings: .object(settings)
                ).idempotencyKey
            } catch {
                FileHandle.standardError.write(Data("flowctl start: \(error) (or pass --key)\n".utf8))
                throw ExitCodes.usage
            }
        }
        let (flow, key, input) = (self.flow, derivedKey, self.input)
        let product = TravelProduct()
        let result: CreateInstanceResult
        do {
            result = try await storeConfiguration.withStore(adding: product.schema) { opened in
                try await Self.start(opened, product: product, registry: registry, flow: flow, trigger: trigger,
                                     input: value, agency: agency, key: key)
            }
        } catch let error as EventDispatcher<InMemoryFlowStore>.DispatchError {
            // What the trigger's recorder refused (e.g. a trip without its required fields): nothing started.
            FileHandle.standardError.write(Data("flowctl start: \(input): \(error)\n".utf8))
            throw ExitCodes.usage
        } catch let error as InstanceStarter<InMemoryFlowStore>.StartError {
            FileHandle.standardError.write(Data("flowctl start: \(error)\n".utf8))
            throw ExitCodes.usage
        } catch {
            FileHandle.standardError.write(Data("flowctl start: \(storeConfiguration): \(error)\n".utf8))
            throw ExitCodes.runtimeFailure
        }
        switch result {
        case .created(let record):
            print("created \(record.id) (flow \(record.flow), status \(record.status.rawValue)\(key.map { ", key \($0)" } ?? ""))")
        case .existing(let record):
            print("existing \(record.id) (flow \(record.flow), status \(record.status.rawValue); key \(key ?? "") already used)")
        }
    }

    /// Runs what the flow's trigger records (`records:`) over the input, then starts the instance.
    private static func start(
        _ opened: OpenedStore, product: some FlowProduct, registry: DefinitionRegistry, flow: String,
        trigger: EventTrigger?, input: Value, agency: String?, key: String?
    ) async throws -> CreateInstanceResult {
        func run(_ store: some FlowStore) async throws -> CreateInstanceResult {
            let now = InstanceWorker<InMemoryFlowStore>.wallClock()
            let dispatcher = EventDispatcher(
                store: store, registry: registry, recorders: product.parts(over: opened).recorders)
            if let trigger, let records = trigger.records?.value {
                try await dispatcher.record(records, event: trigger.event.value, payload: input, agency: agency, at: now)
            }
            return try await dispatcher.starter.start(
                flow: flow, input: input, agency: agency, idempotencyKey: key, at: now)
        }
        return try await run(opened.flowStore)
    }
}
