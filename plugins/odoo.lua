-- Odoo contacts: Contacts app > list view > select the records (or all) > Action > Export, CSV
-- or XLSX. Reads both export modes: the default one, whose headers are the fields' labels (Name,
-- Email, Phone, Mobile, Street, Street2, City, State, Zip, Country, Is a Company, Related
-- Company, Notes, Tags), and "I want to update data (import-compatible export)", whose headers
-- are the technical names (name, email, phone, mobile, street, street2, city, state_id, zip,
-- country_id, is_company, parent_id, comment, category_id). Layout: the res.partner model's
-- fields, as documented in Odoo's developer reference and the export dialog ("Export data").
local yesno = require("lib.yesno")
local contacts = require("lib.contacts")

local FIELDS = {
  name = { "Name", "name", "Display Name", "display_name" },
  company = { "Related Company", "parent_id", "Company Name", "company_name" },
  is_company = { "Is a Company", "is_company" },
  email = { "Email", "email" },
  phone = { "Phone", "phone" },
  mobile = { "Mobile", "mobile" },
  street = { "Street", "street" },
  street2 = { "Street2", "street2" },
  city = { "City", "city" },
  state = { "State", "state_id", "State/Name", "state_id/name" },
  zip = { "Zip", "zip" },
  country = { "Country", "country_id", "Country/Name", "country_id/name" },
  notes = { "Notes", "comment", "Internal Notes" },
  tags = { "Tags", "category_id", "Tags/Name" },
}

local RECOGNITION = {
  system = "Odoo contacts", language = "en",
  layouts = {
    { name = "labels", headers = { "Name", "Email", "Phone", "Mobile", "Street", "Street2", "City", "State", "Zip",
      "Country", "Is a Company", "Related Company", "Notes", "Tags" } },
    { name = "import-compatible", headers = { "name", "email", "phone", "mobile", "street", "street2", "city",
      "state_id", "zip", "country_id", "is_company", "parent_id", "comment", "category_id" } },
  },
  markers = { "Is a Company", "is_company", "Street2", "Related Company", "parent_id", "^[%w_]+/id$" },
}

return {
  name = "odoo",
  title = "Odoo contacts export",
  -- `map` is a function of its row (caches aside): batches may be mapped in two states at once.
  parallel = true,

  detect = function(headers)
    return contacts.recognise(headers, RECOGNITION)
  end,

  map = function(raw, ctx)
    local row, used = contacts.track(raw, ctx)
    local function get(field) return contacts.value(row, FIELDS[field]) end
    local company_flag = yesno.parse(get("is_company") or "")
    local full = get("name")
    local name, juridical, company_note = full or "", company_flag == true, nil
    local parent = get("company")
    if not juridical and parent then company_note = "Company: " .. parent end
    if not full and parent then name, juridical, company_note = parent, true, nil end
    local phones, phone_note = contacts.phones({ { value = get("phone"), label = "Phone" },
                                                 { value = get("mobile"), label = "Mobile" } })
    local tags = get("tags")
    local client = {
      name = name, juridical = juridical, phone = phones,
      email = get("email") or "",
      address = contacts.address({ street = get("street"), street2 = get("street2"), postal_code = get("zip"),
                                   city = get("city"), region = get("state"), country = get("country") }),
      notes = contacts.notes({ get("notes"), company_note, phone_note, tags and ("Tags: " .. tags) }),
    }
    local finished, why = contacts.finish(client, raw, used, ctx)
    if not finished then return clientimport.skip(why) end
    return finished
  end,
}
