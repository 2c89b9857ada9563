import ArgumentParser
import FlowEngine
import FlowRuntime
import Foundation
import Travel

/// `flowctl erase --phone +E.164 | --trip ID [--agency ID] [--by NAME] [--format json]`: erases one
/// traveller's data on the database as `POST /agencies/{agency}/erasures` does (`TravellerErasure`),
/// and prints the audit entry (kinds and counts). Without `--agency` it erases in every agency (an
/// operator's erasure). Exit 1 (nothing erased) when an instance about the traveller is still running
/// or waiting: cancel it (`flowctl instances cancel ID`) and run the erasure again once it has ended.
struct EraseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "erase",
        abstract: "Erase one traveller's data (by WhatsApp number or trip id); audited without the values.")

    @Option(name: .long, help: "The traveller's WhatsApp number, E.164 (+5491155550000).")
    var phone: String?

    @Option(name: .long, help: "One trip's id.")
    var trip: String?

    @Option(name: .long, help: "Only this agency's records (default: every agency's).")
    var agency: String?

    @Option(name: .long, help: "Who erases (audited; default: the user running flowctl).")
    var by: String?

    @Option(name: .long, help: "Database URL (default: FLOW_DATABASE_URL, else ./flow.sqlite).")
    var database: String?

    @Option(name: .long, help: "Output format: text or json.")
    var format: InstancesCommand.OutputFormat = .text

    func validate() throws {
        switch (phone, trip) {
        case (let phone?, nil):
            guard ErasureSubject.isE164(phone) else { throw ValidationError("--phone must be E.164, e.g. +5491155550000") }
        case (nil, let trip?):
            guard !trip.isEmpty else { throw ValidationError("--trip must not be empty") }
        default:
            throw ValidationError("give exactly one of --phone and --trip")
        }
    }

    func run() async throws {
        let storeConfiguration = try DaemonSetup.storeConfiguration(database)
        let subject: ErasureSubject = phone.map(ErasureSubject.phone) ?? .trip(trip ?? "")
        let agency = self.agency
        let by = self.by ?? ProcessInfo.processInfo.environment["USER"].map { "\($0) (flowctl)" } ?? "flowctl"
        let product = TravelProduct()
        let outcome: TravellerErasure.Outcome
        do {
            outcome = try await storeConfiguration.withStore(adding: product.schema) { opened in
                let erasure = TravellerErasure(
                    store: opened.flowStore, removal: opened.removal, log: opened.removal,
                    records: product.parts(over: opened).personalRecords)
                return try await erasure.erase(
                    subject, agency: agency, by: by, at: InstanceWorker<InMemoryFlowStore>.wallClock())
            }
        } catch {
            FileHandle.standardError.write(Data("flowctl erase: \(storeConfiguration): \(error)\n".utf8))
            throw ExitCodes.runtimeFailure
        }
        switch outcome {
        case .running(let ids):
            FileHandle.standardError.write(Data("""
                flowctl erase: nothing erased: \(ids.count) instance(s) about this traveller still running or waiting: \
                \(ids.joined(separator: ", ")); cancel them (flowctl instances cancel ID) and erase again once they ended

                """.utf8))
            throw ExitCodes.runtimeFailure
        case .erased(let record):
            switch format {
            case .json:
                print(record.json.jsonText)
            case .text:
                let counts = record.counts.keys.sorted().map { "\($0)=\(record.counts[$0] ?? 0)" }
                print("erasure \(record.id): \(counts.joined(separator: " "))")
            }
        }
    }
}
