-- Atelier Lumière's template: RemOnline's, with the custom field "Appareil" mandatory, more
-- headers accepted for the phone, and French phone numbers only.
local base = require("remonline.ruleset")
local rules = require("lib.rules")

-- rules.extend returns a new rule set: RemOnline's own stays as it is for everyone else.
---@type clientimport.RuleSet
local atelier = rules.extend(base, {
  name = "atelier",
  title = "Atelier Lumière (RemOnline template, stricter)",

  -- Added to RemOnline's catalogs; its other messages are kept.
  messages = {
    fr = {
      device_required = "est obligatoire : indiquez l'appareil du client",
      phone_not_french = "« {number} » n'est pas un numéro français (0X XX XX XX XX ou +33)",
    },
    en = {
      device_required = "is mandatory: name the client's device",
      phone_not_french = "\"{number}\" is not a French number (0X XX XX XX XX or +33)",
    },
  },

  -- Columns by key: only the fields given change.
  columns = {
    phone = {
      aliases = { "Phone", "Téléphone", "Portable", "Tél.", "Mobile" },
      validate = function(numbers, ctx)
        for _, digits in ipairs(numbers) do
          if not (digits:match("^0[1-9]%d%d%d%d%d%d%d%d$") or digits:match("^33[1-9]%d%d%d%d%d%d%d%d$")) then
            return false, "phone_not_french", { number = digits }
          end
        end
      end,
    },
  },

  validate_row = function(fields, ctx)
    if base.validate_row then base.validate_row(fields, ctx) end
    if not fields.custom["Appareil"] then ctx.error("Appareil", "device_required") end
  end,
})

-- The result is the atelier's own table: a field set on it replaces RemOnline's whole. Here the
-- template's example rows, with French numbers (`rules check` runs them through these rules).
atelier.example = {
  fr = { name = "Jean", last_name = "Dupont", phone = "06 12 34 56 78", email = "jean.dupont@example.fr", balance = "0" },
  en = { name = "John", last_name = "Smith", phone = "+33 6 12 34 56 78", email = "john.smith@example.com", balance = "0" },
}

return atelier
