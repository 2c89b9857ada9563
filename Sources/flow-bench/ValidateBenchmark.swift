import FlowEngine

#if canImport(FoundationEssentials)
import FoundationEssentials
#endif
import Foundation

/// Generates 1,000 flow documents of about 200 lines in memory (steps with retries, catches
/// and interpolated expressions, choices, event waits with windows, settings) and times
/// loading plus validation of all of them.
enum ValidateBenchmark {
    static let fileCount = 1_000

    static func run() throws {
        let documents = (0..<fileCount).map { SourceFile(path: "bench/flow-\($0).yaml", text: document(number: $0)) }
        let lines = documents.reduce(0) { $0 + $1.text.split(separator: "\n").count }
        let validator = FlowValidator(catalogue: .standard)
        // One warm-up document, so lazy tables (zones, airports) are not charged to the run.
        _ = validator.validate(documents[0])
        let start = DispatchTime.now().uptimeNanoseconds
        var diagnostics = 0
        for document in documents { diagnostics += validator.validate(document).diagnostics.count }
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
        if ProcessInfo.processInfo.environment["FLOW_BENCH_PHASES"] != nil {
            let t0 = DispatchTime.now().uptimeNanoseconds
            for document in documents { _ = FlowLoader.load(document) }
            let t1 = DispatchTime.now().uptimeNanoseconds
            print(String(format: "  load only: %.1f ms", Double(t1 - t0) / 1e6))
            for document in documents { _ = FlowLoader.composeOnly(document) }
            let t2 = DispatchTime.now().uptimeNanoseconds
            print(String(format: "  compose only: %.1f ms", Double(t2 - t1) / 1e6))
        }
        guard diagnostics == 0 else { throw BenchmarkError(message: "generated flows produced \(diagnostics) diagnostics") }
        print("validate: \(fileCount) files, \(lines / fileCount) lines each on average")
        print(String(format: "validate: %.1f ms total, %.0f files/s, %.3f ms/file", elapsed,
                     Double(fileCount) / (elapsed / 1000), elapsed / Double(fileCount)))
    }

    struct BenchmarkError: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }

    /// A valid flow of about 200 lines; `number` varies names and values.
    static func document(number: Int) -> String {
        var text = """
            flow: bench-\(number)
            version: \(number % 7 + 1)
            description: generated flow number \(number)
            triggers:
              - event: trip.created
                key: ${{ input.trip.id }}
            input:
              trip: { type: object, required: true }
            settings:
              quiet_hours: { type: window, default: "20:00-09:00", overridable: true }
              lead: { type: duration, default: 24h, min: 2h, max: 72h, overridable: true }
              poll: { type: duration, default: 40m, min: 10m, max: 2h, overridable: true }
            start: s0
            states:

            """
        let rounds = 8
        for i in 0..<rounds {
            let next = i + 1 < rounds ? "s\(i + 1)" : "done"
            text += """
                  s\(i):
                    step: notify.send
                    with:
                      trip_id: ${{ input.trip.id }}
                      type: TYPE_\(i)
                      to: ${{ input.trip.whatsapp }}
                      template: template_\(i)
                      content_sid: HX\(number)x\(i)
                      variables: { "1": "Hola ${{ input.trip.client_name }}", "2": "${{ upper(input.trip.origin) }}" }
                    idempotency_key: "${{ input.trip.id }}/TYPE_\(i)"
                    retry: { max_attempts: 3, initial: 5s, factor: 2, max_delay: 5m, jitter: full }
                    catch: [ { errors: [permanent, limit], next: c\(i) } ]
                    next: c\(i)
                  c\(i):
                    choice:
                      - when: ${{ input.trip.count > \(i) && settings.lead > duration('1h') }}
                        next: w\(i)
                    default: \(next)
                  w\(i):
                    wait:
                      event: { name: flight.updated, correlation: "${{ input.trip.id }}", timeout: 2h, on_timeout: \(next) }
                      window: { quiet: "${{ settings.quiet_hours }}", zone: Europe/Madrid }
                    next: \(next)

                """
        }
        text += """
              done:
                succeed: { output: { ok: true } }

            """
        return text
    }
}
