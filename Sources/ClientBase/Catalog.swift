/// The base's settings that imported rows refer to: marketing sources, price types, custom
/// fields, roles and employees.
public struct Catalog: Sendable, Equatable {
    public var marketingSources: [String]
    public var priceTypes: [String]
    public var customFields: [CustomFieldDefinition]
    public var roles: [Role]
    public var employees: [Employee]

    public init(marketingSources: [String] = [], priceTypes: [String] = [], customFields: [CustomFieldDefinition] = [],
                roles: [Role] = [], employees: [Employee] = []) {
        self.marketingSources = marketingSources; self.priceTypes = priceTypes; self.customFields = customFields
        self.roles = roles; self.employees = employees
    }

    public func employee(named name: String) -> Employee? {
        employees.first { $0.name == name }
    }
}

/// A custom field of the client card; values are stored as text checked against `type`.
public struct CustomFieldDefinition: Sendable, Equatable {
    public enum FieldType: String, Sendable, CaseIterable {
        case text, number, date, yesNo = "yes-no"
    }

    public var name: String
    public var type: FieldType

    public init(name: String, type: FieldType) {
        self.name = name
        self.type = type
    }
}

/// An employee role; only some roles may change client balances, and only some may manage the
/// settings (marketing sources, price types, custom fields, roles, employees) in `serve`.
public struct Role: Sendable, Equatable {
    public var name: String
    public var canAdjustBalance: Bool
    public var canManageSettings: Bool

    public init(name: String, canAdjustBalance: Bool, canManageSettings: Bool = false) {
        self.name = name
        self.canAdjustBalance = canAdjustBalance
        self.canManageSettings = canManageSettings
    }
}

/// Who runs an import; their role decides whether balance changes are allowed.
public struct Employee: Sendable, Equatable {
    public var id: Int64
    public var name: String
    public var role: String
    public var canAdjustBalance: Bool
    public var canManageSettings: Bool = false
    /// Whether a password is set, so the employee may sign in to `serve`.
    public var hasPassword: Bool = false
}
