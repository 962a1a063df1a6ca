/// An import that could not start: the CLI maps these to usage errors (exit 64).
public struct ImportError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
