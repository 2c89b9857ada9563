import FlowEngine
import Foundation
import Steps

/// Checks a request a client built against one trimmed OpenAPI contract (`Contracts/*.json`):
/// the path and method exist; path and query parameters are declared, present when required and
/// typed; the operation's security (HTTP Basic, Bearer, or an API-key header) is satisfied; the
/// content type is one the operation accepts; form or JSON body fields are declared, required
/// ones present, and each value matches its schema. Test support: returns problems, never throws
/// on a bad request.
struct OpenAPIRequestValidator {
    let name: String
    let document: Value
    /// The base URL the client was pointed at; removed from request URLs to get the spec path.
    let baseURL: String
    var schemas: OpenAPISchemaCheck { OpenAPISchemaCheck(document: document) }

    init(contract file: String, baseURL: String) throws {
        guard let url = Bundle.module.url(forResource: file, withExtension: nil, subdirectory: "Contracts") else {
            throw ContractMissing(file: file)
        }
        self.name = file
        self.document = try JSONDecoder().decode(Value.self, from: Data(contentsOf: url))
        self.baseURL = baseURL
    }

    struct ContractMissing: Error { var file: String }

    /// Problems with `request`; empty when it conforms.
    func validate(_ request: HTTPRequestSpec) -> [String] {
        guard request.url.hasPrefix(baseURL) else { return ["URL \(request.url) is not under \(baseURL)"] }
        let rest = String(request.url.dropFirst(baseURL.count))
        let (path, query) = rest.firstIndex(of: "?").map { (String(rest[..<$0]), String(rest[rest.index(after: $0)...])) }
            ?? (rest, "")
        guard let (template, pathValues) = matchPath(path) else { return ["\(name): no path matches \(path)"] }
        let item = resolve(document["paths"]?[template] ?? .null)
        guard let operation = item[request.method.rawValue.lowercased()], operation.objectValue != nil else {
            return ["\(name): \(request.method.rawValue) \(template) is not an operation"]
        }
        let where_ = "\(request.method.rawValue) \(template)"
        var problems: [String] = []
        let parameters = ((item["parameters"]?.arrayValue ?? []) + (operation["parameters"]?.arrayValue ?? [])).map(resolve)
        guard let queryPairs = FormEncoding.decode(query) else { return ["\(where_): malformed query \(query)"] }
        for (parameterName, value) in pathValues {
            guard let declared = parameters.first(where: { $0["in"] == "path" && $0["name"]?.stringValue == parameterName })
            else { problems.append("\(where_): path parameter \(parameterName) is not declared"); continue }
            problems += checkParameter(value, declared, at: "path.\(parameterName)")
        }
        for (parameterName, value) in queryPairs {
            guard let declared = parameters.first(where: { $0["in"] == "query" && $0["name"]?.stringValue == parameterName })
            else { problems.append("\(where_): query parameter \(parameterName) is not declared"); continue }
            problems += checkParameter(value, declared, at: "query.\(parameterName)")
        }
        for parameter in parameters where parameter["required"] == true {
            guard let parameterName = parameter["name"]?.stringValue else { continue }
            switch parameter["in"]?.stringValue {
            case "query" where !queryPairs.contains { $0.0 == parameterName }:
                problems.append("\(where_): required query parameter \(parameterName) is missing")
            case "header" where request.header(parameterName) == nil:
                problems.append("\(where_): required header \(parameterName) is missing")
            default: break
            }
        }
        problems += checkSecurity(request, operation: operation, at: where_)
        problems += checkBody(request, operation: operation, at: where_)
        return problems
    }

    // MARK: Paths and parameters

    /// The path template matching `path`, with the values of its `{parameters}`, percent-decoded.
    func matchPath(_ path: String) -> (String, [(String, String)])? {
        for template in (document["paths"]?.objectValue ?? [:]).keys.sorted() {
            var pattern = "^"
            var names: [String] = []
            var rest = Substring(template)
            while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
                pattern += NSRegularExpression.escapedPattern(for: String(rest[..<open])) + "([^/]+?)"
                names.append(String(rest[rest.index(after: open)..<close]))
                rest = rest[rest.index(after: close)...]
            }
            pattern += NSRegularExpression.escapedPattern(for: String(rest)) + "$"
            guard let regex = try? NSRegularExpression(pattern: pattern),
                  let match = regex.firstMatch(in: path, range: NSRange(path.startIndex..., in: path)) else { continue }
            let values = names.enumerated().map { index, parameterName in
                let raw = Range(match.range(at: index + 1), in: path).map { String(path[$0]) } ?? ""
                return (parameterName, raw.removingPercentEncoding ?? raw)
            }
            return (template, values)
        }
        return nil
    }

    /// A parameter value (always text on the wire) against its schema, converted by the schema's type.
    func checkParameter(_ text: String, _ parameter: Value, at path: String) -> [String] {
        let schema = schemas.resolve(parameter["schema"] ?? .object([:]))
        return schemas.check(Self.typed(text, schema: schema, schemas: schemas), against: schema, at: path)
    }

    /// Wire text as the schema's type would read it (integers, numbers, booleans); unparseable
    /// text stays a string so the type check reports it.
    static func typed(_ text: String, schema: Value, schemas: OpenAPISchemaCheck) -> Value {
        switch schemas.resolve(schema)["type"]?.stringValue {
        case "integer": Int(text).map { .number(Double($0)) } ?? .string(text)
        case "number": Double(text).map(Value.number) ?? .string(text)
        case "boolean": text == "true" ? .bool(true) : text == "false" ? .bool(false) : .string(text)
        default: .string(text)
        }
    }

    // MARK: Security

    func checkSecurity(_ request: HTTPRequestSpec, operation: Value, at where_: String) -> [String] {
        let requirements = (operation["security"] ?? document["security"])?.arrayValue ?? []
        guard !requirements.isEmpty else { return [] }
        let schemes = document["components"]?["securitySchemes"] ?? .object([:])
        var reasons: [String] = []
        for requirement in requirements {
            let failures = (requirement.objectValue ?? [:]).keys.compactMap { schemeName -> String? in
                satisfied(request, scheme: schemes[schemeName] ?? .null, name: schemeName)
            }
            if failures.isEmpty { return [] }
            reasons += failures
        }
        return ["\(where_): security not satisfied (\(reasons.joined(separator: "; ")))"]
    }

    /// Nil when the request satisfies the scheme, else why not.
    func satisfied(_ request: HTTPRequestSpec, scheme: Value, name: String) -> String? {
        switch (scheme["type"]?.stringValue, scheme["scheme"]?.stringValue?.lowercased()) {
        case ("http", "basic"):
            guard let header = request.header("Authorization"), header.hasPrefix("Basic "),
                  let decoded = Data(base64Encoded: String(header.dropFirst(6))).flatMap({ String(data: $0, encoding: .utf8) }),
                  let colon = decoded.firstIndex(of: ":"), colon != decoded.startIndex, decoded.index(after: colon) != decoded.endIndex
            else { return "\(name): needs Authorization: Basic base64(user:password)" }
            return nil
        case ("http", "bearer"):
            guard let header = request.header("Authorization"), header.hasPrefix("Bearer "), header.count > 7 else {
                return "\(name): needs Authorization: Bearer <token>"
            }
            return nil
        case ("apiKey", _):
            guard let headerName = scheme["name"]?.stringValue, scheme["in"] == "header" else { return "\(name): unsupported" }
            guard let value = request.header(headerName), !value.isEmpty else { return "\(name): needs header \(headerName)" }
            return nil
        default:
            return "\(name): unsupported security scheme"
        }
    }

    // MARK: Bodies

    func checkBody(_ request: HTTPRequestSpec, operation: Value, at where_: String) -> [String] {
        guard let requestBody = operation["requestBody"].map(resolve) else {
            return request.body.isEmpty ? [] : ["\(where_): the operation takes no body"]
        }
        guard !request.body.isEmpty else {
            return requestBody["required"] == true ? ["\(where_): a request body is required"] : []
        }
        let contentType = request.header("Content-Type")?.split(separator: ";").first
            .map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        guard let media = requestBody["content"]?[contentType] else {
            let accepted = (requestBody["content"]?.objectValue ?? [:]).keys.sorted().joined(separator: ", ")
            return ["\(where_): content type '\(contentType)' is not one of \(accepted)"]
        }
        let schema = media["schema"] ?? .object([:])
        let text = String(decoding: request.body, as: UTF8.self)
        let body: Value
        switch contentType {
        case "application/x-www-form-urlencoded":
            guard let pairs = FormEncoding.decode(text) else { return ["\(where_): malformed form body"] }
            var problems: [String] = []
            var members: [String: Value] = [:]
            let declared = schemas.declaredProperties(schema)
            for (field, value) in pairs {
                guard let propertySchema = declared[field].map(schemas.resolve) else {
                    problems.append("\(where_): form field \(field) is not declared"); continue
                }
                if propertySchema["type"] == "array" {
                    let item = Self.typed(value, schema: propertySchema["items"] ?? .null, schemas: schemas)
                    members[field] = .array((members[field]?.arrayValue ?? []) + [item])
                } else if members[field] != nil {
                    problems.append("\(where_): form field \(field) repeats but is not an array")
                } else {
                    members[field] = Self.typed(value, schema: propertySchema, schemas: schemas)
                }
            }
            body = .object(members)
            if !problems.isEmpty { return problems }
        case "application/json":
            guard let decoded = try? JSONDecoder().decode(Value.self, from: Data(request.body)) else {
                return ["\(where_): body is not JSON"]
            }
            body = decoded
            let declared = schemas.declaredProperties(schema)
            let unknown = (decoded.objectValue ?? [:]).keys.filter { declared[$0] == nil }.sorted()
            if !unknown.isEmpty { return ["\(where_): unknown body properties \(unknown.joined(separator: ", "))"] }
        default:
            return ["\(where_): cannot check \(contentType) bodies"]
        }
        var problems = schemas.requiredProperties(schema).sorted().compactMap { field in
            body[field] == nil ? "\(where_): required body field \(field) is missing" : nil
        }
        problems += schemas.check(body, against: schema, at: "body")
        return problems
    }

    private func resolve(_ value: Value) -> Value { schemas.resolve(value) }
}
