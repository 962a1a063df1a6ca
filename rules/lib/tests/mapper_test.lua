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
  map_gets_the_plain_row_and_read_of_maps_the_row_again_to_record_the_headers_read = function()
    -- Row r reads "A" when r is even, "B" and "C" when odd, every header (pairs) on row 3; the
    -- row map_batch hands over is the values table itself (rawget finds them, no proxy per row).
    local calls, plain = 0, {}
    local plugin = {
      map = function(row, ctx)
        calls = calls + 1
        plain[ctx.row] = rawget(row, "A")
        if ctx.row == 3 then
          for _ in pairs(row) do end
        elseif ctx.row % 2 == 0 then
          return { name = row.A }
        end
        return { name = row.B .. row.C }
      end,
    }
    local map_batch, read_of = mapper.new(plugin, { headers = { "A", "B", "C", "D" }, options = {} })
    local batch = { rows = { 2, 3, 4, 5 }, counts = { 4, 4, 3, 4 }, cells = {} }
    for i = 1, 15 do batch.cells[i] = "v" .. i end
    local outcomes = map_batch(batch)
    check.equal(calls, 4, "map once a row")
    check.equal(outcomes[1].clients[1].name, "v1")
    check.equal(outcomes[4].clients[1].name, "v13v14")
    for r = 2, 5 do check.equal(plain[r] ~= nil, true, "row " .. r .. " plain") end
    local function sorted(list) table.sort(list) return table.concat(list, ",") end
    check.equal(sorted(read_of(1)), "A")
    check.equal(sorted(read_of(2)), "A,B,C,D")
    check.equal(sorted(read_of(3)), "A")
    check.equal(sorted(read_of(4)), "B,C")
    check.equal(calls, 8, "read_of maps its row again")
    check.equal(#read_of(5), 0, "no such row")
  end,
  read_of_keeps_what_map_read_before_an_error = function()
    local first = true
    local plugin = {
      map = function(row)
        local a = row.A
        if not first then error("only once") end
        first = false
        return { name = a .. row.B }
      end,
    }
    local map_batch, read_of = mapper.new(plugin, { headers = { "A", "B" }, options = {} })
    map_batch({ rows = { 2 }, counts = { 2 }, cells = { "x", "y" } })
    check.equal(table.concat(read_of(1), ","), "A")
  end,
}
