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
                let store = try base.open()
                var clients: [JSONText] = []
                try store.forEachClient { client in
                    switch format {
                    case .json: clients.append(client.json)
                    case .text:
                        let name = [client.name, client.lastName].filter { !$0.isEmpty }.joined(separator: " ")
                        print("\(client.id)\t\(name)\t\(client.phones.joined(separator: ", "))\t\(client.email)\t\(client.balance)")
                    }
                }
                if format == .json { print(JSONText.array(clients).rendered) }
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one client with its balance history.")
        @OptionGroup var base: BaseOptions
        @Argument(help: "The client ID.") var id: Int64
        @Option(help: "Output format: text or json.") var format: OutputFormat = .text

        func run() throws {
            try reportingFailures {
                let store = try base.open()
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
                    print(client.json.rendered)
                    for entry in history {
                        print("  \(entry.at)  \(entry.amount)  \(entry.comment)  batch \(entry.batch.map(String.init) ?? "-")")
                    }
                }
            }
        }
    }
}
