package import FlowEngine
package import NIOCore
package import PostgresNIO

/// An instant bound to and read from a `timestamptz` column exactly, as integer microseconds
/// since 2000-01-01 UTC (no floating-point round trip through `Date`).
package struct PostgresInstant: PostgresNonThrowingEncodable, PostgresDecodable, Sendable {
    /// Milliseconds between the Unix epoch and PostgreSQL's epoch (2000-01-01T00:00:00Z).
    static let postgresEpochMilliseconds: Int64 = 946_684_800_000

    package var instant: Instant

    package init(_ instant: Instant) { self.instant = instant }

    package static var psqlType: PostgresDataType { .timestamptz }
    package static var psqlFormat: PostgresFormat { .binary }

    package func encode<JSONEncoder: PostgresJSONEncoder>(
        into byteBuffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>
    ) {
        byteBuffer.writeInteger((instant.epochMilliseconds - Self.postgresEpochMilliseconds) * 1000)
    }

    package init<JSONDecoder: PostgresJSONDecoder>(
        from byteBuffer: inout ByteBuffer, type: PostgresDataType, format: PostgresFormat,
        context: PostgresDecodingContext<JSONDecoder>
    ) throws {
        guard type == .timestamptz || type == .timestamp, format == .binary,
              byteBuffer.readableBytes == 8, let microseconds = byteBuffer.readInteger(as: Int64.self)
        else {
            throw PostgresDecodingError.Code.typeMismatch
        }
        let milliseconds = microseconds >= 0 ? microseconds / 1000 : (microseconds - 999) / 1000
        self.instant = Instant(epochMilliseconds: milliseconds + Self.postgresEpochMilliseconds)
    }
}

extension Instant {
    /// This instant as a `timestamptz` bind parameter.
    package var postgres: PostgresInstant { PostgresInstant(self) }
}

extension Optional where Wrapped == Instant {
    package var postgres: PostgresInstant? { map(PostgresInstant.init) }
}
