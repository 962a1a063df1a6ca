/// The limits a `LuaState` enforces on the Lua code it runs.
///
/// Both are per state: the instruction budget is reset at every `run`/`call` from Swift (nested
/// calls from a Swift closure share the outer call's budget); the memory ceiling covers
/// everything the state holds. The copy limits bound each copy of a Lua value to Swift (results,
/// arguments of Swift closures, fields read through `LuaTableView`).
public struct LuaLimits: Sendable {
    /// Lua VM instructions one call from Swift may execute (checked every 1,000 instructions).
    /// Work the sandbox's C functions do (pattern matching, table loops) is charged as well.
    public var instructionBudget: Int
    /// Bytes the state may hold while Lua code runs (host code is never refused).
    public var memoryLimitBytes: Int
    /// Tables nested deeper than this are refused when a value is copied to Swift.
    public var maximumCopyDepth: Int
    /// Values (table entries, keys not counted) one copy to Swift may hold. A table that appears
    /// in several places counts each time, as the copy repeats it: a small table referenced a
    /// million times is refused, not expanded.
    public var maximumCopyElements: Int
    /// Bytes one copy to Swift may hold: string bytes plus 16 per value.
    public var maximumCopyBytes: Int

    /// Defaults: 200 million instructions per call (a few seconds), 256 MiB per state; copies to
    /// Swift at most 100 levels deep, 4 million values and 256 MiB.
    public init(instructionBudget: Int = 200_000_000, memoryLimitBytes: Int = 256 << 20,
                maximumCopyDepth: Int = 100, maximumCopyElements: Int = 4_000_000, maximumCopyBytes: Int = 256 << 20) {
        self.instructionBudget = instructionBudget
        self.memoryLimitBytes = memoryLimitBytes
        self.maximumCopyDepth = maximumCopyDepth
        self.maximumCopyElements = maximumCopyElements
        self.maximumCopyBytes = maximumCopyBytes
    }
}
