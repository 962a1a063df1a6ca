-- Runs a plugin's `map` on the rows of a foreign export, in the plugin's own Lua state (the rule
-- set checks the clients in another one). The host calls `mapper.new(plugin, ctx)` once per
-- import and the returned function once per source row.
local mapper = {}

local find, match = string.find, string.match

-- A field's value as the text a cell would hold (a list of phones joined as a plugin would).
local function as_text(value)
  local kind = type(value)
  if kind == "string" then return value end
  if kind == "table" then
    local parts = {}
    for i, item in ipairs(value) do parts[i] = tostring(item) end
    return table.concat(parts, ", ")
  end
  if kind == "nil" then return "" end
  return tostring(value)
end

local function trim(s) return match(s, "^%s*(.-)%s*$") end

-- Whether a source cell's text went into a field's text: the same text, or (for cells long
-- enough not to match by chance) a part of it — a phone among several, a street in an address.
local function fed(field_text, cell)
  if cell == "" then return false end
  if cell == field_text then return true end
  return #cell >= 3 and find(field_text, cell, 1, true) ~= nil
end

-- The source columns (1-based) whose cells fed `value`, those the plugin read first.
local function sources_of(value, cells, headers, read)
  local text = trim(as_text(value))
  if text == "" then return nil end
  local found, found_read = {}, {}
  for i = 1, #headers do
    local cell = trim(cells[i] or "")
    if fed(text, cell) then
      found[#found + 1] = i
      if read[headers[i]] then found_read[#found_read + 1] = i end
    end
  end
  if #found_read > 0 then return found_read end
  if #found > 0 then return found end
  return nil
end

--- Returns `map(cells, row_number)`: the plugin's `map` turns a source row (values by header)
--- into one or more clients by field key. The result is { clients = { client … }, skip = reason?,
--- reject = reason?, warnings = { text … }, sources = { { [key] = { column … }, custom = { [name]
--- = { column … } } } … } }: for each client, the source columns (1-based) whose cells fed each
--- field, so an error names the cell the user has to fix. The host copies it out of this state
--- and checks each client with the rule set.
function mapper.new(plugin, ctx)
  local headers = ctx.headers
  return function(cells, row_number)
    local values, read = {}, {}
    for i, header in ipairs(headers) do
      if values[header] == nil then values[header] = cells[i] or "" end
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
    local sources = {}
    for n, client in ipairs(outcome.clients) do
      local of_client = { custom = {} }
      if type(client) == "table" then
        for key, value in pairs(client) do
          if key ~= "custom" and type(key) == "string" and type(value) ~= "function" then
            of_client[key] = sources_of(value, cells, headers, read)
          end
        end
        if type(client.custom) == "table" then
          for name, value in pairs(client.custom) do
            if type(name) == "string" and type(value) ~= "function" then
              of_client.custom[name] = sources_of(value, cells, headers, read)
            end
          end
        end
      end
      sources[n] = of_client
    end
    outcome.sources = sources
    return outcome
  end
end

return mapper
