import Crypto
import Foundation

/// SHA-256 of a file, for the import journal: it tells whether the same file was imported
/// twice. The hashing is swift-crypto's (BoringSSL's assembly on Linux, CryptoKit on macOS),
/// which `serve` already links: a 300 MB file hashes in a fraction of the time the earlier
/// hand-written Swift took (docs/performance.md, "Store").
enum SHA256 {
    /// The hex digest of the file at `path`, read in chunks so memory stays flat.
    static func hexDigest(ofFile path: String) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw CocoaError(.fileReadNoSuchFile)
        }
        defer { try? handle.close() }
        var state = Hasher()
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            state.update(chunk)
        }
        return state.finalize()
    }

    /// A digest fed piece by piece.
    struct Hasher {
        private var digest = Crypto.SHA256()

        mutating func update(_ data: Data) {
            digest.update(data: data)
        }

        mutating func update(_ bytes: UnsafeRawBufferPointer) {
            digest.update(bufferPointer: bytes)
        }

        /// The lowercase hex digest of everything fed so far.
        mutating func finalize() -> String {
            digest.finalize().map { String(format: "%02x", $0) }.joined()
        }
    }
}
