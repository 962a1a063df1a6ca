import Foundation
import ClientBase
import Workbook

/// How a file's header row maps onto a rule set: which column holds which field, which custom
/// fields follow, and the template language the headers are written in.
public struct ColumnMapping: Sendable, Equatable {
    /// The template language the headers matched ("fr").
    public var language: String
    /// For each column index of the file, the field key it fills.
    public var fieldColumns: [(index: Int, key: String)]
    /// For each column index after the template's columns, the custom field it fills.
    public var customColumns: [(index: Int, name: String)]
    /// The header texts as the file writes them, by column index.
    public var headerTexts: [Int: String]

    public static func == (lhs: ColumnMapping, rhs: ColumnMapping) -> Bool {
        lhs.language == rhs.language && lhs.headerTexts == rhs.headerTexts
            && lhs.fieldColumns.map(\.key) == rhs.fieldColumns.map(\.key)
            && lhs.customColumns.map(\.name) == rhs.customColumns.map(\.name)
    }
}

/// Every problem of a header row, each naming its column letter.
struct HeaderProblems: Error {
    var issues: [ImportIssue]
}

/// Matches a header row against a rule set's template, in any of its languages.
enum HeaderMatcher {
    /// The mapping, or every problem found in the headers (each naming its column letter).
    static func match(_ header: Row, ruleSet: RuleSet, customFields: [CustomFieldDefinition]) -> Result<ColumnMapping, HeaderProblems> {
        let texts = header.cells.map { $0.displayText.trimmingCharacters(in: .whitespaces) }
        let folded = texts.map(foldedHeader)
        let language = ruleSet.languages.max { a, b in
            matches(folded, ruleSet, a) < matches(folded, ruleSet, b)
        } ?? "en"

        var issues: [ImportIssue] = []
        var fieldColumns: [(Int, String)] = []
        for (index, column) in ruleSet.columns.enumerated() {
            let letter = ColumnLetters.letters(ofIndex: index)
            let expected = column.header(language)
            guard index < texts.count, !texts[index].isEmpty else {
                issues.append(ImportIssue(row: header.number, cell: "\(letter)\(header.number)", column: expected, value: "",
                                          message: "column \(letter) should be \"\(expected)\" and is missing; the template's columns cannot be removed or reordered"))
                continue
            }
            if accepted(column).contains(folded[index]) {
                fieldColumns.append((index, column.key))
            } else {
                let known = ruleSet.columns.flatMap { Array($0.headers.values) + $0.aliases }
                let hint: String
                if let other = ruleSet.columns.firstIndex(where: { accepted($0).contains(folded[index]) }) {
                    hint = "; \"\(texts[index])\" belongs in column \(ColumnLetters.letters(ofIndex: other)): the template's columns cannot be reordered"
                } else if let near = closest(to: texts[index], in: known) {
                    hint = "; the closest known name is \"\(near)\""
                } else {
                    hint = ""
                }
                issues.append(ImportIssue(row: header.number, cell: "\(letter)\(header.number)", column: expected, value: texts[index],
                                          message: "column \(letter) should be \"\(expected)\", found \"\(texts[index])\"\(hint)"))
            }
        }

        var customColumns: [(Int, String)] = []
        let byName = Dictionary(customFields.map { (foldedHeader($0.name), $0.name) }, uniquingKeysWith: { a, _ in a })
        if texts.count > ruleSet.columns.count {
            for index in ruleSet.columns.count..<texts.count where !texts[index].isEmpty {
                let letter = ColumnLetters.letters(ofIndex: index)
                if let name = byName[folded[index]] {
                    customColumns.append((index, name))
                } else {
                    let hint = closest(to: texts[index], in: customFields.map(\.name)).map { "; did you mean \"\($0)\"?" }
                        ?? (customFields.isEmpty ? "; this base has no custom fields yet" : "; custom fields: " + customFields.map(\.name).joined(separator: ", "))
                    issues.append(ImportIssue(row: header.number, cell: "\(letter)\(header.number)", column: texts[index], value: texts[index],
                                              message: "column \(letter) \"\(texts[index])\" is not a custom field of this base\(hint); add it with `clientimport settings add-custom-field \(shellQuoted(texts[index])) --type text` (or --type number, date, yes-no), or remove the column"))
                }
            }
        }
        guard issues.isEmpty else { return .failure(HeaderProblems(issues: issues)) }
        return .success(ColumnMapping(language: language, fieldColumns: fieldColumns, customColumns: customColumns,
                                      headerTexts: Dictionary(uniqueKeysWithValues: texts.enumerated().map { ($0.offset, $0.element) })))
    }

    /// The share of the template's columns whose header the row holds somewhere (0…1).
    static func templateLikeness(_ headers: [String], ruleSet: RuleSet) -> Double {
        let present = Set(headers.map(foldedHeader))
        let found = ruleSet.columns.filter { !accepted($0).isDisjoint(with: present) }.count
        return Double(found) / Double(max(ruleSet.columns.count, 1))
    }

    private static func accepted(_ column: ColumnDeclaration) -> Set<String> {
        Set((Array(column.headers.values) + column.aliases).map(foldedHeader))
    }

    private static func matches(_ folded: [String], _ ruleSet: RuleSet, _ language: String) -> Int {
        zip(folded, ruleSet.columns).filter { $0 == foldedHeader($1.header(language)) }.count
    }
}
