/// The phone numbers and emails of the clients an import into a base without clients has
/// stored, while the store defers its own look-ups (`ClientStore.beginDeferredLookups`): the
/// duplicate probes are answered here instead of by the email index and the phone lookup.
///
/// Each distinct key is one entry: a 32-bit tag (from `StoredKeyFilter.hash`) and the ID of the
/// first client (lowest ID) stored with it, in two flat arrays, 8 bytes an entry. The key itself
/// is not kept: an entry whose tag matches is confirmed by the caller against the stored client
/// (`confirm`), so the answer is exact, never a "duplicate" for a tag shared by two keys, and
/// never a miss. Clients are only added while the look-ups are deferred (an update ends the
/// deferral), so an entry, once confirmed, stays true.
struct DeferredKeys {
    private(set) var phones: KeyTable
    private(set) var emails: KeyTable
    /// The most the two tables may hold, in bytes; a growth past it is refused (`insert` says
    /// false) and the caller ends the deferral.
    let byteBudget: Int
    /// Bits of the hash kept as the tag: all but in tests, which force tags to collide.
    let tagMask: UInt32

    /// 48 MiB: a million template rows (2.6 million keys) take about 34 MiB.
    static let defaultByteBudget = 48 << 20

    /// Whether two emails are the same for the duplicate probes: equal but for A–Z case, as
    /// SQLite's NOCASE and PostgreSQL's `foldedEmail` compare them.
    static func sameEmail(_ a: String, _ b: String) -> Bool {
        let a = a.utf8, b = b.utf8
        guard a.count == b.count else { return false }
        return zip(a, b).allSatisfy { x, y in
            x == y || (x | 0x20 == y | 0x20 && (x | 0x20) >= UInt8(ascii: "a") && (x | 0x20) <= UInt8(ascii: "z"))
        }
    }

    init(byteBudget: Int, tagMask: UInt32 = .max) {
        self.byteBudget = byteBudget
        self.tagMask = tagMask
        // A small budget (tests) starts small tables, so that it is reached within a few rows.
        let capacity = min(KeyTable.initialCapacity, max(8, byteBudget / 32))
        phones = KeyTable(capacity: capacity)
        emails = KeyTable(capacity: capacity)
    }

    /// Bytes the two tables hold.
    var bytes: Int { phones.bytes + emails.bytes }

    func phoneTag(_ phone: String) -> UInt32 { tag(StoredKeyFilter.hash(phone, kind: 1, foldCase: false)) }
    /// A–Z folded, as both stores compare emails.
    func emailTag(_ email: String) -> UInt32 { tag(StoredKeyFilter.hash(email, kind: 2, foldCase: true)) }

    private func tag(_ hash: UInt64) -> UInt32 { UInt32(truncatingIfNeeded: hash) & tagMask }

    /// Whether both tables can take one more entry each without growing past the budget.
    func hasRoom(forPhones newPhones: Int, emails newEmails: Int) -> Bool {
        phones.bytesAfterAdding(newPhones) + emails.bytesAfterAdding(newEmails) <= byteBudget
    }

    mutating func addPhone(tag: UInt32, clientID: UInt32) { phones.add(tag: tag, id: clientID) }
    mutating func addEmail(tag: UInt32, clientID: UInt32) { emails.add(tag: tag, id: clientID) }
}

/// An open-addressing hash table of (tag, ID) pairs, linear probing, grown by half when 80% full.
/// The home slot is computed from the tag alone, so the table grows without the keys.
struct KeyTable {
    private var tags: [UInt32]
    /// 0: an empty slot (client IDs start at 1).
    private var ids: [UInt32]
    private(set) var count = 0

    static let initialCapacity = 1 << 16

    init(capacity: Int = initialCapacity) {
        tags = [UInt32](repeating: 0, count: capacity)
        ids = [UInt32](repeating: 0, count: capacity)
    }

    var capacity: Int { ids.count }
    var bytes: Int { capacity * 8 }

    /// The table's bytes once `more` entries are added (growing when they pass 80%), counting
    /// the old arrays too while they are copied.
    func bytesAfterAdding(_ more: Int) -> Int {
        var capacity = self.capacity, peak = 0
        while (count + more) * 5 > capacity * 4 {
            peak = max(peak, capacity * 8 + capacity * 12)
            capacity += capacity / 2
        }
        return max(peak, capacity * 8)
    }

    /// The IDs of the entries whose tag is `tag`, in the order probed, until `body` returns true
    /// (a confirmed one); that ID, or nil.
    func first(tag: UInt32, where body: (UInt32) throws -> Bool) rethrows -> UInt32? {
        var slot = Self.home(of: tag, capacity: capacity)
        while ids[slot] != 0 {
            if tags[slot] == tag, try body(ids[slot]) { return ids[slot] }
            slot += 1
            if slot == capacity { slot = 0 }
        }
        return nil
    }

    /// Adds an entry (the caller has made sure the key has none).
    mutating func add(tag: UInt32, id: UInt32) {
        if (count + 1) * 5 > capacity * 4 { grow() }
        place(tag: tag, id: id)
        count += 1
    }

    private mutating func place(tag: UInt32, id: UInt32) {
        var slot = Self.home(of: tag, capacity: capacity)
        while ids[slot] != 0 {
            slot += 1
            if slot == capacity { slot = 0 }
        }
        tags[slot] = tag
        ids[slot] = id
    }

    private mutating func grow() {
        let oldTags = tags, oldIDs = ids
        let capacity = self.capacity + self.capacity / 2
        tags = []; ids = []
        tags = [UInt32](repeating: 0, count: capacity)
        ids = [UInt32](repeating: 0, count: capacity)
        for slot in oldIDs.indices where oldIDs[slot] != 0 { place(tag: oldTags[slot], id: oldIDs[slot]) }
    }

    /// The tag scaled to the capacity (multiply and shift: any capacity, no power of two needed).
    /// The tag is a hash's low 32 bits, uniform, so its high bits spread entries evenly.
    private static func home(of tag: UInt32, capacity: Int) -> Int {
        Int(truncatingIfNeeded: (UInt64(tag) &* UInt64(capacity)) >> 32)
    }
}
