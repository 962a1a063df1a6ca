-- RemOnline / Orderry clients exported in a language the template does not know, or in the
-- newer person/organization layout: RemOnline (Orderry) > Clients > ⋯ > Export to Excel. In the
-- newer layout "First name" is mandatory and "Name" holds the organization. RemOnline's help
-- ("Import clients", "Export clients") documents the fr/en/ru/uk template, which the template
-- path reads directly; the Spanish, Portuguese, Polish and German headers and the newer layout
-- here follow RemOnline's interface translations and are unverified against real exports.
-- An English file in the newer layout looks like the template, so `--plugin auto` reports its
-- header problems instead; choose this plugin for it with `--plugin remonline-orderry`.
local text = require("lib.text")
local contacts = require("lib.contacts")

local KEYS = { "id", "first", "last", "organization", "phone", "address", "email", "juridical", "supplier",
               "conflicted", "notes", "marketing_source", "discount_card", "balance" }

local LAYOUTS = {
  en = { "Client ID", "First name", "Last name", "Name", "Phone number", "Address", "Email", "Company",
         "Supplier", "Conflicted", "Notes", "Marketing source", "Discount card", "Balance" },
  es = { "ID de cliente", "Nombre", "Apellido", "Organización", "Teléfono", "Dirección", "Email",
         "Persona jurídica", "Proveedor", "Conflictivo", "Notas", "Fuente de publicidad", "Tarjeta de descuento",
         "Saldo" },
  pt = { "ID do cliente", "Nome", "Sobrenome", "Organização", "Telefone", "Endereço", "Email", "Pessoa jurídica",
         "Fornecedor", "Conflituoso", "Notas", "Fonte de publicidade", "Cartão de desconto", "Saldo" },
  pl = { "ID klienta", "Imię", "Nazwisko", "Organizacja", "Telefon", "Adres", "Email", "Firma", "Dostawca",
         "Konfliktowy", "Notatki", "Źródło reklamy", "Karta rabatowa", "Saldo" },
  de = { "Kunden-ID", "Vorname", "Nachname", "Organisation", "Telefon", "Adresse", "E-Mail", "Firma",
         "Lieferant", "Konfliktreich", "Notizen", "Werbequelle", "Rabattkarte", "Saldo" },
}
local ORDER = { "en", "es", "pt", "pl", "de" }

local RECOGNITION = { system = "RemOnline/Orderry export", layouts = {}, markers = {} }
for _, language in ipairs(ORDER) do
  local headers = LAYOUTS[language]
  RECOGNITION.layouts[#RECOGNITION.layouts + 1] = { name = language, language = language, headers = headers }
  RECOGNITION.markers[#RECOGNITION.markers + 1] = headers[10] -- "Conflicted": RemOnline's own word
  RECOGNITION.markers[#RECOGNITION.markers + 1] = headers[13] -- "Discount card"
end

local YES = { yes = true, y = true, ["sí"] = true, si = true, sim = true, tak = true, ja = true, oui = true,
              ["1"] = true, ["true"] = true, x = true, ["да"] = true, ["так"] = true }

-- The language whose headers the file holds most of.
local function language_of(headers)
  local present = {}
  for _, header in ipairs(headers) do present[text.fold(header)] = true end
  local best, best_hits = "en", -1
  for _, language in ipairs(ORDER) do
    local hits = 0
    for _, header in ipairs(LAYOUTS[language]) do
      if present[text.fold(header)] then hits = hits + 1 end
    end
    if hits > best_hits then best, best_hits = language, hits end
  end
  return best
end

return {
  name = "remonline-orderry",
  title = "RemOnline/Orderry export (other languages, person/organization layout)",
  -- `map` is a function of its row (caches aside): batches may be mapped in two states at once.
  parallel = true,

  detect = function(headers)
    return contacts.recognise(headers, RECOGNITION)
  end,

  map = function(raw, ctx)
    local row, used = contacts.track(raw, ctx)
    local layout = LAYOUTS[language_of(ctx.headers)]
    local values = {}
    for i, key in ipairs(KEYS) do values[key] = contacts.present(row[layout[i]]) end
    local function yes(key) return values[key] ~= nil and YES[text.fold(values[key])] == true end

    local juridical = yes("juridical")
    local person = contacts.join({ values.first, values.last }, " ")
    local name, last_name, note = values.first or "", values.last or "", nil
    if values.organization and (juridical or not values.first) then
      name, last_name, juridical = values.organization, "", true
      if person ~= "" then note = "Contact: " .. person end
    elseif values.organization then
      note = "Company: " .. values.organization
    end
    local source = values.marketing_source
    local client = {
      name = name, last_name = last_name, juridical = juridical, supplier = yes("supplier"),
      conflicted = yes("conflicted"),
      phone = contacts.phones({ { value = values.phone } }),
      email = values.email or "", address = values.address or "",
      discount_card = values.discount_card or "",
      notes = contacts.notes({ values.notes, note, source and ("Marketing source: " .. source) }),
    }
    if values.balance then client.balance = values.balance end
    local finished, why = contacts.finish(client, raw, used, ctx)
    if not finished then return clientimport.skip(why) end
    return finished
  end,
}
