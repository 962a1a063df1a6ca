import Foundation

/// Roles, employees and what `serve` keeps in the base, on PostgreSQL: the meanings of
/// `SQLiteClientStore+Access.swift` and `+Catalog.swift`, statement for statement, so several
/// `serve` processes on several machines share passwords, tokens, sessions and uploads.
extension PostgresClientStore {
    /// Adds a role, or changes whether an existing one may adjust balances and manage settings.
    public func addRole(_ role: Role) throws {
        guard !role.name.isEmpty else { throw StoreError(.invalid, "a role needs a name") }
        try transaction {
            let updated = try connection.query("UPDATE roles SET can_adjust_balance = $2, can_manage_settings = $3 WHERE name = $1",
                                               [role.name, flag(role.canAdjustBalance), flag(role.canManageSettings)])
            guard updated.changes == 0 else { return }
            try connection.query("INSERT INTO roles(id, name, can_adjust_balance, can_manage_settings) VALUES ($1, $2, $3, $4)",
                                 [String(try newID("roles")), role.name, flag(role.canAdjustBalance), flag(role.canManageSettings)])
        }
    }

    /// Adds an employee with an existing role.
    public func addEmployee(name: String, role: String) throws {
        guard !name.isEmpty else { throw StoreError(.invalid, "an employee needs a name") }
        try transaction {
            let lookup = try connection.query("SELECT id FROM roles WHERE name = $1", [role])
            guard lookup.rowCount > 0 else {
                let known = try catalog().roles.map(\.name).joined(separator: ", ")
                throw StoreError(.notFound, "there is no role \"\(role)\" (roles: \(known)); add it with `clientimport roles add`")
            }
            if try connection.query("SELECT 1 FROM employees WHERE name = $1", [name]).rowCount > 0 {
                throw StoreError(.conflict, "the employee \"\(name)\" exists already")
            }
            try connection.query("INSERT INTO employees(id, name, role_id) VALUES ($1, $2, $3)",
                                 [String(try newID("employees")), name, String(lookup.int(0, 0))])
        }
    }

    /// One employee by name, with their role's rights.
    public func employee(named name: String) throws -> Employee? {
        try employee(where: "e.name = $1", name)
    }

    /// One employee by ID, with their role's rights.
    public func employee(id: Int64) throws -> Employee? {
        try employee(where: "e.id = $1", String(id))
    }

    private func employee(where condition: String, _ value: String) throws -> Employee? {
        let r = try connection.query("""
            SELECT e.id, e.name, r.name, r.can_adjust_balance, r.can_manage_settings, e.password_hash IS NOT NULL
            FROM employees e JOIN roles r ON r.id = e.role_id WHERE \(condition)
            """, [value])
        guard r.rowCount > 0 else { return nil }
        return Employee(id: r.int(0, 0), name: r.text(0, 1), role: r.text(0, 2), canAdjustBalance: r.bool(0, 3),
                        canManageSettings: r.bool(0, 4), hasPassword: r.bool(0, 5))
    }

    private func unknownEmployee(_ name: String) throws -> StoreError {
        let known = try catalog().employees.map(\.name).joined(separator: ", ")
        return StoreError(.notFound, "there is no employee \"\(name)\" (employees: \(known)); add one with `clientimport employees add`")
    }

    func flag(_ value: Bool) -> String { value ? "t" : "f" }

    // MARK: Passwords and tokens

    /// Sets an employee's password hash (a bcrypt string made by the caller); ends the old sessions.
    public func setPasswordHash(_ hash: String, employee name: String) throws {
        try transaction {
            guard try connection.query("UPDATE employees SET password_hash = $1 WHERE name = $2", [hash, name]).changes > 0 else {
                throw try unknownEmployee(name)
            }
            try connection.query("DELETE FROM sessions WHERE employee_id = (SELECT id FROM employees WHERE name = $1)", [name])
        }
    }

    /// The employee and their password hash; `nil` when there is no such employee or they have no password.
    public func passwordHash(employee name: String) throws -> (employee: Employee, hash: String)? {
        let r = try connection.query("SELECT password_hash FROM employees WHERE name = $1", [name])
        guard r.rowCount > 0, let hash = r.optionalText(0, 0), let employee = try employee(named: name) else { return nil }
        return (employee, hash)
    }

    /// Whether any employee may sign in: `serve` refuses to start otherwise.
    public func anyEmployeeHasPassword() throws -> Bool {
        try connection.query("SELECT 1 FROM employees WHERE password_hash IS NOT NULL LIMIT 1").rowCount > 0
    }

    /// Records a new API token (its SHA-256, lowercase hex) for an employee.
    public func addAPIToken(sha256: String, employee name: String) throws {
        try transaction {
            guard let employee = try employee(named: name) else { throw try unknownEmployee(name) }
            try connection.query("INSERT INTO api_tokens(token_sha256, employee_id, created_at) VALUES ($1, $2, $3)",
                                 [sha256, String(employee.id), SQLiteClientStore.now()])
        }
    }

    /// Revokes every API token of an employee; returns how many there were.
    @discardableResult
    public func revokeAPITokens(employee name: String) throws -> Int {
        try transaction {
            guard let employee = try employee(named: name) else { throw try unknownEmployee(name) }
            return try connection.query("DELETE FROM api_tokens WHERE employee_id = $1", [String(employee.id)]).changes
        }
    }

    /// The employee an API token (by its SHA-256) belongs to, if it is still valid.
    public func employee(apiTokenSHA256 sha256: String) throws -> Employee? {
        let r = try connection.query("SELECT employee_id FROM api_tokens WHERE token_sha256 = $1", [sha256])
        guard r.rowCount > 0 else { return nil }
        return try employee(id: r.int(0, 0))
    }

    // MARK: Sessions and failed sign-ins

    /// Opens a session (its token's SHA-256) and drops the sessions that have expired.
    public func createSession(tokenSHA256: String, employeeID: Int64, csrfToken: String, expiresAt: Int64, now: Int64) throws {
        try transaction {
            try connection.query("DELETE FROM sessions WHERE expires_at <= $1", [String(now)])
            try connection.query("INSERT INTO sessions(token_sha256, employee_id, csrf_token, expires_at) VALUES ($1, $2, $3, $4)",
                                 [tokenSHA256, String(employeeID), csrfToken, String(expiresAt)])
        }
    }

    /// The session with this token's SHA-256, unless it has expired.
    public func session(tokenSHA256: String, now: Int64) throws -> Session? {
        let r = try connection.query("SELECT employee_id, csrf_token, expires_at FROM sessions WHERE token_sha256 = $1 AND expires_at > $2",
                                     [tokenSHA256, String(now)])
        guard r.rowCount > 0, let employee = try employee(id: r.int(0, 0)) else { return nil }
        return Session(employee: employee, csrfToken: r.text(0, 1), expiresAt: r.int(0, 2))
    }

    /// Ends a session (signing out).
    public func deleteSession(tokenSHA256: String) throws {
        try transaction { try connection.query("DELETE FROM sessions WHERE token_sha256 = $1", [tokenSHA256]) }
    }

    /// Records a failed sign-in for the rate limit, forgetting those older than `forgetBefore`.
    public func recordFailedSignIn(employeeName: String, at: Int64, forgetBefore: Int64) throws {
        try transaction {
            try connection.query("DELETE FROM failed_sign_ins WHERE at < $1", [String(forgetBefore)])
            try connection.query("INSERT INTO failed_sign_ins(employee_name, at) VALUES ($1, $2)", [employeeName, String(at)])
        }
    }

    /// The times (seconds since 1970, oldest first) of the failed sign-ins for a name since `since`.
    public func failedSignIns(employeeName: String, since: Int64) throws -> [Int64] {
        let r = try connection.query("SELECT at FROM failed_sign_ins WHERE employee_name = $1 AND at >= $2 ORDER BY at",
                                     [employeeName, String(since)])
        return (0..<r.rowCount).map { r.int($0, 0) }
    }

    /// Forgets a name's failed sign-ins (after a successful one).
    public func clearFailedSignIns(employeeName: String) throws {
        try transaction { try connection.query("DELETE FROM failed_sign_ins WHERE employee_name = $1", [employeeName]) }
    }

    // MARK: Pending uploads

    /// Records an upload waiting in the page; returns the IDs of those older than `forgetBefore`,
    /// which it forgets (the caller removes their files).
    public func addPendingImport(_ pending: PendingImport, forgetBefore: Int64) throws -> [String] {
        try transaction {
            let old = try connection.query("DELETE FROM pending_imports WHERE created_at < $1 RETURNING id", [String(forgetBefore)])
            try connection.query("""
                INSERT INTO pending_imports(id, employee_id, file_name, extension, options_json, created_at) VALUES ($1, $2, $3, $4, $5, $6)
                """, [pending.id, String(pending.employeeID), pending.fileName, pending.fileExtension, pending.optionsJSON,
                      String(pending.createdAt)])
            return (0..<old.rowCount).map { old.text($0, 0) }.sorted()
        }
    }

    /// The pending upload with this ID, if it belongs to this employee.
    public func pendingImport(id: String, employeeID: Int64) throws -> PendingImport? {
        let r = try connection.query("""
            SELECT file_name, extension, options_json, created_at FROM pending_imports WHERE id = $1 AND employee_id = $2
            """, [id, String(employeeID)])
        guard r.rowCount > 0 else { return nil }
        return PendingImport(id: id, employeeID: employeeID, fileName: r.text(0, 0), fileExtension: r.text(0, 1),
                             optionsJSON: r.text(0, 2), createdAt: r.int(0, 3))
    }

    /// Records that the saved copy now has another extension (after fixes were written as CSV).
    public func setPendingImportExtension(id: String, fileExtension: String) throws {
        try transaction { try connection.query("UPDATE pending_imports SET extension = $1 WHERE id = $2", [fileExtension, id]) }
    }

    /// Forgets a pending upload (imported or abandoned).
    public func removePendingImport(id: String) throws {
        try transaction { try connection.query("DELETE FROM pending_imports WHERE id = $1", [id]) }
    }

    // MARK: Search

    /// The clients whose name, last name, email or phone contains `query`, as on SQLite: A-Z
    /// matched without case and nothing else folded (SQLite's LIKE; PostgreSQL's ILIKE would
    /// fold É too), a phone by its digits, in ID order, `limit` from `offset`. An empty query
    /// lists every client.
    public func searchClients(query: String, offset: Int, limit: Int) throws -> ClientPage {
        let search = ClientSearch(query)
        func folded(_ expression: String) -> String { PostgresSchema.foldedEmail(expression) }
        // A phone is matched in the row's JSON array (stored as written): a pattern of digits
        // cannot span two numbers, since the `","` between them is not digits.
        let condition = """
            c.deleted_batch IS NULL AND ($1::text = '' OR \(folded("c.name")) LIKE \(folded("$2::text")) ESCAPE '\\'
                OR \(folded("c.last_name")) LIKE \(folded("$2::text")) ESCAPE '\\'
                OR \(folded("c.name || ' ' || c.last_name")) LIKE \(folded("$2::text")) ESCAPE '\\'
                OR \(folded("c.email")) LIKE \(folded("$2::text")) ESCAPE '\\'
                OR ($3::text <> '' AND c.phones::text LIKE $4::text))
            """
        let values: [String?] = search.parameters
        let total = Int(try connection.query("SELECT COUNT(*) FROM clients c WHERE \(condition)", values).int(0, 0))
        let ids = try connection.query("SELECT c.id FROM clients c WHERE \(condition) ORDER BY c.id LIMIT $5 OFFSET $6",
                                       values + [String(max(0, limit)), String(max(0, offset))])
        return ClientPage(total: total, clients: try (0..<ids.rowCount).compactMap { try client(id: ids.int($0, 0)) })
    }
}
