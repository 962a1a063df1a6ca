-- QuickFix (an invented repair-shop till system): Customers > Export > "CSV (semicolons)".
-- One row a customer: Cust No, Full name ("Last, First"), Company, Mobile, Landline, E-mail (one
-- or more addresses), Street, Zip, Town, Owes ("12,50 €"), Blacklist (1/0), Remarks, Status
-- (active/deleted). The layout is the one of docs/examples/quickfix-export.csv.
local text = require("lib.text")
local contacts = require("lib.contacts")

local RECOGNITION = {
  system = "QuickFix",
  layouts = {
    { headers = { "Cust No", "Full name", "Company", "Mobile", "Landline", "E-mail", "Street", "Zip", "Town",
                  "Owes", "Blacklist", "Remarks", "Status" } },
  },
  markers = { "Cust No", "Owes" },
}

-- "Dupont, Jean" → "Jean", "Dupont"; a name without a comma is a first name.
local function split_name(full)
  local last, first = text.trim(full):match("^(.-),%s*(.+)$")
  if last then return first, last end
  return full, nil
end

---@type clientimport.Plugin
local plugin = {
  name = "quickfix",
  title = "QuickFix customers (CSV export)",

  detect = function(headers)
    return contacts.recognise(headers, RECOGNITION)
  end,

  map = function(row, ctx)
    if text.fold(row.Status) == "deleted" then
      return clientimport.skip("customer " .. row["Cust No"] .. " is deleted in QuickFix")
    end
    if not text.trim(row["Cust No"]):match("^%d+$") then
      return clientimport.reject("\"" .. row["Cust No"] .. "\" is not a QuickFix customer number: export the file again")
    end

    local first, last = split_name(row["Full name"])
    local name, last_name, juridical, company_note = contacts.names({
      first = first, last = last, organization = row.Company,
    })

    local phones = {}
    for _, header in ipairs({ "Mobile", "Landline" }) do
      local number = contacts.present(row[header])
      if number then phones[#phones + 1] = number end
    end

    local emails = text.split(row["E-mail"], ",;")
    local other_emails
    if #emails > 1 then
      other_emails = "Other emails: " .. table.concat(emails, ", ", 2)
      ctx.warn("kept " .. emails[1] .. " as the email; the others are in Notes")
    end

    return {
      name = name,
      last_name = last_name,
      juridical = juridical,
      phone = phones,
      email = emails[1] or "",
      address = contacts.address({ street = row.Street, postal_code = row.Zip, city = row.Town }),
      balance = (row.Owes:gsub("€", "")),
      conflicted = row.Blacklist == "1",
      notes = contacts.notes({ row.Remarks, company_note, other_emails, "QuickFix customer " .. row["Cust No"] }),
    }
  end,
}

return plugin
