import ArgumentParser
import Workbook

struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect", abstract: "Print a workbook's or CSV file's cells as the reader sees them.")

    @Argument(help: "The file (.xlsx or .csv), or - for standard input.") var file: String
    @Option(parsing: .unconditional, help: ArgumentHelp("Sheet: a name or a 1-based number in workbook order (default: the first visible).", valueName: "NAME|N"))
    var sheet: String?
    @Option(help: "tsv (the grid from A1) or json (one object per row).") var format: InspectFormat = .tsv
    @OptionGroup var encoding: EncodingOption

    enum InspectFormat: String, ExpressibleByArgument, CaseIterable { case tsv, json }

    func validate() throws {
        _ = try sheet.map(sheetSelector)
    }

    func run() throws {
        try reportingFailures {
            let selector = try sheet.map(sheetSelector) ?? .firstVisible
            try StandardStreams.readingInput(file) { file in
                // The sheet is read on a thread of its own while this one formats and writes;
                // an XLSX sheet's TSV is written straight from its bytes, on CellDump's thread.
                let rows = try WorkbookFile.openRows(path: file, sheet: selector, csv: encoding.csvOptions)
                let reader = format == .tsv && CellDump.readsTSVDirectly(rows) ? rows : ReadAheadRows(rows)
                let output = StandardOutput()
                switch format {
                case .tsv: try CellDump.tsv(reader) { output.write(bytes: $0) }
                case .json: try CellDump.json(reader, to: output.write)
                }
                try output.flush()
                // Tolerated damage is never silent: said on stderr, after the cells.
                for warning in reader.warnings {
                    printError("clientimport: warning: \(warning.description)")
                }
            }
        }
    }
}
