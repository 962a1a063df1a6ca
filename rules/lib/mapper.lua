-- Runs a plugin's `map` on the rows of a foreign export, in the plugin's own Lua state (the rule
-- set checks the clients in another one). The host calls `mapper.new(plugin, ctx)` once per
-- import and the returned function once per source row.
local mapper = {}

--- Returns `map(cells, row_number)` and `last_read()`. The plugin's `map` turns a source row
--- (values by header) into one or more clients by field key; `map` returns { clients = { client
--- … }, skip = reason?, reject = reason?, warnings = { text … } }, which the host copies out of
--- this state and checks with the rule set. `last_read()` lists the headers the last row's `map`
--- read: the host asks only for a row with a problem, to tell which source cell fed the field
--- (building the list for every row cost a tenth of a plugin import).
function mapper.new(plugin, ctx)
  local headers = ctx.headers
  local read = {}
  local function last_read()
    local list = {}
    for header in pairs(read) do list[#list + 1] = header end
    return list
  end
  local function map(cells, row_number)
    local values = {}
    read = {}
    for i, header in ipairs(headers) do
      values[header] = cells[i] or ""
    end
    -- The row the plugin sees records which headers it reads.
    local row = setmetatable({}, {
      __index = function(_, header)
        read[header] = true
        return values[header]
      end,
      __newindex = function(_, header, value) values[header] = value end,
      __pairs = function()
        return function(_, key)
          local header, value = next(values, key)
          if header ~= nil then read[header] = true end
          return header, value
        end, nil, nil
      end,
    })
    local notes = {}
    local row_ctx = {
      row = row_number, headers = headers, options = ctx.options, cells = cells,
      warn = function(message) notes[#notes + 1] = tostring(message) end,
    }
    local mapped = plugin.map(row, row_ctx)
    local outcome = { clients = {}, warnings = notes }
    if type(mapped) ~= "table" then
      outcome.reject = "the plugin's map returned " .. type(mapped) ..
        "; it must return a client table, a list of them, clientimport.skip(reason) or clientimport.reject(reason)"
      return outcome
    end
    if mapped.__verb == "skip" then outcome.skip = tostring(mapped.reason or "skipped by the plugin"); return outcome end
    if mapped.__verb == "reject" then outcome.reject = tostring(mapped.reason or "rejected by the plugin"); return outcome end
    outcome.clients = (mapped[1] ~= nil and type(mapped[1]) == "table") and mapped or { mapped }
    return outcome
  end
  return map, last_read
end

return mapper
