-- Checks rows against a rule set: each column's type, then the column's own `validate`, then
-- the rule set's `validate_row`. `engine.batch_checker(rule_set, ctx)` does it all in Lua, the
-- reference; imports check the stock types natively (`HybridRowChecker`) and call the function
-- `engine.code_checker(rule_set, ctx)` returns once per batch for the rule set's own code, when
-- it has any. `engine.checker` checks one row with `batch_checker` (the Lua tests use it).
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

-- The options phones.parse_list takes, made once per import's ctx rather than once per cell.
local phone_options = setmetatable({}, { __mode = "k" })

-- Types get the import's `ctx` (they read only `options` and `catalog`).
function TYPES.phones(s, _, ctx)
  local options = phone_options[ctx]
  if options == nil then
    options = { country_code = ctx.options.phone_country_code }
    phone_options[ctx] = options
  end
  local list, problem, part = phones.parse_list(s, options)
  -- The number at fault, so the host can point at the source cell holding it.
  if not list then return nil, problem, { part = part } end
  return list
end

function TYPES.email(s) return emails.parse_trimmed(s) end
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

local DAYS_IN_MONTH = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 }

-- The forms of a date a custom field takes: ISO (a time may follow, as a date-time cell gives
-- it) and day first with one separator throughout, as people in the template's languages write.
local TIME = "^[T ]%d%d:%d%d(.*)$"
local DAY_FIRST = { "^(%d%d?)%.(%d%d?)%.(%d%d%d%d)$", "^(%d%d?)/(%d%d?)/(%d%d%d%d)$", "^(%d%d?)%-(%d%d?)%-(%d%d%d%d)$" }

--- A custom field's date as `YYYY-MM-DD`, or nil, a message key and its vars: `2024-03-31`
--- (a time may follow), `31.03.2024`, `31/03/2024`, `31-03-2024`. A day the calendar lacks
--- (`31/02/1990`) is refused, never rolled over to March.
local function parse_date(s)
  local y, m, d, rest = s:match("^(%d%d%d%d)%-(%d%d)%-(%d%d)(.*)$")
  if y then
    local time_rest = rest:match(TIME)
    if rest ~= "" and not (time_rest and (time_rest == "" or time_rest:match("^:%d%d[.,]?%d*Z?$"))) then
      return nil, "custom_date_invalid"
    end
  else
    for _, pattern in ipairs(DAY_FIRST) do
      d, m, y = s:match(pattern)
      if y then break end
    end
    if not y then return nil, "custom_date_invalid" end
  end
  local year, month, day = tonumber(y), tonumber(m), tonumber(d)
  if year < 1 or month < 1 or month > 12 then return nil, "custom_date_invalid" end
  local days = DAYS_IN_MONTH[month]
  if month == 2 and year % 4 == 0 and (year % 100 ~= 0 or year % 400 == 0) then days = 29 end
  if day < 1 or day > days then
    return nil, "custom_date_impossible", { year = y, month = string.format("%02d", month), days = days }
  end
  return string.format("%04d-%02d-%02d", year, month, day)
end

local CUSTOM = {
  text = function(s) return s end,
  number = function(s)
    local value = money.parse(s)
    if not value then return nil, "custom_number_invalid" end
    return value
  end,
  date = parse_date,
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
local MEMOISED = {
  text = true, ["yes-no"] = true, percent = true, money = true, ["marketing-source"] = true, ["price-type"] = true,
}
local MEMO_LIMIT = 10000

local NBSP = "\194\160"
local trim = text.trim
-- The bytes text.trim strips at either end (what `%s` matches in the C locale).
local SPACE = { [9] = true, [10] = true, [11] = true, [12] = true, [13] = true, [32] = true }

-- text.trim(as_text(cell)), without a call for the common cells: absent, empty, or a string
-- with nothing to trim.
local function trimmed(cell)
  if cell == nil then return "" end
  if cell ~= "" and (type(cell) ~= "string" or find(cell, NBSP, 1, true) or SPACE[byte(cell, 1)]
                     or SPACE[byte(cell, -1)]) then
    return trim(as_text(cell))
  end
  return cell
end

local NO_CELLS = {}

-- A problem of row i as the checkers return it: `vars` gain the cell's `value` and its `column`
-- (the catalog's templates use both), and the message is formatted by `message`.
local function problem(message, i, key, message_key, value, vars, custom)
  vars = vars or {}
  vars.value = value
  vars.column = key
  return { index = i, key = key, value = value, custom = custom, message = message(message_key, vars), part = vars.part }
end

-- Returns `row_context(i)`: the `ctx` of `validate` and `validate_row` for row i of `batch`, made
-- on demand and kept in `contexts` (one per row, shared by a row's checks). Its `error` and `warn`
-- call `on_report(errors or warnings, i, key, message_key, vars)`, which reports the cell as given.
local function row_contexts(batch, contexts, language, options, catalog, message, on_report, errors, warnings)
  local rows = batch.rows
  return function(i)
    local row_ctx = contexts[i]
    if row_ctx == nil then
      row_ctx = {
        row = rows[i], language = language, options = options, catalog = catalog,
        error = function(key, message_key, vars) on_report(errors, i, key, message_key, vars) end,
        warn = function(key, message_key, vars) on_report(warnings, i, key, message_key, vars) end,
        message = message,
      }
      contexts[i] = row_ctx
    end
    return row_ctx
  end
end

--- Returns `check_batch(batch)`, which checks many rows at once, column by column: each
--- column's type, then the column's own `validate`, then the rule set's `validate_row` for each
--- row without errors. The host calls `engine.batch_checker(rule_set, ctx)` once per import.
---
--- `batch.count` rows; `batch.rows[i]` is row i's number in the file; `batch.columns[key][i]`
--- the text of row i in column `key` (absent or "" for an empty cell; a column the file lacks
--- has no list); `batch.custom[name][i]` the same for a custom field's column.
---
--- Returns { fields = { [key] = { typed value of row 1, … } }, custom = { [name] = { stored value
--- … } }, errors = { { index = i, key, value, message, custom? } … }, warnings = { … } }; a typed
--- value is nil where the cell gives none (an empty money cell, say).
function engine.batch_checker(rule_set, ctx)
  local language = ctx.language
  local columns = rule_set.columns
  local options, catalog = ctx.options, ctx.catalog
  local function message(key, vars) return format_message(rule_set, language, key, vars) end

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

  return function(batch)
    local count, cells_of = batch.count, batch.columns
    local errors, warnings = {}, {}
    local failed = {} -- failed[i]: row i has an error
    local contexts = {} -- the `ctx` of `validate` and `validate_row`, one per row, made on demand

    local function report(list, i, key, message_key, value, vars, custom)
      list[#list + 1] = problem(message, i, key, message_key, value, vars, custom)
      if list == errors then failed[i] = true end
    end

    local row_context = row_contexts(batch, contexts, language, options, catalog, message,
      function(list, i, key, message_key, vars)
        report(list, i, key, message_key, (cells_of[key] or NO_CELLS)[i], vars)
      end, errors, warnings)

    local fields = {}
    for _, column in ipairs(columns) do
      local key, kind, validate = column.key, column.type, column.validate
      local convert, empty = TYPES[kind], EMPTY[kind]
      local cells = cells_of[key] or NO_CELLS
      local typed = {}
      fields[key] = typed
      local memo = memos[column]
      if memo and memo.kind ~= kind then memo = nil end
      local known, problems = memo and memo.values, memo and memo.problems
      for i = 1, count do
        local cell = cells[i]
        local value
        if known and cell ~= nil then value = known[cell] end
        if value ~= nil then
          typed[i] = value
          if validate then
            local ok, problem_key, vars = validate(value, row_context(i))
            if ok == false then report(errors, i, key, problem_key or "invalid", trimmed(cell), vars) end
          end
        else
          local raw = trimmed(cell)
          if raw == "" then
            if column.required then report(errors, i, key, "required", raw) end
            if kind == "phones" then typed[i] = {} else typed[i] = empty end
          else
            local problem = problems and problems[raw]
            local vars
            if problem == nil then
              value, problem, vars = convert(raw, column, ctx)
              if memo and memo.count < MEMO_LIMIT then
                if value ~= nil then
                  if type(cell) == "string" then known[cell] = value; memo.count = memo.count + 1 end
                elseif problem ~= nil then
                  problems[raw] = problem; memo.count = memo.count + 1
                end
              end
            end
            if value == nil then
              report(errors, i, key, problem, raw, vars)
            else
              typed[i] = value
              if validate then
                local ok, problem_key, vars = validate(value, row_context(i))
                if ok == false then report(errors, i, key, problem_key or "invalid", raw, vars) end
              end
            end
          end
        end
      end
    end

    local custom = {}
    local field_types = catalog.custom_fields
    for name, cells in pairs(batch.custom or NO_CELLS) do
      local stored = {}
      custom[name] = stored
      local field_type = field_types[name]
      if not field_type and options.keep_unmapped_as_custom_fields then
        field_type = "text" -- the host creates the field before storing the value
      end
      local convert, memo = CUSTOM[field_type], custom_memos[field_type]
      for i = 1, count do
        local raw = trimmed(cells[i])
        if not field_type then
          report(errors, i, name, "custom_field_unknown", raw, nil, true)
        elseif raw ~= "" then
          local value, problem, vars
          if memo then value = memo.values[raw] end
          if value == nil then
            value, problem, vars = convert(raw)
            if memo and value ~= nil and memo.count < MEMO_LIMIT then
              memo.values[raw] = value; memo.count = memo.count + 1
            end
          end
          if value == nil then
            report(errors, i, name, problem, raw, vars, true)
          elseif value ~= "" then
            stored[i] = value
          end
        end
      end
    end

    local validate_row = rule_set.validate_row
    if validate_row then
      for i = 1, count do
        if not failed[i] then
          local row = { custom = {} }
          for key, typed in pairs(fields) do row[key] = typed[i] end
          for name, stored in pairs(custom) do row.custom[name] = stored[i] end
          validate_row(row, row_context(i))
        end
      end
    end
    return { fields = fields, custom = custom, errors = errors, warnings = warnings }
  end
end

-- The cells as given of a batch the host hands over without them (`code_checker`): a column's
-- list is asked of the host (`batch.cells(key, batch.serial)`) the first time a problem is
-- reported in it, as most batches report none.
local function cells_on_demand(batch)
  local fetch, serial = batch.cells, batch.serial
  return setmetatable({}, { __index = function(cells_of, key)
    local list = fetch(key, serial) or NO_CELLS
    rawset(cells_of, key, list)
    return list
  end })
end

-- Lazy rows and `ctx`s (`engine.code_checker`). A row of `validate_row` is one small table
-- holding only its index in the batch, under a key only the engine holds (INDEX); its batch's
-- metatable reads a field from the batch's column lists (`__index`). Its `ctx` is made the same
-- way, and `ctx.error`/`ctx.warn` are made when first read. So a row costs one small table
-- rather than a table of 20 fields, a `ctx` and two closures, and reads cost a call each.
--
-- They behave as the plain tables `batch_checker` makes: a row kept past its batch still reads
-- its own values (the metatable holds the batch's lists); a write (`__newindex`) first makes the
-- table whole — fills it in and drops the metatable — and so does anything that reads a table
-- raw (`next`, `pairs`, `rawget`, `rawset`, `getmetatable`, `setmetatable`: the sandbox calls
-- `__whole` first, see CLuaSandbox's `ci_sandbox_make_whole`). A whole table no longer holds
-- INDEX, so no script ever sees that key.
local INDEX = {}

-- `__whole` of a lazy table: `fill(t, i)` fills it in. INDEX is read with plain indexing (it is
-- the table's own key; the sandbox's `rawget` would make the table whole). `setmetatable(t,
-- nil)` makes the table whole in the sandbox, which calls this again: that inner call fills it
-- in, and the outer one then finds INDEX gone. Without the sandbox it only drops the metatable.
local function whole_by(fill)
  return function(t)
    local i = t[INDEX]
    if i == nil then return end
    setmetatable(t, nil)
    if t[INDEX] == nil then return end
    t[INDEX] = nil
    fill(t, i)
  end
end

-- The metatable of a batch's lazy tables: `field(i, key)` reads a field, `fill(t, i)` fills a
-- table in.
local function lazy_metatable(field, fill)
  local whole = whole_by(fill)
  return {
    __index = function(t, key) return field(t[INDEX], key) end,
    __newindex = function(t, key, value)
      whole(t)
      t[key] = value
    end,
    __whole = whole,
  }
end

--- Returns `run(batch)`, which runs only the code a rule set wrote itself, on a batch whose stock
--- column types and custom fields the host has already checked natively: each column's
--- `validate` on the rows `batch.validate[key]` lists (those whose cell gave a value), then the
--- rule set's `validate_row` on each row without errors. `validate` and `validate_row` get the
--- same values and `ctx` as in `batch_checker` (as lazy tables, see INDEX). The host calls it
--- once per batch, only for a rule set that has such code.
---
--- `batch.count` and `batch.rows` as for `batch_checker`; `batch.typed[key][i]` and
--- `batch.custom[name][i]` row i's typed value and stored custom value (nil where none);
--- `batch.cells(key, batch.serial)` the list of a column's cells as given (asked only for a
--- problem's value); `batch.failed` the rows (indexes) the native checks found errors in.
--- Returns { errors = { … }, warnings = { … } }, each problem as in `batch_checker` plus
--- `origin`: the position of the column whose `validate` reported it, or `#rule_set.columns + 2`
--- for `validate_row` (the host orders a row's problems as `batch_checker` does: by column, then
--- custom fields, then the row's).
function engine.code_checker(rule_set, ctx)
  local language = ctx.language
  local columns = rule_set.columns
  local options, catalog = ctx.options, ctx.catalog
  local function message(key, vars) return format_message(rule_set, language, key, vars) end
  -- What every row's `ctx` holds alike.
  local shared = { language = language, options = options, catalog = catalog, message = message }

  -- validate_row's row as a plain table (`make_row`, a constructor, sized at once) and a lazy
  -- row made whole (`fill_row`): straight-line code for the rule set's columns, as a loop over
  -- `columns` (a read-only view) cost four times as much.
  local make_row, fill_row
  if rule_set.validate_row then
    local made, filled = {}, {}
    for k, column in ipairs(columns) do
      made[k] = string.format("[%q] = typed[%q][i]", column.key, column.key)
      filled[k] = string.format("t[%q] = typed[%q][i]", column.key, column.key)
    end
    make_row = assert(load("return function(typed, i, custom) return { " .. table.concat(made, ", ") .. ", custom = custom } end",
      "=engine.row", "t", {}))()
    fill_row = assert(load("return function(t, typed, i, custom) " .. table.concat(filled, " ") .. " t.custom = custom end",
      "=engine.row", "t", {}))()
  end

  -- Lazy rows and `ctx`s pay when the code reads a few fields; a rule set that makes most of them
  -- whole (`pairs(row)` on every row, writes into every `ctx`) pays the lazy table and then the
  -- filling in, more than a plain table: when over half of a batch's were made whole, the next
  -- PLAIN_BATCHES batches get plain ones, then one batch tries lazy ones again.
  local PLAIN_BATCHES = 15
  local plain_rows_left, plain_contexts_left = 0, 0

  -- A row's `custom` table is made by a table constructor for the batch's custom fields (a
  -- constructor per set of names, kept): filled key by key it cost more than the row itself.
  local custom_makers = {}
  local function custom_maker(names)
    local key = table.concat(names, "\0")
    local maker = custom_makers[key]
    if maker == nil then
      local parts = {}
      for k, name in ipairs(names) do parts[k] = string.format("[%q] = stored[%d][i]", name, k) end
      local source = "return function(stored, i) return { " .. table.concat(parts, ", ") .. " } end"
      maker = assert(load(source, "=engine.custom", "t", {}))()
      custom_makers[key] = maker
    end
    return maker
  end

  return function(batch)
    local count, cells_of, rows = batch.count, cells_on_demand(batch), batch.rows
    local errors, warnings, failed, contexts = {}, {}, {}, {}
    for _, i in ipairs(batch.failed) do failed[i] = true end
    local origin = 0
    local plain_rows, plain_contexts = plain_rows_left > 0, plain_contexts_left > 0

    local function report(list, i, key, message_key, value, vars, custom)
      local entry = problem(message, i, key, message_key, value, vars, custom)
      entry.origin = origin
      list[#list + 1] = entry
      if list == errors then failed[i] = true end
    end

    -- Row i's `ctx.error` and `ctx.warn`, made when first read (most rows report nothing).
    local reporters = { error = {}, warn = {} }
    local function reporter(kind, i)
      local made = reporters[kind][i]
      if made == nil then
        local list = kind == "error" and errors or warnings
        made = function(key, message_key, vars)
          report(list, i, key, message_key, (cells_of[key] or NO_CELLS)[i], vars)
        end
        reporters[kind][i] = made
      end
      return made
    end
    local function context_field(i, key)
      if key == "row" then return rows[i] end
      if key == "error" or key == "warn" then return reporter(key, i) end
      return shared[key]
    end
    -- How many lazy rows and `ctx`s this batch made, and how many of them were made whole.
    local lazy_rows, whole_rows, lazy_contexts, whole_contexts = 0, 0, 0, 0
    local context_meta = lazy_metatable(context_field, function(t, i)
      whole_contexts = whole_contexts + 1
      t.row, t.error, t.warn = rows[i], reporter("error", i), reporter("warn", i)
      for key, value in pairs(shared) do t[key] = value end
    end)
    local row_context
    if plain_contexts then
      row_context = function(i)
        local row_ctx = contexts[i]
        if row_ctx == nil then
          row_ctx = { row = rows[i], language = language, options = options, catalog = catalog,
                      error = reporter("error", i), warn = reporter("warn", i), message = message }
          contexts[i] = row_ctx
        end
        return row_ctx
      end
    else
      row_context = function(i)
        local row_ctx = contexts[i]
        if row_ctx == nil then
          row_ctx = setmetatable({ [INDEX] = i }, context_meta)
          contexts[i] = row_ctx
          lazy_contexts = lazy_contexts + 1
        end
        return row_ctx
      end
    end

    -- The typed columns the host sent: all of them for validate_row, else the validated ones.
    local fields = batch.typed
    for position, column in ipairs(columns) do
      local key, validate = column.key, column.validate
      if validate then
        origin = position
        local typed = fields[key]
        for _, i in ipairs(batch.validate[key] or NO_CELLS) do
          local ok, problem_key, vars = validate(typed[i], row_context(i))
          if ok == false then report(errors, i, key, problem_key or "invalid", trimmed(cells_of[key][i]), vars) end
        end
      end
    end

    local validate_row = rule_set.validate_row
    if validate_row then
      origin = #columns + 2
      local names, stored = {}, {}
      for name in pairs(batch.custom or NO_CELLS) do names[#names + 1] = name end
      table.sort(names)
      for k, name in ipairs(names) do stored[k] = batch.custom[name] end
      local make_custom = custom_maker(names)
      local customs = {} -- customs[i]: row i's `custom`, made when first read
      local function custom_of(i)
        local made = customs[i]
        if made == nil then
          made = make_custom(stored, i)
          customs[i] = made
        end
        return made
      end
      local row_meta = lazy_metatable(function(i, key)
        local typed = fields[key]
        if typed ~= nil then return typed[i] end
        if key == "custom" then return custom_of(i) end
        return nil
      end, function(t, i)
        whole_rows = whole_rows + 1
        fill_row(t, fields, i, custom_of(i))
      end)
      if plain_rows then
        for i = 1, count do
          if not failed[i] then validate_row(make_row(fields, i, custom_of(i)), row_context(i)) end
        end
      else
        for i = 1, count do
          if not failed[i] then
            validate_row(setmetatable({ [INDEX] = i }, row_meta), row_context(i))
            lazy_rows = lazy_rows + 1
          end
        end
      end
    end
    if plain_rows then
      plain_rows_left = plain_rows_left - 1
    elseif lazy_rows > 0 and whole_rows * 2 > lazy_rows then
      plain_rows_left = PLAIN_BATCHES
    end
    if plain_contexts then
      plain_contexts_left = plain_contexts_left - 1
    elseif lazy_contexts > 0 and whole_contexts * 2 > lazy_contexts then
      plain_contexts_left = PLAIN_BATCHES
    end
    return { errors = errors, warnings = warnings }
  end
end

--- Returns `check(values, row_number)`, which checks one row and returns { fields, errors,
--- warnings }: `values` maps column keys to cell texts (plugins may give numbers, booleans and
--- lists), `values.custom` custom field names to texts; `fields` maps keys to typed values and
--- `fields.custom` names to stored values. The same checks as `batch_checker`, for one row.
function engine.checker(rule_set, ctx)
  local check_batch = engine.batch_checker(rule_set, ctx)
  local columns = rule_set.columns
  return function(values, row_number)
    local cells, custom_cells = {}, {}
    for _, column in ipairs(columns) do cells[column.key] = { values[column.key] } end
    for name, raw in pairs(values.custom or NO_CELLS) do custom_cells[name] = { raw } end
    local result = check_batch({ count = 1, rows = { row_number }, columns = cells, custom = custom_cells })
    local fields = { custom = {} }
    for key, typed in pairs(result.fields) do fields[key] = typed[1] end
    for name, stored in pairs(result.custom) do fields.custom[name] = stored[1] end
    return { fields = fields, errors = result.errors, warnings = result.warnings }
  end
end

return engine
