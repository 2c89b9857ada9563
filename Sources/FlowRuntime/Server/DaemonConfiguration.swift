public import FlowEngine
import Foundation
public import Logging
public import Steps

/// `flowctl serve`'s settings, resolved from flags, then environment, then an optional config
/// file, then defaults (the first that sets a value wins).
///
/// | setting | flag | environment | file key | default |
/// |---|---|---|---|---|
/// | HTTP port | `--port` | `FLOW_PORT` | `port` | 8080 |
/// | bind address | `--host` | `FLOW_HOST` | `host` | 0.0.0.0 |
/// | workflow directory | `--workflows` | `FLOW_WORKFLOWS` | `workflows` | ./workflows |
/// | database URL | `--database` | `FLOW_DATABASE_URL` | `database` | ./flow.sqlite |
/// | log format | `--log-format` | `FLOW_LOG_FORMAT` | `log_format` | json unless stdout is a terminal |
/// | log level | `--log-level` | `FLOW_LOG_LEVEL` | `log_level` | info |
/// | CORS origins (`a,b`; `*` any) | `--cors-origins` | `FLOW_CORS_ORIGINS` | `cors_origins` | none |
/// | sandbox fixtures (dry-run format) | `--fixtures` | `FLOW_FIXTURES` | `fixtures` | none |
/// | hosts `http.request` may call (`a.example,*.b.example,localhost:8080`) | `--http-allow-hosts` | `FLOW_HTTP_ALLOW_HOSTS` | `http_allow_hosts` | none |
/// | OpenAI prices (USD per 1M tokens) | | `FLOW_OPENAI_PRICES` (JSON) | `openai.prices` | `ModelPrices.defaults` |
/// | retention by kind, interval, batch | | `FLOW_RETENTION`, `FLOW_RETENTION_INTERVAL`, `FLOW_RETENTION_BATCH` | | `RetentionPolicy` |
/// | circuit breakers (all; per provider) | | `FLOW_BREAKERS`, `FLOW_BREAKERS_<PROVIDER>` | | 5 failures in 30s, open 30s |
/// | largest request body (bytes) | | `FLOW_MAX_BODY_BYTES` | | 1 MiB |
/// | requests per key (per address on public routes) | | `FLOW_RATE_LIMIT`, `_PER_SECOND`, `_BURST` | | 100/s, burst 200 |
///
/// Prices merge by model: each model a source names replaces that model's price from the sources
/// below it (`DaemonConfiguration+Prices.swift`).
public struct DaemonConfiguration: Sendable, Hashable {
    public enum LogFormat: String, Sendable, Hashable, CaseIterable {
        case json, text
    }

    /// Values one source sets; nil = not set there.
    public struct Layer: Sendable, Hashable {
        public var port: Int?
        public var host: String?
        public var workflows: String?
        public var database: String?
        public var logFormat: LogFormat?
        public var logLevel: Logger.Level?
        public var corsOrigins: [String]?
        public var fixtures: String?
        public var httpAllowHosts: HostAllowList?
        /// The models whose prices this source sets.
        public var openaiPrices: ModelPrices?
        /// How long records are kept (`DaemonConfiguration+Retention.swift`).
        public var retention: RetentionPolicy?
        /// The providers' circuit breakers; `.some(nil)`: turned off (`DaemonConfiguration+Breakers.swift`).
        public var breakers: CircuitBreakers.Configuration??
        /// The largest request body (`DaemonConfiguration+Limits.swift`).
        public var maxBodyBytes: Int?
        /// The API's rate limit; `.some(nil)`: turned off (`DaemonConfiguration+Limits.swift`).
        public var rateLimit: RequestRateLimit??

        public init(port: Int? = nil, host: String? = nil, workflows: String? = nil, database: String? = nil,
                    logFormat: LogFormat? = nil, logLevel: Logger.Level? = nil, corsOrigins: [String]? = nil,
                    fixtures: String? = nil, httpAllowHosts: HostAllowList? = nil, openaiPrices: ModelPrices? = nil) {
            self.port = port
            self.host = host
            self.workflows = workflows
            self.database = database
            self.logFormat = logFormat
            self.logLevel = logLevel
            self.corsOrigins = corsOrigins
            self.fixtures = fixtures
            self.httpAllowHosts = httpAllowHosts
            self.openaiPrices = openaiPrices
        }
    }

    /// A bad configuration value, with where it came from.
    public struct ConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    public var port: Int
    public var host: String
    public var workflows: String
    /// nil = the embedded default (`./flow.sqlite`).
    public var database: String?
    public var logFormat: LogFormat
    /// The lowest level logged.
    public var logLevel: Logger.Level
    /// How long an instance's lease lasts: how long a crashed daemon's work waits to be reclaimed
    /// (`--lease`, at least 1s).
    public var lease: TimeSpan = .seconds(60)
    /// Browser origins allowed to call the API (CORS); empty: no CORS headers at all.
    public var corsOrigins: [String] = []
    /// A fixtures file in the dry-run's format that answers every sandboxed provider (a demo with
    /// no keys); nil: sandboxed OpenAI calls fail, naming the missing key.
    public var fixtures: String?
    /// The hosts `http.request` may call: the validator refuses literal hosts outside it (F120),
    /// the step every other (`http.host_not_allowed`). Default: none.
    public var httpAllowHosts: HostAllowList = .none

    /// What `openai.chat` calls cost (USD per million tokens, by model): the defaults with the
    /// configured models over them.
    public var openaiPrices: ModelPrices = .defaults

    /// How long each kind of record is kept and how often the daemon purges (`RetentionService`).
    public var retention = RetentionPolicy()

    /// The providers' circuit breakers (`CircuitBreakers`); nil: off (`FLOW_BREAKERS=off`).
    public var breakers: CircuitBreakers.Configuration? = CircuitBreakers.Configuration()

    /// The largest request body any route reads (`RequestBodyLimit`); a larger one is 413.
    public var maxBodyBytes: Int = RequestBodyLimit<FlowRequestContext>.defaultBytes

    /// Requests per API key, and per address on the public routes (`RequestRateLimiting`); nil: off
    /// (`FLOW_RATE_LIMIT=off`).
    public var rateLimit: RequestRateLimit? = RequestRateLimit()

    public init(
        port: Int, host: String, workflows: String, database: String?, logFormat: LogFormat,
        logLevel: Logger.Level = .info
    ) {
        self.port = port
        self.host = host
        self.workflows = workflows
        self.database = database
        self.logFormat = logFormat
        self.logLevel = logLevel
    }

    /// The file keys, in the order they are documented.
    public static let fileKeys = [
        "port", "host", "workflows", "database", "log_format", "log_level", "cors_origins", "fixtures", "http_allow_hosts",
        "openai",
    ]

    /// Resolves the layers, highest precedence first; `terminal` picks the default log format.
    public static func resolve(_ layers: [Layer], terminal: Bool) -> DaemonConfiguration {
        var configuration = DaemonConfiguration(
            port: layers.lazy.compactMap(\.port).first ?? 8080,
            host: layers.lazy.compactMap(\.host).first ?? "0.0.0.0",
            workflows: layers.lazy.compactMap(\.workflows).first ?? "./workflows",
            database: layers.lazy.compactMap(\.database).first,
            logFormat: layers.lazy.compactMap(\.logFormat).first ?? (terminal ? .text : .json),
            logLevel: layers.lazy.compactMap(\.logLevel).first ?? .info)
        configuration.corsOrigins = layers.lazy.compactMap(\.corsOrigins).first ?? []
        configuration.fixtures = layers.lazy.compactMap(\.fixtures).first
        configuration.httpAllowHosts = layers.lazy.compactMap(\.httpAllowHosts).first ?? .none
        configuration.openaiPrices = resolvePrices(layers)
        configuration.retention = layers.lazy.compactMap(\.retention).first ?? RetentionPolicy()
        configuration.breakers = layers.lazy.compactMap(\.breakers).first ?? CircuitBreakers.Configuration()
        configuration.maxBodyBytes = layers.lazy.compactMap(\.maxBodyBytes).first
            ?? RequestBodyLimit<FlowRequestContext>.defaultBytes
        configuration.rateLimit = layers.lazy.compactMap(\.rateLimit).first ?? RequestRateLimit()
        return configuration
    }

    /// `https://a.example, https://b.example` → the origins, without blanks.
    public static func parseOrigins(_ text: String) -> [String] {
        text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// The `FLOW_*` variables.
    public static func environment(_ variables: [String: String]) throws(ConfigurationError) -> Layer {
        func nonEmpty(_ name: String) -> String? { variables[name].flatMap { $0.isEmpty ? nil : $0 } }
        var layer = Layer(host: nonEmpty("FLOW_HOST"), workflows: nonEmpty("FLOW_WORKFLOWS"),
                          database: nonEmpty("FLOW_DATABASE_URL"), fixtures: nonEmpty("FLOW_FIXTURES"))
        if let text = nonEmpty("FLOW_PORT") { layer.port = try parsePort(text, from: "FLOW_PORT") }
        if let text = nonEmpty("FLOW_LOG_FORMAT") { layer.logFormat = try parseLogFormat(text, from: "FLOW_LOG_FORMAT") }
        if let text = nonEmpty("FLOW_LOG_LEVEL") { layer.logLevel = try parseLogLevel(text, from: "FLOW_LOG_LEVEL") }
        if let text = nonEmpty("FLOW_CORS_ORIGINS") { layer.corsOrigins = parseOrigins(text) }
        if let text = nonEmpty("FLOW_HTTP_ALLOW_HOSTS") {
            layer.httpAllowHosts = try parseHosts(text, from: "FLOW_HTTP_ALLOW_HOSTS")
        }
        if let text = nonEmpty("FLOW_OPENAI_PRICES") { layer.openaiPrices = try parsePricesVariable(text) }
        layer.retention = try retentionPolicy(variables)
        layer.breakers = try breakerConfiguration(variables)
        layer.maxBodyBytes = try maxBodyBytes(variables)
        layer.rateLimit = try rateLimit(variables)
        return layer
    }

    /// A YAML (or JSON) config file with the keys of `fileKeys`; unknown keys and wrong types are
    /// errors naming the file, line and column.
    public static func file(_ source: SourceFile) throws(ConfigurationError) -> Layer {
        let document: LocatedDocument
        do {
            document = try LocatedDocument(parsing: source)
        } catch {
            throw ConfigurationError(message: "\(error)")
        }
        guard case .map(let entries) = document.content else {
            throw ConfigurationError(message: "\(source.path): the config file must be a mapping of \(fileKeys.joined(separator: ", "))")
        }
        var layer = Layer()
        for entry in entries {
            let key = entry.key
            let place = (entry.value.location ?? entry.at).map { "\($0.file):\($0.line):\($0.column)" } ?? source.path
            if key == "openai" {
                layer.openaiPrices = try parseOpenAI(entry.value, at: place)
                continue
            }
            let value = entry.value.value
            let text = value.stringValue ?? value.intValue.map(String.init)
            guard let text else {
                throw ConfigurationError(message: "\(place): '\(key)' must be a string or number, found \(entry.value.kindName)")
            }
            switch key {
            case "port": layer.port = try parsePort(text, from: place)
            case "host": layer.host = text
            case "workflows": layer.workflows = text
            case "database": layer.database = text
            case "log_format": layer.logFormat = try parseLogFormat(text, from: place)
            case "log_level": layer.logLevel = try parseLogLevel(text, from: place)
            case "cors_origins": layer.corsOrigins = parseOrigins(text)
            case "fixtures": layer.fixtures = text
            case "http_allow_hosts": layer.httpAllowHosts = try parseHosts(text, from: place)
            default:
                throw ConfigurationError(message: "\(place): unknown key '\(key)' (known: \(fileKeys.joined(separator: ", ")))")
            }
        }
        return layer
    }

    /// A port number 1–65535; `place` names where the text came from.
    public static func parsePort(_ text: String, from place: String) throws(ConfigurationError) -> Int {
        guard let port = Int(text), (1...65_535).contains(port) else {
            throw ConfigurationError(message: "\(place): port '\(text)' must be a number from 1 to 65535")
        }
        return port
    }

    /// An allow-list of hosts (`HostAllowList(parsing:)`); `place` names where the text came from.
    public static func parseHosts(_ text: String, from place: String) throws(ConfigurationError) -> HostAllowList {
        do {
            return try HostAllowList(parsing: text)
        } catch {
            throw ConfigurationError(message: "\(place): \(error)")
        }
    }

    /// `json` or `text`; `place` names where the text came from.
    public static func parseLogFormat(_ text: String, from place: String) throws(ConfigurationError) -> LogFormat {
        guard let format = LogFormat(rawValue: text) else {
            throw ConfigurationError(message: "\(place): log format '\(text)' must be json or text")
        }
        return format
    }

    /// A swift-log level name (`trace`, `debug`, `info`, `notice`, `warning`, `error`, `critical`;
    /// any letter case); `place` names where the text came from.
    public static func parseLogLevel(_ text: String, from place: String) throws(ConfigurationError) -> Logger.Level {
        guard let level = Logger.Level(rawValue: text.lowercased()) else {
            let known = Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")
            throw ConfigurationError(message: "\(place): log level '\(text)' must be one of \(known)")
        }
        return level
    }
}
