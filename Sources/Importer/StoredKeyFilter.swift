/// The phone numbers and emails an import into a base that had no clients has stored so far, as
/// a fixed-size bit filter: the duplicate probes (`ClientStore.firstClientID(withPhone:)` and
/// `withEmail:`, an index search each) are made only for keys the filter may hold. A key whose
/// bits are not all set was never stored by this import, and the base held nothing else, so it
/// has no duplicate; a key whose bits are set may be another key's, and then the store is asked
/// as before. The answer is always the store's: the filter only skips questions whose answer is
/// known to be "none".
///
/// Two bits a key in 8 Mbit (1 MiB, whatever the file's size): at 100,000 rows (about 260,000
/// keys) about 1 probe in 280 is made for nothing, at a million rows 1 in 5 by the end.
struct StoredKeyFilter {
    static let bitCount = 1 << 23
    private var words = [UInt64](repeating: 0, count: bitCount / 64)

    /// Records a phone number (digits as stored).
    mutating func insert(phone: String) { insert(Self.hash(phone, kind: 1, foldCase: false)) }

    /// Records an email. A–Z are folded as both stores compare emails (SQLite's NOCASE,
    /// PostgreSQL's `PostgresSchema.foldedEmail`); other bytes are kept, so two emails the store
    /// takes for the same always set the same bits.
    mutating func insert(email: String) { insert(Self.hash(email, kind: 2, foldCase: true)) }

    /// False only when `phone` was never inserted.
    func mayContain(phone: String) -> Bool { contains(Self.hash(phone, kind: 1, foldCase: false)) }

    /// False only when no email equal to `email` but for A–Z case was inserted.
    func mayContain(email: String) -> Bool { contains(Self.hash(email, kind: 2, foldCase: true)) }

    private mutating func insert(_ hash: UInt64) {
        let (first, second) = Self.bits(of: hash)
        words[first >> 6] |= 1 << UInt64(first & 63)
        words[second >> 6] |= 1 << UInt64(second & 63)
    }

    private func contains(_ hash: UInt64) -> Bool {
        let (first, second) = Self.bits(of: hash)
        return words[first >> 6] & (1 << UInt64(first & 63)) != 0 && words[second >> 6] & (1 << UInt64(second & 63)) != 0
    }

    /// Two bit positions from one hash: its low and its high half.
    private static func bits(of hash: UInt64) -> (Int, Int) {
        let mask = UInt64(bitCount - 1)
        return (Int(truncatingIfNeeded: hash & mask), Int(truncatingIfNeeded: (hash >> 32) & mask))
    }

    /// Drawn once a process: the hashes place keys in `DeferredKeys`' open-addressing tables,
    /// and unseeded FNV collisions can be made at will, so a crafted file could otherwise pile
    /// its keys into one run of slots and make every probe walk it.
    private static let seed = UInt64.random(in: .min ... .max)

    /// FNV-1a (from a per-process seed) of the kind and the bytes, then MurmurHash3's finaliser
    /// so that every bit of the result depends on every byte (FNV's low bits alone are weak).
    static func hash(_ text: String, kind: UInt8, foldCase: Bool) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325 ^ seed
        hash = (hash ^ UInt64(kind)) &* 0x100_0000_01b3
        var text = text
        // The contiguous bytes: iterating `utf8` itself cost 40 instructions a byte.
        text.withUTF8 { bytes in
            for var byte in bytes {
                if foldCase, byte >= UInt8(ascii: "A"), byte <= UInt8(ascii: "Z") { byte += 32 }
                hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
            }
        }
        hash ^= hash >> 33
        hash &*= 0xff51_afd7_ed55_8ccd
        hash ^= hash >> 33
        hash &*= 0xc4ce_b9fe_1a85_ec53
        hash ^= hash >> 33
        return hash
    }
}
