// libFuzzer target: Lua values built from the input (Tests/TestSupport/LuaSnippets.swift: shared
// and cyclic tables, deep nesting, odd keys) copied to Swift with small copy limits, then pushed
// back and copied again: the copy must refuse or reproduce them, never crash or grow unbounded.
#if canImport(Glibc)
import Glibc
#endif

private let limits = LuaLimits(instructionBudget: 2_000_000, memoryLimitBytes: 16 << 20,
                               maximumCopyDepth: 30, maximumCopyElements: 20_000, maximumCopyBytes: 1 << 20)
nonisolated(unsafe) private let lua = try! LuaState(limits: limits)
private let echo = try! lua.run(string: "return function(...) return ... end", chunkName: "echo").first!.functionValue!

private func containsNaN(_ value: LuaValue) -> Bool {
    switch value {
    case .number(let number): return number.isNaN
    case .table(let table): return table.array.contains(where: containsNaN) || table.fields.values.contains(where: containsNaN)
    default: return false
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzLuaValue(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let source = LuaSnippets.value(Array(UnsafeBufferPointer(start: data, count: size)))
    guard let values = try? lua.run(string: source, chunkName: "value.lua") else { return 0 }
    do {
        let back = try lua.call(echo, values)
        if back != values && !values.contains(where: containsNaN) {
            fputs("the copy changed on the way back:\n\(source)\n", stderr)
            abort()
        }
    } catch let error as LuaError where error.message.contains("cannot copy") || error.kind != .runtime {
        // A copy limit, or a limit on the way back: an answer.
    } catch {
        fputs("\(error)\n\(source)\n", stderr)
        abort()
    }
    for value in values {
        if case .function(let function) = value { lua.release(function) }
    }
    return 0
}
