-- Phone numbers as RemOnline's API stores them: digits only, with the country code when the
-- user wrote one, leading zeros kept. Numbers that a spreadsheet turned into floats or scientific
-- notation are rebuilt when every digit survived, and rejected when digits were lost.
local text = require("lib.text")

local phones = {}

-- "3.80501234567E+11" → "380501234567" when the mantissa still holds every digit.
local function from_scientific(s)
  local sign, whole, fraction, exponent = s:match("^([+-]?)(%d)[.,]?(%d*)[eE]%+?(%d+)$")
  if not whole or sign == "-" then return nil end
  exponent = tonumber(exponent)
  if #fraction > exponent then return nil end
  return whole .. fraction .. string.rep("0", exponent - #fraction), #fraction < exponent
end

--- Normalises one number. Returns the digits, or nil and a message key with details.
function phones.normalize(raw, options)
  options = options or {}
  local s = text.trim(raw)
  if s:find("[eE]") and s:match("^[+-]?%d[.,]?%d*[eE]%+?%d+$") then
    local digits, padded = from_scientific(s)
    if not digits or padded then return nil, "phone_scientific" end
    return digits
  end
  if s:match("^%d+[.,]0+$") then s = s:match("^(%d+)") end -- 380501234567.0 from a float cell
  local international = s:sub(1, 1) == "+"
  if s:find("[^%d%s%+%-%.%(%)/]") then return nil, "phone_characters" end
  local digits = s:gsub("%D", "")
  if not international and digits:sub(1, 2) == "00" and #digits > 10 then
    digits = digits:sub(3)
    international = true
  end
  if not international and options.country_code and digits:match("^0[1-9]") then
    digits = options.country_code .. digits:sub(2)
  end
  if #digits < 3 or #digits > 15 then return nil, "phone_length" end
  return digits
end

--- Splits a cell holding several numbers separated by commas or semicolons.
--- Returns the list of digits, or nil, the message key and the offending part.
function phones.parse_list(raw, options)
  local list = {}
  for _, part in ipairs(text.split(raw, ",;\n")) do
    local digits, problem = phones.normalize(part, options)
    if not digits then return nil, problem, part end
    list[#list + 1] = digits
  end
  return list
end

return phones
