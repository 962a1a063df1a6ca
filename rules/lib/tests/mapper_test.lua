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
  ctx_cells_are_made_when_read_and_warnings_stay_with_their_row = function()
    -- One metatable and one `warn` serve every row: `ctx.cells` is made on its first read (the
    -- same list on the next), from the row's own cells whatever its width, and a row's warnings
    -- are its own (none: no `warnings`).
    local seen = {}
    local plugin = {
      map = function(row, ctx)
        local r = ctx.row
        seen[r] = { before = rawget(ctx, "cells"), row = ctx.row, headers = ctx.headers, options = ctx.options }
        if r == 2 then ctx.warn("two a"); ctx.warn(22) end
        if r % 2 == 1 then
          local cells = ctx.cells
          seen[r].cells, seen[r].again = cells, ctx.cells
        elseif r == 6 then
          -- pairs lists cells with the rest, made then.
          local keys = {}
          for key, value in pairs(ctx) do keys[#keys + 1] = key; if key == "cells" then seen[r].cells = value end end
          table.sort(keys)
          seen[r].keys = table.concat(keys, " ")
        end
        if r == 4 then ctx.warn("four"); return clientimport and clientimport.skip("four") or { __verb = "skip", reason = "four" } end
        if r == 5 then ctx.warn("five"); return 5 end
        return { name = row.A }
      end,
    }
    local headers, options = { "A", "B", "C" }, { keep_unmapped_as_custom_fields = false }
    local map_batch, read_of = mapper.new(plugin, { headers = headers, options = options })
    local batch = { rows = { 1, 2, 3, 4, 5, 6 }, counts = { 3, 3, 2, 3, 4, 3 }, cells = {} }
    for i = 1, 18 do batch.cells[i] = "v" .. i end
    local outcomes = map_batch(batch)
    for r = 1, 6 do
      check.equal(seen[r].before, nil, "row " .. r .. ": cells made before they were read")
      check.equal(seen[r].row, r, "row " .. r .. " ctx.row")
      check.equal(seen[r].headers, headers, "row " .. r .. " ctx.headers")
      check.equal(seen[r].options, options, "row " .. r .. " ctx.options")
    end
    check.same(seen[1].cells, { "v1", "v2", "v3" })
    check.same(seen[3].cells, { "v7", "v8" })
    check.same(seen[5].cells, { "v12", "v13", "v14", "v15" })
    check.equal(seen[3].again, seen[3].cells, "ctx.cells read twice is one list")
    check.equal(seen[6].keys, "cells headers options row warn")
    check.same(seen[6].cells, { "v16", "v17", "v18" })
    check.equal(outcomes[1].warnings, nil, "row 1 warned nothing")
    check.same(outcomes[2].warnings, { "two a", "22" })
    check.equal(outcomes[3].warnings, nil, "row 3 warned nothing")
    check.same(outcomes[4].warnings, { "four" })
    check.equal(outcomes[4].skip, "four")
    check.same(outcomes[5].warnings, { "five" })
    check.equal(outcomes[5].reject:find("returned number", 1, true) ~= nil, true, outcomes[5].reject)
    check.equal(outcomes[6].clients[1].name, "v16")
    check.equal(outcomes[6].warnings, nil, "row 6 warned nothing")
    -- Mapping row 2 again for read_of leaves the outcomes as they were.
    read_of(2)
    check.same(outcomes[2].warnings, { "two a", "22" })
  end,
}
