import Foundation
import TestSupport
import Testing

/// Scripts that crashed the Lua 5.4.4 that Debian ships, run by the real binary in a child process
/// (a crash fails the test without killing the test runner): each must end as a rule error
/// naming the file and line, exit 78.
@Suite struct SandboxCrashTests {
    /// Lua 5.4.4 bug "C-stack overflow with deep nesting of coroutine.close" (fixed in 5.4.5): a
    /// `__close` method that closes another coroutine, 20,000 deep, overflowed the C stack.
    @Test(.timeLimit(.minutes(1))) func deeplyNestedCoroutineCloseIsAnErrorNotACrash() throws {
        let folder = try TemporaryDirectory()
        try folder.write("rules/crash/ruleset.lua", """
            local coro = false
            for i = 1, 20000 do
              local previous = coro
              coro = coroutine.create(function()
                local cc <close> = setmetatable({}, { __close = function()
                  if previous then assert(coroutine.close(previous)) end
                end })
                coroutine.yield()
              end)
              assert(coroutine.resume(coro))
            end
            assert(coroutine.close(coro))
            return require("remonline.ruleset")
            """)
        let result = try runProcess(clientimportBinary(), ["rules", "check", "crash"], environment: ["CLIENTIMPORT_PATH": folder.path])
        #expect(result.status == 78, "status \(result.status): \(result.standardError)")
        // Line 6 (the innermost `__close`) or line 12 (the call that began the nesting): both are
        // where the script failed; which one depends on how far the error unwound before it was named.
        #expect(result.standardError.contains("rules/crash/ruleset.lua:6:") || result.standardError.contains("rules/crash/ruleset.lua:12:"),
                "\(result.standardError)")
        #expect(result.standardError.contains("coroutine.close nested more than 100 deep"), "\(result.standardError)")
    }
}
