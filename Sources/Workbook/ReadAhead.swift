import Foundation

/// Items made on a thread of their own, a few ahead of the consumer: what the thread does (inflate
/// and parse a sheet, check its rows) then overlaps with what the consumer does with each item
/// (store it) instead of alternating with it.
///
/// `produce` runs on the thread until it returns nil or throws; the consumer gets the items in
/// order, then nil, or the error once the items made before it are taken. Dropping the
/// `ReadAhead` stops the thread (after the item it is making) and waits for it.
public final class ReadAhead<Item: Sendable> {
    private let queue: ItemQueue<Item>

    /// Starts `produce` on a new thread, at most `capacity` items ahead. `produce` may use
    /// objects that are not `Sendable` (a reader, a Lua state) as long as nothing else uses them
    /// from then on: they belong to the thread.
    public init(capacity: Int = 4, _ produce: @escaping () throws -> Item?) {
        let queue = ItemQueue<Item>(capacity: max(1, capacity))
        self.queue = queue
        let handOver = HandOver(produce: produce)
        let thread = Thread { queue.fill(from: handOver.produce) }
        thread.name = "clientimport read-ahead"
        thread.stackSize = 8 << 20
        thread.start()
    }

    deinit { queue.cancelAndWait() }

    /// The next item; nil once `produce` returned nil.
    public func next() throws -> Item? { try queue.take() }
}

/// A `RowReader` that reads its source on a thread of its own (`ReadAhead`), in chunks of rows.
///
/// The source belongs to the reading thread from `init` on: do not use it afterwards.
public final class ReadAheadRows: RowReader {
    public let sheetName: String
    /// Each chunk with the source's `fractionRead` once it was read, taken on the reading
    /// thread (the source belongs to it).
    private let chunks: ReadAhead<Chunk>
    private var chunk: [Row] = []
    private var position = 0
    private let ended: EndedSource

    /// The source's warnings, once every row has been taken (the reading thread stored them
    /// before it ended, and `ReadAhead`'s lock orders that before the last `nextRow`).
    public var warnings: [WorkbookWarning] { ended.warnings }
    public private(set) var fractionRead: Double?

    private struct Chunk: Sendable {
        var rows: [Row]
        var fractionRead: Double?
    }

    /// Starts reading `source` in chunks of `chunkRows` rows, at most `chunksAhead` chunks ahead.
    public init(_ source: any RowReader, chunkRows: Int = 1_000, chunksAhead: Int = 4) {
        sheetName = source.sheetName
        let size = max(1, chunkRows)
        // A reading error after some rows: those rows first, then the error on the next call.
        var failure: (any Error)?
        let ended = EndedSource()
        self.ended = ended
        chunks = ReadAhead(capacity: chunksAhead) {
            if let failure { throw failure }
            var chunk: [Row] = []
            chunk.reserveCapacity(size)
            do {
                while chunk.count < size, let row = try source.nextRow() { chunk.append(row) }
            } catch {
                if chunk.isEmpty { throw error }
                failure = error
            }
            if chunk.count < size { ended.warnings = source.warnings }
            return chunk.isEmpty ? nil : Chunk(rows: chunk, fractionRead: source.fractionRead)
        }
    }

    public func nextRow() throws -> Row? {
        if position == chunk.count {
            guard let next = try chunks.next() else { return nil }
            chunk = next.rows
            fractionRead = next.fractionRead
            position = 0
        }
        defer { position += 1 }
        return chunk[position]
    }
}

/// What the reading thread leaves for the consumer when its source has ended.
private final class EndedSource: @unchecked Sendable {
    var warnings: [WorkbookWarning] = []
}

/// Carries the producer to its thread, which alone runs it from then on.
private struct HandOver<Item>: @unchecked Sendable {
    let produce: () throws -> Item?
}

/// Items from the producing thread to the consumer; every field is guarded by `condition`.
private final class ItemQueue<Item: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    private let capacity: Int
    private var items: [Item] = []
    private var failure: (any Error)?
    /// The producing thread has ended: no more items, an error, or cancelled.
    private var ended = false
    private var cancelled = false

    init(capacity: Int) { self.capacity = capacity }

    /// The producing thread's body.
    func fill(from produce: () throws -> Item?) {
        var failure: (any Error)?
        while !isCancelled {
            do {
                guard let item = try produce() else { break }
                guard deliver(item) else { break }
            } catch {
                failure = error
                break
            }
        }
        condition.lock()
        self.failure = failure
        ended = true
        condition.broadcast()
        condition.unlock()
    }

    private var isCancelled: Bool {
        condition.lock()
        defer { condition.unlock() }
        return cancelled
    }

    /// Waits for room and queues `item`; false when the consumer has gone.
    private func deliver(_ item: Item) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while items.count >= capacity && !cancelled { condition.wait() }
        if cancelled { return false }
        items.append(item)
        condition.broadcast()
        return true
    }

    /// The next item; nil at the end; the producer's error once the items before it are taken.
    func take() throws -> Item? {
        condition.lock()
        defer { condition.unlock() }
        while items.isEmpty && !ended { condition.wait() }
        if !items.isEmpty {
            condition.broadcast()
            return items.removeFirst()
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
