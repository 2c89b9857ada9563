// swift-tools-version: 6.2
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "Flow",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "flowctl", targets: ["flowctl"]),
        .library(name: "FlowEngine", targets: ["FlowEngine"]),
        .library(name: "Steps", targets: ["Steps"]),
        .library(name: "FlowRuntime", targets: ["FlowRuntime"]),
        .library(name: "Travel", targets: ["Travel"]),
    ],
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/vapor/sqlite-nio", from: "1.13.2"),
        .package(url: "https://github.com/apple/swift-distributed-tracing", from: "1.7.2"),
        // Traces over OTLP/HTTP only (no gRPC): off unless an endpoint is configured.
        .package(url: "https://github.com/swift-otel/swift-otel", from: "1.6.0", traits: ["OTLPHTTP"]),
    ],
    targets: [
        // Pure: language, validator, interpreter, calendar math. Yams and Foundation only.
        .target(
            name: "FlowEngine",
            dependencies: [.product(name: "Yams", package: "Yams")],
            resources: [.copy("Resources/airports.tsv")],
            swiftSettings: swiftSettings
        ),
        // What a flow can call: provider steps over an HTTP transport.
        .target(
            name: "Steps",
            dependencies: [
                "FlowEngine",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // The generic durable runtime: stores, scheduler, effect ledger, daemon assembly. Names no
        // trip, concierge or notification type.
        .target(
            name: "FlowRuntime",
            dependencies: [
                "FlowEngine",
                "Steps",
                .product(name: "Yams", package: "Yams"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Crypto", package: "swift-crypto"),
                // Spans per instance run and step; the OTLP exporter `serve` bootstraps when configured.
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "OTel", package: "swift-otel"),
            ],
            // The OpenAPI document the daemon serves at /openapi.json.
            resources: [.copy("API/openapi.yaml"), .copy("Console/Assets")],
            swiftSettings: swiftSettings
        ),
        // The travel product on the runtime: trips, notifications, conversations, itineraries, the planning API.
        .target(
            name: "Travel",
            dependencies: [
                "FlowEngine",
                "Steps",
                "FlowRuntime",
                .product(name: "Logging", package: "swift-log"),
                // Feedback ratings by flow version on /metrics.
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
                // The planning /v1 API's routes.
                .product(name: "Hummingbird", package: "hummingbird"),
                // Trip ids derived from an Idempotency-Key (`POST /trips`).
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "flowctl",
            dependencies: [
                "FlowEngine",
                "Steps",
                "FlowRuntime",
                "Travel",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            // The JSON Schemas `flowctl schema` prints; editors can also point at these files.
            resources: [.copy("Resources/flow.schema.json"), .copy("Resources/agency.schema.json")],
            swiftSettings: swiftSettings
        ),
        // Benchmarks that print numbers; run in release (see README).
        .executableTarget(
            name: "flow-bench",
            dependencies: [
                "FlowEngine", "Steps", "FlowRuntime", "Travel", "FlowBenchCases", "FakeProviders",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // Benchmark cases that need FlowEngine only, shared by flow-bench and flow-bench-engine.
        .target(
            name: "FlowBenchCases",
            dependencies: ["FlowEngine"],
            swiftSettings: swiftSettings
        ),
        // The FlowEngine-only cases, buildable in release without the runtime's dependencies.
        .executableTarget(
            name: "flow-bench-engine",
            dependencies: ["FlowBenchCases"],
            swiftSettings: swiftSettings
        ),
        // Test support: local fake providers that speak the real contracts.
        .target(
            name: "FakeProviders",
            dependencies: [
                "Steps",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "FlowEngineTests",
            dependencies: ["FlowEngine", .product(name: "Yams", package: "Yams")],
            resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
        // The FlowStore conformance suite every store implementation runs (memory, SQLite, Postgres).
        .target(
            name: "FlowStoreConformance",
            dependencies: ["FlowRuntime", "FlowEngine", "Travel"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "FlowStoreTests",
            dependencies: [
                "FlowRuntime", "FlowEngine", "Travel", "FlowStoreConformance",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "FlowRuntimeTests",
            dependencies: [
                "FlowRuntime", "FlowEngine", "Steps", "Travel",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "StepsTests",
            dependencies: [
                "Steps", "FakeProviders", "FlowEngine", "FlowRuntime", "Travel",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            resources: [.copy("Contracts")],
            swiftSettings: swiftSettings
        ),
        // The daemon: workers on SQLite/Postgres, effect ledger, HTTP surface.
        .testTarget(
            name: "FlowDaemonTests",
            dependencies: [
                "FlowRuntime", "FlowEngine", "Steps", "Travel", "FakeProviders",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
