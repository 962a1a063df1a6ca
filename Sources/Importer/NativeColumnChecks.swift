import ClientBase

// The stock column types and custom-field types of `rules/lib/engine.lua`, checked in Swift.
// engine.lua stays the reference: these checks give the same typed value and the same message
// key and vars for every cell (`NativeColumnChecksDifferentialTests` runs both on generated and
// adversarial cells). Lua is still called for what a rule set writes itself (`validate`,
// `validate_row`); only the conversions of the stock types run here, without a Lua call per
// batch and on the cells' UTF-8 bytes.

/// A column type of `engine.lua`'s `TYPES` that a rule set may declare (`type = "phones"`).
public enum StockType: String, Sendable, CaseIterable {
    case id, text, phones, email
    case yesNo = "yes-no"
    case percent, money
    case marketingSource = "marketing-source"
    case priceType = "price-type"
}

/// A custom field's type (`CUSTOM` in `engine.lua`): the base's own enum.
public typealias CustomFieldType = CustomFieldDefinition.FieldType

/// What a cell of a stock column becomes, exactly as the Lua engine yields it: money and
/// percents as their canonical text (`money.parse`: "1234.5"), phones as the list of numbers,
/// yes-no as a boolean, `none` where Lua has `nil` (an empty money cell, a refused cell).
public enum TypedValue: Sendable, Equatable {
    case none
    case text(String)
    case bool(Bool)
    case phones([String])
}

/// A cell's problem as the rule set's message catalog names it: the message key and the
/// values its `{name}`s take besides `value` and `column` (`part` for a phone list, `year`,
/// `month`, `days` for an impossible date).
public struct CellProblem: Sendable, Equatable {
    public var key: String
    public var vars: [String: String]

    public init(key: String, vars: [String: String] = [:]) {
        self.key = key
        self.vars = vars
    }
}

/// A problem in one cell of a checked column.
public struct ColumnProblem: Sendable, Equatable {
    /// The row's index in the batch (0-based).
    public var index: Int
    /// The cell's trimmed text: the message's `{value}` and the report's value.
    public var value: String
    public var problem: CellProblem

    public init(index: Int, value: String, problem: CellProblem) {
        self.index = index
        self.value = value
        self.problem = problem
    }
}

/// What the native checks read of an import's `ctx`: its options and the base's catalog.
public struct NativeCheckContext: Sendable {
    /// Replaces the trunk 0 of a national number (`ctx.options.phone_country_code`).
    public var phoneCountryCode: String?
    public var keepUnmappedAsCustomFields: Bool
    /// Names are compared byte for byte, as Lua compares table keys (an "é" typed as e + ◌́ is
    /// another name, though Swift's `==` calls the two equal).
    var marketingSources: Set<ByteText>
    var priceTypes: Set<ByteText>
    var customFields: [ByteText: CustomFieldType]

    public init(options: RuleOptions, catalog: Catalog) {
        phoneCountryCode = options.phoneCountryCode
        keepUnmappedAsCustomFields = options.keepUnmappedAsCustomFields
        // The names the Lua `ctx.catalog` holds: the host builds it through a Swift dictionary,
        // which keeps the first of names Swift calls equal ("Café" and "Cafe" + U+0301), so Lua
        // knows only the first spelling. The same here, so both accept the same cells.
        func firstSpellings(_ names: [String]) -> Set<ByteText> {
            Set(Dictionary(names.map { ($0, true) }, uniquingKeysWith: { first, _ in first }).keys.map(ByteText.init))
        }
        marketingSources = firstSpellings(catalog.marketingSources)
        priceTypes = firstSpellings(catalog.priceTypes)
        // The first definition of a name wins, as in the Lua catalog the host builds.
        customFields = Dictionary(uniqueKeysWithValues: Dictionary(catalog.customFields.map { ($0.name, $0.type) }, uniquingKeysWith: { first, _ in first })
            .map { (ByteText($0.key), $0.value) })
    }

    /// The type of the custom field `name` for this import: the catalog's, `text` for an
    /// unknown field kept as custom (the host creates it), `nil` for an unknown field.
    public func customFieldType(_ name: String) -> CustomFieldType? {
        customFields[ByteText(name)] ?? (keepUnmappedAsCustomFields ? .text : nil)
    }
}

/// A rule set column whose type is a stock type: what the native check needs of it.
public struct NativeColumn: Sendable, Equatable {
    public var key: String
    public var type: StockType
    public var required: Bool
    /// For `text`: at most this many characters (Unicode code points, as `utf8.len` counts).
    public var maxLength: Int?

    public init(key: String, type: StockType, required: Bool = false, maxLength: Int? = nil) {
        self.key = key
        self.type = type
        self.required = required
        self.maxLength = maxLength
    }

    /// The column as the rule set declares it; `nil` when its type is not a stock type.
    public init?(_ declaration: ColumnDeclaration) {
        guard let type = StockType(rawValue: declaration.type) else { return nil }
        self.init(key: declaration.key, type: type, required: declaration.required, maxLength: declaration.maxLength)
    }

    /// What an empty cell gives (`EMPTY` in engine.lua; `none` where it has no entry).
    public var emptyValue: TypedValue {
        switch type {
        case .text, .email, .marketingSource, .priceType: .text("")
        case .yesNo: .bool(false)
        case .phones: .phones([])
        case .id, .percent, .money: .none
        }
    }
}

/// One column of a batch, checked: a typed value per row, and the problems.
public struct NativeColumnResult: Sendable, Equatable {
    /// values[i]: row i's typed value (`none` for a refused cell; the empty value for an empty
    /// cell, even a required one, as the engine gives it).
    public var values: [TypedValue] = []
    public var problems: [ColumnProblem] = []

    public init() {}
}

/// One custom field's column of a batch, checked.
public struct NativeCustomFieldResult: Sendable, Equatable {
    /// values[i]: row i's stored value; `nil` for an empty cell, a refused one, and a yes-no
    /// field's "no" (stored as no value, as an empty cell is).
    public var values: [String?] = []
    public var problems: [ColumnProblem] = []

    public init() {}
}

/// Checks a stock column of batch after batch, for one import (the context is fixed).
public struct NativeColumnChecker: Sendable {
    public let column: NativeColumn
    let context: NativeCheckContext

    public init(column: NativeColumn, context: NativeCheckContext) {
        self.column = column
        self.context = context
    }

    /// Checks `cells` (row i's text in `cells[i]`; "" for an empty cell or a column the file
    /// lacks), replacing what `result` held (its storage is reused from batch to batch).
    public mutating func check(_ cells: [String], into result: inout NativeColumnResult) {
        result.values.removeAll(keepingCapacity: true)
        result.problems.removeAll(keepingCapacity: true)
        result.values.reserveCapacity(cells.count)
        let empty = column.emptyValue
        for index in cells.indices {
            let raw = NativeText.trimmed(cells[index])
            if raw.isEmpty {
                if column.required { result.problems.append(ColumnProblem(index: index, value: "", problem: CellProblem(key: "required"))) }
                result.values.append(empty)
                continue
            }
            switch convert(raw) {
            case .value(let value):
                result.values.append(value)
            case .problem(let problem):
                result.values.append(.none)
                result.problems.append(ColumnProblem(index: index, value: raw, problem: problem))
            }
        }
    }

    /// `check(_:into:)` into a new result.
    public mutating func check(_ cells: [String]) -> NativeColumnResult {
        var result = NativeColumnResult()
        check(cells, into: &result)
        return result
    }

    /// The type's conversion of a trimmed, non-empty text (`TYPES[type](s, column, ctx)`).
    func convert(_ raw: String) -> NativeConversion<TypedValue> {
        switch column.type {
        case .id:
            return NativeText.isID(raw) ? .value(.text(raw)) : .problem(CellProblem(key: "id_invalid"))
        case .text:
            if let maxLength = column.maxLength, NativeText.isLonger(raw, than: maxLength) {
                return .problem(CellProblem(key: "text_too_long"))
            }
            return .value(.text(raw))
        case .phones:
            return NativePhones.parseList(raw, countryCode: context.phoneCountryCode).map(TypedValue.phones)
        case .email:
            return NativeEmail.parse(raw).map(TypedValue.text)
        case .yesNo:
            return NativeYesNo.parse(raw).map(TypedValue.bool)
        case .percent:
            switch NativeMoney.parse(raw, allowPercent: true) {
            case .problem: return .problem(CellProblem(key: "percent_invalid"))
            case .value(let value):
                return NativeMoney.isPercentInRange(value) ? .value(.text(value)) : .problem(CellProblem(key: "percent_range"))
            }
        case .money:
            switch NativeMoney.parse(raw, allowPercent: false) {
            case .value(let value): return .value(.text(value))
            case .problem(let problem):
                return .problem(problem.key == "number_invalid" ? CellProblem(key: "money_invalid") : problem)
            }
        case .marketingSource:
            return context.marketingSources.contains(ByteText(raw)) ? .value(.text(raw)) : .problem(CellProblem(key: "marketing_source_unknown"))
        case .priceType:
            return context.priceTypes.contains(ByteText(raw)) ? .value(.text(raw)) : .problem(CellProblem(key: "price_type_unknown"))
        }
    }
}

/// Checks the column of one custom field (`batch.custom[name]` in engine.lua) batch after batch.
public struct NativeCustomFieldChecker: Sendable {
    /// The field's name as the file's header gives it (the `{column}` of its messages).
    public let name: String
    /// The field's type for this import; `nil` when the base has no such field and unknown
    /// fields are not kept: every row is then an error (`custom_field_unknown`).
    public let fieldType: CustomFieldType?

    public init(name: String, context: NativeCheckContext) {
        self.name = name
        fieldType = context.customFieldType(name)
    }

    /// Checks `cells`, replacing what `result` held.
    public mutating func check(_ cells: [String], into result: inout NativeCustomFieldResult) {
        result.values.removeAll(keepingCapacity: true)
        result.problems.removeAll(keepingCapacity: true)
        result.values.reserveCapacity(cells.count)
        for index in cells.indices {
            let raw = NativeText.trimmed(cells[index])
            guard let fieldType else {
                // Even an empty cell: the column itself is the problem, reported on every row.
                result.values.append(nil)
                result.problems.append(ColumnProblem(index: index, value: raw, problem: CellProblem(key: "custom_field_unknown")))
                continue
            }
            if raw.isEmpty {
                result.values.append(nil)
                continue
            }
            switch Self.convert(raw, as: fieldType) {
            case .value(let stored):
                result.values.append(stored.isEmpty ? nil : stored)
            case .problem(let problem):
                result.values.append(nil)
                result.problems.append(ColumnProblem(index: index, value: raw, problem: problem))
            }
        }
    }

    /// `check(_:into:)` into a new result.
    public mutating func check(_ cells: [String]) -> NativeCustomFieldResult {
        var result = NativeCustomFieldResult()
        check(cells, into: &result)
        return result
    }

    /// `CUSTOM[type](s)` of a trimmed, non-empty text: the stored text ("" for a yes-no "no").
    static func convert(_ raw: String, as type: CustomFieldType) -> NativeConversion<String> {
        switch type {
        case .text:
            return .value(raw)
        case .number:
            switch NativeMoney.parse(raw, allowPercent: false) {
            case .value(let value): return .value(value)
            case .problem: return .problem(CellProblem(key: "custom_number_invalid"))
            }
        case .date:
            return NativeDate.parse(raw)
        case .yesNo:
            return NativeYesNo.parse(raw).map { $0 ? "1" : "" }
        }
    }
}

/// A conversion's outcome: the value, or the problem.
public enum NativeConversion<Value: Sendable>: Sendable {
    case value(Value)
    case problem(CellProblem)

    func map<Other>(_ transform: (Value) -> Other) -> NativeConversion<Other> {
        switch self {
        case .value(let value): .value(transform(value))
        case .problem(let problem): .problem(problem)
        }
    }
}

extension NativeConversion: Equatable where Value: Equatable {}

/// A string compared and hashed by its UTF-8 bytes, as Lua compares strings (Swift's `==`
/// compares by canonical equivalence).
struct ByteText: Hashable, Sendable {
    let text: String

    init(_ text: String) { self.text = text }

    static func == (a: ByteText, b: ByteText) -> Bool {
        NativeText.withBytes(a.text) { a in NativeText.withBytes(b.text) { b in a.elementsEqual(b) } }
    }

    func hash(into hasher: inout Hasher) {
        NativeText.withBytes(text) { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    }
}
