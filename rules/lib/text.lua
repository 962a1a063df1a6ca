-- Small pure text helpers shared by rule sets and plugins.
local text = {}

local NBSP = "\194\160"
local find, byte, match = string.find, string.byte, string.match
-- The bytes `%s` matches (C locale): tab, line feed, vertical tab, form feed, return, space.
local SPACE = { [9] = true, [10] = true, [11] = true, [12] = true, [13] = true, [32] = true }

-- The texts trimmed lately, by the text given: a plugin trims the same cell several times a
-- row (present, then again where it is chosen), and labels and names repeat from row to row.
-- Only strings are keys (1 and 1.0 would be one key), short ones only (a long note kept alive
-- would count against the state's memory), and the table starts over when full.
local trimmed, cached = {}, 0
local CACHE_SIZE, CACHED_LENGTH = 4096, 200

--- Trims spaces, tabs, line breaks and non-breaking spaces at both ends (non-breaking spaces
--- inside become plain spaces). Written in Lua: the reference the host's C `clientimport.trim`
--- is tested against (rules/lib/tests/text_test.lua), and `text.trim` where there is no host.
function text.lua_trim(s)
  local done = trimmed[s]
  if done then return done end
  if s == nil or s == "" then return "" end
  local given = s
  if type(s) ~= "string" then given, s = nil, tostring(s) end
  -- Most cells need nothing: no non-breaking space, no space at either end (no new string).
  if find(s, NBSP, 1, true) then s = s:gsub(NBSP, " ") end
  -- Everything from the first to the last non-space (nil when there is none): one match, where
  -- gsub("^%s+", "") then gsub("%s+$", "") built two strings.
  if SPACE[byte(s, 1)] or SPACE[byte(s, -1)] then s = match(s, "^%s*(.*%S)") or "" end
  if given and #given <= CACHED_LENGTH then
    if cached == CACHE_SIZE then trimmed, cached = {}, 0 end
    trimmed[given], cached = s, cached + 1
  end
  return s
end

-- A plugin trims about 40 cells a row, and in the sandbox every Lua instruction goes through
-- the count hook: the C trim does a row's trimming for a fraction of the Lua one's cost.
text.trim = clientimport and clientimport.trim or text.lua_trim

--- Splits `s` on any of the single characters in `separators`, trimming each part and
--- dropping empty ones.
function text.split(s, separators)
  local parts = {}
  for part in (s or ""):gmatch("[^" .. separators .. "]+") do
    local trimmed = text.trim(part)
    if trimmed ~= "" then parts[#parts + 1] = trimmed end
  end
  return parts
end

-- Unicode white space (what Swift's Character.isWhitespace folds) beyond ASCII: next line,
-- no-break spaces (U+00A0, U+2007, U+202F: French typography puts them before ":" and inside
-- « »), the other spaces of U+2000–U+200A, line and paragraph separators, ideographic space.
local WIDE_SPACE = {
  [0x85] = true, [0xA0] = true, [0x1680] = true, [0x2028] = true, [0x2029] = true, [0x202F] = true,
  [0x205F] = true, [0x3000] = true,
}
for code = 0x2000, 0x200A do WIDE_SPACE[code] = true end

--- Whether the code point `code` is Unicode white space beyond ASCII (U+00A0, U+202F, U+2009…).
function text.is_wide_space(code)
  return WIDE_SPACE[code] == true
end

-- The lower case of an upper-case letter of the scripts the templates use (Latin-1, Latin
-- Extended-A: French, and Cyrillic: Russian, Ukrainian), as Unicode's simple case mapping
-- gives it; nil for any other code point.
local function lower_code(c)
  if c < 0xC0 then return nil end
  if c <= 0xDE then return c ~= 0xD7 and c + 32 or nil end
  if c >= 0x100 and c <= 0x17F then
    if c == 0x130 or c == 0x131 or c == 0x138 or c == 0x149 or c == 0x17F then return nil end
    if c == 0x178 then return 0xFF end
    -- Pairs start on even code points, but for U+0139–U+0148 and U+0179–U+017E (odd first).
    local odd_first = (c >= 0x139 and c <= 0x148) or (c >= 0x179 and c <= 0x17E)
    if (c % 2 == 1) == odd_first then return c + 1 end
    return nil
  end
  if c >= 0x400 and c <= 0x40F then return c + 80 end
  if c >= 0x410 and c <= 0x42F then return c + 32 end
  if (c >= 0x460 and c <= 0x481) or (c >= 0x48A and c <= 0x4BF) or (c >= 0x4D0 and c <= 0x52F) then
    return c % 2 == 0 and c + 1 or nil
  end
  if c == 0x4C0 then return 0x4CF end
  if c >= 0x4C1 and c <= 0x4CE then return c % 2 == 1 and c + 1 or nil end
  return nil
end

--- Trimmed, lower-cased, white space folded to one space: for comparing headers. Folds case
--- as the Swift host's header matching does (ASCII, Latin-1, Latin Extended-A, Cyrillic), and
--- Unicode spaces as spaces; `rules/lib/tests/fold_cases.lua` is the table both are tested on.
function text.fold(s)
  if s == nil then return "" end
  if type(s) ~= "string" then s = tostring(s) end
  -- Text that is not UTF-8 is folded byte by byte, ASCII only: nothing else can be read in it.
  if find(s, "[\128-\255]") and utf8.len(s) then
    local out = {}
    for _, code in utf8.codes(s) do
      if WIDE_SPACE[code] then out[#out + 1] = " "
      else out[#out + 1] = utf8.char(lower_code(code) or code) end
    end
    s = table.concat(out)
  end
  s = text.trim(s):lower()
  return (s:gsub("%s+", " "))
end

return text
