/// Why the client base refused an operation (the CLI maps `.busy` to exit 75).
public struct StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        case cannotOpen, busy, corrupt, notFound, conflict, invalid, sqlite
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}
