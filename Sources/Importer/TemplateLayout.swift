import Foundation
import ClientBase
import Workbook

/// The template's sheet in one language: the rule set's columns, then the base's custom
/// fields. Template downloads and exports share it, so an export imports back unchanged.
struct TemplateLayout {
    let ruleSet: RuleSet
    let language: String
    let customFields: [CustomFieldDefinition]
    let catalog: Catalog
    /// The client field of each of the rule set's columns.
    private let columnFields: [ClientField?]

    init(ruleSet: RuleSet, language: String, catalog: Catalog) throws {
        guard ruleSet.languages.contains(language) else {
            throw ImportError("the rule set \(ruleSet.name) has no language \"\(language)\" (languages: \(ruleSet.languages.joined(separator: ", ")))")
        }
        self.ruleSet = ruleSet
        self.language = language
        self.customFields = catalog.customFields
        self.catalog = catalog
        self.columnFields = ruleSet.columns.map { ClientField.named($0.key) }
    }

    var yesWord: String { RuleSet.localized(ruleSet.yesWord, language) }

    /// The header row; header cells carry the column's rule as a comment.
    var headerRow: [OutputCell] {
        ruleSet.columns.map { column in
            let help = RuleSet.localized(column.help, language)
            return OutputCell(.text(column.header(language)), style: .header, comment: help.isEmpty ? nil : help)
        } + customFields.map { OutputCell(.text($0.name), style: .header, comment: nil) }
    }

    var headerTexts: [String] {
        ruleSet.columns.map { $0.header(language) } + customFields.map(\.name)
    }

    /// Column widths and drop-down lists (yes/no, marketing sources, price types).
    var sheetLayout: SheetLayout {
        let columns = ruleSet.columns.map { column -> ColumnLayout in
            switch column.type {
            case "yes-no": ColumnLayout(width: column.width, validationList: [yesWord])
            case "marketing-source": ColumnLayout(width: column.width, validationList: catalog.marketingSources.isEmpty ? nil : catalog.marketingSources)
            case "price-type": ColumnLayout(width: column.width, validationList: catalog.priceTypes.isEmpty ? nil : catalog.priceTypes)
            default: ColumnLayout(width: column.width)
            }
        } + customFields.map { field in
            ColumnLayout(width: 16, validationList: field.type == .yesNo ? [yesWord] : nil)
        }
        return SheetLayout(name: "Clients", columns: columns, frozenHeaderRows: 1)
    }

    /// A client's row in template order; without its ID for files that create clients elsewhere.
    func cells(for client: Client, includeID: Bool = true) -> [Cell] {
        columnFields.map { field in
            guard let field, includeID || field.key != "id" else { return .empty }
            return cell(for: client, field)
        } + customFields.map { field in
            guard let value = client.customFields[field.name], !value.isEmpty else { return .empty }
            switch field.type {
            case .number: return .number(NumberCell(literal: value))
            case .yesNo: return value == "1" ? .text(yesWord) : .empty
            case .text, .date: return .text(value)
            }
        }
    }

    /// The template's example row, from the rule set's `example` for this language.
    var exampleRow: [Cell] {
        let example = ruleSet.example[language] ?? [:]
        return ruleSet.columns.map { column in
            guard let value = example[column.key], !value.isEmpty else { return .empty }
            return column.type == "money" || column.type == "percent" ? .number(NumberCell(literal: value)) : .text(value)
        }
    }

    /// Between the numbers of a phone cell in exports.
    static let phoneSeparator = ", "

    /// The first field of `client` whose export cell would hold more text than an Excel cell
    /// takes, with that length: such a value would make every XLSX export of the base fail, so
    /// an import refuses the row. Measured as `cell(for:key:)` and `cells(for:)` write each
    /// cell (the phones joined, custom values as they are), without building the cells: this
    /// runs for every row, and the UTF-8 length alone clears nearly every field.
    static func firstOverlongField(of client: Client) -> OverlongField? {
        func overlong(_ key: String, _ text: String) -> OverlongField? {
            Cell.overlongLength(of: text).map { OverlongField(key: key, isCustomField: false, length: $0, text: text) }
        }
        for (key, read) in textFields {
            if let found = overlong(key, read(client)) { return found }
        }
        for (key, read) in phoneFields {
            // Digits only, so UTF-8 bytes are UTF-16 units.
            let phones = read(client)
            let digits: Int = phones.reduce(0) { $0 + $1.utf8.count }
            let phoneLength = digits + phoneSeparator.utf16.count * max(0, phones.count - 1)
            if phoneLength > Cell.maximumTextLength {
                return OverlongField(key: key, isCustomField: false, length: phoneLength, text: phones.joined(separator: phoneSeparator))
            }
        }
        // Sorted, for the same answer every time, only when one is too long: this is per row.
        guard client.customFields.values.contains(where: { Cell.overlongLength(of: $0) != nil }) else { return nil }
        for (name, value) in client.customFields.sorted(by: { $0.key < $1.key }) {
            if let length = Cell.overlongLength(of: value) {
                return OverlongField(key: name, isCustomField: true, length: length, text: value)
            }
        }
        return nil
    }

    /// The text fields and the phone lists of `ClientField.all`, the ones an export cell may
    /// find too long, in its order, each with its reader (`Client.reader`: this runs per row).
    private static let textFields = ClientField.all.compactMap { field -> (String, @Sendable (Client) -> String)? in
        if case .text(let path) = field.storage { (field.key, Client.reader(path)) } else { nil }
    }
    private static let phoneFields = ClientField.all.compactMap { field -> (String, @Sendable (Client) -> [String])? in
        if case .phones(let path) = field.storage { (field.key, Client.reader(path)) } else { nil }
    }

    /// A field too long for an Excel cell: its key (or custom field name), its length in UTF-16
    /// units and its text.
    struct OverlongField {
        var key: String
        var isCustomField: Bool
        var length: Int
        var text: String
    }

    /// The cell of `field` in `client`'s row: text as it is, phones joined, yes as the rule
    /// set's word and no as an empty cell, numbers as their exact decimal.
    private func cell(for client: Client, _ field: ClientField) -> Cell {
        func text(_ value: String) -> Cell { value.isEmpty ? .empty : .text(value) }
        func number(_ value: ExactDecimal?) -> Cell { value.map { .number(NumberCell(literal: $0.description)) } ?? .empty }
        switch field.storage {
        case .id: return .number(NumberCell(literal: String(client.id)))
        case .balance: return number(client.balance)
        case .text(let path): return text(client[keyPath: path])
        case .phones(let path): return text(client[keyPath: path].joined(separator: Self.phoneSeparator))
        case .flag(let path): return client[keyPath: path] ? .text(yesWord) : .empty
        case .decimal(let path): return number(client[keyPath: path])
        }
    }
}

/// Writes templates and exports as XLSX or CSV, by the output file's extension.
public struct TemplateExporter {
    public let ruleSet: RuleSet
    public let catalog: Catalog

    public init(engine: RuleEngine, catalog: Catalog) {
        self.ruleSet = engine.ruleSet
        self.catalog = catalog
    }

    /// Writes the empty template with one example row.
    public func writeTemplate(to path: String, language: String) throws {
        let layout = try TemplateLayout(ruleSet: ruleSet, language: language, catalog: catalog)
        let writer = try XLSXWriter(path: path, properties: DocumentProperties(title: ruleSet.title, creator: "clientimport"))
        try writer.beginSheet(layout.sheetLayout)
        try writer.write(row: layout.headerRow)
        try writer.write(row: layout.exampleRow.map { OutputCell($0) })
        try writer.endSheet()
        try writer.close()
    }

    /// Writes every client of `store` in the template layout, a new file every `rowsPerFile`
    /// clients: `out.xlsx` when one part is enough, else `out-1.xlsx`, `out-2.xlsx`, … A path
    /// ending in `.csv` writes CSV parts in `csv` style.
    public func exportParts(_ store: any ClientStore, to path: String, language: String, rowsPerFile: Int,
                            includeIDs: Bool, csv: CSVStyle = CSVStyle(),
                            progress: ((_ done: Int, _ total: Int) -> Void)? = nil) throws -> [ExportPart] {
        let layout = try TemplateLayout(ruleSet: ruleSet, language: language, catalog: catalog)
        let total = try store.clientCount()
        let partCount = total <= rowsPerFile ? 1 : (total - 1) / rowsPerFile + 1
        let base = (path as NSString).deletingPathExtension
        let pathExtension = (path as NSString).pathExtension.isEmpty ? "xlsx" : (path as NSString).pathExtension
        func partPath(_ number: Int) -> String { partCount == 1 ? path : "\(base)-\(number).\(pathExtension)" }
        // Every part's name is checked before the first is written, so a refused part 3 leaves
        // no parts 1 and 2 behind.
        for number in 1...partCount { try OutputTarget.check(partPath(number)) }
        var parts: [ExportPart] = []
        var writer: XLSXWriter?
        var csvWriter: CSVWriter?
        var written = 0
        let writesCSV = path.lowercased().hasSuffix(".csv")
        func startPart() throws {
            let partPath = partPath(parts.count + 1)
            if writesCSV {
                let next = try CSVWriter(path: partPath, style: csv)
                try next.write(row: layout.headerTexts.map(Cell.text))
                csvWriter = next
            } else {
                let next = try XLSXWriter(path: partPath, properties: DocumentProperties(title: ruleSet.title, creator: "clientimport"))
                try next.beginSheet(layout.sheetLayout)
                try next.write(row: layout.headerRow)
                writer = next
            }
            parts.append(ExportPart(path: partPath, clients: 0))
        }
        func finishPart() throws {
            try writer?.endSheet()
            try writer?.close()
            writer = nil
            try csvWriter?.close()
            csvWriter = nil
        }
        try startPart()
        try store.forEachClient { client in
            if parts[parts.count - 1].clients == rowsPerFile {
                try finishPart()
                try startPart()
            }
            let cells = layout.cells(for: client, includeID: includeIDs)
            try writer?.write(row: cells.map { OutputCell($0) })
            try csvWriter?.write(row: cells)
            parts[parts.count - 1].clients += 1
            written += 1
            if written % 1_000 == 0 { progress?(written, total) }
        }
        try finishPart()
        return parts
    }

    /// Writes every client of `store` in the template layout; returns how many. A path ending
    /// in `.csv` writes CSV in `csv` style. `progress` hears clients written and the total
    /// every thousand clients.
    @discardableResult
    public func export(_ store: any ClientStore, to path: String, language: String, csv: CSVStyle = CSVStyle(),
                       progress: ((_ done: Int, _ total: Int) -> Void)? = nil) throws -> Int {
        let layout = try TemplateLayout(ruleSet: ruleSet, language: language, catalog: catalog)
        var count = 0
        if path.lowercased().hasSuffix(".csv") {
            let writer = try CSVWriter(path: path, style: csv)
            try writer.write(row: layout.headerTexts.map(Cell.text))
            let total = progress == nil ? 0 : try store.clientCount()
            try store.forEachClient { client in
                try writer.write(row: layout.cells(for: client))
                count += 1
                if count % 1_000 == 0 { progress?(count, total) }
            }
            try writer.close()
        } else {
            count = try exportParts(store, to: path, language: language, rowsPerFile: .max, includeIDs: true, progress: progress)
                .reduce(0) { $0 + $1.clients }
        }
        return count
    }
}
