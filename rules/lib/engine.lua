-- Checks one row against a rule set: each column's type, then the column's own `validate`,
-- then the rule set's `validate_row`. The host calls `engine.checker(rule_set, ctx)` once per
-- import and the returned function once per row.
local text = require("lib.text")
local phones = require("lib.phones")
local emails = require("lib.emails")
local money = require("lib.money")
local yesno = require("lib.yesno")

local engine = {}
local find, byte = string.find, string.byte

-- Plugins may hand over numbers, booleans and lists; the checks read text, as from a cell.
local function as_text(value)
  local kind = type(value)
  if kind == "string" then return value end
  if kind == "nil" then return "" end
  if kind == "boolean" then return value and "1" or "" end
  if kind == "table" then
    local parts = {}
    for i, item in ipairs(value) do parts[i] = tostring(item) end
    return table.concat(parts, ", ")
  end
  if math.type(value) == "integer" then return string.format("%d", value) end
  return tostring(value)
end

local function format_message(rule_set, language, key, vars)
  local catalog = rule_set.messages[language] or rule_set.messages.en
  local template = catalog[key] or rule_set.messages.en[key] or key
  return (template:gsub("{(%w+)}", function(name) return tostring(vars[name] or "") end))
end

-- Each type turns the cell text into a typed value, or returns nil and a message key.
local TYPES = {}

function TYPES.id(s)
  if #s > 18 or not find(s, "^%d+$") then return nil, "id_invalid" end
  return s
end

function TYPES.text(s, column)
  local max_length = column.max_length
  -- A text of at most max_length bytes has at most max_length characters: no count needed.
  if max_length and #s > max_length then
    local length = utf8.len(s)
    if length and length > max_length then return nil, "text_too_long" end
  end
  return s
end

-- Types get the import's `ctx` (they read only `options` and `catalog`).
function TYPES.phones(s, _, ctx)
  local list, problem = phones.parse_list(s, { country_code = ctx.options.phone_country_code })
  if not list then return nil, problem end
  return list
end

function TYPES.email(s) return emails.parse(s) end
TYPES["yes-no"] = function(s) return yesno.parse(s) end

function TYPES.percent(s)
  local value, problem = money.parse(s, true)
  if not value then return nil, "percent_invalid" end
  -- `value` is canonical (at most 14 digits and 4 decimals): exact enough as a float to compare
  -- with 0 and 100, and much cheaper than money.compare.
  local number = tonumber(value)
  if number < 0 or number > 100 then return nil, "percent_range" end
  return value
end

function TYPES.money(s)
  local value, problem = money.parse(s)
  if not value then return nil, problem == "number_invalid" and "money_invalid" or problem end
  return value
end

TYPES["marketing-source"] = function(s, _, ctx)
  if not ctx.catalog.marketing_sources[s] then return nil, "marketing_source_unknown" end
  return s
end

TYPES["price-type"] = function(s, _, ctx)
  if not ctx.catalog.price_types[s] then return nil, "price_type_unknown" end
  return s
end

local CUSTOM = {
  text = function(s) return s end,
  number = function(s)
    local value = money.parse(s)
    if not value then return nil, "custom_number_invalid" end
    return value
  end,
  date = function(s)
    local y, m, d = s:match("^(%d%d%d%d)%-(%d%d)%-(%d%d)")
    local iso = y ~= nil
    if not iso then
      d, m, y = s:match("^(%d%d?)[./](%d%d?)[./](%d%d%d%d)$")
      if not y then return nil, "custom_date_invalid" end
    end
    local month, day = tonumber(m), tonumber(d)
    if month < 1 or month > 12 or day < 1 or day > 31 then return nil, "custom_date_invalid" end
    -- Already four, two and two digits (ISO, maybe followed by a time): the text is the result.
    if iso then return s:sub(1, 10) end
    return string.format("%04d-%02d-%02d", tonumber(y), month, day)
  end,
  ["yes-no"] = function(s)
    local value, problem = yesno.parse(s)
    if value == nil then return nil, problem end
    return value and "1" or "" -- "no" is stored as no value, as an empty cell is
  end,
}

--- Declared types, for the host's load-time check of declarations.
engine.types = {}
for name in pairs(TYPES) do engine.types[name] = true end

-- What an empty cell gives, by column type (phones: a new empty list each time).
local EMPTY = { ["yes-no"] = false, text = "", email = "", ["marketing-source"] = "", ["price-type"] = "" }

-- Types whose result depends only on the cell text (and the import's catalog, fixed for an
-- import) and whose values repeat down a column: their results (strings, booleans, or a message
-- key) are remembered per column, for up to MEMO_LIMIT distinct texts each.
local MEMOISED = { ["yes-no"] = true, percent = true, money = true, ["marketing-source"] = true, ["price-type"] = true }
local MEMO_LIMIT = 10000

local NBSP = "\194\160"
local trim = text.trim
-- The bytes text.trim strips at either end (what `%s` matches in the C locale).
local SPACE = { [9] = true, [10] = true, [11] = true, [12] = true, [13] = true, [32] = true }

--- Returns `check(values, row_number)`, which returns { fields, errors, warnings }.
--- `values` maps column keys to trimmed cell texts; `values.custom` maps custom field names to
--- texts. Empty cells are "" (or absent).
function engine.checker(rule_set, ctx)
  local language = ctx.language
  local columns = rule_set.columns
  local function message(key, vars) return format_message(rule_set, language, key, vars) end

  local function report(list, key, message_key, value, vars)
    vars = vars or {}
    vars.value = value
    vars.column = key
    list[#list + 1] = { key = key, value = value, message = message(message_key, vars) }
  end

  -- The `ctx` of `validate` and `validate_row`, built only for a row that needs one.
  local function row_context(values, row_number, errors, warnings)
    return {
      row = row_number, language = language, options = ctx.options, catalog = ctx.catalog,
      error = function(key, message_key, vars) report(errors, key, message_key, values[key], vars) end,
      warn = function(key, message_key, vars) report(warnings, key, message_key, values[key], vars) end,
      message = message,
    }
  end

  -- Per column of a memoised type: `values` maps the cell as given (trimmed or not, strings
  -- only) to its typed value, so a known cell is not even trimmed; `problems` maps a trimmed
  -- text to its message key.
  local memos = {}
  for _, column in ipairs(columns) do
    if MEMOISED[column.type] then
      memos[column] = { kind = column.type, values = {}, problems = {}, count = 0 }
    end
  end

  -- Per custom field type but text: trimmed text → stored value (a string).
  local custom_memos = {}
  for field_type in pairs(CUSTOM) do
    if field_type ~= "text" then custom_memos[field_type] = { values = {}, count = 0 } end
  end

  return function(values, row_number)
    -- Sized by the constructor for every client field (its nil entries store nothing), so that
    -- filling it does not grow it several times.
    local fields = {
      custom = {}, id = nil, name = nil, phone = nil, address = nil, email = nil, last_name = nil,
      juridical = nil, supplier = nil, conflicted = nil, notes = nil, marketing_source = nil,
      discount_card = nil, discount_goods = nil, discount_services = nil, discount_materials = nil,
      price_type_sales = nil, price_type_orders = nil, balance = nil,
    }
    local errors, warnings = {}, {}
    local row_ctx

    -- What `for _, column in ipairs(columns)` visits, without a call per column.
    local index = 1
    while true do
      local column = columns[index]
      if column == nil then break end
      index = index + 1
      local key, kind = column.key, column.type
      local cell = values[key]
      local memo = memos[column]
      if memo and memo.kind ~= kind then memo = nil end
      local raw, value, problem
      if memo and cell ~= nil then value = memo.values[cell] end
      local typed = value ~= nil
      if typed then
        if column.validate then raw = trim(as_text(cell)) end -- the text a failed validate reports
      else
        -- text.trim(as_text(cell)), without a call for the common cells: empty, or a string with
        -- nothing to trim.
        raw = cell
        if raw == nil then
          raw = ""
        elseif raw ~= "" and (type(raw) ~= "string" or find(raw, NBSP, 1, true) or SPACE[byte(raw, 1)]
                              or SPACE[byte(raw, -1)]) then
          raw = trim(as_text(raw))
        end
        if raw == "" then
          if column.required then report(errors, key, "required", raw) end
          if kind == "phones" then
            fields[key] = {}
          else
            local empty = EMPTY[kind]
            if empty ~= nil then fields[key] = empty end
          end
        else
          if memo then problem = memo.problems[raw] end
          if problem == nil then
            value, problem = TYPES[kind](raw, column, ctx)
            if memo and memo.count < MEMO_LIMIT then
              if value ~= nil then
                if type(cell) == "string" then memo.values[cell] = value; memo.count = memo.count + 1 end
              elseif problem ~= nil then
                memo.problems[raw] = problem; memo.count = memo.count + 1
              end
            end
          end
          if value == nil then report(errors, key, problem, raw) else typed = true end
        end
      end
      if typed then
        local validate = column.validate
        if validate then
          row_ctx = row_ctx or row_context(values, row_number, errors, warnings)
          local ok, problem_key, vars = validate(value, row_ctx)
          if ok == false then report(errors, key, problem_key or "invalid", raw, vars) end
        end
        fields[key] = value
      end
    end

    local custom = values.custom
    if custom then
      for name, raw in pairs(custom) do
        local trimmed = raw
        if raw == nil then
          trimmed = ""
        elseif raw ~= "" and (type(raw) ~= "string" or find(raw, NBSP, 1, true) or SPACE[byte(raw, 1)]
                              or SPACE[byte(raw, -1)]) then
          trimmed = trim(as_text(raw))
        end
        local field_type = ctx.catalog.custom_fields[name]
        if not field_type and ctx.options.keep_unmapped_as_custom_fields then
          field_type = "text" -- the host creates the field before storing the value
        end
        if not field_type then
          errors[#errors + 1] = { key = name, custom = true, value = trimmed,
                                  message = message("custom_field_unknown", { value = trimmed, column = name }) }
        elseif trimmed ~= "" then
          local value, problem
          local memo = custom_memos[field_type]
          if memo then value = memo.values[trimmed] end
          if value == nil then
            value, problem = CUSTOM[field_type](trimmed)
            if memo and value ~= nil and memo.count < MEMO_LIMIT then
              memo.values[trimmed] = value; memo.count = memo.count + 1
            end
          end
          if value == nil then
            errors[#errors + 1] = { key = name, custom = true, value = trimmed,
                                    message = message(problem, { value = trimmed, column = name }) }
          elseif value ~= "" then
            fields.custom[name] = value
          end
        end
      end
    end

    local validate_row = rule_set.validate_row
    if validate_row and #errors == 0 then
      validate_row(fields, row_ctx or row_context(values, row_number, errors, warnings))
    end
    return { fields = fields, errors = errors, warnings = warnings }
  end
end

--- Returns `map_and_check(row, row_number)` for imports through a plugin: the plugin's `map`
--- turns a source row (values by header) into one or more clients by field key, each checked
--- like a template row. The result is { results = { {fields, errors, warnings, present} … },
--- skip = reason?, reject = reason?, warnings = {…} }.
function engine.mapper(plugin, check, ctx)
  local headers = ctx.headers
  return function(cells, row_number)
    local row = {}
    for i, header in ipairs(headers) do row[header] = cells[i] or "" end
    local notes = {}
    local row_ctx = {
      row = row_number, headers = headers, options = ctx.options, cells = cells,
      warn = function(message) notes[#notes + 1] = tostring(message) end,
    }
    local mapped = plugin.map(row, row_ctx)
    local outcome = { results = {}, warnings = notes }
    if type(mapped) ~= "table" then
      outcome.reject = "the plugin's map returned " .. type(mapped) ..
        "; it must return a client table, a list of them, clientimport.skip(reason) or clientimport.reject(reason)"
      return outcome
    end
    if mapped.__verb == "skip" then outcome.skip = mapped.reason or "skipped by the plugin"; return outcome end
    if mapped.__verb == "reject" then outcome.reject = mapped.reason or "rejected by the plugin"; return outcome end
    local clients = (mapped[1] ~= nil and type(mapped[1]) == "table") and mapped or { mapped }
    for _, client in ipairs(clients) do
      local checked = check(client, row_number)
      local present = {}
      for key in pairs(client) do
        if key ~= "custom" then present[#present + 1] = key end
      end
      table.sort(present)
      checked.present = present
      outcome.results[#outcome.results + 1] = checked
    end
    return outcome
  end
end

return engine
