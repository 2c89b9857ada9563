import FlowEngine
import FlowRuntime
import Foundation
import Testing

/// `flowctl schema flow|agency`: the printed schemas are valid draft 2020-12 schemas, every
/// shipped flow and agency document validates against them (checked by Python's `jsonschema`,
/// a real validator), and broken documents are refused by the schema and by `flowctl validate`.
@Suite("flowctl schema")
struct SchemaCommandTests {
    typealias Broken = SchemaBrokenDocuments

    /// The schema `flowctl schema <kind>` prints.
    static func schema(_ kind: Broken.Kind) async throws -> String {
        let result = try await StartAgencyTests.flowctl(["schema", kind.rawValue])
        try #require(result.status == 0, "\(result.output)")
        return result.output
    }

    /// A YAML document as JSON, scalars resolved as the loader resolves them (YAML 1.2 core
    /// schema: `on`, `yes` and `10:30` stay text, quoted scalars are strings).
    static func json(yaml: String, path: String) throws -> String {
        try LocatedDocument(parsing: SourceFile(path: path, text: yaml)).value.jsonText
    }

    /// The validator's report for documents given as YAML texts by name.
    static func report(_ kind: Broken.Kind, _ documents: [String: String]) async throws -> PythonJSONSchema.Report {
        try #require(PythonJSONSchema.available, "\(PythonJSONSchema.unavailableReason)")
        let schemaText = try await Self.schema(kind)
        let jsonTexts = try documents.mapValues { try Self.json(yaml: $0, path: "\(kind.rawValue).yaml") }
        let report = try PythonJSONSchema.validate(schema: schemaText, documents: jsonTexts)
        try #require(report.schemaErrors.isEmpty,
                     "the \(kind.rawValue) schema is not a valid schema: \(report.schemaErrors)")
        return report
    }

    static func contents(_ path: String) throws -> String { try String(contentsOfFile: path, encoding: .utf8) }

    @Test("both schemas are JSON Schema draft 2020-12 documents that pass their meta-schema", arguments: [
        Broken.Kind.flow, .agency,
    ])
    func metaSchema(kind: Broken.Kind) async throws {
        let report = try await Self.report(kind, [:])
        #expect(report.validator == "Draft202012Validator")
        let text = try await Self.schema(kind)
        let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
        #expect(object?["$schema"] as? String == "https://json-schema.org/draft/2020-12/schema")
        #expect(object?["additionalProperties"] as? Bool == false, "the document's top level is closed")
    }

    @Test("an unknown kind exits 64 and names the valid ones")
    func unknownKind() async throws {
        let result = try await StartAgencyTests.flowctl(["schema", "workflow"])
        #expect(result.status == 64)
        #expect(result.output.contains("unknown kind 'workflow'") && result.output.contains("flow, agency"),
                "\(result.output)")
    }

    @Test("every shipped flow (workflows/*.yaml) validates against the flow schema")
    func shippedFlows() async throws {
        let names = GraphCommandTests.shippedFlows
        try #require(names.count >= 5, "workflows/ has \(names)")
        let documents = try Dictionary(uniqueKeysWithValues: names.map {
            ($0, try Self.contents(EventFixtures.workflows + "/\($0).yaml"))
        })
        let report = try await Self.report(.flow, documents)
        for name in names {
            #expect(report.documents[name] == [],
                    "workflows/\(name).yaml: \(report.documents[name] ?? ["not checked"])")
        }
    }

    @Test("every shipped agency document (workflows/agencies/*.yaml) validates against the agency schema")
    func shippedAgencies() async throws {
        let names = GraphCommandTests.agencies
        try #require(names.count >= 3, "workflows/agencies/ has \(names)")
        let documents = try Dictionary(uniqueKeysWithValues: names.map {
            ($0, try Self.contents(EventFixtures.workflows + "/agencies/\($0).yaml"))
        })
        let report = try await Self.report(.agency, documents)
        for name in names {
            #expect(report.documents[name] == [],
                    "workflows/agencies/\(name).yaml: \(report.documents[name] ?? ["not checked"])")
        }
    }

    @Test("the documents the broken ones are made from are valid for the schema and for flowctl validate")
    func originals() async throws {
        for kind in [Broken.Kind.flow, .agency] {
            let original = kind == .flow ? Broken.flow : Broken.agency
            let report = try await Self.report(kind, ["original": original])
            #expect(report.documents["original"] == [], "\(kind.rawValue): \(report.documents["original"] ?? [])")
            let result = try await Self.validate(kind, original)
            #expect(result.status == 0, "\(kind.rawValue): \(result.output)")
        }
    }

    @Test("a broken document is refused by the schema and by flowctl validate", arguments: Broken.cases)
    func broken(_ test: Broken.Case) async throws {
        try #require(test.original.contains(test.replace), "the original has no '\(test.replace)'")
        let report = try await Self.report(test.kind, ["broken": test.document])
        let errors = try #require(report.documents["broken"])
        #expect(!errors.isEmpty, "the \(test.kind.rawValue) schema accepts it")
        let result = try await Self.validate(test.kind, test.document)
        #expect(result.status == 65, "flowctl validate: \(result.output)")
        #expect(result.output.contains("error[\(test.code)]"), "flowctl validate: \(result.output)")
    }

    @Test("the schema's step names are the step catalogue's")
    func stepNames() async throws {
        let text = try await Self.schema(.flow)
        let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
        let defs = object?["$defs"] as? [String: Any]
        let state = defs?["state"] as? [String: Any]
        let step = (state?["properties"] as? [String: Any])?["step"] as? [String: Any]
        #expect((step?["enum"] as? [String])?.sorted() == StepCatalogue.standard.names)
    }

    /// `flowctl validate` of a flow document, or of an agency document (in a directory of its own,
    /// as `--overrides`) with `workflows/flight-notifications.yaml`.
    static func validate(_ kind: Broken.Kind, _ text: String) async throws -> (status: Int32, output: String) {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("schema-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("\(kind.rawValue).yaml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        switch kind {
        case .flow:
            return try await StartAgencyTests.flowctl(["validate", path])
        case .agency:
            let flow = EventFixtures.workflows + "/flight-notifications.yaml"
            return try await StartAgencyTests.flowctl(["validate", flow, "--overrides", directory.path])
        }
    }
}
