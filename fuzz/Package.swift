// swift-tools-version: 6.2
import PackageDescription

// libFuzzer targets for Flow's parsers (docs/fuzzing.md). A package of its own, so the main
// package and its test command are not affected. Build with the fuzzer and address sanitizers:
//
//     swift build -c debug --sanitize=fuzzer --sanitize=address -Xswiftc -sanitize=fuzzer,address --scratch-path .build-fuzz
//
// (swiftc keeps the last -sanitize= option only: the combined one must come last, see docs/fuzzing.md)
//
// `scripts/fuzz.sh` builds, seeds the corpora and runs them. Each executable's entry point is
// `LLVMFuzzerTestOneInput`; `main` comes from libFuzzer, so the sources are parsed as a library.

let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .unsafeFlags(["-parse-as-library"]),
]

func fuzzer(_ name: String, _ dependencies: [Target.Dependency]) -> Target {
    .executableTarget(
        name: "fuzz-\(name)", dependencies: ["FuzzSupport"] + dependencies, path: "Sources/\(name)",
        swiftSettings: swiftSettings,
        // lld, not gold: gold splits the Swift and the C objects' coverage counters into two
        // `__sancov_cntrs` sections and libFuzzer then sees only the C ones (no Swift coverage).
        linkerSettings: [.unsafeFlags(["-use-ld=lld"])])
}

let package = Package(
    name: "FlowFuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "Flow", path: ".."),
        // The same Hummingbird the main package resolves: `Request` values for the query parsers.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        // The same PostgresNIO: the parsed cursors' instants are bound as the PostgreSQL store binds them.
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        // Turning libFuzzer's bytes into the parsers' inputs, and the invariant check.
        .target(name: "FuzzSupport", swiftSettings: [.swiftLanguageMode(.v6)]),
        fuzzer("flow-yaml", [.product(name: "FlowEngine", package: "Flow")]),
        fuzzer("expressions", [.product(name: "FlowEngine", package: "Flow")]),
        fuzzer("dry-run-fixtures", [
            .product(name: "FlowEngine", package: "Flow"), .product(name: "FlowRuntime", package: "Flow"),
            .product(name: "Travel", package: "Flow"),
        ]),
        fuzzer("stored-state", [
            .product(name: "FlowEngine", package: "Flow"), .product(name: "FlowRuntime", package: "Flow"),
        ]),
        fuzzer("twilio-webhook", [
            .product(name: "FlowEngine", package: "Flow"), .product(name: "Steps", package: "Flow"),
            .product(name: "FlowRuntime", package: "Flow"), .product(name: "Travel", package: "Flow"),
        ]),
        fuzzer("sse-query", [
            .product(name: "FlowEngine", package: "Flow"), .product(name: "FlowRuntime", package: "Flow"),
            .product(name: "Travel", package: "Flow"), .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "PostgresNIO", package: "postgres-nio"),
        ]),
    ]
)
