// libFuzzer target: the input is a .vcf file handed to plugins/vcard.lua's `read` in a sandboxed
// LuaState, as `clientimport import --plugin vcard` does. Set CLIENTIMPORT_ROOT to the checkout.
#if canImport(Glibc)
import Glibc
#endif

private final class Plugin {
    let lua: LuaState
    let read: LuaFunction
    init() {
        let root = getenv("CLIENTIMPORT_ROOT").map { String(cString: $0) } ?? "."
        lua = try! LuaState(limits: LuaLimits(instructionBudget: 20_000_000, memoryLimitBytes: 64 << 20),
                            modulePaths: [root + "/rules", root + "/plugins"])
        let table = try! lua.run(file: root + "/plugins/vcard.lua")
        read = table.first!["read"].functionValue!
    }
}
nonisolated(unsafe) private let plugin = Plugin()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzVCard(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let source = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    do {
        let result = try plugin.lua.call(plugin.read, [.string(source)])
        _ = result.first?["rows"].tableValue?.array.count
    } catch let error as LuaError {
        // A limit is an answer; anything else from the plugin on any input is a bug in it.
        if error.kind != .timeBudget && error.kind != .memoryLimit {
            fputs("vcard read failed: \(error)\n", stderr)
            abort()
        }
    } catch {
        abort()
    }
    return 0
}
