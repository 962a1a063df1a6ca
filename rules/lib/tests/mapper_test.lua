-- Unit tests of lib.mapper: the row a plugin's `map` gets is the same whether the row's cells
-- fill the header row (one table constructor compiled for the headers) or not (filled key by key).
local mapper = require("lib.mapper")
local check = require("lib.tests.check")

-- Headers a compiled constructor must quote, one of them twice (the later cell wins).
local HEADERS = { "Name", 'Say "hi"', "Name", "two\nlines", "]]", "back\\slash", "", "[[x]]", "é" }

-- A plugin that hands back everything it was given: the row's values (through `pairs`), the
-- cells of `ctx.cells`, and one value read by name.
local echo = {
  map = function(row, ctx)
    local values = {}
    for header, value in pairs(row) do values[header] = value end
    local cells = {}
    for i = 1, #HEADERS + 2 do cells[i] = ctx.cells[i] end
    return { name = row.Name, values = values, cells = cells, count = #ctx.cells }
  end,
}

local function expected(cells)
  local values = {}
  for i, header in ipairs(HEADERS) do values[header] = cells[i] or "" end
  return values
end

return {
  every_width_of_row_gives_its_values_and_cells = function()
    local map_batch, read_of = mapper.new(echo, { headers = HEADERS, options = {} })
    local widths = { #HEADERS, #HEADERS - 3, #HEADERS + 2, 0, #HEADERS }
    local batch, rows = { rows = {}, counts = {}, cells = {} }, {}
    for r, width in ipairs(widths) do
      local cells = {}
      for i = 1, width do cells[i] = "r" .. r .. "c" .. i end
      rows[r] = cells
      batch.rows[r], batch.counts[r] = r + 1, width
      for _, cell in ipairs(cells) do batch.cells[#batch.cells + 1] = cell end
    end
    local outcomes = map_batch(batch)
    for r, cells in ipairs(rows) do
      local client = outcomes[r].clients[1]
      local want = expected(cells)
      check.equal(client.name, want.Name, "row " .. r .. " name")
      check.equal(client.count, #cells, "row " .. r .. " #ctx.cells")
      for header, value in pairs(want) do check.equal(client.values[header], value, "row " .. r .. " " .. header) end
      for header in pairs(client.values) do check.equal(want[header] ~= nil, true, "row " .. r .. " extra " .. header) end
      for i = 1, #HEADERS + 2 do check.equal(client.cells[i], cells[i], "row " .. r .. " cell " .. i) end
      -- pairs read every header.
      check.equal(#read_of(r), #HEADERS - 1, "row " .. r .. " headers read")
    end
  end,
}
