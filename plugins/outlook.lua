-- Microsoft Outlook contacts CSV: Outlook (classic) > File > Open & Export > Import/Export >
-- Export to a file > Comma Separated Values > Contacts; Outlook.com / new Outlook > People >
-- Manage contacts > Export contacts. The 92-column layout (Title, First Name, Middle Name,
-- Last Name, …, Business Phone, Home Phone, Mobile Phone, …, E-mail Address, …, Notes, …, Web
-- Page) and the newer variant that writes "Business Country/Region" for "Business Country".
-- Layout: Microsoft's "Import contacts to Outlook" help links a sample CSV with these headers.
local contacts = require("lib.contacts")

local PHONES = {
  { "Mobile Phone", "Mobile" }, { "Primary Phone", "Primary" }, { "Business Phone", "Business" },
  { "Business Phone 2", "Business 2" }, { "Home Phone", "Home" }, { "Home Phone 2", "Home 2" },
  { "Company Main Phone", "Company" }, { "Other Phone", "Other" }, { "Car Phone", "Car" },
  { "Assistant's Phone", "Assistant" }, { "Callback", "Callback" }, { "Pager", "Pager" },
  { "Radio Phone", "Radio" }, { "ISDN", "ISDN" }, { "TTY/TDD Phone", "TTY/TDD" }, { "Telex", "Telex" },
  { "Business Fax", "Business fax" }, { "Home Fax", "Home fax" }, { "Other Fax", "Other fax" },
}

local RECOGNITION = {
  system = "Outlook contacts",
  layouts = {
    { name = "92 columns", headers = { "Title", "First Name", "Middle Name", "Last Name", "Suffix", "Company",
      "Department", "Job Title", "Business Street", "Business City", "Business Postal Code", "Business Country",
      "Home Street", "Home City", "Home Postal Code", "Home Country", "Business Phone", "Home Phone",
      "Mobile Phone", "Primary Phone", "E-mail Address", "E-mail 2 Address", "E-mail 3 Address", "Notes",
      "Categories", "Web Page" } },
    { name = "Country/Region", headers = { "Title", "First Name", "Middle Name", "Last Name", "Suffix", "Company",
      "Department", "Job Title", "Business Street", "Business City", "Business Postal Code",
      "Business Country/Region", "Home Street", "Home City", "Home Postal Code", "Home Country/Region",
      "Business Phone", "Home Phone", "Mobile Phone", "Primary Phone", "E-mail Address", "E-mail 2 Address",
      "E-mail 3 Address", "Notes", "Categories", "Web Page" } },
  },
  markers = { "E-mail Address", "E-mail Display Name", "Business Street", "Home Street" },
}

local function address(row, kind)
  return contacts.address({
    street = row[kind .. " Street"], street2 = row[kind .. " Street 2"], street3 = row[kind .. " Street 3"],
    po_box = row[kind .. " Address PO Box"], postal_code = row[kind .. " Postal Code"], city = row[kind .. " City"],
    region = row[kind .. " State"],
    country = contacts.value(row, { kind .. " Country/Region", kind .. " Country" }),
  })
end

return {
  name = "outlook",
  title = "Microsoft Outlook contacts (CSV)",

  detect = function(headers)
    return contacts.recognise(headers, RECOGNITION)
  end,

  map = function(raw, ctx)
    local row, used = contacts.track(raw)
    local name, last_name, juridical, company = contacts.names({
      first = row["First Name"], middle = row["Middle Name"], last = row["Last Name"],
      organization = row.Company,
    })
    local list = {}
    for _, phone in ipairs(PHONES) do list[#list + 1] = { value = row[phone[1]], label = phone[2] } end
    local phones, phone_note = contacts.phones(list)
    local email, email_note = contacts.primary_email({
      { value = row["E-mail Address"] }, { value = row["E-mail 2 Address"] }, { value = row["E-mail 3 Address"] },
    })
    local addresses = {}
    for _, kind in ipairs({ "Home", "Business", "Other" }) do
      addresses[#addresses + 1] = { value = address(row, kind), label = kind }
    end
    local home_first, address_note = contacts.primary_email(addresses)
    if address_note then address_note = address_note:gsub("^Other emails", "Other addresses") end
    local categories = contacts.present(row.Categories)
    local client = {
      name = name, last_name = last_name, juridical = juridical,
      phone = phones, email = email, address = home_first,
      notes = contacts.notes({ row.Notes, company, phone_note, email_note, address_note,
                               categories and ("Categories: " .. categories) }),
    }
    local finished, why = contacts.finish(client, raw, used, ctx)
    if not finished then return clientimport.skip(why) end
    return finished
  end,
}
