package import FlowEngine
import Foundation

/// JSON encoding of values and the small conversions both SQL stores share.
package enum StoreCoding {
    /// Encodes a value as JSON that keeps instants and durations typed (`{"$instant": …}`).
    package static func json(_ value: Value) throws -> String {
        do {
            return try value.storedJSON()
        } catch {
            throw StoreError(.corrupt, "value does not encode as JSON: \(error.message)")
        }
    }

    package static func json(_ value: Value?) throws -> String? {
        try value.map { try json($0) }
    }

    /// Decodes a value stored by `json(_:)`; `column` names the source in the error.
    package static func value(_ text: String, column: String) throws -> Value {
        do {
            return try StoredJSONReader.value(text)
        } catch {
            throw StoreError(.corrupt, "column \(column) holds invalid JSON")
        }
    }

    static func status(_ raw: String) throws -> InstanceStatus {
        guard let status = InstanceStatus(rawValue: raw) else {
            throw StoreError(.corrupt, "unknown instance status '\(raw)'")
        }
        return status
    }

    static func effectStatus(_ raw: String) throws -> EffectRecord.Status {
        guard let status = EffectRecord.Status(rawValue: raw) else {
            throw StoreError(.corrupt, "unknown effect status '\(raw)'")
        }
        return status
    }

    /// What `beginEffect` answers when the key is already in the ledger.
    static func beginResult(existing record: EffectRecord) -> EffectBeginResult {
        switch record.status {
        case .done: .done(record)
        case .failed: .failed(record)
        case .pending, .inDoubt: .inDoubt(record)
        }
    }

    /// The current wall-clock instant, for columns the protocol gives no instant for.
    package static func wallClock() -> Instant {
        Instant(epochMilliseconds: Int64((Date().timeIntervalSince1970 * 1000).rounded()))
    }
}
