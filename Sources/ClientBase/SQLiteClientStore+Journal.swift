import Foundation

extension SQLiteClientStore {
    /// Opens a journal entry for an import (call inside `transaction`).
    public func beginBatch(_ source: BatchSource) throws -> Int64 {
        try connection.statement("""
            INSERT INTO batches(kind, state, file_name, file_sha256, rule_set, plugin, employee_id, started_at)
            VALUES ('import', 'imported', ?1, ?2, ?3, ?4, ?5, ?6)
            """).bind(.text(source.fileName), .text(source.fileSHA256), .text(source.ruleSet), .text(source.plugin),
                      .optional(source.employeeID), .text(Self.now())).run()
        return connection.lastInsertRowID
    }

    /// Records a batch's counts and its finishing time.
    public func finishBatch(_ id: Int64, counts: BatchCounts) throws {
        try connection.statement("""
            UPDATE batches SET rows = ?2, created = ?3, updated = ?4, unchanged = ?5, balance_corrections = ?6,
                finished_at = ?7 WHERE id = ?1
            """).bind(.integer(id), .integer(Int64(counts.rows)), .integer(Int64(counts.created)),
                      .integer(Int64(counts.updated)), .integer(Int64(counts.unchanged)),
                      .integer(Int64(counts.balanceCorrections)), .text(Self.now())).run()
    }

    /// The journal, oldest first.
    public func history() throws -> [Batch] {
        let statement = try connection.statement("""
            SELECT b.id, b.kind, b.state, b.file_name, b.file_sha256, b.rule_set, b.plugin, e.name, b.rows, b.created,
                b.updated, b.unchanged, b.balance_corrections, b.undoes_batch, b.started_at, b.finished_at
            FROM batches b LEFT JOIN employees e ON e.id = b.employee_id ORDER BY b.id
            """)
        var result: [Batch] = []
        while try statement.step() {
            let s = statement
            result.append(Batch(
                id: s.int(0), kind: Batch.Kind(rawValue: s.text(1)) ?? .import, state: Batch.State(rawValue: s.text(2)) ?? .imported,
                fileName: s.text(3), fileSHA256: s.text(4), ruleSet: s.text(5), plugin: s.text(6), employee: s.optionalText(7),
                counts: BatchCounts(rows: Int(s.int(8)), created: Int(s.int(9)), updated: Int(s.int(10)),
                                    unchanged: Int(s.int(11)), balanceCorrections: Int(s.int(12))),
                undoesBatch: s.optionalInt(13), startedAt: s.text(14), finishedAt: s.optionalText(15)))
        }
        return result
    }

    /// Reverses an import: restores the clients it updated, removes the ones it created and
    /// writes reversing ledger entries for its balance corrections (the ledger is append-only).
    ///
    /// Refuses, changing nothing, when a later import touched one of those clients.
    /// - Returns: the new undo batch's ID.
    @discardableResult
    public func undo(batch id: Int64, employeeID: Int64?, comment: String) throws -> Int64 {
        try undo(batch: id, employeeID: employeeID, comment: comment, commit: true).id
    }

    /// Undoes batch `id` as `undo(batch:employeeID:comment:)` does and returns the undo entry's
    /// number and counts; with `commit` false, rolls it all back: `undo --dry-run` checks and
    /// counts exactly what the undo would do, with the same refusals, changing nothing.
    public func undo(batch id: Int64, employeeID: Int64?, comment: String, commit: Bool) throws -> (id: Int64, counts: BatchCounts) {
        try transaction(commit: commit) {
            let batchRow = try connection.statement("SELECT kind, state FROM batches WHERE id = ?1").bind(.integer(id))
            guard try batchRow.step() else { throw StoreError(.notFound, "there is no batch \(id); `clientimport history` lists them") }
            guard batchRow.text(0) == "import" else { throw StoreError(.invalid, "batch \(id) is an undo; it cannot be undone") }
            guard batchRow.text(1) == "imported" else { throw StoreError(.conflict, "batch \(id) was undone already") }

            // A later batch cannot have created one of this batch's clients (IDs are never
            // reused), so only its `batch_changes` rows are compared with this batch's clients:
            // its created runs and its own `batch_changes` rows.
            let later = try connection.statement("""
                SELECT later.batch_id FROM batch_changes mine
                JOIN batch_changes later ON later.client_id = mine.client_id AND later.batch_id > mine.batch_id
                JOIN batches b ON b.id = later.batch_id AND b.state = 'imported'
                WHERE mine.batch_id = ?1
                UNION
                SELECT later.batch_id FROM batch_created_clients mine
                JOIN batch_changes later ON later.client_id BETWEEN mine.first_client_id AND mine.last_client_id
                    AND later.batch_id > mine.batch_id
                JOIN batches b ON b.id = later.batch_id AND b.state = 'imported'
                WHERE mine.batch_id = ?1
                ORDER BY 1
                """).bind(.integer(id))
            var blocking: [Int64] = []
            while try later.step() { blocking.append(later.int(0)) }
            if !blocking.isEmpty {
                let list = blocking.map(String.init).joined(separator: ", ")
                throw StoreError(.conflict, "batch \(id) cannot be undone: later batch \(list) changed the same clients; undo \(blocking.count == 1 ? "it" : "them") first")
            }

            try connection.statement("""
                INSERT INTO batches(kind, state, file_name, employee_id, undoes_batch, started_at)
                VALUES ('undo', 'done', (SELECT file_name FROM batches WHERE id = ?1), ?2, ?1, ?3)
                """).bind(.integer(id), .optional(employeeID), .text(Self.now())).run()
            let undoID = connection.lastInsertRowID
            var counts = BatchCounts()

            let reversals = try connection.statement("""
                SELECT client_id, SUM(amount) FROM balance_ledger WHERE batch_id = ?1 GROUP BY client_id HAVING SUM(amount) <> 0
                """).bind(.integer(id))
            var toReverse: [(Int64, Int64)] = []
            while try reversals.step() { toReverse.append((reversals.int(0), reversals.int(1))) }
            for (clientID, amount) in toReverse {
                try connection.statement(.appendLedgerEntry).bind(1, clientID).bind(2, -amount).bind(3, comment)
                    .bind(4, undoID).bind(5, employeeID).bind(6, Self.now()).run()
                counts.balanceCorrections += 1
            }

            let createdRuns = try connection.statement(
                "SELECT first_client_id, last_client_id FROM batch_created_clients WHERE batch_id = ?1").bind(.integer(id))
            var runs: [(Int64, Int64)] = []
            while try createdRuns.step() { runs.append((createdRuns.int(0), createdRuns.int(1))) }
            for (first, last) in runs {
                try connection.statement("UPDATE clients SET deleted_batch = ?3 WHERE id BETWEEN ?1 AND ?2")
                    .bind(.integer(first), .integer(last), .integer(undoID)).run()
                let count = Int(last - first + 1)
                counts.rows += count
                counts.updated += count
            }

            // A client this batch created and then changed again (a later row of the same file)
            // is removed above; its `batch_changes` row is not restored.
            let changes = try connection.statement("""
                SELECT c.client_id, c.kind, c.before_json FROM batch_changes c WHERE c.batch_id = ?1
                AND NOT EXISTS (SELECT 1 FROM batch_created_clients r WHERE r.batch_id = ?1
                                AND c.client_id BETWEEN r.first_client_id AND r.last_client_id)
                ORDER BY c.client_id
                """).bind(.integer(id))
            var rows: [(Int64, String, String?)] = []
            while try changes.step() { rows.append((changes.int(0), changes.text(1), changes.optionalText(2))) }
            for (clientID, kind, before) in rows {
                counts.rows += 1
                switch kind {
                case "updated":
                    guard let before, let previous = try? JSONDecoder().decode(Client.self, from: Data(before.utf8)),
                          let current = try client(id: clientID) else {
                        throw StoreError(.corrupt, "the journal of batch \(id) lacks the earlier state of client \(clientID)")
                    }
                    try updateClient(previous, previous: current, batch: undoID, sourceRow: nil)
                    counts.updated += 1
                default:
                    counts.unchanged += 1
                }
            }
            try connection.statement("UPDATE batches SET state = 'undone' WHERE id = ?1").bind(.integer(id)).run()
            try finishBatch(undoID, counts: counts)
            return (undoID, counts)
        }
    }
}
