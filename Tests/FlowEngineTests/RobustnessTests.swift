import Foundation
import Testing

@testable import FlowEngine

/// Thousands of generated and mutated documents through loader and validator: no crash, and
/// every diagnostic of every document carries a real location.
struct RobustnessTests {
    /// Deterministic pseudo-random numbers (SplitMix64), so a failure can be replayed.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let tokens = [
        "", "~", "null", "true", "0", "-1", "1e999", "\"", "'", "{", "}", "[", "]", ":", "- x", "&a", "*a", "!!str",
        "${{", "}}", "${{ input. }}", "${{ airport('ZZZ') }}", "${{ (((( }}", "2 hours", "24h", "99:99-00:00",
        "Mars/Base", "* * *", "step", "next", "succeed: true", "\t", "ñandú", "💥", "|", ">", "%YAML", "---", "...",
    ]

    static func seeds() throws -> [String] {
        var texts: [String] = []
        let workflows = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../workflows/flight-notifications.yaml").standardized
        texts.append(try String(contentsOf: workflows, encoding: .utf8))
        let fixtures = GoldenDiagnosticsTests.directory
        for name in GoldenDiagnosticsTests.fixtureNames {
            texts.append(try String(contentsOf: fixtures.appendingPathComponent(name + ".yaml"), encoding: .utf8))
        }
        return texts
    }

    static func mutate(_ text: String, using rng: inout SplitMix) -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard !lines.isEmpty else { return tokens.randomElement(using: &rng)! }
        let rounds = Int.random(in: 1...3, using: &rng)
        for _ in 0..<rounds {
            let i = Int.random(in: 0..<lines.count, using: &rng)
            switch Int.random(in: 0..<8, using: &rng) {
            case 0: if lines.count > 1 { lines.remove(at: i) }
            case 1: lines.insert(lines[i], at: i)
            case 2: lines.swapAt(i, Int.random(in: 0..<lines.count, using: &rng))
            case 3: lines[i] = "  " + lines[i]
            case 4: lines[i] = String(lines[i].drop { $0 == " " }.prefix(200))
            case 5:
                if let colon = lines[i].firstIndex(of: ":") {
                    lines[i] = String(lines[i][...colon]) + " " + tokens.randomElement(using: &rng)!
                } else {
                    lines[i] += tokens.randomElement(using: &rng)!
                }
            case 6:
                let joined = lines.joined(separator: "\n")
                let cut = Int.random(in: 0...joined.count, using: &rng)
                lines = String(joined.prefix(cut)).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
                if lines.isEmpty { lines = [""] }
            default:
                let column = Int.random(in: 0...lines[i].count, using: &rng)
                let line = lines[i]
                lines[i] = String(line.prefix(column)) + tokens.randomElement(using: &rng)! + String(line.dropFirst(column))
            }
        }
        return lines.joined(separator: "\n")
    }

    /// Both tests yield every few documents: a long synchronous loop would hold one of the
    /// cooperative pool's threads (one per core) and stall every other test of the run meanwhile.
    @Test func mutatedDocumentsNeverCrashAndAlwaysLocateDiagnostics() async throws {
        let seeds = try Self.seeds()
        var rng = SplitMix(state: 0xF10)
        let validator = FlowValidator(catalogue: .standard)
        var invalid = 0
        let count = 2_500
        for index in 0..<count {
            if index % 20 == 0 { await Task.yield() }
            // The big shipped flow is slow to mutate in debug builds; use it for a fifth of the cases.
            let seed = index % 5 == 0 ? seeds[0] : seeds[1 + Int.random(in: 0..<(seeds.count - 1), using: &rng)]
            let text = Self.mutate(seed, using: &rng)
            let file = SourceFile(path: "m\(index).yaml", text: text)
            let (flow, diagnostics) = validator.validate(file)
            if flow == nil { #expect(!diagnostics.isEmpty, "document \(index) produced nothing and no diagnostic") }
            if diagnostics.hasErrors { invalid += 1 }
            let unlocated = diagnostics.filter { $0.location.line < 1 || $0.location.column < 1 || $0.location.file != file.path }
            #expect(unlocated.isEmpty, "document \(index): \(unlocated)\n\(text)")
            if !unlocated.isEmpty { break }
            // Rendering must work for every diagnostic too.
            _ = DiagnosticRenderer(sources: [file]).render(diagnostics)
        }
        #expect(invalid > count / 2)
    }

    @Test func agencyDocumentsNeverCrash() async {
        var rng = SplitMix(state: 7)
        let seed = "agency: acme\nname: ACME\nflows:\n  demo:\n    settings: { gap: 10m, lang: en }\n"
        for index in 0..<500 {
            if index % 20 == 0 { await Task.yield() }
            let text = Self.mutate(seed, using: &rng)
            let (_, diagnostics) = AgencyOverridesLoader.load(SourceFile(path: "a\(index).yaml", text: text))
            #expect(diagnostics.allSatisfy { $0.location.line >= 1 && $0.location.column >= 1 })
        }
    }
}
