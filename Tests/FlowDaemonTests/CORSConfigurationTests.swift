import FlowEngine
import FlowRuntime
import Testing

/// `--cors-origins` / `FLOW_CORS_ORIGINS` / `cors_origins`: the first source that sets it wins; none means no CORS.
@Suite("CORS configuration")
struct CORSConfigurationTests {
    @Test("precedence: flag, environment, file, none", arguments: [
        ("https://a.example" as String?, "https://b.example" as String?, "https://c.example" as String?,
         ["https://a.example"]),
        (nil, " https://b.example , https://d.example,", "https://c.example", ["https://b.example", "https://d.example"]),
        (nil, nil, "https://c.example", ["https://c.example"]),
        (nil, nil, nil, []),
    ])
    func precedence(flag: String?, environment: String?, file: String?, expected: [String]) throws {
        var flags = DaemonConfiguration.Layer()
        flags.corsOrigins = flag.map(DaemonConfiguration.parseOrigins)
        let env = try DaemonConfiguration.environment(environment.map { ["FLOW_CORS_ORIGINS": $0] } ?? [:])
        let fileLayer = try DaemonConfiguration.file(SourceFile(
            path: "flow.yaml", text: file.map { "cors_origins: \"\($0)\"\n" } ?? "port: 8080\n"))
        let resolved = DaemonConfiguration.resolve([flags, env, fileLayer], terminal: false)
        #expect(resolved.corsOrigins == expected)
    }
}
