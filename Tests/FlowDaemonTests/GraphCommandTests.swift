import FlowEngine
import Foundation
import Testing

/// `flowctl graph`: the exact Mermaid and dot drawing of a flow that uses every state kind, and
/// the drawing of every shipped flow under every agency checked for consistency.
@Suite("flowctl graph")
struct GraphCommandTests {
    /// A flow with a parallel state (a retried, caught step in one branch), an approval, a
    /// for_each, a bounded event wait, a choice, succeed and fail.
    static let refund = #"""
        flow: refund
        version: 1
        description: A refund with an approval, a parallel lookup, a loop over items and a reply wait
        input:
          amount: { type: number }
          phone: { type: string }
          items: { type: array }
        start: lookup
        states:
          lookup:
            parallel:
              branches:
                outbound:
                  start: a
                  states:
                    a:
                      step: aeroapi.flight
                      with: { ident: AR1140, origin: EZE, scheduled_departure: "2026-07-08T21:05:00Z" }
                      retry: { max_attempts: 3, initial: 5s, on: [transient, timeout, limit] }
                      catch: [ { errors: [not_found, permanent], next: missing } ]
                      next: ok
                    ok: { succeed: true }
                    missing: { succeed: true }
                inbound: { start: b, states: { b: { succeed: true } } }
            save: flights
            catch: [ { next: failed } ]
            next: approve
          approve:
            approval:
              request:
                kind: refund
                summary: Refund
                amount: ${{ input.amount }}
                currency: USD
                items: []
              approvers: [ops@agency.example]
              expires_in: 48h
              on_approve: each
              on_reject: failed
          each:
            for_each:
              items: ${{ input.items }}
              as: item
              max_items: 5
              start: mark
              states:
                mark: { set: { seen: true }, next: done }
                done: { succeed: true }
            next: ask
          ask:
            wait:
              event:
                name: whatsapp.reply
                correlation: ${{ input.phone }}
                timeout: 24h
                on_timeout: failed
            next: route
          route:
            choice:
              - when: ${{ input.amount > 100 }}
                next: failed
            default: done
          done: { succeed: true }
          failed: { fail: { error: refund_failed, message: "no refund" } }
        """#

    static let refundMermaid = #"""
        stateDiagram-v2
            [*] --> lookup
            state "lookup — parallel (join all)" as lookup {
                [*] --> lookup__outbound__a
                lookup__outbound__a: a — step aeroapi.flight
                lookup__outbound__a --> lookup__outbound__ok: next
                lookup__outbound__a --> lookup__outbound__missing: catch [not_found, permanent]
                lookup__outbound__a --> lookup__outbound__a: retry ×3 [transient, timeout, limit]
                lookup__outbound__ok: ok — succeed
                lookup__outbound__ok --> [*]
                lookup__outbound__missing: missing — succeed
                lookup__outbound__missing --> [*]
                --
                [*] --> lookup__inbound__b
                lookup__inbound__b: b — succeed
                lookup__inbound__b --> [*]
            }
            lookup --> approve: next
            lookup --> failed: catch [*]
            approve: approve — approval ≤ 48h
            approve --> each: on_approve
            approve --> failed: on_reject
            approve --> failed: on_timeout
            state "each — for_each item ≤ 5" as each {
                [*] --> each__body__mark
                each__body__mark: mark — set
                each__body__mark --> each__body__done: next
                each__body__done: done — succeed
                each__body__done --> [*]
            }
            each --> ask: next
            ask: ask — wait event whatsapp.reply ≤ 24h
            ask --> route: next
            ask --> failed: on_timeout
            route: route — choice
            route --> failed: when ${{ input.amount > 100 }}
            route --> done: default
            done: done — succeed
            done --> [*]
            failed: failed — fail refund_failed
            failed --> [*]
        """#

    static let refundDot = #"""
        digraph "refund" {
            rankdir=TB;
            node [shape=box, style=rounded];
            "__start" [shape=point, label=""];
            "__start" -> "lookup";
            "lookup" [label="lookup\nparallel (join all)", shape=box];
            subgraph "cluster_lookup/outbound/" {
                label="lookup: outbound";
                "lookup/outbound/__start" [shape=point, label=""];
                "lookup/outbound/__start" -> "lookup/outbound/a";
                "lookup/outbound/a" [label="a\nstep aeroapi.flight", shape=box];
                "lookup/outbound/a" -> "lookup/outbound/ok" [label="next"];
                "lookup/outbound/a" -> "lookup/outbound/missing" [label="catch [not_found, permanent]", color=red, fontcolor=red, style=dashed];
                "lookup/outbound/a" -> "lookup/outbound/a" [label="retry ×3 [transient, timeout, limit]", color=red, fontcolor=red, style=dashed];
                "lookup/outbound/ok" [label="ok\nsucceed", shape=doubleoctagon];
                "lookup/outbound/missing" [label="missing\nsucceed", shape=doubleoctagon];
            }
            "lookup" -> "lookup/outbound/__start" [style=dotted];
            subgraph "cluster_lookup/inbound/" {
                label="lookup: inbound";
                "lookup/inbound/__start" [shape=point, label=""];
                "lookup/inbound/__start" -> "lookup/inbound/b";
                "lookup/inbound/b" [label="b\nsucceed", shape=doubleoctagon];
            }
            "lookup" -> "lookup/inbound/__start" [style=dotted];
            "lookup" -> "approve" [label="next"];
            "lookup" -> "failed" [label="catch [*]", color=red, fontcolor=red, style=dashed];
            "approve" [label="approve\napproval ≤ 48h", shape=hexagon];
            "approve" -> "each" [label="on_approve"];
            "approve" -> "failed" [label="on_reject"];
            "approve" -> "failed" [label="on_timeout", color=red, fontcolor=red, style=dashed];
            "each" [label="each\nfor_each item ≤ 5", shape=box];
            subgraph "cluster_each/body/" {
                label="each: body";
                "each/body/__start" [shape=point, label=""];
                "each/body/__start" -> "each/body/mark";
                "each/body/mark" [label="mark\nset", shape=box];
                "each/body/mark" -> "each/body/done" [label="next"];
                "each/body/done" [label="done\nsucceed", shape=doubleoctagon];
            }
            "each" -> "each/body/__start" [style=dotted];
            "each" -> "ask" [label="next"];
            "ask" [label="ask\nwait event whatsapp.reply ≤ 24h", shape=hexagon];
            "ask" -> "route" [label="next"];
            "ask" -> "failed" [label="on_timeout", color=red, fontcolor=red, style=dashed];
            "route" [label="route\nchoice", shape=diamond];
            "route" -> "failed" [label="when ${{ input.amount > 100 }}"];
            "route" -> "done" [label="default"];
            "done" [label="done\nsucceed", shape=doubleoctagon];
            "failed" [label="failed\nfail refund_failed", shape=doubleoctagon];
        }
        """#

    static func writeRefund() throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("graph-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("refund.yaml").path
        try refund.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test("Mermaid: nested graphs, retries as self-loops, error and timeout edges, bounds in the labels")
    func mermaid() async throws {
        let path = try Self.writeRefund()
        let result = try await StartAgencyTests.flowctl(["graph", path])
        #expect(result.status == 0)
        #expect(result.output == Self.refundMermaid + "\n")
    }

    @Test("dot: error edges dashed and red, waits and approvals as hexagons, clusters for nested graphs")
    func dot() async throws {
        let path = try Self.writeRefund()
        let result = try await StartAgencyTests.flowctl(["graph", path, "--format", "dot"])
        #expect(result.status == 0)
        #expect(result.output == Self.refundDot + "\n")
    }

    @Test("an invalid flow exits 65 with its diagnostics; an unknown agency exits 64 and says why")
    func badInput() async throws {
        let path = try Self.writeRefund()
        let broken = path.replacingOccurrences(of: "refund.yaml", with: "broken.yaml")
        try Self.refund.replacingOccurrences(of: "on_reject: failed", with: "on_reject: nowhere")
            .write(toFile: broken, atomically: true, encoding: .utf8)
        let invalid = try await StartAgencyTests.flowctl(["graph", broken])
        #expect(invalid.status == 65)
        #expect(invalid.output.contains("broken.yaml:"), "\(invalid.output)")
        #expect(invalid.output.contains("error[F101]"), "\(invalid.output)")
        let flow = EventFixtures.workflows + "/flight-notifications.yaml"
        let unknown = try await StartAgencyTests.flowctl(["graph", flow, "--agency", "nosuch"])
        #expect(unknown.status == 64)
        #expect(unknown.output.contains("no agency 'nosuch'") && unknown.output.contains("known: acme"), "\(unknown.output)")
    }

    @Test("with one flow loaded, an agency's overrides of other flows are no error; a misspelt name of this flow is")
    func overridesOfOtherFlows() async throws {
        let path = try Self.writeRefund()
        let agencies = (path as NSString).deletingLastPathComponent + "/agencies"
        try FileManager.default.createDirectory(atPath: agencies, withIntermediateDirectories: true)
        try """
            agency: acme
            name: ACME Viajes
            flows:
              flight-notifications:
                settings: { quiet_hours: "21:00-08:00" }
            """.write(toFile: agencies + "/acme.yaml", atomically: true, encoding: .utf8)
        try """
            agency: typo
            name: Typo Viajes
            flows:
              refnud:
                settings: { max_amount: 10 }
            """.write(toFile: agencies + "/typo.yaml", atomically: true, encoding: .utf8)
        #expect(try await StartAgencyTests.flowctl(["graph", path]).status == 0)
        let other = try await StartAgencyTests.flowctl(["graph", path, "--agency", "acme"])
        #expect(other.status == 0, "\(other.output)")
        let misspelt = try await StartAgencyTests.flowctl(["graph", path, "--agency", "typo"])
        #expect(misspelt.status == 65)
        #expect(misspelt.output.contains("typo.yaml:4:3: error[O401]: agency 'typo' overrides unknown flow 'refnud'"),
                "\(misspelt.output)")
    }

    /// Every flow of `workflows/` and every agency of `workflows/agencies/`.
    static let shippedFlows = yamlNames(in: EventFixtures.workflows)
    static let agencies = yamlNames(in: EventFixtures.workflows + "/agencies")

    static func yamlNames(in directory: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
            .filter { $0.hasSuffix(".yaml") }.map { String($0.dropLast(5)) }.sorted()
    }

    @Test("every shipped flow under every agency: each state drawn once, every edge between drawn states, the same error edges in both formats",
          arguments: shippedFlows)
    func shipped(flow: String) async throws {
        let path = EventFixtures.workflows + "/\(flow).yaml"
        #expect(Self.shippedFlows.count >= 5 && Self.agencies.count >= 2)
        for agency in [nil] + Self.agencies.map(Optional.some) {
            let extra = agency.map { ["--agency", $0] } ?? []
            let dot = try await StartAgencyTests.flowctl(["graph", path, "--format", "dot"] + extra)
            let mermaid = try await StartAgencyTests.flowctl(["graph", path, "--format", "mermaid"] + extra)
            try #require(dot.status == 0 && mermaid.status == 0, "\(dot.output)\n\(mermaid.output)")
            let drawing = DotDrawing(dot.output)
            #expect(drawing.nodes.count == Set(drawing.nodes).count, "a state drawn twice in \(flow) \(agency ?? "-")")
            let declared = Set(drawing.nodes)
            for edge in drawing.edges {
                #expect(declared.contains(edge.from) && declared.contains(edge.to),
                        "\(flow) \(agency ?? "-"): edge \(edge.from) -> \(edge.to) to an undrawn state")
            }
            // Every state but the start is the target of some edge (it is reachable in the drawing).
            let targets = Set(drawing.edges.map(\.to))
            for node in declared where !node.hasSuffix("__start") {
                #expect(targets.contains(node), "\(flow) \(agency ?? "-"): nothing leads to \(node)")
            }
            let mermaidEdges = mermaid.output.split(separator: "\n").filter { line in
                line.contains(" --> ") && !line.hasSuffix("--> [*]") && !line.trimmingCharacters(in: .whitespaces).hasPrefix("[*]")
            }
            #expect(mermaidEdges.count == drawing.edges.filter { !$0.from.hasSuffix("__start") && !$0.dotted }.count)
            let errorLabels = ["catch [", "retry ×", "on_timeout"]
            let mermaidErrors = mermaidEdges.filter { line in errorLabels.contains { line.contains($0) } }.count
            #expect(mermaidErrors == drawing.edges.filter(\.dashed).count)
        }
    }
}

/// The nodes and edges of a `flowctl graph --format dot` drawing (one statement per line).
struct DotDrawing {
    struct Edge {
        var from: String
        var to: String
        var dashed: Bool
        var dotted: Bool
    }

    var nodes: [String] = []
    var edges: [Edge] = []

    init(_ text: String) {
        for line in text.split(separator: "\n").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            guard line.hasPrefix("\""), let close = line.dropFirst().firstIndex(of: "\"") else { continue }
            let first = String(line[line.index(after: line.startIndex)..<close])
            let rest = line[line.index(after: close)...].trimmingCharacters(in: .whitespaces)
            if rest.hasPrefix("-> \""), let end = rest.dropFirst(4).firstIndex(of: "\"") {
                let to = String(rest[rest.index(rest.startIndex, offsetBy: 4)..<end])
                edges.append(Edge(from: first, to: to, dashed: rest.contains("style=dashed"),
                                  dotted: rest.contains("style=dotted")))
            } else if rest.hasPrefix("[") {
                nodes.append(first)
            }
        }
    }
}
