import ClientBase
@testable import Importer
import TestSupport
import Testing
import Workbook

/// The typed rules interface (issue 18): the stock types checked natively, Lua only for the code
/// a rule set wrote itself, and plugin rows mapped a batch at a time — each giving exactly what
/// the all-Lua reference (`engine.batch_checker`, one row per `map` call) gave.
@Suite struct TypedRulesTests {
    /// The stock rule set plus code of its own: a `validate` on a stock column that reports on
    /// its own column and warns on another, and a `validate_row` that reads typed values of
    /// several columns and a custom field.
    static let ruleSetWithCode = """
        local base = require("remonline.ruleset")
        local rules = {}
        for k, v in pairs(base) do rules[k] = v end
        rules.name = "coded"
        rules.columns = {}
        for i, column in ipairs(base.columns) do
          local copy = {}
          for k, v in pairs(column) do copy[k] = v end
          rules.columns[i] = copy
        end
        for _, column in ipairs(rules.columns) do
          if column.key == "name" then
            column.validate = function(value, ctx)
              if value:find("^Test") then return false, "invalid" end
              if #value < 3 then ctx.warn("email", "invalid", { extra = "short" }) end
              return true
            end
          elseif column.key == "phone" then
            column.validate = function(list, ctx)
              if #list > 2 then return false, "invalid", { count = #list } end
              return true
            end
          end
        end
        rules.validate_row = function(row, ctx)
          if row.juridical and row.email == "" then ctx.error("email", "required") end
          if row.balance ~= nil and row.discount_goods ~= nil then ctx.warn("balance", "invalid") end
          if row.custom.Birthday == "2000-01-01" and #row.phone == 0 then ctx.error("phone", "invalid") end
        end
        return rules
        """

    static let keys = RuleSet.fieldKeys

    /// Cells for one column: valid values, near misses and empties, drawn from a seeded generator.
    static func cell(_ key: String, _ random: inout SplitMix64) -> String {
        let choices: [String]
        switch key {
        case "id": choices = ["", "", "12", " 7 ", "x1", "1234567890123456789", "0042"]
        case "name": choices = ["Jean", "Marie Curie", "Al", "Test client", "", " Zoé ", String(repeating: "n", count: 260)]
        case "phone": choices = ["", "+33 6 12 34 56 78", "06 12 34 56 78, 01 40 00 00 00", "1,2", "12345", "1, 22 22 22, 333 333, 44 44 44",
                                 "06 12 AB", "6.12E+09"]
        case "email": choices = ["", "a@b.fr", "a@b.fr, c@d.fr", "nope", " x@y.com "]
        case "juridical", "supplier", "conflicted": choices = ["", "Yes", "Oui", "no", "maybe"]
        case "discount_goods", "discount_services", "discount_materials", "discount_card": choices = ["", "10", "10,5", "101", "abc", "0"]
        case "balance": choices = ["", "150.50", "-20", "1 000,25", "x", "1.23456"]
        case "marketing_source": choices = ["", "Google", "google", "Flyer"]
        case "price_type_sales", "price_type_orders": choices = ["", "Retail", "Wholesale?"]
        default: choices = ["", "12 rue de la Paix", "note"]
        }
        return choices[Int(random.next() % UInt64(choices.count))]
    }

    static func catalog() -> Catalog {
        Catalog(marketingSources: ["Google", "Flyer"], priceTypes: ["Retail"],
                customFields: [CustomFieldDefinition(name: "Birthday", type: .date)])
    }

    /// `count` rows of every column and the custom field Birthday.
    static func batch(count: Int, seed: UInt64, firstRow: Int = 2) -> TextBatch {
        var random = SplitMix64(seed: seed)
        var batch = TextBatch(keys: keys, customNames: ["Birthday"])
        let birthdays = ["", "2000-01-01", "31/02/1990", "12.03.1985", "soon"]
        for index in 0..<count {
            var texts: [String: String] = [:]
            for key in keys { texts[key] = cell(key, &random) }
            batch.append(row: firstRow + index, texts: texts, custom: ["Birthday": birthdays[Int(random.next() % 5)]])
        }
        return batch
    }

    func engine(_ ruleSet: String) throws -> (RuleEngine, TemporaryDirectory) {
        let folder = try TemporaryDirectory()
        try folder.write("rules/coded/ruleset.lua", Self.ruleSetWithCode)
        return (try RuleEngine(ruleSet: ruleSet, searchPath: SearchPath(roots: [folder.path, repositoryRoot])), folder)
    }

    func expectSame(_ hybrid: CheckedBatch, _ reference: CheckedBatch, seed: UInt64, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(hybrid.fields == reference.fields, "seed \(seed)", sourceLocation: sourceLocation)
        #expect(hybrid.custom == reference.custom, "seed \(seed)", sourceLocation: sourceLocation)
        for index in reference.errors.indices {
            #expect(hybrid.errors[index] == reference.errors[index], "seed \(seed), row index \(index)", sourceLocation: sourceLocation)
            #expect(hybrid.warnings[index] == reference.warnings[index], "seed \(seed), row index \(index)", sourceLocation: sourceLocation)
        }
    }

    @Test(arguments: ["coded", "remonline"]) func theHybridCheckerGivesWhatTheLuaEngineGives(ruleSet: String) throws {
        let (engine, _) = try engine(ruleSet)
        for language in ["en", "fr"] {
            for options in [RuleOptions(), RuleOptions(phoneCountryCode: "33")] {
                let hybrid = try #require(try engine.checker(language: language, catalog: Self.catalog(), options: options) as? HybridRowChecker)
                let reference = try engine.luaChecker(language: language, catalog: Self.catalog(), options: options)
                let seed = UInt64.random(in: 0...UInt64.max)
                let batch = Self.batch(count: 600, seed: seed)
                let checked = try hybrid.check(batch)
                expectSame(checked, try reference.check(batch), seed: seed)
                // The rule set's code did find something to say (the test is not vacuous).
                if ruleSet == "coded" {
                    #expect(checked.errors.joined().contains { $0.message == "\"Test client\" is not valid here" || $0.message == "« Test client » n'est pas valide ici" })
                    #expect(!checked.warnings.joined().isEmpty)
                }
            }
        }
    }

    @Test func aRuleSetWithoutCodeIsCheckedWithoutCallingLua() throws {
        let (engine, _) = try engine("remonline")
        let hybrid = try #require(try engine.checker(language: "en", catalog: Self.catalog(), options: RuleOptions()) as? HybridRowChecker)
        let checked = try hybrid.check(Self.batch(count: 1_000, seed: 1))
        #expect(checked.errors.joined().count > 100)
        #expect(hybrid.luaCalls == 0)
    }

    @Test func aRuleSetWithCodeEntersLuaOncePerBatch() throws {
        let (engine, _) = try engine("coded")
        let hybrid = try #require(try engine.checker(language: "en", catalog: Self.catalog(), options: RuleOptions()) as? HybridRowChecker)
        _ = try hybrid.check(Self.batch(count: 1_000, seed: 2))
        _ = try hybrid.check(Self.batch(count: 1_000, seed: 3, firstRow: 1_002))
        #expect(hybrid.luaCalls == 2)
    }

    /// A batch every row of which passes the stock checks, whose text columns hold their cells
    /// as they are (sent to Lua as the cells themselves, `{ cells = true }`) and whose other
    /// columns hold converted values (money, yes/no, phones, a date): row i's name is "Name<row>".
    static func cleanBatch(count: Int, firstRow: Int) -> TextBatch {
        var batch = TextBatch(keys: keys, customNames: ["Birthday"])
        for row in firstRow..<(firstRow + count) {
            batch.append(row: row, texts: ["name": "Name\(row)", "address": "Street \(row)", "notes": row % 3 == 0 ? "" : "note \(row)",
                                           "phone": "+33 6 12 34 56 \(10 + row % 90)", "juridical": row % 2 == 0 ? "Yes" : "",
                                           "balance": row % 5 == 0 ? "1 000,50" : "", "email": "c\(row)@example.fr"],
                         custom: ["Birthday": row % 4 == 0 ? "12.03.1985" : ""])
        }
        return batch
    }

    /// Rows whose columns reach Lua as their cells give what the all-Lua reference gives, and the
    /// rule set's code reads each row's own values.
    @Test func columnsSentAsTheirCellsGiveWhatTheLuaEngineGives() throws {
        let (engine, _) = try engine("coded")
        let hybrid = try #require(try engine.checker(language: "en", catalog: Self.catalog(), options: RuleOptions()) as? HybridRowChecker)
        let reference = try engine.luaChecker(language: "en", catalog: Self.catalog(), options: RuleOptions())
        for (seed, firstRow) in [(UInt64(1), 2), (2, 1_002)] {
            let batch = Self.cleanBatch(count: 1_000, firstRow: firstRow)
            let checked = try hybrid.check(batch)
            expectSame(checked, try reference.check(batch), seed: seed)
            #expect(checked.errors.allSatisfy { $0.isEmpty })
        }
    }

    /// The rule set's code gets each column's typed values as Lua values (a boolean, a list of
    /// numbers, a trimmed text with its bytes as they were, nil for none) without the cells, and
    /// what it reports names the cell as given, fetched from the host only then: the same
    /// values, messages and problems as the all-Lua reference, in every batch.
    @Test func theRuleSetsCodeReadsTypedValuesAndReportsTheCellsAsGiven() throws {
        let folder = try TemporaryDirectory()
        try folder.write("rules/reporter/ruleset.lua", """
            local base = require("remonline.ruleset")
            local rules = require("lib.rules")
            local function shape(value)
              if type(value) == "table" then return "list of " .. #value end
              if type(value) == "string" then return "text of " .. #value .. " bytes" end
              return tostring(value)
            end
            return rules.extend(base, {
              name = "reporter",
              messages = { en = { seen = "{column} was {value}, read as {what}" } },
              columns = {
                name = { validate = function(name, ctx)
                  if #name > 4 then ctx.warn("supplier", "seen", { what = shape(name) }) end
                end },
              },
              validate_row = function(row, ctx)
                for _, key in ipairs({ "name", "phone", "supplier", "juridical", "balance", "discount_goods", "email", "notes" }) do
                  ctx.error(key, "seen", { what = shape(row[key]) })
                end
                ctx.warn("Birthday", "seen", { what = shape(row.custom.Birthday) })
                ctx.warn("no_such_column", "seen", { what = "nothing" })
              end,
            })
            """)
        let engine = try RuleEngine(ruleSet: "reporter", searchPath: SearchPath(roots: [folder.path, repositoryRoot]))
        let hybrid = try #require(try engine.checker(language: "en", catalog: Self.catalog(), options: RuleOptions()) as? HybridRowChecker)
        let reference = try engine.luaChecker(language: "en", catalog: Self.catalog(), options: RuleOptions())
        var sawCanonicalTwin = false
        for (seed, firstRow) in [(UInt64(5), 2), (6, 1_002)] {
            var batch = Self.batch(count: 400, seed: seed, firstRow: firstRow)
            // Canonically equal to " Zoé " but other bytes (e + combining accent): the typed value
            // keeps its 5 bytes (precomposed it would be 4), the report names the cell untrimmed.
            batch.append(row: firstRow + 400, texts: ["name": " Zoe\u{301} ", "supplier": "Oui", "phone": "06 12 34 56 78, 01 40 00 00 00"],
                         custom: ["Birthday": "12.03.1985"])
            let checked = try hybrid.check(batch)
            expectSame(checked, try reference.check(batch), seed: seed)
            let last = checked.errors[400].map(\.message)
            #expect(last.contains("name was  Zoe\u{301} , read as text of 5 bytes"), "\(last)")
            #expect(last.contains("supplier was Oui, read as true"), "\(last)")
            #expect(last.contains("phone was 06 12 34 56 78, 01 40 00 00 00, read as list of 2"), "\(last)")
            #expect(last.contains("balance was , read as nil"), "\(last)")
            sawCanonicalTwin = sawCanonicalTwin || checked.warnings[400].contains { $0.key == "Birthday" && $0.message.contains("text of 10 bytes") }
        }
        #expect(sawCanonicalTwin)
        #expect(hybrid.luaCalls == 2)
    }

    /// A rule set's `validate` and `validate_row` never see another row's values: each row gets
    /// its own row table, custom table and `ctx`, and what the code kept of earlier rows (or wrote
    /// into them) stays as it was, across the rows of a batch and across batches.
    @Test func theRuleSetsCodeSeesOnlyItsOwnRow() throws {
        let folder = try TemporaryDirectory()
        try folder.write("rules/keeper/ruleset.lua", """
            local base = require("remonline.ruleset")
            local rules = require("lib.rules")
            local kept = {} -- rows, ctx and the values they had, from earlier rows
            local function leaked(row, ctx)
              if row.name ~= "Name" .. ctx.row or row.address ~= "Street " .. ctx.row then return true end
              if row.touched or row.custom.touched or ctx.touched then return true end
              for _, earlier in ipairs(kept) do
                if earlier.row.name ~= earlier.name or earlier.ctx.row ~= earlier.number
                   or earlier.row.custom.Birthday ~= earlier.birthday or not earlier.row.touched then return true end
              end
              return false
            end
            return rules.extend(base, {
              name = "keeper",
              columns = {
                name = { validate = function(name, ctx)
                  if name ~= "Name" .. ctx.row or ctx.touched then return false, "invalid" end
                end },
              },
              validate_row = function(row, ctx)
                if leaked(row, ctx) then ctx.error("name", "invalid") end
                row.touched, row.custom.touched, ctx.touched = true, true, true
                if ctx.row % 50 == 0 then
                  kept[#kept + 1] = { row = row, ctx = ctx, name = row.name, number = ctx.row, birthday = row.custom.Birthday }
                end
              end,
            })
            """)
        let engine = try RuleEngine(ruleSet: "keeper", searchPath: SearchPath(roots: [folder.path, repositoryRoot]))
        let hybrid = try #require(try engine.checker(language: "en", catalog: Self.catalog(), options: RuleOptions()) as? HybridRowChecker)
        let reference = try engine.luaChecker(language: "en", catalog: Self.catalog(), options: RuleOptions())
        for checker in [hybrid, reference] as [any RowChecking] {
            for firstRow in [2, 1_002] {
                let checked = try checker.check(Self.cleanBatch(count: 1_000, firstRow: firstRow))
                let failed = checked.errors.enumerated().filter { !$0.element.isEmpty }.map { firstRow + $0.offset }
                #expect(failed.isEmpty, "\(type(of: checker)): rows \(failed.prefix(10)) saw another row's values")
            }
        }
        #expect(hybrid.luaCalls == 2)
    }

    /// `validate_row`'s row and `ctx` (lazy tables in `engine.code_checker`) behave as the plain
    /// tables of the all-Lua reference for everything a rule set can do with them: read, write,
    /// `pairs`, `next`, `#`, `rawget`, `rawset`, `getmetatable`, `setmetatable`, `tostring`,
    /// `ipairs`, and read a row kept from an earlier batch. Each row takes one path (by its
    /// number), so every path starts from a fresh row, and reports what it saw.
    @Test func theRuleSetsRowsAndCtxBehaveAsPlainTables() throws {
        let folder = try TemporaryDirectory()
        try folder.write("rules/prober/ruleset.lua", """
            local base = require("remonline.ruleset")
            local rules = require("lib.rules")
            local function show(v)
              if type(v) == "table" then return "table#" .. #v end
              if type(v) == "function" then return "function" end
              return tostring(v)
            end
            local function describe(t)
              local parts = {}
              for k, v in pairs(t) do parts[#parts + 1] = tostring(k) .. "=" .. show(v) end
              table.sort(parts)
              return table.concat(parts, ",")
            end
            local kept = {}
            local probes = {
              function(row, ctx) return describe(row) .. " custom " .. describe(row.custom) end,
              function(row, ctx)
                local k = next(row)
                return tostring(k ~= nil) .. " " .. tostring(next(row.custom) ~= nil) .. " " .. show(row.name) .. " " .. tostring(getmetatable(row))
              end,
              function(row, ctx)
                return show(rawget(row, "name")) .. " " .. show(rawget(row, "phone")) .. " " .. show(rawget(row, "custom")) .. " " .. show(rawget(row, "nothing"))
              end,
              function(row, ctx)
                local n = 0
                for _ in ipairs(row) do n = n + 1 end
                return #row .. " " .. show(row[1]) .. " " .. n .. " " .. tostring(tostring(row):find("^table: ") ~= nil) .. " " .. type(row)
                  .. " " .. tostring(row.phone == row.phone and row.custom == row.custom) .. " " .. show(row.phone) .. " " .. show(row.phone[1])
              end,
              function(row, ctx)
                row.name, row.email, row[1], row.extra = nil, "changed", "first", true
                row.custom.added = "x"
                return describe(row) .. " " .. #row .. " custom " .. describe(row.custom)
              end,
              function(row, ctx)
                local before = getmetatable(row)
                setmetatable(row, { __index = function(_, key) return "meta:" .. key end })
                return tostring(before) .. " " .. show(row.name) .. " " .. row.nosuch .. " " .. show(row.balance)
              end,
              function(row, ctx)
                rawset(row, "name", nil)
                rawset(row, "more", 1)
                return show(row.name) .. " " .. show(row.more) .. " " .. describe(row)
              end,
              function(row, ctx)
                local same = ctx.error == ctx.error and ctx.warn == ctx.warn and ctx.message == ctx.message
                local first = describe(ctx)
                ctx.touched = true
                return tostring(same) .. " " .. first .. " then " .. describe(ctx) .. " " .. ctx.message("seen", { what = "m" })
              end,
              function(row, ctx)
                ctx.row = nil
                return show(ctx.row) .. " " .. tostring(next(ctx) ~= nil) .. " " .. show(rawget(ctx, "language")) .. " " .. tostring(getmetatable(ctx))
              end,
              function(row, ctx)
                local seen = {}
                for _, old in ipairs(kept) do
                  seen[#seen + 1] = show(old.row.name) .. "/" .. show(old.row.phone) .. "/" .. show(old.row.custom.Birthday) .. "/" .. show(old.ctx.row)
                end
                return table.concat(seen, ";")
              end,
            }
            return rules.extend(base, {
              name = "prober",
              messages = { en = { seen = "{what}" } },
              validate_row = function(row, ctx)
                if ctx.row % 97 == 0 then kept[#kept + 1] = { row = row, ctx = ctx } end
                local probe = probes[ctx.row % #probes + 1]
                ctx.warn("name", "seen", { what = probe(row, ctx) })
              end,
            })
            """)
        // Two engines, so each checker's rule set keeps its own rows.
        let searchPath = SearchPath(roots: [folder.path, repositoryRoot])
        let hybrid = try #require(try RuleEngine(ruleSet: "prober", searchPath: searchPath)
            .checker(language: "en", catalog: Self.catalog(), options: RuleOptions()) as? HybridRowChecker)
        let reference = try RuleEngine(ruleSet: "prober", searchPath: searchPath)
            .luaChecker(language: "en", catalog: Self.catalog(), options: RuleOptions())
        for (seed, firstRow) in [(UInt64(7), 2), (8, 1_002), (9, 2_002)] {
            let batch = Self.cleanBatch(count: 1_000, firstRow: firstRow)
            let checked = try hybrid.check(batch)
            expectSame(checked, try reference.check(batch), seed: seed)
            let seen = checked.warnings.joined().map(\.message)
            #expect(seen.count == 1_000)
            // Not vacuous: the probes saw values, writes, metatables and the kept rows.
            #expect(seen.contains { $0.contains("email=c\(firstRow + 8)@example.fr") })
            #expect(seen.contains { $0.contains("1=first") && $0.contains("email=changed") && $0.contains("custom added=x") })
            #expect(seen.contains { $0.hasPrefix("nil ") && $0.contains("meta:nosuch") })
            #expect(seen.contains { $0.contains("then") && $0.contains("touched=true") })
            #expect(seen.contains { $0.hasPrefix("0 nil 0 true table true table#1 336123456") })
            if firstRow > 2 { #expect(seen.contains { $0.contains("Name97/table#1/nil/97") }) }
        }
        #expect(hybrid.luaCalls == 3)
    }

    /// A rule set that makes every row and `ctx` whole (`pairs`, writes) gets plain tables after
    /// a batch of lazy ones, tries lazy ones again later, and sees the same all along, rows kept
    /// across the switches included.
    @Test func aRuleSetThatMakesEveryRowWholeSeesTheSameThroughTheSwitches() throws {
        let folder = try TemporaryDirectory()
        try folder.write("rules/walker/ruleset.lua", """
            local base = require("remonline.ruleset")
            local rules = require("lib.rules")
            local kept = {}
            return rules.extend(base, {
              name = "walker",
              messages = { en = { seen = "{what}" } },
              validate_row = function(row, ctx)
                local parts = {}
                for k, v in pairs(row) do parts[#parts + 1] = k .. "=" .. (type(v) == "table" and "#" .. #v or tostring(v)) end
                table.sort(parts)
                ctx.walked = true
                local old = {}
                for _, earlier in ipairs(kept) do old[#old + 1] = tostring(earlier.row.name) .. "/" .. tostring(earlier.ctx.row) end
                if ctx.row % 37 == 0 then kept[#kept + 1] = { row = row, ctx = ctx } end
                ctx.warn("name", "seen", { what = table.concat(parts, ",") .. " " .. tostring(rawget(ctx, "walked")) .. " " .. table.concat(old, ";") })
              end,
            })
            """)
        let searchPath = SearchPath(roots: [folder.path, repositoryRoot])
        let hybrid = try #require(try RuleEngine(ruleSet: "walker", searchPath: searchPath)
            .checker(language: "en", catalog: Self.catalog(), options: RuleOptions()) as? HybridRowChecker)
        let reference = try RuleEngine(ruleSet: "walker", searchPath: searchPath)
            .luaChecker(language: "en", catalog: Self.catalog(), options: RuleOptions())
        // 20 batches: lazy, then plain for 15, then lazy again, then plain.
        for batchNumber in 0..<20 {
            let batch = Self.cleanBatch(count: 40, firstRow: 2 + 40 * batchNumber)
            let checked = try hybrid.check(batch)
            expectSame(checked, try reference.check(batch), seed: UInt64(batchNumber))
            #expect(checked.warnings.joined().allSatisfy { $0.message.contains("email=c") && $0.message.contains(" true") })
        }
        #expect(hybrid.luaCalls == 20)
    }

    @Test func anErrorInTheRuleSetsCodeNamesTheRowsAndTheFile() throws {
        let folder = try TemporaryDirectory()
        let file = try folder.write("rules/broken/ruleset.lua", """
            local base = require("remonline.ruleset")
            local rules = {}
            for k, v in pairs(base) do rules[k] = v end
            rules.name = "broken"
            rules.validate_row = function(row, ctx) if ctx.row == 1500 then error("boom") end end
            return rules
            """)
        let engine = try RuleEngine(ruleSet: "broken", searchPath: SearchPath(roots: [folder.path, repositoryRoot]))
        let checker = try engine.checker(language: "en", catalog: Catalog(), options: RuleOptions())
        var batch = TextBatch(keys: ["name"], customNames: [])
        for row in 1_001...2_000 { batch.append(row: row, texts: ["name": "Jean"], custom: [:]) }
        let error = try #require(throws: RuleError.self) { try checker.check(batch) }
        #expect(error.description.contains("checking rows 1001–2000"), "\(error.description)")
        #expect(error.description.contains("boom"))
        #expect(error.file == file)
    }
}

/// Plugin rows are mapped a batch per call into the plugin's state and checked as one batch:
/// the same clients, problems, row numbers and source cells as one row per call.
@Suite struct PluginBatchTests {
    static let plugin = """
        return {
          name = "batchy",
          detect = function(headers) return headers[1] == "Ref" and 1 or 0 end,
          map = function(row, ctx)
            local ref = tonumber(row["Ref"])
            if ref % 7 == 0 then return clientimport.skip("every seventh") end
            if ref % 11 == 0 then return clientimport.reject("every eleventh") end
            if ref % 5 == 0 then ctx.warn("a note on " .. ref) end
            local client = { name = row["Name"], phone = row["Phone"], email = row["Mail"], discount_goods = ref % 3 == 0 and 150 or 10,
                             juridical = ref % 2 == 0, custom = { Birthday = row["DOB"] } }
            if ref % 4 == 0 then
              return { client, { name = row["Name"] .. " bis", phone = { row["Phone"], "12" }, custom = { Extra = "x" } } }
            end
            return client
          end,
        }
        """

    static func csv(rows: Int) -> String {
        var lines = ["Ref,Name,Phone,Mail,DOB"]
        for ref in 1...rows {
            let phone = ref % 6 == 0 ? "06 12 AB" : "06 12 34 \(10 + ref % 90) 78"
            let mail = ref % 9 == 0 ? "bad@" : "c\(ref)@example.fr"
            let dob = ref % 8 == 0 ? "31/02/1990" : "12.03.1985"
            lines.append("\(ref),Client \(ref),\(phone),\(mail),\(dob)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// What a mapped batch says of each source row, in a form two runs can be compared by.
    static func outline(_ batch: MappedBatch) -> [String] {
        batch.rows.map { row in
            var parts = ["row \(row.number)", "skip \(row.skipReason ?? "-")", "reject \(row.rejectReason ?? "-")", "notes \(row.notes)"]
            for client in row.clients {
                let values = batch.keys.indices.map { "\(batch.keys[$0])=\(batch.checked.fields[$0][client.index])" }
                let custom = batch.customNames.indices.compactMap { c in batch.checked.custom[c][client.index].map { "\(batch.customNames[c])=\($0)" } }
                let problems = (batch.checked.errors[client.index] + batch.checked.warnings[client.index]).map {
                    "\($0.key) \($0.value) \($0.message) at \(client.sources.columns(of: $0))"
                }
                parts.append("client keys \(client.keys) \(values) \(custom) \(problems)")
            }
            return parts.joined(separator: " | ")
        }
    }

    @Test func aBatchOfRowsMapsAndChecksAsRowsOneByOne() throws {
        let folder = try TemporaryDirectory()
        try folder.write("plugins/batchy.lua", Self.plugin)
        let source = try folder.write("batchy.csv", Self.csv(rows: 300))
        let searchPath = SearchPath(roots: [folder.path, repositoryRoot])
        let engine = try RuleEngine(ruleSet: "remonline", searchPath: searchPath)
        let catalog = Catalog(customFields: [CustomFieldDefinition(name: "Birthday", type: .date)])
        func mapper() throws -> (PluginMapper, [(cells: [String], number: Int)]) {
            let rows = try WorkbookFile.openRows(path: source)
            let headers = try #require(try rows.nextRow()).cells.map(\.displayText)
            var all: [(cells: [String], number: Int)] = []
            while let row = try rows.nextRow() { all.append((row.cells.map(\.displayText), row.number)) }
            let checker = try engine.checker(language: "en", catalog: catalog, options: RuleOptions())
            return (try engine.mapper(try engine.plugin("batchy"), checker: checker, headers: headers, options: RuleOptions()), all)
        }
        let (batched, rows) = try mapper()
        let together = Self.outline(try batched.map(rows))
        let (single, _) = try mapper()
        let oneByOne = try rows.flatMap { Self.outline(try single.map([$0])) }
        #expect(together.count == 300)
        #expect(together == oneByOne)
        // Every kind of outcome is there to compare.
        let text = together.joined(separator: "\n")
        for expected in ["skip every seventh", "reject every eleventh", "a note on 5", "is not a phone number", "Extra x ", "is not between 0 and 100", "at [2]"] {
            #expect(text.contains(expected), "\(expected)")
        }
    }

    @Test func anErrorInMapNamesItsRowInTheSecondBatch() throws {
        let folder = try TemporaryDirectory()
        let file = try folder.write("plugins/failing.lua", """
            return {
              name = "failing",
              detect = function() return 0 end,
              map = function(row)
                if row["Ref"] == "1503" then error("cannot map this one") end
                return { name = row["Name"] }
              end,
            }
            """)
        let source = try folder.write("failing.csv", PluginBatchTests.csv(rows: 2_000))
        let fixture = try ImportFixture()
        var options = ImportOptions()
        options.plugin = .named("failing")
        options.rowLimit = .unlimited
        let error = try #require(throws: RuleError.self) {
            try ImportPipeline(store: fixture.store, searchPath: SearchPath(roots: [folder.path, repositoryRoot]), options: options).run(path: source)
        }
        #expect(error.description.contains("plugin failing on row 1504"), "\(error.description)")
        #expect(error.description.contains("cannot map this one"))
        #expect(error.file == file)
        #expect(error.line == 5)
    }

    @Test func aPluginImportOverSeveralBatchesReportsEachRowByItsNumber() throws {
        let fixture = try ImportFixture()
        try fixture.store.addCustomField(.init(name: "Birthday", type: .date))
        try fixture.folder.write("plugins/batchy.lua", Self.plugin)
        let source = try fixture.folder.write("batchy.csv", Self.csv(rows: 2_500))
        var options = ImportOptions()
        options.plugin = .named("batchy")
        options.language = "en"
        options.rowLimit = .unlimited
        options.rules.keepUnmappedAsCustomFields = true
        let report = try ImportPipeline(store: fixture.store, searchPath: SearchPath(roots: [fixture.folder.path, repositoryRoot]),
                                        options: options).run(path: source)
        #expect(report.counts.rows == 2_500)
        // Ref 2,004 (row 2,005) has a phone with letters (a multiple of 6, not of 7 or 11).
        let phone = try #require(report.errors.first { $0.row == 2_005 && $0.column == "Phone" }, "\(report.errors.prefix(5))")
        #expect(phone.cell == "C2005")
        #expect(report.warnings.contains { $0.row == 1_751 && $0.message == "skipped by plugin batchy: every seventh" })
        #expect(report.errors.contains { $0.row == 2_201 && $0.message == "plugin batchy: every eleventh" })
    }
}
