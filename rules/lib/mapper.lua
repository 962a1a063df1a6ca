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
--- which source cell fed the field. `map_batch` gives `map` the plain table of the row's values;
--- `read_of` maps that row again, its values behind a proxy that records each header read (a
--- metamethod call for every read of every row cost a fifth of the plugin's Lua; `map` is a
--- function of its row, and the few rows with a problem are mapped twice). `position()` is the
--- number of the row `map` was last given, to name it in an error.

-- `split(cells, at)`: the values by header and the list of cells of the row whose cells are
-- `cells[at + 1]` … `cells[at + #headers]`, made by one table constructor each (compiled once per
-- header list): sized once, where filling an empty table key by key resized it seven times a row.
-- The list is made first and the values read from it by constant index (one instruction each,
-- where `cells[at + i]` took two, and no `or ""`: a row of the header row's width has every
-- cell). A header named twice takes the later cell's value, as assigning them in order did. Nil
-- when the chunk cannot be compiled (the caller then fills the tables one key at a time).
local function splitter(headers)
  local last = {}
  for i, header in ipairs(headers) do last[header] = i end
  local fields, list = {}, {}
  for i, header in ipairs(headers) do
    if last[header] == i then fields[#fields + 1] = string.format("[%q] = l[%d]", header, i) end
    list[#list + 1] = string.format("c[at + %d]", i)
  end
  local source = "local c, at = ...\nlocal l = {\n" .. table.concat(list, ",\n") .. "\n}\nreturn {\n" ..
    table.concat(fields, ",\n") .. "\n}, l"
  return (load(source, "=lib.mapper row", "t", {}))
end

function mapper.new(plugin, ctx)
  local headers = ctx.headers
  local width = #headers
  local split = splitter(headers)
  -- Row `cells[at + 1]` … `cells[at + count]` of a batch; with `read`, the row `map` sees records
  -- in it the headers it reads.
  local function map(batch_cells, at, count, row_number, read)
    local values, cells
    if count == width and split then
      values, cells = split(batch_cells, at)
    else
      cells = table.move(batch_cells, at + 1, at + count, 1, {})
      values = {}
      for i = 1, width do
        values[headers[i]] = cells[i] or ""
      end
    end
    local row = values
    if read then
      row = setmetatable({}, {
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
    end
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
  -- instead of one per row. The batch and where each row starts in its cells are kept for
  -- `read_of`.
  local last, starts, current = nil, {}, nil
  local function map_batch(batch)
    local cells, counts, outcomes = batch.cells, batch.counts, {}
    last, starts = batch, {}
    local at = 0
    for i, row_number in ipairs(batch.rows) do
      current = row_number
      starts[i] = at
      outcomes[i] = map(cells, at, counts[i], row_number)
      at = at + counts[i]
    end
    return outcomes
  end
  local function read_of(i)
    local read, list = {}, {}
    if last and starts[i] then
      -- What `map` read before an error is still what it read (it did not fail the first time).
      pcall(map, last.cells, starts[i], last.counts[i], last.rows[i], read)
    end
    for header in pairs(read) do list[#list + 1] = header end
    return list
  end
  local function position() return current end
  return map_batch, read_of, position
end

return mapper
