import Foundation

/// Where rule sets (`rules/<name>/ruleset.lua`), shared Lua helpers (`rules/lib/`) and plugins
/// (`plugins/<name>.lua`) are found. Roots listed first win, so a user's files override the
/// built-in ones.
public struct SearchPath: Sendable, Equatable {
    /// Folders that may hold `rules/` and `plugins/`, highest priority first.
    public var roots: [String]

    public init(roots: [String]) {
        self.roots = roots
    }

    /// The user's roots from `CLIENTIMPORT_PATH` (colon-separated), then the built-in root.
    public static func standard(environment: [String: String] = ProcessInfo.processInfo.environment) -> SearchPath {
        let user = (environment["CLIENTIMPORT_PATH"] ?? "").split(separator: ":").map(String.init)
        return SearchPath(roots: user + [builtInRoot(environment: environment)])
    }

    /// The folder holding the built-in `rules/` and `plugins/`: `CLIENTIMPORT_HOME` when set,
    /// else `share/clientimport` beside an installed binary, else the source checkout.
    public static func builtInRoot(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let home = environment["CLIENTIMPORT_HOME"], !home.isEmpty { return home }
        let fileManager = FileManager.default
        let executable = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath()
        let installed = executable.deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("share/clientimport").path
        if fileManager.fileExists(atPath: installed + "/rules/remonline/ruleset.lua") { return installed }
        // Sources/Importer/SearchPath.swift → the checkout's root.
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
    }

    /// Folders Lua's `require` searches in a plugin's state: each root's `rules/` and `plugins/`,
    /// in priority order.
    public var moduleFolders: [String] {
        roots.flatMap { ["\($0)/rules", "\($0)/plugins"] }
    }

    /// Folders Lua's `require` searches in the rule set's state: each root's `rules/` only, so
    /// that no file under `plugins/` (`plugins/lib/phones.lua`, say) ever runs there.
    public var ruleModuleFolders: [String] {
        roots.map { "\($0)/rules" }
    }

    /// The rule set file for a name (`remonline`) or a path (a `ruleset.lua` or its folder).
    public func ruleSetFile(_ nameOrPath: String) throws -> String {
        let fileManager = FileManager.default
        var isDirectory: ObjCBool = false
        if nameOrPath.contains("/") || nameOrPath.hasSuffix(".lua") {
            if fileManager.fileExists(atPath: nameOrPath, isDirectory: &isDirectory) {
                return isDirectory.boolValue ? nameOrPath + "/ruleset.lua" : nameOrPath
            }
            throw RuleError(file: nameOrPath, "no such rule set file or folder")
        }
        for root in roots {
            let candidate = "\(root)/rules/\(nameOrPath)/ruleset.lua"
            if fileManager.fileExists(atPath: candidate) { return candidate }
        }
        let known = ruleSetNames().joined(separator: ", ")
        throw RuleError(file: nameOrPath, "no rule set named \"\(nameOrPath)\" (known: \(known)); searched \(roots.map { $0 + "/rules" }.joined(separator: ", "))")
    }

    /// Names of every rule set on the path, each once.
    public func ruleSetNames() -> [String] {
        var names: [String] = []
        for root in roots {
            let folder = "\(root)/rules"
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
            for entry in entries.sorted() where FileManager.default.fileExists(atPath: "\(folder)/\(entry)/ruleset.lua") {
                if !names.contains(entry) { names.append(entry) }
            }
        }
        return names
    }

    /// The plugin file for a name (`google-contacts`) or a path to a `.lua` file. A name or
    /// path that finds no file is a mistake on the command line (`ImportError`, exit 64) whose
    /// message lists the plugins found, not a broken plugin.
    public func pluginFile(_ nameOrPath: String) throws -> String {
        if nameOrPath.contains("/") || nameOrPath.hasSuffix(".lua") {
            guard FileManager.default.fileExists(atPath: nameOrPath) else {
                throw ImportError("no such plugin file: \(nameOrPath) (plugins found: \(pluginNames().joined(separator: ", ")))")
            }
            return nameOrPath
        }
        for root in roots {
            let candidate = "\(root)/plugins/\(nameOrPath).lua"
            if FileManager.default.fileExists(atPath: candidate) { return candidate }
        }
        let known = pluginNames().joined(separator: ", ")
        throw ImportError("no plugin named \"\(nameOrPath)\" (plugins found: \(known)); searched \(roots.map { $0 + "/plugins" }.joined(separator: ", "))")
    }

    /// Names of every plugin on the path (each once: a user's plugin hides a built-in one).
    public func pluginNames() -> [String] {
        var names: [String] = []
        for root in roots {
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: "\(root)/plugins")) ?? []
            // `*_test.lua` files are Lua unit tests (`clientimport rules test`), not plugins.
            for entry in entries.sorted() where entry.hasSuffix(".lua") && !entry.hasSuffix("_test.lua") {
                let name = String(entry.dropLast(4))
                if !names.contains(name) { names.append(name) }
            }
        }
        return names
    }
}
