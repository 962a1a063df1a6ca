import ArgumentParser
import ClientBase
import Importer

struct SettingsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "settings",
        abstract: "Marketing sources, price types and custom fields that imported rows may refer to.",
        subcommands: [AddMarketingSource.self, AddPriceType.self, AddCustomField.self, List.self])

    struct AddMarketingSource: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add-marketing-source", abstract: "Add marketing sources.")
        @OptionGroup var base: BaseOptions
        @Argument(help: "Names of the sources.") var names: [String]
        func run() throws { try reportingFailures { try base.open().addMarketingSources(names) } }
    }

    struct AddPriceType: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add-price-type", abstract: "Add price types.")
        @OptionGroup var base: BaseOptions
        @Argument(help: "Names of the price types.") var names: [String]
        func run() throws { try reportingFailures { try base.open().addPriceTypes(names) } }
    }

    struct AddCustomField: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add-custom-field",
            abstract: "Add a custom field; an import column after Balance with this name fills it.")
        @OptionGroup var base: BaseOptions
        @Argument(help: "The field's name, exactly as the import column will be headed.") var name: String
        @Option(help: "text, number, date or yes-no.") var type: String = "text"

        func validate() throws {
            if CustomFieldDefinition.FieldType(rawValue: type) == nil {
                throw ValidationError("--type must be text, number, date or yes-no")
            }
        }

        func run() throws {
            try reportingFailures {
                try base.open().addCustomField(CustomFieldDefinition(name: name, type: .init(rawValue: type) ?? .text))
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the settings.")
        @OptionGroup var base: BaseOptions
        @Option(help: "Output format: text or json.") var format: OutputFormat = .text

        func run() throws {
            try reportingFailures {
                let catalog = try base.openForReading().catalog()
                switch format {
                case .json:
                    print(JSONText.object([
                        ("marketing_sources", .array(catalog.marketingSources.map(JSONText.string))),
                        ("price_types", .array(catalog.priceTypes.map(JSONText.string))),
                        ("custom_fields", .array(catalog.customFields.map {
                            .object([("name", .string($0.name)), ("type", .string($0.type.rawValue))])
                        })),
                    ]).rendered)
                case .text:
                    print("Marketing sources: \(TerminalText.escape(catalog.marketingSources.joined(separator: ", ")))")
                    print("Price types: \(TerminalText.escape(catalog.priceTypes.joined(separator: ", ")))")
                    print("Custom fields: \(TerminalText.escape(catalog.customFields.map { "\($0.name) (\($0.type.rawValue))" }.joined(separator: ", ")))")
                }
            }
        }
    }
}

struct RolesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "roles", abstract: "Employee roles; only some may change client balances.",
        subcommands: [Add.self, List.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a role (or change an existing one's right).")
        @OptionGroup var base: BaseOptions
        @Argument(help: "The role's name.") var name: String
        @Flag(help: "The role may change client balances (\"Can adjust the client balance\").") var canAdjustBalance = false
        func run() throws {
            try reportingFailures { try base.open().addRole(Role(name: name, canAdjustBalance: canAdjustBalance)) }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the roles.")
        @OptionGroup var base: BaseOptions
        func run() throws {
            try reportingFailures {
                for role in try base.openForReading().catalog().roles {
                    print("\(TerminalText.escape(role.name))\t\(role.canAdjustBalance ? "can adjust client balances" : "cannot adjust client balances")")
                }
            }
        }
    }
}

struct EmployeesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "employees", abstract: "Employees who import (see `import --as`).",
        subcommands: [Add.self, List.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add an employee with a role.")
        @OptionGroup var base: BaseOptions
        @Argument(help: "The employee's name.") var name: String
        @Option(help: "An existing role.") var role: String
        func run() throws { try reportingFailures { try base.open().addEmployee(name: name, role: role) } }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the employees.")
        @OptionGroup var base: BaseOptions
        func run() throws {
            try reportingFailures {
                for employee in try base.openForReading().catalog().employees { print(TerminalText.line([employee.name, employee.role])) }
            }
        }
    }
}
