-- Email addresses: one per client, checked for a plausible shape (not for delivery).
local text = require("lib.text")

local emails = {}

local find, byte = string.find, string.byte
local SHAPE = "^[%w%.%%%+%-_!#$&'*/=?^`{|}~]+@[%w%-]+%.[%w%.%-]+$"

--- Returns the trimmed address, or nil and a message key.
function emails.parse(raw)
  return emails.parse_trimmed(text.trim(raw))
end

--- `parse` of a text already trimmed (the engine trims every cell once).
function emails.parse_trimmed(s)
  -- The common address: the shape (`find`: no copy of the match; lower-casing changes no character class, so it is checked
  -- on `s` itself), no "..", no "." first or before "@". It holds no "," ";" or space, so it
  -- cannot be several addresses.
  if find(s, SHAPE) and byte(s, 1) ~= 46 and not find(s, "..", 1, true) and not find(s, ".@", 1, true) then
    return s
  end
  if s:find("[,;%s]") and #text.split(s, ",; ") > 1 then return nil, "email_several" end
  local lower = s:lower()
  if not lower:match("^[%w%.%%%+%-_!#$&'*/=?^`{|}~]+@[%w%-]+%.[%w%.%-]+$")
     or lower:find("%.%.") or lower:match("^%.") or lower:match("%.@") then
    return nil, "email_invalid"
  end
  return s
end

return emails
