import FlowEngine
import FlowRuntime
import Testing

/// Checks of `APIKeyStore` and of the instances' keyset pagination the API lists with.
enum APIKeyChecks {
    typealias F = StoreFixtures

    static func keysRoundTrip(_ harness: FlowStoreHarness) async throws {
        try await harness.withStore { store in
            let agency = F.uniqueID("agency")
            let issued = try await APIKeys.create(in: store, name: "ops", agency: agency, admin: false, at: F.t0)
            let admin = try await APIKeys.create(in: store, name: nil, agency: nil, admin: true, at: F.t0 + .seconds(1))
            // Only the digest is stored; the token authenticates, a changed secret or a made-up id does not.
            let stored = try #require(try await store.apiKey(id: issued.record.id))
            #expect(stored == issued.record)
            #expect(!issued.token.contains(stored.secretDigest) && stored.secretDigest.count == 64)
            #expect(try await APIKeys.authenticate(issued.token, in: store) == stored)
            var forged = issued.token
            forged.replaceSubrange(forged.index(before: forged.endIndex)..., with: forged.hasSuffix("0") ? "1" : "0")
            #expect(try await APIKeys.authenticate(forged, in: store) == nil)
            let madeUp = "flow_0000000000000000_" + String(repeating: "a", count: 64)
            #expect(try await APIKeys.authenticate(madeUp, in: store) == nil)
            #expect(try await APIKeys.authenticate("Bearer nonsense", in: store) == nil)
            #expect(try await store.apiKeys(agencyID: agency) == [stored])
            let all = try await store.apiKeys(agencyID: nil)
            #expect(all.contains(stored) && all.contains(admin.record))
            #expect(admin.record.admin && admin.record.agencyID == nil)
            // Revoking is recorded once; a revoked key authenticates nothing.
            #expect(try await store.revokeAPIKey(id: issued.record.id, at: F.t0 + .minutes(1)))
            #expect(try await store.revokeAPIKey(id: issued.record.id, at: F.t0 + .minutes(2)))
            #expect(try await store.apiKey(id: issued.record.id)?.revokedAt == F.t0 + .minutes(1))
            #expect(try await APIKeys.authenticate(issued.token, in: store) == nil)
            #expect(try await store.revokeAPIKey(id: F.uniqueID("none"), at: F.t0) == false)
            await #expect(throws: StoreError.self) { try await store.createAPIKey(stored) }
            // Hostile strings are bound, not spliced.
            let hostile = "x'); DROP TABLE api_keys; --"
            let odd = try await APIKeys.create(in: store, name: hostile, agency: hostile, admin: false, at: F.t0)
            #expect(try await store.apiKeys(agencyID: hostile).map(\.name) == [hostile])
            #expect(try await store.apiKey(id: odd.record.id)?.agencyID == hostile)
        }
    }

    static func instancePages(_ harness: FlowStoreHarness) async throws {
        try await harness.withStore { store in
            let agency = F.uniqueID("agency")
            var created: [InstanceRecord] = []
            // Two share an instant: the id breaks the tie.
            for (n, offset) in [0, 1, 1, 2, 3].enumerated() {
                var record = F.instance(id: "page-\(agency)-\(n)", agencyID: agency)
                record.createdAt = F.t0 + .seconds(Int64(offset))
                created.append(try await F.create(record, in: store))
            }
            var seen: [String] = []
            var cursor: InstanceCursor?
            repeat {
                let filter = InstanceFilter(agencyID: agency, limit: 2, after: cursor)
                let page = try await store.instances(matching: filter)
                seen += page.map(\.id)
                cursor = page.count == 2 ? page.last.map(InstanceCursor.init(after:)) : nil
            } while cursor != nil
            #expect(seen == created.map(\.id))
            let after = InstanceCursor(after: created[1])
            let rest = try await store.instances(matching: InstanceFilter(agencyID: agency, after: after))
            #expect(rest.map(\.id) == created[2...].map(\.id))
        }
    }
}
