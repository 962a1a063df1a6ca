/// What the importer and the exporter need from a client base. `SQLiteClientStore` is the one
/// implementation; a second backend (PostgreSQL, say) implements this protocol and keeps its
/// SQL to itself, as `ClientBase` does.
///
/// Writes happen inside `transaction`: a thrown error or `commit: false` leaves the base as it was.
public protocol ClientStore: AnyObject {
    // Settings
    func catalog() throws -> Catalog
    func addMarketingSources(_ names: [String]) throws
    func addPriceTypes(_ names: [String]) throws
    func addCustomField(_ field: CustomFieldDefinition) throws
    /// Adds a custom field inside the caller's transaction.
    func defineCustomField(_ field: CustomFieldDefinition) throws

    // Clients
    func client(id: Int64) throws -> Client?
    func clientCount() throws -> Int
    /// Whether the base holds a client (not removed by an undo): `clientCount() > 0`, without counting.
    func hasClients() throws -> Bool
    /// Every client in ID order, one at a time.
    func forEachClient(_ body: (Client) throws -> Void) throws
    /// The lowest-ID client with this phone (digits as stored), for duplicate warnings.
    func firstClientID(withPhone phone: String) throws -> Int64?
    /// The lowest-ID client with this email (compared without case).
    func firstClientID(withEmail email: String) throws -> Int64?
    func balanceHistory(clientID: Int64) throws -> [BalanceCorrection]

    // Writing, inside `transaction`
    func transaction<T>(commit: Bool, _ body: () throws -> T) throws -> T
    func beginBatch(_ source: BatchSource) throws -> Int64
    func finishBatch(_ id: Int64, counts: BatchCounts) throws
    func insertClient(_ client: Client, batch: Int64, sourceRow: Int?) throws -> Int64
    func updateClient(_ client: Client, previous: Client, batch: Int64, sourceRow: Int?) throws
    func appendBalanceCorrection(clientID: Int64, amount: ExactDecimal, comment: String,
                                 batch: Int64, employeeID: Int64?, sourceRow: Int?) throws
    /// Inside a transaction into a base without clients, stops writing the structures the
    /// duplicate probes read (SQLite: the email index and the phone lookup) until
    /// `endDeferredLookups`, which builds them whole, in key order. Meanwhile the caller answers
    /// its own duplicate probes, `firstClientID(withPhone:)` and `withEmail:` must not be asked,
    /// and `updateClient` ends the deferral first. False (the default) when the backend does not defer.
    func beginDeferredLookups() throws -> Bool
    /// Builds what `beginDeferredLookups` stopped writing, from the clients stored meanwhile,
    /// and writes it from then on as before. Call before the transaction commits; nothing when
    /// nothing is deferred.
    func endDeferredLookups() throws

    // The journal
    func history() throws -> [Batch]
    @discardableResult
    func undo(batch id: Int64, employeeID: Int64?, comment: String) throws -> Int64
}

extension ClientStore {
    /// A backend without a quicker way counts.
    public func hasClients() throws -> Bool { try clientCount() > 0 }

    /// A backend that writes its look-ups as it goes defers nothing.
    public func beginDeferredLookups() throws -> Bool { false }
    public func endDeferredLookups() throws {}

    /// A write transaction that commits.
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        try transaction(commit: true, body)
    }
}

extension SQLiteClientStore: ClientStore {}

/// What callers that speak only `ClientStore` need besides a store: names every backend shares,
/// and where a throwaway store comes from.
public enum ClientStores {
    /// The employee (with a role that may adjust balances and manage settings) every new base
    /// starts with, so an import works without set-up.
    public static let administratorName = Schema.administrator

    /// A store of its own in a new file at `path` (in the caller's scratch folder), for work
    /// that checks rows as an import does without touching the user's base: `convert` and
    /// `plugins test`. It is always local (SQLite), whatever backend holds the real base.
    public static func scratch(at path: String) throws -> any ClientStore {
        try SQLiteClientStore(path: path)
    }
}
