-- vCard files (.vcf, one or many cards): what phones and address books export — Android
-- Contacts > Settings > Export (.vcf), iPhone/iCloud Contacts > Export vCard, Google Contacts >
-- Export > vCard, Outlook > Save as vCard. Versions 2.1 (versit's vCard 2.1 specification),
-- 3.0 (RFC 2426) and 4.0 (RFC 6350); parsing is in rules/lib/vcard.lua. The core does not read
-- vCard: `read` turns each card into a row of "vCard …" columns, which `map` then maps.
local text = require("lib.text")
local vcard = require("lib.vcard")
local contacts = require("lib.contacts")

local FIXED = { "vCard FN", "vCard N family", "vCard N given", "vCard N middle", "vCard ORG", "vCard NOTE", "vCard CATEGORIES",
                "vCard warnings" }
local GROUPS = { { property = "TEL", column = "vCard TEL" }, { property = "EMAIL", column = "vCard EMAIL" },
                 { property = "ADR", column = "vCard ADR" } }

local function value_of(card, name)
  local property = vcard.first(card, name)
  return property and text.trim(vcard.text(property)) or ""
end

-- Every property `name` of the card, joined: a card may hold several NOTEs (Evolution, Apple).
local function values_of(card, name, separator)
  local list = {}
  for _, property in ipairs(vcard.all(card, name)) do list[#list + 1] = text.trim(vcard.text(property)) end
  return contacts.join(list, separator)
end

-- Where N holds only the family name and FN the whole name ("N:Tremblay;;;;" with
-- "FN:Jean Tremblay"), the given name is what FN has besides the family name: the rest of FN
-- before or after it, or all of FN when it does not hold it.
local function given_from_full(full, family)
  if full == "" or family == "" or full:lower() == family:lower() then return "" end
  local lower_full, lower_family = full:lower(), family:lower()
  if lower_full:sub(-#lower_family - 1) == " " .. lower_family then return text.trim(full:sub(1, -#family - 2)) end
  if lower_full:sub(1, #lower_family + 1) == lower_family .. " " then return text.trim(full:sub(#family + 2)) end
  return full
end

-- A phone's text: RFC 6350 writes numbers as URIs ("tel:+1-418-656-9254;ext=102"); older
-- exports write "+1 418 656 9254 ext. 102" or "… x102". Returns the number and its extension.
local function phone_of(value)
  local number = value:gsub("^[Tt][Ee][Ll]:", "")
  local extension
  local semicolon = number:find(";", 1, true)
  if semicolon then -- URI parameters: ext=, isub=, phone-context=
    for parameter in number:sub(semicolon + 1):gmatch("[^;]+") do
      local key, v = parameter:match("^([^=]*)=(.*)$")
      if key and key:lower() == "ext" and v ~= "" then extension = v end
    end
    number = number:sub(1, semicolon - 1)
  end
  -- Only in a value as short as a phone with its extension can be: the searches backtrack over
  -- runs of spaces, which the sandbox's pattern guard refuses on a long value (and a long value
  -- is no phone: the rule set says so).
  if not extension and #number <= 80 then
    -- Found from the end with unanchored searches, never a "^(.-)%s*…" prefix (quadratic in a
    -- run of spaces).
    local at, _, digits = number:find("[Ee][Xx][Tt][Nn]?%.?%s*(%d+)$")
    if not at then
      at, _, digits = number:find("%d%s*[Xx]%s*(%d+)$")
      if at then at = at + 1 end -- keep the number's last digit
    end
    local before = at and text.trim(number:sub(1, at - 1)) or ""
    if before:find("%d") then number, extension = before, digits end
  end
  return text.trim(number), extension
end

-- An ADR's seven components: PO box; extended; street; city; region; postal code; country.
local function address_of(property)
  local c = vcard.components(property)
  return contacts.address({ po_box = c[1], street2 = c[2], street = c[3], city = c[4], region = c[5],
                            postal_code = c[6], country = c[7] })
end

-- A card's row as an array: the FIXED columns, then a value and a type for each TEL, each
-- EMAIL and each ADR; and how many of each it has. Arrays, not tables keyed by column name:
-- a 100,000-card file holds every row until the last card is read.
local function card_row(card)
  local n = vcard.first(card, "N")
  local parts = n and vcard.components(n) or {}
  local org = vcard.first(card, "ORG")
  local full, family, given = value_of(card, "FN"), text.trim(parts[1]), text.trim(parts[2])
  if given == "" and text.trim(parts[3]) == "" then given = given_from_full(full, family) end
  local warnings = card.warnings or {}
  local extensions = {}
  local row = {
    full, family, given, text.trim(parts[3]),
    org and contacts.join(vcard.components(org), ", ") or "", values_of(card, "NOTE", "\n"),
    values_of(card, "CATEGORIES", ","), "",
  }
  local counts = {}
  for g, group in ipairs(GROUPS) do
    local list = vcard.all(card, group.property)
    counts[g] = #list
    for _, property in ipairs(list) do
      local label, preferred = vcard.label(card, property)
      local value
      if group.property == "ADR" then
        value = address_of(property)
      elseif group.property == "TEL" then
        local extension
        value, extension = phone_of(text.trim(vcard.text(property)))
        if extension then extensions[#extensions + 1] = "Phone " .. value .. " extension " .. extension end
      else
        value = text.trim(vcard.text(property)):gsub("^[Mm][Aa][Ii][Ll][Tt][Oo]:", "")
      end
      row[#row + 1] = value
      row[#row + 1] = (preferred and "* " or "") .. (label or "")
    end
  end
  -- The extensions go to the notes: a phone number holds digits only.
  if #extensions > 0 then row[6] = contacts.join({ row[6], table.concat(extensions, "; ") }, "\n") end
  row[#FIXED] = table.concat(warnings, "\n")
  return row, counts
end

-- The row padded to the full width: each group's pairs, then "" up to the most any card has.
local function padded(row, counts, most)
  local cells, from = table.move(row, 1, #FIXED, 1, {}), #FIXED + 1
  for g = 1, #GROUPS do
    local used = 2 * counts[g]
    table.move(row, from, from + used - 1, #cells + 1, cells)
    from = from + used
    for _ = used + 1, 2 * most[g] do cells[#cells + 1] = "" end
  end
  return cells
end

local function numbered(row, ctx, column)
  local list = {}
  for _, header in ipairs(ctx.headers) do
    local n = header:match("^" .. column .. " (%d+)$")
    if n then
      local label, primary = contacts.label(row[header .. " type"])
      list[#list + 1] = { value = row[header], label = label, primary = primary }
    end
  end
  return list
end

return {
  name = "vcard",
  title = "vCard 2.1, 3.0 and 4.0 (.vcf)",
  -- `map` is a function of its row (caches aside): batches may be mapped in two states at once.
  parallel = true,
  extensions = { "vcf", "vcard" },

  read = function(source, file)
    -- Card by card: each card's properties are garbage once its row is made.
    local rows, counts, most = {}, {}, { 0, 0, 0 }
    vcard.each(source, function(card)
      local row, count = card_row(card)
      rows[#rows + 1], counts[#counts + 1] = row, count
      for g = 1, #GROUPS do
        if count[g] > most[g] then most[g] = count[g] end
      end
    end, file)
    local headers = {}
    for _, header in ipairs(FIXED) do headers[#headers + 1] = header end
    for g, group in ipairs(GROUPS) do
      for i = 1, most[g] do
        headers[#headers + 1] = group.column .. " " .. i
        headers[#headers + 1] = group.column .. " " .. i .. " type"
      end
    end
    for r = 1, #rows do
      rows[r], counts[r] = padded(rows[r], counts[r], most), nil
    end
    return { headers = headers, rows = rows }
  end,

  -- Only the rows `read` produced carry these headers.
  detect = function(headers)
    local ours = 0
    for _, header in ipairs(headers) do
      if header:match("^vCard ") then ours = ours + 1 end
    end
    if #headers == 0 then return 0, "no headers" end
    return ours / #headers, ours .. " of " .. #headers .. " headers come from this plugin's vCard reader"
  end,

  map = function(raw, ctx)
    local row, used = contacts.track(raw, ctx)
    for warning in (row["vCard warnings"] or ""):gmatch("[^\n]+") do ctx.warn(warning) end
    local name, last_name, juridical, company = contacts.names({
      first = row["vCard N given"], middle = row["vCard N middle"], last = row["vCard N family"],
      organization = row["vCard ORG"], full = row["vCard FN"],
    })
    local phones, phone_note = contacts.phones(numbered(row, ctx, "vCard TEL"))
    local email, email_note = contacts.primary_email(numbered(row, ctx, "vCard EMAIL"))
    local address, address_note = contacts.primary_email(numbered(row, ctx, "vCard ADR"))
    if address_note then address_note = address_note:gsub("^Other emails", "Other addresses") end
    local categories = contacts.present(row["vCard CATEGORIES"])
    local client = {
      name = name, last_name = last_name, juridical = juridical,
      phone = phones, email = email, address = address,
      notes = contacts.notes({ row["vCard NOTE"], company, phone_note, email_note, address_note,
                               categories and ("Categories: " .. categories) }),
    }
    local finished, why = contacts.finish(client, raw, used, ctx)
    if not finished then return clientimport.skip(why) end
    return finished
  end,
}
