// swift-tools-version:6.0
import PackageDescription

// Data flows one way: Workbook rows → Importer (Lua rules through LuaBridge) → ClientBase,
// and back for export. A lower module never imports a higher one.
let package = Package(
    name: "clientimport",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "clientimport", targets: ["clientimport"]),
        .library(name: "Importer", targets: ["Importer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.0"),
        // `serve` (the Server module): HTTP, bcrypt, templates, multipart uploads.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/vapor/multipart-kit", from: "4.7.1"),
        // SHA-256 of imported files and of `serve`'s tokens (hummingbird-auth depends on it too).
        .package(url: "https://github.com/apple/swift-crypto.git", "3.0.0"..<"5.0.0"),
    ],
    targets: [
        .systemLibrary(name: "CLua", pkgConfig: "lua5.4", providers: [.apt(["liblua5.4-dev"])]),
        .systemLibrary(name: "CLibXML2", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        // libpq, PostgreSQL's client library: the second backend (`PostgresClientStore`).
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),

        .target(name: "Workbook", dependencies: ["CLibXML2", "CZlib"]),
        // LuaBridge's compiled C (CLua's shim only wraps macros), built with C warnings on:
        // the allocator, instruction budget and calls between host and Lua;
        .target(name: "CLuaLimits", dependencies: ["CLua"], cSettings: [.unsafeFlags(["-Wall", "-Wextra"])]),
        // the sandbox: opening it, `require`, `print`, the bounded pattern matcher, read-only
        // views, library guards;
        .target(name: "CLuaSandbox", dependencies: ["CLua", "CLuaLimits"], cSettings: [.unsafeFlags(["-Wall", "-Wextra"])]),
        // the phone splitter scripts call as `clientimport.split_numbers`.
        .target(name: "CPhoneNumbers", dependencies: ["CLua", "CTextTrim"], cSettings: [.unsafeFlags(["-Wall", "-Wextra"])]),
        // the trim scripts call as `clientimport.trim`.
        .target(name: "CTextTrim", dependencies: ["CLua"], cSettings: [.unsafeFlags(["-Wall", "-Wextra"])]),
        .target(name: "LuaBridge", dependencies: ["CLua", "CLuaLimits", "CLuaSandbox", "CPhoneNumbers", "CTextTrim"]),
        .target(name: "ClientBase", dependencies: ["CSQLite", "CLibPQ"]),
        .target(name: "Importer", dependencies: [
            "Workbook", "LuaBridge", "ClientBase", .product(name: "Crypto", package: "swift-crypto"),
        ]),
        // The Clients page and the HTTP API, above Importer beside the command line.
        .target(
            name: "Server",
            dependencies: [
                "Importer",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "MultipartKit", package: "multipart-kit"),
            ],
            resources: [.copy("Resources")]
        ),
        .executableTarget(
            name: "clientimport",
            dependencies: ["Importer", "Server", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),

        // `bench read FILE` and `bench rules FILE`: the reader and rules benchmarks of Benchmarks/.
        .executableTarget(name: "bench", dependencies: ["Workbook", "Importer", "ClientBase"], path: "Benchmarks/Sources/bench"),

        // Shared by the test targets: temporary folders, running processes (python3, the CLI).
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "WorkbookTests", dependencies: ["Workbook", "TestSupport", "bench"], resources: [.copy("Fixtures")]),
        .testTarget(name: "LuaBridgeTests", dependencies: [
            "LuaBridge", "CLua", "CLuaLimits", "CLuaSandbox", "CPhoneNumbers", "CTextTrim", "TestSupport", .product(name: "PropertyBased", package: "swift-property-based"),
        ]),
        .testTarget(name: "ClientBaseTests", dependencies: ["ClientBase", "CSQLite", "TestSupport"]),
        .testTarget(name: "ImporterTests", dependencies: [
            "Importer", "TestSupport", .product(name: "PropertyBased", package: "swift-property-based"),
        ]),
        .testTarget(name: "ServerTests", dependencies: [
            "Server", "TestSupport", .product(name: "HummingbirdTesting", package: "hummingbird"),
        ]),
        .testTarget(name: "EndToEndTests", dependencies: ["clientimport", "ClientBase", "TestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
