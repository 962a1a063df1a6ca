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

    /// Names the file and line that a Lua failure happened at. When Lua gave no place (`error(x, 0)`,
    /// an error value that is not a string, a C stack overflow inside a C function), the first
    /// Lua frame of the traceback names it, else `file`: the script that was running.
    init(_ error: LuaError, during activity: String, file: String? = nil) {
        let limits: [LuaError.Kind: String] = [.timeBudget: "exceeded its time budget", .memoryLimit: "exceeded its memory limit"]
        let what = limits[error.kind].map { "\(activity) \($0)" } ?? "\(activity) failed"
        var place: (file: String, line: Int?)? = error.chunk.map { ($0, error.line) }
        if place == nil, let frame = error.traceback.flatMap(Self.firstLuaFrame) { place = frame }
        var at = place ?? (file ?? "?", nil)
        // Lua shortens long chunk names to "...<end of the path>" (60 bytes in all).
        if let file, at.file.hasPrefix("..."), file.hasSuffix(at.file.dropFirst(3)) { at.file = file }
        self.init(file: at.file, line: at.line, "\(what): \(Self.withoutRepeatedPlace(error.message, file: at.file))")
    }

    /// The same error with what the user can do about it appended.
    func advising(_ advice: String) -> RuleError {
        RuleError(file: file, line: line, "\(message); \(advice)")
    }

    /// The first frame of a Lua traceback that is Lua code (`\tplugins/x.lua:12: in …`).
    static func firstLuaFrame(_ traceback: String) -> (file: String, line: Int?)? {
        for frame in traceback.split(separator: "\n").dropFirst() {
            let text = frame.drop { $0 == "\t" || $0 == " " }
            guard !text.hasPrefix("["), let end = text.range(of: ": in ") else { continue }
            let place = text[..<end.lowerBound]
            guard let colon = place.lastIndex(of: ":"), let line = Int(place[place.index(after: colon)...]) else { continue }
            return (String(place[..<colon]), line)
        }
        return nil
    }

    /// An error re-raised through nested coroutines carries `file:line: ` once per level
    /// (hundreds of times, the file perhaps shortened to `...end/of/path.lua`); one is enough,
    /// and it is already the error's place.
    static func withoutRepeatedPlace(_ message: String, file: String) -> String {
        var rest = Substring(message)
        while let colon = rest.firstIndex(of: ":") {
            let place = rest[..<colon]
            guard place == file || (place.hasPrefix("...") && file.hasSuffix(place.dropFirst(3))) else { break }
            let afterFile = rest[rest.index(after: colon)...]
            let digits = afterFile.prefix { $0.isASCII && $0.isNumber }
            guard !digits.isEmpty, afterFile.dropFirst(digits.count).hasPrefix(": ") else { break }
            rest = afterFile.dropFirst(digits.count + 2)
        }
        return String(rest)
    }

    public var description: String {
        "\(file)\(line.map { ":\($0)" } ?? ""): \(message)"
    }
}
