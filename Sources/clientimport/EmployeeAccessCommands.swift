import ArgumentParser
import ClientBase
import Foundation
import Server
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension EmployeesCommand {
    /// `employees password NAME`: the password an employee signs in to `serve` with.
    struct Password: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set an employee's password for `serve` (asked twice on a terminal, else one line from standard input).")
        @OptionGroup var base: BaseOptions
        @Argument(help: "The employee's name.") var name: String

        func run() throws {
            try reportingFailures {
                let store = try base.open()
                guard try store.employee(named: name) != nil else {
                    throw StoreError(.notFound, "there is no employee \"\(name)\"; add one with `clientimport employees add \(name) --role ROLE`")
                }
                let password = try readNewPassword(for: name)
                let hash: String
                do { hash = try Credentials.hashPassword(password) } catch let error as CredentialError {
                    throw ValidationError(error.message)
                }
                try store.setPasswordHash(hash, employee: name)
                print("Set the password of \(name); they can sign in to `clientimport serve`.")
            }
        }
    }

    /// `employees token NAME [--revoke]`: a bearer token for the HTTP API.
    struct Token: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a new API token for an employee (Authorization: Bearer TOKEN), or revoke all of theirs.",
            discussion: "The base keeps only a digest of the token: it is printed once; keep it somewhere safe.")
        @OptionGroup var base: BaseOptions
        @Argument(help: "The employee's name.") var name: String
        @Flag(help: "Revoke every API token of this employee instead.") var revoke = false

        func run() throws {
            try reportingFailures {
                let store = try base.open()
                if revoke {
                    let count = try store.revokeAPITokens(employee: name)
                    print("Revoked \(count) API token\(count == 1 ? "" : "s") of \(name).")
                    return
                }
                let token = Credentials.newToken()
                try store.addAPIToken(sha256: Credentials.digest(ofToken: token), employee: name)
                print(token)
            }
        }
    }
}

/// A new password: asked twice without echo on a terminal, else the first line of standard input
/// (for scripts: `echo "$PASSWORD" | clientimport employees password Léa`).
private func readNewPassword(for name: String) throws -> String {
    guard isatty(STDIN_FILENO) != 0 else {
        guard let line = readLine(strippingNewline: true), !line.isEmpty else {
            throw ValidationError("no password on standard input: give it as one line, e.g. `printf '%s\\n' \"$PASSWORD\" | clientimport employees password \(name)`")
        }
        return line
    }
    let first = try askWithoutEcho("New password for \(name): ")
    if let problem = Credentials.problem(withPassword: first) { throw ValidationError(problem) }
    let second = try askWithoutEcho("The same password again: ")
    guard first == second else { throw ValidationError("the two passwords differ; nothing was changed") }
    return first
}

/// Reads one line from the terminal with echo off, restoring the terminal whatever happens.
private func askWithoutEcho(_ prompt: String) throws -> String {
    FileHandle.standardError.write(Data(prompt.utf8))
    var saved = termios()
    tcgetattr(STDIN_FILENO, &saved)
    var silent = saved
    silent.c_lflag &= ~tcflag_t(ECHO)
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &silent)
    defer {
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved)
        FileHandle.standardError.write(Data("\n".utf8))
    }
    guard let line = readLine(strippingNewline: true) else { throw ValidationError("no password given") }
    return line
}
