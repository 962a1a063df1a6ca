import Foundation

/// Runs the outside programs the writer tests check our files with: python3 + openpyxl, and
/// LibreOffice headless. A missing program is a test failure with the install hint, never a skip.
public enum Interop {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
        public init(description: String) { self.description = description }
    }

    public struct Output {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    /// Runs `program` found on PATH (through `/usr/bin/env`), feeding `input` on stdin.
    public static func run(_ program: String, _ arguments: [String], input: String? = nil,
                           environment: [String: String] = [:]) throws -> Output {
        let result = try runProcess("/usr/bin/env", [program] + arguments, environment: environment, input: input)
        let output = Output(status: result.status, stdout: result.standardOutput, stderr: result.standardError)
        if output.status == 127 {
            throw Failure(description: "\(program) was not found on PATH; install it to run this test (\(output.stderr))")
        }
        return output
    }

    /// Runs a Python 3 script with openpyxl available and returns its stdout.
    public static func python(_ script: String, _ arguments: [String] = []) throws -> String {
        let output = try run("python3", ["-c", script] + arguments)
        if output.stderr.contains("No module named 'openpyxl'") {
            throw Failure(description: "python3 has no openpyxl; install it with `pip install openpyxl`")
        }
        guard output.status == 0 else {
            throw Failure(description: "python3 failed (status \(output.status)):\n\(output.stderr)")
        }
        return output.stdout
    }

    /// Converts `file` with LibreOffice headless into `directory`; returns the output path.
    ///
    /// A private user profile keeps parallel runs (and other engineers' soffice) from colliding.
    /// `inputFilter` names the import filter and its options (`CSV:44,34,76` for UTF-8 CSV).
    public static func libreOfficeConvert(_ file: String, to filter: String, extension ext: String,
                                   in directory: String, inputFilter: String? = nil) throws -> String {
        let profile = FileManager.default.temporaryDirectory
            .appendingPathComponent("lo-profile-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: profile) }
        let output = try run("soffice", [
            "-env:UserInstallation=\(profile.absoluteString)", "--headless", "--norestore",
            "--convert-to", filter, "--outdir", directory,
        ] + (inputFilter.map { ["--infilter=\($0)"] } ?? []) + [file])
        let base = URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
        let converted = "\(directory)/\(base).\(ext)"
        guard output.status == 0, FileManager.default.fileExists(atPath: converted) else {
            throw Failure(description: "soffice could not convert \(file) (status \(output.status)):\n\(output.stdout)\n\(output.stderr)")
        }
        return converted
    }

    /// A fresh empty directory for one test's files.
    public static func temporaryDirectory() throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("workbook-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url.path
    }
}
