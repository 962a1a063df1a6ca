/// Header texts compared as a person reads them: trimmed, case-insensitive, with non-breaking
/// spaces and runs of white space folded to one space.
func foldedHeader(_ text: String) -> String {
    text.replacingOccurrences(of: "\u{00A0}", with: " ")
        .split(whereSeparator: { $0.isWhitespace })
        .joined(separator: " ")
        .lowercased()
}

/// The candidate nearest to `text` by edit distance, when it is near enough to be a typo.
func closest(to text: String, in candidates: [String]) -> String? {
    let target = Array(foldedHeader(text))
    var best: (candidate: String, distance: Int)?
    for candidate in candidates {
        let distance = editDistance(target, Array(foldedHeader(candidate)))
        if distance < (best?.distance ?? .max) { best = (candidate, distance) }
    }
    guard let best, best.distance <= max(2, target.count / 3) else { return nil }
    return best.candidate
}

/// Edits (insertions, deletions, substitutions, swaps of neighbours) from `a` to `b`: a typed
/// "phnoe" is two edits from "phones".
func editDistance(_ a: [Character], _ b: [Character]) -> Int {
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var table = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
    for i in 0...a.count { table[i][0] = i }
    for j in 0...b.count { table[0][j] = j }
    for i in 1...a.count {
        for j in 1...b.count {
            let cost = a[i - 1] == b[j - 1] ? 0 : 1
            table[i][j] = min(table[i - 1][j] + 1, table[i][j - 1] + 1, table[i - 1][j - 1] + cost)
            if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                table[i][j] = min(table[i][j], table[i - 2][j - 2] + 1)
            }
        }
    }
    return table[a.count][b.count]
}

/// `text` as one word for a POSIX shell, in double quotes with `\`, `"`, `$` and `` ` ``
/// escaped, so a command a message suggests can be pasted as it is.
func shellQuoted(_ text: String) -> String {
    var quoted = "\""
    for character in text {
        if "\\\"$`".contains(character) { quoted.append("\\") }
        quoted.append(character)
    }
    return quoted + "\""
}
