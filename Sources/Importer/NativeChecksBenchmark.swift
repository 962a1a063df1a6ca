import ClientBase
import Workbook
#if canImport(Glibc)
import Glibc
#endif

/// The native stock-type checks alone on a template-layout file (see `docs/performance.md`,
/// "Native stock-type checks"): every row is read and its cell texts made first, outside the
/// measure; then every column of every batch of `ImportPipeline.batchRows` rows is checked, as a
/// batch checker would, and only that is measured, in CPU seconds of the calling thread.
@_spi(Benchmark) public enum NativeChecksBenchmark {
    public struct Result: Sendable {
        public var rows = 0
        public var cells = 0
        public var rowsWithErrors = 0
        /// CPU seconds of the thread that ran the checks (`CLOCK_THREAD_CPUTIME_ID`).
        public var seconds = 0.0
        public var firstError: String?
    }

    public static func run(path: String, catalog: Catalog, ruleSet: String = "remonline",
                           searchPath: SearchPath = .standard(), options: RuleOptions = RuleOptions(),
                           passes: Int = 1) throws -> Result {
        let engine = try RuleEngine(ruleSet: ruleSet, searchPath: searchPath)
        let rows = try WorkbookFile.openRows(path: path)
        guard let header = try rows.nextRow() else { throw ImportError("\(path) is empty") }
        let mapping: ColumnMapping
        switch HeaderMatcher.match(header, ruleSet: engine.ruleSet, customFields: catalog.customFields) {
        case .success(let found): mapping = found
        case .failure(let problems): throw ImportError(problems.issues.map(\.description).joined(separator: "\n"))
        }
        let columns = try mapping.fieldColumns.map { field -> (index: Int, column: NativeColumn) in
            guard let declaration = engine.ruleSet.column(field.key), let column = NativeColumn(declaration) else {
                throw ImportError("column '\(field.key)' has no stock type")
            }
            return (field.index, column)
        }
        // batches[b][c]: the texts of column c in batch b.
        var batches: [[[String]]] = []
        var customBatches: [[[String]]] = []
        var result = Result()
        while true {
            var texts = Array(repeating: [String](), count: columns.count)
            var customTexts = Array(repeating: [String](), count: mapping.customColumns.count)
            var count = 0
            while count < ImportPipeline.batchRows, let row = try rows.nextRow() {
                let cells = row.cells
                for (c, column) in columns.enumerated() { texts[c].append(column.index < cells.count ? cells[column.index].displayText : "") }
                for (c, custom) in mapping.customColumns.enumerated() { customTexts[c].append(custom.index < cells.count ? cells[custom.index].displayText : "") }
                count += 1
            }
            if count == 0 { break }
            batches.append(texts)
            customBatches.append(customTexts)
            result.rows += count
        }

        let context = NativeCheckContext(options: options, catalog: catalog)
        var checkers = columns.map { NativeColumnChecker(column: $0.column, context: context) }
        var customCheckers = mapping.customColumns.map { NativeCustomFieldChecker(name: $0.name, context: context) }
        var checked = NativeColumnResult()
        var customChecked = NativeCustomFieldResult()
        var failed: [Bool] = []
        let start = threadCPUSeconds()
        // More passes than one (for a profiler): `seconds` is then the mean of a pass.
        for pass in 0..<max(1, passes) {
        if pass > 0 { result.cells = 0; result.rowsWithErrors = 0 }
        for (b, texts) in batches.enumerated() {
            failed.removeAll(keepingCapacity: true)
            failed.append(contentsOf: repeatElement(false, count: texts.first?.count ?? customBatches[b].first?.count ?? 0))
            for c in checkers.indices {
                checkers[c].check(texts[c], into: &checked)
                result.cells += checked.values.count
                for problem in checked.problems {
                    failed[problem.index] = true
                    if result.firstError == nil { result.firstError = "batch \(b), row \(problem.index), \(checkers[c].column.key): \(problem.problem.key) (\(problem.value))" }
                }
            }
            for c in customCheckers.indices {
                customCheckers[c].check(customBatches[b][c], into: &customChecked)
                result.cells += customChecked.values.count
                for problem in customChecked.problems { failed[problem.index] = true }
            }
            result.rowsWithErrors += failed.lazy.filter { $0 }.count
        }
        }
        result.seconds = (threadCPUSeconds() - start) / Double(max(1, passes))
        return result
    }

    /// CPU time of the calling thread (a reader's read-ahead thread is not counted).
    static func threadCPUSeconds() -> Double {
        #if canImport(Glibc)
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
        #else
        return Double(clock()) / Double(CLOCKS_PER_SEC)
        #endif
    }
}
