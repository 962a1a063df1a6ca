-- Email addresses: one per client, checked for a plausible shape (not for delivery).
local text = require("lib.text")

local emails = {}

--- Returns the trimmed address, or nil and a message key.
function emails.parse(raw)
  local s = text.trim(raw)
  if s:find("[,;%s]") and #text.split(s, ",; ") > 1 then return nil, "email_several" end
  local lower = s:lower()
  if not lower:match("^[%w%.%%%+%-_!#$&'*/=?^`{|}~]+@[%w%-]+%.[%w%.%-]+$")
     or lower:find("%.%.") or lower:match("^%.") or lower:match("%.@") then
    return nil, "email_invalid"
  end
  return s
end

return emails
