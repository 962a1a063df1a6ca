import ClientBase
import Foundation
import Hummingbird
import Importer
import Logging

/// The Clients page and the HTTP API over one client base: `clientimport serve`. Requests that
/// read or write the base run the same `ClientStore` and `ImportPipeline` as the command line,
/// each on a thread of its own (`BaseAccess`).
public struct ClientServer: Sendable {
    public let settings: ServerSettings
    let base: BaseAccess

    /// Checks the base can be served: it opens (and is migrated), and someone can sign in.
    public init(settings: ServerSettings) throws {
        self.settings = settings
        base = BaseAccess(location: settings.base, busyTimeoutSeconds: settings.busyTimeoutSeconds)
        let store = try base.open()
        guard try store.anyEmployeeHasPassword() else {
            throw ServerError("no employee of \(settings.base) has a password, so nobody could sign in; set one with "
                + "`clientimport employees password Administrator` on this base (the same --db or $CLIENTIMPORT_DB; "
                + "add employees with `clientimport employees add NAME --role ROLE`)")
        }
        _ = try Upload.folder(in: settings.filesFolder)
    }

    /// Without the checks: only to list the routes.
    init(unchecked settings: ServerSettings) {
        self.settings = settings
        base = BaseAccess(location: settings.base, busyTimeoutSeconds: settings.busyTimeoutSeconds)
    }

    /// A route the server answers, as `docs/openapi.yaml` names it.
    public struct Route: Hashable, Sendable, CustomStringConvertible {
        public var method: String
        /// With `{name}` for a parameter, as in OpenAPI.
        public var path: String
        public var description: String { "\(method) \(path)" }
    }

    /// Every route `router()` registers under `/api/` and `/healthz`: one list, so the OpenAPI
    /// test compares the file with what is served rather than with a copy.
    public static var apiRoutes: [Route] {
        let recorder = RouteRecorder()
        APIRoutes(server: ClientServer(unchecked: ServerSettings(databasePath: ""))).register(on: recorder)
        return recorder.routes
    }

    /// The router with every route and middleware.
    public func router() throws -> Router<ServerContext> {
        let router = Router(context: ServerContext.self)
        router.add(middleware: SecurityHeaders())
        let registrar = RouterRegistrar(router: router)
        APIRoutes(server: self).register(on: registrar)
        try Pages(server: self).register(on: registrar)
        return router
    }

    /// The application, calling `onListening` with the address once it accepts connections.
    public func application(onListening: @escaping @Sendable (String, Int) async -> Void = { _, _ in }) throws -> some ApplicationProtocol {
        var logger = Logger(label: "clientimport.serve")
        logger.logLevel = .warning
        let host = settings.host
        return Application(
            router: try router(),
            configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: "clientimport"),
            onServerRunning: { channel in await onListening(host, channel.localAddress?.port ?? 0) },
            logger: logger)
    }

    /// Serves until SIGINT or SIGTERM, then stops accepting, lets the requests in flight finish
    /// (an import commits or rolls back whole) and returns.
    public func run(onListening: @escaping @Sendable (String, Int) async -> Void) async throws {
        try await application(onListening: onListening).runService()
    }

    func problem(_ error: any Error) -> any Error {
        Problem.from(error, busyTimeoutSeconds: settings.busyTimeoutSeconds)
    }
}

/// Why the server cannot start, with what to do.
public struct ServerError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Where routes are registered: the real router, or a recorder that only lists them.
protocol RouteRegistrar {
    func on(_ method: HTTPRequest.Method, _ path: String,
            _ handler: @escaping @Sendable (Request, ServerContext) async throws -> Response)
}

struct RouterRegistrar: RouteRegistrar {
    let router: Router<ServerContext>

    func on(_ method: HTTPRequest.Method, _ path: String,
            _ handler: @escaping @Sendable (Request, ServerContext) async throws -> Response) {
        // Hummingbird writes a parameter as `:name`; OpenAPI as `{name}`.
        let hummingbirdPath = path.replacingOccurrences(of: "{", with: ":").replacingOccurrences(of: "}", with: "")
        router.on(RouterPath(hummingbirdPath), method: method, use: handler)
    }
}

final class RouteRecorder: RouteRegistrar, @unchecked Sendable {
    var routes: [ClientServer.Route] = []

    func on(_ method: HTTPRequest.Method, _ path: String,
            _ handler: @escaping @Sendable (Request, ServerContext) async throws -> Response) {
        routes.append(.init(method: method.rawValue.lowercased(), path: path))
    }
}
