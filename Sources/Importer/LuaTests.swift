import Foundation
import LuaBridge

/// Runs Lua unit tests (`*_test.lua` files) in the sandbox rule sets and plugins run in, so a
/// Lua author tests helpers with `clientimport rules test` rather than `swift test`.
///
/// A test file returns a table of functions; each function is one test, which fails by raising
/// an error (`require("lib.tests.check")` gives assertions that name what differed).
public enum LuaTests {
    /// The outcome of one test function.
    public struct Result: Sendable, Equatable {
        public var file: String
        /// The function's name in the table the file returns; empty when the file itself failed.
        public var name: String
        /// Why it failed (file and line when Lua knows them), or `nil` when it passed.
        public var failure: String?
    }

    /// The `*_test.lua` files at `path`: the file itself, or those under the folder (recursively),
    /// sorted.
    public static func files(at path: String) throws -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ImportError("\(path): no such file or folder")
        }
        guard isDirectory.boolValue else {
            guard path.hasSuffix(".lua") else { throw ImportError("\(path) is not a Lua file; a Lua test file's name ends in _test.lua") }
            return [path]
        }
        let found = FileManager.default.enumerator(atPath: path)?.compactMap { $0 as? String } ?? []
        return found.filter { $0.hasSuffix("_test.lua") }.sorted().map { "\(path)/\($0)" }
    }

    /// The `*_test.lua` files of every root of `searchPath`: under `rules/` (the helpers' own
    /// tests in `rules/lib/tests/`) and under `plugins/`.
    public static func files(on searchPath: SearchPath) throws -> [String] {
        var files: [String] = []
        for root in searchPath.roots {
            for folder in ["\(root)/rules", "\(root)/plugins"] where FileManager.default.fileExists(atPath: folder) {
                files += try Self.files(at: folder)
            }
        }
        return files
    }

    /// Runs every test function of `file` in a new sandboxed state whose `require` searches
    /// `searchPath` (rules and plugins) and the file's own folder.
    public static func run(file: String, searchPath: SearchPath, limits: LuaLimits = .init()) -> [Result] {
        let folder = (file as NSString).deletingLastPathComponent
        let tests: LuaTable
        let lua: LuaState
        do {
            lua = try LuaState(limits: limits, modulePaths: searchPath.moduleFolders + [folder.isEmpty ? "." : folder])
            try RuleEngine.prepare(lua)
            guard let table = try lua.run(file: file).first?.tableValue else {
                return [Result(file: file, name: "", failure: "a test file must return a table of test functions")]
            }
            tests = table
        } catch {
            return [Result(file: file, name: "", failure: "\(error)")]
        }
        let named = tests.fields.compactMap { key, value -> (String, LuaValue)? in
            guard case .string(let name) = key else { return nil }
            return (name, value)
        }.sorted { $0.0 < $1.0 }
        guard !named.isEmpty else {
            return [Result(file: file, name: "", failure: "the file returns no test functions; a test file returns { name = function() … end, … }")]
        }
        return named.map { name, value in
            guard let function = value.functionValue else {
                return Result(file: file, name: name, failure: "`\(name)` is \(typeName(value)), not a test function")
            }
            do {
                _ = try lua.call(function, [])
                return Result(file: file, name: name, failure: nil)
            } catch {
                return Result(file: file, name: name, failure: "\(error)")
            }
        }
    }
}
