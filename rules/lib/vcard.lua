-- vCard 2.1 (vCard: The Electronic Business Card, versit 1996), 3.0 (RFC 2425/2426) and 4.0
-- (RFC 6350): folded lines, quoted-printable with soft line breaks, CHARSET (UTF-8 and
-- Windows-1251), escaped and structured values, grouped properties (`item1.TEL`).
local vcard = {}

-- Windows-1251 bytes 0x80–0xBF that phones use for Cyrillic (0xC0–0xFF are А…я in order).
local CP1251_HIGH = {
  [0xA8] = 0x0401, [0xB8] = 0x0451, [0xAA] = 0x0404, [0xBA] = 0x0454, [0xAF] = 0x0407,
  [0xBF] = 0x0457, [0xB2] = 0x0406, [0xB3] = 0x0456, [0xA5] = 0x0490, [0xB4] = 0x0491,
  [0xA0] = 0x00A0, [0xAB] = 0x00AB, [0xBB] = 0x00BB, [0xB9] = 0x2116,
}

local function from_cp1251(bytes)
  return (bytes:gsub("[\128-\255]", function(c)
    local b = c:byte()
    if b >= 0xC0 then return utf8.char(0x0410 + b - 0xC0) end
    return utf8.char(CP1251_HIGH[b] or 0xFFFD)
  end))
end

--- Decodes quoted-printable text: `=XX` bytes and `=` soft line breaks.
function vcard.decode_quoted_printable(s)
  s = s:gsub("=\r?\n", "")
  return (s:gsub("=(%x%x)", function(hex) return string.char(tonumber(hex, 16)) end))
end

--- Splits on `separator` (";" or ",") where it is not escaped with a backslash.
local function split_escaped(s, separator)
  local parts, current, i = {}, {}, 1
  while i <= #s do
    local c = s:sub(i, i)
    if c == "\\" and i < #s then
      current[#current + 1] = s:sub(i, i + 1)
      i = i + 2
    else
      if c == separator then
        parts[#parts + 1] = table.concat(current)
        current = {}
      else
        current[#current + 1] = c
      end
      i = i + 1
    end
  end
  parts[#parts + 1] = table.concat(current)
  return parts
end

--- Removes the backslash escapes of vCard 3.0/4.0 values (\n, \, \; \\).
function vcard.unescape(s)
  return (s:gsub("\\(.)", function(c)
    if c == "n" or c == "N" then return "\n" end
    return c
  end))
end

-- Joins physical lines into logical ones: a line starting with a space or tab continues the
-- previous one (3.0/4.0 folding); a quoted-printable line ending in "=" continues on the next.
local function logical_lines(source)
  source = source:gsub("^\239\187\191", ""):gsub("\r\n", "\n"):gsub("\r", "\n")
  local lines = {}
  local continues_qp = false
  for line in (source .. "\n"):gmatch("([^\n]*)\n") do
    local first = line:sub(1, 1)
    if continues_qp and #lines > 0 then
      lines[#lines] = lines[#lines]:sub(1, -2) .. line
    elseif (first == " " or first == "\t") and #lines > 0 then
      lines[#lines] = lines[#lines] .. line:sub(2)
    elseif line ~= "" then
      lines[#lines + 1] = line
    end
    local current = lines[#lines] or ""
    local head = current:match("^([^:]*):") or ""
    continues_qp = head:upper():find("QUOTED%-PRINTABLE") ~= nil and current:sub(-1) == "="
  end
  return lines
end

-- Parses "item1.TEL;TYPE=CELL,pref;CHARSET=UTF-8:+33 6 12" into a property table.
local function parse_line(line)
  local colon = line:find(":", 1, true)
  if not colon then return nil end
  local head, value = line:sub(1, colon - 1), line:sub(colon + 1)
  local segments = split_escaped(head, ";")
  local group, name = segments[1]:match("^(.-)%.?([^.]+)$")
  if not name then return nil end -- ":value" or "group.:value": no property name (found by fuzzing)
  local property = { group = group ~= "" and group:lower() or nil, name = name:upper(), params = {}, types = {} }
  for i = 2, #segments do
    local key, raw = segments[i]:match("^([^=]+)=(.*)$")
    if not key then key, raw = "TYPE", segments[i] end -- vCard 2.1: ";HOME;VOICE"
    key = key:upper()
    raw = raw:gsub('^"(.*)"$', "%1")
    property.params[key] = raw
    if key == "TYPE" then
      for _, item in ipairs(split_escaped(raw, ",")) do property.types[#property.types + 1] = item:lower() end
    elseif key == "PREF" then
      property.types[#property.types + 1] = "pref"
    end
  end
  local encoding = (property.params.ENCODING or ""):upper()
  if encoding == "QUOTED-PRINTABLE" then value = vcard.decode_quoted_printable(value) end
  if encoding == "B" or encoding == "BASE64" then value = "" end -- photos and keys: not for a client card
  local charset = (property.params.CHARSET or ""):upper()
  if charset == "WINDOWS-1251" or charset == "CP1251" then value = from_cp1251(value) end
  property.raw = value
  return property
end

--- Parses the text of a .vcf file into cards: { version =, properties = { … } } where each
--- property is { group =, name =, types = { "cell", "pref" }, params =, raw = }.
function vcard.parse(source)
  local cards, card = {}, nil
  for _, line in ipairs(logical_lines(source)) do
    local property = parse_line(line)
    if property then
      if property.name == "BEGIN" and property.raw:upper() == "VCARD" then
        card = { version = "", properties = {} }
      elseif property.name == "END" and property.raw:upper() == "VCARD" then
        if card then cards[#cards + 1] = card end
        card = nil
      elseif card then
        if property.name == "VERSION" then card.version = property.raw end
        card.properties[#card.properties + 1] = property
      end
    end
  end
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

--- Every property of `card` named `name`.
function vcard.all(card, name)
  local found = {}
  for _, property in ipairs(card.properties) do
    if property.name == name then found[#found + 1] = property end
  end
  return found
end

--- The first property named `name`, or nil.
function vcard.first(card, name)
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
    for _, other in ipairs(card.properties) do
      if other.group == property.group and other.name == "X-ABLABEL" then
        local label = vcard.text(other):gsub("^_%$!<(.-)>!%$_$", "%1")
        return label, preferred
      end
    end
  end
  if #kinds == 0 then return nil, preferred end
  return table.concat(kinds, " "), preferred
end

return vcard
