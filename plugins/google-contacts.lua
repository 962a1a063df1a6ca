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

-- group_numbers' lists by headers list (the same one for every row of an import), then by
-- kind and suffix: scanning every header for every group of every row cost more than the rest
-- of `map`.
local groups_of = setmetatable({}, { __mode = "k" })

-- The numbers n of every "<kind> n - <suffix>" header, in order (a list not to be changed).
local function group_numbers(headers, kind, suffix)
  local groups = groups_of[headers]
  if not groups then
    groups = {}
    groups_of[headers] = groups
  end
  local key = kind .. " - " .. suffix
  local numbers = groups[key]
  if numbers then return numbers end
  numbers = {}
  for _, header in ipairs(headers) do
    local n = text.trim(header):match("^" .. kind .. " (%d+) %- " .. suffix .. "$")
    if n then numbers[#numbers + 1] = tonumber(n) end
  end
  table.sort(numbers)
  groups[key] = numbers
  return numbers
end

-- Every value of a numbered group ("Phone 1 - Value" with "Phone 1 - Label" or "- Type").
local function items(row, headers, kind)
  local list = {}
  for _, n in ipairs(group_numbers(headers, kind, "Value")) do
    local prefix = kind:gsub("%%", "") .. " " .. n .. " - "
    local label, primary = contacts.label(row[prefix .. "Label"] or row[prefix .. "Type"])
    for i, value in ipairs(contacts.split_multi(row[prefix .. "Value"])) do
      list[#list + 1] = { value = value, label = label, primary = primary and i == 1 }
    end
  end
  return list
end

local function addresses(row, headers)
  local list = {}
  local numbers = {}
  for _, n in ipairs(group_numbers(headers, "Address", "Formatted")) do numbers[#numbers + 1] = n end
  for _, n in ipairs(group_numbers(headers, "Address", "Street")) do numbers[#numbers + 1] = n end
  table.sort(numbers)
  local done = {}
  for _, n in ipairs(numbers) do
    if not done[n] then
      done[n] = true
      local p = "Address " .. n .. " - "
      local label, primary = contacts.label(row[p .. "Label"] or row[p .. "Type"])
      local value = contacts.address({
        formatted = (row[p .. "Formatted"] or ""):match("^(.-) ::: ") or row[p .. "Formatted"],
        street = row[p .. "Street"], street2 = row[p .. "Extended Address"], po_box = row[p .. "PO Box"],
        postal_code = row[p .. "Postal Code"], city = row[p .. "City"], region = row[p .. "Region"],
        country = row[p .. "Country"],
      })
      if value ~= "" then list[#list + 1] = { value = value, label = label, primary = primary } end
    end
  end
  return list
end

-- Labels other than Google's own system groups ("* myContacts", legacy "* My Contacts", "* starred").
local function user_labels(cell)
  local kept = {}
  for _, label in ipairs(contacts.split_multi(cell)) do
    local name = label:gsub("^%*%s*", "")
    if name ~= "myContacts" and name ~= "My Contacts" and name ~= "starred" and name ~= "" then
      kept[#kept + 1] = name
    end
  end
  return #kept > 0 and ("Labels: " .. table.concat(kept, ", ")) or nil
end

return {
  name = "google-contacts",
  title = "Google Contacts (Google CSV, current and legacy layouts)",

  detect = function(headers)
    return contacts.recognise(headers, RECOGNITION)
  end,

  map = function(raw, ctx)
    local row, used = contacts.track(raw)
    local headers = ctx.headers
    local name, last_name, juridical, company = contacts.names({
      first = contacts.value(row, { "First Name", "Given Name" }),
      middle = contacts.value(row, { "Middle Name", "Additional Name" }),
      last = contacts.value(row, { "Last Name", "Family Name" }),
      organization = contacts.value(row, { "Organization Name", "Organization 1 - Name" }),
      full = contacts.value(row, { "Name", "File As" }),
    })
    local phones, phone_note = contacts.phones(items(row, headers, "Phone"))
    local email, email_note = contacts.primary_email(items(row, headers, "E%-mail"))
    local address_list = addresses(row, headers)
    local address, address_note = contacts.primary_email(address_list)
    if address_note then address_note = address_note:gsub("^Other emails", "Other addresses") end
    local client = {
      name = name, last_name = last_name, juridical = juridical,
      phone = phones, email = email, address = address,
      notes = contacts.notes({ row.Notes, company, phone_note, email_note, address_note,
                               user_labels(contacts.value(row, { "Labels", "Group Membership" })) }),
    }
    local finished, why = contacts.finish(client, raw, used, ctx)
    if not finished then return clientimport.skip(why) end
    return finished
  end,
}
