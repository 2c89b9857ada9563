import ArgumentParser
import FlowEngine
import FlowRuntime
import Foundation
import Travel

/// `flowctl events send NAME --input FILE [--key K] [--agency A]`: what `POST /events/{name}` does,
/// on the database: starts the flows whose triggers name the event and delivers it to the waiting
/// instances it correlates with. A running `serve` on the same database runs them.
struct EventsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events", abstract: "Send events to the flows on the database.", subcommands: [Send.self])

    struct Send: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Start the flows an event triggers and deliver it to the instances waiting for it.")

        @Argument(help: "Event name, e.g. trip.created, flight.updated.")
        var name: String

        @Option(name: .long, help: "Payload document (JSON or YAML).")
        var input: String

        @Option(name: .long, help: "Correlation key: instances whose wait correlates with it receive the event.")
        var key: String?

        @Option(name: .long, help: "Agency (default: the trigger's, e.g. the trip's agency_id).")
        var agency: String?

        @Option(name: .long, help: "Database URL (default: FLOW_DATABASE_URL, else ./flow.sqlite).")
        var database: String?

        @Option(name: .long, help: "Workflow directory (flows and agencies/).")
        var workflows: String = "./workflows"

        func run() async throws {
            let storeConfiguration = try DaemonSetup.storeConfiguration(database)
            let registry = try DaemonSetup.registry(workflows)
            guard let text = try? String(contentsOfFile: input, encoding: .utf8) else {
                throw ValidationError("cannot read input file: \(input)")
            }
            let payload: Value
            do throws(LocatedError) {
                payload = try LocatedDocument(parsing: SourceFile(path: input, text: text)).value
            } catch {
                FileHandle.standardError.write(Data("error: \(error)\n".utf8))
                throw ExitCodes.usage
            }
            let (name, key, agency) = (self.name, self.key, self.agency)
            let product = TravelProduct()
            let summary: String
            do {
                summary = try await storeConfiguration.withStore(adding: product.schema) { opened in
                    try await Self.send(name, key: key, payload: payload, agency: agency, opened: opened,
                                        product: product, registry: registry)
                }
            } catch let error as EventDispatcher<InMemoryFlowStore>.DispatchError {
                FileHandle.standardError.write(Data("flowctl events send: \(error)\n".utf8))
                throw ExitCodes.usage
            } catch {
                FileHandle.standardError.write(Data("flowctl events send: \(storeConfiguration): \(error)\n".utf8))
                throw ExitCodes.runtimeFailure
            }
            print(summary)
        }

        private static func send(
            _ name: String, key: String?, payload: Value, agency: String?, opened: OpenedStore,
            product: some FlowProduct, registry: DefinitionRegistry
        ) async throws -> String {
            func run(_ store: some FlowStore) async throws -> String {
                let now = InstanceWorker<InMemoryFlowStore>.wallClock()
                let dispatcher = EventDispatcher(
                    store: store, registry: registry, recorders: product.parts(over: opened).recorders)
                let started = try await dispatcher.dispatch(event: name, payload: payload, agency: agency, at: now)
                let delivered = try await EventDelivery(store: store, registry: registry)
                    .deliver(event: name, key: key, payload: payload, agency: agency, dedupKey: nil, at: now)
                let lines = started.map { "\($0.created ? "started" : "existing") \($0.instance.id) (\($0.flow))" }
                    + delivered.map { "delivered to \($0.instance) (\($0.flow))" }
                guard !lines.isEmpty else { return "no flow listens to \(name) and no instance waits for it" }
                return lines.joined(separator: "\n")
            }
            return try await run(opened.flowStore)
        }
    }
}
