-- Small pure text helpers shared by rule sets and plugins.
local text = {}

local NBSP = "\194\160"

--- Trims spaces, tabs, line breaks and non-breaking spaces at both ends.
function text.trim(s)
  if s == nil then return "" end
  s = tostring(s):gsub(NBSP, " ")
  return (s:gsub("^%s+", ""):gsub("%s+$", ""))
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
