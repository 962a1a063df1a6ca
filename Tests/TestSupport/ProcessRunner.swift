import Foundation

/// What a finished process printed and returned.
public struct ProcessResult: Sendable {
    public var status: Int32
    public var standardOutput: String
    public var standardError: String
}

/// Runs a program to completion, with its output captured.
public func runProcess(_ executable: String, _ arguments: [String], environment: [String: String] = [:],
                       currentDirectory: String? = nil, input: String? = nil) throws -> ProcessResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    var merged = ProcessInfo.processInfo.environment
    for (key, value) in environment { merged[key] = value }
    process.environment = merged
    if let currentDirectory { process.currentDirectoryURL = URL(fileURLWithPath: currentDirectory) }
    let output = Pipe(), error = Pipe(), standardInput = Pipe()
    process.standardOutput = output
    process.standardError = error
    process.standardInput = standardInput
    try process.run()
    if let input { standardInput.fileHandleForWriting.write(Data(input.utf8)) }
    try standardInput.fileHandleForWriting.close()
    // Read both pipes while the process runs so neither fills up and blocks it.
    nonisolated(unsafe) var errorData = Data()
    let errorReader = Thread { errorData = error.fileHandleForReading.readDataToEndOfFile() }
    errorReader.start()
    let outputData = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    while !errorReader.isFinished { usleep(1000) }
    return ProcessResult(status: process.terminationStatus,
                         standardOutput: String(decoding: outputData, as: UTF8.self),
                         standardError: String(decoding: errorData, as: UTF8.self))
}

/// The built `clientimport` binary, beside the test bundle in the build folder.
public func clientimportBinary() -> String {
    let candidates = [
        URL(fileURLWithPath: CommandLine.arguments.first ?? "").deletingLastPathComponent().appendingPathComponent("clientimport").path,
        Bundle.main.bundleURL.appendingPathComponent("clientimport").path,
        "\(repositoryRoot)/.build/debug/clientimport",
    ]
    return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates.last!
}

/// The built `bench` binary (Benchmarks/), beside `clientimport` in the build folder.
public func benchBinary() -> String {
    (clientimportBinary() as NSString).deletingLastPathComponent + "/bench"
}

/// The peak resident memory, in MiB, of `bench ARGUMENTS` (run in a process of its own, so
/// other tests allocating meanwhile do not count), from its `peak-rss-mib` figure.
public func benchPeakMiB(_ arguments: [String]) throws -> Double {
    let result = try runProcess(benchBinary(), arguments)
    let words = (result.standardOutput + " " + result.standardError).split(whereSeparator: { $0 == " " || $0 == "\n" })
    guard let index = words.firstIndex(of: "peak-rss-mib"), index + 1 < words.count, let peak = Double(words[index + 1]) else {
        throw Interop.Failure(description: "bench \(arguments.joined(separator: " ")) printed no peak: \(result.standardOutput)\(result.standardError)")
    }
    return peak
}
