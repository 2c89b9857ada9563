import Foundation

/// `flow-bench chaos` options (`--name value`); the database is `FLOW_BENCH_POSTGRES_URL`.
struct ChaosOptions: Sendable {
    /// Instances of the chaos flow started during the faults.
    var instances = 3_000
    /// `flowctl serve` processes sharing the database.
    var daemons = 3
    /// SIGKILLs over the run (each daemon is started again after 0.2–2 s).
    var kills = 100
    /// Mean time between kills; the run keeps killing until `kills` are done or every instance finished.
    var killInterval: Duration = .seconds(3)
    /// Share of provider requests that get a fault.
    var faultRate = 0.3
    /// Seed of the fault draws (and of the kills' timing and targets).
    var seed: UInt64 = UInt64.random(in: 1...UInt64(Int32.max))
    /// Fault-free instances run first on the same daemons, for the delay the faults add.
    var baseline = 100
    /// How long the faulty phase may take before unfinished instances count as lost.
    var deadline: Duration = .seconds(3_600)
    /// The cluster's data directory: PostgreSQL is restarted once mid-run (`pg_ctl restart -m fast`). Nil: no restart.
    var postgresData: String?
    /// The lease of each daemon: how long a killed daemon's instances wait for another.
    var lease = "3s"
    var postgresURL = ""

    static let usage = """
        usage: flow-bench chaos [--instances N] [--daemons D] [--kills K] [--kill-interval SECONDS] \
        [--fault-rate R] [--seed S] [--baseline B] [--deadline SECONDS] [--pg-data DIR] [--lease 3s]
        (FLOW_BENCH_POSTGRES_URL: the database; scripts/chaos.sh starts a throwaway cluster)
        """

    static func parse(_ arguments: [String], environment: [String: String]) throws -> ChaosOptions {
        var options = ChaosOptions()
        guard let url = environment["FLOW_BENCH_POSTGRES_URL"], !url.isEmpty else {
            throw BenchError("chaos needs FLOW_BENCH_POSTGRES_URL (a PostgreSQL database)\n\(usage)")
        }
        options.postgresURL = url
        var rest = arguments[...]
        while let name = rest.popFirst() {
            guard let value = rest.popFirst() else { throw BenchError("\(name) needs a value\n\(usage)") }
            func number<T: LosslessStringConvertible>(_: T.Type) throws -> T {
                guard let parsed = T(value) else { throw BenchError("\(name): '\(value)' is not a number\n\(usage)") }
                return parsed
            }
            switch name {
            case "--instances": options.instances = try number(Int.self)
            case "--daemons": options.daemons = try number(Int.self)
            case "--kills": options.kills = try number(Int.self)
            case "--kill-interval": options.killInterval = .milliseconds(Int(try number(Double.self) * 1_000))
            case "--fault-rate": options.faultRate = try number(Double.self)
            case "--seed": options.seed = try number(UInt64.self)
            case "--baseline": options.baseline = try number(Int.self)
            case "--deadline": options.deadline = .seconds(try number(Int.self))
            case "--pg-data": options.postgresData = value
            case "--lease": options.lease = value
            default: throw BenchError("unknown option \(name)\n\(usage)")
            }
        }
        guard options.instances > 0, options.daemons >= 1, options.kills >= 0, (0...1).contains(options.faultRate) else {
            throw BenchError("instances > 0, daemons ≥ 1, kills ≥ 0, fault rate in 0…1\n\(usage)")
        }
        return options
    }
}
