import ClientBase
import Workbook
import Foundation

/// What `plugins test` found for one plugin: it loads, it recognises its own sample export
/// (`examples/<name>.*` on the search path) and maps every row of it without errors.
public struct PluginCheck: Sendable {
    public var plugin: String
    public var sample: String?
    public var confidence: Double?
    public var report: ImportReport?
    /// Why the plugin fails, or `nil` when it passes.
    public var failure: String?

    public var passed: Bool { failure == nil }

    /// Checks `name` (or a path) against its sample in a scratch base.
    public static func run(_ name: String, searchPath: SearchPath, ruleSet: String = "remonline") throws -> PluginCheck {
        let engine = try RuleEngine(ruleSet: ruleSet, searchPath: searchPath)
        let plugin = try engine.plugin(name)
        var check = PluginCheck(plugin: plugin.name)
        guard let sample = sampleFile(for: plugin.name, in: searchPath) else {
            check.failure = "no sample export: put one at examples/\(plugin.name).csv (or .xlsx, or one of its extensions) so it can be tested"
            return check
        }
        check.sample = sample
        var options = ImportOptions()
        options.plugin = .named(name)
        options.language = "en"
        let (report, _) = try Converter(options: options, searchPath: searchPath, language: "en", rowsPerFile: 5000)
            .convert(sample, to: FileManager.default.temporaryDirectory.appendingPathComponent("plugin-check-\(UUID().uuidString).xlsx").path,
                     settingsFrom: nil)
        check.report = report
        if plugin.read == nil {
            let header = try WorkbookFileHeader.read(sample)
            let (score, _) = try plugin.confidence(for: header)
            check.confidence = score
            if score < ImportOptions.pluginConfidenceThreshold {
                check.failure = "detect gives \(Int(score * 100))% for its own sample's headers; --plugin auto needs \(Int(ImportOptions.pluginConfidenceThreshold * 100))%"
            }
        }
        if report.status == .rejected {
            check.failure = "its sample is rejected: " + (report.errors.first?.description ?? "no rows")
        }
        return check
    }

    static func sampleFile(for name: String, in searchPath: SearchPath) -> String? {
        for root in searchPath.roots {
            let folder = "\(root)/examples"
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
            if let match = entries.sorted().first(where: { ($0 as NSString).deletingPathExtension == name }) {
                return "\(folder)/\(match)"
            }
        }
        return nil
    }
}

/// The header row of a workbook or CSV file, as texts.
enum WorkbookFileHeader {
    static func read(_ path: String) throws -> [String] {
        try WorkbookFile.openRows(path: path).nextRow()?.cells.map(\.displayText) ?? []
    }
}
