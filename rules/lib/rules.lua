-- Building a shop's rule set on another one (RemOnline's, say) without copying tables by hand.
local rules = {}

-- A deep copy of `value` (tables copied, functions and strings shared), so a rule set built on
-- another never writes into it: `require`d modules are shared by every rule set and read-only.
local function copy(value)
  if type(value) ~= "table" then return value end
  local result = {}
  for key, item in pairs(value) do result[key] = copy(item) end
  return result
end

-- `changes` laid over a copy of `base`: tables merge key by key, anything else replaces.
-- A list (`languages`, `aliases`) is replaced whole, as merging two lists by index is never what
-- an author means.
local function merge(base, changes)
  if changes == nil then return copy(base) end
  if type(base) ~= "table" or type(changes) ~= "table" or changes[1] ~= nil or base[1] ~= nil then
    return copy(changes)
  end
  local result = copy(base)
  for key, value in pairs(changes) do result[key] = merge(base[key], value) end
  return result
end

--- Returns a new rule set: a deep copy of `base` with `changes` laid over it, leaving `base` as
--- it is. Fields merge key by key (`messages = { en = { my_key = "…" } }` adds one message and
--- keeps the others; `title = "…"` replaces the title). `changes.columns` is keyed by column key:
--- `{ phone = { aliases = { … } } }` changes fields of that column, `notes = false` removes the
--- column, and a key the base lacks (with `type` and `headers`) is added after the last column.
--- Lists such as `languages` and `aliases` are replaced whole.
function rules.extend(base, changes)
  if type(base) ~= "table" then error("rules.extend: the base rule set must be a table, got " .. type(base), 2) end
  changes = changes or {}
  if type(changes) ~= "table" then error("rules.extend: the changes must be a table, got " .. type(changes), 2) end
  local result = {}
  for key, value in pairs(base) do
    if key ~= "columns" then result[key] = merge(value, changes[key]) end
  end
  for key, value in pairs(changes) do
    if key ~= "columns" and base[key] == nil then result[key] = copy(value) end
  end
  local column_changes = changes.columns or {}
  if type(column_changes) ~= "table" or column_changes[1] ~= nil then
    error("rules.extend: `columns` changes are keyed by column key, such as { phone = { aliases = { \"Mobile\" } } }", 2)
  end
  local columns, seen = {}, {}
  for _, column in ipairs(base.columns or {}) do
    local change = column_changes[column.key]
    seen[column.key] = true
    if change ~= false then columns[#columns + 1] = merge(column, change) end
  end
  -- New columns in key order, so the template's order does not depend on `pairs`.
  local added = {}
  for key, change in pairs(column_changes) do
    if not seen[key] then
      if type(change) ~= "table" then
        error("rules.extend: column '" .. tostring(key) .. "' is not in the base rule set; to add it give its table", 2)
      end
      added[#added + 1] = key
    end
  end
  table.sort(added)
  for _, key in ipairs(added) do
    local column = copy(column_changes[key])
    column.key = key
    columns[#columns + 1] = column
  end
  result.columns = columns
  return result
end

return rules
