-- Runs a plugin's `map` on the rows of a foreign export, in the plugin's own Lua state (the rule
-- set checks the clients in another one). The host calls `mapper.new(plugin, ctx)` once per
-- import and the returned `map_batch` once per batch of source rows.
local mapper = {}

--- Returns `map_batch(batch)`, `read_of(i)` and `position()`. The plugin's `map` turns a source
--- row (values by header) into one or more clients by field key. `map_batch` runs it on each row
--- of a batch — `batch.rows[i]` is row i's number, `batch.counts[i]` how many of `batch.cells`
--- (the rows' cells one after another) are its cells — and returns the rows' outcomes in order,
--- each { clients = { client … }, skip = reason?, reject = reason?, warnings = { text … }? } (no
--- `warnings` when the row gave none),
--- which the host copies out of this state and checks with the rule set. `read_of(i)` lists the
--- headers row i of the last batch read: the host asks only for a row with a problem, to tell
--- which source cell fed the field. `map_batch` gives `map` the plain table of the row's values;
--- `read_of` maps that row again, its values behind a proxy that records each header read (a
--- metamethod call for every read of every row cost a fifth of the plugin's Lua; `map` is a
--- function of its row, and the few rows with a problem are mapped twice). `position()` is the
--- number of the row `map` was last given, to name it in an error.

-- `split(cells, at)`: the values by header of the row whose cells are `cells[at + 1]` …
-- `cells[at + #headers]`, made by one table constructor (compiled once per header list): sized
-- once, where filling an empty table key by key resized it seven times a row. No `or ""`: a row
-- of the header row's width has every cell. A header named twice takes the later cell's value,
-- as assigning them in order did. Nil when the chunk cannot be compiled (the caller then fills
-- the table one key at a time).
local function splitter(headers)
  local last = {}
  for i, header in ipairs(headers) do last[header] = i end
  local fields = {}
  for i, header in ipairs(headers) do
    if last[header] == i then fields[#fields + 1] = string.format("[%q] = c[at + %d]", header, i) end
  end
  local source = "local c, at = ...\nreturn {\n" .. table.concat(fields, ",\n") .. "\n}"
  return (load(source, "=lib.mapper row", "t", {}))
end

function mapper.new(plugin, ctx)
  local headers = ctx.headers
  local width = #headers
  local split = splitter(headers)
  -- The row being mapped, for `ctx.cells` and `ctx.warn`: one metatable and one `warn` for
  -- every row, where a list of the row's cells, a notes table and a closure a row cost a sixth
  -- of the mapper's work (few plugins read `ctx.cells`, few rows warn).
  local row_cells, row_at, row_count, notes
  local function warn(message)
    local note = tostring(message)
    if notes then notes[#notes + 1] = note else notes = { note } end
  end
  local row_ctx_meta = {
    __index = function(row_ctx, key)
      if key ~= "cells" then return nil end
      -- Made on the first read, kept for the next.
      local cells = table.move(row_cells, row_at + 1, row_at + row_count, 1, {})
      rawset(row_ctx, "cells", cells)
      return cells
    end,
    -- `pairs(ctx)` lists `cells` too, as it lists every other key.
    __pairs = function(row_ctx)
      local _ = row_ctx.cells
      return next, row_ctx, nil
    end,
  }
  -- Row `cells[at + 1]` … `cells[at + count]` of a batch; with `read`, the row `map` sees records
  -- in it the headers it reads.
  local function map(batch_cells, at, count, row_number, read)
    local values
    if count == width and split then
      values = split(batch_cells, at)
    else
      values = {}
      for i = 1, width do
        values[headers[i]] = i <= count and batch_cells[at + i] or ""
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
    row_cells, row_at, row_count, notes = batch_cells, at, count, nil
    local row_ctx = setmetatable({ row = row_number, headers = headers, options = ctx.options, warn = warn }, row_ctx_meta)
    local mapped = plugin.map(row, row_ctx)
    -- `warnings` last: a reason's `__tostring` may still warn.
    if type(mapped) ~= "table" then
      return { clients = {}, reject = "the plugin's map returned " .. type(mapped) ..
        "; it must return a client table, a list of them, clientimport.skip(reason) or clientimport.reject(reason)",
        warnings = notes }
    end
    local verb = mapped.__verb
    if verb == "skip" then
      return { clients = {}, skip = tostring(mapped.reason or "skipped by the plugin"), warnings = notes }
    end
    if verb == "reject" then
      return { clients = {}, reject = tostring(mapped.reason or "rejected by the plugin"), warnings = notes }
    end
    return { clients = (mapped[1] ~= nil and type(mapped[1]) == "table") and mapped or { mapped }, warnings = notes }
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
