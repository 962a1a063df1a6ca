import Foundation

/// SHA-256 (FIPS 180-4) of a file, for the import journal: it tells whether the same file was
/// imported twice. Foundation on Linux has no CryptoKit, and one function is not worth a package.
enum SHA256 {
    private static let k: [UInt32] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ]

    /// The hex digest of the file at `path`, read in chunks.
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

    struct Hasher {
        private var h: [UInt32] = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]
        /// The bytes of an unfinished block (fewer than 64): whole blocks are hashed where they
        /// lie, without copying.
        private var pending: [UInt8] = []
        private var length: UInt64 = 0

        mutating func update(_ data: Data) {
            data.withUnsafeBytes { update($0) }
        }

        mutating func update(_ bytes: UnsafeRawBufferPointer) {
            length &+= UInt64(bytes.count)
            var rest = bytes[...]
            if !pending.isEmpty {
                let taken = rest.prefix(64 - pending.count)
                pending.append(contentsOf: taken)
                rest = rest.dropFirst(taken.count)
                guard pending.count == 64 else { return }
                pending.withUnsafeBytes { compress(blocks: $0) }
                pending.removeAll(keepingCapacity: true)
            }
            let whole = rest.count - rest.count % 64
            compress(blocks: UnsafeRawBufferPointer(rebasing: rest.prefix(whole)))
            pending.append(contentsOf: rest.dropFirst(whole))
        }

        mutating func finalize() -> String {
            let bits = length &* 8
            var tail: [UInt8] = [0x80]
            tail += repeatElement(0, count: (55 - Int(length % 64) + 64) % 64)
            tail += (0..<8).map { UInt8(truncatingIfNeeded: bits >> (56 - 8 * UInt64($0))) }
            tail.withUnsafeBytes { update($0) }
            return h.map { String(format: "%08x", $0) }.joined()
        }

        /// Hashes `blocks.count / 64` whole blocks. Through buffer pointers: with arrays (a
        /// message schedule allocated per block, checked subscripts) hashing a 100 MB workbook
        /// took seconds of the import's calling thread.
        private mutating func compress(blocks: UnsafeRawBufferPointer) {
            guard blocks.count >= 64 else { return }
            withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { w in
                h.withUnsafeMutableBufferPointer { h in
                    SHA256.k.withUnsafeBufferPointer { k in
                        for offset in stride(from: 0, to: blocks.count - 63, by: 64) {
                            for i in 0..<16 {
                                w[i] = UInt32(bigEndian: blocks.loadUnaligned(fromByteOffset: offset + 4 * i, as: UInt32.self))
                            }
                            for i in 16..<64 {
                                let s0 = rotate(w[i - 15], 7) ^ rotate(w[i - 15], 18) ^ (w[i - 15] >> 3)
                                let s1 = rotate(w[i - 2], 17) ^ rotate(w[i - 2], 19) ^ (w[i - 2] >> 10)
                                w[i] = w[i - 16] &+ s0 &+ w[i - 7] &+ s1
                            }
                            var (a, b, c, d, e, f, g, hh) = (h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7])
                            for i in 0..<64 {
                                let s1 = rotate(e, 6) ^ rotate(e, 11) ^ rotate(e, 25)
                                let choice = (e & f) ^ (~e & g)
                                let t1 = hh &+ s1 &+ choice &+ k[i] &+ w[i]
                                let s0 = rotate(a, 2) ^ rotate(a, 13) ^ rotate(a, 22)
                                let majority = (a & b) ^ (a & c) ^ (b & c)
                                (hh, g, f, e, d, c, b, a) = (g, f, e, d &+ t1, c, b, a, t1 &+ s0 &+ majority)
                            }
                            h[0] &+= a; h[1] &+= b; h[2] &+= c; h[3] &+= d; h[4] &+= e; h[5] &+= f; h[6] &+= g; h[7] &+= hh
                        }
                    }
                }
            }
        }
    }
}

private func rotate(_ x: UInt32, _ n: UInt32) -> UInt32 { (x >> n) | (x << (32 - n)) }
