-- LiveSklad (livesklad.com) clients: Клиенты > Экспорт (Excel/CSV; Russian versions of Excel
-- save CSV as Windows-1251 with ";"). Neither the export layout nor the API's client fields are
-- documented publicly (the API documentation is given to customers on request), so the headers
-- here follow the client card's field labels — Тип клиента, ФИО, Организация, Телефон,
-- Доп. телефон, E-mail, Адрес, Источник, Скидка, Баланс, Комментарий — and are unverified
-- against a real export: check `clientimport import --dry-run` on yours first.
local text = require("lib.text")
local contacts = require("lib.contacts")

local FIELDS = {
  kind = { "Тип клиента", "Тип" },
  full = { "ФИО", "Имя клиента", "Клиент" },
  organization = { "Организация", "Название организации", "Компания" },
  phone = { "Телефон", "Основной телефон" },
  phone2 = { "Доп. телефон", "Дополнительный телефон", "Телефон 2" },
  email = { "E-mail", "Email", "Эл. почта" },
  address = { "Адрес" },
  source = { "Источник", "Рекламный источник" },
  discount = { "Скидка", "Скидка, %" },
  balance = { "Баланс" },
  notes = { "Комментарий", "Примечание" },
}

local RECOGNITION = {
  system = "LiveSklad clients", language = "ru",
  layouts = {
    { headers = { "ID", "Тип клиента", "ФИО", "Организация", "Телефон", "Доп. телефон", "E-mail", "Адрес",
      "Источник", "Скидка, %", "Баланс", "Комментарий", "Дата создания" } },
  },
  markers = { "ФИО", "Тип клиента", "Доп. телефон" },
}

-- "Иванов Иван Иванович" → name "Иван Иванович", last name "Иванов" (the Russian order).
local function split_full_name(full)
  local words = {}
  for word in (full or ""):gmatch("%S+") do words[#words + 1] = word end
  if #words < 2 then return full or "", "" end
  return table.concat(words, " ", 2), words[1]
end

return {
  name = "livesklad",
  title = "LiveSklad clients (unverified layout)",
  -- `map` is a function of its row (caches aside): batches may be mapped in two states at once.
  parallel = true,

  detect = function(headers)
    return contacts.recognise(headers, RECOGNITION)
  end,

  map = function(raw, ctx)
    local row, used = contacts.track(raw, ctx)
    local function get(field) return contacts.value(row, FIELDS[field]) end
    local kind = text.fold(get("kind") or "")
    local organization = get("organization")
    local juridical = kind:find("юр", 1, true) ~= nil or kind:find("организ", 1, true) ~= nil
      or kind:find("Юр", 1, true) ~= nil
    local name, last_name = split_full_name(get("full"))
    local company_note
    if juridical and organization then
      name, last_name = organization, ""
      local contact = get("full")
      company_note = contact and ("Contact: " .. contact)
    elseif name == "" and organization then
      name, juridical = organization, true
    elseif organization then
      company_note = "Company: " .. organization
    end
    local phones = contacts.phones({ { value = get("phone") }, { value = get("phone2") } })
    local source = get("source")
    local discount = get("discount")
    local client = {
      name = name, last_name = last_name, juridical = juridical, phone = phones,
      email = get("email") or "", address = get("address") or "",
      notes = contacts.notes({ get("notes"), company_note, source and ("Source: " .. source) }),
    }
    if discount then -- one discount for everything: RemOnline's three discounts get it
      client.discount_goods, client.discount_services, client.discount_materials = discount, discount, discount
    end
    local balance = get("balance")
    if balance then client.balance = balance end
    local finished, why = contacts.finish(client, raw, used, ctx)
    if not finished then return clientimport.skip(why) end
    return finished
  end,
}
