-- Helpers the migration plugins share: names, addresses from parts, the primary email, phone
-- labels kept in notes, and the columns a plugin did not map (for keep_unmapped_as_custom_fields).
local text = require("lib.text")

local find, byte = string.find, string.byte
-- Module functions are called through locals: `text` is a read-only view in the sandbox, and
-- each `text.trim` through it cost a C call, about 40 of them for every row a plugin maps.
local trim = text.trim
local mathtype = math.type

local contacts = {}

--- The trimmed text, or nil when it is empty.
local function present(value)
  local s = trim(value)
  if s == "" then return nil end
  return s
end
contacts.present = present

--- Joins the non-empty trimmed parts with `separator` (", " by default).
function contacts.join(parts, separator)
  local kept, count = {}, 0
  for index in pairs(parts) do -- parts may hold nils: `#` would stop at any of them
    -- The array part comes in order (1, 2, 3…): only a key out of that order needs a type check.
    if index == count + 1 or (mathtype(index) == "integer" and index > count) then count = index end
  end
  for i = 1, count do
    local s = present(parts[i])
    if s then kept[#kept + 1] = s end
  end
  return table.concat(kept, separator or ", ")
end

--- Splits a cell holding several values separated by " ::: " (Google) or line breaks.
function contacts.split_multi(value)
  local parts = {}
  if value == nil or value == "" then return parts end
  -- Most cells hold one value: no pattern work for them (a plugin splits several cells a row).
  if type(value) == "string" and not find(value, "\n", 1, true) and not find(value, " ::: ", 1, true) then
    parts[1] = present(value)
    return parts
  end
  local s = (value or ""):gsub(" ::: ", "\n")
  for part in s:gmatch("[^\n]+") do
    local trimmed = present(part)
    if trimmed then parts[#parts + 1] = trimmed end
  end
  return parts
end

--- Strips the "* " primary mark Google and the vCard plugin put before a label.
--- Returns the label (nil when empty) and whether it was marked primary.
function contacts.label(raw)
  local s = trim(raw)
  local primary = false
  if byte(s, 1) == 42 then -- "*"
    primary = true
    s = trim(s:sub(2))
  end
  if s == "" then return nil, primary end
  return s, primary
end

--- Name fields from a person's and an organisation's names:
--- { first, middle, last, organization, full } → name, last_name, juridical, note.
--- A person's name wins (the full name when only it is given and it is not the organisation's);
--- an organisation alone is a company (juridical); an organisation beside a
--- person is returned as a note ("Company: …"), since RemOnline's client card has no place for it.
function contacts.names(parts)
  return contacts.name_fields(parts.first, parts.middle, parts.last, parts.organization, parts.full)
end

--- `contacts.names` with the parts one by one (no table to make for every row).
function contacts.name_fields(first, middle, last, organization, full)
  -- What `join({ first, middle }, " ")` gives.
  local given, second = present(first), present(middle)
  first = given and (second and given .. " " .. second or given) or second or ""
  last = present(last) or ""
  organization = present(organization)
  full = present(full)
  if first == "" and last == "" and full and full ~= organization then first = full end
  if first == "" and last ~= "" then
    first, last = last, ""
  end
  if first ~= "" then
    return first, last, false, organization and ("Company: " .. organization) or nil
  end
  if organization then return organization, "", true, nil end
  return "", "", false, nil
end

--- A formatted address's lines, trimmed, without the empty ones, joined with ", " (what joining
--- `text.split(formatted, "\n\r")` gives); nil when the address is empty.
function contacts.formatted_address(formatted)
  formatted = present(formatted)
  if not formatted then return nil end
  -- Found without a pattern and joined as found: most addresses of an export have one or two lines.
  local joined, at = nil, 1
  while true do
    local newline, cr = find(formatted, "\n", at, true), find(formatted, "\r", at, true)
    local stop = newline and cr and (newline < cr and newline or cr) or newline or cr
    local line = present(formatted:sub(at, stop and stop - 1 or -1))
    if line then joined = joined and joined .. ", " .. line or line end
    if not stop then break end
    at = stop + 1
  end
  return joined or ""
end

--- Composes an address from its parts: street, street2, po_box, postal_code + city, region, country.
--- A formatted address (with its line breaks turned into ", ") wins when there is one.
function contacts.address(parts)
  local formatted = contacts.formatted_address(parts.formatted)
  if formatted then return formatted end
  local town = contacts.join({ parts.postal_code, parts.city }, " ")
  return contacts.join({ parts.street, parts.street2, parts.street3, parts.po_box, town, parts.region, parts.country })
end

--- Picks the primary email from { {value =, label =, primary =}, … }: the first marked primary,
--- else the first. Returns the address ("" when none) and a note listing the others (or nil).
function contacts.primary_email(list)
  -- One item (most rows): it is the address when it has one, and there are no others.
  if #list == 1 then return present(list[1].value) or "", nil end
  local chosen
  for i, item in ipairs(list) do
    if item.primary and present(item.value) then chosen = i; break end
  end
  if not chosen then
    for i, item in ipairs(list) do
      if present(item.value) then chosen = i; break end
    end
  end
  if not chosen then return "", nil end
  local others = {}
  for i, item in ipairs(list) do
    local value = present(item.value)
    if i ~= chosen and value and value ~= present(list[chosen].value) then
      others[#others + 1] = item.label and (value .. " (" .. item.label .. ")") or value
    end
  end
  local note = #others > 0 and ("Other emails: " .. table.concat(others, ", ")) or nil
  return trim(list[chosen].value), note
end

--- Every phone of { {value =, label =, primary =}, … }, the primary first, each number once
--- (by its digits). Returns the list and a note with the labels ("Phones: … (Mobile), …"), nil
--- when no phone has a label.
function contacts.phones(list)
  -- One item (most rows): no order to make and no twin to compare.
  if #list == 1 then
    local item = list[1]
    local value = present(item.value)
    if not value then return {}, nil end
    return { value }, item.label and ("Phones: " .. value .. " (" .. item.label .. ")") or nil
  end
  local ordered = {}
  for _, item in ipairs(list) do
    if item.primary then ordered[#ordered + 1] = item end
  end
  for _, item in ipairs(list) do
    if not item.primary then ordered[#ordered + 1] = item end
  end
  local numbers, labelled, seen, any_label = {}, {}, {}, false
  -- A number is compared by its digits only with another: one phone needs no pattern work.
  local alone = #ordered == 1
  for _, item in ipairs(ordered) do
    local value = present(item.value)
    if value then
      local key = value
      if not alone then
        local digits = value:gsub("%D", "")
        if digits ~= "" then key = digits end
      end
      if not seen[key] then
        seen[key] = true
        numbers[#numbers + 1] = value
        if item.label then
          any_label = true
          labelled[#labelled + 1] = value .. " (" .. item.label .. ")"
        else
          labelled[#labelled + 1] = value
        end
      end
    end
  end
  local note = any_label and ("Phones: " .. table.concat(labelled, ", ")) or nil
  return numbers, note
end

--- Joins note parts, one a line, leaving out empty ones.
function contacts.notes(parts)
  return contacts.join(parts, "\n")
end

--- Wraps a row so that every header the plugin reads is remembered as mapped.
--- Returns the wrapped row and the set of headers read. Given the row's `ctx`, the row comes
--- back as it is (and the set stays empty) unless the user asked to keep the unmapped columns:
--- only `contacts.unmapped` reads the set, and a wrapped row costs a function call per read.
function contacts.track(row, ctx)
  if ctx and not (ctx.options and ctx.options.keep_unmapped_as_custom_fields) then return row, {} end
  local used = {}
  local wrapped = setmetatable({}, {
    __index = function(_, header)
      used[header] = true
      return row[header]
    end,
  })
  return wrapped, used
end

--- The non-empty columns not read, as custom field values by header, when the user asked for
--- them (`ctx.options.keep_unmapped_as_custom_fields`); nil otherwise or when there are none.
function contacts.unmapped(row, used, ctx)
  if not (ctx.options and ctx.options.keep_unmapped_as_custom_fields) then return nil end
  local custom, any = {}, false
  for _, header in ipairs(ctx.headers or {}) do
    local value = present(row[header])
    if value and not used[header] and present(header) then
      custom[header] = value
      any = true
    end
  end
  return any and custom or nil
end

--- Finishes a client a plugin mapped: adds the unmapped columns when asked and names a client
--- without a name after its email or phone. Returns the client, or nil and why when the row holds
--- no name, phone or email (the plugin skips it). `raw` is the row the plugin got, `used` what
--- `track` recorded.
function contacts.finish(client, raw, used, ctx)
  if trim(client.name) == "" then
    local fallback = client.email ~= "" and client.email or nil
    if not fallback and type(client.phone) == "table" then fallback = client.phone[1] end
    if not fallback then return nil, "no name, phone or email" end
    client.name = fallback
    ctx.warn("no name: the client is named after its " .. (fallback == client.email and "email" or "phone"))
  end
  client.custom = contacts.unmapped(raw, used, ctx)
  return client
end

--- The first non-empty value among `headers` (a row may name a column in several ways).
function contacts.value(row, headers)
  for _, header in ipairs(headers) do
    local value = present(row[header])
    if value then return value end
  end
  return nil
end

--- How sure a plugin is that `headers` are its export's. `spec` = { system =, language =,
--- layouts = { { name =, language =, headers = { … } }, … }, markers = { "exact header" or
--- "^lua pattern$", … } }. The third result is the language of the best layout's headers
--- (its own, else the spec's): what `detect` returns for the import's messages.
--- Without a marker the score stays below 0.4 (a shared "First Name" proves nothing); with one
--- it is 0.3 + 0.7 × the share of the best layout's headers present.
function contacts.recognise(headers, spec)
  local present = {}
  for _, header in ipairs(headers) do present[text.fold(header)] = true end
  local marker
  for _, wanted in ipairs(spec.markers) do
    for _, header in ipairs(headers) do
      local trimmed = trim(header)
      if (wanted:sub(1, 1) == "^" and trimmed:match(wanted)) or text.fold(wanted) == text.fold(trimmed) then
        marker = trimmed
        break
      end
    end
    if marker then break end
  end
  local best, best_hits, best_layout = 0, 0, spec.layouts[1]
  for _, layout in ipairs(spec.layouts) do
    local hits = 0
    for _, header in ipairs(layout.headers) do
      if present[text.fold(header)] then hits = hits + 1 end
    end
    if hits / #layout.headers > best then
      best, best_hits, best_layout = hits / #layout.headers, hits, layout
    end
  end
  local what = string.format("%d of %d %s%s headers", best_hits, #best_layout.headers, spec.system,
    best_layout.name and (" (" .. best_layout.name .. ")") or "")
  -- The language of the headers, for the import's messages: the layout's, else the spec's.
  local language = best_layout.language or spec.language
  if not marker then return 0.4 * best * 0.99, what .. ", none of its distinctive ones", language end
  return 0.3 + 0.7 * best, what .. ", with \"" .. marker .. "\"", language
end

return contacts
