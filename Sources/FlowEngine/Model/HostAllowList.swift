/// The hosts `http.request` may call, as the daemon's configuration lists them
/// (`FLOW_HTTP_ALLOW_HOSTS=api.example.com,*.internal.example,localhost:8080`).
///
/// An entry is a host name or IP address, optionally with `:port` (then only that port is
/// allowed; without it any port), or `*.suffix` for every host under `suffix` (not `suffix`
/// itself). Names compare case-insensitively. The validator refuses literal hosts outside the
/// list (F120); the step refuses the others at run time (`http.host_not_allowed`, permanent).
public struct HostAllowList: Sendable, Hashable, CustomStringConvertible {
    /// One allowed host (or host suffix), with an optional port.
    public struct Entry: Sendable, Hashable, CustomStringConvertible {
        /// Lower-cased host; for a wildcard, the suffix after `*.`.
        public var host: String
        public var wildcard: Bool
        public var port: Int?

        public var description: String {
            (wildcard ? "*." : "") + host + (port.map { ":\($0)" } ?? "")
        }
    }

    /// The entries, in the order given.
    public var entries: [Entry]
    /// Every host allowed: only for runs where nothing leaves the machine (a dry-run answered from
    /// fixtures). Never read from configuration.
    public var allowsAny: Bool

    public init(entries: [Entry] = [], allowsAny: Bool = false) {
        self.entries = entries
        self.allowsAny = allowsAny
    }

    /// No host at all: the daemon's list when none is configured.
    public static let none = HostAllowList()
    /// Every host (dry-runs, where fixtures answer every request).
    public static let any = HostAllowList(allowsAny: true)

    /// Why a list could not be read.
    public struct ParseError: Error, Sendable, Hashable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// Reads `a.example.com, *.b.example, localhost:8080` (commas, blanks ignored).
    public init(parsing text: String) throws(ParseError) {
        var entries: [Entry] = []
        for item in text.split(separator: ",") {
            let raw = String(item.filter { !$0.isWhitespace }).lowercased()
            if raw.isEmpty { continue }
            var host = Substring(raw)
            var port: Int?
            if let colon = Self.portColon(in: host) {
                guard let number = Int(host[host.index(after: colon)...]), (1...65_535).contains(number) else {
                    throw ParseError(message: "'\(raw)': the port must be a number from 1 to 65535")
                }
                port = number
                host = host[..<colon]
            }
            let wildcard = host.hasPrefix("*.")
            if wildcard { host = host.dropFirst(2) }
            guard !host.isEmpty, host.allSatisfy(Self.isHostCharacter) else {
                throw ParseError(message: "'\(raw)' is not a host name, IP address or *.suffix (with an optional :port)")
            }
            entries.append(Entry(host: String(host), wildcard: wildcard, port: port))
        }
        self.init(entries: entries)
    }

    /// Whether `host` (any case) on `port` may be called.
    public func allows(host: String, port: Int?) -> Bool {
        if allowsAny { return true }
        let host = host.lowercased()
        return entries.contains { entry in
            let hostMatches = entry.wildcard ? host.hasSuffix("." + entry.host) : host == entry.host
            return hostMatches && (entry.port == nil || entry.port == port)
        }
    }

    /// Whether the URL's host may be called (false for a URL without a usable host).
    public func allows(_ authority: URLAuthority) -> Bool { allows(host: authority.host, port: authority.port) }

    public var description: String {
        allowsAny ? "any host" : entries.isEmpty ? "no host" : entries.map(\.description).joined(separator: ",")
    }

    /// The colon before a port: the last one, or for a bracketed IPv6 address the one after `]`.
    static func portColon(in authority: Substring) -> Substring.Index? {
        guard authority.hasPrefix("[") else { return authority.lastIndex(of: ":") }
        return authority.firstIndex(of: "]").flatMap { close in authority[close...].firstIndex(of: ":") }
    }

    static func isHostCharacter(_ c: Character) -> Bool {
        c.isASCII && (c.isLetter || c.isNumber || c == "." || c == "-" || c == "[" || c == "]" || c == ":")
    }
}

/// The scheme, host and port of an absolute `http`/`https` URL: what the allow-list judges.
public struct URLAuthority: Sendable, Hashable, CustomStringConvertible {
    /// `http` or `https`, lower-cased.
    public var scheme: String
    /// Lower-cased; IPv6 addresses keep their brackets.
    public var host: String
    /// The explicit port, if the URL gives one.
    public var port: Int?

    /// `host` or `host:port`, as an allow-list entry names it.
    public var description: String { host + (port.map { ":\($0)" } ?? "") }

    /// Why a URL is not usable.
    public enum Problem: Error, Sendable, Hashable, CustomStringConvertible {
        case notAbsolute
        case scheme(String)
        case userInfo
        case host
        case port

        public var description: String {
            switch self {
            case .notAbsolute: "must be an absolute http or https URL"
            case .scheme(let s): "must be an http or https URL, not \(s)"
            case .userInfo: "must not carry credentials (use `credential`)"
            case .host: "has no usable host"
            case .port: "has a port that is not a number from 1 to 65535"
            }
        }
    }

    /// Reads the authority of `url`; `complete` false when `url` is only the start of a URL whose
    /// authority may go on (a template's text before its first expression): then nil unless the
    /// authority visibly ends (`/`, `?` or `#`).
    public static func parse(_ url: String, complete: Bool = true) -> Result<URLAuthority, Problem>? {
        guard let schemeEnd = url.range(of: "://") else { return complete ? .failure(.notAbsolute) : nil }
        let scheme = url[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "http" || scheme == "https" else { return .failure(.scheme(scheme)) }
        let rest = url[schemeEnd.upperBound...]
        let end = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" }
        if end == nil, !complete { return nil }
        let authority = rest[..<(end ?? rest.endIndex)]
        if authority.contains("@") { return .failure(.userInfo) }
        var host = Substring(authority)
        var port: Int?
        if let colon = HostAllowList.portColon(in: host) {
            guard let number = Int(host[host.index(after: colon)...]), (1...65_535).contains(number) else {
                return .failure(.port)
            }
            port = number
            host = host[..<colon]
        }
        guard !host.isEmpty, host.allSatisfy(HostAllowList.isHostCharacter) else { return .failure(.host) }
        return .success(URLAuthority(scheme: scheme, host: host.lowercased(), port: port))
    }
}
