/// Why the client base refused an operation (the CLI maps `.busy` to exit 75, `.newerSchema`
/// with the other storage failures to 74, `.unsupported` to 64 and `.notEmpty` to 73).
public struct StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        case cannotOpen, busy, corrupt, notFound, conflict, invalid, sqlite
        /// The base was written by a newer build (its schema version is past this build's).
        case newerSchema
        /// The location names a backend this build cannot open (PostgreSQL before issue 15).
        case unsupported
        /// The target of a copy already holds a base: a copy only creates one.
        case notEmpty
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}
