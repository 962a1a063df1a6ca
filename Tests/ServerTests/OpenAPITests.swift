import Foundation
@testable import Server
import TestSupport
import Testing

/// `docs/openapi.yaml` and the routes the server registers agree both ways.
@Suite struct OpenAPITests {
    /// The `paths:` of the file as "method path" pairs: paths are the keys indented by two
    /// spaces under `paths:`, methods the keys indented by four under them.
    static func documentedRoutes() throws -> Set<String> {
        let text = try String(contentsOfFile: "\(repositoryRoot)/docs/openapi.yaml", encoding: .utf8)
        var routes: Set<String> = [], inPaths = false, path: String?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if !line.hasPrefix(" ") && !line.isEmpty { inPaths = line == "paths:"; continue }
            guard inPaths else { continue }
            if line.hasPrefix("  /") { path = String(line.dropFirst(2).dropLast()); continue }
            let method = line.trimmingCharacters(in: .whitespaces).dropLast()
            if line.hasPrefix("    "), !line.hasPrefix("     "), ["get", "post", "put", "delete", "patch"].contains(String(method)), let path {
                routes.insert("\(method) \(path)")
            }
        }
        return routes
    }

    @Test func everyRegisteredRouteIsDocumentedAndTheReverse() throws {
        let served = Set(ClientServer.apiRoutes.map(\.description))
        let documented = try Self.documentedRoutes()
        #expect(served.count == 8)
        #expect(served.subtracting(documented).isEmpty, "served but not in docs/openapi.yaml: \(served.subtracting(documented))")
        #expect(documented.subtracting(served).isEmpty, "in docs/openapi.yaml but not served: \(documented.subtracting(served))")
    }
}
