import FlowEngine

/// One instance as a JSON object for `PostgresFlowStore.createInstances`: the keys match the
/// column list of its `jsonb_to_recordset`; instants are epoch milliseconds; an absent key reads as NULL.
struct BulkInstanceRow {
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

    /// The records as one JSON array (written directly; absent optionals left out).
    static func json(_ records: some Sequence<InstanceRecord>) throws -> String {
        var writer = StoredJSONWriter(capacity: 4_096)
        writer.raw("[")
        for (index, record) in records.enumerated() {
            if index > 0 { writer.raw(",") }
            BulkInstanceRow(record).write(into: &writer)
        }
        writer.raw("]")
        return writer.text
    }

    func write(into w: inout StoredJSONWriter) {
        func optional(_ name: String, _ text: String?) {
            guard let text else { return }
            w.key(name)
            w.string(text)
        }
        w.raw("{")
        w.key("id", first: true)
        w.string(id)
        w.key("flow")
        w.string(flow)
        w.key("hash")
        w.string(hash)
        optional("agency", agency)
        w.key("status")
        w.string(status)
        w.key("state")
        w.string(state)
        w.key("settings")
        w.string(settings)
        if let wake {
            w.key("wake")
            w.integer(wake)
        }
        optional("key", key)
        w.key("created")
        w.integer(created)
        w.key("updated")
        w.integer(updated)
        w.raw("}")
    }
}
