-- Yes/no columns: "Oui", "Yes", "Да", "Так", … or empty for no.
local text = require("lib.text")

local yesno = {}

local YES = {
  ["oui"] = true, ["yes"] = true, ["y"] = true, ["o"] = true, ["true"] = true, ["vrai"] = true, ["1"] = true,
  ["да"] = true, ["д"] = true, ["так"] = true, ["т"] = true, ["x"] = true,
}
local NO = {
  ["non"] = true, ["no"] = true, ["n"] = true, ["false"] = true, ["faux"] = true, ["0"] = true,
  ["нет"] = true, ["ні"] = true, ["-"] = true,
}

-- Lower-cases the Cyrillic capitals Д, Т, Н, Т, І that string.lower leaves alone.
local CYRILLIC_LOWER = { ["Д"] = "д", ["А"] = "а", ["Т"] = "т", ["К"] = "к", ["Н"] = "н", ["Е"] = "е", ["І"] = "і" }

--- Returns true, false, or nil and a message key when the text is neither.
function yesno.parse(raw)
  local s = text.fold(raw)
  if s == "" then return false end
  s = s:gsub("[\208\209][\128-\191]", CYRILLIC_LOWER)
  if YES[s] then return true end
  if NO[s] then return false end
  return nil, "yes_no_invalid"
end

return yesno
