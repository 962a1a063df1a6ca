import ClientBase
import Hummingbird

/// A request's context: who made it, once `APIAuthentication` or a page's session check has
/// found out.
public struct ServerContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The signed-in employee (API token or session).
    public var employee: Employee?
    /// The browser session, on pages.
    public var session: Session?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
    }

    /// Forms and JSON bodies decoded whole are small; uploads are streamed, with their own limit.
    public var maxUploadSize: Int { 64 << 10 }

    /// The employee, or a 401 problem.
    func requireEmployee() throws -> Employee {
        guard let employee else {
            throw Problem(.unauthorized, "Sign-in required",
                          detail: "send Authorization: Bearer TOKEN; `clientimport employees token NAME` prints a token",
                          headers: [.wwwAuthenticate: "Bearer"])
        }
        return employee
    }
}
