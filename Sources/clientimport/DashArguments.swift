import Foundation

/// Words of the command line that start with one `-` but are not options.
///
/// swift-argument-parser reads `-dash.csv` as the grouped short options `-d -a -s -h …`: the
/// `-h` in it printed the help and exited 0 having imported nothing. This tool's only short
/// options are `-h` and `-o`, and neither is ever grouped, so any other such word is a file
/// name, a value or a mistake. Before parsing, each one (up to `--`) becomes:
/// - a number (`-1`, `-1e3`, `-inf`): kept after an option, which then names its range; where
///   an argument goes (`undo -1`), moved after `--` so that the argument's own check reports it;
/// - the name of an existing file: `./-dash.csv`, the same file, which the parser leaves alone;
/// - anything else: a usage error saying how to write it.
enum DashArguments {
    /// A word the parser would misread, and how to write it.
    struct Misread: Error, CustomStringConvertible {
        var word: String
        var description: String {
            "\"\(word)\" is not an option of clientimport (its short options are -h and -o, never grouped) and no file has that name; to name a file that starts with \"-\", write ./\(word) or put it after --, as in `clientimport import -- \(word)`; to give an option a value that starts with \"-\", write --option=\(word)"
        }
    }

    /// `arguments` (without the program's path) rewritten as above.
    static func rewritten(_ arguments: [String], fileExists: (String) -> Bool = FileManager.default.fileExists(atPath:)) throws -> [String] {
        var result: [String] = []
        var movedAfterSeparator: [String] = []
        var index = 0
        while index < arguments.count {
            let word = arguments[index]
            index += 1
            if word == "--" {
                result.append(word)
                result += movedAfterSeparator
                movedAfterSeparator = []
                result += arguments[index...]
                return result
            }
            guard word.hasPrefix("-"), !word.hasPrefix("--"), word.count > 1, word != "-h", word != "-o" else {
                result.append(word)
                continue
            }
            if Double(word) != nil {
                let previous = result.last ?? ""
                let afterOption = previous.hasPrefix("-") && !previous.contains("=")
                if afterOption { result.append(word) } else { movedAfterSeparator.append(word) }
            } else if fileExists(word) {
                result.append("./" + word)
            } else {
                throw Misread(word: word)
            }
        }
        if !movedAfterSeparator.isEmpty { result += ["--"] + movedAfterSeparator }
        return result
    }
}
