/// The phone numbers and emails of the clients an import into a base without clients has
/// stored, while the store defers its own look-ups (`ClientStore.beginDeferredLookups`): the
/// duplicate probes are answered here instead of by the email index and the phone lookup.
///
/// Each distinct key is one entry: a tag (from `StoredKeyFilter.hash`) and the ID of the first
/// client (lowest ID) stored with it, in two flat arrays. Until the pipeline can tell the file's
/// size (`size`, at 3% read) the tags are whole hashes and the tables grow; then the entries
/// move to tables of 16-bit tags sized for the whole file, 6 bytes an entry. The key itself is
/// not kept: an entry whose tag matches is confirmed by the caller against the stored client,
/// so the answer is exact, never a "duplicate" for a tag shared by two keys, and never a miss. Clients are only added while the look-ups are deferred (an update ends the
/// deferral), so an entry, once confirmed, stays true.
struct DeferredKeys {
    /// Until `size` is called: tables holding each key's whole 64-bit hash, grown as needed.
    private var widePhones: KeyTable<UInt64>?
    private var wideEmails: KeyTable<UInt64>?
    /// After: 16-bit tags sized for the whole file, 6 bytes an entry, never grown.
    private var narrowPhones: KeyTable<UInt16>?
    private var narrowEmails: KeyTable<UInt16>?
    /// The most the tables may hold, in bytes; past it (`hasRoom` false) the caller ends the deferral.
    let byteBudget: Int
    /// Bits of each half of the hash kept: all but in tests, which force tags to collide.
    let hashMask: UInt64

    /// 40 MiB: a million template rows (2.6 million keys) take about 20 MB.
    static let defaultByteBudget = 40 << 20

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
        hashMask = UInt64(tagMask) | UInt64(tagMask) << 32
        // A small budget (tests) starts small tables, so that it is reached within a few rows.
        let capacity = min(1 << 14, max(8, byteBudget / 48))
        widePhones = KeyTable(capacity: capacity)
        wideEmails = KeyTable(capacity: capacity)
    }

    var phoneCount: Int { widePhones?.count ?? narrowPhones?.count ?? 0 }
    var emailCount: Int { wideEmails?.count ?? narrowEmails?.count ?? 0 }
    /// Whether the tables have been sized (`size`).
    var isSized: Bool { narrowPhones != nil }

    /// Bytes the tables hold.
    var bytes: Int {
        (widePhones?.bytes ?? 0) + (wideEmails?.bytes ?? 0) + (narrowPhones?.bytes ?? 0) + (narrowEmails?.bytes ?? 0)
    }

    func phoneHash(_ phone: String) -> UInt64 { StoredKeyFilter.hash(phone, kind: 1, foldCase: false) & hashMask }
    /// A–Z folded, as both stores compare emails.
    func emailHash(_ email: String) -> UInt64 { StoredKeyFilter.hash(email, kind: 2, foldCase: true) & hashMask }

    /// Whether the tables can take this many more entries: within the budget while they grow,
    /// and under 90% full once sized (a fuller table's probes get long).
    func hasRoom(forPhones newPhones: Int, emails newEmails: Int) -> Bool {
        if let phones = narrowPhones, let emails = narrowEmails {
            return (phones.count + newPhones) * 10 <= phones.capacity * 9 && (emails.count + newEmails) * 10 <= emails.capacity * 9
        }
        return (widePhones?.bytesAfterAdding(newPhones) ?? 0) + (wideEmails?.bytesAfterAdding(newEmails) ?? 0) <= byteBudget
    }

    /// Moves the entries to 16-bit-tag tables sized for this many entries at most 80% full
    /// (`hasRoom` lets them fill to 90%); nothing when that would pass the budget.
    mutating func size(phones newPhones: Int, emails newEmails: Int) {
        guard let wide = widePhones, let wideE = wideEmails else { return }
        let phoneCapacity = max(newPhones, wide.count) * 5 / 4 + 8, emailCapacity = max(newEmails, wideE.count) * 5 / 4 + 8
        guard (phoneCapacity + emailCapacity) * 6 + wide.bytes + wideE.bytes <= byteBudget else { return }
        narrowPhones = KeyTable(wide, capacity: phoneCapacity)
        widePhones = nil
        narrowEmails = KeyTable(wideE, capacity: emailCapacity)
        wideEmails = nil
    }

    /// The lowest ID among the entries for a phone with this hash that `confirm` accepts: the
    /// first client stored with that phone.
    func firstPhone(hash: UInt64, where confirm: (UInt32) throws -> Bool) rethrows -> UInt32? {
        if let table = widePhones { return try table.lowest(hash: hash, where: confirm) }
        return try narrowPhones?.lowest(hash: hash, where: confirm)
    }

    /// The first client stored with an email of this hash that `confirm` accepts.
    func firstEmail(hash: UInt64, where confirm: (UInt32) throws -> Bool) rethrows -> UInt32? {
        if let table = wideEmails { return try table.lowest(hash: hash, where: confirm) }
        return try narrowEmails?.lowest(hash: hash, where: confirm)
    }

    /// Adds an entry (after `hasRoom`).
    mutating func addPhone(hash: UInt64, clientID: UInt32) {
        if widePhones != nil { widePhones?.add(hash: hash, id: clientID) } else { narrowPhones?.add(hash: hash, id: clientID) }
    }

    mutating func addEmail(hash: UInt64, clientID: UInt32) {
        if wideEmails != nil { wideEmails?.add(hash: hash, id: clientID) } else { narrowEmails?.add(hash: hash, id: clientID) }
    }
}

/// What a `KeyTable` keeps of a key's 64-bit hash: all of it (the table can then grow, its
/// home slots computed again from the tags), or 16 bits other than the home slot's.
protocol KeyTag: FixedWidthInteger & UnsignedInteger {
    static func of(_ hash: UInt64) -> Self
}

extension UInt64: KeyTag {
    static func of(_ hash: UInt64) -> UInt64 { hash }
}

extension UInt16: KeyTag {
    /// Bits 32–47: the home slot is computed from bits 0–31.
    static func of(_ hash: UInt64) -> UInt16 { UInt16(truncatingIfNeeded: hash >> 32) }
}

/// An open-addressing hash table of (tag, ID) pairs, linear probing. The home slot is computed
/// from the hash's low 32 bits; a table of whole hashes grows by half when 80% full, one of
/// 16-bit tags cannot (the caller sizes it and stops short of full).
struct KeyTable<Tag: KeyTag> {
    private var tags: [Tag]
    /// 0: an empty slot (client IDs start at 1).
    private var ids: [UInt32]
    private(set) var count = 0

    init(capacity: Int) {
        tags = [Tag](repeating: 0, count: capacity)
        ids = [UInt32](repeating: 0, count: capacity)
    }

    /// The entries of a table of whole hashes, in a table of `capacity` slots.
    init(_ wide: KeyTable<UInt64>, capacity: Int) {
        self.init(capacity: capacity)
        wide.forEach { hash, id in place(hash: hash, id: id) }
        count = wide.count
    }

    var capacity: Int { ids.count }
    var bytes: Int { capacity * (MemoryLayout<Tag>.size + 4) }

    /// Calls `body` with each entry's tag and ID.
    func forEach(_ body: (Tag, UInt32) -> Void) {
        for slot in ids.indices where ids[slot] != 0 { body(tags[slot], ids[slot]) }
    }

    /// The table's bytes once `more` entries are added (growing when they pass 80%), counting
    /// the old arrays too while they are copied.
    func bytesAfterAdding(_ more: Int) -> Int {
        let entry = MemoryLayout<Tag>.size + 4
        var capacity = self.capacity, peak = 0
        while (count + more) * 5 > capacity * 4 {
            peak = max(peak, (capacity + capacity + capacity / 2) * entry)
            capacity += capacity / 2
        }
        return max(peak, capacity * entry)
    }

    /// The lowest ID among the entries whose tag is the hash's and that `body` confirms, or nil.
    /// The whole run of slots is walked: the entries of a run are not in ID order once the table
    /// was grown or sized (they are placed again slot by slot), so another key's entry with the
    /// same tag — a later client that also has this key — can come before this key's own.
    func lowest(hash: UInt64, where body: (UInt32) throws -> Bool) rethrows -> UInt32? {
        let tag = Tag.of(hash)
        var slot = Self.home(of: hash, capacity: capacity)
        var lowest: UInt32?
        while ids[slot] != 0 {
            let id = ids[slot]
            if tags[slot] == tag, id < lowest ?? .max, try body(id) { lowest = id }
            slot += 1
            if slot == capacity { slot = 0 }
        }
        return lowest
    }

    /// Adds an entry (the caller has made sure the key has none). A table of whole hashes
    /// grows when 80% full; a 16-bit one must have been left room (`DeferredKeys.hasRoom`).
    mutating func add(hash: UInt64, id: UInt32) {
        if (count + 1) * 5 > capacity * 4 { grow() }
        place(hash: hash, id: id)
        count += 1
    }

    private mutating func place(hash: UInt64, id: UInt32) {
        var slot = Self.home(of: hash, capacity: capacity)
        while ids[slot] != 0 {
            slot += 1
            if slot == capacity { slot = 0 }
        }
        tags[slot] = Tag.of(hash)
        ids[slot] = id
    }

    private mutating func grow() {
        guard Tag.self == UInt64.self else { return }
        let old = self
        self = KeyTable(capacity: capacity + capacity / 2)
        count = old.count
        old.forEach { tag, id in place(hash: UInt64(tag), id: id) }
    }

    /// The hash's low 32 bits scaled to the capacity (multiply and shift: any capacity).
    private static func home(of hash: UInt64, capacity: Int) -> Int {
        Int(truncatingIfNeeded: (UInt64(UInt32(truncatingIfNeeded: hash)) &* UInt64(capacity)) >> 32)
    }
}
