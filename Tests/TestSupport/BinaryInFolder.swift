import Foundation

/// A suite that runs the real `clientimport` in a temporary folder of its own, with its own base
/// there (`CLIENTIMPORT_DB`), so that no test sees another's files.
public protocol BinaryInFolder {
    var folder: TemporaryDirectory { get }
}

extension BinaryInFolder {
    /// The suite's base: `clients.sqlite` in its folder.
    public var database: String { folder.file("clients.sqlite") }

    /// Runs the binary in the folder on the suite's base; `environment` adds to that.
    @discardableResult
    public func clientimport(_ arguments: [String], input: String? = nil, environment: [String: String] = [:]) throws -> ProcessResult {
        var merged = ["CLIENTIMPORT_DB": database]
        for (key, value) in environment { merged[key] = value }
        return try runProcess(clientimportBinary(), arguments, environment: merged, currentDirectory: folder.path, input: input)
    }

    @discardableResult
    public func clientimport(_ arguments: String..., input: String? = nil, environment: [String: String] = [:]) throws -> ProcessResult {
        try clientimport(arguments, input: input, environment: environment)
    }
}
