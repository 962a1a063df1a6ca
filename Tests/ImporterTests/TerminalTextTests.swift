import Importer
import Testing

@Suite struct TerminalTextTests {
    @Test func controlAndBidiCharactersAreShownEscaped() {
        #expect(TerminalText.escape("a\u{1B}[31mb") == "a\\u{1B}[31mb")
        #expect(TerminalText.escape("line\nforged\r\t") == "line\\u{A}forged\\u{D}\\u{9}")
        #expect(TerminalText.escape("\u{7F}\u{85}\u{9B}") == "\\u{7F}\\u{85}\\u{9B}")
        #expect(TerminalText.escape("abc\u{202E}fed\u{2066}\u{200B}\u{FEFF}\u{2028}") == "abc\\u{202E}fed\\u{2066}\\u{200B}\\u{FEFF}\\u{2028}")
    }

    @Test func ordinaryTextIsUnchanged() {
        for text in ["Jean Dupont", "Réparations Lefèvre", "Иван", "漢字", "👨‍👩‍👧", "🏴󠁧󠁢󠁳󠁣󠁴󠁿", "soft\u{AD}hyphen", "a\\u{1B}", ""] {
            #expect(TerminalText.escape(text) == text, "\(text.debugDescription)")
        }
    }

    @Test func aLineKeepsItsColumns() {
        #expect(TerminalText.line(["1", "a\tb", "c\nd"]) == "1\ta\\u{9}b\tc\\u{A}d")
    }
}
