import FlowEngine
import FlowRuntime
import Foundation
import Testing

/// `flowctl keys create|list|revoke` through the built binary, on a SQLite file.
@Suite("flowctl keys")
struct KeysCommandTests {
    @Test("create prints the key once; list never shows it; revoke ends it")
    func lifecycle() async throws {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("flow-keys-\(UUID().uuidString).sqlite").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let database = "sqlite://" + path
        let created = try await StartAgencyTests.flowctl(
            ["keys", "create", "--agency", "acme", "--name", "ops", "--database", database])
        #expect(created.status == 0, "\(created.output)")
        let tokens = created.output.split(whereSeparator: \.isWhitespace).filter { $0.hasPrefix("flow_") }
        #expect(tokens.count == 1, "\(created.output)")
        let token = String(try #require(tokens.first))
        let secret = String(try #require(token.split(separator: "_").last))
        let id = String(token.split(separator: "_")[1])

        for format in ["text", "json"] {
            let listed = try await StartAgencyTests.flowctl(
                ["keys", "list", "--format", format, "--database", database])
            #expect(listed.status == 0)
            #expect(listed.output.contains(id) && listed.output.contains("ops"))
            #expect(!listed.output.contains(secret), "keys list shows the secret")
        }
        let store = try await SQLiteFlowStore.open(.file(path: path), migrate: false)
        #expect(try await APIKeys.authenticate(token, in: store)?.agencyID == "acme")

        let revoked = try await StartAgencyTests.flowctl(["keys", "revoke", id, "--database", database])
        #expect(revoked.status == 0, "\(revoked.output)")
        #expect(try await APIKeys.authenticate(token, in: store) == nil)
        let json = try await StartAgencyTests.flowctl(["keys", "list", "--format", "json", "--database", database])
        let keys = try JSONDecoder().decode(Value.self, from: Data(json.output.utf8))
        #expect(keys.arrayValue?.first?["revoked_at"] != .null)
        try await store.close()

        #expect(try await StartAgencyTests.flowctl(["keys", "revoke", "0000", "--database", database]).status == 64)
        #expect(try await StartAgencyTests.flowctl(["keys", "create", "--database", database]).status == 64)
        let admin = try await StartAgencyTests.flowctl(["keys", "create", "--admin", "--database", database])
        #expect(admin.status == 0, "\(admin.output)")
    }
}
