@testable import ClientBase
import Testing

/// `--db` and `$CLIENTIMPORT_DB` read in one place (issue 15): a PostgreSQL URL or a SQLite path.
@Suite struct BaseLocationTests {
    @Test(arguments: [
        "postgresql://léa@db.example:5432/shop?schema=paris",
        "postgres://localhost/shop",
        "POSTGRESQL://u@h/d",
        "PostGres://u@h/d",
        "postgresql://",
    ])
    func postgresURLsSelectPostgreSQL(_ text: String) {
        #expect(BaseLocation(parsing: text) == .postgres(url: text))
        #expect(BaseLocation(parsing: text).sqlitePath == nil)
    }

    @Test(arguments: [
        "clients.sqlite", "postgres", "postgresql", "./postgres", "postgres/base.sqlite", "C:base.sqlite",
        "backup:2026-12-07.sqlite", "postgresql:/one-slash", "postgresql:base", "./postgresql://x", " postgresql://x",
        "/var/lib/shop/clients.sqlite", "", "mysql://u@h/d", "file:clients.sqlite",
    ])
    func anythingElseIsASQLitePath(_ text: String) {
        #expect(BaseLocation(parsing: text) == .sqlite(path: text))
        #expect(BaseLocation(parsing: text).description == text)
    }

    @Test func theOptionWinsOverTheEnvironmentWhichWinsOverTheDefault() {
        let environment = ["CLIENTIMPORT_DB": "postgres://h/env"]
        #expect(BaseLocation(option: "given.sqlite", environment: environment) == .sqlite(path: "given.sqlite"))
        #expect(BaseLocation(option: nil, environment: environment) == .postgres(url: "postgres://h/env"))
        #expect(BaseLocation(option: nil, environment: [:]) == .sqlite(path: "clients.sqlite"))
        // Set but empty is unset, as before.
        #expect(BaseLocation(option: nil, environment: ["CLIENTIMPORT_DB": ""]) == .sqlite(path: "clients.sqlite"))
        #expect(BaseLocation(option: "postgresql://u@h/d", environment: [:]) == .postgres(url: "postgresql://u@h/d"))
    }

    @Test(arguments: [
        ("postgresql://user:secret@host:5432/db", "postgresql://user:***@host:5432/db"),
        ("postgresql://user:secret@host:5432/db?schema=paris", "postgresql://user:***@host:5432/db?schema=paris"),
        ("postgres://user@host/db", "postgres://user@host/db"),
        ("postgres://host/db", "postgres://host/db"),
        ("postgresql://user:p@ss/w:rd@host/db", "postgresql://user:***@host/db"),
        ("postgresql://user:%40secret@host/db", "postgresql://user:***@host/db"),
        ("postgresql://:secret@host/db", "postgresql://:***@host/db"),
        ("postgresql://user@host/db?password=secret&schema=s", "postgresql://user@host/db?password=***&schema=s"),
        ("postgresql://user@host/db?schema=s&PASSWORD=secret", "postgresql://user@host/db?schema=s&PASSWORD=***"),
        ("postgresql://user:a@host/db?password=b", "postgresql://user:***@host/db?password=***"),
        ("POSTGRESQL://user:secret@host/db", "POSTGRESQL://user:***@host/db"),
        ("postgresql://user@host/db?passwordx=keep", "postgresql://user@host/db?passwordx=keep"),
    ])
    func aDescriptionNeverShowsAPassword(_ url: String, _ shown: String) {
        let location = BaseLocation(parsing: url)
        #expect(location.description == shown)
        #expect(!location.description.contains("secret"))
        // The URL itself is kept as typed, for the connection.
        #expect(location == .postgres(url: url))
    }
}
