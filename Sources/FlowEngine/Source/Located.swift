/// A value plus the place in a document it came from.
public struct Located<Wrapped> {
    public var value: Wrapped
    public var location: SourceLocation

    public init(_ value: Wrapped, at location: SourceLocation) {
        self.value = value
        self.location = location
    }

    /// The same location around a transformed value.
    public func map<T>(_ transform: (Wrapped) throws -> T) rethrows -> Located<T> {
        Located<T>(try transform(value), at: location)
    }
}

extension Located: Sendable where Wrapped: Sendable {}
extension Located: Equatable where Wrapped: Equatable {}
extension Located: Hashable where Wrapped: Hashable {}
