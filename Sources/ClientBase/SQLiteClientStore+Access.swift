/// A signed-in browser: whose session it is and the token its forms must carry.
public struct Session: Sendable, Equatable {
    public var employee: Employee
    /// The CSRF token of this session's forms (compared with each form's hidden field).
    public var csrfToken: String
    /// Seconds since 1970 after which the session is refused.
    public var expiresAt: Int64
}

/// Who may sign in to `serve` and how: password hashes, API tokens, sessions and failed sign-ins.
/// Secrets arrive hashed (bcrypt for passwords, SHA-256 of a random token otherwise): the base
/// never holds one in the clear. Everything lives in the base, not in a process's memory, so
/// several `serve` processes on one base share them.
extension SQLiteClientStore {
    /// Sets an employee's password hash (a bcrypt string made by the caller).
    public func setPasswordHash(_ hash: String, employee name: String) throws {
        try transaction {
            try connection.statement("UPDATE employees SET password_hash = ?1 WHERE name = ?2").bind(.text(hash), .text(name)).run()
            guard connection.changes > 0 else { throw try unknownEmployee(name) }
            // A new password ends every session of the old one.
            try connection.statement("DELETE FROM sessions WHERE employee_id = (SELECT id FROM employees WHERE name = ?1)")
                .bind(.text(name)).run()
        }
    }

    /// The employee and their password hash; `nil` when there is no such employee or they have no password.
    public func passwordHash(employee name: String) throws -> (employee: Employee, hash: String)? {
        let statement = try connection.statement("SELECT password_hash FROM employees WHERE name = ?1").bind(.text(name))
        guard try statement.step(), let hash = statement.optionalText(0), let employee = try employee(named: name) else { return nil }
        return (employee, hash)
    }

    /// Whether any employee may sign in: `serve` refuses to start otherwise.
    public func anyEmployeeHasPassword() throws -> Bool {
        let statement = try connection.statement("SELECT 1 FROM employees WHERE password_hash IS NOT NULL LIMIT 1")
        return try statement.step()
    }

    /// Records a new API token (its SHA-256, lowercase hex) for an employee.
    public func addAPIToken(sha256: String, employee name: String) throws {
        try transaction {
            guard let employee = try employee(named: name) else { throw try unknownEmployee(name) }
            try connection.statement("INSERT INTO api_tokens(token_sha256, employee_id, created_at) VALUES (?1, ?2, ?3)")
                .bind(.text(sha256), .integer(employee.id), .text(Self.now())).run()
        }
    }

    /// Revokes every API token of an employee; returns how many there were.
    @discardableResult
    public func revokeAPITokens(employee name: String) throws -> Int {
        try transaction {
            guard let employee = try employee(named: name) else { throw try unknownEmployee(name) }
            try connection.statement("DELETE FROM api_tokens WHERE employee_id = ?1").bind(.integer(employee.id)).run()
            return connection.changes
        }
    }

    /// The employee an API token (by its SHA-256) belongs to, if it is still valid.
    public func employee(apiTokenSHA256 sha256: String) throws -> Employee? {
        let statement = try connection.statement("SELECT employee_id FROM api_tokens WHERE token_sha256 = ?1").bind(.text(sha256))
        guard try statement.step() else { return nil }
        return try employee(id: statement.int(0))
    }

    /// Opens a session (its token's SHA-256) and drops the sessions that have expired.
    public func createSession(tokenSHA256: String, employeeID: Int64, csrfToken: String, expiresAt: Int64, now: Int64) throws {
        try transaction {
            try connection.statement("DELETE FROM sessions WHERE expires_at <= ?1").bind(.integer(now)).run()
            try connection.statement("INSERT INTO sessions(token_sha256, employee_id, csrf_token, expires_at) VALUES (?1, ?2, ?3, ?4)")
                .bind(.text(tokenSHA256), .integer(employeeID), .text(csrfToken), .integer(expiresAt)).run()
        }
    }

    /// The session with this token's SHA-256, unless it has expired.
    public func session(tokenSHA256: String, now: Int64) throws -> Session? {
        let statement = try connection.statement("SELECT employee_id, csrf_token, expires_at FROM sessions WHERE token_sha256 = ?1 AND expires_at > ?2")
            .bind(.text(tokenSHA256), .integer(now))
        guard try statement.step() else { return nil }
        let employeeID = statement.int(0), csrf = statement.text(1), expiresAt = statement.int(2)
        guard let employee = try employee(id: employeeID) else { return nil }
        return Session(employee: employee, csrfToken: csrf, expiresAt: expiresAt)
    }

    /// Ends a session (signing out).
    public func deleteSession(tokenSHA256: String) throws {
        try transaction {
            try connection.statement("DELETE FROM sessions WHERE token_sha256 = ?1").bind(.text(tokenSHA256)).run()
        }
    }

    /// Records a failed sign-in for the rate limit, forgetting those older than `forgetBefore`.
    public func recordFailedSignIn(employeeName: String, at: Int64, forgetBefore: Int64) throws {
        try transaction {
            try connection.statement("DELETE FROM failed_sign_ins WHERE at < ?1").bind(.integer(forgetBefore)).run()
            try connection.statement("INSERT INTO failed_sign_ins(employee_name, at) VALUES (?1, ?2)")
                .bind(.text(employeeName), .integer(at)).run()
        }
    }

    /// The times (seconds since 1970, oldest first) of the failed sign-ins for a name since `since`.
    public func failedSignIns(employeeName: String, since: Int64) throws -> [Int64] {
        let statement = try connection.statement("SELECT at FROM failed_sign_ins WHERE employee_name = ?1 AND at >= ?2 ORDER BY at")
            .bind(.text(employeeName), .integer(since))
        var times: [Int64] = []
        while try statement.step() { times.append(statement.int(0)) }
        return times
    }

    /// Forgets a name's failed sign-ins (after a successful one).
    public func clearFailedSignIns(employeeName: String) throws {
        try transaction {
            try connection.statement("DELETE FROM failed_sign_ins WHERE employee_name = ?1").bind(.text(employeeName)).run()
        }
    }

    /// One employee by name, with their role's rights.
    public func employee(named name: String) throws -> Employee? {
        try employee(where: "e.name = ?1", .text(name))
    }

    /// One employee by ID, with their role's rights.
    public func employee(id: Int64) throws -> Employee? {
        try employee(where: "e.id = ?1", .integer(id))
    }

    private func employee(where condition: String, _ value: SQLValue) throws -> Employee? {
        let statement = try connection.statement("""
            SELECT e.id, e.name, r.name, r.can_adjust_balance, r.can_manage_settings, e.password_hash IS NOT NULL
            FROM employees e JOIN roles r ON r.id = e.role_id WHERE \(condition)
            """).bind(value)
        guard try statement.step() else { return nil }
        return Employee(id: statement.int(0), name: statement.text(1), role: statement.text(2), canAdjustBalance: statement.int(3) != 0,
                        canManageSettings: statement.int(4) != 0, hasPassword: statement.int(5) != 0)
    }

    private func unknownEmployee(_ name: String) throws -> StoreError {
        let known = try catalog().employees.map(\.name).joined(separator: ", ")
        return StoreError(.notFound, "there is no employee \"\(name)\" (employees: \(known)); add one with `clientimport employees add`")
    }
}

/// An upload checked in the page, waiting for fixes or confirmation.
public struct PendingImport: Sendable, Equatable {
    /// Random hex: names the file on disk and appears in the page's URLs.
    public var id: String
    public var employeeID: Int64
    /// The name the browser gave, for display and the journal.
    public var fileName: String
    /// The saved copy's extension (from a fixed list), which decides how it is read.
    public var fileExtension: String
    /// The import's options as the form chose them (language, on-duplicate policy), as JSON text.
    public var optionsJSON: String
    public var createdAt: Int64

    public init(id: String, employeeID: Int64, fileName: String, fileExtension: String, optionsJSON: String, createdAt: Int64) {
        self.id = id; self.employeeID = employeeID; self.fileName = fileName; self.fileExtension = fileExtension
        self.optionsJSON = optionsJSON; self.createdAt = createdAt
    }
}

extension SQLiteClientStore {
    /// Records an upload waiting in the page; returns the IDs of those older than `forgetBefore`,
    /// which it forgets (the caller removes their files).
    public func addPendingImport(_ pending: PendingImport, forgetBefore: Int64) throws -> [String] {
        try transaction {
            let old = try connection.statement("SELECT id FROM pending_imports WHERE created_at < ?1").bind(.integer(forgetBefore))
            var expired: [String] = []
            while try old.step() { expired.append(old.text(0)) }
            old.reset()
            try connection.statement("DELETE FROM pending_imports WHERE created_at < ?1").bind(.integer(forgetBefore)).run()
            try connection.statement("""
                INSERT INTO pending_imports(id, employee_id, file_name, extension, options_json, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                """).bind(.text(pending.id), .integer(pending.employeeID), .text(pending.fileName), .text(pending.fileExtension),
                          .text(pending.optionsJSON), .integer(pending.createdAt)).run()
            return expired
        }
    }

    /// The pending upload with this ID, if it belongs to this employee.
    public func pendingImport(id: String, employeeID: Int64) throws -> PendingImport? {
        let statement = try connection.statement("""
            SELECT file_name, extension, options_json, created_at FROM pending_imports WHERE id = ?1 AND employee_id = ?2
            """).bind(.text(id), .integer(employeeID))
        guard try statement.step() else { return nil }
        return PendingImport(id: id, employeeID: employeeID, fileName: statement.text(0), fileExtension: statement.text(1),
                             optionsJSON: statement.text(2), createdAt: statement.int(3))
    }

    /// Records that the saved copy now has another extension (after fixes were written as CSV).
    public func setPendingImportExtension(id: String, fileExtension: String) throws {
        try transaction {
            try connection.statement("UPDATE pending_imports SET extension = ?1 WHERE id = ?2").bind(.text(fileExtension), .text(id)).run()
        }
    }

    /// Forgets a pending upload (imported or abandoned).
    public func removePendingImport(id: String) throws {
        try transaction {
            try connection.statement("DELETE FROM pending_imports WHERE id = ?1").bind(.text(id)).run()
        }
    }
}
