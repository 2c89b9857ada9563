import Foundation
public import Hummingbird
import Yams

/// `GET /openapi.json`: the API's OpenAPI 3.1 document (`API/openapi.yaml`, a resource of this
/// module), converted to JSON once, unauthenticated.
public enum OpenAPIRoutes {
    /// The document as JSON text; throws when the resource is missing or not valid YAML.
    public static func documentJSON() throws -> String {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "yaml") else {
            throw APIError(.internalServerError, code: "internal", message: "openapi.yaml is not in the bundle")
        }
        let yaml = try String(contentsOf: url, encoding: .utf8)
        guard let document = try Yams.load(yaml: yaml) else {
            throw APIError(.internalServerError, code: "internal", message: "openapi.yaml is empty")
        }
        let data = try JSONSerialization.data(withJSONObject: jsonObject(document), options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }

    /// Yams' mappings (`[AnyHashable: Any]`) as `[String: Any]`, recursively, for `JSONSerialization`.
    static func jsonObject(_ node: Any) -> Any {
        if let mapping = node as? [AnyHashable: Any] {
            var object: [String: Any] = [:]
            for (key, value) in mapping { object["\(key.base)"] = jsonObject(value) }
            return object
        }
        if let sequence = node as? [Any] { return sequence.map(jsonObject) }
        return node
    }

    public static func add<Context: RequestContext>(to router: Router<Context>) {
        let document = Result { try documentJSON() }
        router.get("openapi.json") { _, context -> Response in
            switch document {
            case .success(let text):
                var headers = HTTPFields()
                headers[.contentType] = "application/json; charset=utf-8"
                return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
            case .failure(let error):
                context.logger.error("no OpenAPI document", metadata: ["flow.error": "\(error)"])
                throw APIError(.internalServerError, code: "internal", message: "the OpenAPI document is unavailable")
            }
        }
    }
}
