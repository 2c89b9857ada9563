import ArgumentParser
import FlowEngine
import FlowRuntime
import Foundation

extension InstancesCommand {
    /// `flowctl instances resume ID [--fail] [--note TEXT] [--by NAME]`: resumes the instance's
    /// paused steps (`on_exhausted: pause`) through its inbox; a running `serve` on the same database
    /// applies it (`InstanceResumption`).
    struct Resume: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Resume a paused instance: its paused steps retry (or, with --fail, their errors go on).")

        @Argument(help: "Instance id.")
        var id: String

        @Flag(name: .long, help: "Let each paused step's error go to its catch clauses (or fail the flow) instead of retrying.")
        var fail = false

        @Option(name: .long, help: "Why (recorded in the timeline).")
        var note: String?

        @Option(name: .long, help: "Who resumes (recorded in the timeline; default: the user running flowctl).")
        var by: String?

        @Option(name: .long, help: "Database URL (default: FLOW_DATABASE_URL, else ./flow.sqlite).")
        var database: String?

        func run() async throws {
            let storeConfiguration = try DaemonSetup.storeConfiguration(database)
            let (id, note) = (self.id, self.note)
            let action: ResumeRequest.Action = fail ? .fail : .retry
            let by = self.by ?? ProcessInfo.processInfo.environment["USER"].map { "\($0) (flowctl)" } ?? "flowctl"
            let outcome: InstanceResumption.Outcome?
            do {
                outcome = try await storeConfiguration.withStore(migrate: false) { opened in
                    let store = opened.flowStore
                    guard let record = try await store.instance(id: id) else { return nil }
                    return try await InstanceResumption.request(
                        record, action: action, by: by, note: note, in: store,
                        at: InstanceWorker<InMemoryFlowStore>.wallClock())
                }
            } catch {
                FileHandle.standardError.write(Data("flowctl instances: \(storeConfiguration): \(error)\n".utf8))
                throw ExitCodes.runtimeFailure
            }
            switch outcome {
            case nil:
                FileHandle.standardError.write(Data("flowctl instances resume: no instance '\(id)'\n".utf8))
                throw ExitCodes.usage
            case .alreadyEnded(let status)?:
                FileHandle.standardError.write(Data("flowctl instances resume: \(id) already ended \(status.rawValue)\n".utf8))
                throw ExitCodes.usage
            case .notPaused?:
                FileHandle.standardError.write(Data("flowctl instances resume: nothing in \(id) is paused\n".utf8))
                throw ExitCodes.usage
            case .requested(let steps)?:
                let names = steps.map { "\($0.state) (attempt \($0.attempt), \($0.error.code))" }.joined(separator: ", ")
                print("resume (\(action.rawValue)) requested for \(id): \(names); a worker on this database applies it")
            }
        }
    }
}
