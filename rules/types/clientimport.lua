---@meta
-- The Lua API of clientimport rule sets and plugins (API version 1), for Lua language
-- servers (LuaLS): `.luarc.json` at the repository's root loads it. Annotate a rule set's returned table
-- with `---@type clientimport.RuleSet` and a plugin's with `---@type clientimport.Plugin`.
-- Generated from Sources/Importer/LuaAPIReference.swift by
-- `swift run clientimport rules reference --luals -o rules/types/clientimport.lua`; do not edit by hand.

---A global table set by the host before any rule set or plugin is loaded; the only global a rule file may read
---besides Lua's own.
---@class clientimport
---@field api_version integer The version of this API (1); a rule set may compare it with its own `api_version`.
---@field skip fun(reason: string?): clientimport.Verb Returned by a plugin's `map` to leave the row out; the reason is reported as a warning and the import goes on.
---@field reject fun(reason: string?): clientimport.Verb Returned by a plugin's `map` to make the row an error; the whole file is then rejected and nothing changes.
---@field split_numbers fun(text: string, separators: string, allowed: string?): string[]?, string? Splits `text` on any of the `separators` bytes, trims each part and drops empty ones; returns each part's digits ("+" first when the part starts with "+"), or nil and the first part holding a character other than digits, spaces and `allowed`. Written in C: one pass where `gsub(part, "%D", "")` per part costs several.
---@field trim fun(s: any): string What `lib.text`'s `trim` does, written in C: `s` without spaces, tabs, line breaks and non-breaking spaces at both ends, each non-breaking space inside a space; nil gives `""`, another value its `tostring` first. `lib.text` uses it when the host gives it; its Lua `trim` stays the reference the two are tested against.
---@field decode_bytes fun(bytes: string, charset: string?): string, string, boolean Decodes bytes carried one a character (U+0000–U+00FF, as `read` gets an 8-bit file) in `charset` (UTF-8, Windows-1251/1252, ISO-8859-1/-5/-15); returns the text, the encoding used and whether it was guessed: bytes with no charset, an unknown one, or not valid in the declared UTF-8 are decoded as the CSV reader decodes an 8-bit file, and the caller should warn.
clientimport = {}

---The table a rule set file returns: the template's columns in order, its languages, its messages and checks.
---Checked when loaded; an unknown field is refused with the nearest known name.
---@class clientimport.RuleSet
---@field name string The rule set's name, as `--rules NAME` takes it; by convention its folder's name.
---@field title? string A human title for `clientimport rules list` (default: `name`).
---@field api_version? integer The `clientimport.api_version` the file was written against (1).
---@field max_rows? integer At most this many data rows per file (RemOnline: 5000); absent: no limit. `import --max-rows` overrides it.
---@field languages string[] Template languages, the first being the default (`{ "fr", "en", "ru", "uk" }`).
---@field balance_comment table<string, string> The comment written with each balance correction, per language; every language of `languages` is needed.
---@field undo_comment? table<string, string> The comment of the reversing entries `undo` writes, per language; `{batch}` is the batch number.
---@field yes_word table<string, string> The word a yes-no column holds for yes when exporting, per language (`Oui`); every language is needed.
---@field messages table<string, table<string, string>> Message catalogs per language: message key → text with `{value}` (the cell), `{column}` (the column key) and the caller's own `{names}`; `en` is the fallback.
---@field columns clientimport.Column[] The template's columns, in the order of the sheet; custom fields follow the last one.
---@field validate_row? fun(fields: clientimport.Client, ctx: clientimport.CheckContext) A per-row rule, called once the row's cells are valid; report problems with `ctx.error(key, message_key, vars)`.
---@field example? table<string, table<string, string>> The template's example row per language, as texts by field key.

---One template column. The cell's trimmed text is first turned into a value by its `type`, then given to
---`validate`.
---@class clientimport.Column
---@field key clientimport.FieldKey The client field the column fills (see Client fields); each key at most once.
---@field type clientimport.ColumnType How the cell's text becomes a value (see Column types).
---@field required? boolean The cell must not be empty (message key `required`).
---@field headers table<string, string> The header per language; every language of the rule set is needed.
---@field aliases? string[] Other headers accepted for this column, in any language (`"E-mail"`).
---@field help? table<string, string> The rule shown as the header cell's comment in the template, per language.
---@field width? number The column's width in the template, in characters.
---@field max_length? integer For `text` columns: at most this many characters (message key `text_too_long`).
---@field validate? fun(value: any, ctx: clientimport.CheckContext): boolean?, string?, table? A per-cell rule on the typed value of a non-empty cell: return `false, message_key, vars` to report an error; anything else accepts it.

---The names a column's `type` takes; each turns the cell's text into a value or reports a message key. Defined
---in `rules/lib/engine.lua`.
---@alias clientimport.ColumnType
---| "id" # A client ID: up to 18 digits, kept as text (`id_invalid`).
---| "text" # Any text, at most `max_length` characters (`text_too_long`).
---| "phones" # Numbers separated by commas or semicolons, each normalised to digits (`phone_characters`, `phone_length`, `phone_scientific`); `ctx.options.phone_country_code` replaces a leading 0.
---| "email" # One address of plausible shape (`email_several`, `email_invalid`).
---| "yes-no" # Yes (`Oui`, `Yes`, `Да`, `Так`, `1`, `x`…) or no (empty, `Non`, `No`, `0`…) (`yes_no_invalid`).
---| "percent" # A number from 0 to 100, `%` allowed, as a canonical decimal string (`percent_invalid`, `percent_range`).
---| "money" # An amount as a canonical decimal string, at most 4 decimals, never a float (`money_invalid`, `number_decimals`, `number_too_large`).
---| "marketing-source" # The exact name of a marketing source of the base (`marketing_source_unknown`).
---| "price-type" # The exact name of a price type of the base (`price_type_unknown`).

---The fields of a client, in the vocabulary of RemOnline's API: a column's `key`, a key of the table a
---plugin's `map` returns, and of the `fields` `validate_row` receives. A plugin may give any of them as text
---(or a list for `phone`, a boolean for yes-no fields); the rule set's columns check and type them.
---@class clientimport.Client
---@field id? string The client ID of an exported client (empty: a new client).
---@field name? string The name; every client needs one.
---@field phone? string[]|string Phone numbers: a plugin may give a list or one text with commas; `validate_row` gets the list of digits.
---@field address? string The postal address, on one line.
---@field email? string One email address.
---@field last_name? string The last name (RemOnline's French template calls it `Prénom`).
---@field juridical? boolean A company rather than a person.
---@field supplier? boolean A supplier rather than a buyer.
---@field conflicted? boolean A difficult client.
---@field notes? string Free notes; plugins put what has no field here.
---@field marketing_source? string The marketing source's exact name.
---@field discount_card? string The discount card's number.
---@field discount_goods? string Discount on goods in sales, a percentage.
---@field discount_services? string Discount on services in orders and invoices, a percentage.
---@field discount_materials? string Discount on goods/materials in orders and invoices, a percentage.
---@field price_type_sales? string The price type in sales.
---@field price_type_orders? string The price type in orders and invoices.
---@field balance? string The target balance as a decimal text: + the client owes you, − you owe the client.
---@field custom? table<string, string> Custom field values by the custom field's name (the field must exist in the base).

---A client field's key, as a column's `key`.
---@alias clientimport.FieldKey
---| "id" # The client ID of an exported client (empty: a new client).
---| "name" # The name; every client needs one.
---| "phone" # Phone numbers: a plugin may give a list or one text with commas; `validate_row` gets the list of digits.
---| "address" # The postal address, on one line.
---| "email" # One email address.
---| "last_name" # The last name (RemOnline's French template calls it `Prénom`).
---| "juridical" # A company rather than a person.
---| "supplier" # A supplier rather than a buyer.
---| "conflicted" # A difficult client.
---| "notes" # Free notes; plugins put what has no field here.
---| "marketing_source" # The marketing source's exact name.
---| "discount_card" # The discount card's number.
---| "discount_goods" # Discount on goods in sales, a percentage.
---| "discount_services" # Discount on services in orders and invoices, a percentage.
---| "discount_materials" # Discount on goods/materials in orders and invoices, a percentage.
---| "price_type_sales" # The price type in sales.
---| "price_type_orders" # The price type in orders and invoices.
---| "balance" # The target balance as a decimal text: + the client owes you, − you owe the client.

---What the rule set's checks get besides the value or the fields. Messages come from the rule set's `messages`
---in the template's language.
---@class clientimport.CheckContext
---@field row integer The row number in the file, 1-based as the user sees it.
---@field language string The template's language (`fr`), for messages.
---@field options clientimport.Options The import's options.
---@field catalog clientimport.Catalog What the base already holds: marketing sources, price types, custom fields.
---@field error fun(key: string, message_key: string, vars: table?) Reports an error on the cell of field `key` with the message `message_key` (`{value}` is that cell's text); the file is rejected.
---@field warn fun(key: string, message_key: string, vars: table?) Reports a warning on the cell of field `key`; the row is still imported.
---@field message fun(message_key: string, vars: table?): string The text of a message in the template's language, with `{names}` filled from `vars`.

---The table a plugin file returns: it recognises a foreign export by its headers, maps each row onto client
---fields, and may read a format the core does not. Checked when loaded; an unknown field is refused with the
---nearest known name.
---@class clientimport.Plugin
---@field name string The plugin's name, as `--plugin NAME` takes it; by convention the file's name.
---@field title? string A human title for reports (default: `name`).
---@field extensions? string[] File extensions the plugin reads itself through `read` (`{ "vcf" }`), without the dot.
---@field parallel? boolean `true` when `map` is a function of its row and `ctx` (a cache aside: it remembers nothing that changes what a later row gets). The host may then map the file's batches of rows in two Lua states at once, each loading the plugin's file, to use a second core; messages, row numbers and the first error stop the import exactly as with one. Without it (the default) every row is mapped in order in one state.
---@field read? fun(source: string, file: { name: string, encoding: string, eight_bit: boolean }): clientimport.ReadResult Reads a file of one of `extensions` into a header row and data rows. `source` is its text, decoded by the host: a UTF-8 byte-order mark dropped, UTF-16 (with or without one) turned into UTF-8; `file.encoding` says which. A file that is neither UTF-8 nor UTF-16 has `file.eight_bit` set: `source` then carries each byte as one character U+0000–U+00FF, to decode with `clientimport.decode_bytes`, and `file.encoding` is the code page it looks like. A file with data that gives no row is refused (exit 65).
---@field detect? fun(headers: string[]): number, string?, string? How sure the plugin is that `headers` are its export's, from 0 to 1, and why; `--plugin auto` picks the most confident. A third result, the language of the headers (`"de"`, `"fr"`), chooses the language of the import's messages when the rule set has it (else English).
---@field map? fun(row: clientimport.Row, ctx: clientimport.MapContext): clientimport.Client|clientimport.Client[]|clientimport.Verb Maps one source row to a client table, a list of clients, `clientimport.skip(reason)` or `clientimport.reject(reason)`.

---A source row: cell texts by header, exactly as the file spells the header; a missing cell is `""`. The same
---cells by position are in `ctx.cells`.
---@alias clientimport.Row table<string, string>

---What a plugin's `map` gets besides the row.
---@class clientimport.MapContext
---@field row integer The row number in the file, 1-based as the user sees it (the header is row 1).
---@field headers string[] The file's headers, in order.
---@field cells string[] The row's cells by position.
---@field options clientimport.Options The import's options.
---@field warn fun(message: string) Adds a warning to this row (the row is still imported).

---The rows of a file in a format the core does not parse; the header row is row 1 and data rows follow.
---@class clientimport.ReadResult
---@field headers string[] The header row.
---@field rows string[][] The data rows, each a list of texts in the order of `headers`.

---Build it with `clientimport.skip` or `clientimport.reject`, never by hand.
---@class clientimport.Verb
---@field __verb "skip"|"reject" Which verb.
---@field reason string? The reason shown to the user.

---Options of the import that rules and plugins may honour; absent ones are nil.
---@class clientimport.Options
---@field keep_unmapped_as_custom_fields boolean? Set for plugins when the user wants columns the plugin did not map kept as custom fields (see `contacts.unmapped`).
---@field phone_country_code string? Set for checks when a country code (`33`) should replace a leading 0 in phone numbers.

---What the base holds, as sets to look names up in.
---@class clientimport.Catalog
---@field marketing_sources table<string, boolean> Marketing source names → `true`.
---@field price_types table<string, boolean> Price type names → `true`.
---@field custom_fields table<string, "text"|"number"|"date"|"yes-no"> Custom field names → their type.

---Small pure text helpers. `require("lib.text")`
---@class clientimport.lib.text
---@field trim fun(s: any): string Trims spaces, tabs, line breaks and non-breaking spaces at both ends (non-breaking spaces inside become spaces); nil gives `""`. The host's `clientimport.trim` (C) when there is one, else `lua_trim`.
---@field lua_trim fun(s: any): string The same trim written in Lua: the reference `clientimport.trim` is tested against, and `trim` where the host gives none (plain `lua5.4`).
---@field split fun(s: string?, separators: string): string[] Splits on any single character of `separators`, trimming each part and dropping empty ones.
---@field fold fun(s: string?): string Trimmed, lower-cased, white space folded to one space: for comparing headers.
---@field is_wide_space fun(code: integer): boolean Whether a code point is Unicode white space beyond ASCII (U+00A0, U+202F, U+2000–U+200A, …).

---Phone numbers as RemOnline stores them: digits only, country code when written, leading zeros kept; numbers
---a spreadsheet turned into scientific notation are rebuilt when no digit was lost. `require("lib.phones")`
---@class clientimport.lib.phones
---@field normalize fun(raw: string, options: { country_code: string? }?): string?, string? One number's digits, or nil and a message key (`phone_characters`, `phone_length`, `phone_scientific`).
---@field parse_list fun(raw: string, options: { country_code: string? }?): string[]?, string?, string? Numbers separated by commas, semicolons or line breaks: the list, or nil, a message key and the offending part.

---Email addresses: one per client, checked for a plausible shape (not for delivery). `require("lib.emails")`
---@class clientimport.lib.emails
---@field parse fun(raw: string): string?, string? The trimmed address, or nil and `email_several` or `email_invalid`.
---@field parse_trimmed fun(s: string): string?, string? `parse` of a text already trimmed.

---Exact decimal amounts as text: amounts never become Lua floats. `require("lib.money")`
---@class clientimport.lib.money
---@field parse fun(raw: string, allow_percent: boolean?): string?, string? `"1 234,50"`, `"+12.5"`, `"1.5E2"` (and `"10%"` with `allow_percent`) as a canonical decimal string (`"1234.5"`), or nil and a message key. White space, `'` and Unicode spaces (U+00A0, U+202F…) between digit groups are dropped.
---@field compare fun(a: string, b: string): integer Compares two canonical decimal strings as numbers: -1, 0 or 1.

---Yes/no cells in the template's languages. `require("lib.yesno")`
---@class clientimport.lib.yesno
---@field parse fun(raw: string?): boolean?, string? true, false (also for an empty cell), or nil and `yes_no_invalid`.

---What migration plugins share: names, addresses from parts, the primary email, phone labels kept in notes,
---recognising an export, and the columns a plugin did not map. `require("lib.contacts")`
---@class clientimport.lib.contacts
---@field present fun(value: any): string? The trimmed text, or nil when it is empty.
---@field join fun(parts: table, separator: string?): string Joins the non-empty trimmed parts (nils allowed) with `separator` (`", "`).
---@field split_multi fun(value: string?): string[] Splits a cell holding several values separated by `" ::: "` (Google) or line breaks.
---@field label fun(raw: string?): string?, boolean A label without its `"* "` primary mark, and whether it had one.
---@field names fun(parts: { first: string?, middle: string?, last: string?, organization: string?, full: string? }): string, string, boolean, string? `name`, `last_name`, `juridical` and a note (`"Company: …"`) from a person's and an organisation's names.
---@field name_fields fun(first: string?, middle: string?, last: string?, organization: string?, full: string?): string, string, boolean, string? `names` with the parts one by one (no table to make for every row).
---@field address fun(parts: table): string One line from `formatted`, or from `street`, `street2`, `street3`, `po_box`, `postal_code`, `city`, `region`, `country`.
---@field formatted_address fun(formatted: string?): string? A formatted address as `address` gives it (its lines trimmed, joined with `", "`); nil when it is empty.
---@field primary_email fun(list: { value: string, label: string?, primary: boolean? }[]): string, string? The first primary (else first) address, and a note listing the others.
---@field phones fun(list: { value: string, label: string?, primary: boolean? }[]): string[], string? Every number once, primary first, and a note with their labels (nil when none has one).
---@field notes fun(parts: table): string Joins note parts one a line, leaving out empty ones.
---@field track fun(row: clientimport.Row): clientimport.Row, table<string, boolean> Wraps a row so every header read is remembered; returns the wrapped row and the set of headers read.
---@field unmapped fun(row: clientimport.Row, used: table<string, boolean>, ctx: clientimport.MapContext): table<string, string>? The non-empty columns not read, by header, when `ctx.options.keep_unmapped_as_custom_fields` is set.
---@field finish fun(client: clientimport.Client, raw: clientimport.Row, used: table<string, boolean>, ctx: clientimport.MapContext): clientimport.Client?, string? Adds the unmapped columns when asked and names a nameless client after its email or phone; nil and why when the row has no name, phone or email.
---@field value fun(row: clientimport.Row, headers: string[]): string? The first non-empty value among `headers`.
---@field recognise fun(headers: string[], spec: { system: string, layouts: { name: string?, headers: string[] }[], markers: string[] }): number, string A `detect` score: below 0.4 without a distinctive marker header, else 0.3 + 0.7 × the share of the best layout's headers present; and why.

---vCard 2.1, 3.0 and 4.0: folded lines, quoted-printable, CHARSET (UTF-8, Windows-1251), escaped and
---structured values, grouped properties. `require("lib.vcard")`
---@class clientimport.lib.vcard
---@field parse fun(source: string): { version: string, properties: table[] }[] The cards of a .vcf file; each property is `{ group, name, types, params, raw }` (properties with the same head share their `types` and `params`: read them, do not change them). A card cut short (no END:VCARD) is kept; binary values (PHOTO, LOGO, SOUND, KEY, base64) read as "". Linear in the file's size.
---@field each fun(source: string, on_card: fun(card: { version: string, properties: table[], warnings: string[] }), file: { eight_bit: boolean, encoding: string }?) Like `parse`, but calls `on_card` with each card as soon as it is read, so a large file's cards need not all be held at once. Pass `read`'s `file` so that an 8-bit file's values are decoded in their CHARSET (else the file's code page, with a line in the card's `warnings`).
---@field text fun(property: table): string A property's value, unescaped.
---@field components fun(property: table): string[] The components of a structured value (N, ADR, ORG), unescaped.
---@field all fun(card: table, name: string): table[] Every property of `card` named `name` (upper case: `TEL`).
---@field first fun(card: table, name: string): table? The first property named `name`, or nil.
---@field label fun(card: table, property: table): string?, boolean A property's label (Apple's `X-ABLabel` of its group, else its types but pref/voice/internet) and whether it is preferred.
---@field unescape fun(s: string): string Removes the backslash escapes of vCard 3.0/4.0 values.
---@field decode_quoted_printable fun(s: string): string Decodes `=XX` bytes and `=` soft line breaks.
---@field decode fun(bytes: string, charset: string?, fallback: string?): string, string? Decodes a value's bytes in its declared CHARSET (through `clientimport.decode_bytes`); returns the text and, when the charset had to be guessed, a warning to show (the card's `warnings` collect them).

---A shop's rule set built on another one (`require("remonline.ruleset")`) without copying tables by hand; the
---base is never changed. `require("lib.rules")`
---@class clientimport.lib.rules
---@field extend fun(base: clientimport.RuleSet, changes: table): clientimport.RuleSet A new rule set: a deep copy of `base` with `changes` laid over it. Tables merge key by key (`messages = { en = { my_key = "…" } }` adds one message); lists (`languages`, `aliases`) are replaced whole; `columns` is keyed by column key (`{ phone = { aliases = { … } }, notes = false }` changes one column and removes another; a new key with `type` and `headers` is added after the last column).
