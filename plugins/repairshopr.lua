-- RepairShopr / Syncro customers: Customers > (list) > Export to CSV, or a dump of the REST
-- API's GET /customers. No export layout is documented publicly, so this plugin reads the public
-- API's customer field names (RepairShopr API v1 docs, api-docs.repairshopr.com: firstname,
-- lastname, business_name, email, phone, mobile, address, address_2, city, state, zip, notes,
-- referred_by, get_sms, opt_out, no_email, …) and their title-case forms (First Name,
-- Business Name, Address 2, …) that spreadsheet exports tend to use.
local contacts = require("lib.contacts")

local FIELDS = {
  first = { "firstname", "First Name", "First name" },
  last = { "lastname", "Last Name", "Last name" },
  business = { "business_name", "Business Name", "Business name" },
  full = { "fullname", "Full Name", "Name" },
  email = { "email", "Email" },
  phone = { "phone", "Phone" },
  mobile = { "mobile", "Mobile" },
  address = { "address", "Address" },
  address_2 = { "address_2", "Address 2", "Address2" },
  city = { "city", "City" },
  state = { "state", "State" },
  zip = { "zip", "Zip" },
  notes = { "notes", "Notes" },
  referred_by = { "referred_by", "Referred By" },
  cc_emails = { "cc_emails", "CC Emails" },
}

local RECOGNITION = {
  system = "RepairShopr/Syncro customers", language = "en",
  layouts = {
    { name = "API fields", headers = { "id", "firstname", "lastname", "fullname", "business_name", "email", "phone",
      "mobile", "address", "address_2", "city", "state", "zip", "notes", "referred_by", "get_sms", "opt_out",
      "no_email", "created_at", "updated_at" } },
    { name = "title case", headers = { "Customer ID", "First Name", "Last Name", "Business Name", "Email", "Phone",
      "Mobile", "Address", "Address 2", "City", "State", "Zip", "Notes", "Referred By", "Get SMS", "Opt Out" } },
  },
  -- "Referred By" alone is no marker: Outlook's layout has it too.
  markers = { "business_name", "Business Name", "firstname", "address_2", "get_sms", "Get SMS", "referred_by",
              "no_email" },
}

return {
  name = "repairshopr",
  title = "RepairShopr / Syncro customers",
  -- `map` is a function of its row (caches aside): batches may be mapped in two states at once.
  parallel = true,

  detect = function(headers)
    return contacts.recognise(headers, RECOGNITION)
  end,

  map = function(raw, ctx)
    local row, used = contacts.track(raw, ctx)
    local function get(field) return contacts.value(row, FIELDS[field]) end
    local name, last_name, juridical, company = contacts.names({
      first = get("first"), last = get("last"), organization = get("business"), full = get("full"),
    })
    local phones, phone_note = contacts.phones({ { value = get("mobile"), label = "Mobile" },
                                                 { value = get("phone"), label = "Phone" } })
    local cc = get("cc_emails")
    local referred = get("referred_by")
    local client = {
      name = name, last_name = last_name, juridical = juridical, phone = phones,
      email = get("email") or "",
      address = contacts.address({ street = get("address"), street2 = get("address_2"), city = get("city"),
                                   region = get("state"), postal_code = get("zip") }),
      notes = contacts.notes({ get("notes"), company, phone_note, cc and ("CC emails: " .. cc),
                               referred and ("Referred by: " .. referred) }),
    }
    local finished, why = contacts.finish(client, raw, used, ctx)
    if not finished then return clientimport.skip(why) end
    return finished
  end,
}
