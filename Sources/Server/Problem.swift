import ClientBase
import Foundation
import Hummingbird
import Importer
import LuaBridge
import Workbook

/// An error answered as RFC 9457 problem details (`application/problem+json`): a short title,
/// the status, and a detail that says what is wrong and what to do.
public struct Problem: HTTPResponseError, Sendable {
    public var status: HTTPResponse.Status
    public var title: String
    public var detail: String
    /// Extra headers (`Retry-After` on a busy base or a sign-in limit).
    public var headers: HTTPFields = [:]

    public init(_ status: HTTPResponse.Status, _ title: String, detail: String, headers: HTTPFields = [:]) {
        self.status = status
        self.title = title
        self.detail = detail
        self.headers = headers
    }

    public var json: JSONText {
        .object([("type", .string("about:blank")), ("title", .string(title)), ("status", .number(String(status.code))),
                 ("detail", .string(detail))])
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var fields = headers
        fields[.contentType] = "application/problem+json"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(string: json.rendered)))
    }

    /// The problem for an error thrown by the layers below, so each kind keeps its meaning.
    static func from(_ error: any Error, busyTimeoutSeconds: Double) -> any Error {
        switch error {
        case let problem as Problem: return problem
        case let error as HTTPError: return error
        case let error as StoreError:
            switch error.kind {
            case .busy:
                let retry = String(max(1, Int(busyTimeoutSeconds.rounded(.up))))
                return Problem(.conflict, "The base is busy", detail: "another import is writing into this base; try again in a few seconds (\(error.message))",
                               headers: [.retryAfter: retry])
            case .notFound: return Problem(.notFound, "Not found", detail: error.message)
            case .conflict: return Problem(.conflict, "Conflict", detail: error.message)
            case .invalid: return Problem(.badRequest, "Invalid request", detail: error.message)
            case .cannotOpen, .corrupt, .newerSchema, .sqlite, .unsupported, .notEmpty: return Problem(.internalServerError, "The base cannot be read or written", detail: error.message)
            }
        case let error as WorkbookError:
            return Problem(.unprocessableContent, "The file cannot be read", detail: error.description)
        case let error as ImportError:
            return Problem(.badRequest, "Invalid import request", detail: error.description)
        case let error as RuleError:
            return Problem(.internalServerError, "The rule set is invalid", detail: error.description)
        case let error as LuaError:
            return Problem(.internalServerError, "The rule set is invalid", detail: error.description)
        default:
            return Problem(.internalServerError, "Internal error", detail: String(describing: error))
        }
    }
}
