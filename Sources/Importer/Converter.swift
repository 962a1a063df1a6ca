import ClientBase
import Foundation
import Workbook

/// Turns any file the importer reads (a foreign export through a plugin, a CSV, a template)
/// into RemOnline template files ready to upload, split into parts of at most `rowsPerFile`
/// rows. Rows are checked exactly as an import checks them, in a scratch base that only borrows
/// the real base's settings; nothing is written to the real base.
public struct Converter {
    public var options: ImportOptions
    public var searchPath: SearchPath
    /// The template language of the parts.
    public var language: String
    public var rowsPerFile: Int
    /// How CSV parts (an output path ending in `.csv`) are written.
    public var csv = CSVStyle()

    public init(options: ImportOptions, searchPath: SearchPath = .standard(), language: String, rowsPerFile: Int) {
        self.options = options
        self.searchPath = searchPath
        self.language = language
        self.rowsPerFile = rowsPerFile
    }

    /// Converts `path` into `output` (`out.xlsx`, or `out-1.xlsx`, `out-2.xlsx`, … when it takes
    /// several parts). Returns the check's report and the parts written (none when rejected).
    public func convert(_ path: String, to output: String, settingsFrom catalog: Catalog?) throws -> (ImportReport, [ExportPart]) {
        let scratchFolder = FileManager.default.temporaryDirectory.appendingPathComponent("clientimport-convert-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratchFolder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratchFolder) }
        let scratch = try ClientStores.scratch(at: scratchFolder.appendingPathComponent("scratch.sqlite").path)
        if let catalog {
            try scratch.addMarketingSources(catalog.marketingSources)
            try scratch.addPriceTypes(catalog.priceTypes)
            for field in catalog.customFields { try scratch.addCustomField(field) }
        }
        var importOptions = options
        importOptions.rowLimit = .unlimited
        importOptions.employee = nil
        importOptions.dryRun = false
        let report = try ImportPipeline(store: scratch, searchPath: searchPath, options: importOptions).run(path: path)
        guard report.status == .imported else { return (report, []) }
        let engine = try RuleEngine(ruleSet: options.ruleSet, searchPath: searchPath)
        let parts = try TemplateExporter(engine: engine, catalog: try scratch.catalog())
            .exportParts(scratch, to: output, language: language, rowsPerFile: rowsPerFile, includeIDs: false, csv: csv)
        return (report, parts)
    }
}

/// One file of a split export.
public struct ExportPart: Sendable, Equatable {
    public var path: String
    public var clients: Int
}
