import HummingbirdBcrypt
import Importer

/// Passwords and random tokens for `serve`: one home for how a secret is made and checked, used
/// by the `employees password|token` commands and by the server.
public enum Credentials {
    /// bcrypt's cost: 2^cost rounds, about a quarter of a second at 12 on this machine's kind —
    /// slow for someone guessing from a stolen base, quick enough for a sign-in.
    public static let defaultCost: UInt8 = 12
    /// Shortest password accepted.
    public static let minimumPasswordLength = 8
    /// Longest password accepted: bcrypt reads only the first 72 bytes, so a longer one would
    /// silently ignore its tail.
    public static let maximumPasswordBytes = 72

    /// The bcrypt hash of `password`, after checking it is long enough and not too long.
    public static func hashPassword(_ password: String, cost: UInt8 = defaultCost) throws -> String {
        if let problem = problem(withPassword: password) { throw CredentialError(problem) }
        return Bcrypt.hash(password, cost: cost)
    }

    /// What is wrong with a new password, or `nil` when it may be used.
    public static func problem(withPassword password: String) -> String? {
        if password.count < minimumPasswordLength {
            return "the password is too short: use at least \(minimumPasswordLength) characters"
        }
        if password.utf8.count > maximumPasswordBytes {
            return "the password is too long: bcrypt reads at most \(maximumPasswordBytes) bytes (UTF-8)"
        }
        if password.contains(where: { $0.isNewline }) { return "the password holds a line break" }
        return nil
    }

    /// Whether `password` matches a stored bcrypt hash.
    public static func verify(_ password: String, hash: String) -> Bool {
        guard password.utf8.count <= maximumPasswordBytes else { return false }
        return Bcrypt.verify(password, hash: hash)
    }

    /// A hash of a password nobody has, checked when the name is unknown so that an unknown name
    /// takes as long to refuse as a wrong password.
    static let decoyHash = Bcrypt.hash("decoy password never given", cost: defaultCost)

    /// A new random token: 32 bytes from the system's secure generator, as 64 hex digits.
    public static func newToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<4).map { _ in
            let word = generator.next() as UInt64
            let hex = String(word, radix: 16)
            return String(repeating: "0", count: 16 - hex.count) + hex
        }.joined()
    }

    /// What the base stores of a token.
    public static func digest(ofToken token: String) -> String {
        TokenDigest.sha256Hex(token)
    }
}

/// A password or token that cannot be used, with what to do.
public struct CredentialError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
