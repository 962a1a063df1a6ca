-- Runs a plugin's `map` on the rows of a foreign export, in the plugin's own Lua state (the rule
-- set checks the clients in another one). The host calls `mapper.new(plugin, ctx)` once per
-- import and the returned `map_batch` once per batch of source rows.
local mapper = {}

--- Returns `map_batch(batch)`, `read_of(i)` and `position()`. The plugin's `map` turns a source
--- row (values by header) into one or more clients by field key. `map_batch` runs it on each row
--- of a batch — `batch.rows[i]` is row i's number, `batch.counts[i]` how many of `batch.cells`
--- (the rows' cells one after another) are its cells — and returns the rows' outcomes in order,
--- each { clients = { client … }, skip = reason?, reject = reason?, warnings = { text … } },
--- which the host copies out of this state and checks with the rule set. `read_of(i)` lists the
--- headers row i of the last batch read: the host asks only for a row with a problem, to tell
--- which source cell fed the field (building the list for every row cost a tenth of a plugin
--- import). `position()` is the number of the row `map` was last given, to name it in an error.
function mapper.new(plugin, ctx)
  local headers = ctx.headers
  local read = {}
  local function map(cells, row_number)
    local values = {}
    read = {}
    for i = 1, #headers do
      values[headers[i]] = cells[i] or ""
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

  -- Rows are mapped a batch per call from the host: one call, and one copy of the outcomes,
  -- instead of one per row.
  local reads, current = {}, nil
  local function map_batch(batch)
    local cells, counts, outcomes = batch.cells, batch.counts, {}
    reads = {}
    local at = 0
    for i, row_number in ipairs(batch.rows) do
      local row_cells = table.move(cells, at + 1, at + counts[i], 1, {})
      at = at + counts[i]
      current = row_number
      outcomes[i] = map(row_cells, row_number)
      reads[i] = read
    end
    return outcomes
  end
  local function read_of(i)
    local list = {}
    for header in pairs(reads[i] or {}) do list[#list + 1] = header end
    return list
  end
  local function position() return current end
  return map_batch, read_of, position
end

return mapper
