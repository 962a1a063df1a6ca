import ArgumentParser
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Standard output through one 1 MiB buffer and `write(2)`: `print` per line locks and
/// flushes the stdio stream and bridges every `String`, which bounded `inspect` to about
/// 27 MB/s of sheet.
final class StandardOutput {
    private var buffer: [UInt8] = []
    private static let capacity = 1 << 20
    private var failed = false

    init() { buffer.reserveCapacity(Self.capacity) }

    /// Appends `text`; the buffer goes out when full. A failed write (a closed pipe, a full
    /// disk) is reported once, by `flush`.
    func write(_ text: String) {
        var text = text
        text.withUTF8 { buffer.append(contentsOf: $0) }
        if buffer.count >= Self.capacity { drain() }
    }

    /// Appends `bytes` (whole lines, as `CellDump` hands them); a block of a buffer's size or
    /// more goes out as it is, after what is buffered, instead of being copied in first.
    func write(bytes: UnsafeBufferPointer<UInt8>) {
        if bytes.count >= Self.capacity, let base = bytes.baseAddress {
            drain()
            send(UnsafeRawBufferPointer(start: base, count: bytes.count))
            return
        }
        buffer.append(contentsOf: bytes)
        if buffer.count >= Self.capacity { drain() }
    }

    /// Writes what is buffered; exit 74 with the reason when standard output refused it.
    func flush() throws {
        drain()
        if failed {
            printError("clientimport: could not write to standard output (\(String(cString: strerror(errno))))")
            throw ExitCode(Exit.storage)
        }
    }

    private func drain() {
        defer { buffer.removeAll(keepingCapacity: true) }
        buffer.withUnsafeBytes { send($0) }
    }

    /// `write(2)` until every byte is out; a failure is kept for `flush`.
    private func send(_ bytes: UnsafeRawBufferPointer) {
        guard !failed, !bytes.isEmpty else { return }
        var offset = 0
        while offset < bytes.count {
            let n = systemWrite(1, bytes.baseAddress! + offset, bytes.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                failed = true
                return
            }
            offset += n
        }
    }
}

/// `write(2)` (the method above hides the C function's name).
private func systemWrite(_ fd: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
    return Glibc.write(fd, bytes, count)
    #else
    return Darwin.write(fd, bytes, count)
    #endif
}
