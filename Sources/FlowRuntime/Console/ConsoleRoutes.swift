import Foundation
public import Hummingbird
import HTTPTypes
import NIOCore

/// The web console (`docs/console.md`): static pages under `/console` (`Console/Assets`, a resource
/// of this module, read once at start) that sign in with an API key and use only the API and its
/// event streams. The pages hold no data, so they are public; every call they make carries the
/// key. A strict Content-Security-Policy (scripts and styles from the daemon only, no framing).
public enum ConsoleRoutes {
    /// One page or script, ready to serve.
    struct Asset: Sendable {
        var contentType: String
        var bytes: ByteBuffer
    }

    static let contentTypes = [
        "html": "text/html; charset=utf-8", "css": "text/css; charset=utf-8",
        "js": "text/javascript; charset=utf-8", "svg": "image/svg+xml",
    ]

    static let securityHeaders: HTTPFields = [
        HTTPField.Name("Content-Security-Policy")!:
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
            + "frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
        HTTPField.Name("X-Content-Type-Options")!: "nosniff",
        HTTPField.Name("Referrer-Policy")!: "no-referrer",
        .cacheControl: "no-cache",
    ]

    /// The assets by file name; empty when the resource is missing (the routes then answer 404).
    static func load() -> [String: Asset] {
        guard let directory = Bundle.module.resourceURL?.appendingPathComponent("Assets"),
              let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path)
        else { return [:] }
        var assets: [String: Asset] = [:]
        for name in names {
            let suffix = (name as NSString).pathExtension
            guard let type = contentTypes[suffix],
                  let data = FileManager.default.contents(atPath: directory.appendingPathComponent(name).path)
            else { continue }
            assets[name] = Asset(contentType: type, bytes: ByteBuffer(bytes: data))
        }
        return assets
    }

    /// Whether `path` is the console's (public: the pages carry no data).
    public static func isConsolePath(_ path: String) -> Bool {
        path == "/console" || path.hasPrefix("/console/")
    }

    public static func add<Context: RequestContext>(to router: Router<Context>) {
        let assets = load()
        router.get("console") { _, _ in try serve("index.html", from: assets) }
        router.get("console/:file") { _, context in try serve(try context.parameters.require("file"), from: assets) }
    }

    static func serve(_ name: String, from assets: [String: Asset]) throws -> Response {
        guard let asset = assets[name] else { throw HTTPError(.notFound, message: "no such console page") }
        var headers = securityHeaders
        headers[.contentType] = asset.contentType
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: asset.bytes))
    }
}
