import Foundation

/// A `RowReader` that reads its source on a thread of its own, a few chunks of rows ahead, so
/// that inflating and parsing the file overlap with what the caller does with the rows (an
/// import checks them in Lua and stores them) instead of alternating with it.
///
/// The source belongs to the reading thread from `init` on: do not use it afterwards. Rows come
/// out in order; a reading error comes out after the rows read before it, as from the source.
public final class ReadAheadRows: RowReader {
    public let sheetName: String
    private let queue: ChunkQueue
    private var chunk: [Row] = []
    private var position = 0

    /// Starts reading `source` in chunks of `chunkRows` rows, at most `chunksAhead` chunks ahead.
    public init(_ source: any RowReader, chunkRows: Int = 1_000, chunksAhead: Int = 4) {
        sheetName = source.sheetName
        let queue = ChunkQueue(capacity: max(1, chunksAhead))
        self.queue = queue
        let handOver = HandOver(source: source)
        let thread = Thread { queue.fill(from: handOver.source, chunkRows: max(1, chunkRows)) }
        thread.name = "clientimport read-ahead"
        thread.stackSize = 8 << 20
        thread.start()
    }

    /// Stops the reading thread (it finishes the chunk it is reading) and waits for it.
    deinit { queue.cancelAndWait() }

    public func nextRow() throws -> Row? {
        if position == chunk.count {
            guard let next = try queue.take() else { return nil }
            chunk = next
            position = 0
        }
        defer { position += 1 }
        return chunk[position]
    }
}

/// Carries the source to the reading thread, which alone uses it from then on.
private struct HandOver: @unchecked Sendable {
    let source: any RowReader
}

/// Chunks of rows from the reading thread to the consumer; every field is guarded by `condition`.
private final class ChunkQueue: @unchecked Sendable {
    private let condition = NSCondition()
    private let capacity: Int
    private var chunks: [[Row]] = []
    private var failure: (any Error)?
    /// The reading thread has ended: end of the rows, an error, or cancelled.
    private var ended = false
    private var cancelled = false

    init(capacity: Int) { self.capacity = capacity }

    /// The reading thread's body.
    func fill(from source: any RowReader, chunkRows: Int) {
        var failure: (any Error)?
        var atEnd = false
        repeat {
            var chunk: [Row] = []
            chunk.reserveCapacity(chunkRows)
            do {
                while chunk.count < chunkRows, let row = try source.nextRow() { chunk.append(row) }
                atEnd = chunk.count < chunkRows
            } catch {
                failure = error
            }
            guard deliver(chunk) else { break }
        } while !atEnd && failure == nil
        condition.lock()
        self.failure = failure
        ended = true
        condition.broadcast()
        condition.unlock()
    }

    /// Waits for room and queues `chunk`; false when the consumer has gone.
    private func deliver(_ chunk: [Row]) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while chunks.count >= capacity && !cancelled { condition.wait() }
        if cancelled { return false }
        if !chunk.isEmpty { chunks.append(chunk) }
        condition.broadcast()
        return true
    }

    /// The next chunk; nil at the end of the rows; the reading error once the rows before it are taken.
    func take() throws -> [Row]? {
        condition.lock()
        defer { condition.unlock() }
        while chunks.isEmpty && !ended { condition.wait() }
        if !chunks.isEmpty {
            condition.broadcast()
            return chunks.removeFirst()
        }
        if let failure { throw failure }
        return nil
    }

    func cancelAndWait() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        while !ended { condition.wait() }
        condition.unlock()
    }
}
