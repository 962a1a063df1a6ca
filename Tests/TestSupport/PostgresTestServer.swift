import Foundation

/// The PostgreSQL server the store's PostgreSQL cases run against: its URL comes from
/// `$CLIENTIMPORT_TEST_POSTGRES` (`export CLIENTIMPORT_TEST_POSTGRES="$(scripts/postgres-cluster.sh start)"`;
/// `.ci/run` does this). Without it those cases are skipped with `skipReason`, except in CI
/// (`CI=true`), where they run and fail: CI always has a server.
public enum PostgresTestServer {
    /// The server's URL (without `schema=`), when one is configured.
    public static let url: String? = {
        let value = ProcessInfo.processInfo.environment["CLIENTIMPORT_TEST_POSTGRES"] ?? ""
        return value.isEmpty ? nil : value
    }()

    /// Whether the PostgreSQL cases run: a server is configured, or this is CI (where a missing
    /// server must fail the run rather than skip quietly).
    public static let casesRun: Bool = url != nil || ProcessInfo.processInfo.environment["CI"] == "true"

    /// Why the PostgreSQL cases did not run.
    public static let skipReason =
        "no PostgreSQL server: set CLIENTIMPORT_TEST_POSTGRES to its URL, e.g. export CLIENTIMPORT_TEST_POSTGRES=\"$(scripts/postgres-cluster.sh start)\""

    /// The configured URL; in CI without one, a failure that says what is missing.
    public static func requireURL() throws -> String {
        guard let url else {
            throw MissingServer()
        }
        return url
    }

    /// The URL of a new, empty base: a schema of its own on the test server, named at random,
    /// so every case starts fresh and cases never meet.
    public static func freshBaseURL(prefix: String = "test") throws -> String {
        let base = try requireURL()
        return base + (base.contains("?") ? "&" : "?") + "schema=\(prefix)_\(randomSuffix())"
    }

    /// `base` with its `schema=` parameter set to `schema`.
    public static func url(_ base: String, schema: String) -> String {
        base + (base.contains("?") ? "&" : "?") + "schema=\(schema)"
    }

    public static func randomSuffix() -> String {
        UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16).description
    }

    public struct MissingServer: Error, CustomStringConvertible {
        public var description: String {
            "CI=true but CLIENTIMPORT_TEST_POSTGRES is not set: start a server with scripts/postgres-cluster.sh start and export its URL (.ci/run does)"
        }
    }
}
