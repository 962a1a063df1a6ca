/// The settings and staff of a base: what `settings`, `roles`, `employees` and the server's
/// Settings page read and change. Each call is a transaction of its own.
public protocol SettingsStore: AnyObject {
    /// Marketing sources, price types, custom fields, roles and employees, each in the order
    /// they were added.
    func catalog() throws -> Catalog
    /// Adds marketing sources; names already present are kept once.
    func addMarketingSources(_ names: [String]) throws
    /// Adds price types; names already present are kept once.
    func addPriceTypes(_ names: [String]) throws
    /// Adds a custom field of the client card (`StoreError.Kind.conflict` when it exists).
    func addCustomField(_ field: CustomFieldDefinition) throws
    /// Adds a role, or changes an existing one's rights.
    func addRole(_ role: Role) throws
    /// Adds an employee with an existing role (`notFound` for an unknown role, `conflict` for
    /// a name taken).
    func addEmployee(name: String, role: String) throws
    /// One employee by name, with their role's rights.
    func employee(named name: String) throws -> Employee?
    /// One employee by ID, with their role's rights.
    func employee(id: Int64) throws -> Employee?
}

/// Who may use `serve` and how, and what the server keeps between requests: password hashes
/// (bcrypt strings), API tokens and sessions (by the SHA-256 of the secret, never the secret),
/// failed sign-ins, uploads waiting in the Import page, and the Clients page's search. All of it
/// lives in the base, so several `serve` processes over one base share it.
public protocol AccessStore: AnyObject {
    /// Sets an employee's password hash; ends every session of the old password.
    func setPasswordHash(_ hash: String, employee name: String) throws
    /// The employee and their password hash; `nil` when there is no such employee or no password.
    func passwordHash(employee name: String) throws -> (employee: Employee, hash: String)?
    /// Whether any employee may sign in: `serve` refuses to start otherwise.
    func anyEmployeeHasPassword() throws -> Bool
    /// Records a new API token (its SHA-256, lowercase hex) for an employee.
    func addAPIToken(sha256: String, employee name: String) throws
    /// Revokes every API token of an employee; returns how many there were.
    @discardableResult
    func revokeAPITokens(employee name: String) throws -> Int
    /// The employee an API token (by its SHA-256) belongs to.
    func employee(apiTokenSHA256 sha256: String) throws -> Employee?
    /// Opens a session (its token's SHA-256) and drops the sessions that have expired.
    func createSession(tokenSHA256: String, employeeID: Int64, csrfToken: String, expiresAt: Int64, now: Int64) throws
    /// The session with this token's SHA-256, unless it has expired.
    func session(tokenSHA256: String, now: Int64) throws -> Session?
    /// Ends a session (signing out).
    func deleteSession(tokenSHA256: String) throws
    /// Records a failed sign-in for the rate limit, forgetting those older than `forgetBefore`.
    func recordFailedSignIn(employeeName: String, at: Int64, forgetBefore: Int64) throws
    /// The times (seconds since 1970, oldest first) of a name's failed sign-ins since `since`.
    func failedSignIns(employeeName: String, since: Int64) throws -> [Int64]
    /// Forgets a name's failed sign-ins (after a successful one).
    func clearFailedSignIns(employeeName: String) throws
    /// Records an upload waiting in the page; returns (and forgets) the IDs of those older than
    /// `forgetBefore`, whose files the caller removes.
    func addPendingImport(_ pending: PendingImport, forgetBefore: Int64) throws -> [String]
    /// The pending upload with this ID, if it belongs to this employee.
    func pendingImport(id: String, employeeID: Int64) throws -> PendingImport?
    /// Records that the saved copy now has another extension.
    func setPendingImportExtension(id: String, fileExtension: String) throws
    /// Forgets a pending upload (imported or abandoned).
    func removePendingImport(id: String) throws
    /// The clients whose name, last name, email or phone contains `query`, in ID order.
    func searchClients(query: String, offset: Int, limit: Int) throws -> ClientPage
}

/// A whole base as records that no backend's layout shows through, for `clientimport copy`:
/// one store reads them (`forEachRecord`) and another writes them (`restore`). IDs of clients
/// and batches are kept (an export and the journal read the same on both); settings, employees
/// and custom fields are named, each backend keeping its own keys.
public protocol BaseCopying: AnyObject {
    /// Calls `body` with every record of the base, from one consistent snapshot, in the order
    /// `restore` takes them: settings; batches by ID; clients by ID (those an undo removed
    /// too); ledger entries by client and entry; batch changes; created runs.
    func forEachRecord(_ body: (BaseRecord) throws -> Void) throws

    /// Writes a whole base, the records that `records` hands to its argument, into this one in
    /// one transaction: all of it or, when anything throws, nothing. Refuses
    /// (`StoreError.Kind.notEmpty`), before writing, a base that holds anything a new base
    /// does not (a client, a batch, a setting, an employee besides the administrator, a
    /// password or a token).
    func restore(_ records: (_ write: (BaseRecord) throws -> Void) throws -> Void) throws
}

/// Everything the command line and the server ask of a base: the importer's and exporter's
/// `ClientStore`, the settings, the server's access tables and search, the copy between
/// backends, and undo's dry run. `ClientStores.open` gives one for a `BaseLocation`.
public protocol ClientBaseStore: ClientStore, SettingsStore, AccessStore, BaseCopying {
    /// Undoes batch `id` as `undo(batch:employeeID:comment:)` does and returns the undo
    /// entry's number and counts; with `commit` false it rolls everything back, so
    /// `undo --dry-run` counts exactly what the undo would do, with the same refusals.
    func undo(batch id: Int64, employeeID: Int64?, comment: String, commit: Bool) throws -> (id: Int64, counts: BatchCounts)
}

extension SQLiteClientStore: ClientBaseStore {}
extension PostgresClientStore: ClientBaseStore {}
