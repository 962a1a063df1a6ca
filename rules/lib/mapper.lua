-- Runs a plugin's `map` on the rows of a foreign export, in the plugin's own Lua state (the rule
-- set checks the clients in another one). The host calls `mapper.new(plugin, ctx)` once per
-- import and the returned function once per source row.
local mapper = {}

--- Returns `map(cells, row_number)`: the plugin's `map` turns a source row (values by header)
--- into one or more clients by field key. The result is { clients = { client … }, skip = reason?,
--- reject = reason?, warnings = { text … } }; the host copies it out of this state and checks
--- each client with the rule set.
function mapper.new(plugin, ctx)
  local headers = ctx.headers
  return function(cells, row_number)
    local row = {}
    for i, header in ipairs(headers) do row[header] = cells[i] or "" end
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
end

return mapper
