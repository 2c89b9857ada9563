import FlowEngine
import FlowRuntime
import FuzzSupport

/// Fuzzes the stored-state JSON reader: every input is a column as the stores hold it. It is read
/// as a value (`StoredJSONReader`, what `StoreCoding.value` reads settings, payloads, ledger
/// requests and results with) and as an instance state (`InstanceStateCoding.decode`); what reads
/// must write back and read again to the same thing. The row is then shown as the API shows it
/// (`GET /instances/{id}` and the list's summary, the `waiting_for`, `trip` and `user` filters).

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzStoredState(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let input = FuzzInput(data, count)
    if let value = try? StoredJSONReader.value(input.bytes) {
        let written: String
        do { written = try value.storedJSON() } catch { fatalError("a value read from stored JSON does not write: \(error)") }
        let again = try? StoredJSONReader.value(written)
        invariant(again == value, "stored JSON does not read back the same: \(written)")
    }
    let text = input.text
    if let state = try? InstanceStateCoding.decode(text) {
        let written: String
        do { written = try InstanceStateCoding.encode(state) } catch { fatalError("a state read does not write: \(error)") }
        let again = try? InstanceStateCoding.decode(written)
        invariant(again == state, "a stored state does not read back the same: \(written)")
    }
    let record = InstanceRecord(
        id: "inst-1", flow: "flight-notifications", definitionHash: "abc", agencyID: "acme", status: .waiting,
        state: text, settings: text, wakeAt: nil, idempotencyKey: nil, createdAt: Instant(epochMilliseconds: 0),
        updatedAt: Instant(epochMilliseconds: 0))
    _ = InstanceView.json(record, version: 1).jsonText
    _ = InstanceView.summary(record).jsonText
    for kind in WaitingForFilter.kinds { _ = WaitingForFilter(kind)?.matches(record) }
    _ = SubjectFilter(trip: "trip-1", user: "+447700900123")?.matches(record)
    return 0
}
