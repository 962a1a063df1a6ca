/// A failure of Lua code (or of loading it), located at its chunk and line when Lua knows them.
public struct LuaError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, for callers that react differently (exit codes, messages).
    public enum Kind: String, Sendable {
        /// The chunk does not parse.
        case syntax
        /// A Lua error at run time (including sandbox refusals and errors thrown by Swift closures).
        case runtime
        /// The call exceeded `LuaLimits.instructionBudget`.
        case timeBudget
        /// The state exceeded `LuaLimits.memoryLimitBytes`.
        case memoryLimit
        /// The file to run does not exist or cannot be read.
        case notFound
    }

    /// What went wrong.
    public var kind: Kind
    /// The chunk name, usually the script's path (`rules/remonline/template.lua`).
    public var chunk: String?
    /// The 1-based line in `chunk`.
    public var line: Int?
    /// The message without its `chunk:line:` prefix.
    public var message: String
    /// Lua's `stack traceback:` text, when the error went through the message handler.
    public var traceback: String?

    /// Builds an error; `LuaState` makes these, tests and callers may too.
    public init(kind: Kind, chunk: String? = nil, line: Int? = nil, message: String, traceback: String? = nil) {
        self.kind = kind
        self.chunk = chunk
        self.line = line
        self.message = message
        self.traceback = traceback
    }

    /// `rules/x.lua:12: message`, as Lua itself would print it.
    public var description: String {
        switch (chunk, line) {
        case let (chunk?, line?): return "\(chunk):\(line): \(message)"
        case let (chunk?, nil): return "\(chunk): \(message)"
        default: return message
        }
    }
}

extension LuaError {
    /// Splits a message from the message handler into location, message and traceback.
    ///
    /// `"x.lua:3: boom\nstack traceback:\n\t..."` → chunk `x.lua`, line 3, message `boom`.
    init(kind: Kind, luaMessage full: String) {
        let marker = Array("\nstack traceback:\n".utf8)
        let bytes = Array(full.utf8)
        var messageEnd = bytes.count
        var traceback: String?
        if bytes.count >= marker.count {
            for start in 0...(bytes.count - marker.count) where bytes[start] == marker[0] {
                if bytes[start..<(start + marker.count)].elementsEqual(marker) {
                    messageEnd = start
                    traceback = String(decoding: bytes[(start + 1)...], as: UTF8.self)
                    break
                }
            }
        }
        let (chunk, line, message) = LuaError.splitLocation(String(decoding: bytes[..<messageEnd], as: UTF8.self)[...])
        self.init(kind: kind, chunk: chunk, line: line, message: message, traceback: traceback)
    }

    /// Finds the first `chunk:digits: ` prefix.
    static func splitLocation(_ text: Substring) -> (String?, Int?, String) {
        let bytes = Array(text.utf8)
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: ":"), index > 0 {
                var end = index + 1
                var line = 0
                while end < bytes.count, bytes[end] >= UInt8(ascii: "0"), bytes[end] <= UInt8(ascii: "9"), end - index < 10 {
                    line = line * 10 + Int(bytes[end] - UInt8(ascii: "0"))
                    end += 1
                }
                if end > index + 1, end < bytes.count, bytes[end] == UInt8(ascii: ":") {
                    let chunk = String(decoding: bytes[..<index], as: UTF8.self)
                    var messageStart = end + 1
                    if messageStart < bytes.count, bytes[messageStart] == UInt8(ascii: " ") { messageStart += 1 }
                    let message = String(decoding: bytes[messageStart...], as: UTF8.self)
                    return (chunk, line, message)
                }
            }
            if bytes[index] == UInt8(ascii: "\n") { break }
            index += 1
        }
        return (nil, nil, String(text))
    }
}
