-- Unit tests of lib.rules.extend: a shop's rule set on RemOnline's, the base left as it is.
local rules = require("lib.rules")
local remonline = require("remonline.ruleset")
local check = require("lib.tests.check")

local function column(set, key)
  for _, c in ipairs(set.columns) do if c.key == key then return c end end
end

local function keys(set)
  local list = {}
  for i, c in ipairs(set.columns) do list[i] = c.key end
  return table.concat(list, " ")
end

return {
  changes_merge_over_a_copy = function()
    local base_keys, base_title = keys(remonline), remonline.title
    local shop = rules.extend(remonline, {
      name = "shop", title = "Shop",
      messages = { en = { device_required = "is mandatory" } },
      columns = { phone = { aliases = { "Mobile" }, required = true }, notes = false },
    })
    check.equal(shop.name, "shop")
    check.equal(shop.title, "Shop")
    check.equal(shop.messages.en.device_required, "is mandatory")
    -- The other messages are kept, in every language.
    check.equal(shop.messages.en.required, remonline.messages.en.required)
    check.equal(shop.messages.fr.required, remonline.messages.fr.required)
    check.same(column(shop, "phone").aliases, { "Mobile" })
    check.equal(column(shop, "phone").required, true)
    check.equal(column(shop, "phone").type, "phones")
    check.equal(column(shop, "notes"), nil)
    check.equal(#shop.columns, #remonline.columns - 1)
    -- The base is untouched.
    check.equal(keys(remonline), base_keys)
    check.equal(remonline.title, base_title)
    check.equal(remonline.messages.en.device_required, nil)
    check.equal(column(remonline, "phone").required, nil)
    check.equal(column(remonline, "phone").aliases[1], "Phone")
    check.equal(remonline.name, "remonline")
  end,
  nested_tables_are_copies = function()
    local shop = rules.extend(remonline, {})
    check.equal(shop ~= remonline, true)
    check.equal(shop.messages ~= remonline.messages, true)
    check.equal(shop.messages.en ~= remonline.messages.en, true)
    check.equal(shop.columns[1] ~= remonline.columns[1], true)
    check.equal(keys(shop), keys(remonline))
    shop.messages.en.required = "changed"
    check.equal(remonline.messages.en.required ~= "changed", true)
  end,
  lists_are_replaced_whole = function()
    local shop = rules.extend(remonline, { languages = { "en" } })
    check.same(shop.languages, { "en" })
  end,
  a_new_column_goes_last = function()
    local shop = rules.extend(remonline, { columns = { zz = { type = "text", headers = { en = "Z" } } } })
    check.equal(shop.columns[#shop.columns].key, "zz")
    check.equal(shop.columns[#shop.columns].type, "text")
  end,
  mistakes_are_named = function()
    local ok, message = pcall(rules.extend, remonline, { columns = { { key = "phone" } } })
    check.equal(ok, false)
    check.equal(message:find("keyed by column key", 1, true) ~= nil, true, message)
    ok, message = pcall(rules.extend, remonline, { columns = { nosuch = false } })
    check.equal(ok, false)
    check.equal(message:find("'nosuch' is not in the base", 1, true) ~= nil, true, message)
    ok, message = pcall(rules.extend, nil, {})
    check.equal(ok, false)
  end,
}
