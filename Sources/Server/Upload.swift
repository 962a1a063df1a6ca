import Foundation
import Hummingbird
import MultipartKit
import Workbook
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A multipart upload streamed to disk: the file part goes, as it arrives, into a 0600 file with
/// a random name in a private (0700) folder beside the base; the other parts are small text
/// fields. No name from the request becomes a path: the file's own name is kept only to be shown
/// and to pick the reader (its extension, from a fixed list).
final class Upload {
    /// The upload on disk (removed by `remove()`).
    let path: String
    /// The name the browser gave, cleaned for display (no folders, no control characters).
    private(set) var fileName = ""
    private(set) var fields: [String: String] = [:]
    private(set) var hasFile = false

    /// The extensions kept on the saved copy, so the importer reads it as what it is.
    static let knownExtensions: Set<String> = ["xlsx", "csv", "vcf", "txt", "tsv"]
    static let maximumFieldBytes = 4 << 10

    private init(path: String) { self.path = path }

    /// The private folder in `filesFolder` (`ServerSettings.filesFolder`: beside a SQLite base)
    /// where uploads live while they are imported.
    static func folder(in filesFolder: String) throws -> String {
        let folder = filesFolder + "/.clientimport-uploads"
        if mkdir(folder, 0o700) != 0 && errno != EEXIST {
            throw Problem(.internalServerError, "Cannot store the upload", detail: "cannot create \(folder): \(String(cString: strerror(errno)))")
        }
        var info = stat()
        guard lstat(folder, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR, info.st_uid == getuid() else {
            throw Problem(.internalServerError, "Cannot store the upload", detail: "\(folder) is not a folder of this user's")
        }
        chmod(folder, 0o700)
        return folder
    }

    /// Reads a `multipart/form-data` body into an upload, refusing more than `limit` bytes in all.
    static func receive(_ request: Request, filesFolder: String, limit: Int) async throws -> Upload {
        guard let contentType = request.headers[.contentType], let boundary = boundary(of: contentType) else {
            throw Problem(.unsupportedMediaType, "Expected multipart/form-data",
                          detail: "send the file as multipart/form-data with a part named \"file\"")
        }
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit { throw tooLarge(limit) }
        let folder = try folder(in: filesFolder)
        let upload = try await receive(request.body, boundary: boundary, folder: folder, limit: limit)
        return upload
    }

    private static func receive(_ body: RequestBody, boundary: String, folder: String, limit: Int) async throws -> Upload {
        let name = "upload-" + Credentials.newToken().prefix(24)
        let upload = Upload(path: "\(folder)/\(name)")
        let descriptor = open(upload.path, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW, 0o600)
        guard descriptor >= 0 else {
            throw Problem(.internalServerError, "Cannot store the upload", detail: "cannot create a file in \(folder): \(String(cString: strerror(errno)))")
        }
        let state = PartState()
        let parser = MultipartParser(boundary: boundary)
        parser.onHeader = { field, value in state.headers[field.lowercased()] = value }
        parser.onBody = { buffer in
            if state.isFile && upload.hasFile {
                state.secondFile = true
            } else if state.isFile {
                buffer.withUnsafeReadableBytes { bytes in
                    var offset = 0
                    while offset < bytes.count {
                        let written = write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                        if written <= 0 { if errno == EINTR { continue }; state.writeFailed = true; return }
                        offset += written
                    }
                }
            } else if state.fieldBytes.count + buffer.readableBytes <= maximumFieldBytes {
                state.fieldBytes += buffer.readableBytesView
            } else {
                state.fieldTooLong = true
            }
        }
        parser.onPartComplete = {
            if state.isFile {
                upload.hasFile = true
                upload.fileName = displayName(state.fileName ?? "")
            } else if let name = state.fieldName {
                upload.fields[name] = String(decoding: state.fieldBytes, as: UTF8.self)
            }
            state.reset()
        }
        var received = 0
        do {
            defer { close(descriptor) }
            for try await buffer in body {
                received += buffer.readableBytes
                if received > limit { throw tooLarge(limit) }
                try parser.execute(buffer)
                if state.writeFailed { throw Problem(HTTPResponse.Status(code: 507, reasonPhrase: "Insufficient Storage"), "Cannot store the upload", detail: "writing the upload failed: the disk may be full") }
                if state.secondFile { throw Problem(.badRequest, "More than one file", detail: "send one file per import, in the part named \"file\"") }
                if state.fieldTooLong { throw Problem(.badRequest, "A form field is too long", detail: "form fields other than the file take at most \(maximumFieldBytes) bytes") }
            }
        } catch let problem as Problem {
            upload.remove()
            throw problem
        } catch {
            upload.remove()
            throw Problem(.badRequest, "Unreadable upload", detail: "the multipart body could not be read: \(error)")
        }
        guard upload.hasFile else {
            upload.remove()
            throw Problem(.badRequest, "No file", detail: "the form has no part named \"file\" with a file in it")
        }
        return upload
    }

    /// The saved copy under a name the importer reads by its extension (still random, still private).
    func pathWithExtension() throws -> String {
        let ext = (fileName as NSString).pathExtension.lowercased()
        guard Self.knownExtensions.contains(ext) else { return path }
        let target = path + "." + ext
        guard rename(path, target) == 0 else {
            throw Problem(.internalServerError, "Cannot store the upload", detail: String(cString: strerror(errno)))
        }
        renamedPath = target
        return target
    }

    private var renamedPath: String?

    /// Deletes the upload from disk.
    func remove() {
        unlink(path)
        if let renamedPath { unlink(renamedPath) }
    }

    /// Runs `body` on an upload's copy, naming the file in a `WorkbookError` as the browser named
    /// it: the copy's path is the server's business, not the employee's.
    static func naming<T>(_ fileName: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch var error as WorkbookError {
            error.file = fileName
            throw error
        }
    }

    static func tooLarge(_ limit: Int) -> Problem {
        Problem(.contentTooLarge, "The file is too large",
                detail: "uploads are limited to \(limit / (1 << 20)) MiB (\(limit) bytes); split the file, or start `serve` with a larger --max-upload")
    }

    /// The last path component of a browser's file name, without control characters, at most 200 characters.
    static func displayName(_ raw: String) -> String {
        let last = raw.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        let clean = String(last.unicodeScalars.filter { !CharacterSet.controlCharacters.contains($0) }.map(Character.init))
        let trimmed = clean.trimmingCharacters(in: .whitespaces)
        return trimmed.isEmpty || trimmed == "." || trimmed == ".." ? "upload" : String(trimmed.prefix(200))
    }

    static func boundary(of contentType: String) -> String? {
        let parts = contentType.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.first?.lowercased() == "multipart/form-data" else { return nil }
        for part in parts.dropFirst() where part.lowercased().hasPrefix("boundary=") {
            var value = String(part.dropFirst("boundary=".count))
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            return value.isEmpty || value.count > 200 ? nil : value
        }
        return nil
    }
}

/// The part being parsed: its headers, and its bytes when it is a small field.
private final class PartState {
    var headers: [String: String] = [:]
    var fieldBytes: [UInt8] = []
    var writeFailed = false
    var fieldTooLong = false
    var secondFile = false

    private var disposition: [String: String] {
        var result: [String: String] = [:]
        for piece in (headers["content-disposition"] ?? "").split(separator: ";").dropFirst() {
            let pair = piece.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2 else { continue }
            var value = pair[1]
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            result[pair[0].lowercased()] = value
        }
        return result
    }

    var fieldName: String? { disposition["name"] }
    var fileName: String? { disposition["filename"] }
    var isFile: Bool { fieldName == "file" && fileName != nil }

    func reset() {
        headers = [:]
        fieldBytes = []
    }
}
