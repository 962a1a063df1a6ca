/// The limits a `LuaState` enforces on the Lua code it runs.
///
/// Both are per state: the instruction budget is reset at every `run`/`call` from Swift (nested
/// calls from a Swift closure share the outer call's budget); the memory ceiling covers
/// everything the state holds.
public struct LuaLimits: Sendable {
    /// Lua VM instructions one call from Swift may execute (checked every 1,000 instructions).
    public var instructionBudget: Int
    /// Bytes the state may hold while Lua code runs (host code is never refused).
    public var memoryLimitBytes: Int

    /// Defaults: 200 million instructions per call (a few seconds), 256 MiB per state.
    public init(instructionBudget: Int = 200_000_000, memoryLimitBytes: Int = 256 << 20) {
        self.instructionBudget = instructionBudget
        self.memoryLimitBytes = memoryLimitBytes
    }
}
