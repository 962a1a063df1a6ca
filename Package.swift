// swift-tools-version:6.0
import PackageDescription

// Data flows one way: Workbook rows → Importer (Lua rules through LuaBridge) → ClientBase,
// and back for export. A lower module never imports a higher one.
let package = Package(
    name: "clientimport",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "clientimport", targets: ["clientimport"]),
        .library(name: "Importer", targets: ["Importer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        .systemLibrary(name: "CLua", pkgConfig: "lua5.4", providers: [.apt(["liblua5.4-dev"])]),
        .systemLibrary(name: "CLibXML2", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),

        .target(name: "Workbook", dependencies: ["CLibXML2", "CZlib"]),
        .target(name: "LuaBridge", dependencies: ["CLua"]),
        .target(name: "ClientBase", dependencies: ["CSQLite"]),
        .target(name: "Importer", dependencies: ["Workbook", "LuaBridge", "ClientBase"]),
        .executableTarget(
            name: "clientimport",
            dependencies: ["Importer", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),

        .testTarget(name: "WorkbookTests", dependencies: ["Workbook"], resources: [.copy("Fixtures")]),
        .testTarget(name: "LuaBridgeTests", dependencies: ["LuaBridge"]),
        .testTarget(name: "ClientBaseTests", dependencies: ["ClientBase"]),
        .testTarget(name: "ImporterTests", dependencies: ["Importer"]),
        .testTarget(name: "EndToEndTests", dependencies: ["clientimport"]),
    ],
    swiftLanguageModes: [.v6]
)
