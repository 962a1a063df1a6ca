import ArgumentParser
import Foundation
import Importer
import Workbook

/// `-` as a file name: standard input for the commands that read a file (`import`, `inspect`),
/// standard output for those that write one (`export`, `template`, `convert`).
///
/// Readers open a file more than once (its signature, its zip directory, the import's digest),
/// which a pipe cannot give, so standard input is first copied whole to a file of its own
/// (mode 0600 in a folder of mode 0700 under the temporary folder), removed when the command
/// ends, failed or not. Output goes to such a file too and is copied to standard output only
/// once complete, so a command that fails writes nothing there.
enum StandardStreams {
    /// What stands for a standard stream on the command line.
    static let dash = "-"

    /// The name standard input's copy has: what the journal and the report name as the file.
    static let inputName = "(standard input)"

    /// Runs `body` with `path`, or with a private copy of standard input when `path` is `-`.
    static func readingInput<T>(_ path: String, _ body: (String) throws -> T) throws -> T {
        guard path == dash else { return try body(path) }
        return try inPrivateFolder { folder in
            let copy = folder + "/" + inputName
            let descriptor = open(copy, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
            guard descriptor >= 0 else {
                throw WorkbookError(.unreadable, file: inputName, "cannot copy standard input to \(folder): \(String(cString: strerror(errno)))")
            }
            if isatty(STDIN_FILENO) == 1 {
                // `import -` typed without a pipe would otherwise wait in silence.
                printError("clientimport: reading the file from the terminal (standard input); end it with Ctrl-D, or pipe or redirect a file")
            }
            let output = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
            while let chunk = try FileHandle.standardInput.read(upToCount: 1 << 20), !chunk.isEmpty {
                try output.write(contentsOf: chunk)
            }
            try output.close()
            do {
                return try body(copy)
            } catch var error as WorkbookError where error.file == copy {
                // The user gave `-`: the message names standard input, not our private copy.
                error.file = inputName
                throw error
            }
        }
    }

    /// Runs `body` with `path`, or, when `path` is `-`, with a private file named `name`
    /// (whose extension chooses the format) that is copied to standard output once `body` has
    /// returned. `binary` output is refused when standard output is a terminal.
    static func writingOutput<T>(_ path: String, as name: String, binary: Bool, _ body: (String) throws -> T) throws -> T {
        guard path == dash else { return try body(path) }
        if binary, isatty(STDOUT_FILENO) == 1 {
            throw ValidationError("-o - writes an XLSX workbook to standard output, which is a terminal here; redirect it (> file.xlsx) or pipe it")
        }
        return try inPrivateFolder { folder in
            let file = folder + "/" + name
            let result = try body(file)
            // No file: the command wrote nothing (a rejected conversion), so neither is anything copied.
            guard let input = FileHandle(forReadingAtPath: file) else { return result }
            defer { try? input.close() }
            while let chunk = try input.read(upToCount: 1 << 20), !chunk.isEmpty {
                try FileHandle.standardOutput.write(contentsOf: chunk)
            }
            return result
        }
    }

    /// An output path as a summary names it.
    static func shown(_ path: String) -> String {
        path == dash ? "standard output" : TerminalText.escape(path)
    }

    /// Where a command's summary goes: standard error when its output is standard output.
    static func printSummary(_ text: String, outputPath: String) {
        if outputPath == dash { printError(text) } else { print(text) }
    }

    /// A new folder only this user can enter, removed with all it holds after `body`.
    private static func inPrivateFolder<T>(_ body: (String) throws -> T) throws -> T {
        let temporary = NSTemporaryDirectory().hasSuffix("/") ? NSTemporaryDirectory() : NSTemporaryDirectory() + "/"
        var template = Array((temporary + "clientimport-XXXXXX").utf8CString)
        guard let created = mkdtemp(&template) else {
            throw WorkbookError(.writeFailed, file: NSTemporaryDirectory(), "cannot create a private temporary folder: \(String(cString: strerror(errno)))")
        }
        let folder = String(cString: created)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        return try body(folder)
    }
}
