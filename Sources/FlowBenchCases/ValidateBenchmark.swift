internal import FlowEngine

#if canImport(FoundationEssentials)
import FoundationEssentials
#endif
import Foundation

/// Generates 1,000 flow documents of about 200 lines in memory (steps with retries, catches
/// and interpolated expressions, choices, event waits with windows, settings) and times
/// loading plus validation of all of them.
public enum ValidateBenchmark {
    public static let fileCount = 1_000

    /// Runs the case and prints its figures.
    public static func run() throws {
        let documents = (0..<fileCount).map { SourceFile(path: "bench/flow-\($0).yaml", text: document(number: $0)) }
        // Lines counted on bytes (a split into Characters would cost more than validating).
        let lines = documents.reduce(0) { $0 + $1.text.utf8.count { $0 == UInt8(ascii: "\n") } }
        let validator = FlowValidator(catalogue: .standard)
        // One warm-up document, so lazy tables (zones, airports) are not charged to the run.
        _ = validator.validate(documents[0])
        if ProcessInfo.processInfo.environment["FLOW_BENCH_ONCE"] != nil {
            // One serial pass and nothing else, for profilers (callgrind, perf).
            let diagnostics = documents.reduce(0) { $0 + validator.validate($1).diagnostics.count }
            print("validate: one serial pass over \(fileCount) files, \(diagnostics) diagnostics")
            return
        }
        // The machine is shared, so each figure is the best of a few passes (every pass is printed).
        let passes = 3
        var serial: [Double] = []
        var serialCPU: [Double] = []
        for _ in 0..<passes {
            let start = DispatchTime.now().uptimeNanoseconds
            let cpuStart = threadCPUMilliseconds()
            var diagnostics = 0
            for document in documents { diagnostics += validator.validate(document).diagnostics.count }
            serialCPU.append(threadCPUMilliseconds() - cpuStart)
            serial.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
            guard diagnostics == 0 else {
                throw BenchmarkError(message: "generated flows produced \(diagnostics) diagnostics")
            }
        }
        // What `flowctl validate` runs: WorkflowDirectory.load, which validates the flows on every core.
        var product: [Double] = []
        for _ in 0..<passes {
            let start = DispatchTime.now().uptimeNanoseconds
            let directory = WorkflowDirectory.load(flows: documents, agencies: [], catalogue: .standard)
            product.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
            guard directory.diagnostics.isEmpty, directory.flows.count == fileCount else {
                throw BenchmarkError(message: "generated flows produced \(directory.diagnostics.count) diagnostics")
            }
        }
        if ProcessInfo.processInfo.environment["FLOW_BENCH_PHASES"] != nil {
            let t0 = DispatchTime.now().uptimeNanoseconds
            for document in documents { _ = FlowLoader.load(document) }
            let t1 = DispatchTime.now().uptimeNanoseconds
            print(String(format: "  load only: %.1f ms", Double(t1 - t0) / 1e6))
            for document in documents { _ = FlowLoader.composeOnly(document) }
            let t2 = DispatchTime.now().uptimeNanoseconds
            print(String(format: "  compose only: %.1f ms", Double(t2 - t1) / 1e6))
        }
        func passesText(_ times: [Double]) -> String {
            times.map { String(format: "%.0f", $0) }.joined(separator: ", ")
        }
        print("validate: \(fileCount) files, \(lines / fileCount) lines each on average")
        // The headline: the code path `flowctl validate` runs (WorkflowDirectory.load, one thread per core).
        let bestProduct = product.min()!
        print(String(format: "validate (as flowctl validate, %d threads): %.1f ms total, %.0f files/s (passes: %@ ms)",
                     FlowValidator.threads, bestProduct, Double(fileCount) / (bestProduct / 1000), passesText(product)))
        let best = serial.min()!
        print(String(format: "validate (serial, 1 thread): %.1f ms total, %.0f files/s, %.3f ms/file (passes: %@ ms)",
                     best, Double(fileCount) / (best / 1000), best / Double(fileCount), passesText(serial)))
        print(String(format: "validate (serial, 1 thread): %.1f ms of CPU time (passes: %@ ms; "
                     + "wall time exceeds it when the machine is busy)", serialCPU.min()!, passesText(serialCPU)))
    }

    /// CPU time the calling thread has used, in milliseconds.
    static func threadCPUMilliseconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Double(time.tv_sec) * 1e3 + Double(time.tv_nsec) / 1e6
    }

    struct BenchmarkError: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }

    /// A valid flow of about 200 lines; `number` varies names and values.
    public static func document(number: Int) -> String {
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
