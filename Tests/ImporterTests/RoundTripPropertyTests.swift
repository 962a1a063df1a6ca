import ClientBase
import Foundation
import Importer
import PropertyBased
import TestSupport
import Testing
import Workbook

/// For random client bases — Unicode names, phones with leading zeros, huge and tiny balances
/// with decimals, custom fields of every type — an export imports back as a no-op, and an
/// export parsed into an empty base gives the same clients.
@Suite struct RoundTripPropertyTests {
    @Test func exportThenImportChangesNothingAndParsesBackToTheSameBase() async throws {
        await propertyCheck(count: 25, input: Gen.uint64(in: 0...UInt64.max)) { seed in
            do {
                try Self.roundTrip(seed: seed)
            } catch {
                Issue.record("seed \(seed): \(error)")
            }
        }
    }

    /// The same for the CSV Excel reads in the language (`;` and decimal commas for fr, ru, uk),
    /// with or without the `sep=` line: money and percents come back exact.
    @Test func excelStyleCSVExportsImportBackExactly() async throws {
        await propertyCheck(count: 25, input: Gen.uint64(in: 0...UInt64.max)) { seed in
            do {
                try Self.roundTrip(seed: seed, csv: true)
            } catch {
                Issue.record("seed \(seed): \(error)")
            }
        }
    }

    static func roundTrip(seed: UInt64, csv: Bool = false) throws {
        var random = SplitMix64(seed: seed)
        let original = try ImportFixture()
        try Self.configure(original.store)
        let clients = (0..<random.int(in: 1...25)).map { _ in randomClient(&random) }
        try original.store.transaction {
            let batch = try original.store.beginBatch(BatchSource(fileName: "seed", fileSHA256: "", ruleSet: "remonline", plugin: "", employeeID: 1))
            for client in clients {
                let id = try original.store.insertClient(client, batch: batch, sourceRow: nil)
                if !client.balance.isZero {
                    try original.store.appendBalanceCorrection(clientID: id, amount: client.balance, comment: "seed", batch: batch, employeeID: 1, sourceRow: nil)
                }
            }
        }
        let language = ["fr", "en", "ru", "uk"][random.int(in: 0...3)]
        var style = CSVStyle.excel(language: language)
        style.sepLine = random.int(in: 0...1) == 1
        let export = csv ? try original.export("export.csv", language: language, csv: style) : try original.export("export.xlsx", language: language)
        if csv, language != "en" {
            // The style is the one asked for, not the default.
            let text = try String(contentsOfFile: export, encoding: .utf8)
            #expect(text.contains(";"), "seed \(seed)")
            let head = try Data(contentsOf: URL(fileURLWithPath: export)).prefix(8)
            #expect((head == Data([0xEF, 0xBB, 0xBF] + Array("sep=;".utf8))) == style.sepLine, "seed \(seed)")
        }

        let again = try original.run(export)
        #expect(again.status == .imported, "seed \(seed): \(again.errors.prefix(3))")
        #expect(again.counts == BatchCounts(rows: clients.count, created: 0, updated: 0, unchanged: clients.count, balanceCorrections: 0),
                "seed \(seed)")

        let parsed = try ImportFixture()
        try Self.configure(parsed.store)
        // IDs of another base are unknown here: each row becomes a new client (and warns).
        let report = try parsed.run(export)
        #expect(report.status == .imported, "seed \(seed): \(report.errors.prefix(3))")
        try expectSameClients(in: parsed, as: original, seed: seed)
    }

    /// Both bases hold the same clients, in order, field by field and balance by balance.
    static func expectSameClients(in parsed: ImportFixture, as original: ImportFixture, seed: UInt64) throws {
        let expected = try original.allClients()
        let actual = try parsed.allClients()
        #expect(actual.count == expected.count)
        for (before, after) in zip(expected, actual) {
            #expect(before.hasSameFields(as: after), "seed \(seed): \(before) became \(after)")
            #expect(before.balance == after.balance, "seed \(seed)")
        }
    }

    static func configure(_ store: SQLiteClientStore) throws {
        try store.addMarketingSources(["Google", "Bouche à oreille", "Реклама"])
        try store.addPriceTypes(["Détail", "Оптовая"])
        try store.addCustomField(CustomFieldDefinition(name: "Appareil", type: .text))
        try store.addCustomField(CustomFieldDefinition(name: "Points", type: .number))
        try store.addCustomField(CustomFieldDefinition(name: "Né le", type: .date))
        try store.addCustomField(CustomFieldDefinition(name: "VIP", type: .yesNo))
    }

    static let letters = Array("abcdefghijklmnopqrstuvwxyzÉéèçàôœßЖжЇїІіЄєҐґЁёЩщ漢字😀-' ")

    static func text(_ random: inout SplitMix64, length: ClosedRange<Int>) -> String {
        var result = String((0..<random.int(in: length)).map { _ in letters[random.int(in: 0...(letters.count - 1))] })
        result = result.trimmingCharacters(in: .whitespaces)
        return result
    }

    static func decimal(_ random: inout SplitMix64, wholeDigits: Int, decimals: Int) -> ExactDecimal {
        var whole = "1"
        for _ in 0..<random.int(in: 0...(wholeDigits - 1)) { whole += String(random.int(in: 0...9)) }
        var fraction = ""
        for _ in 0..<random.int(in: 0...decimals) { fraction += String(random.int(in: 0...9)) }
        let sign = random.int(in: 0...1) == 0 ? "-" : ""
        let shift = random.int(in: 0...wholeDigits)  // tiny values too: 0.0001 … 0.9999
        let literal = shift == 0 ? "0.000\(random.int(in: 1...9))" : sign + whole + (fraction.isEmpty ? "" : "." + fraction)
        return ExactDecimal(literal)!
    }

    static func randomClient(_ random: inout SplitMix64) -> Client {
        var name = text(&random, length: 1...20)
        if name.isEmpty { name = "Ж" }
        var client = Client(id: 0, name: name)
        client.lastName = text(&random, length: 0...15)
        client.phones = (0..<random.int(in: 0...3)).map { _ in
            // Leading zeros kept, but never "00": an import reads it as the international prefix.
            var digits = (0..<random.int(in: 5...12)).map { _ in String(random.int(in: 0...9)) }.joined()
            // (Replaced, not dropped: dropping zeros could leave fewer digits than a phone has.)
            if digits.hasPrefix("00") { digits.replaceSubrange(...digits.startIndex, with: "1") }
            return digits
        }
        client.email = random.int(in: 0...2) == 0 ? "" : "client\(random.int(in: 1...99999))@example.fr"
        client.address = text(&random, length: 0...30)
        client.juridical = random.int(in: 0...1) == 1
        client.supplier = random.int(in: 0...1) == 1
        client.conflicted = random.int(in: 0...3) == 0
        // Cells are trimmed on import, so a base built by imports never holds untrimmed text.
        client.notes = (text(&random, length: 0...10) + (random.int(in: 0...2) == 0 ? "\nligne 2" : ""))
            .trimmingCharacters(in: .whitespacesAndNewlines)
        client.marketingSource = ["", "Google", "Bouche à oreille", "Реклама"][random.int(in: 0...3)]
        client.discountCard = random.int(in: 0...1) == 0 ? "" : "CARTE-\(random.int(in: 0...9999))"
        client.discountGoods = random.int(in: 0...1) == 0 ? nil : ExactDecimal(tenThousandths: Int64(random.int(in: 0...1_000_000)))
        client.discountServices = random.int(in: 0...2) == 0 ? ExactDecimal(100) : nil
        client.priceTypeSales = ["", "Détail", "Оптовая"][random.int(in: 0...2)]
        client.priceTypeOrders = ["", "Détail"][random.int(in: 0...1)]
        client.balance = random.int(in: 0...3) == 0 ? .zero : decimal(&random, wholeDigits: 11, decimals: 4)
        if random.int(in: 0...1) == 1 { client.customFields["Appareil"] = text(&random, length: 1...12).isEmpty ? "iPhone" : "iPhone \(random.int(in: 6...16))" }
        if random.int(in: 0...1) == 1 { client.customFields["Points"] = decimal(&random, wholeDigits: 6, decimals: 2).description }
        if random.int(in: 0...1) == 1 { client.customFields["Né le"] = String(format: "%04d-%02d-%02d", random.int(in: 1930...2010), random.int(in: 1...12), random.int(in: 1...28)) }
        if random.int(in: 0...1) == 1 { client.customFields["VIP"] = "1" }
        return client
    }
}

/// A small seeded generator, so a failing seed reproduces the same base.
struct SplitMix64 {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func int(in range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.count))
    }
}
