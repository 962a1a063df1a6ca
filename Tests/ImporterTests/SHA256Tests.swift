import Foundation
@testable import Importer
import TestSupport
import Testing

/// The journal's file digest: FIPS 180-4's examples, every padding length, and coreutils'
/// `sha256sum` on the same files.
@Suite struct SHA256Tests {
    func digest(_ text: String, pieces: [Int] = []) -> String {
        var hasher = SHA256.Hasher()
        var bytes = Data(text.utf8)[...]
        for size in pieces {
            hasher.update(Data(bytes.prefix(size)))
            bytes = bytes.dropFirst(size)
        }
        hasher.update(Data(bytes))
        return hasher.finalize()
    }

    @Test func standardExamples() {
        #expect(digest("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(digest("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(digest("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
            == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(digest(String(repeating: "a", count: 1_000_000))
            == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func piecesOfAnySizeGiveTheSameDigest() {
        let text = String((0..<300).map { Character(UnicodeScalar(UInt8(33 + $0 % 90))) })
        let whole = digest(text)
        for pieces in [[1], [63], [64], [65], [1, 1, 62], [63, 2], [100, 100], [7, 64, 64, 13], [0, 0, 300]] {
            #expect(digest(text, pieces: pieces) == whole, "pieces \(pieces)")
        }
    }

    @Test func filesOfEveryPaddingLengthMatchSha256sum() throws {
        let folder = try TemporaryDirectory()
        var paths: [String] = []
        for length in 0...130 {
            let path = folder.file("f\(length)")
            try Data((0..<length).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }).write(to: URL(fileURLWithPath: path))
            paths.append(path)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["sha256sum"] + paths
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let listing = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let expected = listing.split(separator: "\n").map { String($0.prefix(64)) }
        #expect(expected.count == paths.count)
        for (path, want) in zip(paths, expected) {
            #expect(try SHA256.hexDigest(ofFile: path) == want, "\(path)")
        }
    }
}
