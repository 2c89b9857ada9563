import FlowEngine
import FlowRuntime
import Foundation
import Hummingbird
import HummingbirdTesting
import HTTPTypes
import Testing

/// What the web console needs from the daemon besides the control plane: its pages (public, with a
/// strict CSP), `GET /me`, the graph as SVG with occupied states, the overrides check that stores
/// nothing, and the instances' trip and user filters. The pages themselves, and the approvals'
/// event stream reaching an open inbox, are driven in a real browser by `scripts/console-test.sh`.
@Suite("Console routes")
struct ConsoleRoutesTests {
    typealias A = APIFixture

    /// An approval that waits an hour, and a flow whose input names a trip and a user.
    static let flows = [
        "ask.yaml": """
            flow: ask
            version: 1
            description: Asks for a refund approval
            start: ask
            states:
              ask:
                approval:
                  request: { kind: refund, summary: "Refund 120 EUR", amount: 120, currency: EUR }
                  expires_in: 1h
                  on_approve: paid
                  on_reject: refused
              paid:
                succeed: true
              refused:
                succeed: true
            """,
        "trip-hold.yaml": """
            flow: trip-hold
            version: 1
            description: Holds a trip for an hour
            input:
              trip: { type: object, required: true }
              user_id: { type: string, required: false }
            start: pause
            states:
              pause:
                wait:
                  for: 1h
                next: done
              done:
                succeed: true
            """,
    ]

    static func fixture() async throws -> APIFixture {
        let fixture = try await A.make()
        for (name, text) in flows {
            try text.write(toFile: fixture.workflows + "/" + name, atomically: true, encoding: .utf8)
        }
        return fixture
    }

    static func text(_ response: TestResponse) -> String { String(buffer: response.body) }

    @Test("the console's pages need no key, carry a strict CSP and hold no data; unknown pages are 404")
    func pages() async throws {
        let fixture = try await A.make()
        try await fixture.app().test(.router) { client in
            try await client.execute(uri: "/console", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                let policy = response.headers[HTTPField.Name("Content-Security-Policy")!] ?? ""
                #expect(policy.contains("script-src 'self'") && policy.contains("frame-ancestors 'none'"))
                #expect(Self.text(response).contains("<script type=\"module\" src=\"/console/app.js\">"))
            }
            for (file, type) in [("app.js", "text/javascript; charset=utf-8"), ("console.css", "text/css; charset=utf-8"),
                                 ("approvals.js", "text/javascript; charset=utf-8")] {
                try await client.execute(uri: "/console/" + file, method: .get) { response in
                    #expect(response.status == .ok, "\(file)")
                    #expect(response.headers[.contentType] == type, "\(file)")
                }
            }
            try await client.execute(uri: "/console/secrets.js", method: .get) { #expect($0.status == .notFound) }
            // The pages are public; the API they call is not.
            try await client.execute(uri: "/me", method: .get) { #expect($0.status == .unauthorized) }
        }
    }

    @Test("GET /me names the key, its agency and role, never the key")
    func me() async throws {
        let fixture = try await A.make()
        try await fixture.app().test(.router) { client in
            try await client.execute(uri: "/me", method: .get, headers: A.headers(fixture.acme)) { response in
                let body = try A.json(response)
                #expect(body == ["name": "acme-ops", "agency": "acme", "admin": false])
                #expect(!Self.text(response).contains(fixture.acme))
            }
            try await client.execute(uri: "/me", method: .get, headers: A.headers(fixture.admin)) { response in
                let body = try A.json(response)
                #expect(body["admin"] == true)
            }
        }
    }

    @Test("the graph as SVG: the caller's instances counted in their states; one instance's states; 404 across agencies")
    func graph() async throws {
        let fixture = try await Self.fixture()
        try await fixture.app().test(.router) { client in
            var ids: [String] = []
            for _ in 0..<2 {
                let (status, body) = try await A.start(client, token: fixture.acme)
                #expect(status == .created)
                ids.append(try #require(body["id"]?.stringValue))
            }
            try await client.execute(uri: "/flows/hold/graph.svg", method: .get, headers: A.headers(fixture.acme)) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "image/svg+xml; charset=utf-8")
                let svg = Self.text(response)
                #expect(svg.hasPrefix("<svg"), "\(svg.prefix(80))")
                #expect(svg.contains("pause (2)"), "both acme instances wait in pause")
                #expect(svg.contains("occupied"))
                let renderer = response.headers[HTTPField.Name("X-Flow-Graph-Renderer")!]
                #expect(renderer == (FlowGraphSVG.locate().dotPath == nil ? "outline" : "graphviz"))
            }
            try await client.execute(uri: "/flows/hold/graph.svg", method: .get, headers: A.headers(fixture.patagonia)) {
                let svg = Self.text($0)
                #expect($0.status == .ok && !svg.contains("pause (") && !svg.contains("occupied"), "patagonia has none")
            }
            let one = "/flows/hold/graph.svg?instance=\(ids[0])"
            try await client.execute(uri: one, method: .get, headers: A.headers(fixture.acme)) {
                #expect($0.status == .ok && Self.text($0).contains("occupied"))
            }
            try await client.execute(uri: one, method: .get, headers: A.headers(fixture.patagonia)) {
                #expect($0.status == .notFound)
            }
            try await client.execute(uri: "/flows/ask/graph.svg?instance=\(ids[0])", method: .get,
                                     headers: A.headers(fixture.acme)) { #expect($0.status == .notFound) }
        }
    }

    @Test("the outline draws every state, nested ones under their composite, and fills the occupied")
    func outline() throws {
        let source = SourceFile(path: "ask.yaml", text: Self.flows["ask.yaml"]!)
        let flow = try #require(FlowLoader.load(source).0)
        let svg = StateGraphOutline(flow: flow).svg(highlight: ["ask": 3])
        #expect(svg.contains("<g id=\"ask\">") && svg.contains("<g id=\"paid\">") && svg.contains("<g id=\"refused\">"))
        #expect(svg.contains("ask (3)") && svg.contains("class=\"occupied\""))
        #expect(svg.contains("→ paid  on_approve"), "\(svg)")
        #expect(!svg.contains("<style"), "an inlined SVG's style element would need a CSP exception")
        #expect(FlowGraphSVG.locate(environment: ["FLOW_GRAPHVIZ_DOT": "none", "PATH": "/usr/bin"]).dotPath == nil)
        #expect(FlowGraphSVG.locate(environment: ["FLOW_GRAPHVIZ_DOT": "/nonexistent/dot"]).dotPath == nil)
    }

    @Test("Graphviz, where installed, draws the graph with the occupied state filled")
    func graphviz() async throws {
        let located = FlowGraphSVG.locate()
        guard located.dotPath != nil else { return }  // optional dependency: the outline test covers its absence
        let flow = try #require(FlowLoader.load(SourceFile(path: "ask.yaml", text: Self.flows["ask.yaml"]!)).0)
        let drawn = await located.svg(flow: flow, highlight: ["ask": 1])
        #expect(drawn.renderer == "graphviz")
        #expect(drawn.svg.hasPrefix("<svg") && drawn.svg.contains("occupied") && drawn.svg.contains("ask (1)"))
        let broken = await FlowGraphSVG(dotPath: "/bin/false").svg(flow: flow, highlight: [:])
        #expect(broken.renderer == "outline", "a failing dot falls back to the outline")
    }

    @Test("POST /agencies/{agency}/overrides/check: PUT's 422 with the diagnostics at their lines, or 200; stores nothing")
    func overridesCheck() async throws {
        let fixture = try await OverrideRoutesTests.fixture()
        try await fixture.app().test(.router) { client in
            var headers = A.headers(fixture.acme)
            headers[.contentType] = "application/yaml"
            let invalid = "agency: acme\nflows:\n  tuned:\n    settings:\n      pause: 10s\n"
            try await client.execute(uri: "/agencies/acme/overrides/check", method: .post, headers: headers,
                                     body: ByteBuffer(string: invalid)) { response in
                let body = try A.json(response)
                #expect(response.status == .unprocessableContent && body["error"]?["code"] == "invalid_document", "\(body)")
                let first = body["error"]?["diagnostics"]?.arrayValue?.first
                #expect(first?["line"] == 5 && first?["severity"] == "error", "\(body)")
            }
            try await client.execute(uri: "/agencies/acme/overrides/check", method: .post, headers: headers,
                                     body: ByteBuffer(string: OverrideRoutesTests.twoHours)) { response in
                let body = try A.json(response)
                #expect(body["valid"] == true)
            }
            let (_, current) = try await OverrideRoutesTests.get(client, "/agencies/acme/overrides", token: fixture.acme)
            #expect(current["revision"] == 0 && current["origin"] == "none", "a check stores nothing: \(current)")
        }
    }

    @Test("GET /instances?trip=&user= keeps the instances whose input names them")
    func subjectFilters() async throws {
        let fixture = try await Self.fixture()
        try await fixture.app().test(.router) { client in
            for (trip, user) in [("t-1", "u-1"), ("t-2", "u-1"), ("t-3", "u-2")] {
                let body: Value = ["flow": "trip-hold", "input": ["trip": ["id": .string(trip)], "user_id": .string(user)]]
                let (status, _) = try await A.start(client, token: fixture.acme, body: body)
                #expect(status == .created)
            }
            func trips(_ query: String, token: String) async throws -> Int {
                try await client.execute(uri: "/instances?\(query)", method: .get, headers: A.headers(token)) {
                    try A.json($0)["instances"]?.arrayValue?.count ?? -1
                }
            }
            #expect(try await trips("trip=t-2", token: fixture.acme) == 1)
            #expect(try await trips("user=u-1", token: fixture.acme) == 2)
            #expect(try await trips("user=u-1&trip=t-3", token: fixture.acme) == 0)
            #expect(try await trips("user=u-1", token: fixture.patagonia) == 0)
        }
    }
}
