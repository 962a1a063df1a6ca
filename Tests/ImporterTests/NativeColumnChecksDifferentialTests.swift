import ClientBase
import Foundation
@testable import Importer
import LuaBridge
import PropertyBased
import TestSupport
import Testing

/// The native checks of the stock column types and custom-field types against their reference,
/// `rules/lib/engine.lua` run in a real Lua state: on generated and adversarial cells, both must
/// give every cell the same typed value (or stored value) and every problem the same message
/// key and vars (the messages of the test catalog spell out the key and every var).
@Suite struct NativeColumnChecksDifferentialTests {
    /// Cells per generated batch; a few thousand cells per seed in all.
    static let rowsPerBatch = 60

    @Test func generatedCellsGetTheSameValuesAndProblemsAsTheLuaEngine() async throws {
        await propertyCheck(count: 12, input: Gen.uint64(in: 0...UInt64.max)) { seed in
            do {
                try Self.compare(seed: seed)
            } catch {
                Issue.record("seed \(seed): \(error)")
            }
        }
    }

    @Test func adversarialCellsGetTheSameValuesAndProblemsAsTheLuaEngine() throws {
        for countryCode in [nil, "33", "380"] {
            for keepUnmapped in [false, true] {
                let setup = Setup(columns: Self.everyType, countryCode: countryCode, keepUnmapped: keepUnmapped, language: "fr")
                let reference = try LuaReference(setup)
                // Every cell in every column; then again backwards, the engine's memos now full.
                for batch in [Self.adversarial, Self.adversarial.reversed()] {
                    let cells = Dictionary(uniqueKeysWithValues: setup.columns.map { ($0.key, batch) })
                    try Self.compare(setup, reference, columnCells: cells, customCells: Self.customCells(batch),
                                     what: "adversarial (country code \(countryCode ?? "none"), keep unmapped \(keepUnmapped))")
                }
            }
        }
    }

    /// The stock rule set's own columns and messages (every language), on generated cells.
    @Test func theStockRuleSetGivesTheSameMessagesInEveryLanguage() throws {
        let engine = try RuleEngine(ruleSet: "remonline", searchPath: SearchPath(roots: [repositoryRoot]))
        let columns = engine.ruleSet.columns.compactMap(NativeColumn.init)
        #expect(columns.count == engine.ruleSet.columns.count, "every stock column has a stock type")
        #expect(columns.first { $0.key == "name" }?.maxLength == 255)
        for language in engine.ruleSet.languages + ["de"] {
            var random = SplitMix64(seed: 42)
            let setup = Setup(columns: columns, countryCode: "33", keepUnmapped: false, language: language,
                              messages: engine.ruleSet.messages)
            let reference = try LuaReference(setup, ruleSetFile: "\(repositoryRoot)/rules/remonline/ruleset.lua")
            var cells: [String: [String]] = [:]
            for column in columns {
                cells[column.key] = (0..<Self.rowsPerBatch).map { _ in Self.cell(for: column.type, &random) }
            }
            try Self.compare(setup, reference, columnCells: cells, customCells: Self.customCells(cells["notes"] ?? []), what: "remonline, \(language)")
        }
    }

    // MARK: - The comparison

    /// One import's setting: the rule set's columns, the options, the catalog and the language.
    struct Setup {
        var columns: [NativeColumn]
        var countryCode: String?
        var keepUnmapped: Bool
        var language: String
        var messages = NativeColumnChecksDifferentialTests.revealingMessages
        var catalog = Catalog(
            marketingSources: ["Google", "Bouche à oreille", "Café", "Cafe\u{301}", "Реклама", "  spaced  "],
            priceTypes: ["Retail", "Prix de gros", "Опт", "Оптовая"],
            customFields: [
                CustomFieldDefinition(name: "Appareil", type: .text), CustomFieldDefinition(name: "Points", type: .number),
                CustomFieldDefinition(name: "Né le", type: .date), CustomFieldDefinition(name: "VIP", type: .yesNo),
            ])

        var options: RuleOptions { RuleOptions(phoneCountryCode: countryCode, keepUnmappedAsCustomFields: keepUnmapped) }
    }

    /// Every message key of the engine's stock checks, each spelling out its key and vars, so
    /// that equal messages mean equal keys and vars. French lacks some (English is the fallback)
    /// and `number_too_precise` is in neither (the key itself is the message).
    static let revealingMessages: [String: [String: String]] = {
        let keys = [
            "required", "id_invalid", "text_too_long", "phone_length", "phone_characters", "phone_scientific",
            "email_invalid", "email_several", "yes_no_invalid", "percent_invalid", "percent_range", "money_invalid",
            "number_decimals", "number_too_large", "marketing_source_unknown", "price_type_unknown",
            "custom_field_unknown", "custom_number_invalid", "custom_date_invalid", "custom_date_impossible",
        ]
        let template = "|value={value}|column={column}|part={part}|year={year}|month={month}|days={days}|{none}|{not-a-name}|{}"
        var en: [String: String] = [:], fr: [String: String] = [:]
        for (index, key) in keys.enumerated() {
            en[key] = "en:\(key)\(template)"
            if index % 2 == 0 { fr[key] = "fr:\(key)\(template)" }
        }
        return ["en": en, "fr": fr]
    }()

    /// A rule set column of every stock type, required or not, with and without `max_length`.
    static let everyType: [NativeColumn] = StockType.allCases.flatMap { type in
        [NativeColumn(key: "\(type.rawValue)_optional", type: type),
         NativeColumn(key: "\(type.rawValue)_required", type: type, required: true, maxLength: type == .text ? 5 : nil)]
    } + [NativeColumn(key: "text_long", type: .text, maxLength: 1), NativeColumn(key: "text_zero", type: .text, maxLength: 0)]

    /// The custom-field columns of a batch: the catalog's four types and a field it lacks.
    static let customNames = ["Appareil", "Points", "Né le", "VIP", "Inconnu"]

    static func customCells(_ cells: [String]) -> [String: [String]] {
        Dictionary(uniqueKeysWithValues: customNames.map { ($0, cells) })
    }

    static func compare(seed: UInt64) throws {
        var random = SplitMix64(seed: seed)
        var columns: [NativeColumn] = []
        for (index, type) in StockType.allCases.enumerated() {
            for copy in 0..<random.int(in: 1...2) {
                let maxLength = type == .text && random.int(in: 0...1) == 1 ? random.int(in: 0...12) : nil
                columns.append(NativeColumn(key: "c\(index)_\(copy)", type: type, required: random.int(in: 0...1) == 1, maxLength: maxLength))
            }
        }
        let setup = Setup(columns: columns, countryCode: [nil, "33", "380", "1"][random.int(in: 0...3)],
                          keepUnmapped: random.int(in: 0...1) == 1, language: ["en", "fr", "de"][random.int(in: 0...2)])
        let reference = try LuaReference(setup)
        var cells: [String: [String]] = [:]
        for column in columns {
            cells[column.key] = (0..<rowsPerBatch).map { _ in
                // Mostly the column's own kind of text, sometimes another column's.
                let type = random.int(in: 0...3) == 0 ? StockType.allCases[random.int(in: 0...8)] : column.type
                return cell(for: type, &random)
            }
        }
        var custom: [String: [String]] = [:]
        for name in customNames {
            custom[name] = (0..<rowsPerBatch).map { _ in
                switch name {
                case "Points": random.int(in: 0...3) == 0 ? cell(for: .text, &random) : cell(for: .money, &random)
                case "Né le": random.int(in: 0...5) == 0 ? cell(for: .id, &random) : dateCell(&random)
                case "VIP": cell(for: .yesNo, &random)
                default: cell(for: StockType.allCases[random.int(in: 0...8)], &random)
                }
            }
        }
        try compare(setup, reference, columnCells: cells, customCells: custom, what: "seed \(seed)")
    }

    /// Checks one batch both ways and records every cell where the two differ.
    static func compare(_ setup: Setup, _ reference: LuaReference, columnCells: [String: [String]],
                        customCells: [String: [String]], what: String) throws {
        let count = columnCells.values.first?.count ?? customCells.values.first?.count ?? 0
        let lua = try reference.check(count: count, keys: setup.columns.map(\.key), columnCells: columnCells, customCells: customCells)
        let context = NativeCheckContext(options: setup.options, catalog: setup.catalog)
        let messages = MessageCatalog(setup.messages)
        var errors: [String] = []
        for column in setup.columns {
            // A column the batch lacks reads as empty cells, as in the engine.
            let cells = columnCells[column.key] ?? Array(repeating: "", count: count)
            var checker = NativeColumnChecker(column: column, context: context)
            let result = checker.check(cells)
            #expect(result.values.count == count)
            let expected = lua.fields[column.key] ?? Array(repeating: "?", count: count)
            for (index, value) in result.values.enumerated() where encode(value) != expected[index] {
                Issue.record("\(what): column \(column.key) (\(column.type.rawValue), required \(column.required), max_length \(column.maxLength.map(String.init) ?? "none")), cell \(debug(cells[index])): native \(encode(value)), Lua \(expected[index])")
            }
            errors += result.problems.map { problem in
                encode(problem, key: column.key, custom: false, messages: messages, language: setup.language)
            }
        }
        for (name, cells) in customCells {
            var checker = NativeCustomFieldChecker(name: name, context: context)
            let result = checker.check(cells)
            let expected = lua.custom[name] ?? Array(repeating: "?", count: count)
            for (index, value) in result.values.enumerated() where (value.map { "s:\($0)" } ?? "nil") != expected[index] {
                Issue.record("\(what): custom field \(name), cell \(debug(cells[index])): native \(value ?? "nil"), Lua \(expected[index])")
            }
            errors += result.problems.map { problem in
                encode(problem, key: name, custom: true, messages: messages, language: setup.language)
            }
        }
        let native = Set(errors), expected = Set(lua.errors)
        #expect(errors.count == lua.errors.count, "\(what): \(errors.count) native problems, \(lua.errors.count) in Lua")
        for problem in native.subtracting(expected).sorted() { Issue.record("\(what): only native: \(debug(problem))") }
        for problem in expected.subtracting(native).sorted() { Issue.record("\(what): only Lua: \(debug(problem))") }
    }

    /// A typed value as the Lua side encodes it (see `LuaReference.harness`).
    static func encode(_ value: TypedValue) -> String {
        switch value {
        case .none: "nil"
        case .text(let text): "s:\(text)"
        case .bool(let flag): "b:\(flag)"
        case .phones(let list): "p:\(list.joined(separator: ","))"
        }
    }

    static func encode(_ problem: ColumnProblem, key: String, custom: Bool, messages: MessageCatalog, language: String) -> String {
        let message = messages.message(for: problem.problem, value: problem.value, column: key, language: language)
        return "\(problem.index + 1)\t\(key)\t\(problem.value)\t\(message)\t\(problem.problem.vars["part"] ?? "nil")\t\(custom)"
    }

    /// A cell's text with its invisible characters shown.
    static func debug(_ text: String) -> String {
        "\"" + text.unicodeScalars.map { $0.isASCII && $0.value >= 0x20 && $0.value < 0x7F ? String($0) : "\\u{\(String($0.value, radix: 16))}" }.joined() + "\""
    }

    // MARK: - The Lua reference

    /// engine.lua's batch checker on a rule set of `setup`'s columns, in a real sandboxed state
    /// prepared as `RuleEngine` prepares it (with the C `split_numbers`).
    struct LuaReference {
        let lua: LuaState
        let check: LuaFunction

        /// Returns the typed values as text (nil, "s:text", "b:true", "p:digits,digits"), so that a
        /// list with holes crosses to Swift whole, and each problem as one line.
        static let harness = """
            local engine = require("lib.engine")
            return function(rule_set, ctx)
              local check = engine.batch_checker(rule_set, ctx)
              return function(batch, keys, names)
                local result = check(batch)
                local function encode(v)
                  if v == nil then return "nil" end
                  if type(v) == "string" then return "s:" .. v end
                  if type(v) == "boolean" then return "b:" .. tostring(v) end
                  return "p:" .. table.concat(v, ",")
                end
                local out = { fields = {}, custom = {}, errors = {} }
                for _, key in ipairs(keys) do
                  local list = {}
                  for i = 1, batch.count do list[i] = encode(result.fields[key][i]) end
                  out.fields[key] = list
                end
                for _, name in ipairs(names) do
                  local list = {}
                  for i = 1, batch.count do list[i] = encode(result.custom[name][i]) end
                  out.custom[name] = list
                end
                for _, e in ipairs(result.errors) do
                  out.errors[#out.errors + 1] = table.concat({ e.index, e.key, e.value, e.message, tostring(e.part), tostring(e.custom or false) }, "\\t")
                end
                return out
              end
            end
            """

        /// `ruleSetFile`: a real rule set file whose own table is checked (its columns and
        /// messages); else a rule set of the setup's columns and messages.
        init(_ setup: Setup, ruleSetFile: String? = nil) throws {
            lua = try LuaState(modulePaths: ["\(repositoryRoot)/rules"])
            try RuleEngine.prepare(lua)
            let make = try #require(try lua.run(string: Self.harness, chunkName: "=harness").first?.functionValue)
            let ruleSet: LuaValue
            if let ruleSetFile {
                ruleSet = try #require(try lua.run(file: ruleSetFile).first)
            } else {
                let columns = setup.columns.map { column -> LuaValue in
                    var fields: [LuaKey: LuaValue] = [
                        .string("key"): .string(column.key), .string("type"): .string(column.type.rawValue),
                        .string("required"): .bool(column.required),
                    ]
                    if let maxLength = column.maxLength { fields[.string("max_length")] = .integer(Int64(maxLength)) }
                    return .table(LuaTable(fields: fields))
                }
                ruleSet = .table(LuaTable(fields: [
                    .string("columns"): .table(LuaTable(array: columns)),
                    .string("messages"): .table(LuaTable(fields: Dictionary(uniqueKeysWithValues: setup.messages.map { language, texts in
                        (LuaKey.string(language), LuaValue.table(LuaTable(fields: Dictionary(uniqueKeysWithValues: texts.map { (LuaKey.string($0), LuaValue.string($1)) }))))
                    }))),
                ]))
            }
            // The import's ctx as `RuleEngine.checker` builds it.
            func set(_ names: [String]) -> LuaValue {
                .table(LuaTable(fields: Dictionary(names.map { (LuaKey.string($0), LuaValue.bool(true)) }, uniquingKeysWith: { a, _ in a })))
            }
            let context = LuaValue.table(LuaTable(fields: [
                .string("language"): .string(setup.language),
                .string("options"): setup.options.lua,
                .string("catalog"): .table(LuaTable(fields: [
                    .string("marketing_sources"): set(setup.catalog.marketingSources),
                    .string("price_types"): set(setup.catalog.priceTypes),
                    .string("custom_fields"): .table(LuaTable(fields: Dictionary(
                        setup.catalog.customFields.map { (LuaKey.string($0.name), LuaValue.string($0.type.rawValue)) },
                        uniquingKeysWith: { a, _ in a }))),
                ])),
            ]))
            check = try #require(try lua.call(make, [ruleSet, context]).first?.functionValue)
        }

        struct Result {
            var fields: [String: [String]] = [:]
            var custom: [String: [String]] = [:]
            var errors: [String] = []
        }

        func check(count: Int, keys: [String], columnCells: [String: [String]], customCells: [String: [String]]) throws -> Result {
            func texts(_ cells: [String: [String]]) -> LuaValue {
                .table(LuaTable(fields: Dictionary(uniqueKeysWithValues: cells.map { (LuaKey.string($0), LuaValue.table(LuaTable(array: $1.map(LuaValue.string)))) })))
            }
            let batch = LuaValue.table(LuaTable(fields: [
                .string("count"): .integer(Int64(count)),
                .string("rows"): .table(LuaTable(array: (0..<count).map { .integer(Int64($0 + 2)) })),
                .string("columns"): texts(columnCells),
                .string("custom"): texts(customCells),
            ]))
            let keys = LuaValue.table(LuaTable(array: keys.map(LuaValue.string)))
            let names = LuaValue.table(LuaTable(array: customCells.keys.sorted().map(LuaValue.string)))
            let out = try #require(try lua.call(check, [batch, keys, names]).first?.tableValue)
            func lists(_ value: LuaValue) -> [String: [String]] {
                var result: [String: [String]] = [:]
                for case (.string(let key), .table(let list)) in value.tableValue?.fields ?? [:] {
                    result[key] = list.array.map { $0.stringValue ?? "?" }
                }
                return result
            }
            return Result(fields: lists(out["fields"]), custom: lists(out["custom"]),
                          errors: out["errors"].tableValue?.array.map { $0.stringValue ?? "?" } ?? [])
        }
    }

    // MARK: - Cells

    static func pick<T>(_ items: [T], _ random: inout SplitMix64) -> T { items[random.int(in: 0...(items.count - 1))] }

    static func digits(_ count: Int, _ random: inout SplitMix64) -> String {
        String((0..<count).map { _ in Character(String(random.int(in: 0...9))) })
    }

    /// White space the engine trims (and some it does not) around a cell.
    static let padding = ["", "", "", " ", "  ", "\t", "\n", "\r\n", "\u{A0}", " \u{A0} ", "\u{A0}\u{A0}", "\u{2003}", "\u{202F}", "\u{B}", "\u{C}", "\u{85}"]

    static func cell(for type: StockType, _ random: inout SplitMix64) -> String {
        var text: String
        switch type {
        case .id: text = idCell(&random)
        case .text: text = textCell(&random)
        case .phones: text = phonesCell(&random)
        case .email: text = emailCell(&random)
        case .yesNo: text = yesNoCell(&random)
        case .percent, .money: text = numberCell(&random)
        case .marketingSource, .priceType: text = nameCell(&random)
        }
        if random.int(in: 0...3) == 0 { text = pick(padding, &random) + text + pick(padding, &random) }
        if random.int(in: 0...15) == 0 { text = "" }
        return text
    }

    static func idCell(_ random: inout SplitMix64) -> String {
        switch random.int(in: 0...5) {
        case 0: pick(["0", "00012", "-5", "1.0", "12a", "١٢٣", "１２", "+1", "1e5", " 1 2 "], &random)
        case 1: digits(random.int(in: 17...20), &random)
        default: digits(random.int(in: 1...12), &random)
        }
    }

    static let textPieces = ["a", "Zé", "Ж", "ї", "€", "😀", "👩‍👩‍👧", "e\u{301}", "日本", " ", "\u{A0}", "\t", "\n", "'", "\"", "\u{200B}", "ﬁ", "Σ", "\u{10FFFF}", "x"]

    static func textCell(_ random: inout SplitMix64) -> String {
        (0..<random.int(in: 0...14)).map { _ in pick(textPieces, &random) }.joined()
    }

    static func phoneNumber(_ random: inout SplitMix64) -> String {
        switch random.int(in: 0...14) {
        case 0: return "+" + digits(random.int(in: 1...16), &random)
        case 1: return "00" + digits(random.int(in: 6...14), &random)
        case 2: return "0" + digits(random.int(in: 1...11), &random)
        case 3: return "+33 (0)6 12-34/56.78"
        case 4: return digits(random.int(in: 9...12), &random) + pick([".0", ",0", ".00", ",5", ".", ".0 "], &random)
        case 5:
            let number = digits(random.int(in: 2...13), &random)
            return "\(pick(["", "+", "-"], &random))\(number.first!)\(pick([".", ",", ""], &random))\(number.dropFirst())\(pick(["E", "e"], &random))\(pick(["+", "", "-"], &random))\(pick(["", "0", "00"], &random))\(random.int(in: 0...1) == 0 ? number.count - 1 : random.int(in: 0...14))"
        case 6: return pick(["+", "()", "-", "06 12 ab 34", "tel 0612", "1e999999999999999999999", "3.8E+1000", "+380 50 123 45 67", "0033612345678", "06.12.34.56.78", "06 12\u{A0}34", "1\t2\u{B}3", "(044) 123-45-67", "12", "123", "0612345678"], &random)
        case 7: return "0" + String(random.int(in: 0...9)) + digits(random.int(in: 6...10), &random)
        default: return digits(random.int(in: 1...17), &random)
        }
    }

    static func phonesCell(_ random: inout SplitMix64) -> String {
        var text = phoneNumber(&random)
        for _ in 0..<random.int(in: 0...3) {
            text += pick([",", ";", "\n", ", ", " ; ", ",,", ";\n", " , "], &random) + phoneNumber(&random)
        }
        if random.int(in: 0...9) == 0 { text += pick([",", ";", "\n", " ,"], &random) }
        return text
    }

    static func emailCell(_ random: inout SplitMix64) -> String {
        let locals = ["jean", "Jean.Dupont", "a+b", "x_y-z", "o'neil", "!#$%&'*/=?^`{|}~", ".a", "a.", "a..b", "", "é", "a b", "A"]
        let domains = ["example.fr", "EXAMPLE.COM", "x.y.z", "exämple.fr", "x", ".fr", "x.", "x..y", "a-b.c-d", "xn--exmple-cua.fr", "x.fr.", "-x.fr", "x_y.fr", "127.0.0.1"]
        switch random.int(in: 0...7) {
        case 0: return pick(["a@b@c.fr", "a@x.fr, b@y.fr", "a@x.fr;b@y.fr", "a@x.fr b@y.fr", "a@x.fr\tb@y.fr", "a@x.fr ,", " , a@x.fr", "@x.fr", "a@", "a", "a@x.fr\u{A0}b@y.fr", "a,b", "a\nb@x.fr"], &random)
        default: return "\(pick(locals, &random))\(pick(["@", "@", "@", " @ ", "@@"], &random))\(pick(domains, &random))"
        }
    }

    static let yesNoWords = ["oui", "yes", "y", "o", "true", "vrai", "1", "да", "д", "так", "т", "x", "non", "no", "n", "false", "faux", "0", "нет", "ні", "-",
                             "si", "yes no", "ok", "2", "ja", "nein", "Ї", "ДА!", "ye s", "truee", "нi", "нeт", "", "ä", "ÿ", "Ÿ"]

    static func yesNoCell(_ random: inout SplitMix64) -> String {
        var word = pick(yesNoWords, &random)
        switch random.int(in: 0...4) {
        case 0: word = word.uppercased()
        case 1: word = word.capitalized
        case 2:
            // Unicode spaces inside or around (text.fold makes them spaces).
            let space = pick(["\u{2003}", "\u{3000}", "\u{85}", "\u{2028}", " ", "  ", "\u{1680}", "\u{200B}", "\t"], &random)
            word = random.int(in: 0...1) == 0 ? space + word + space : word.map(String.init).joined(separator: space)
        default: break
        }
        return word
    }

    static func numberCell(_ random: inout SplitMix64) -> String {
        let sign = pick(["", "", "", "-", "+", "--", "−"], &random)
        switch random.int(in: 0...9) {
        case 0:
            return pick(["%", "10%", "10 %", "100%", "100.0001%", "101", "100", "100.00", "-0", "+.5", "5.", ".", ",", "-", "1,234.56", "1 234,5", "1\u{A0}234", "1'234.5",
                         "１２", "0e999", "-0.000e-999", "1e41", "1e-41", "1.5E2", "1.5e+2", "1,5e2", "15e-5", "1e", "e5", "0x10", "inf", "nan", "1.2.3",
                         "99999999999999", "999999999999999", "0.00001", "0.00010", "12345678901234.5", "1234567890123.45", "1%%", "%5", "1 %", "10\u{A0}%", "12\u{202F}345", "1\u{202F}234,50", "\u{2003}5\u{2003}%", "1\u{A2}500", "1\u{420}5"], &random)
        case 1:
            return "\(sign)\(digits(random.int(in: 1...3), &random))\(pick([".", ","], &random))\(digits(random.int(in: 0...3), &random))e\(pick(["", "+", "-"], &random))\(random.int(in: 0...45))"
        case 2:
            // Thousands separated by spaces, no-break spaces (U+00A0, U+202F, U+2009) or apostrophes.
            let separator = pick([" ", "\u{A0}", "\u{202F}", "\u{2009}", "'", ",", "."], &random)
            return "\(sign)\(random.int(in: 1...999))\(separator)\(digits(3, &random))\(pick(["", ",50", ".5", ".12345"], &random))"
        case 3:
            return "\(sign)\(digits(random.int(in: 12...18), &random))\(random.int(in: 0...1) == 0 ? "" : "." + digits(random.int(in: 0...6), &random))"
        default:
            let fraction = random.int(in: 0...2) == 0 ? "" : pick([".", ","], &random) + digits(random.int(in: 0...6), &random)
            return "\(sign)\(digits(random.int(in: 0...4), &random))\(fraction)\(random.int(in: 0...9) == 0 ? "%" : "")"
        }
    }

    static func nameCell(_ random: inout SplitMix64) -> String {
        pick(["Google", "google", "GOOGLE", "Bouche à oreille", "Bouche a oreille", "Café", "Cafe\u{301}", "CAFÉ", "Реклама", "реклама", "spaced", "  spaced  ",
              "Retail", "retail", "Prix de gros", "Опт", "опт", "Оптовая", "Unknown", "Google\u{200B}"], &random)
    }

    static func dateCell(_ random: inout SplitMix64) -> String {
        let year = pick([1900, 2000, 2023, 2024, 1, 0, 9999, 1996, 2100], &random)
        let month = random.int(in: 0...13), day = pick([0, 1, 9, 28, 29, 30, 31, 32], &random)
        let pad = { (n: Int, width: Int) in String(repeating: "0", count: max(0, width - String(n).count)) + String(n) }
        switch random.int(in: 0...5) {
        case 0:
            let time = pick(["", "T10:20", " 10:20", "T10:20:30", "T10:20:30.5Z", "T10:20:30,123", "T10:20:30Z", "T1:20", "T10:20:3", "x", "T10:20Z", " 10:20:30.Z", "T10:20:30.5ZZ"], &random)
            return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))\(time)"
        case 1, 2:
            let separator = pick([".", "/", "-"], &random)
            return "\(random.int(in: 0...1) == 0 ? pad(day, 2) : String(day))\(separator)\(random.int(in: 0...1) == 0 ? pad(month, 2) : String(month))\(separator)\(pad(year, 4))"
        case 3:
            return pick(["31/03-2024", "31.3.24", "2024/03/31", "2024-3-31", "1.1.2024", "001.1.2024", "29.02.1900", "29.02.2000", "29/02/2023", "29-02-2024", "31/02/1990", "2024-02-30", "2024-13-01", "0000-01-01", "00/01/2024", "31.12.0000", "", "today", "2024-03-31T", "2024-03-31 "], &random)
        default:
            return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
        }
    }

    /// Fixed cells that once told the two apart, or could: every one is checked in every column.
    static let adversarial: [String] = [
        "", " ", "\u{A0}", "\u{A0}x\u{A0}", "x\u{A0}y", " \t\n", "\u{2003}", "\u{2003}oui\u{2003}", "OUI", "Oui", "ДА", "Так", "ТАК", "НІ", "Ні", "НЕТ", "Y", "X", "-",
        "o u i", "\u{85}yes", "yes\u{3000}", "ÿes", "0", "1", "2", "000000000000000000", "0000000000000000000", "123456789012345678", "1234567890123456789",
        "+", "00", "0033612345678", "00336", "+33612345678", "0612345678", "06 12 34 56 78", "(06) 12-34/56", "06a", "3.80501234567E+11", "3,80501234567e11",
        "-3.8E11", "1e5", "1e0", "380501234567.0", "380501234567,0", "380501234567.00", "12.0", ",", ";", ",;\n", "0612345678,", "0612345678, 0712345678",
        "0612345678;abc", "abc;0612345678", "12, 34", "1234567890123456", "123456789012345", "+1234567890123456", "1e99999999999999999999",
        "jean@example.fr", "Jean@Example.FR", "a@b@c.fr", "a@x.fr, b@y.fr", "a@x.fr b", "jean@exämple.fr", ".a@x.fr", "a.@x.fr", "a..b@x.fr", "a@x..fr", "a@x.fr.", "@x.fr",
        "1 234,50", "1\u{A0}234,50", "1'234.50", "+12.5", "-0,01", "-0", "-0.00", "10%", "100%", "100.0001", "101", "-1", "1.23456", "1.23450", "12345678901234",
        "123456789012345", "1234567890123.45", "12345678901234.5", "0.0001", "1.5E2", "1e41", "1e-41", "0e999", "1E-5", "1.e2", ".5", "5.", ".", "1,2,3",
        "Google", "google", "Café", "Cafe\u{301}", "Реклама", "Retail", "Опт", "  spaced  ",
        "2024-03-31", "2024-03-31T10:20", "2024-03-31 10:20:30.5Z", "2024-03-31T10:2", "31.03.2024", "31/03/2024", "31-03-2024", "31/03-2024", "29/02/1900",
        "29/02/2000", "29.02.2023", "29.02.2024", "30/02/2024", "0000-01-01", "2024-13-01", "2024-00-10", "1.1.2024", "00.01.2024",
        "😀", "👩‍👩‍👧", "e\u{301}", "ﬁ", String(repeating: "é", count: 300), String(repeating: "9", count: 400), String(repeating: "a", count: 256),
    ]
}
