import ArgumentParser
import FlowEngine
import FlowRuntime
import Foundation

extension InstancesCommand {
    /// `flowctl instances cancel ID [--reason TEXT] [--by NAME]`: the cancel goes to the instance's
    /// inbox; a running `serve` on the same database ends it `cancelled` (`InstanceCancellation`).
    struct Cancel: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Cancel an instance: a worker on the same database ends it cancelled.")

        @Argument(help: "Instance id.")
        var id: String

        @Option(name: .long, help: "Why (recorded in the timeline).")
        var reason: String?

        @Option(name: .long, help: "Who cancels (recorded in the timeline; default: the user running flowctl).")
        var by: String?

        @Option(name: .long, help: "Database URL (default: FLOW_DATABASE_URL, else ./flow.sqlite).")
        var database: String?

        func run() async throws {
            let storeConfiguration = try DaemonSetup.storeConfiguration(database)
            let (id, reason) = (self.id, self.reason)
            let by = self.by ?? ProcessInfo.processInfo.environment["USER"].map { "\($0) (flowctl)" } ?? "flowctl"
            let outcome: InstanceCancellation.Outcome?
            do {
                outcome = try await storeConfiguration.withStore(migrate: false) { opened in
                    let store = opened.flowStore
                    guard let record = try await store.instance(id: id) else { return nil }
                    return try await InstanceCancellation.request(
                        record, by: by, reason: reason, in: store, at: InstanceWorker<InMemoryFlowStore>.wallClock())
                }
            } catch {
                FileHandle.standardError.write(Data("flowctl instances: \(storeConfiguration): \(error)\n".utf8))
                throw ExitCodes.runtimeFailure
            }
            switch outcome {
            case nil:
                FileHandle.standardError.write(Data("flowctl instances cancel: no instance '\(id)'\n".utf8))
                throw ExitCodes.usage
            case .alreadyEnded(let status)?:
                let message = "flowctl instances cancel: \(id) already ended \(status.rawValue)\n"
                FileHandle.standardError.write(Data(message.utf8))
                throw ExitCodes.usage
            case .requested(let why, _)?:
                print("cancel requested for \(id) (\(why)); a worker on this database ends it")
            }
        }
    }
}
