@testable import Importer
import Testing

@Suite struct StoredKeyFilterTests {
    /// The filter may only skip a probe whose answer is "none": every key inserted is found,
    /// and an email in any A–Z case is the same key, as both stores compare them.
    @Test func everyInsertedKeyIsFoundAndEmailsFoldOnlyASCIILetters() {
        var filter = StoredKeyFilter()
        let phones = (0..<20_000).map { "336\(10_000_000 + $0 * 7)" }
        let emails = (0..<20_000).map { "Client.\($0)@Example.FR" }
        for phone in phones { filter.insert(phone: phone) }
        for email in emails { filter.insert(email: email) }
        #expect(phones.allSatisfy { filter.mayContain(phone: $0) })
        #expect(emails.allSatisfy { filter.mayContain(email: $0) })
        #expect(emails.allSatisfy { filter.mayContain(email: $0.lowercased()) && filter.mayContain(email: $0.uppercased()) })
        // Case folding stops at ASCII: the stores take "É" and "é" for different letters, and
        // so does the hash (a filter may say "maybe" anyway, never "no" to an equal key).
        #expect(StoredKeyFilter.hash("élodie@x.fr", kind: 2, foldCase: true) != StoredKeyFilter.hash("Élodie@x.fr", kind: 2, foldCase: true))
        #expect(StoredKeyFilter.hash("Élodie@x.fr", kind: 2, foldCase: true) == StoredKeyFilter.hash("ÉlODIE@X.fr", kind: 2, foldCase: true))
    }

    /// What makes it worth having: keys never inserted are mostly answered "no" (40,000 keys
    /// set at most 80,000 of 8 Mbit, so about 1 in 10,000 passes for stored).
    @Test func keysNeverInsertedAreMostlyAnsweredNo() {
        var filter = StoredKeyFilter()
        for n in 0..<40_000 { filter.insert(phone: "3361\(n)") }
        let passed = (0..<40_000).filter { filter.mayContain(phone: "3362\($0)") || filter.mayContain(email: "3361\($0)") }.count
        #expect(passed < 40)
    }
}
