-- The stock RemOnline rule set plus code of its own, for `bench rules FILE --rules
-- Benchmarks/rules/coded/ruleset.lua`: one column's `validate` and a `validate_row`, the Lua a
-- shop would write (issue 18's second target, >= 100,000 rows/s on one core).
local base = require("remonline.ruleset")

local rules = {}
for key, value in pairs(base) do rules[key] = value end
rules.name = "coded"

rules.columns = {}
for index, column in ipairs(base.columns) do
  local copy = {}
  for key, value in pairs(column) do copy[key] = value end
  rules.columns[index] = copy
  -- A shop's own rule on one column: no test clients in the real base.
  if copy.key == "name" then
    copy.validate = function(name)
      if name:lower():find("^test") then return false, "invalid" end
      return true
    end
  end
end

-- A company needs a way to reach it: a phone or an email.
rules.validate_row = function(row, ctx)
  if row.juridical and #row.phone == 0 and row.email == "" then
    ctx.error("phone", "required")
  end
end

return rules
