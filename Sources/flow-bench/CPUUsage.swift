import Foundation

/// CPU time spent between two readings: by the whole machine (`/proc/stat`, every process —
/// PostgreSQL, the fakes, this one) and by this process (`getrusage`), in milliseconds of one core.
/// What a burst costs in CPU, beside its wall time, says how close it runs to the cores' limit.
struct CPUUsage {
    var machineBusy: Double
    var machineTotal: Double
    var process: Double
    var wall: Double

    static func now() -> CPUUsage {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        let process = Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1000
            + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1000
        let (busy, total) = machine()
        return CPUUsage(machineBusy: busy, machineTotal: total, process: process,
                        wall: Date().timeIntervalSince1970 * 1000)
    }

    /// Busy and total milliseconds of all cores since boot (the first line of /proc/stat, in ticks
    /// of 10 ms; idle and iowait count as not busy). Zero where there is no /proc.
    private static func machine() -> (Double, Double) {
        guard let text = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
              let line = text.split(separator: "\n").first
        else { return (0, 0) }
        let ticks = line.split(separator: " ").dropFirst().compactMap { Double($0) }
        guard ticks.count >= 5 else { return (0, 0) }
        let total = ticks.prefix(8).reduce(0, +) * 10
        let idle = (ticks[3] + ticks[4]) * 10
        return (total - idle, total)
    }

    /// What was spent since `start`.
    func since(_ start: CPUUsage) -> CPUUsage {
        CPUUsage(machineBusy: machineBusy - start.machineBusy, machineTotal: machineTotal - start.machineTotal,
                 process: process - start.process, wall: wall - start.wall)
    }

    /// `machine busy 1,234 core-ms of 1,400 in 700 ms wall (this process 456)`.
    var text: String {
        String(format: "machine busy %.0f of %.0f core-ms over %.0f ms wall (this process %.0f)",
               machineBusy, machineTotal, wall, process)
    }
}
