-- Google Contacts: contacts.google.com > Export (Selected or all contacts) > "Google CSV".
-- Reads the current layout (First Name, Middle Name, Last Name, …, E-mail 1 - Label/Value,
-- Phone 1 - Label/Value, Address 1 - Formatted/Street/…, Organization Name, Notes, Labels) and the
-- legacy one (Name, Given Name, Additional Name, Family Name, …, Phone 1 - Type/Value,
-- Organization 1 - Name, Group Membership). Layout: Google's help "Export contacts" and
-- "Import contacts" (support.google.com/contacts/answer/7199294, /1069522) describe the export
-- and link a CSV template; the columns are not documented one by one, so the headers here are
-- those of real exports. Numbered groups grow with the data; a cell may hold several values
-- separated by " ::: "; a label starting with "* " marks the primary value.
local text = require("lib.text")
local contacts = require("lib.contacts")
-- The helpers `map` calls for every row, as locals: `contacts` is a read-only view in the
-- sandbox, where each `contacts.x` costs a C call.
local label_of, split_multi, compose_address = contacts.label, contacts.split_multi, contacts.address
local formatted_address, present = contacts.formatted_address, contacts.present
local name_fields, phones_of, primary_of = contacts.name_fields, contacts.phones, contacts.primary_email
local track, finish = contacts.track, contacts.finish
local find = string.find

local RECOGNITION = {
  system = "Google CSV", language = "en",
  layouts = {
    { name = "current", headers = { "First Name", "Middle Name", "Last Name", "Phonetic First Name", "Name Prefix",
      "Name Suffix", "Nickname", "File As", "Organization Name", "Organization Title", "Birthday", "Notes", "Labels",
      "E-mail 1 - Label", "E-mail 1 - Value", "Phone 1 - Label", "Phone 1 - Value" } },
    { name = "legacy", headers = { "Name", "Given Name", "Additional Name", "Family Name", "Yomi Name", "Name Prefix",
      "Name Suffix", "Initials", "Nickname", "Birthday", "Notes", "Group Membership", "E-mail 1 - Type",
      "E-mail 1 - Value", "Phone 1 - Type", "Phone 1 - Value", "Organization 1 - Name" } },
  },
  markers = { "^Phone %d+ %- Value$", "^E%-mail %d+ %- Value$", "^Address %d+ %- Formatted$" },
}

-- The headers each name field is read from (current layout's, then legacy's).
local FIRST, MIDDLE, LAST = { "First Name", "Given Name" }, { "Middle Name", "Additional Name" }, { "Last Name", "Family Name" }
local ORGANIZATION, FULL, LABELS = { "Organization Name", "Organization 1 - Name" }, { "Name", "File As" }, { "Labels", "Group Membership" }

-- What every row of an import reads, worked out once per headers list (the same one for every
-- row): the numbers of each group and the header names of their fields. Scanning the headers,
-- sorting the numbers and building "Phone 2 - Label" for every group of every row cost more
-- than the rest of `map`.
local plans = setmetatable({}, { __mode = "k" })

-- The numbers n of every "<kind> n - <suffix>" header, in order (`kind` is a pattern).
local function group_numbers(headers, kind, suffix)
  local numbers = {}
  for _, header in ipairs(headers) do
    local n = text.trim(header):match("^" .. kind .. " (%d+) %- " .. suffix .. "$")
    if n then numbers[#numbers + 1] = tonumber(n) end
  end
  table.sort(numbers)
  return numbers
end

-- The header names of each group's fields, `fields` naming them by suffix:
-- { { label = "Phone 1 - Label", type = "Phone 1 - Type", value = "Phone 1 - Value" }, … }.
local function group_headers(numbers, kind, fields)
  local groups = {}
  for i, n in ipairs(numbers) do
    local prefix = kind .. " " .. n .. " - "
    local group = {}
    for key, suffix in pairs(fields) do group[key] = prefix .. suffix end
    groups[i] = group
  end
  return groups
end

local ITEM_FIELDS = { label = "Label", type = "Type", value = "Value" }
local ADDRESS_FIELDS = {
  label = "Label", type = "Type", formatted = "Formatted", street = "Street", street2 = "Extended Address",
  po_box = "PO Box", postal_code = "Postal Code", city = "City", region = "Region", country = "Country",
}

local function plan_of(headers)
  local plan = plans[headers]
  if plan then return plan end
  -- An address is a group with a formatted address or a street, each number once.
  local numbers, done = {}, {}
  for _, suffix in ipairs({ "Formatted", "Street" }) do
    for _, n in ipairs(group_numbers(headers, "Address", suffix)) do numbers[#numbers + 1] = n end
  end
  table.sort(numbers)
  local unique = {}
  for _, n in ipairs(numbers) do
    if not done[n] then done[n] = true; unique[#unique + 1] = n end
  end
  -- A header the file lacks reads as nil, which the name fields skip and a group's label
  -- takes from its other header: reading only the headers there are changes nothing.
  local there = {}
  for _, header in ipairs(headers) do there[header] = true end
  local function kept(names)
    local list = {}
    for _, name in ipairs(names) do
      if there[name] then list[#list + 1] = name end
    end
    return list
  end
  plan = {
    phones = group_headers(group_numbers(headers, "Phone", "Value"), "Phone", ITEM_FIELDS),
    emails = group_headers(group_numbers(headers, "E%-mail", "Value"), "E-mail", ITEM_FIELDS),
    addresses = group_headers(unique, "Address", ADDRESS_FIELDS),
    first = kept(FIRST), middle = kept(MIDDLE), last = kept(LAST),
    organization = kept(ORGANIZATION), full = kept(FULL), labels = kept(LABELS),
  }
  -- The label of a group is its "- Label" cell, else its "- Type" cell (`row[label] or row[type]`).
  for _, list in ipairs({ plan.phones, plan.emails, plan.addresses }) do
    for _, group in ipairs(list) do
      group.label_or_type = there[group.label] and group.label or (there[group.type] and group.type or nil)
    end
  end
  plans[headers] = plan
  return plan
end

-- The first non-empty value among `headers` (`contacts.value` over the plan's lists, which are
-- sequences: a numeric loop, no `ipairs` call a header).
local function value_of(row, headers)
  for i = 1, #headers do
    local value = present(row[headers[i]])
    if value then return value end
  end
  return nil
end

-- Every value of a numbered group ("Phone 1 - Value" with "Phone 1 - Label" or "- Type").
local function items(row, groups)
  local list = {}
  for g = 1, #groups do -- the plan's lists: sequences
    local group = groups[g]
    local raw_label = group.label_or_type and row[group.label_or_type]
    local cell = row[group.value]
    -- An empty group gives no value: its label is read (it may name a problem's cell) but
    -- not worked out.
    if cell ~= nil and cell ~= "" then
      local label, primary = label_of(raw_label)
      if not find(cell, "\n", 1, true) and not find(cell, " ::: ", 1, true) then
        -- One value (most cells): what `split_multi` gives, without its list.
        local value = present(cell)
        if value then list[#list + 1] = { value = value, label = label, primary = primary } end
      else
        for i, value in ipairs(split_multi(cell)) do
          list[#list + 1] = { value = value, label = label, primary = primary and i == 1 }
        end
      end
    end
  end
  return list
end

local function addresses(row, groups)
  local list = {}
  for g = 1, #groups do -- the plan's lists: sequences
    local group = groups[g]
    local raw_label = group.label_or_type and row[group.label_or_type]
    -- A cell of several addresses gives its first (what `match("^(.-) ::: ")` found, without a pattern).
    local formatted = row[group.formatted]
    local several = formatted and find(formatted, " ::: ", 1, true)
    if several then formatted = formatted:sub(1, several - 1) end
    -- Every part is read (a part read is a column mapped, for --keep-unmapped-as-custom-fields and
    -- a problem's cell), but a table is made for them only without a formatted address, which
    -- wins (`contacts.address`).
    local street, street2, po_box = row[group.street], row[group.street2], row[group.po_box]
    local postal_code, city, region, country = row[group.postal_code], row[group.city], row[group.region], row[group.country]
    local value = formatted and formatted_address(formatted)
    if not value then
      value = compose_address({
        street = street, street2 = street2, po_box = po_box,
        postal_code = postal_code, city = city, region = region, country = country,
      })
    end
    if value ~= "" then
      local label, primary = label_of(raw_label)
      list[#list + 1] = { value = value, label = label, primary = primary }
    end
  end
  return list
end

-- `note` with `part` (trimmed) as its next line, when `part` holds something: what
-- `contacts.notes` makes of the parts one by one, without a table for them.
local function add_line(note, part)
  if part == nil then return note end
  part = present(part)
  if not part then return note end
  return note and note .. "\n" .. part or part
end

-- Labels other than Google's own system groups ("* myContacts", legacy "* My Contacts", "* starred").
local function labels_note(cell)
  local kept = {}
  for _, label in ipairs(split_multi(cell)) do
    local name = label
    if find(label, "*", 1, true) == 1 then name = label:gsub("^%*%s*", "") end
    if name ~= "myContacts" and name ~= "My Contacts" and name ~= "starred" and name ~= "" then
      kept[#kept + 1] = name
    end
  end
  return #kept > 0 and ("Labels: " .. table.concat(kept, ", ")) or nil
end

-- The note of each Labels cell seen lately (false for none): most rows hold the same few.
local notes_by_labels, labels_cached = {}, 0

local function user_labels(cell)
  if cell == nil then return nil end
  local note = notes_by_labels[cell]
  if note == nil then
    note = labels_note(cell) or false
    if labels_cached == 1024 then notes_by_labels, labels_cached = {}, 0 end
    notes_by_labels[cell], labels_cached = note, labels_cached + 1
  end
  return note or nil
end

return {
  name = "google-contacts",
  title = "Google Contacts (Google CSV, current and legacy layouts)",
  -- `map` is a function of its row (caches aside): batches may be mapped in two states at once.
  parallel = true,

  detect = function(headers)
    return contacts.recognise(headers, RECOGNITION)
  end,

  map = function(raw, ctx)
    -- The headers read are tracked only when the user keeps the unmapped columns (`contacts.track`).
    local options = ctx.options
    local row, used = raw, nil
    if options and options.keep_unmapped_as_custom_fields then row, used = track(raw, ctx) end
    local plan = plan_of(ctx.headers)
    local name, last_name, juridical, company = name_fields(value_of(row, plan.first), value_of(row, plan.middle),
      value_of(row, plan.last), value_of(row, plan.organization), value_of(row, plan.full))
    local phones, phone_note = phones_of(items(row, plan.phones))
    local email, email_note = primary_of(items(row, plan.emails))
    local address_list = addresses(row, plan.addresses)
    local address, address_note = primary_of(address_list)
    if address_note then address_note = address_note:gsub("^Other emails", "Other addresses") end
    local notes = add_line(add_line(nil, row.Notes), company)
    notes = add_line(add_line(add_line(notes, phone_note), email_note), address_note)
    notes = add_line(notes, user_labels(value_of(row, plan.labels)))
    local client = {
      name = name, last_name = last_name, juridical = juridical,
      phone = phones, email = email, address = address, notes = notes or "",
    }
    local finished, why = finish(client, raw, used, ctx)
    if not finished then return clientimport.skip(why) end
    return finished
  end,
}
