-- The benchmark's rule set with Lua code of its own (issue 18: "a rule set with one Lua
-- `validate` and a `validate_row` ≥ 100,000 rows/s"): RemOnline's template, plus one column
-- `validate` and a `validate_row`, each of the kind a shop writes, both run on every row of
-- generate.py's template files and both passing there (so every row reaches `validate_row`).
local base = require("remonline.ruleset")
local rules = require("lib.rules")

local checks = rules.extend(base, {
  name = "lua-checks",
  title = "RemOnline template with a Lua validate and a validate_row (benchmark)",

  messages = {
    en = {
      email_disposable = "is a disposable address: ask the client for the one they read",
      supplier_without_phone = "a supplier needs a phone number to be called back",
    },
  },

  columns = {
    email = {
      validate = function(address, ctx)
        if address:lower():find("@mailinator%.com$") then return false, "email_disposable" end
      end,
    },
  },

  validate_row = function(fields, ctx)
    if base.validate_row then base.validate_row(fields, ctx) end
    if fields.supplier and #fields.phone == 0 then ctx.error("phone", "supplier_without_phone") end
  end,
})

return checks
