import ClientBase
import Foundation
import Hummingbird

/// Who is looking at a page and in which language: the session cookie, the CSRF token its forms
/// carry, and the words of the page's language.
struct PageVisitor: Sendable {
    var session: Session?
    var language: String
    var words: [String: String] { Localization.words(language) }
}

/// Cookies and forms of the pages.
enum PageCookies {
    static let session = "ci_session"
    static let signInForm = "ci_signin"
    static let language = "ci_lang"

    /// A cookie for this server's pages only: HttpOnly, SameSite=Strict, Secure behind TLS.
    static func make(_ name: String, _ value: String, maxAge: Int, secure: Bool) -> Cookie {
        Cookie(name: name, value: value, maxAge: maxAge, path: "/", secure: secure, httpOnly: true, sameSite: .strict)
    }
}

/// An `application/x-www-form-urlencoded` body, read up to a small limit.
struct FormFields: Sendable {
    var values: [String: String] = [:]

    subscript(_ name: String) -> String? { values[name] }

    static func read(_ request: Request, limit: Int = 64 << 10) async throws -> FormFields {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: limit)
        } catch {
            throw Problem(.contentTooLarge, "The form is too large", detail: "a form takes at most \(limit) bytes")
        }
        return parse(String(buffer: buffer))
    }

    static func parse(_ text: String) -> FormFields {
        var fields = FormFields()
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ part: Substring) -> String {
                String(part).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            guard let name = parts.first else { continue }
            fields.values[decode(name)] = parts.count > 1 ? decode(parts[1]) : ""
        }
        return fields
    }
}

/// Compares two secrets in time that depends only on their length.
func constantTimeEqual(_ a: String, _ b: String) -> Bool {
    let x = Array(a.utf8), y = Array(b.utf8)
    guard x.count == y.count else { return false }
    var difference: UInt8 = 0
    for index in x.indices { difference |= x[index] ^ y[index] }
    return difference == 0
}

/// Seconds since 1970.
func unixNow() -> Int64 { Int64(Date().timeIntervalSince1970) }
