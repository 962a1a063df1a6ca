import LuaBridge

/// A rule set or plugin that cannot be used: a Lua error, a bad declaration, a sandbox or limit
/// violation. The CLI exits with 78.
public struct RuleError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The Lua file at fault.
    public var file: String
    /// The line in that file, when known.
    public var line: Int?
    public var message: String

    public init(file: String, line: Int? = nil, _ message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    /// Names the file and line that a Lua failure happened at.
    init(_ error: LuaError, during activity: String) {
        let limits: [LuaError.Kind: String] = [.timeBudget: "exceeded its time budget", .memoryLimit: "exceeded its memory limit"]
        let what = limits[error.kind].map { "\(activity) \($0)" } ?? "\(activity) failed"
        self.init(file: error.chunk ?? "?", line: error.line, "\(what): \(error.message)")
    }

    public var description: String {
        "\(file)\(line.map { ":\($0)" } ?? ""): \(message)"
    }
}
