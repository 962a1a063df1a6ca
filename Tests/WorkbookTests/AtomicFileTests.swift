import Foundation
import TestSupport
import Testing
@testable import Workbook

/// The one write path: what `AtomicFile` (and so every writer) refuses, and what it does with
/// links and long names.
@Suite struct AtomicFileTests {
    private func refusal(_ path: String) -> String? {
        do {
            try AtomicFile.write(Array("new".utf8), to: path)
            return nil
        } catch let error as WorkbookError {
            #expect(error.kind == .writeFailed)
            return error.message
        } catch {
            return "\(error)"
        }
    }

    @Test func aProtectedFileIsRefusedHoweverItIsSpelled() throws {
        let folder = try TemporaryDirectory()
        let base = try folder.write("base.sqlite", "precious")
        let wal = try folder.write("base.sqlite-wal", "log")
        OutputTarget.protectBase(base)
        try FileManager.default.createDirectory(atPath: folder.file("sub"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: folder.file("link.xlsx"), withDestinationPath: base)
        try FileManager.default.createSymbolicLink(atPath: folder.file("relative.xlsx"), withDestinationPath: "sub/../base.sqlite")
        try FileManager.default.createSymbolicLink(atPath: folder.file("chain.xlsx"), withDestinationPath: "link.xlsx")
        #expect(link(base, folder.file("hard.xlsx")) == 0)
        let spellings = [base, folder.path + "/./base.sqlite", folder.path + "/sub/../base.sqlite", folder.path + "//base.sqlite",
                         folder.file("link.xlsx"), folder.file("relative.xlsx"), folder.file("chain.xlsx"), folder.file("hard.xlsx"),
                         wal, folder.file("base.sqlite-shm"), folder.file("base.sqlite-journal")]
        for path in spellings {
            let message = refusal(path)
            #expect(message?.contains("client base") == true, "\(path): \(message ?? "written")")
        }
        #expect(try String(contentsOfFile: base, encoding: .utf8) == "precious")
        #expect(try String(contentsOfFile: wal, encoding: .utf8) == "log")
        #expect(!FileManager.default.fileExists(atPath: folder.file("base.sqlite-shm")))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".tmp") }
        #expect(leftovers.isEmpty)
    }

    /// `serve` reads a new upload for every import and deletes it after: the registry keeps a file
    /// being read only while it exists, so a long-running server does not keep every name, while a
    /// base that does not exist yet stays protected.
    @Test func aFileBeingReadIsProtectedOnlyWhileItExists() throws {
        let folder = try TemporaryDirectory()
        let uploads = try (0..<50).map { try folder.write("upload-\($0).xlsx", "cells") }
        for upload in uploads { OutputTarget.protect(upload, as: "a file being read", whileItExists: true) }
        OutputTarget.protectBase(folder.file("future.sqlite"))
        #expect(refusal(uploads[0])?.contains("a file being read") == true)
        for upload in uploads { try FileManager.default.removeItem(atPath: upload) }
        let next = try folder.write("next.xlsx", "cells")
        OutputTarget.protect(next, as: "a file being read", whileItExists: true)
        let canonical = try OutputTarget.resolve(folder.path).path
        #expect((0..<50).allSatisfy { !OutputTarget.isRegistered(canonical + "/upload-\($0).xlsx") })
        #expect(OutputTarget.isRegistered(canonical + "/next.xlsx"))
        #expect(OutputTarget.isRegistered(canonical + "/future.sqlite"))
        #expect(refusal(next)?.contains("a file being read") == true)
        #expect(refusal(folder.file("future.sqlite"))?.contains("client base") == true)
        #expect(refusal(uploads[0]) == nil) // a new file under a gone name may be written
    }

    @Test func devicesPipesAndFoldersAreRefusedWithAMessage() throws {
        let folder = try TemporaryDirectory()
        #expect(mkfifo(folder.file("pipe.csv"), 0o600) == 0)
        try FileManager.default.createDirectory(atPath: folder.file("dir"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: folder.file("null.csv"), withDestinationPath: "/dev/null")
        let cases = [("/dev/null", "device"), ("/dev/stdout", "device"), ("/proc/self/fd/1", "device"), (folder.file("null.csv"), "device"),
                     (folder.file("pipe.csv"), "pipe"), (folder.file("dir"), "folder"), (folder.file("dir") + "/", "folder"),
                     (folder.file("dir/."), "folder"), (folder.file("missing/out.csv"), "does not exist"), ("", "empty")]
        for (path, expected) in cases {
            let message = refusal(path)
            #expect(message?.contains(expected) == true, "\(path): \(message ?? "written")")
        }
        #expect(refusal("/dev/null")?.contains("name a regular file") == true)
    }

    /// The link is written through: it stays a link and the file it points to gets the content.
    @Test func aSymbolicLinkTargetIsWrittenThrough() throws {
        let folder = try TemporaryDirectory()
        let real = try folder.write("real.csv", "old")
        try FileManager.default.createSymbolicLink(atPath: folder.file("out.csv"), withDestinationPath: "real.csv")
        try FileManager.default.createSymbolicLink(atPath: folder.file("dangling.csv"), withDestinationPath: "new.csv")
        try AtomicFile.write(Array("fresh".utf8), to: folder.file("out.csv"))
        try AtomicFile.write(Array("made".utf8), to: folder.file("dangling.csv"))
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: folder.file("out.csv")) == "real.csv")
        #expect(try String(contentsOfFile: real, encoding: .utf8) == "fresh")
        #expect(try String(contentsOfFile: folder.file("new.csv"), encoding: .utf8) == "made")
    }

    /// A 250-byte name (255 is the limit): the temporary's name was the target's plus 8 bytes.
    @Test func aLongTargetNameWorks() throws {
        let folder = try TemporaryDirectory()
        for name in [String(repeating: "x", count: 245) + ".xlsx", String(repeating: "é", count: 123) + ".csv", String(repeating: "y", count: 255)] {
            #expect(name.utf8.count >= 249)
            let writer = try CSVWriter(path: folder.file(name))
            try writer.write(row: [.text("a")])
            try writer.close()
            #expect(FileManager.default.fileExists(atPath: folder.file(name)))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).count == 3)
    }

    /// A write refused at the end (the target became a folder while it was written) leaves
    /// nothing behind and the folder as it was.
    @Test func theTargetIsCheckedAgainBeforeTheRename() throws {
        let folder = try TemporaryDirectory()
        do {
            let writer = try CSVWriter(path: folder.file("out.csv"))
            try writer.write(row: [.text("a")])
            try FileManager.default.createDirectory(atPath: folder.file("out.csv"), withIntermediateDirectories: true)
            #expect(throws: WorkbookError.self) { try writer.close() }
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["out.csv"])
    }
}
