-- Exact decimal amounts as text: Lua numbers are binary floats, so amounts never become one.
local text = require("lib.text")

local money = {}
local match, byte = string.match, string.byte
local parse_exponent

-- The text without the digit-group separators a cell may hold: white space, ' and every Unicode
-- space (U+00A0, and U+202F or U+2009, which French and other number formats put between
-- groups of thousands).
local function ungrouped(s)
  s = s:gsub("[%s']", "")
  if s:find("[\128-\255]") and utf8.len(s) then
    local kept = {}
    for _, code in utf8.codes(s) do
      if not text.is_wide_space(code) then kept[#kept + 1] = utf8.char(code) end
    end
    s = table.concat(kept)
  end
  return s
end

--- Parses "1 234,50", "+12.5", "-0,01", "10%" (with `allow_percent`) into a canonical decimal
--- string ("1234.5"), or nil and a message key. At most four decimals and 15 significant digits.
function money.parse(raw, allow_percent)
  -- The common cell ("-1234.56", "15") needs no trimming or cleaning: the same captures.
  local sign, whole, fraction
  if type(raw) == "string" then sign, whole, fraction = match(raw, "^([+-]?)(%d+)[.,]?(%d*)$") end
  if not sign then
    local s = ungrouped(text.trim(raw))
    if allow_percent then s = s:gsub("%%$", "") end
    sign, whole, fraction = s:match("^([+-]?)(%d*)[.,]?(%d*)$")
    if not sign or (whole == "" and fraction == "") then
      local problem
      sign, whole, fraction, problem = parse_exponent(s)
      if not sign then return nil, problem or "number_invalid" end
    end
  end
  if byte(fraction, -1) == 48 then fraction = fraction:gsub("0+$", "") end
  if #fraction > 4 then return nil, "number_decimals" end
  if byte(whole, 1) == 48 then whole = whole:gsub("^0+", "") end
  if whole == "" then whole = "0" end
  if #whole > 14 then return nil, "number_too_large" end
  -- A spreadsheet keeps 15 significant digits: more would not survive an export → import.
  if #whole + #fraction > 15 and #((whole .. fraction):gsub("^0+", "")) > 15 then return nil, "number_too_precise" end
  local value = fraction ~= "" and (whole .. "." .. fraction) or whole
  if sign == "-" and value ~= "0" then value = "-" .. value end
  return value
end

-- Past this exponent no amount has 15 significant digits and 4 decimals; the digits are
-- padded with `exponent` zeros, so 1e999999999 would ask for a gigabyte (the memory ceiling:
-- a rule-set failure instead of the row's error).
local MAX_EXPONENT = 40

-- A float cell's literal with an exponent (1.5E2) as sign, whole and fraction digits; or nil
-- and, for an exponent past MAX_EXPONENT, the message key.
function parse_exponent(s)
    local m_sign, m_whole, m_fraction, e_sign, e_digits = s:match("^([+-]?)(%d+)%.?(%d*)[eE]([+-]?)(%d+)$")
    if not m_sign then return nil end
    local digits = m_whole .. m_fraction
    e_digits = e_digits:gsub("^0+", "")
    -- Compared as text first: tonumber of 400 digits is a float, of 10^400 digits infinity.
    if #e_digits > 2 or tonumber(e_digits ~= "" and e_digits or "0") > MAX_EXPONENT then
      if not digits:find("[1-9]") then return m_sign, "0", "" end
      return nil, nil, nil, e_sign == "-" and "number_decimals" or "number_too_large"
    end
    local exponent = tonumber(e_digits ~= "" and e_digits or "0")
    if e_sign == "-" then exponent = -exponent end
    local whole, fraction
    local point = #m_whole + exponent
    if point <= 0 then
      whole, fraction = "0", string.rep("0", -point) .. digits
    elseif point >= #digits then
      whole, fraction = digits .. string.rep("0", point - #digits), ""
    else
      whole, fraction = digits:sub(1, point), digits:sub(point + 1)
    end
    return m_sign, whole, fraction
end

--- Compares two canonical decimal strings as numbers: -1, 0 or 1.
function money.compare(a, b)
  local function split(v)
    local negative = v:sub(1, 1) == "-"
    if negative then v = v:sub(2) end
    local whole, fraction = v:match("^(%d+)%.?(%d*)$")
    return negative, whole, fraction .. string.rep("0", 4 - #fraction)
  end
  local an, aw, af = split(a)
  local bn, bw, bf = split(b)
  if an ~= bn then return an and -1 or 1 end
  local order
  if #aw ~= #bw then order = #aw < #bw and -1 or 1
  elseif aw ~= bw then order = aw < bw and -1 or 1
  elseif af ~= bf then order = af < bf and -1 or 1
  else order = 0 end
  return an and -order or order
end

return money
