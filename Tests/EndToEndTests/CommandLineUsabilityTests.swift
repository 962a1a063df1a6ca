import ClientBase
import Foundation
import TestSupport
import Testing

/// Issue 17, "The command line": what a user expects of the real binary — `--version`, `-` for
/// standard input and output, JSON failures, `undo` confirmation and dry run, plugin names, and
/// what a rejected import's report claims.
@Suite struct CommandLineUsabilityTests {
    let folder: TemporaryDirectory
    /// The temporary folder the binary is given ($TMPDIR): its private copies go there.
    let scratch: TemporaryDirectory
    var database: String { folder.file("clients.sqlite") }
    let example = "\(repositoryRoot)/examples/clients.fr.xlsx"

    init() throws {
        folder = try TemporaryDirectory()
        scratch = try TemporaryDirectory()
    }

    @discardableResult
    func clientimport(_ arguments: [String], input: String? = nil, environment: [String: String] = [:]) throws -> ProcessResult {
        var merged = ["CLIENTIMPORT_DB": database, "TMPDIR": scratch.path]
        for (key, value) in environment { merged[key] = value }
        return try runProcess(clientimportBinary(), arguments, environment: merged, currentDirectory: folder.path, input: input)
    }

    @discardableResult
    func clientimport(_ arguments: String..., input: String? = nil, environment: [String: String] = [:]) throws -> ProcessResult {
        try clientimport(arguments, input: input, environment: environment)
    }

    /// A shell command line with the binary as `$CI`, for redirections of binary files.
    func shell(_ script: String) throws -> ProcessResult {
        try runProcess("/bin/sh", ["-c", script], environment: ["CI": clientimportBinary(), "CLIENTIMPORT_DB": database, "TMPDIR": scratch.path],
                       currentDirectory: folder.path)
    }

    func json(_ text: String) -> [String: Any]? {
        try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
    }

    func scratchIsEmpty() throws -> Bool {
        try FileManager.default.contentsOfDirectory(atPath: scratch.path).isEmpty
    }

    static let header = "ID client;Nom;Numéro de téléphone;Adresse;Email;Prénom;Entreprise;Fournisseur;Déçu;Notes;Source marketing;Carte de réduction;Réduction sur les produits dans les ventes;Réduction sur les services dans les commandes et factures;Remise sur les produits/matériaux dans la commande et la facture;Réduction sur les services en ventes (type de prix);Réduction sur les services dans les commandes et factures (type de prix);Solde"

    // MARK: --version

    @Test func versionPrintsTheOneConstantTheReleaseBumps() throws {
        let source = try String(contentsOfFile: "\(repositoryRoot)/Sources/clientimport/Version.swift", encoding: .utf8)
        let declared = source.split(separator: "\"").dropFirst().first.map(String.init)
        let result = try clientimport("--version")
        #expect(result.status == 0)
        #expect(declared != nil)
        #expect(result.standardOutput == (declared ?? "?") + "\n")
    }

    // MARK: - as standard input and output

    @Test func importReadsStandardInputAndTheJournalNamesIt() throws {
        let csv = Self.header + "\n;Paul;33600000001;;;;;;;;;;;;;;;12,50\n"
        let result = try clientimport("import", "-", "--format", "json", input: csv)
        #expect(result.status == 0, "\(result.standardError)")
        #expect(json(result.standardOutput)?["created"] as? Int == 1)
        let history = try clientimport("history", "--format", "json")
        #expect(history.standardOutput.contains("\"file\":\"(standard input)\""))
        #expect(try scratchIsEmpty(), "the private copy of standard input was left behind")
        #expect(!FileManager.default.fileExists(atPath: folder.file("-")))
    }

    @Test func aRejectedImportFromStandardInputLeavesNoCopyBehind() throws {
        let csv = Self.header + "\n;;33600000001;;;;;;;;;;;;;;;\n"
        let result = try clientimport("import", "-", input: csv)
        #expect(result.status == 1)
        #expect(result.standardOutput.contains("Rejected (standard input)"))
        #expect(try scratchIsEmpty())
        // A reading error names standard input, not the private copy.
        let broken = try clientimport("inspect", "-", input: "a,b\n\"unclosed\n")
        #expect(broken.status == 65)
        #expect(broken.standardError.hasPrefix("clientimport: (standard input), row 2: a quoted field"), "\(broken.standardError)")
        #expect(!broken.standardError.contains(scratch.path))
        let empty = try clientimport("import", "-", input: "")
        #expect(empty.status != 0 || empty.standardOutput.contains("0 rows"))
        #expect(try scratchIsEmpty())
    }

    @Test func aWorkbookOnStandardInputIsReadLikeTheFile() throws {
        let piped = try shell("\"$CI\" import - --dry-run --format json < '\(example)'")
        let named = try clientimport("import", example, "--dry-run", "--format", "json")
        #expect(piped.status == 0, "\(piped.standardError)")
        #expect(json(piped.standardOutput)?["created"] as? Int == 5)
        #expect(json(piped.standardOutput)?["balance_corrections"] as? Int == json(named.standardOutput)?["balance_corrections"] as? Int)
        let inspected = try shell("\"$CI\" inspect - < '\(example)'")
        #expect(inspected.status == 0)
        #expect(inspected.standardOutput == (try clientimport("inspect", example)).standardOutput)
        #expect(try scratchIsEmpty())
    }

    @Test func exportToStandardOutputWritesTheCSVAndNoFileNamedDash() throws {
        #expect(try clientimport("import", example).status == 0)
        let piped = try clientimport("export", "-o", "-", "--lang", "fr")
        #expect(piped.status == 0, "\(piped.standardError)")
        #expect(piped.standardError.contains("Exported 5 clients to standard output."))
        let file = folder.file("clients.csv")
        #expect(try clientimport("export", "-o", file, "--lang", "fr").status == 0)
        #expect(Data(piped.standardOutput.utf8) == (try Data(contentsOf: URL(fileURLWithPath: file))))
        #expect(!FileManager.default.fileExists(atPath: folder.file("-")))
        #expect(try scratchIsEmpty())
        // What went out imports back unchanged.
        let again = try clientimport("import", "-", "--format", "json", input: piped.standardOutput)
        #expect(json(again.standardOutput)?["unchanged"] as? Int == 5, "\(again.standardOutput)\(again.standardError)")
    }

    @Test func templateAndConvertWriteOneWorkbookToStandardOutput() throws {
        let template = try shell("\"$CI\" template --lang fr -o - > piped.xlsx")
        #expect(template.status == 0, "\(template.standardError)")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: folder.file("piped.xlsx")))
        #expect(bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]))
        #expect(try clientimport("inspect", folder.file("piped.xlsx")).standardOutput.hasPrefix("ID client\tNom"))
        let converted = try shell("\"$CI\" convert '\(example)' --lang fr -o - > converted.xlsx")
        #expect(converted.status == 0, "\(converted.standardError)")
        #expect(converted.standardError.contains("Wrote 5 clients to standard output."))
        let check = try clientimport("import", folder.file("converted.xlsx"), "--dry-run", "--format", "json")
        #expect(json(check.standardOutput)?["created"] as? Int == 5)
        // Two parts do not fit standard output: refused, nothing printed.
        let split = try clientimport("convert", example, "--rows-per-file", "2", "-o", "-")
        #expect(split.status == 64)
        #expect(split.standardOutput.isEmpty)
        #expect(split.standardError.contains("-o OUT.xlsx"))
        #expect(!FileManager.default.fileExists(atPath: folder.file("-")))
        #expect(try scratchIsEmpty())
    }

    /// A workbook is not written onto a terminal (a pseudo-terminal from `script`).
    @Test func aWorkbookIsNotWrittenToATerminal() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/script") else { return }
        let result = try runProcess("/usr/bin/script", ["-qec", "'\(clientimportBinary())' template -o -; echo status=$?", "/dev/null"],
                                    environment: ["CLIENTIMPORT_DB": database], currentDirectory: folder.path)
        #expect(result.standardOutput.contains("which is a terminal here"), "\(result.standardOutput)")
        #expect(result.standardOutput.contains("status=64"))
        #expect(!result.standardOutput.contains("PK"))
    }

    @Test func aFailedExportToStandardOutputPrintsNothingThere() throws {
        #expect(try clientimport("import", example).status == 0)
        let brokenRules = try folder.write("broken/ruleset.lua", "return { name = 'broken', columns = }")
        let failed = try clientimport("export", "-o", "-", "--rules", brokenRules)
        #expect(failed.status == 78)
        #expect(failed.standardOutput.isEmpty)
    }

    // MARK: --format json on failure

    @Test func jsonFailuresAreOneObjectOnStandardOutputWithTheTextOnStandardError() throws {
        func failure(_ result: ProcessResult, _ kind: String, _ code: Int32) {
            #expect(result.status == code)
            let object = json(result.standardOutput)
            #expect(object?["error"] as? String == kind, "\(result.standardOutput)")
            #expect(object?["exit_code"] as? Int == Int(code))
            #expect((object?["message"] as? String)?.isEmpty == false)
            #expect(!result.standardError.isEmpty)
        }
        // A usage error argument-parser finds, and one the command finds.
        failure(try clientimport("import", "x.csv", "--max-rows", "-5", "--format", "json"), "usage", 64)
        failure(try clientimport("import", example, "--as", "Nobody", "--format=json"), "usage", 64)
        // No base for a command that only reads.
        failure(try clientimport("clients", "list", "--format", "json"), "storage", 74)
        failure(try clientimport("history", "--format", "json", "--db", folder.file("typo.sqlite")), "storage", 74)
        // A bad rule set.
        let brokenRules = try folder.write("broken/ruleset.lua", "return { name = 'broken', columns = }")
        failure(try clientimport("import", example, "--rules", brokenRules, "--format", "json"), "invalid_rules", 78)
        // A file that is not a workbook.
        let fake = try folder.write("fake.xlsx", "not a zip")
        failure(try clientimport("import", fake, "--format", "json"), "unreadable_input", 65)
        // A rejected file: its report is the one document, with the failure's fields.
        let bad = try folder.write("bad.csv", Self.header + "\n;;33600000002;;;;;;;;;;;;;;;\n")
        let rejected = try clientimport("import", bad, "--format", "json")
        failure(rejected, "rejected", 1)
        #expect(json(rejected.standardOutput)?["status"] as? String == "rejected")
        // A busy base.
        #expect(try clientimport("import", example).status == 0)
        let holder = try SQLiteClientStore(path: database)
        let busy = try holder.transaction(commit: false) {
            try clientimport("import", bad, "--format", "json", environment: ["CLIENTIMPORT_BUSY_TIMEOUT": "0"])
        }
        failure(busy, "busy", 75)
        // Not asked for: no JSON.
        #expect(try clientimport("import", fake).standardOutput.isEmpty)
    }

    // MARK: rejected reports

    @Test func aRejectedReportSaysWhatWouldHaveHappenedNotWhatWasDone() throws {
        // Row 2 would create a client with a balance; row 3 has no name.
        let bad = try folder.write("bad.csv", Self.header + "\n;Paul;33600000001;;;;;;;;;;;;;;;12,50\n;;33600000002;;;;;;;;;;;;;;;\n")
        let result = try clientimport("import", bad, "--format", "json", "--report", folder.file("report.json"))
        #expect(result.status == 1)
        for text in [result.standardOutput, try String(contentsOfFile: folder.file("report.json"), encoding: .utf8)] {
            let report = json(text)
            #expect(report?["status"] as? String == "rejected")
            #expect(report?["created"] as? Int == 0)
            #expect(report?["updated"] as? Int == 0)
            #expect(report?["balance_corrections"] as? Int == 0)
            #expect(report?["would_create"] as? Int == 1, "\(text)")
            #expect(report?["would_correct_balances"] as? Int == 1)
        }
    }

    // MARK: plugins

    @Test func anUnknownPluginIsAUsageErrorListingThePluginsFound() throws {
        let result = try clientimport("import", example, "--plugin", "no-such-plugin")
        #expect(result.status == 64)
        #expect(result.standardError.contains("no plugin named \"no-such-plugin\""))
        #expect(result.standardError.contains("google-contacts"))
        #expect(!FileManager.default.fileExists(atPath: database), "a mistyped plugin created a base")
        let path = try clientimport("convert", example, "--plugin", "./nowhere.lua", "-o", folder.file("out.xlsx"))
        #expect(path.status == 64)
        #expect(path.standardError.contains("vcard"))
    }

    // MARK: undo

    @Test func undoDryRunCountsAndChangesNothing() throws {
        #expect(try clientimport("import", example).status == 0)
        let before = try Data(contentsOf: URL(fileURLWithPath: database))
        let dry = try clientimport("undo", "1", "--dry-run")
        #expect(dry.status == 0, "\(dry.standardError)")
        #expect(dry.standardOutput.contains("5 clients restored or removed, 3 balance corrections reversed; nothing was changed"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: database)) == before)
        // Refusals are the undo's own.
        #expect(try clientimport("undo", "9", "--dry-run").status == 1)
        // Not on a terminal: no question (scripts keep working); --yes is accepted.
        let done = try clientimport("undo", "1", "--yes")
        #expect(done.status == 0, "\(done.standardError)")
        #expect(done.standardOutput.contains("Undid batch 1"))
        #expect(try clientimport("undo", "1", "--dry-run").standardError.contains("undone already"))
    }

    @Test func undoOnAMissingBaseCreatesNone() throws {
        let result = try clientimport("undo", "1")
        #expect(result.status == 74)
        #expect(!FileManager.default.fileExists(atPath: database))
    }

    /// On a terminal (a pseudo-terminal from `script`), undo asks, and anything but yes keeps
    /// the batch.
    @Test func undoAsksOnATerminal() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/script") else { return }
        #expect(try clientimport("import", example).status == 0)
        let command = "'\(clientimportBinary())' undo 1"
        let declined = try runProcess("/usr/bin/script", ["-qec", command, "/dev/null"],
                                      environment: ["CLIENTIMPORT_DB": database], currentDirectory: folder.path, input: "n\n")
        #expect(declined.standardOutput.contains("Undo batch 1 (5 clients restored or removed"), "\(declined.standardOutput)")
        #expect(declined.standardOutput.contains("Nothing was undone."))
        #expect(try clientimport("history", "--format", "json").standardOutput.contains("\"state\":\"imported\""))
        let accepted = try runProcess("/usr/bin/script", ["-qec", command, "/dev/null"],
                                      environment: ["CLIENTIMPORT_DB": database], currentDirectory: folder.path, input: "y\n")
        #expect(accepted.standardOutput.contains("Undid batch 1"), "\(accepted.standardOutput)")
    }

    // MARK: CSV for the user's own Excel

    @Test func csvExportsDefaultToExcelsDelimiterAndDecimalSeparatorForTheLanguage() throws {
        #expect(try clientimport("import", example).status == 0)
        func exported(_ arguments: String...) throws -> [String] {
            let result = try runProcess(clientimportBinary(), ["export", "-o", "-"] + arguments, environment: ["CLIENTIMPORT_DB": database])
            #expect(result.status == 0, "\(result.standardError)")
            return result.standardOutput.components(separatedBy: "\r\n")
        }
        // Client 2 has a balance of -250.5.
        let french = try exported("--lang", "fr")
        #expect(french[0].hasPrefix("\u{FEFF}ID client;Nom;"))
        #expect(french[2].hasSuffix(";-250,5"))
        #expect(french[2].contains(";33145678901, 33612340000;"))
        for language in ["ru", "uk"] { #expect(try exported("--lang", language)[2].hasSuffix(";-250,5")) }
        let english = try exported("--lang", "en")
        #expect(english[0].hasPrefix("\u{FEFF}Client ID,Name,"))
        #expect(english[2].hasSuffix(",-250.5"))
        // Chosen: a tab, a point, the sep= line.
        let chosen = try exported("--lang", "fr", "--delimiter", "tab", "--no-decimal-comma", "--sep-line")
        #expect(chosen[0] == "\u{FEFF}sep=\t")
        #expect(chosen[3].hasSuffix("\t-250.5"))
        let commaAndComma = try exported("--lang", "en", "--decimal-comma")
        #expect(commaAndComma[2].hasSuffix(",\"-250,5\""))
        // Each imports back as no change.
        for (name, arguments) in [("fr.csv", ["--lang", "fr", "--sep-line"]), ("en.csv", ["--lang", "en", "--decimal-comma"]),
                                  ("tab.csv", ["--lang", "ru", "--delimiter", "tab"])] {
            #expect(try clientimport(["export", "-o", folder.file(name)] + arguments).status == 0)
            let again = try clientimport("import", folder.file(name), "--format", "json")
            #expect(json(again.standardOutput)?["unchanged"] as? Int == 5, "\(name): \(again.standardOutput)")
        }
        // Not CSV, or not a delimiter: usage errors, nothing written.
        #expect(try clientimport("export", "-o", folder.file("x.xlsx"), "--delimiter", ";").status == 64)
        #expect(try clientimport("export", "-o", folder.file("x.csv"), "--delimiter", "x").status == 64)
        #expect(!FileManager.default.fileExists(atPath: folder.file("x.xlsx")))
        #expect(!FileManager.default.fileExists(atPath: folder.file("x.csv")))
    }

    @Test func convertWritesExcelStyleCSVParts() throws {
        let result = try clientimport("convert", example, "--lang", "fr", "--rows-per-file", "3", "-o", folder.file("parts.csv"), "--sep-line")
        #expect(result.status == 0, "\(result.standardError)")
        let first = try String(contentsOfFile: folder.file("parts-1.csv"), encoding: .utf8)
        #expect(first.contains("sep=;\r\nID client;Nom;"))
        #expect(first.contains(";-250,5\r\n"))
        #expect(FileManager.default.fileExists(atPath: folder.file("parts-2.csv")))
        #expect(try clientimport("convert", example, "-o", folder.file("p.xlsx"), "--decimal-comma").status == 64)
    }

    // MARK: phones

    func warnings(_ result: ProcessResult) -> [[String: Any]] {
        json(result.standardOutput)?["warnings"] as? [[String: Any]] ?? []
    }

    @Test func nationalNumbersWithoutACountryCodeGetOneSummaryWarning() throws {
        let csv = try folder.write("national.csv", Self.header + """

            ;Paul;0600000001;;;;;;;;;;;;;;;
            ;Anne;0600000002, 0140000000;;;;;;;;;;;;;;;
            ;Marc;33600000003;;;;;;;;;;;;;;;
            """)
        let plain = try clientimport("import", csv, "--dry-run", "--format", "json")
        let national = warnings(plain).filter { ($0["message"] as? String)?.contains("--phone-country-code") == true }
        #expect(national.count == 1, "\(plain.standardOutput)")
        #expect(national.first?["row"] as? Int == 2)
        #expect((national.first?["message"] as? String)?.hasPrefix("3 ") == true)
        let converted = try clientimport("import", csv, "--dry-run", "--format", "json", "--phone-country-code", "33")
        #expect(converted.status == 0)
        #expect(!converted.standardOutput.contains("--phone-country-code"))
    }

    @Test func aPhoneThatLostItsLeadingZeroWarns() throws {
        let csv = try folder.write("first.csv", Self.header + "\n;Paul;0612345678, 33100000000;;;;;;;;;;;;;;;\n")
        #expect(try clientimport("import", csv, "--phone-country-code", "33").status == 0)
        // The base now has 33612345678; give it a national number to lose.
        let second = try folder.write("second.csv", Self.header + "\n1;Paul;0612345678, 33100000000;;;;;;;;;;;;;;;\n")
        #expect(try clientimport("import", second).status == 0)
        // What Excel does to the column: 0612345678 becomes 612345678.
        let excel = try folder.write("excel.csv", Self.header + "\n1;Paul;612345678, 33100000000;;;;;;;;;;;;;;;\n")
        let result = try clientimport("import", excel, "--dry-run", "--format", "json")
        let lost = warnings(result).filter { ($0["message"] as? String)?.contains("0612345678") == true }
        #expect(lost.count == 1, "\(result.standardOutput)")
        #expect(lost.first?["cell"] as? String == "C2")
        #expect(lost.first?["value"] as? String == "612345678")
        // A number that is not one of the client's minus a 0 does not.
        let other = try folder.write("other.csv", Self.header + "\n1;Paul;712345678, 33100000000;;;;;;;;;;;;;;;\n")
        #expect(!(try clientimport("import", other, "--dry-run", "--format", "json")).standardOutput.contains("leading 0"))
    }

    // MARK: read-only commands

    @Test func commandsThatOnlyReadNeverCreateABase() throws {
        let typo = folder.file("clinets.sqlite")
        for command in [["clients", "list"], ["clients", "show", "1"], ["history"], ["export", "-o", folder.file("e.xlsx")],
                        ["export", "-o", "-"], ["settings", "list"], ["roles", "list"], ["employees", "list"], ["undo", "1"],
                        ["undo", "1", "--dry-run"]] {
            let result = try clientimport(command + ["--db", typo])
            #expect(result.status == 74, "\(command)")
            #expect(result.standardError.contains("clientimport import FILE --db"), "\(command): \(result.standardError)")
            #expect(!FileManager.default.fileExists(atPath: typo), "\(command) created a base")
        }
        // template writes a new base's template without one, and creates none.
        #expect(try clientimport(["template", "-o", folder.file("t.xlsx"), "--db", typo]).status == 0)
        #expect(!FileManager.default.fileExists(atPath: typo))
    }
}
