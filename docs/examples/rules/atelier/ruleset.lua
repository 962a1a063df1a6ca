-- Atelier Lumière's template: RemOnline's, with the custom field "Appareil" mandatory, more
-- headers accepted for the phone, and French phone numbers only.
local base = require("remonline.ruleset")

-- A copy, so RemOnline's own rule set is left as it is.
local function copy(t)
  local result = {}
  for key, value in pairs(t) do result[key] = value end
  return result
end

---@type clientimport.RuleSet
local rules = copy(base)
rules.name = "atelier"
rules.title = "Atelier Lumière (RemOnline template, stricter)"

rules.messages = {}
for language, catalog in pairs(base.messages) do rules.messages[language] = copy(catalog) end
rules.messages.fr.device_required = "est obligatoire : indiquez l'appareil du client"
rules.messages.en.device_required = "is mandatory: name the client's device"
rules.messages.fr.phone_not_french = "« {number} » n'est pas un numéro français (0X XX XX XX XX ou +33)"
rules.messages.en.phone_not_french = "\"{number}\" is not a French number (0X XX XX XX XX or +33)"

rules.columns = {}
for i, column in ipairs(base.columns) do
  rules.columns[i] = copy(column)
  if column.key == "phone" then
    local phone = rules.columns[i]
    phone.aliases = { "Phone", "Téléphone", "Portable", "Tél.", "Mobile" }
    phone.validate = function(numbers, ctx)
      for _, digits in ipairs(numbers) do
        if not (digits:match("^0[1-9]%d%d%d%d%d%d%d%d$") or digits:match("^33[1-9]%d%d%d%d%d%d%d%d$")) then
          return false, "phone_not_french", { number = digits }
        end
      end
    end
  end
end

-- The template's example row, with French numbers (`rules check` runs it through these rules).
rules.example = {
  fr = { name = "Jean", last_name = "Dupont", phone = "06 12 34 56 78", email = "jean.dupont@example.fr", balance = "0" },
  en = { name = "John", last_name = "Smith", phone = "+33 6 12 34 56 78", email = "john.smith@example.com", balance = "0" },
}

rules.validate_row = function(fields, ctx)
  if base.validate_row then base.validate_row(fields, ctx) end
  if not fields.custom["Appareil"] then ctx.error("Appareil", "device_required") end
end

return rules
