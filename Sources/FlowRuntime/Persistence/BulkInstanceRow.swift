import FlowEngine
import Foundation

/// One instance as a JSON object for `PostgresFlowStore.createInstances`: the keys match the
/// column list of its `jsonb_to_recordset`; instants are epoch milliseconds; an absent key reads as NULL.
struct BulkInstanceRow: Encodable {
    var id: String
    var flow: String
    var hash: String
    var agency: String?
    var status: String
    var state: String
    var settings: String
    var wake: Int64?
    var key: String?
    var created: Int64
    var updated: Int64

    init(_ record: InstanceRecord) {
        id = record.id
        flow = record.flow
        hash = record.definitionHash
        agency = record.agencyID
        status = record.status.rawValue
        state = record.state
        settings = record.settings
        wake = record.wakeAt?.epochMilliseconds
        key = record.idempotencyKey
        created = record.createdAt.epochMilliseconds
        updated = record.updatedAt.epochMilliseconds
    }

    /// The records as one JSON array.
    static func json(_ records: some Sequence<InstanceRecord>) throws -> String {
        let rows = records.map(BulkInstanceRow.init)
        let data = try JSONEncoder().encode(rows)
        return String(decoding: data, as: UTF8.self)
    }
}
