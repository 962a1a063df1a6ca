import ArgumentParser
import Workbook

struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect", abstract: "Print a workbook's or CSV file's cells as the reader sees them.")

    @Argument(help: "The file (.xlsx or .csv).") var file: String
    @Option(help: ArgumentHelp("Sheet: a name or a 1-based number in workbook order (default: the first visible).", valueName: "NAME|N"))
    var sheet: String?
    @Option(help: "tsv (the grid from A1) or json (one object per row).") var format: InspectFormat = .tsv
    @OptionGroup var encoding: EncodingOption

    enum InspectFormat: String, ExpressibleByArgument, CaseIterable { case tsv, json }

    func run() throws {
        try reportingFailures {
            let selector = sheet.map { Int($0).map(SheetSelector.index) ?? .name($0) } ?? .firstVisible
            // The last reader opened has read the whole sheet: its warnings are the file's.
            var last: (any RowReader)?
            let open = {
                let reader = try WorkbookFile.openRows(path: file, sheet: selector, csv: encoding.csvOptions)
                last = reader
                return reader
            }
            let output = StandardOutput()
            switch format {
            case .tsv: try CellDump.tsv(opening: open, to: output.write)
            case .json: try CellDump.json(try open(), to: output.write)
            }
            try output.flush()
            // Tolerated damage is never silent: said on stderr, after the cells.
            for warning in last?.warnings ?? [] {
                printError("clientimport: warning: \(warning.description)")
            }
        }
    }
}
