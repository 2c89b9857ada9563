import AsyncHTTPClient
import Foundation
import NIOCore

/// An open-loop load: `rate` requests per second for `duration`, each sent at its scheduled
/// instant whether or not earlier ones answered (no coordinated omission: a latency runs from the
/// scheduled instant, so a stalled server shows in the tail instead of slowing the load).
struct OpenLoopLoad {
    var rate: Int
    var duration: Duration

    struct Outcome {
        var latencies: Latencies
        /// Answers whose status was not the expected one.
        var failures: Int
        /// How far behind schedule the last request left (the generator's own lag), ms.
        var lag: Double
    }

    func run(
        client: HTTPClient, expected: Set<UInt>, request: @escaping @Sendable (Int) -> HTTPClientRequest
    ) async -> Outcome {
        let count = rate * Int(duration.components.seconds)
        let interval = Duration.seconds(1) / rate
        let start = ContinuousClock.now + .milliseconds(50)
        var lag = 0.0
        let results = await withTaskGroup(of: (Double, Bool).self) { group in
            for index in 0..<count {
                let due = start + interval * index
                try? await Task.sleep(until: due, clock: .continuous)
                lag = Self.milliseconds(ContinuousClock.now - due)
                group.addTask {
                    let ok: Bool
                    do {
                        let response = try await client.execute(request(index), timeout: .seconds(30))
                        _ = try await response.body.collect(upTo: 1 << 20)
                        ok = expected.contains(response.status.code)
                    } catch {
                        ok = false
                    }
                    return (Self.milliseconds(ContinuousClock.now - due), ok)
                }
            }
            var collected: [(Double, Bool)] = []
            for await result in group { collected.append(result) }
            return collected
        }
        return Outcome(
            latencies: Latencies(samples: results.map(\.0)), failures: results.filter { !$0.1 }.count, lag: lag)
    }

    static func milliseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1_000 + Double(duration.components.attoseconds) / 1e15
    }
}
