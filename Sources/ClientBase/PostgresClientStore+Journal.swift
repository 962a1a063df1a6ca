import Foundation

extension PostgresClientStore {
    /// Opens a journal entry for an import (call inside `transaction`).
    public func beginBatch(_ source: BatchSource) throws -> Int64 {
        let id = try newID("batches")
        try connection.query("""
            INSERT INTO batches(id, kind, state, file_name, file_sha256, rule_set, plugin, employee_id, started_at)
            VALUES ($1, 'import', 'imported', $2, $3, $4, $5, $6, $7)
            """, [String(id), source.fileName, source.fileSHA256, source.ruleSet, source.plugin,
                  source.employeeID.map { String($0) }, SQLiteClientStore.now()])
        return id
    }

    /// Records a batch's counts and its finishing time.
    public func finishBatch(_ id: Int64, counts: BatchCounts) throws {
        try connection.query("""
            UPDATE batches SET rows = $2, created = $3, updated = $4, unchanged = $5, balance_corrections = $6,
                finished_at = $7 WHERE id = $1
            """, [String(id), String(counts.rows), String(counts.created), String(counts.updated), String(counts.unchanged),
                  String(counts.balanceCorrections), SQLiteClientStore.now()])
    }

    /// The journal, oldest first.
    public func history() throws -> [Batch] {
        let s = try connection.query("""
            SELECT b.id, b.kind, b.state, b.file_name, b.file_sha256, b.rule_set, b.plugin, e.name, b.rows, b.created,
                b.updated, b.unchanged, b.balance_corrections, b.undoes_batch, b.started_at, b.finished_at
            FROM batches b LEFT JOIN employees e ON e.id = b.employee_id ORDER BY b.id
            """)
        return (0..<s.rowCount).map { r in
            Batch(
                id: s.int(r, 0), kind: Batch.Kind(rawValue: s.text(r, 1)) ?? .import, state: Batch.State(rawValue: s.text(r, 2)) ?? .imported,
                fileName: s.text(r, 3), fileSHA256: s.text(r, 4), ruleSet: s.text(r, 5), plugin: s.text(r, 6), employee: s.optionalText(r, 7),
                counts: BatchCounts(rows: Int(s.int(r, 8)), created: Int(s.int(r, 9)), updated: Int(s.int(r, 10)),
                                    unchanged: Int(s.int(r, 11)), balanceCorrections: Int(s.int(r, 12))),
                undoesBatch: s.optionalInt(r, 13), startedAt: s.text(r, 14), finishedAt: s.optionalText(r, 15))
        }
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
    /// number and counts; with `commit` false, rolls it all back (`undo --dry-run`).
    public func undo(batch id: Int64, employeeID: Int64?, comment: String, commit: Bool) throws -> (id: Int64, counts: BatchCounts) {
        try transaction(commit: commit) {
            let batchID = String(id)
            let batchRow = try connection.query("SELECT kind, state FROM batches WHERE id = $1", [batchID])
            guard batchRow.rowCount > 0 else { throw StoreError(.notFound, "there is no batch \(id); `clientimport history` lists them") }
            guard batchRow.text(0, 0) == "import" else { throw StoreError(.invalid, "batch \(id) is an undo; it cannot be undone") }
            guard batchRow.text(0, 1) == "imported" else { throw StoreError(.conflict, "batch \(id) was undone already") }

            // A later batch cannot have created one of this batch's clients (IDs are never
            // reused), so only its `batch_changes` rows are compared with this batch's clients.
            let later = try connection.query("""
                SELECT later.batch_id FROM batch_changes mine
                JOIN batch_changes later ON later.client_id = mine.client_id AND later.batch_id > mine.batch_id
                JOIN batches b ON b.id = later.batch_id AND b.state = 'imported'
                WHERE mine.batch_id = $1
                UNION
                SELECT later.batch_id FROM batch_created_clients mine
                JOIN batch_changes later ON later.client_id BETWEEN mine.first_client_id AND mine.last_client_id
                    AND later.batch_id > mine.batch_id
                JOIN batches b ON b.id = later.batch_id AND b.state = 'imported'
                WHERE mine.batch_id = $1
                ORDER BY 1
                """, [batchID])
            if later.rowCount > 0 {
                let list = (0..<later.rowCount).map { String(later.int($0, 0)) }.joined(separator: ", ")
                throw StoreError(.conflict, "batch \(id) cannot be undone: later batch \(list) changed the same clients; undo \(later.rowCount == 1 ? "it" : "them") first")
            }

            let undoID = try newID("batches")
            try connection.query("""
                INSERT INTO batches(id, kind, state, file_name, employee_id, undoes_batch, started_at)
                VALUES ($1, 'undo', 'done', (SELECT file_name FROM batches WHERE id = $2), $3, $2, $4)
                """, [String(undoID), batchID, employeeID.map { String($0) }, SQLiteClientStore.now()])
            var counts = BatchCounts()

            let reversals = try connection.query("""
                SELECT client_id, SUM(amount) FROM balance_ledger WHERE batch_id = $1 GROUP BY client_id HAVING SUM(amount) <> 0
                ORDER BY client_id
                """, [batchID])
            for row in 0..<reversals.rowCount {
                guard let amount = Int64(reversals.text(row, 1)) else {
                    throw StoreError(.corrupt, "the balance changes of batch \(id) do not fit in 64 bits")
                }
                try appendLedgerEntry(clientID: reversals.int(row, 0), amount: -amount, comment: comment, batch: undoID,
                                      employeeID: employeeID, first: false)
                counts.balanceCorrections += 1
            }

            let runs = try connection.query("SELECT first_client_id, last_client_id FROM batch_created_clients WHERE batch_id = $1", [batchID])
            for row in 0..<runs.rowCount {
                let first = runs.int(row, 0), last = runs.int(row, 1)
                try connection.query("UPDATE clients SET deleted_batch = $3 WHERE id BETWEEN $1 AND $2",
                                     [String(first), String(last), String(undoID)])
                let count = Int(last - first + 1)
                counts.rows += count
                counts.updated += count
            }

            // A client this batch created and then changed again is removed above; its
            // `batch_changes` row is not restored.
            let changes = try connection.query("""
                SELECT c.client_id, c.kind, c.before_json FROM batch_changes c WHERE c.batch_id = $1
                AND NOT EXISTS (SELECT 1 FROM batch_created_clients r WHERE r.batch_id = $1
                                AND c.client_id BETWEEN r.first_client_id AND r.last_client_id)
                ORDER BY c.client_id
                """, [batchID])
            for row in 0..<changes.rowCount {
                let clientID = changes.int(row, 0)
                counts.rows += 1
                switch changes.text(row, 1) {
                case "updated":
                    guard let before = changes.optionalText(row, 2),
                          let previous = try? JSONDecoder().decode(Client.self, from: Data(before.utf8)),
                          let current = try client(id: clientID) else {
                        throw StoreError(.corrupt, "the journal of batch \(id) lacks the earlier state of client \(clientID)")
                    }
                    try updateClient(previous, previous: current, batch: undoID, sourceRow: nil)
                    counts.updated += 1
                default:
                    counts.unchanged += 1
                }
            }
            try connection.query("UPDATE batches SET state = 'undone' WHERE id = $1", [batchID])
            try finishBatch(undoID, counts: counts)
            return (undoID, counts)
        }
    }
}
