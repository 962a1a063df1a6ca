import ClientBase

/// One name Lua code meets or provides: a field of a table the host reads, a function it calls
/// or hands over, a column type, a helper of `rules/lib/`.
public struct LuaAPIEntry: Sendable, Equatable {
    public enum Kind: String, Sendable {
        /// A value the author sets, or the host hands over (`name`, `ctx.row`).
        case field
        /// A function the author writes and the host calls (`map`, `validate_row`).
        case callback
        /// A function the author calls (`clientimport.skip`, `text.trim`).
        case function
        /// One of a set of names (a column type, a client field key).
        case name
    }

    public var name: String
    public var kind: Kind
    /// A LuaLS type (`string`, `string[]`, `fun(s: string?): string`); for a `.name`, what the
    /// name stands for (`string[]` for `phones`).
    public var luaType: String
    /// One line: what it is, then the detail an author needs.
    public var summary: String
    /// Whether a table must set it (rule sets, columns, plugins); the host always fills what it hands over.
    public var isRequired: Bool

    public init(_ name: String, _ kind: Kind, _ luaType: String, required: Bool = false, _ summary: String) {
        self.name = name
        self.kind = kind
        self.luaType = luaType
        self.isRequired = required
        self.summary = summary
    }
}

/// A group of entries: a table Lua code writes or receives, a set of names, or a helper module.
public struct LuaAPISection: Sendable, Equatable {
    public enum Kind: String, Sendable {
        /// A table the author writes and the host checks at load time.
        case declaration
        /// A table the host hands to Lua code.
        case context
        /// A closed set of names (`---@alias` for LuaLS).
        case names
        /// A module of `rules/lib/`, returned by `require`.
        case module
    }

    /// The LuaLS class or alias name (`clientimport.RuleSet`).
    public var luaClass: String
    public var kind: Kind
    public var title: String
    /// For a module, the name `require` takes (`lib.text`).
    public var module: String?
    /// One paragraph for the reference.
    public var introduction: String
    public var entries: [LuaAPIEntry]
    /// For a `.names` section without entries, the type it stands for (`table<string, string>`).
    public var definition: String? = nil

    public var names: [String] { entries.map(\.name) }
    public func entry(_ name: String) -> LuaAPIEntry? { entries.first { $0.name == name } }
}

/// The Lua API of rule sets and plugins, in one place: the loaders check declarations against it
/// (an unknown field is refused with a suggestion), and `clientimport rules reference` renders
/// `docs/lua-api.md` and the LuaLS stub `rules/types/clientimport.lua` from it; a test keeps it
/// equal to what `rules/lib/` and the engine really provide.
public enum LuaAPIReference {
    /// The global `clientimport` table every rule set and plugin sees.
    public static let namespace = LuaAPISection(
        luaClass: "clientimport", kind: .context, title: "The `clientimport` namespace",
        introduction: "A global table set by the host before any rule set or plugin is loaded; the only global a rule file may read besides Lua's own.",
        entries: [
            .init("api_version", .field, "integer", "The version of this API (1); a rule set may compare it with its own `api_version`."),
            .init("skip", .function, "fun(reason: string?): clientimport.Verb",
                  "Returned by a plugin's `map` to leave the row out; the reason is reported as a warning and the import goes on."),
            .init("reject", .function, "fun(reason: string?): clientimport.Verb",
                  "Returned by a plugin's `map` to make the row an error; the whole file is then rejected and nothing changes."),
            .init("split_numbers", .function, "fun(text: string, separators: string, allowed: string?): string[]?, string?",
                  "Splits `text` on any of the `separators` bytes, trims each part and drops empty ones; returns each part's digits (\"+\" first when the part starts with \"+\"), or nil and the first part holding a character other than digits, spaces and `allowed`. Written in C: one pass where `gsub(part, \"%D\", \"\")` per part costs several."),
            .init("trim", .function, "fun(s: any): string",
                  "What `lib.text`'s `trim` does, written in C: `s` without spaces, tabs, line breaks and non-breaking spaces at both ends, each non-breaking space inside a space; nil gives `\"\"`, another value its `tostring` first. `lib.text` uses it when the host gives it; its Lua `trim` stays the reference the two are tested against."),
            .init("decode_bytes", .function, "fun(bytes: string, charset: string?): string, string, boolean",
                  "Decodes bytes carried one a character (U+0000–U+00FF, as `read` gets an 8-bit file) in `charset` (UTF-8, Windows-1251/1252, ISO-8859-1/-5/-15); returns the text, the encoding used and whether it was guessed: bytes with no charset, an unknown one, or not valid in the declared UTF-8 are decoded as the CSV reader decodes an 8-bit file, and the caller should warn."),
        ])

    /// What `clientimport.skip` and `clientimport.reject` return.
    public static let verb = LuaAPISection(
        luaClass: "clientimport.Verb", kind: .context, title: "Verb (what `skip` and `reject` return)",
        introduction: "Build it with `clientimport.skip` or `clientimport.reject`, never by hand.",
        entries: [
            .init("__verb", .field, "\"skip\"|\"reject\"", "Which verb."),
            .init("reason", .field, "string?", "The reason shown to the user."),
        ])

    /// The table `rules/<name>/ruleset.lua` returns.
    public static let ruleSet = LuaAPISection(
        luaClass: "clientimport.RuleSet", kind: .declaration, title: "Rule set (`rules/<name>/ruleset.lua`)",
        introduction: "The table a rule set file returns: the template's columns in order, its languages, its messages and checks. Checked when loaded; an unknown field is refused with the nearest known name.",
        entries: [
            .init("name", .field, "string", required: true, "The rule set's name, as `--rules NAME` takes it; by convention its folder's name."),
            .init("title", .field, "string", "A human title for `clientimport rules list` (default: `name`)."),
            .init("api_version", .field, "integer", "The `clientimport.api_version` the file was written against (1)."),
            .init("max_rows", .field, "integer", "At most this many data rows per file (RemOnline: 5000); absent: no limit. `import --max-rows` overrides it."),
            .init("languages", .field, "string[]", required: true, "Template languages, the first being the default (`{ \"fr\", \"en\", \"ru\", \"uk\" }`)."),
            .init("balance_comment", .field, "table<string, string>", required: true, "The comment written with each balance correction, per language; every language of `languages` is needed."),
            .init("undo_comment", .field, "table<string, string>", "The comment of the reversing entries `undo` writes, per language; `{batch}` is the batch number."),
            .init("yes_word", .field, "table<string, string>", required: true, "The word a yes-no column holds for yes when exporting, per language (`Oui`); every language is needed."),
            .init("messages", .field, "table<string, table<string, string>>", required: true,
                  "Message catalogs per language: message key → text with `{value}` (the cell), `{column}` (the column key) and the caller's own `{names}`; `en` is the fallback."),
            .init("columns", .field, "clientimport.Column[]", required: true, "The template's columns, in the order of the sheet; custom fields follow the last one."),
            .init("validate_row", .callback, "fun(fields: clientimport.Client, ctx: clientimport.CheckContext)",
                  "A per-row rule, called once the row's cells are valid; report problems with `ctx.error(key, message_key, vars)`."),
            .init("example", .field, "table<string, table<string, string>>", "The template's example row per language, as texts by field key."),
        ])

    /// One element of a rule set's `columns`.
    public static let column = LuaAPISection(
        luaClass: "clientimport.Column", kind: .declaration, title: "Column (an element of `columns`)",
        introduction: "One template column. The cell's trimmed text is first turned into a value by its `type`, then given to `validate`.",
        entries: [
            .init("key", .field, "clientimport.FieldKey", required: true, "The client field the column fills (see Client fields); each key at most once."),
            .init("type", .field, "clientimport.ColumnType", required: true, "How the cell's text becomes a value (see Column types)."),
            .init("required", .field, "boolean", "The cell must not be empty (message key `required`)."),
            .init("headers", .field, "table<string, string>", required: true, "The header per language; every language of the rule set is needed."),
            .init("aliases", .field, "string[]", "Other headers accepted for this column, in any language (`\"E-mail\"`)."),
            .init("help", .field, "table<string, string>", "The rule shown as the header cell's comment in the template, per language."),
            .init("width", .field, "number", "The column's width in the template, in characters."),
            .init("max_length", .field, "integer", "For `text` columns: at most this many characters (message key `text_too_long`)."),
            .init("validate", .callback, "fun(value: any, ctx: clientimport.CheckContext): boolean?, string?, table?",
                  "A per-cell rule on the typed value of a non-empty cell: return `false, message_key, vars` to report an error; anything else accepts it."),
        ])

    /// The values of a column's `type`: must equal the keys of `engine.types` in `rules/lib/engine.lua`.
    public static let columnTypes = LuaAPISection(
        luaClass: "clientimport.ColumnType", kind: .names, title: "Column types",
        introduction: "The names a column's `type` takes; each turns the cell's text into a value or reports a message key. Defined in `rules/lib/engine.lua`.",
        entries: [
            .init("id", .name, "string", "A client ID: up to 18 digits, kept as text (`id_invalid`)."),
            .init("text", .name, "string", "Any text, at most `max_length` characters (`text_too_long`)."),
            .init("phones", .name, "string[]", "Numbers separated by commas or semicolons, each normalised to digits (`phone_characters`, `phone_length`, `phone_scientific`); `ctx.options.phone_country_code` replaces a leading 0."),
            .init("email", .name, "string", "One address of plausible shape (`email_several`, `email_invalid`)."),
            .init("yes-no", .name, "boolean", "Yes (`Oui`, `Yes`, `Да`, `Так`, `1`, `x`…) or no (empty, `Non`, `No`, `0`…) (`yes_no_invalid`)."),
            .init("percent", .name, "string", "A number from 0 to 100, `%` allowed, as a canonical decimal string (`percent_invalid`, `percent_range`)."),
            .init("money", .name, "string", "An amount as a canonical decimal string, at most 4 decimals, never a float (`money_invalid`, `number_decimals`, `number_too_large`)."),
            .init("marketing-source", .name, "string", "The exact name of a marketing source of the base (`marketing_source_unknown`)."),
            .init("price-type", .name, "string", "The exact name of a price type of the base (`price_type_unknown`)."),
        ])

    /// The client fields a column or a plugin may fill: `ClientField.inTemplateOrder`, plus `custom`.
    public static let client = LuaAPISection(
        luaClass: "clientimport.Client", kind: .context, title: "Client fields",
        introduction: "The fields of a client, in the vocabulary of RemOnline's API: a column's `key`, a key of the table a plugin's `map` returns, and of the `fields` `validate_row` receives. A plugin may give any of them as text (or a list for `phone`, a boolean for yes-no fields); the rule set's columns check and type them.",
        entries: ClientField.inTemplateOrder.map { .init($0.key, .name, $0.luaType, $0.summary) } + [
            .init("custom", .field, "table<string, string>", "Custom field values by the custom field's name (the field must exist in the base)."),
        ])

    /// The table a plugin file (`plugins/<name>.lua`) returns.
    public static let plugin = LuaAPISection(
        luaClass: "clientimport.Plugin", kind: .declaration, title: "Plugin (`plugins/<name>.lua`)",
        introduction: "The table a plugin file returns: it recognises a foreign export by its headers, maps each row onto client fields, and may read a format the core does not. Checked when loaded; an unknown field is refused with the nearest known name.",
        entries: [
            .init("name", .field, "string", required: true, "The plugin's name, as `--plugin NAME` takes it; by convention the file's name."),
            .init("title", .field, "string", "A human title for reports (default: `name`)."),
            .init("extensions", .field, "string[]", "File extensions the plugin reads itself through `read` (`{ \"vcf\" }`), without the dot."),
            .init("parallel", .field, "boolean", "`true` when `map` is a function of its row and `ctx` (a cache aside: it remembers nothing that changes what a later row gets). The host may then map the file's batches of rows in two Lua states at once, each loading the plugin's file, to use a second core; messages, row numbers and the first error stop the import exactly as with one. Without it (the default) every row is mapped in order in one state."),
            .init("read", .callback, "fun(source: string, file: { name: string, encoding: string, eight_bit: boolean }): clientimport.ReadResult",
                  "Reads a file of one of `extensions` into a header row and data rows. `source` is its text, decoded by the host: a UTF-8 byte-order mark dropped, UTF-16 (with or without one) turned into UTF-8; `file.encoding` says which. A file that is neither UTF-8 nor UTF-16 has `file.eight_bit` set: `source` then carries each byte as one character U+0000–U+00FF, to decode with `clientimport.decode_bytes`, and `file.encoding` is the code page it looks like. A file with data that gives no row is refused (exit 65)."),
            .init("detect", .callback, "fun(headers: string[]): number, string?, string?",
                  "How sure the plugin is that `headers` are its export's, from 0 to 1, and why; `--plugin auto` picks the most confident. A third result, the language of the headers (`\"de\"`, `\"fr\"`), chooses the language of the import's messages when the rule set has it (else English)."),
            .init("map", .callback, "fun(row: clientimport.Row, ctx: clientimport.MapContext): clientimport.Client|clientimport.Client[]|clientimport.Verb",
                  "Maps one source row to a client table, a list of clients, `clientimport.skip(reason)` or `clientimport.reject(reason)`."),
        ])

    /// What a plugin's `read` returns.
    public static let readResult = LuaAPISection(
        luaClass: "clientimport.ReadResult", kind: .context, title: "What `read` returns",
        introduction: "The rows of a file in a format the core does not parse; the header row is row 1 and data rows follow.",
        entries: [
            .init("headers", .field, "string[]", required: true, "The header row."),
            .init("rows", .field, "string[][]", required: true, "The data rows, each a list of texts in the order of `headers`."),
        ])

    /// The source row a plugin's `map` receives.
    public static let row = LuaAPISection(
        luaClass: "clientimport.Row", kind: .names, title: "Row (what `map` receives)",
        introduction: "A source row: cell texts by header, exactly as the file spells the header; a missing cell is `\"\"`. The same cells by position are in `ctx.cells`.",
        entries: [], definition: "table<string, string>")

    /// The `ctx` of a plugin's `map`.
    public static let mapContext = LuaAPISection(
        luaClass: "clientimport.MapContext", kind: .context, title: "`ctx` of `map`",
        introduction: "What a plugin's `map` gets besides the row.",
        entries: [
            .init("row", .field, "integer", "The row number in the file, 1-based as the user sees it (the header is row 1)."),
            .init("headers", .field, "string[]", "The file's headers, in order."),
            .init("cells", .field, "string[]", "The row's cells by position."),
            .init("options", .field, "clientimport.Options", "The import's options."),
            .init("warn", .function, "fun(message: string)", "Adds a warning to this row (the row is still imported)."),
        ])

    /// The `ctx` of a column's `validate` and of `validate_row`.
    public static let checkContext = LuaAPISection(
        luaClass: "clientimport.CheckContext", kind: .context, title: "`ctx` of `validate` and `validate_row`",
        introduction: "What the rule set's checks get besides the value or the fields. Messages come from the rule set's `messages` in the template's language.",
        entries: [
            .init("row", .field, "integer", "The row number in the file, 1-based as the user sees it."),
            .init("language", .field, "string", "The template's language (`fr`), for messages."),
            .init("options", .field, "clientimport.Options", "The import's options."),
            .init("catalog", .field, "clientimport.Catalog", "What the base already holds: marketing sources, price types, custom fields."),
            .init("error", .function, "fun(key: string, message_key: string, vars: table?)",
                  "Reports an error on the cell of field `key` with the message `message_key` (`{value}` is that cell's text); the file is rejected."),
            .init("warn", .function, "fun(key: string, message_key: string, vars: table?)", "Reports a warning on the cell of field `key`; the row is still imported."),
            .init("message", .function, "fun(message_key: string, vars: table?): string", "The text of a message in the template's language, with `{names}` filled from `vars`."),
        ])

    /// `ctx.options`.
    public static let options = LuaAPISection(
        luaClass: "clientimport.Options", kind: .context, title: "`ctx.options`",
        introduction: "Options of the import that rules and plugins may honour; absent ones are nil.",
        entries: [
            .init("keep_unmapped_as_custom_fields", .field, "boolean?", "Set for plugins when the user wants columns the plugin did not map kept as custom fields (see `contacts.unmapped`)."),
            .init("phone_country_code", .field, "string?", "Set for checks when a country code (`33`) should replace a leading 0 in phone numbers."),
        ])

    /// `ctx.catalog`.
    public static let catalog = LuaAPISection(
        luaClass: "clientimport.Catalog", kind: .context, title: "`ctx.catalog`",
        introduction: "What the base holds, as sets to look names up in.",
        entries: [
            .init("marketing_sources", .field, "table<string, boolean>", "Marketing source names → `true`."),
            .init("price_types", .field, "table<string, boolean>", "Price type names → `true`."),
            .init("custom_fields", .field, "table<string, \"text\"|\"number\"|\"date\"|\"yes-no\">", "Custom field names → their type."),
        ])

    /// The shared helpers of `rules/lib/`, one section per module.
    public static let modules: [LuaAPISection] = [
        LuaAPISection(
            luaClass: "clientimport.lib.text", kind: .module, title: "`lib.text`", module: "lib.text",
            introduction: "Small pure text helpers.",
            entries: [
                .init("trim", .function, "fun(s: any): string", "Trims spaces, tabs, line breaks and non-breaking spaces at both ends (non-breaking spaces inside become spaces); nil gives `\"\"`. The host's `clientimport.trim` (C) when there is one, else `lua_trim`."),
                .init("lua_trim", .function, "fun(s: any): string", "The same trim written in Lua: the reference `clientimport.trim` is tested against, and `trim` where the host gives none (plain `lua5.4`)."),
                .init("split", .function, "fun(s: string?, separators: string): string[]", "Splits on any single character of `separators`, trimming each part and dropping empty ones."),
                .init("fold", .function, "fun(s: string?): string", "Trimmed, lower-cased, white space folded to one space: for comparing headers."),
                .init("is_wide_space", .function, "fun(code: integer): boolean", "Whether a code point is Unicode white space beyond ASCII (U+00A0, U+202F, U+2000–U+200A, …)."),
            ]),
        LuaAPISection(
            luaClass: "clientimport.lib.phones", kind: .module, title: "`lib.phones`", module: "lib.phones",
            introduction: "Phone numbers as RemOnline stores them: digits only, country code when written, leading zeros kept; numbers a spreadsheet turned into scientific notation are rebuilt when no digit was lost.",
            entries: [
                .init("normalize", .function, "fun(raw: string, options: { country_code: string? }?): string?, string?",
                      "One number's digits, or nil and a message key (`phone_characters`, `phone_length`, `phone_scientific`)."),
                .init("parse_list", .function, "fun(raw: string, options: { country_code: string? }?): string[]?, string?, string?",
                      "Numbers separated by commas, semicolons or line breaks: the list, or nil, a message key and the offending part."),
            ]),
        LuaAPISection(
            luaClass: "clientimport.lib.emails", kind: .module, title: "`lib.emails`", module: "lib.emails",
            introduction: "Email addresses: one per client, checked for a plausible shape (not for delivery).",
            entries: [
                .init("parse", .function, "fun(raw: string): string?, string?", "The trimmed address, or nil and `email_several` or `email_invalid`."),
                .init("parse_trimmed", .function, "fun(s: string): string?, string?", "`parse` of a text already trimmed."),
            ]),
        LuaAPISection(
            luaClass: "clientimport.lib.money", kind: .module, title: "`lib.money`", module: "lib.money",
            introduction: "Exact decimal amounts as text: amounts never become Lua floats.",
            entries: [
                .init("parse", .function, "fun(raw: string, allow_percent: boolean?): string?, string?",
                      "`\"1 234,50\"`, `\"+12.5\"`, `\"1.5E2\"` (and `\"10%\"` with `allow_percent`) as a canonical decimal string (`\"1234.5\"`), or nil and a message key. White space, `'` and Unicode spaces (U+00A0, U+202F…) between digit groups are dropped."),
                .init("compare", .function, "fun(a: string, b: string): integer", "Compares two canonical decimal strings as numbers: -1, 0 or 1."),
            ]),
        LuaAPISection(
            luaClass: "clientimport.lib.yesno", kind: .module, title: "`lib.yesno`", module: "lib.yesno",
            introduction: "Yes/no cells in the template's languages.",
            entries: [
                .init("parse", .function, "fun(raw: string?): boolean?, string?", "true, false (also for an empty cell), or nil and `yes_no_invalid`."),
            ]),
        LuaAPISection(
            luaClass: "clientimport.lib.contacts", kind: .module, title: "`lib.contacts`", module: "lib.contacts",
            introduction: "What migration plugins share: names, addresses from parts, the primary email, phone labels kept in notes, recognising an export, and the columns a plugin did not map.",
            entries: [
                .init("present", .function, "fun(value: any): string?", "The trimmed text, or nil when it is empty."),
                .init("join", .function, "fun(parts: table, separator: string?): string", "Joins the non-empty trimmed parts (nils allowed) with `separator` (`\", \"`)."),
                .init("split_multi", .function, "fun(value: string?): string[]", "Splits a cell holding several values separated by `\" ::: \"` (Google) or line breaks."),
                .init("label", .function, "fun(raw: string?): string?, boolean", "A label without its `\"* \"` primary mark, and whether it had one."),
                .init("names", .function, "fun(parts: { first: string?, middle: string?, last: string?, organization: string?, full: string? }): string, string, boolean, string?",
                      "`name`, `last_name`, `juridical` and a note (`\"Company: …\"`) from a person's and an organisation's names."),
                .init("name_fields", .function, "fun(first: string?, middle: string?, last: string?, organization: string?, full: string?): string, string, boolean, string?",
                      "`names` with the parts one by one (no table to make for every row)."),
                .init("address", .function, "fun(parts: table): string",
                      "One line from `formatted`, or from `street`, `street2`, `street3`, `po_box`, `postal_code`, `city`, `region`, `country`."),
                .init("formatted_address", .function, "fun(formatted: string?): string?",
                      "A formatted address as `address` gives it (its lines trimmed, joined with `\", \"`); nil when it is empty."),
                .init("primary_email", .function, "fun(list: { value: string, label: string?, primary: boolean? }[]): string, string?",
                      "The first primary (else first) address, and a note listing the others."),
                .init("phones", .function, "fun(list: { value: string, label: string?, primary: boolean? }[]): string[], string?",
                      "Every number once, primary first, and a note with their labels (nil when none has one)."),
                .init("notes", .function, "fun(parts: table): string", "Joins note parts one a line, leaving out empty ones."),
                .init("track", .function, "fun(row: clientimport.Row): clientimport.Row, table<string, boolean>",
                      "Wraps a row so every header read is remembered; returns the wrapped row and the set of headers read."),
                .init("unmapped", .function, "fun(row: clientimport.Row, used: table<string, boolean>, ctx: clientimport.MapContext): table<string, string>?",
                      "The non-empty columns not read, by header, when `ctx.options.keep_unmapped_as_custom_fields` is set."),
                .init("finish", .function, "fun(client: clientimport.Client, raw: clientimport.Row, used: table<string, boolean>, ctx: clientimport.MapContext): clientimport.Client?, string?",
                      "Adds the unmapped columns when asked and names a nameless client after its email or phone; nil and why when the row has no name, phone or email."),
                .init("value", .function, "fun(row: clientimport.Row, headers: string[]): string?", "The first non-empty value among `headers`."),
                .init("recognise", .function, "fun(headers: string[], spec: { system: string, layouts: { name: string?, headers: string[] }[], markers: string[] }): number, string",
                      "A `detect` score: below 0.4 without a distinctive marker header, else 0.3 + 0.7 × the share of the best layout's headers present; and why."),
            ]),
        LuaAPISection(
            luaClass: "clientimport.lib.vcard", kind: .module, title: "`lib.vcard`", module: "lib.vcard",
            introduction: "vCard 2.1, 3.0 and 4.0: folded lines, quoted-printable, CHARSET (UTF-8, Windows-1251), escaped and structured values, grouped properties.",
            entries: [
                .init("parse", .function, "fun(source: string): { version: string, properties: table[] }[]",
                      "The cards of a .vcf file; each property is `{ group, name, types, params, raw }` (properties with the same head share their `types` and `params`: read them, do not change them). A card cut short (no END:VCARD) is kept; binary values (PHOTO, LOGO, SOUND, KEY, base64) read as \"\". Linear in the file's size."),
                .init("each", .function, "fun(source: string, on_card: fun(card: { version: string, properties: table[], warnings: string[] }), file: { eight_bit: boolean, encoding: string }?)",
                      "Like `parse`, but calls `on_card` with each card as soon as it is read, so a large file's cards need not all be held at once. Pass `read`'s `file` so that an 8-bit file's values are decoded in their CHARSET (else the file's code page, with a line in the card's `warnings`)."),
                .init("text", .function, "fun(property: table): string", "A property's value, unescaped."),
                .init("components", .function, "fun(property: table): string[]", "The components of a structured value (N, ADR, ORG), unescaped."),
                .init("all", .function, "fun(card: table, name: string): table[]", "Every property of `card` named `name` (upper case: `TEL`)."),
                .init("first", .function, "fun(card: table, name: string): table?", "The first property named `name`, or nil."),
                .init("label", .function, "fun(card: table, property: table): string?, boolean",
                      "A property's label (Apple's `X-ABLabel` of its group, else its types but pref/voice/internet) and whether it is preferred."),
                .init("unescape", .function, "fun(s: string): string", "Removes the backslash escapes of vCard 3.0/4.0 values."),
                .init("decode_quoted_printable", .function, "fun(s: string): string", "Decodes `=XX` bytes and `=` soft line breaks."),
                .init("decode", .function, "fun(bytes: string, charset: string?, fallback: string?): string, string?",
                      "Decodes a value's bytes in its declared CHARSET (through `clientimport.decode_bytes`); returns the text and, when the charset had to be guessed, a warning to show (the card's `warnings` collect them)."),
            ]),
        LuaAPISection(
            luaClass: "clientimport.lib.rules", kind: .module, title: "`lib.rules`", module: "lib.rules",
            introduction: "A shop's rule set built on another one (`require(\"remonline.ruleset\")`) without copying tables by hand; the base is never changed.",
            entries: [
                .init("extend", .function, "fun(base: clientimport.RuleSet, changes: table): clientimport.RuleSet",
                      "A new rule set: a deep copy of `base` with `changes` laid over it. Tables merge key by key (`messages = { en = { my_key = \"…\" } }` adds one message); lists (`languages`, `aliases`) are replaced whole; `columns` is keyed by column key (`{ phone = { aliases = { … } }, notes = false }` changes one column and removes another; a new key with `type` and `headers` is added after the last column)."),
            ]),
    ]

    /// Modules of `rules/lib/` that are the host's machinery, not helpers for authors.
    public static let internalModules: Set<String> = ["lib.engine", "lib.mapper", "lib.prelude"]

    /// Every section, in the order of the reference.
    public static let sections: [LuaAPISection] = [
        namespace, ruleSet, column, columnTypes, client, checkContext, plugin, row, mapContext, readResult, verb, options, catalog,
    ] + modules
}
