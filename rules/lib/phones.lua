-- Phone numbers as RemOnline's API stores them: digits only, with the country code when the
-- user wrote one, leading zeros kept. Numbers that a spreadsheet turned into floats or scientific
-- notation are rebuilt when every digit survived, and rejected when digits were lost.
local text = require("lib.text")

local phones = {}

-- "3.80501234567E+11" → "380501234567" when the mantissa still holds every digit; nil when
-- digits were lost (an exponent asking for more digits than the mantissa holds: refused without
-- building the padded number, which for 1e999999999 was a gigabyte and a rule-set failure).
local function from_scientific(s)
  local sign, whole, fraction, exponent = s:match("^([+-]?)(%d)[.,]?(%d*)[eE]%+?(%d+)$")
  if not whole or sign == "-" then return nil end
  exponent = exponent:gsub("^0+", "")
  -- As text: a mantissa of n digits has an exponent of at most n digits.
  if #exponent > #fraction + 1 then return nil end
  exponent = tonumber(exponent ~= "" and exponent or "0")
  if #fraction ~= exponent then return nil end
  return whole .. fraction
end

local find, match, gsub, byte, sub = string.find, string.match, string.gsub, string.byte, string.sub
local trim = text.trim

-- The digits of a number with or without its country code: the international prefix 00
-- dropped, the trunk 0 replaced by `country_code`, the length checked.
local function complete(digits, international, country_code)
  if not international and byte(digits, 1) == 48 and byte(digits, 2) == 48 and #digits > 10 then
    digits = digits:sub(3)
    international = true
  end
  if not international and country_code and match(digits, "^0[1-9]") then
    digits = country_code .. digits:sub(2)
  end
  if #digits < 3 or #digits > 15 then return nil, "phone_length" end
  return digits
end

-- phones.normalize of a text already trimmed.
local function normalize_trimmed(s, options)
  local country_code = options and options.country_code
  local digits, international
  -- Anchored patterns: one pass, where an unanchored find would try each position.
  if find(s, "^%d*$") then
    digits, international = s, false -- the common cell: nothing but digits
  elseif find(s, "^[%d%s%+%-%.%(%)/]*$") then
    -- Only the characters a number may hold: no exponent, so not scientific notation.
    if byte(s, -1) == 48 and match(s, "^%d+%.0+$") then
      digits, international = match(s, "^(%d+)"), false -- 380501234567.0 from a float cell
    else
      digits, international = gsub(s, "%D", ""), byte(s, 1) == 43
    end
  else
    if find(s, "[eE]") and match(s, "^[+-]?%d[.,]?%d*[eE]%+?%d+$") then
      local scientific = from_scientific(s)
      if not scientific then return nil, "phone_scientific" end
      return scientific
    end
    if not match(s, "^%d+[.,]0+$") then return nil, "phone_characters" end
    digits, international = match(s, "^(%d+)"), false -- 380501234567,0
  end
  return complete(digits, international, country_code)
end

--- Normalises one number. Returns the digits, or nil and a message key with details.
function phones.normalize(raw, options)
  return normalize_trimmed(trim(raw), options)
end

-- The host's one-pass splitter (`clientimport.split_numbers`, written in C); without it (plain
-- Lua, outside the host) every cell takes the general path below.
local split_numbers = clientimport and clientimport.split_numbers

-- parse_list of a cell whose parts hold only digits, spaces and "+-()/" (nil for any other cell,
-- or when a number is not valid: the general path then names the offending part).
local function parse_plain_list(raw, country_code)
  local parts = split_numbers(raw, ",;\n", "+-()/")
  if not parts then return nil end
  for i = 1, #parts do
    local part = parts[i]
    local international = byte(part, 1) == 43
    local digits = complete(international and sub(part, 2) or part, international, country_code)
    if not digits then return nil end
    parts[i] = digits
  end
  return parts
end

--- Splits a cell holding several numbers separated by commas or semicolons.
--- Returns the list of digits, or nil, the message key and the offending part.
function phones.parse_list(raw, options)
  if type(raw) == "string" then
    local country_code = options and options.country_code
    if split_numbers then
      local list = parse_plain_list(raw, country_code)
      if list then return list end
    elseif find(raw, "^%d+$") then
      -- One number of digits only: nothing to split or trim.
      local digits, problem = complete(raw, false, country_code)
      if not digits then return nil, problem, raw end
      return { digits }
    end
    if not find(raw, ",", 1, true) and not find(raw, ";", 1, true) and not find(raw, "\n", 1, true) then
      -- One number: what text.split would give, without its loop.
      local s = trim(raw)
      if s == "" then return {} end
      local digits, problem = normalize_trimmed(s, options)
      if not digits then return nil, problem, s end
      return { digits }
    end
  end
  -- Not a string (read as text.split reads it), or a cell the plain path does not take.
  -- The parts text.split(raw, ",;\n") gives, checked as they come.
  local list = {}
  for part in (raw or ""):gmatch("[^,;\n]+") do
    part = trim(part)
    if part ~= "" then
      local digits, problem = normalize_trimmed(part, options)
      if not digits then return nil, problem, part end
      list[#list + 1] = digits
    end
  end
  return list
end

return phones
