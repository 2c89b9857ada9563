import FlowEngine
import FlowRuntime
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import Travel

/// `POST/GET /trips/{trip_id}/documents` and `DELETE /trips/{trip_id}/documents/{document_id}` through
/// the real daemon's router: validation naming the field, pages oldest first, tenancy, deletion.
@Suite("trip documents API")
struct DocumentRoutesTests {
    typealias A = APIFixture

    func post(
        _ client: some TestClientProtocol, _ token: String, trip: String = "T-ACME-DOCS", _ body: String
    ) async throws -> (HTTPResponse.Status, Value) {
        try await client.execute(
            uri: "/trips/\(trip)/documents", method: .post, headers: A.headers(token), body: ByteBuffer(string: body)
        ) { ($0.status, (try? A.json($0)) ?? .null) }
    }

    @Test("attach, list a page at a time, refuse malformed bodies naming the field, delete")
    func lifecycle() async throws {
        let fixture = try await A.make()
        try await APITenancyTests.seedDocuments(fixture)
        let app = try await fixture.app()
        try await app.test(.router) { client in
            let (created, document) = try await post(
                client, fixture.acme, #"{"name": " Seguro de viaje ", "url": "https://agency.example/s.pdf", "content_type": "application/pdf"}"#)
            #expect(created == .created)
            #expect(document["name"] == "Seguro de viaje" && document["type"] == "insurance")
            #expect(document["source"] == "api" && document["agency_id"] == "acme" && document["fetchable"] == true)
            let (typed, boarding) = try await post(
                client, fixture.admin, #"{"name": "BP", "url": "https://agency.example/bp.png", "type": "boarding_pass"}"#)
            #expect(typed == .created && boarding["type"] == "boarding_pass" && boarding["agency_id"] == "acme")

            let refusals: [(String, HTTPResponse.Status, String)] = [
                (#"{"name": "V", "url": "https://a.example/v", "colour": "red"}"#, .unprocessableContent, "colour"),
                (#"{"name": "V", "url": "http://a.example/v"}"#, .unprocessableContent, "url"),
                (#"{"name": "V", "url": "https://a.example/v w"}"#, .unprocessableContent, "url"),
                (#"{"url": "https://a.example/v"}"#, .unprocessableContent, "name"),
                (#"{"name": "   ", "url": "https://a.example/v"}"#, .unprocessableContent, "name"),
                (#"{"name": "V", "url": "https://a.example/v", "type": "selfie"}"#, .unprocessableContent, "type"),
                (#"{"name": "V", "url": "https://a.example/v", "content_type": "pdf"}"#, .unprocessableContent,
                 "content_type"),
                ("{\"name\": \"V\\u0000\", \"url\": \"https://a.example/v\"}", .badRequest, "NUL"),
                ("[1]", .unprocessableContent, "JSON object"),
                ("not json", .badRequest, "JSON"),
            ]
            for (body, status, named) in refusals {
                let (answered, error) = try await post(client, fixture.acme, body)
                #expect(answered == status, "\(body)")
                #expect(error["error"]?["message"]?.stringValue?.contains(named) == true, "\(body): \(error)")
            }
            let (missing, _) = try await post(client, fixture.acme, trip: "T-NOPE", #"{"name": "V", "url": "https://a.example/v"}"#)
            #expect(missing == .notFound)

            // Three documents, oldest first, two per page.
            func page(_ query: String) async throws -> (HTTPResponse.Status, Value) {
                try await client.execute(uri: "/trips/T-ACME-DOCS/documents" + query, method: .get,
                                         headers: A.headers(fixture.acme)) { ($0.status, (try? A.json($0)) ?? .null) }
            }
            let (_, first) = try await page("?limit=2")
            let ids = first["documents"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
            #expect(ids == ["doc-acme-1", document["id"]?.stringValue ?? "-"])
            let cursor = try #require(first["next_cursor"]?.stringValue)
            let (_, second) = try await page("?limit=2&cursor=\(cursor)")
            #expect(second["documents"]?.arrayValue?.map { $0["id"] } == [boarding["id"]])
            #expect(second["next_cursor"] == .null)
            for bad in ["?limit=0", "?limit=101", "?limit=x", "?cursor=bm9kb3Q", "?limit=%00"] {
                #expect(try await page(bad).0 == .badRequest, "\(bad)")
            }

            // Deleting: another agency's key 404, the owner 204, then 404.
            let path = "/trips/T-ACME-DOCS/documents/\(document["id"]?.stringValue ?? "")"
            for (token, status) in [(fixture.patagonia, HTTPResponse.Status.notFound), (fixture.acme, .noContent),
                                    (fixture.acme, .notFound)] {
                try await client.execute(uri: path, method: .delete, headers: A.headers(token)) {
                    #expect($0.status == status)
                }
            }
            try await client.execute(uri: "/trips/T-NOPE/documents/doc-acme-1", method: .delete,
                                     headers: A.headers(fixture.acme)) { #expect($0.status == .notFound) }
            let (_, after) = try await page("")
            #expect(after["documents"]?.arrayValue?.count == 2)
        }
    }
}
