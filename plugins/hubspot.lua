-- HubSpot contacts: CRM > Contacts > Export (All properties or the view's columns), CSV or XLSX.
-- The headers are the contact properties' labels (Record ID, First Name, Last Name, Email,
-- Phone Number, Mobile Phone Number, Company Name, Street Address, City, State/Region,
-- Postal Code, Country/Region, Contact owner, Lifecycle Stage, …); HubSpot documents the
-- default contact properties in its knowledge base ("HubSpot's default contact properties").
-- Older exports name the first column "Contact ID".
local text = require("lib.text")
local contacts = require("lib.contacts")

local RECOGNITION = {
  system = "HubSpot contacts", language = "en",
  layouts = {
    { headers = { "Record ID", "First Name", "Last Name", "Email", "Phone Number", "Mobile Phone Number",
      "Company Name", "Street Address", "City", "State/Region", "Postal Code", "Country/Region",
      "Contact owner", "Lifecycle Stage", "Create Date", "Lead Status" } },
  },
  markers = { "Record ID", "Contact ID", "Lifecycle Stage", "Contact owner", "Mobile Phone Number" },
}

return {
  name = "hubspot",
  title = "HubSpot contacts export",
  -- `map` is a function of its row (caches aside): batches may be mapped in two states at once.
  parallel = true,

  detect = function(headers)
    return contacts.recognise(headers, RECOGNITION)
  end,

  map = function(raw, ctx)
    local row, used = contacts.track(raw, ctx)
    local name, last_name, juridical, company = contacts.names({
      first = row["First Name"], last = row["Last Name"], organization = row["Company Name"],
    })
    local phones, phone_note = contacts.phones({
      { value = row["Phone Number"], label = "Phone" }, { value = row["Mobile Phone Number"], label = "Mobile" },
      { value = row["Fax Number"], label = "Fax" },
    })
    local emails = { { value = row.Email } }
    for _, other in ipairs(text.split(row["Additional email addresses"] or "", ";,")) do
      emails[#emails + 1] = { value = other }
    end
    local email, email_note = contacts.primary_email(emails)
    local client = {
      name = name, last_name = last_name, juridical = juridical,
      phone = phones, email = email,
      address = contacts.address({ street = row["Street Address"], city = row.City, region = row["State/Region"],
                                   postal_code = row["Postal Code"], country = row["Country/Region"] }),
      notes = contacts.notes({ row.Notes, company, phone_note, email_note }),
    }
    local finished, why = contacts.finish(client, raw, used, ctx)
    if not finished then return clientimport.skip(why) end
    return finished
  end,
}
