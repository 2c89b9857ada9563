public import FlowEngine
import Foundation
public import Hummingbird
import HTTPTypes

/// The flows a daemon runs (its workflow directory's current versions):
/// - `GET /flows` — each flow's name, declared version, content hash, description and triggers;
/// - `GET /flows/{name}` — the same plus its source, its settings as declared (type, default,
///   bounds, allowed values, whether an agency may override it) with the value in effect for the
///   caller's agency, its input fields, its states (name and kind, top level), its state graph
///   (`graph`: states with labelled edges, nested branches; `mermaid`: the same drawn), and every
///   version stored by content hash (`versions`, newest first: instances run to their end on the
///   version they started with);
/// - `GET /flows/{name}/versions/{hash}` — one stored version with its source;
/// - `GET /flows/{name}/graph.svg` — the graph drawn (``FlowGraphSVG``) with the states the
///   caller's unfinished instances are in filled and counted, or with `?instance=ID` that one
///   instance's states (its version's graph).
/// Flow definitions are shared by every agency; the effective settings and instances are the caller's.
public enum FlowRoutes {
    /// Most unfinished instances read to count a graph's occupied states.
    static let graphInstanceLimit = 1_000

    public static func add<Context: RequestContext>(
        to router: Router<Context>, registry: DefinitionRegistry, store: some FlowStore,
        graphs: FlowGraphSVG = FlowGraphSVG(dotPath: nil),
        agency: @escaping @Sendable (Context) -> String? = { _ in nil },
        canSee: @escaping @Sendable (Context, String?) -> Bool = { _, _ in true }
    ) {
        router.get("flows") { _, _ -> Response in
            let flows = registry.flowNames.compactMap { registry.current($0).map(summary) }
            return json(["flows": .array(flows)])
        }
        router.get("flows/:name") { _, context -> Response in
            let name = try context.parameters.require("name")
            guard let loaded = registry.current(name) else { throw HTTPError(.notFound, message: "no such flow") }
            guard case .object(var body) = summary(loaded) else { return json(summary(loaded)) }
            let effective = (try? await registry.runtimeSettings(flow: name, agency: agency(context), in: store)) ?? [:]
            body["source"] = .string(loaded.source.text)
            body["settings"] = .object(Dictionary(uniqueKeysWithValues: loaded.flow.settings.map { setting in
                (setting.name.value, Value.object([
                    "type": .string(setting.type.value.description), "default": setting.defaultValue.value,
                    "min": setting.min?.value ?? .null, "max": setting.max?.value ?? .null,
                    "allowed": setting.allowed.map(Value.array) ?? .null, "overridable": .bool(setting.overridable),
                    "description": setting.description.map(Value.string) ?? .null,
                    "effective": effective[setting.name.value] ?? setting.defaultValue.value,
                ]))
            }))
            body["input"] = .object(Dictionary(uniqueKeysWithValues: loaded.flow.input.map { field in
                (field.name.value, Value.object([
                    "type": .string(field.type.value.description), "required": .bool(field.required),
                ]))
            }))
            body["start"] = .string(loaded.flow.graph.start.value)
            body["states"] = .array(loaded.flow.graph.states.map { state in
                ["name": .string(state.name.value), "kind": .string(state.kind.keyword)]
            })
            let graph = StateGraphRenderer(flow: loaded.flow)
            body["graph"] = graph.json()
            body["mermaid"] = .string(graph.mermaid())
            let versions = try await store.definitions(name: name)
            body["versions"] = .array(versions.map { version in
                ["hash": .string(version.hash), "version": .number(Double(version.version)),
                 "created_at": .instant(version.createdAt), "current": .bool(version.hash == loaded.contentHash)]
            })
            return json(.object(body))
        }
        router.get("flows/:name/graph.svg") { request, context -> Response in
            let name = try context.parameters.require("name")
            guard let loaded = registry.current(name) else { throw HTTPError(.notFound, message: "no such flow") }
            var flow = loaded.flow
            var highlight: [String: Int] = [:]
            if let id = request.uri.queryParameters.get("instance") {
                guard let record = try await store.instance(id: String(id)), record.flow == name,
                      canSee(context, record.agencyID)
                else { throw HTTPError(.notFound, message: "no such instance of this flow") }
                if record.definitionHash != loaded.contentHash,
                   let older = try? await registry.flow(hash: record.definitionHash, store: store) {
                    flow = older
                }
                if !record.status.isFinished, let state = try? InstanceStateCoding.decode(record.state) {
                    highlight = state.graphNodeIDs.mapValues { _ in 0 }
                }
            } else {
                for status in [InstanceStatus.running, .waiting] {
                    let filter = InstanceFilter(flow: name, agencyID: agency(context), status: status,
                                                limit: graphInstanceLimit)
                    for record in try await store.instances(matching: filter) {
                        guard let state = try? InstanceStateCoding.decode(record.state) else { continue }
                        highlight.merge(state.graphNodeIDs) { $0 + $1 }
                    }
                }
            }
            let drawn = await graphs.svg(flow: flow, highlight: highlight)
            return Response(status: .ok, headers: [
                .contentType: "image/svg+xml; charset=utf-8", .cacheControl: "no-store",
                HTTPField.Name("X-Flow-Graph-Renderer")!: drawn.renderer,
            ], body: .init(byteBuffer: ByteBuffer(string: drawn.svg)))
        }
        router.get("flows/:name/versions/:hash") { _, context -> Response in
            let name = try context.parameters.require("name")
            let hash = try context.parameters.require("hash")
            guard let stored = try await store.definition(hash: hash), stored.name == name else {
                throw HTTPError(.notFound, message: "no such version of this flow")
            }
            return json([
                "name": .string(stored.name), "hash": .string(stored.hash), "version": .number(Double(stored.version)),
                "created_at": .instant(stored.createdAt), "current": .bool(registry.current(name)?.contentHash == hash),
                "source": .string(stored.source),
            ])
        }
    }

    static func summary(_ loaded: LoadedFlow) -> Value {
        let flow = loaded.flow
        let triggers: [Value] = flow.triggers.map { trigger in
            switch trigger {
            case .event(let event): ["event": .string(event.event.value)]
            case .schedule(let schedule):
                ["schedule": .string(schedule.cron.value), "zone": .string(schedule.zone.value)]
            }
        }
        return [
            "name": .string(flow.name.value), "version": .number(Double(flow.version.value)),
            "hash": .string(loaded.contentHash), "description": flow.description.map(Value.string) ?? .null,
            "triggers": .array(triggers),
        ]
    }

    static func json(_ value: Value) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json"],
                 body: .init(byteBuffer: ByteBuffer(string: value.jsonText)))
    }
}
