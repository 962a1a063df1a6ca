-- vCard 2.1 (vCard: The Electronic Business Card, versit 1996), 3.0 (RFC 2425/2426) and 4.0
-- (RFC 6350): folded lines, quoted-printable with soft line breaks, CHARSET (UTF-8 and the
-- 8-bit code pages the host decodes), escaped and structured values, grouped properties (`item1.TEL`).
local vcard = {}

-- Bytes carried one a character (U+0080–U+00FF, two bytes of UTF-8 each) and back: what the
-- host's `decode_bytes` takes, and what `read` gets for a file that is neither UTF-8 nor UTF-16.
-- Replacement tables for `gsub`: the C matcher looks each match up, so converting a value costs
-- no Lua instructions per character.
local TO_CARRIED, FROM_CARRIED = {}, {}
for b = 0x80, 0xFF do
  TO_CARRIED[string.char(b)] = utf8.char(b)
  FROM_CARRIED[utf8.char(b)] = string.char(b)
end
local FROM_HEX = {} -- "C3", "c3", "C3"… → the byte
for b = 0, 255 do
  local high, low = string.format("%X", b // 16), string.format("%X", b % 16)
  for _, h in ipairs({ high, high:lower() }) do
    for _, l in ipairs({ low, low:lower() }) do FROM_HEX[h .. l] = string.char(b) end
  end
end
local UNESCAPED = { n = "\n", N = "\n" } -- "\x" → "x", "\n" → a line break
for b = 0, 255 do UNESCAPED[string.char(b)] = UNESCAPED[string.char(b)] or string.char(b) end

local CHARSET_NAMES = { ["UTF-8"] = true, UTF8 = true, ["US-ASCII"] = true, ASCII = true }

--- Decodes the bytes of one value: in its declared `charset` (nil when none) — UTF-8, or an
--- 8-bit code page the host knows (`clientimport.decode_bytes`). Returns the text and, when the
--- charset had to be guessed (none declared and not UTF-8, an unknown one, or UTF-8 declared
--- but not valid), a warning saying how it was read. `fallback` is the code page the whole file
--- looks like, for 8-bit text with no charset.
function vcard.decode(bytes, charset, fallback)
  if not string.find(bytes, "[\128-\255]") then return bytes end -- ASCII is ASCII in every charset
  local upper = charset and charset:upper() or nil
  if (upper == nil or CHARSET_NAMES[upper]) and utf8.len(bytes) then return bytes end
  local text, encoding, guessed = clientimport.decode_bytes((bytes:gsub("[\128-\255]", TO_CARRIED)), charset or fallback)
  if charset == nil then
    return text, "8-bit text with no CHARSET, read as " .. encoding ..
      (fallback and " (the code page the file looks like)" or " (the code page it looks like)") .. ": check its accents and letters"
  end
  if guessed then
    return text, "CHARSET=" .. charset .. (CHARSET_NAMES[upper] and " but the bytes are not valid UTF-8" or " is not a charset clientimport knows") ..
      ", read as " .. encoding .. ": check its accents and letters"
  end
  return text
end

--- Decodes quoted-printable text: `=XX` bytes and `=` soft line breaks.
function vcard.decode_quoted_printable(s)
  s = s:gsub("=\r?\n", "")
  return (s:gsub("=(%x%x)", FROM_HEX))
end

local byte, find, sub, concat = string.byte, string.find, string.sub, table.concat
local BACKSLASH, SPACE, TAB, CR, LF, EQUALS, QUOTE = 92, 32, 9, 13, 10, 61, 34

--- Splits on `separator` (";" or ",") where it is not escaped with a backslash.
-- Jumps from one backslash or separator to the next with `find` (one character class, no
-- quantifier: nothing to backtrack), so the work is linear in the length of `s`.
local function split_escaped(s, separator)
  local stop_at = separator == ";" and "[\\;]" or "[\\,]"
  local parts, from, i = {}, 1, 1
  while true do
    local at = find(s, stop_at, i)
    if not at then break end
    if byte(s, at) == BACKSLASH then
      i = at + 2 -- the escaped character stays, with its backslash, for `unescape`
    else
      parts[#parts + 1] = sub(s, from, at - 1)
      from, i = at + 1, at + 1
    end
  end
  parts[#parts + 1] = sub(s, from)
  return parts
end

--- Removes the backslash escapes of vCard 3.0/4.0 values (\n, \, \; \\).
function vcard.unescape(s)
  if not find(s, "\\", 1, true) then return s end
  return (s:gsub("\\(.)", UNESCAPED))
end

-- Properties whose values are binary (a photo, a logo, a sound, a key): never needed for a
-- client card, and a phone's export may hold megabytes of each, so their text is not kept.
local BINARY = { PHOTO = true, LOGO = true, SOUND = true, KEY = true }
-- The encodings vCard 2.1 lets a parameter name without "ENCODING=".
local ENCODINGS = { ["QUOTED-PRINTABLE"] = true, BASE64 = true, ["8BIT"] = true, ["7BIT"] = true }

-- Parses a property's head, "item1.TEL;TYPE=CELL,pref;CHARSET=UTF-8", into its group, name,
-- params, types and how to decode its value; nil when it has no property name (":value",
-- "group.:x").
local function parse_head(head)
  local segments = split_escaped(head, ";")
  local first, dot = segments[1], 0
  while true do -- the group is everything before the last dot
    local next_dot = find(first, ".", dot + 1, true)
    if not next_dot then break end
    dot = next_dot
  end
  local group, name = sub(first, 1, dot - 1), sub(first, dot + 1)
  if name == "" then return nil end -- found by fuzzing: ":value" has no property name
  local property = { group = group ~= "" and group:lower() or nil, name = name:upper(), params = {}, types = {} }
  for i = 2, #segments do
    local segment = segments[i]
    local equals = find(segment, "=", 1, true)
    local key, raw
    if equals and equals > 1 then
      key, raw = segment:sub(1, equals - 1):upper(), segment:sub(equals + 1)
    elseif ENCODINGS[segment:upper()] then
      key, raw = "ENCODING", segment -- vCard 2.1: ";QUOTED-PRINTABLE" alone names the encoding
    else
      key, raw = "TYPE", segment -- vCard 2.1: ";HOME;VOICE"
    end
    if #raw >= 2 and byte(raw, 1) == QUOTE and byte(raw, -1) == QUOTE then raw = raw:sub(2, -2) end
    property.params[key] = raw
    if key == "TYPE" then
      for _, item in ipairs(split_escaped(raw, ",")) do property.types[#property.types + 1] = item:lower() end
    elseif key == "PREF" then
      property.types[#property.types + 1] = "pref"
    end
  end
  local encoding = (property.params.ENCODING or ""):upper()
  property.quoted_printable = encoding == "QUOTED-PRINTABLE"
  property.binary = BINARY[property.name] or encoding == "B" or encoding == "BASE64"
  property.charset = property.params.CHARSET ~= "" and property.params.CHARSET or nil
  return property
end

-- "END:VCARD" or "BEGIN:VCARD" (any case, trailing blanks) at source[from, to]: a card boundary,
-- never the continuation of a quoted-printable value whose last line ended in a soft line break.
local function is_card_boundary(source, from, to)
  if to - from > 24 then return false end
  local upper = sub(source, from, to):upper():gsub("[ \t]+$", "")
  return upper == "END:VCARD" or upper == "BEGIN:VCARD"
end

-- What a line whose head has no property name becomes: read past, never kept.
local NAMELESS = { binary = true, nameless = true }
-- A file repeats a few dozen heads ("TEL;TYPE=CELL"); each distinct one is parsed once, up to
-- this many (then the cache starts again, so a file of distinct heads cannot grow it forever).
local HEAD_CACHE_SIZE = 1024

--- Calls `on_card(card)` for each card of a .vcf file's text, in order, as soon as it is read:
--- { version =, properties = { … } } where each property is { group =, name =,
--- types = { "cell", "pref" }, params =, raw = } (properties with the same head share one
--- `types` and one `params` table: read them, do not change them). A card cut short (no
--- END:VCARD before the next BEGIN:VCARD or the end of the file) is kept with what it has.
--- Binary values (PHOTO, LOGO, SOUND, KEY, ENCODING=b or BASE64) read as "".
---
--- Physical lines end in CRLF, LF or CR. A line starting with a space or tab continues the
--- previous one (3.0/4.0 folding); after a quoted-printable line ending in "=" (a soft line
--- break) the next line continues it, unless it is END:VCARD or BEGIN:VCARD (some phones end a
--- value with a soft break) or the file ends there. The work is linear in the size of the file:
--- lines are found with `find` from the current position, each is copied once into the pieces
--- of its logical line, and the pieces are joined once; lines of a binary value are never
--- copied at all, so a 50 MB photo costs one scan, not memory. Nothing here backtracks.
---
--- `file` (optional) is what `read` was given: with `file.eight_bit`, `source` carries the
--- bytes of a file that is neither UTF-8 nor UTF-16 one a character, and each value is decoded
--- in its CHARSET, else in `file.encoding`. A value whose charset had to be guessed adds a line
--- to the card's `warnings`.
function vcard.each(source, on_card, file)
  local eight_bit, fallback = file and file.eight_bit, file and file.eight_bit and file.encoding or nil
  local size = #source
  local position = 1
  if sub(source, 1, 3) == "\239\187\191" then position = 4 end
  local heads, head_count = {}, 0
  local colon_at = 0 -- the first colon at or after where the last search started
  local card = nil
  -- The logical line being read: its head pieces until the colon is seen, then its parsed
  -- head (`info`), its first piece and, once folded, all its pieces.
  local head_pieces, info, value, pieces, soft_break = nil, nil, nil, nil, false

  local function head_of(head)
    local found = heads[head]
    if found then return found end
    found = parse_head(head) or NAMELESS
    if head_count >= HEAD_CACHE_SIZE then heads, head_count = {}, 0 end
    heads[head], head_count = found, head_count + 1
    return found
  end

  -- The value of the logical line starts at source[from, to] (after the head's colon).
  local function start_value(parsed, from, to)
    info, pieces, head_pieces = parsed, nil, nil
    if parsed.binary then value, soft_break = nil, false; return end
    value = sub(source, from, to)
    soft_break = parsed.quoted_printable and byte(value, -1) == EQUALS
    if soft_break then value = sub(value, 1, -2) end
  end

  -- A logical line starts at source[from, to]: find the head's colon without rescanning.
  local function begin_line(from, to)
    if colon_at < from then colon_at = find(source, ":", from, true) or size + 1 end
    if colon_at > to then head_pieces, info = { sub(source, from, to) }, nil; return end
    start_value(head_of(sub(source, from, colon_at - 1)), colon_at + 1, to)
  end

  -- source[from, to] continues the logical line.
  local function continue_line(from, to)
    if not info then -- the head itself was folded
      if colon_at < from then colon_at = find(source, ":", from, true) or size + 1 end
      if colon_at > to then head_pieces[#head_pieces + 1] = sub(source, from, to); return end
      head_pieces[#head_pieces + 1] = sub(source, from, colon_at - 1)
      start_value(head_of(concat(head_pieces)), colon_at + 1, to)
      return
    end
    if info.binary then return end
    local piece = sub(source, from, to)
    soft_break = info.quoted_printable and byte(piece, -1) == EQUALS
    if soft_break then piece = sub(piece, 1, -2) end
    if pieces then pieces[#pieces + 1] = piece else pieces = { value, piece } end
  end

  -- The logical line is complete: decode its value and add it to the card.
  local function finish()
    local parsed = info
    head_pieces, info, soft_break = nil, nil, false
    if not parsed or parsed.nameless then return end
    local raw = ""
    if not parsed.binary then
      raw = pieces and concat(pieces) or value
      if eight_bit then raw = raw:gsub("[\194\195][\128-\191]", FROM_CARRIED) end
      if parsed.quoted_printable then raw = vcard.decode_quoted_printable(raw) end
      -- Bytes are left only in an 8-bit file or a quoted-printable value: a UTF-8 or UTF-16
      -- file's text is decoded already, whatever CHARSET its properties still declare.
      if eight_bit or parsed.quoted_printable then
        local warning
        raw, warning = vcard.decode(raw, parsed.charset, fallback)
        if warning and card then card.warnings[#card.warnings + 1] = parsed.name .. ": " .. warning end
      end
    end
    value, pieces = nil, nil
    local name = parsed.name
    if name == "BEGIN" and raw:upper() == "VCARD" then
      if card then on_card(card) end
      card = { version = "", properties = {}, by_name = {}, labels = {}, warnings = {} }
    elseif name == "END" and raw:upper() == "VCARD" then
      if card then on_card(card) end
      card = nil
    elseif card then
      local property = { group = parsed.group, name = name, params = parsed.params, types = parsed.types, raw = raw }
      local properties = card.properties
      properties[#properties + 1] = property
      local same = card.by_name[name]
      if same then same[#same + 1] = property else card.by_name[name] = { property } end
      if name == "VERSION" then
        card.version = raw
      elseif name == "X-ABLABEL" and parsed.group and not card.labels[parsed.group] then
        card.labels[parsed.group] = property
      end
    end
  end

  while position <= size do
    local stop = find(source, "[\r\n]", position) or size + 1
    local first = byte(source, position)
    if soft_break and not is_card_boundary(source, position, stop - 1) then
      continue_line(position, stop - 1)
    elseif (first == SPACE or first == TAB) and not soft_break and (info or head_pieces) then
      continue_line(position + 1, stop - 1)
    else
      if info or head_pieces then finish() end
      if stop > position then begin_line(position, stop - 1) end
    end
    if byte(source, stop) == CR and byte(source, stop + 1) == LF then position = stop + 2 else position = stop + 1 end
  end
  if info or head_pieces then finish() end
  if card then on_card(card) end
end

--- Parses the text of a .vcf file into a list of cards (see `vcard.each`).
function vcard.parse(source)
  local cards = {}
  vcard.each(source, function(card) cards[#cards + 1] = card end)
  return cards
end

--- The text of a property's value (unescaped).
function vcard.text(property)
  return vcard.unescape(property.raw)
end

--- The components of a structured value (N, ADR, ORG), unescaped.
function vcard.components(property)
  local parts = split_escaped(property.raw, ";")
  for i, part in ipairs(parts) do parts[i] = vcard.unescape(part) end
  return parts
end

--- Every property of `card` named `name` (a new list).
function vcard.all(card, name)
  local same = card.by_name and card.by_name[name]
  if same then return table.move(same, 1, #same, 1, {}) end
  local found = {}
  if card.by_name then return found end
  for _, property in ipairs(card.properties) do -- a card built by hand
    if property.name == name then found[#found + 1] = property end
  end
  return found
end

--- The first property named `name`, or nil.
function vcard.first(card, name)
  local same = card.by_name and card.by_name[name]
  if same then return same[1] end
  if card.by_name then return nil end
  return vcard.all(card, name)[1]
end

--- The label of a property: an X-ABLABEL of its group (Apple's "item1.X-ABLabel:Atelier")
--- or its types other than pref/voice/internet, e.g. "cell", "work"; and whether it is preferred.
function vcard.label(card, property)
  local preferred = false
  local kinds = {}
  for _, kind in ipairs(property.types) do
    if kind == "pref" then
      preferred = true
    elseif kind ~= "voice" and kind ~= "internet" and kind ~= "x400" then
      kinds[#kinds + 1] = kind
    end
  end
  if property.group then
    -- parse() indexes each group's first X-ABLABEL, so a card of many grouped properties is
    -- labelled in linear time; a card built by hand is indexed here once.
    if not card.labels then
      card.labels = {}
      for _, other in ipairs(card.properties) do
        if other.group and other.name == "X-ABLABEL" and not card.labels[other.group] then card.labels[other.group] = other end
      end
    end
    local other = card.labels[property.group]
    if other then
      local label = vcard.text(other):gsub("^_%$!<(.-)>!%$_$", "%1")
      return label, preferred
    end
  end
  if #kinds == 0 then return nil, preferred end
  return table.concat(kinds, " "), preferred
end

return vcard
