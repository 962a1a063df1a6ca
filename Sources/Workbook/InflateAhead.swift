import Foundation

/// The inflated bytes of one zip member, in the order a reader takes them: the member's own
/// stream, or `InflateAhead`, which inflates it on a thread of its own.
protocol InflatedBytes: AnyObject {
    /// The member being read.
    var entry: ZipEntry { get }
    /// The share of the member's declared size handed to the reader so far, 0 to 1.
    var fractionProduced: Double? { get }
    /// The next bytes (valid until the next call), or nil at the end.
    func next() throws -> UnsafeBufferPointer<UInt8>?
    /// Copies up to `capacity` bytes into `buffer`; returns 0 only at the end of the member.
    func read(into buffer: UnsafeMutablePointer<UInt8>, capacity: Int) throws -> Int
    /// A fresh stream of the same member from its first byte (for a second pass).
    func reopened() throws -> ZipEntryStream
}

extension ZipEntryStream: InflatedBytes {}

/// One zip member inflated on a thread of its own (`ReadAhead`), a few big blocks ahead of the
/// reader: inflating and checking the CRC — about 40% of reading a large sheet — then overlap
/// with scanning it instead of alternating with it.
///
/// The stream belongs to the inflating thread from `init` on. An error (a damaged or
/// truncated member, a CRC mismatch) comes after the bytes inflated before it, as it does
/// from the stream itself. Dropping the reader stops the thread after the block it is
/// inflating. Blocks are recycled, so memory stays at `blocksAhead + 2` blocks.
final class InflateAhead: InflatedBytes {
    /// Large enough that handing a block over costs nothing next to inflating it (a lock and a
    /// wake-up per 256 KiB, against about a millisecond of inflating), small enough to stay in
    /// a core's cache while the reader copies it. The `blocksAhead + 2` blocks of 1 MiB it was
    /// were 5 MiB of the 1M-row import's peak (issue 18, memory).
    static let blockSize = 256 << 10

    let entry: ZipEntry
    private let blocks: ReadAhead<InflatedBlock>
    private let pool: BlockPool
    /// The block being read, and how far.
    private var block: InflatedBlock?
    private var position = 0
    private var handedOut: UInt64 = 0
    private let reopen: () throws -> ZipEntryStream

    /// Members smaller than this are inflated on the reader's thread: the thread and its
    /// blocks would cost more than they save.
    static let minimumSize: UInt64 = 4 << 20

    /// Where a member is inflated.
    enum Placement: Sendable {
        /// On a thread of its own when it is deflated and at least `minimumSize` bytes.
        case automatic
        /// On the reader's thread, as it reads.
        case readerThread
        /// On a thread of its own in blocks of this many bytes, whatever its size (tests).
        case ahead(blockSize: Int)
    }

    /// The member's bytes, inflated where `placement` says.
    static func source(_ stream: ZipEntryStream, _ placement: Placement = .automatic) -> any InflatedBytes {
        switch placement {
        case .automatic:
            stream.entry.method == 8 && stream.entry.uncompressedSize >= minimumSize ? InflateAhead(stream) : stream
        case .readerThread:
            stream
        case .ahead(let blockSize):
            InflateAhead(stream, blockSize: blockSize)
        }
    }

    /// Starts inflating `stream` (which belongs to the new thread from now on) in blocks of
    /// `blockSize` bytes, at most `blocksAhead` blocks ahead of the reader.
    init(_ stream: ZipEntryStream, blockSize: Int = InflateAhead.blockSize, blocksAhead: Int = 3) {
        entry = stream.entry
        reopen = { [archive = stream.archive, entry = stream.entry, maximumSize = stream.maximumSize] in
            try archive.open(entry, maximumSize: maximumSize)
        }
        let pool = BlockPool(size: max(1, blockSize))
        self.pool = pool
        let owned = OwnedStream(stream)
        blocks = ReadAhead(capacity: blocksAhead) {
            let block = pool.take()
            do {
                block.count = 0
                while block.count < block.capacity {
                    let count = try owned.stream.read(into: block.bytes + block.count, capacity: block.capacity - block.count)
                    if count == 0 { break }
                    block.count += count
                }
            } catch {
                pool.give(block)
                throw error
            }
            if block.count == 0 {
                pool.give(block)
                return nil
            }
            return block
        }
    }

    var fractionProduced: Double? {
        entry.uncompressedSize == 0 ? nil : min(1, Double(handedOut) / Double(entry.uncompressedSize))
    }

    func next() throws -> UnsafeBufferPointer<UInt8>? {
        guard let block = try currentBlock() else { return nil }
        let bytes = UnsafeBufferPointer(start: block.bytes + position, count: block.count - position)
        position = block.count
        handedOut += UInt64(bytes.count)
        return bytes
    }

    func read(into buffer: UnsafeMutablePointer<UInt8>, capacity: Int) throws -> Int {
        guard capacity > 0, let block = try currentBlock() else { return 0 }
        let count = min(capacity, block.count - position)
        buffer.update(from: block.bytes + position, count: count)
        position += count
        handedOut += UInt64(count)
        return count
    }

    func reopened() throws -> ZipEntryStream { try reopen() }

    /// The block with bytes left to read, taking the next one (and giving the used one back
    /// to the inflating thread) when the current one is read; nil at the end.
    private func currentBlock() throws -> InflatedBlock? {
        if let block, position < block.count { return block }
        if let block {
            pool.give(block)
            self.block = nil
        }
        guard let next = try blocks.next() else { return nil }
        block = next
        position = 0
        return next
    }
}

/// A buffer of inflated bytes that passes from the inflating thread to the reader and back;
/// only one of them uses it at a time (the `ReadAhead` queue and `BlockPool` hand it over).
private final class InflatedBlock: @unchecked Sendable {
    let bytes: UnsafeMutablePointer<UInt8>
    let capacity: Int
    var count = 0

    init(capacity: Int) {
        self.capacity = capacity
        bytes = .allocate(capacity: capacity)
    }

    deinit { bytes.deallocate() }
}

/// Blocks the reader has finished with, for the inflating thread to fill again.
private final class BlockPool: @unchecked Sendable {
    private let lock = NSLock()
    private var free: [InflatedBlock] = []
    private let size: Int

    init(size: Int) { self.size = size }

    func take() -> InflatedBlock {
        lock.lock()
        defer { lock.unlock() }
        return free.popLast() ?? InflatedBlock(capacity: size)
    }

    func give(_ block: InflatedBlock) {
        lock.lock()
        defer { lock.unlock() }
        free.append(block)
    }
}

/// Carries the stream to the inflating thread, which alone uses it from then on.
private final class OwnedStream: @unchecked Sendable {
    let stream: ZipEntryStream
    init(_ stream: ZipEntryStream) { self.stream = stream }
}
