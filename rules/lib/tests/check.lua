-- Assertions for the Lua unit tests: each failure names what differed.
local check = {}

local function show(value)
  if type(value) == "string" then return string.format("%q", value) end
  return tostring(value)
end

function check.equal(actual, expected, label)
  if actual ~= expected then
    error((label and (label .. ": ") or "") .. "expected " .. show(expected) .. ", got " .. show(actual), 2)
  end
end

function check.same(actual, expected)
  if type(actual) ~= "table" then error("expected a table, got " .. show(actual), 2) end
  if #actual ~= #expected then error("expected " .. #expected .. " items, got " .. #actual, 2) end
  for i = 1, #expected do
    if actual[i] ~= expected[i] then error("item " .. i .. ": expected " .. show(expected[i]) .. ", got " .. show(actual[i]), 2) end
  end
end

return check
