import Foundation

/// Opens any file the importer accepts as a stream of rows: XLSX by its zip signature, CSV by
/// its extension.
public enum WorkbookFile {
    public static func openRows(path: String, sheet: SheetSelector = .firstVisible,
                                csv: CSVOptions = .init()) throws -> any RowReader {
        try requireRegularFile(path)
        OutputTarget.protect(path, as: "a file being read", whileItExists: true)
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw WorkbookError(.notFound, file: path, "the file does not exist or cannot be read")
        }
        let signature = [UInt8]((try? handle.read(upToCount: 8)) ?? Data())
        try? handle.close()
        let fileExtension = (path as NSString).pathExtension.lowercased()
        if signature.starts(with: [0x50, 0x4B, 0x03, 0x04]) || signature.starts(with: [0x50, 0x4B, 0x05, 0x06]) {
            return try XLSXReader(path: path).rows(sheet: sheet)
        }
        if signature.starts(with: [0xD0, 0xCF, 0x11, 0xE0]) {
            throw WorkbookError(.unsupported, file: path,
                                "this is an Excel 97–2003 .xls file; open it and save it as .xlsx (Excel Workbook), then import that")
        }
        if ["xlsx", "xlsm", "xltx"].contains(fileExtension) {
            throw WorkbookError(.notAWorkbook, file: path, "the file is named .\(fileExtension) but is not a zip archive, so not an XLSX workbook; save it again from your spreadsheet program")
        }
        if ["ods", "numbers", "xlsb"].contains(fileExtension) {
            throw WorkbookError(.unsupported, file: path, ".\(fileExtension) files are not read; save it as .xlsx or .csv")
        }
        return try CSVReader(path: path, options: csv)
    }

    /// Refuses a path that is not a regular file. A workbook is opened more than once (its
    /// signature, then its zip directory or its text; the import also hashes it), which a pipe
    /// cannot give: the second reader would wait for data the first one took, for ever.
    public static func requireRegularFile(_ path: String) throws {
        var status = stat()
        guard stat(path, &status) == 0 else {
            throw WorkbookError(.notFound, file: path, "the file does not exist or cannot be read")
        }
        switch status.st_mode & S_IFMT {
        case S_IFREG:
            return
        case S_IFDIR:
            throw WorkbookError(.unreadable, file: path,
                                "this is a folder, not a regular file; give the path of the .xlsx or .csv file inside it")
        default:
            throw WorkbookError(.unreadable, file: path,
                                "this is a pipe or a device, not a regular file; save the data to a file and import that")
        }
    }
}
