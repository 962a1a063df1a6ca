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

    /// What the scratch base was given so the sample could be checked (empty with `--db`).
    public var prepared = Catalog()

    public var passed: Bool { failure == nil }

    /// Checks `name` (or a path) against its sample in a scratch base that is removed afterwards.
    /// With `catalog` (the user's base, `plugins test --db`), the scratch base gets its custom
    /// fields, marketing sources and price types; without, it gets those the sample uses, as text
    /// custom fields, so a plugin is judged on its mapping and not on a base it has never seen.
    public static func run(_ name: String, searchPath: SearchPath, ruleSet: String = "remonline", catalog: Catalog? = nil) throws -> PluginCheck {
        let engine = try RuleEngine(ruleSet: ruleSet, searchPath: searchPath)
        let plugin = try engine.plugin(name)
        var check = PluginCheck(plugin: plugin.name)
        guard let sample = sampleFile(for: plugin.name, in: searchPath) else {
            let roots = searchPath.roots.map { "\($0)/examples" }.joined(separator: ", ")
            check.failure = "no sample export: put one at examples/\(plugin.name).csv (or .xlsx, or one of its extensions) in a root of the search path (searched \(roots))"
            return check
        }
        check.sample = sample
        let scratchFolder = FileManager.default.temporaryDirectory.appendingPathComponent("clientimport-plugin-check-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratchFolder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratchFolder) }
        let scratch = try ClientStores.scratch(at: scratchFolder.appendingPathComponent("scratch.sqlite").path)
        let needed = try catalog ?? needs(of: sample, plugin: plugin, engine: engine)
        if catalog == nil { check.prepared = needed }
        try scratch.addMarketingSources(needed.marketingSources)
        try scratch.addPriceTypes(needed.priceTypes)
        for field in needed.customFields { try scratch.addCustomField(field) }
        var options = ImportOptions()
        options.plugin = .named(name)
        options.language = "en"
        options.ruleSet = ruleSet
        options.rowLimit = .unlimited
        let report = try ImportPipeline(store: scratch, searchPath: searchPath, options: options).run(path: sample)
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

    /// The custom fields (as text), marketing sources and price types the plugin's clients name
    /// for `sample`: what an empty base lacks to take them.
    static func needs(of sample: String, plugin: Plugin, engine: RuleEngine) throws -> Catalog {
        let checker = try engine.checker(language: "en", catalog: Catalog(), options: RuleOptions())
        let rows: any RowReader = plugin.read != nil ? try plugin.readRows(path: sample) : try WorkbookFile.openRows(path: sample)
        guard let header = try rows.nextRow() else { return Catalog() }
        let mapper = try engine.mapper(plugin, checker: checker, headers: header.cells.map(\.displayText), options: RuleOptions())
        let typeOf = Dictionary(engine.ruleSet.columns.map { ($0.key, $0.type) }, uniquingKeysWith: { a, _ in a })
        var sources: [String] = [], priceTypes: [String] = [], customFields: [String] = []
        func add(_ value: String, to list: inout [String]) { if !value.isEmpty && !list.contains(value) { list.append(value) } }
        var finished = false
        while !finished {
            var pending: [(cells: [String], number: Int)] = []
            while pending.count < PluginMapper.batchRows, let row = try rows.nextRow() { pending.append((row.cells.map(\.displayText), row.number)) }
            finished = pending.count < PluginMapper.batchRows
            let mapped = try mapper.map(pending)
            for row in mapped.rows {
                for problem in row.clients.flatMap({ mapped.checked.errors[$0.index] }) {
                    if problem.isCustomField { add(problem.key, to: &customFields); continue }
                    switch typeOf[problem.key] {
                    case "marketing-source": add(problem.value, to: &sources)
                    case "price-type": add(problem.value, to: &priceTypes)
                    default: break
                    }
                }
            }
        }
        return Catalog(marketingSources: sources, priceTypes: priceTypes,
                       customFields: customFields.map { CustomFieldDefinition(name: $0, type: .text) })
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
