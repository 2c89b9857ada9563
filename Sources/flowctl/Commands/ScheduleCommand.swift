import ArgumentParser
import FlowEngine
import FlowRuntime
import Foundation

/// `flowctl schedule DIR --from T --count N`: the upcoming fire times of every schedule trigger,
/// in the trigger's zone and in UTC, computed exactly as the daemon's scheduler does (DST policy
/// included).
struct ScheduleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schedule",
        abstract: "List upcoming fire times of the flows' schedule triggers (local and UTC).",
        discussion: """
            --from is an ISO-8601 instant with an offset (default: now); fires strictly after it are listed. \
            Local times that do not exist (spring forward) fire at the first instant after the gap with \
            dst: shift and not at all with dst: skip; repeated local times (fall back) fire once.
            """
    )

    @Argument(help: "Workflow directory.")
    var workflows: String = "./workflows"

    @Option(name: .long, help: "List fires after this instant (ISO-8601, e.g. 2026-03-07T00:00:00Z).")
    var from: String?

    @Option(name: .long, help: "Fires per trigger.")
    var count: Int = 5

    @Option(name: .long, help: "Output format: text or json.")
    var format: OutputFormat = .text

    enum OutputFormat: String, ExpressibleByArgument {
        case text, json
    }

    func validate() throws {
        guard count > 0, count <= 10_000 else { throw ValidationError("--count must be between 1 and 10000") }
    }

    func run() throws {
        let start: Instant
        if let from {
            guard let parsed = Instant(iso8601: from) else {
                throw ValidationError("--from: '\(from)' is not an ISO-8601 instant with an offset (e.g. 2026-03-07T00:00:00Z)")
            }
            start = parsed
        } else {
            start = InstanceWorker<InMemoryFlowStore>.wallClock()
        }
        let registry = try DaemonSetup.registry(workflows)
        let triggers = ScheduledTrigger.all(in: registry)
        switch format {
        case .text:
            if triggers.isEmpty { print("no schedule triggers in \(workflows)") }
            for trigger in triggers {
                print("\(trigger.flow) trigger #\(trigger.index): cron \"\(trigger.cron.text)\" in \(trigger.zone.identifier)"
                      + " (dst \(trigger.dst.rawValue), catch_up \(trigger.catchUp.rawValue))")
                let fires = trigger.upcoming(after: start, count: count)
                if fires.isEmpty { print("  never fires") }
                for fire in fires { print("  \(trigger.localText(of: fire))   \(fire.iso8601)") }
            }
        case .json:
            let document: Value = .array(triggers.map { trigger in
                .object([
                    "flow": .string(trigger.flow), "trigger": .number(Double(trigger.index)),
                    "cron": .string(trigger.cron.text), "zone": .string(trigger.zone.identifier),
                    "dst": .string(trigger.dst.rawValue), "catch_up": .string(trigger.catchUp.rawValue),
                    "fires": .array(trigger.upcoming(after: start, count: count).map { fire in
                        .object(["local": .string(trigger.localText(of: fire)), "utc": .string(fire.iso8601)])
                    }),
                ])
            })
            print(document.jsonText)
        }
    }
}
