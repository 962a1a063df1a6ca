import Foundation
import TestSupport
import Testing

/// Issue 16, the writing side, through the real binary: no output lands on the base, the input,
/// a device, a pipe or a folder (exit 73, nothing written, nothing imported); outputs honour the
/// umask and long names; commands that only read open the base read-only and never create it;
/// terminal text is escaped.
@Suite struct OutputSafetyTests: BinaryInFolder {
    let folder: TemporaryDirectory
    let example = "\(repositoryRoot)/examples/clients.fr.xlsx"

    init() throws {
        folder = try TemporaryDirectory()
    }

    func bytes(_ path: String) -> Data? { FileManager.default.contents(atPath: path) }

    /// The base after an import, with its journal files checkpointed away.
    func seededBase() throws {
        let imported = try clientimport("import", example)
        #expect(imported.status == 0, "\(imported.standardError)")
    }

    @Test(.timeLimit(.minutes(2))) func noCommandWritesOntoTheBase() throws {
        try seededBase()
        try FileManager.default.createSymbolicLink(atPath: folder.file("link.xlsx"), withDestinationPath: "clients.sqlite")
        try FileManager.default.createSymbolicLink(atPath: folder.file("link.json"), withDestinationPath: database)
        #expect(link(database, folder.file("hard.csv")) == 0)
        let before = bytes(database)
        var runs: [[String]] = []
        for target in ["clients.sqlite", "./clients.sqlite", database, "out/../clients.sqlite", "link.xlsx", "hard.csv",
                       "clients.sqlite-wal", "clients.sqlite-shm", "clients.sqlite-journal"] {
            runs += [["export", "-o", target], ["template", "-o", target], ["rules", "reference", "-o", target]]
        }
        for target in ["link.xlsx", "link.json", "hard.csv"] { runs.append(["import", example, "--report", target]) }
        runs.append(["convert", example, "-o", "link.xlsx"])
        try FileManager.default.createDirectory(atPath: folder.file("out"), withIntermediateDirectories: true)
        for arguments in runs {
            let result = try clientimport(arguments)
            #expect(result.status == 73, "\(arguments): \(result.status) \(result.standardError)")
            #expect(result.standardError.contains("cannot write here: this is the client base"), "\(arguments): \(result.standardError)")
        }
        #expect(bytes(database) == before)
        let history = try clientimport("history")
        #expect(history.standardOutput.split(separator: "\n").count == 1, "the refused imports imported nothing: \(history.standardOutput)")
    }

    @Test(.timeLimit(.minutes(2))) func noCommandWritesOntoItsInput() throws {
        let input = folder.file("in.xlsx")
        try FileManager.default.copyItem(atPath: example, toPath: input)
        let before = bytes(input)
        try FileManager.default.createSymbolicLink(atPath: folder.file("alias.xlsx"), withDestinationPath: input)
        for arguments in [["import", "in.xlsx", "--report", "./in.xlsx"], ["import", "in.xlsx", "--report", "alias.xlsx"],
                          ["convert", "in.xlsx", "-o", "in.xlsx"], ["convert", "./in.xlsx", "-o", "alias.xlsx"],
                          ["plugins", "new", "mine", "--from", "in.xlsx", "-o", "in.xlsx"]] {
            let result = try clientimport(arguments)
            #expect([73, 64].contains(result.status), "\(arguments): \(result.status) \(result.standardError)")
            #expect(result.standardError.contains("cannot write here") || result.standardError.contains("exists already"),
                    "\(arguments): \(result.standardError)")
        }
        #expect(bytes(input) == before)
        #expect(!FileManager.default.fileExists(atPath: database), "a refused --report is refused before the base is opened")
    }

    /// `convert` checks every part's name before writing the first: the input named like part 2
    /// refuses the conversion and leaves no part 1.
    @Test(.timeLimit(.minutes(2))) func aConvertPartOnTheInputLeavesNoPartBehind() throws {
        let input = folder.file("out-2.xlsx")
        try FileManager.default.copyItem(atPath: example, toPath: input)
        let result = try clientimport("convert", "out-2.xlsx", "-o", "out.xlsx", "--rows-per-file", "2")
        #expect(result.status == 73, "\(result.standardError)")
        #expect(result.standardError.contains("the file being imported"), "\(result.standardError)")
        #expect(!FileManager.default.fileExists(atPath: folder.file("out-1.xlsx")))
        #expect(bytes(input) == bytes(example))
    }

    @Test(.timeLimit(.minutes(2))) func devicesPipesAndFoldersAreRefusedWithoutHanging() throws {
        try seededBase()
        #expect(mkfifo(folder.file("pipe.xlsx"), 0o600) == 0)
        try FileManager.default.createDirectory(atPath: folder.file("out"), withIntermediateDirectories: true)
        for (target, expected) in [("/dev/null", "device"), ("/dev/stdout", "device"), ("pipe.xlsx", "pipe"), ("out", "folder"),
                                   ("nowhere/x.xlsx", "does not exist")] {
            for arguments in [["export", "-o", target], ["template", "-o", target], ["rules", "reference", "-o", target]] {
                let result = try clientimport(arguments)
                #expect(result.status == 73, "\(arguments): \(result.status) \(result.standardError)")
                #expect(result.standardError.contains(expected), "\(arguments): \(result.standardError)")
            }
        }
        let stdout = try clientimport("export", "-o", "/dev/stdout")
        #expect(stdout.standardError.contains("name a regular file"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.file("out")).isEmpty)
    }

    /// A file the process cannot create is 73 (EX_CANTCREAT), not 65 (bad input): a folder the
    /// user cannot write to.
    @Test(.timeLimit(.minutes(2))) func anUnwritableFolderIsExit73() throws {
        try seededBase()
        let locked = folder.file("locked")
        try FileManager.default.createDirectory(atPath: locked, withIntermediateDirectories: true)
        chmod(folder.path, 0o755)
        chmod(database, 0o644)
        chmod(locked, 0o555)
        let result = try runUnprivileged(["export", "-o", "\(locked)/out.xlsx", "--db", database])
        #expect(result.status == 73, "\(result.standardError)")
        #expect(result.standardError.contains("cannot create a file in"), "\(result.standardError)")
    }

    /// Files are created 0666 minus the umask, as `touch` would: 0600 under 077, 0644 under 022.
    @Test(.timeLimit(.minutes(2))) func outputsHonourTheUmask() throws {
        try seededBase()
        for (mask, expected) in [("077", 0o600), ("022", 0o644), ("027", 0o640)] {
            for (index, command) in [["export"], ["template"], ["export"], ["rules", "reference"]].enumerated() {
                let name = "\(mask)-\(index)" + (index == 2 ? ".csv" : index == 3 ? ".md" : ".xlsx")
                let arguments = command + ["-o", folder.file(name)] + (command[0] == "rules" ? [] : ["--db", database])
                let result = try runProcess("/bin/sh", ["-c", "umask \(mask); exec \"$0\" \"$@\"", clientimportBinary()] + arguments,
                                            currentDirectory: folder.path)
                #expect(result.status == 0, "\(arguments): \(result.standardError)")
                let mode = (try FileManager.default.attributesOfItem(atPath: folder.file(name))[.posixPermissions] as? Int) ?? -1
                #expect(mode == expected, "umask \(mask), \(arguments): \(String(mode, radix: 8))")
            }
        }
    }

    @Test(.timeLimit(.minutes(2))) func aLongOutputNameWorks() throws {
        try seededBase()
        let name = String(repeating: "n", count: 245) + ".xlsx"
        let result = try clientimport("export", "-o", name)
        #expect(result.status == 0, "\(result.standardError)")
        #expect(FileManager.default.fileExists(atPath: folder.file(name)))
        let csv = String(repeating: "c", count: 246) + ".csv"
        #expect(try clientimport("export", "-o", csv).status == 0)
        #expect(try clientimport("import", example, "--report", String(repeating: "r", count: 245) + ".json").status == 0)
    }

    // MARK: Read-only bases

    /// Runs the binary as `nobody` when the tests run as root (root ignores file modes), so a
    /// read-only file or folder really is read-only to it.
    func runUnprivileged(_ arguments: [String]) throws -> ProcessResult {
        if getuid() == 0 {
            return try runProcess("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", clientimportBinary()] + arguments,
                                  currentDirectory: "/")
        }
        return try runProcess(clientimportBinary(), arguments, currentDirectory: "/")
    }

    func readCommandsWork(on base: String, output: String) throws {
        for arguments in [["export", "-o", "\(output)/e.xlsx"], ["export", "-o", "\(output)/e.csv"], ["clients", "list"], ["clients", "show", "1"],
                          ["history"], ["settings", "list"], ["roles", "list"], ["employees", "list"], ["template", "-o", "\(output)/t.xlsx"],
                          ["clients", "list", "--format", "json"]] {
            let result = try runUnprivileged(arguments + ["--db", base])
            #expect(result.status == 0, "\(arguments): \(result.status) \(result.standardError)")
        }
        #expect(try String(contentsOfFile: "\(output)/e.csv", encoding: .utf8).contains("Dupont"))
    }

    /// A base copied whole (journal included) into `folder/name/clients.sqlite`.
    func copyOfTheBase(into name: String) throws -> String {
        try seededBase()
        let target = folder.file(name)
        try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
        let copy = try runProcess("/usr/bin/env", ["sqlite3", database, ".backup '\(target)/clients.sqlite'"])
        #expect(copy.status == 0, "\(copy.standardError)")
        let journal = try runProcess("/usr/bin/env", ["sqlite3", "\(target)/clients.sqlite", "PRAGMA journal_mode"])
        #expect(journal.standardOutput.contains("wal"), "the copy is a WAL base, as ours are: \(journal.standardOutput)")
        return "\(target)/clients.sqlite"
    }

    @Test(.timeLimit(.minutes(2))) func aReadOnlyBaseFileCanBeExportedAndListed() throws {
        let base = try copyOfTheBase(into: "ro-file")
        let output = folder.file("out")
        try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        chmod(folder.path, 0o755); chmod(output, 0o777); chmod(folder.file("ro-file"), 0o777)
        chmod(base, 0o444)
        let before = bytes(base)
        try readCommandsWork(on: base, output: output)
        #expect(bytes(base) == before)
        let write = try runUnprivileged(["settings", "add-price-type", "Gros", "--db", base])
        #expect(write.status == 74, "a command that writes still says it cannot: \(write.standardError)")
    }

    /// A read-only folder: SQLite cannot create the `-shm` of a WAL base, so the base is opened
    /// immutable (nothing can write it either); no file appears beside it.
    @Test(.timeLimit(.minutes(2))) func aBaseInAReadOnlyFolderCanBeExportedAndListed() throws {
        let base = try copyOfTheBase(into: "ro-folder")
        let output = folder.file("out")
        try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        chmod(folder.path, 0o755); chmod(output, 0o777)
        chmod(base, 0o444)
        chmod(folder.file("ro-folder"), 0o555)
        defer { chmod(folder.file("ro-folder"), 0o755) }
        let before = bytes(base)
        try readCommandsWork(on: base, output: output)
        #expect(bytes(base) == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.file("ro-folder")) == ["clients.sqlite"])
    }

    /// Issue 17: a command that only reads never creates a base; a mistyped --db is exit 74
    /// with how to create one. `template` without a base writes the template of a new base.
    @Test(.timeLimit(.minutes(2))) func readCommandsNeverCreateABase() throws {
        let missing = folder.file("typo.sqlite")
        for arguments in [["export", "-o", folder.file("e.xlsx")], ["clients", "list"], ["clients", "show", "1"], ["history"],
                          ["settings", "list"], ["roles", "list"], ["employees", "list"]] {
            let result = try clientimport(arguments + ["--db", missing])
            #expect(result.status == 74, "\(arguments): \(result.status) \(result.standardError)")
            #expect(result.standardError.contains("no client base at"), "\(arguments): \(result.standardError)")
            #expect(result.standardError.contains("clientimport import"), "\(arguments): \(result.standardError)")
        }
        let template = try clientimport("template", "-o", folder.file("t.xlsx"), "--db", missing)
        #expect(template.status == 0, "\(template.standardError)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["t.xlsx"])
    }

    // MARK: Terminal text

    /// An ANSI escape and a right-to-left override in cells, a line break in a file name: none
    /// reaches the terminal raw, in messages, lists or the journal.
    @Test(.timeLimit(.minutes(2))) func controlCharactersAreEscapedOnTheTerminal() throws {
        let header = "ID client,Nom,Numéro de téléphone,Adresse,Email,Prénom,Entreprise,Fournisseur,Déçu,Notes,Source marketing,"
            + "Carte de réduction,Réduction sur les produits dans les ventes,Réduction sur les services dans les commandes et factures,"
            + "Remise sur les produits/matériaux dans la commande et la facture,Réduction sur les services en ventes (type de prix),"
            + "Réduction sur les services dans les commandes et factures (type de prix),Solde"
        let empty = String(repeating: ",", count: 13)
        let file = try folder.write("bad\nname\u{1B}[2J.csv", header + "\n,\"Jean\u{1B}[31mRouge\u{202E}\",0612345678,Rue\u{7}Cloche,x\u{1B}]0;pwned\u{7}@example.fr" + empty + "\n")
        let rejected = try clientimport("import", file)
        #expect(rejected.status == 1, "the bad email is an error: \(rejected.standardOutput)")
        let good = try folder.write("ok\nrow 2\u{1B}[1m.csv", header + "\n,\"Jean\u{1B}[31mRouge\u{202E}\",0612345678,Rue\u{9B}Cloche," + empty + "\n")
        let imported = try clientimport("import", good)
        #expect(imported.status == 0, "\(imported.standardError)")
        let missing = try clientimport("import", folder.file("no\nsuch\u{1B}[0m.csv"))
        #expect(missing.status == 65)
        let history = try clientimport("history")
        let list = try clientimport("clients", "list")
        let show = try clientimport("clients", "show", "1")
        for (what, text) in [("rejected", rejected.standardOutput + rejected.standardError), ("imported", imported.standardOutput),
                             ("missing", missing.standardError), ("history", history.standardOutput), ("list", list.standardOutput),
                             ("show", show.standardOutput)] {
            #expect(!text.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 || $0.value == 0x9B || $0.value == 0x202E },
                    "\(what): \(text.debugDescription)")
        }
        #expect(history.standardOutput.split(separator: "\n").count == 1, "one batch, one line: \(history.standardOutput.debugDescription)")
        #expect(history.standardOutput.contains("ok\\u{A}row 2\\u{1B}[1m.csv"), "\(history.standardOutput.debugDescription)")
        #expect(list.standardOutput.contains("Jean\\u{1B}[31mRouge\\u{202E}"), "\(list.standardOutput.debugDescription)")
        #expect(missing.standardError.split(separator: "\n").count == 1, "\(missing.standardError.debugDescription)")
        #expect(rejected.standardOutput.contains("\\u{1B}]0;pwned\\u{7}"), "\(rejected.standardOutput.debugDescription)")
        // JSON keeps the exact text, escaped by JSON itself.
        let json = try clientimport("clients", "list", "--format", "json")
        #expect(json.standardOutput.contains("Jean\\u001b[31mRouge"), "\(json.standardOutput)")
        #expect(!json.standardOutput.unicodeScalars.contains { $0.value == 0x1B })
    }
}
