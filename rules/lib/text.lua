-- Small pure text helpers shared by rule sets and plugins.
local text = {}

local NBSP = "\194\160"
local find, byte, match = string.find, string.byte, string.match
-- The bytes `%s` matches (C locale): tab, line feed, vertical tab, form feed, return, space.
local SPACE = { [9] = true, [10] = true, [11] = true, [12] = true, [13] = true, [32] = true }

--- Trims spaces, tabs, line breaks and non-breaking spaces at both ends (non-breaking spaces
--- inside become plain spaces).
function text.trim(s)
  if s == nil then return "" end
  if type(s) ~= "string" then s = tostring(s) end
  -- Most cells need nothing: no non-breaking space, no space at either end (no new string).
  if not find(s, NBSP, 1, true) and not SPACE[byte(s, 1)] and not SPACE[byte(s, -1)] then return s end
  if find(s, NBSP, 1, true) then s = s:gsub(NBSP, " ") end
  -- Everything from the first to the last non-space (nil when there is none): one match, where
  -- gsub("^%s+", "") then gsub("%s+$", "") built two strings.
  return match(s, "^%s*(.*%S)") or ""
end

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

--- Lower-cases ASCII and the Latin-1/Cyrillic letters a header may hold, for matching.
function text.fold(s)
  s = text.trim(s):lower()
  return (s:gsub("%s+", " "))
end

return text
