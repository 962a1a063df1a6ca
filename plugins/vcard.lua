-- vCard files (.vcf, one or many cards): what phones and address books export — Android
-- Contacts > Settings > Export (.vcf), iPhone/iCloud Contacts > Export vCard, Google Contacts >
-- Export > vCard, Outlook > Save as vCard. Versions 2.1 (versit's vCard 2.1 specification),
-- 3.0 (RFC 2426) and 4.0 (RFC 6350); parsing is in rules/lib/vcard.lua. The core does not read
-- vCard: `read` turns each card into a row of "vCard …" columns, which `map` then maps.
local text = require("lib.text")
local vcard = require("lib.vcard")
local contacts = require("lib.contacts")

local FIXED = { "vCard FN", "vCard N family", "vCard N given", "vCard N middle", "vCard ORG", "vCard NOTE", "vCard CATEGORIES" }
local GROUPS = { { property = "TEL", column = "vCard TEL" }, { property = "EMAIL", column = "vCard EMAIL" },
                 { property = "ADR", column = "vCard ADR" } }

local function value_of(card, name)
  local property = vcard.first(card, name)
  return property and text.trim(vcard.text(property)) or ""
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
  local row = {
    value_of(card, "FN"), text.trim(parts[1]), text.trim(parts[2]), text.trim(parts[3]),
    org and contacts.join(vcard.components(org), ", ") or "", value_of(card, "NOTE"), value_of(card, "CATEGORIES"),
  }
  local counts = {}
  for g, group in ipairs(GROUPS) do
    local list = vcard.all(card, group.property)
    counts[g] = #list
    for _, property in ipairs(list) do
      local label, preferred = vcard.label(card, property)
      local value = group.property == "ADR" and address_of(property)
        or text.trim(vcard.text(property)):gsub("^tel:", ""):gsub("^mailto:", "")
      row[#row + 1] = value
      row[#row + 1] = (preferred and "* " or "") .. (label or "")
    end
  end
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
  extensions = { "vcf", "vcard" },

  read = function(source)
    -- Card by card: each card's properties are garbage once its row is made.
    local rows, counts, most = {}, {}, { 0, 0, 0 }
    vcard.each(source, function(card)
      local row, count = card_row(card)
      rows[#rows + 1], counts[#counts + 1] = row, count
      for g = 1, #GROUPS do
        if count[g] > most[g] then most[g] = count[g] end
      end
    end)
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
    local row, used = contacts.track(raw)
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
