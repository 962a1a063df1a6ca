/// A Bloom filter of the phones and emails of a base, for one transaction.
///
/// A new client's duplicate probes (`firstClientID(withPhone:)`, `…withEmail:`) are random
/// lookups in big indexes, and almost always find nothing; on a million-client base each one
/// reads pages the cache does not hold. The filter answers "certainly not there" from memory
/// (about 1.2 bytes an entry) and leaves the rest to SQL: it has false positives, never false
/// negatives, so the answers stay exactly SQL's.
struct DuplicateFilter {
    private var words: [UInt64]
    private let mask: UInt64
    private static let probes = 7

    /// A filter for about `expected` entries (ten bits each, at least 2^23 bits).
    init(expected: Int) {
        var bits: UInt64 = 1 << 23
        while bits < UInt64(max(expected, 0)) * 10 { bits <<= 1 }
        words = Array(repeating: 0, count: Int(bits / 64))
        mask = bits - 1
    }

    mutating func insert(phone: String) { insert(Self.hashes(phone, kind: 1, foldCase: false)) }
    mutating func insert(email: String) { if !email.isEmpty { insert(Self.hashes(email, kind: 2, foldCase: true)) } }
    func mayContain(phone: String) -> Bool { mayContain(Self.hashes(phone, kind: 1, foldCase: false)) }
    func mayContain(email: String) -> Bool { !email.isEmpty && mayContain(Self.hashes(email, kind: 2, foldCase: true)) }

    private mutating func insert(_ hashes: (UInt64, UInt64)) {
        for i in 0..<Self.probes {
            let bit = (hashes.0 &+ UInt64(i) &* hashes.1) & mask
            words[Int(bit >> 6)] |= 1 << (bit & 63)
        }
    }

    private func mayContain(_ hashes: (UInt64, UInt64)) -> Bool {
        for i in 0..<Self.probes {
            let bit = (hashes.0 &+ UInt64(i) &* hashes.1) & mask
            if words[Int(bit >> 6)] & (1 << (bit & 63)) == 0 { return false }
        }
        return true
    }

    /// Two 64-bit FNV-1a hashes of the key's bytes (ASCII letters folded as SQLite's NOCASE
    /// folds them, for emails), for double hashing.
    private static func hashes(_ key: String, kind: UInt8, foldCase: Bool) -> (UInt64, UInt64) {
        var first: UInt64 = 0xcbf2_9ce4_8422_2325 ^ UInt64(kind)
        var second: UInt64 = 0x8422_2325_cbf2_9ce4 ^ (UInt64(kind) << 8)
        for var byte in key.utf8 {
            if foldCase && byte >= 65 && byte <= 90 { byte += 32 }
            first = (first ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
            second = (second ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 ^ (second >> 29)
        }
        return (first, second | 1)
    }
}
