/// The typed value of one checked cell, as a column's type makes it: what the pipeline stores.
enum TypedValue: Sendable, Equatable {
    /// The cell gives no value (an empty money cell, a cell with an error).
    case none
    case text(String)
    case bool(Bool)
    /// Normalised phone numbers, digits only.
    case phones([String])
}
