import ArgumentParser
import ClientBase
import Importer

struct ClientsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clients", abstract: "List the clients of the base or show one.",
        subcommands: [List.self, Show.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List every client.")
        @OptionGroup var base: BaseOptions
        @Option(help: "Output format: text or json.") var format: OutputFormat = .text

        func run() throws {
            try reportingFailures {
                let store = try base.openForReading()
                var clients: [JSONText] = []
                try store.forEachClient { client in
                    switch format {
                    case .json: clients.append(client.json)
                    case .text:
                        let name = [client.name, client.lastName].filter { !$0.isEmpty }.joined(separator: " ")
                        print(TerminalText.line([String(client.id), name, client.phones.joined(separator: ", "), client.email, "\(client.balance)"]))
                    }
                }
                if format == .json { print(JSONText.array(clients).rendered) }
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one client with its balance history.")
        @OptionGroup var base: BaseOptions
        @Argument(help: ArgumentHelp("The client ID (1 or more).", valueName: "id")) var idText: String
        private var id: Int64 { get throws { try positiveID(idText, of: "the client ID") } }

        func validate() throws { _ = try id }
        @Option(help: "Output format: text or json.") var format: OutputFormat = .text

        func run() throws {
            try reportingFailures {
                let store = try base.openForReading()
                let id = try id
                guard let client = try store.client(id: id) else {
                    throw StoreError(.notFound, "there is no client with ID \(id)")
                }
                let history = try store.balanceHistory(clientID: id)
                switch format {
                case .json:
                    guard case .object(var members) = client.json else { return }
                    members.append(("balance_history", .array(history.map(\.json))))
                    print(JSONText.object(members).rendered)
                case .text:
                    print(describe(client))
                    if !history.isEmpty { print("Balance history:") }
                    for entry in history {
                        print(TerminalText.escape("  \(entry.at)  \(entry.amount)  \(entry.comment)  (batch \(entry.batch.map(String.init) ?? "-"), \(entry.employee ?? "-"))"))
                    }
                }
            }
        }
    }
}

/// A client as a person reads it: its name, then one labelled line per field of
/// `ClientField.all` that has a value (line breaks shown as " / "), then its custom fields.
private func describe(_ client: Client) -> String {
    func text(_ field: ClientField) -> String {
        switch field.storage {
        case .id: String(client.id)
        case .balance: client.balance.description
        case .text(let path): client[keyPath: path].replacingOccurrences(of: "\n", with: " / ")
        case .phones(let path): client[keyPath: path].joined(separator: ", ")
        case .flag(let path): client[keyPath: path] ? "yes" : "no"
        case .decimal(let path): client[keyPath: path].map { "\($0)%" } ?? ""
        }
    }
    let name = [client.name, client.lastName].filter { !$0.isEmpty }.joined(separator: " ")
    // The heading line names the client: its ID, name and last name are not repeated below.
    var fields = ClientField.all.filter { !["id", "name", "last_name"].contains($0.key) }.map { ($0.label, text($0)) }
    fields += client.customFields.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    let escape = TerminalText.escape
    return (["Client \(client.id): \(escape(name))"] + fields.filter { !$0.1.isEmpty }.map { "  \(escape($0.0)): \(escape($0.1))" })
        .joined(separator: "\n")
}

/// A client ID or batch number typed as an argument: 1 or more (SQLite row IDs are positive).
func positiveID(_ text: String, of name: String) throws -> Int64 {
    try NumericArgument.integer(text, of: name, in: 1...Int64.max)
}
