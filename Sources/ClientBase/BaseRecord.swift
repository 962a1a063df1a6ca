/// One piece of a whole base as `BaseCopying` moves it between backends.
public enum BaseRecord: Sendable, Equatable {
    /// Always first: everything after refers to settings and employees by name.
    case settings(BaseSettings)
    /// A journal entry (import or undo), by ID; before the clients and entries that name it.
    case batch(Batch)
    /// A client row, also one an undo removed (kept for the journal and the ledger).
    case client(StoredClient)
    /// One entry of a client's ledger; a client's entries come in their order.
    case ledgerEntry(LedgerEntry)
    /// What a batch did to a client it updated, or whose balance alone it corrected.
    case change(BatchChange)
    /// Clients a batch created: a run of consecutive IDs.
    case createdClients(CreatedClients)
}

/// The settings and staff of a base, each list in the order it was added.
public struct BaseSettings: Sendable, Equatable {
    public var marketingSources: [String]
    public var priceTypes: [String]
    public var customFields: [CustomFieldDefinition]
    public var roles: [Role]
    public var employees: [StaffMember]
    /// API tokens by SHA-256 (sessions, failed sign-ins and pending uploads are not copied:
    /// they belong to a running server, not to the base's content).
    public var apiTokens: [APIToken]

    public init(marketingSources: [String] = [], priceTypes: [String] = [], customFields: [CustomFieldDefinition] = [],
                roles: [Role] = [], employees: [StaffMember] = [], apiTokens: [APIToken] = []) {
        self.marketingSources = marketingSources; self.priceTypes = priceTypes; self.customFields = customFields
        self.roles = roles; self.employees = employees; self.apiTokens = apiTokens
    }

    /// An employee with their role's name and their password hash, if they have one.
    public struct StaffMember: Sendable, Equatable {
        public var name: String
        public var role: String
        public var passwordHash: String?

        public init(name: String, role: String, passwordHash: String?) {
            self.name = name; self.role = role; self.passwordHash = passwordHash
        }
    }

    public struct APIToken: Sendable, Equatable {
        public var sha256: String
        public var employee: String
        /// ISO 8601 UTC, as the base recorded it.
        public var createdAt: String

        public init(sha256: String, employee: String, createdAt: String) {
            self.sha256 = sha256; self.employee = employee; self.createdAt = createdAt
        }
    }
}

/// A client as stored, with the batches that created and removed it. `client.balance` is not
/// stored: the ledger entries that follow give it.
public struct StoredClient: Sendable, Equatable {
    public var client: Client
    /// `nil` for a client from before the journal recorded it.
    public var createdBatch: Int64?
    /// The undo that removed it, if one did.
    public var removedBatch: Int64?

    public init(client: Client, createdBatch: Int64?, removedBatch: Int64?) {
        self.client = client; self.createdBatch = createdBatch; self.removedBatch = removedBatch
    }
}

/// One ledger entry as stored: its time is kept, not renewed.
public struct LedgerEntry: Sendable, Equatable {
    public var clientID: Int64
    public var amount: ExactDecimal
    public var comment: String
    public var batch: Int64?
    public var employee: String?
    /// ISO 8601 UTC.
    public var at: String

    public init(clientID: Int64, amount: ExactDecimal, comment: String, batch: Int64?, employee: String?, at: String) {
        self.clientID = clientID; self.amount = amount; self.comment = comment
        self.batch = batch; self.employee = employee; self.at = at
    }
}

/// A client a batch updated (with the state undo restores) or whose balance alone it corrected.
public struct BatchChange: Sendable, Equatable {
    public enum Kind: String, Sendable { case updated, balance }

    public var batch: Int64
    public var clientID: Int64
    public var kind: Kind
    public var sourceRow: Int64?
    /// The client before the batch (for `updated`).
    public var before: Client?

    public init(batch: Int64, clientID: Int64, kind: Kind, sourceRow: Int64?, before: Client?) {
        self.batch = batch; self.clientID = clientID; self.kind = kind; self.sourceRow = sourceRow; self.before = before
    }
}

/// Clients `batch` created, IDs `first` through `last`.
public struct CreatedClients: Sendable, Equatable {
    public var batch: Int64
    public var first: Int64
    public var last: Int64

    public init(batch: Int64, first: Int64, last: Int64) {
        self.batch = batch; self.first = first; self.last = last
    }
}

extension BaseRecord {
    /// What a base that is not new holds, for the message that refuses to copy into it:
    /// "3 clients, 1 batch, settings".
    static func contents(clients: Int64, batches: Int64, settings: Bool) -> String {
        func count(_ n: Int64, _ one: String, _ many: String) -> String? { n > 0 ? "\(n) \(n == 1 ? one : many)" : nil }
        return [count(clients, "client", "clients"), count(batches, "batch", "batches"), settings ? "settings" : nil]
            .compactMap { $0 }.joined(separator: ", ")
    }
}

