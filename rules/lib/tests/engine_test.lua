-- Unit tests of lib.engine's row checker: the fast paths (no row ctx unless needed, cells not
-- trimmed when there is nothing to trim, results remembered per column) give what the plain
-- checks give.
local engine = require("lib.engine")
local ruleset = require("remonline.ruleset")
local money = require("lib.money")
local check = require("lib.tests.check")

local catalog = {
  marketing_sources = { Google = true }, price_types = { Retail = true },
  custom_fields = { Birthday = "date", Weight = "number", VIP = "yes-no" },
}

local function checker(rules, options)
  return engine.checker(rules or ruleset, { language = "en", options = options or {}, catalog = catalog })
end

-- The remonline rule set with its own copies of the columns, for adding `validate`s.
local function rules_copy()
  local rules = {}
  for key, value in pairs(ruleset) do rules[key] = value end
  rules.columns = {}
  for i, column in ipairs(ruleset.columns) do
    local copy = {}
    for key, value in pairs(column) do copy[key] = value end
    rules.columns[i] = copy
  end
  return rules
end

local function column(rules, key)
  for _, c in ipairs(rules.columns) do if c.key == key then return c end end
end

local function sorted_keys(t)
  local keys = {}
  for key in pairs(t) do keys[#keys + 1] = key end
  table.sort(keys)
  return table.concat(keys, " ")
end

return {
  repeated_cells_give_the_same_results = function()
    local check_row = checker()
    for row = 1, 3 do
      local result = check_row({ name = "Jean", juridical = " Oui ", supplier = "non", conflicted = "Да",
                                 discount_goods = "10 %", discount_services = "5", balance = "1 234,50",
                                 marketing_source = "Google", price_type_sales = "Retail",
                                 price_type_orders = " Wholesale " }, row)
      check.equal(result.fields.juridical, true)
      check.equal(result.fields.supplier, false)
      check.equal(result.fields.conflicted, true)
      check.equal(result.fields.discount_goods, "10")
      check.equal(result.fields.discount_services, "5")
      check.equal(result.fields.balance, "1234.5")
      check.equal(result.fields.marketing_source, "Google")
      check.equal(result.fields.price_type_sales, "Retail")
      check.equal(#result.errors, 1)
      check.equal(result.errors[1].key, "price_type_orders")
      check.equal(result.errors[1].value, "Wholesale")
      check.equal(#result.warnings, 0)
    end
  end,
  remembering_stops_after_many_texts_and_stays_right = function()
    local check_row = checker()
    for round = 1, 2 do
      for i = 1, 10050, 7 do
        local cell = tostring(i) .. ",5"
        check.equal(check_row({ name = "x", balance = cell }, i).fields.balance, money.parse(cell), cell)
      end
      for i = 1, 10050, 7 do
        local cell = tostring(i) .. "x"
        local result = check_row({ name = "x", discount_goods = cell }, i)
        check.equal(result.errors[1].key, "discount_goods", cell)
        check.equal(result.errors[1].value, cell)
      end
    end
  end,
  empty_cells = function()
    local check_row = checker()
    for _, name in ipairs({ "absent", false, "", " \194\160\t" }) do
      if name == "absent" then name = nil end
      local result = check_row({ name = name, phone = " ", juridical = "" }, 1)
      check.equal(#result.errors, 1)
      check.equal(result.errors[1].key, "name")
      check.equal(result.errors[1].value, "")
      check.equal(result.errors[1].message, "is mandatory and empty")
      check.equal(result.fields.juridical, false)
      check.same(result.fields.phone, {})
      check.equal(result.fields.email, "")
      check.equal(result.fields.marketing_source, "")
      check.equal(result.fields.balance, nil)
      check.equal(result.fields.id, nil)
    end
  end,
  cells_a_plugin_gives_as_numbers_booleans_and_lists = function()
    local check_row = checker()
    for row = 1, 2 do
      local result = check_row({ name = 42, juridical = true, supplier = false, phone = { "0612345678", 33612345678 },
                                 balance = 1.5, discount_goods = 10, id = 123 }, row)
      check.equal(#result.errors, 0)
      check.equal(result.fields.name, "42")
      check.equal(result.fields.juridical, true)
      check.equal(result.fields.supplier, false)
      check.same(result.fields.phone, { "0612345678", "33612345678" })
      check.equal(result.fields.balance, "1.5")
      check.equal(result.fields.discount_goods, "10")
      check.equal(result.fields.id, "123")
    end
  end,
  validate_and_validate_row_get_the_documented_ctx = function()
    local rules = rules_copy()
    local seen = {}
    column(rules, "name").validate = function(value, ctx)
      seen.validate, seen.validate_ctx = sorted_keys(ctx), ctx
      if value == "Bad" then return false, "text_too_long" end
      if value == "Warn" then ctx.warn("name", "{column}: {value}") end
      return true
    end
    column(rules, "discount_goods").validate = function(value)
      if value == "50" then return false end
    end
    rules.validate_row = function(fields, ctx)
      seen.validate_row, seen.row_ctx, seen.row = sorted_keys(ctx), ctx, ctx.row
      ctx.error("email", "required")
    end
    local check_row = checker(rules)
    local expected = "catalog error language message options row warn"
    for row = 1, 2 do
      seen = {}
      local result = check_row({ name = "Warn", email = " a@b.fr ", discount_goods = " 50 " }, row)
      check.equal(seen.validate, expected)
      check.equal(seen.validate_row, nil) -- a column's validate failed: no validate_row
      check.equal(#result.errors, 1)
      check.equal(result.errors[1].key, "discount_goods")
      check.equal(result.errors[1].value, "50")
      check.equal(result.warnings[1].message, "name: Warn")

      seen = {}
      result = check_row({ name = "Jean", email = " a@b.fr ", discount_goods = "5" }, row)
      check.equal(seen.validate, expected)
      check.equal(seen.validate_row, expected)
      check.equal(rawequal(seen.validate_ctx, seen.row_ctx), true, "one ctx per row")
      check.equal(seen.row, row)
      check.equal(result.errors[1].key, "email")
      check.equal(result.errors[1].value, " a@b.fr ") -- ctx.error reports the cell as given
    end
    local only_row = rules_copy()
    only_row.validate_row = rules.validate_row
    seen = {}
    checker(only_row)({ name = "Jean" }, 7)
    check.equal(seen.validate_row, expected)
    check.equal(seen.row, 7)
  end,
  text_length_counts_characters = function()
    local check_row = checker()
    check.equal(check_row({ name = string.rep("я", 255) }, 1).fields.name, string.rep("я", 255))
    check.equal(check_row({ name = string.rep("я", 256) }, 1).errors[1].message, "\"" .. string.rep("я", 256) .. "\" is too long")
    check.equal(check_row({ name = string.rep("a", 255) }, 1).fields.name, string.rep("a", 255))
    check.equal(check_row({ name = string.rep("a", 256) }, 1).errors[1].key, "name")
    check.equal(check_row({ name = string.rep("\255", 300) }, 1).fields.name, string.rep("\255", 300))
  end,
  custom_values = function()
    local check_row = checker()
    for row = 1, 2 do
      local cases = {
        { "Birthday", "1985-03-12", "1985-03-12" }, { "Birthday", "1985-03-12T10:00", "1985-03-12" },
        { "Birthday", " 12.03.1985 ", "1985-03-12" }, { "Birthday", "1/3/1985", "1985-03-01" },
        { "VIP", "Oui", "1" }, { "VIP", "Non", nil }, { "Weight", "1 234,5", "1234.5" },
      }
      for _, case in ipairs(cases) do
        local result = check_row({ name = "x", custom = { [case[1]] = case[2] } }, row)
        check.equal(#result.errors, 0, case[2])
        check.equal(result.fields.custom[case[1]], case[3], case[2])
      end
      local result = check_row({ name = "x", custom = { Birthday = "1985-13-01", Other = " y " } }, row)
      check.equal(#result.errors, 2)
      local by_key = {}
      for _, problem in ipairs(result.errors) do by_key[problem.key] = problem end
      check.equal(by_key.Birthday.custom, true)
      check.equal(by_key.Birthday.value, "1985-13-01")
      check.equal(by_key.Other.value, "y")
    end
  end,
  custom_dates_the_calendar_lacks_are_refused = function()
    local check_row = checker()
    local accepted = {
      { "29/02/2000", "2000-02-29" }, { "29.02.2024", "2024-02-29" }, { "31-12-1999", "1999-12-31" },
      { "2024-02-29", "2024-02-29" }, { "1985-03-12 10:00:30", "1985-03-12" }, { "1985-03-12T10:00:30.5Z", "1985-03-12" },
      { "30/04/1990", "1990-04-30" },
    }
    for _, case in ipairs(accepted) do
      local result = check_row({ name = "x", custom = { Birthday = case[1] } }, 1)
      check.equal(#result.errors, 0, case[1])
      check.equal(result.fields.custom.Birthday, case[2], case[1])
    end
    local impossible = { "31/02/1990", "29.02.1900", "29-02-2023", "1990-02-31", "31/04/1990", "1990-06-31", "00/01/1990" }
    for _, cell in ipairs(impossible) do
      local result = check_row({ name = "x", custom = { Birthday = cell } }, 1)
      check.equal(#result.errors, 1, cell)
      check.equal(result.errors[1].value, cell)
      check.equal(result.fields.custom.Birthday, nil, cell)
    end
    local message = check_row({ name = "x", custom = { Birthday = "31/02/1990" } }, 1).errors[1].message
    check.equal(message, "\"31/02/1990\" is not a day of the calendar: month 02 of 1990 has 28 days "
      .. "(the custom field \"Birthday\" takes YYYY-MM-DD, DD.MM.YYYY, DD/MM/YYYY or DD-MM-YYYY)")
    -- Not dates at all: the message lists every form the field takes.
    for _, cell in ipairs({ "1985-03-12xyz", "12.03/1985", "1985/03/12", "12.03.85", "0000-01-01", "1985-13-01", "Monday" }) do
      local result = check_row({ name = "x", custom = { Birthday = cell } }, 1)
      check.equal(#result.errors, 1, cell)
      local text = result.errors[1].message
      for _, form in ipairs({ "YYYY-MM-DD", "DD.MM.YYYY", "DD/MM/YYYY", "DD-MM-YYYY" }) do
        check.equal(text:find(form, 1, true) ~= nil, true, cell .. " names " .. form)
      end
    end
  end,
  percent_bounds = function()
    local check_row = checker()
    for _, cell in ipairs({ "0", "100", "100%", "100,0000", "0.0001", "99.9999", "-0" }) do
      local result = check_row({ name = "x", discount_goods = cell }, 1)
      check.equal(#result.errors, 0, cell)
    end
    for _, cell in ipairs({ "100.5", "100,01", "100.0001", "-0.5", "-0.0001", "101" }) do
      local result = check_row({ name = "x", discount_goods = cell }, 1)
      check.equal(#result.errors, 1, cell)
      check.equal(result.errors[1].key, "discount_goods", cell)
      check.equal(result.errors[1].message, "\"" .. cell .. "\" is not between 0 and 100", cell)
    end
  end,
}
