-- Microsoft Outlook contacts CSV: Outlook (classic) > File > Open & Export > Import/Export >
-- Export to a file > Comma Separated Values > Contacts; Outlook.com / new Outlook > People >
-- Manage contacts > Export contacts. The 92-column layout (Title, First Name, Middle Name,
-- Last Name, …, Business Phone, Home Phone, Mobile Phone, …, E-mail Address, …, Notes, …, Web
-- Page) and the newer variant that writes "Business Country/Region" for "Business Country".
-- Layout: Microsoft's "Import contacts to Outlook" help links a sample CSV with these headers.
local contacts = require("lib.contacts")
local text = require("lib.text")

local PHONES = {
  { "Mobile Phone", "Mobile" }, { "Primary Phone", "Primary" }, { "Business Phone", "Business" },
  { "Business Phone 2", "Business 2" }, { "Home Phone", "Home" }, { "Home Phone 2", "Home 2" },
  { "Company Main Phone", "Company" }, { "Other Phone", "Other" }, { "Car Phone", "Car" },
  { "Assistant's Phone", "Assistant" }, { "Callback", "Callback" }, { "Pager", "Pager" },
  { "Radio Phone", "Radio" }, { "ISDN", "ISDN" }, { "TTY/TDD Phone", "TTY/TDD" }, { "Telex", "Telex" },
  { "Business Fax", "Business fax" }, { "Home Fax", "Home fax" }, { "Other Fax", "Other fax" },
}

-- What a localized Outlook writes for the English headers this plugin reads (Outlook names
-- the columns in the language of its interface). German, French and Russian as those Outlooks
-- export them; Ukrainian from the Ukrainian interface's field names (no export seen: report a
-- header that differs). A header with no entry is the English one.
local LOCALIZED = {
  de = {
    ["Title"] = "Anrede", ["First Name"] = "Vorname", ["Middle Name"] = "Weitere Vornamen", ["Last Name"] = "Nachname",
    ["Suffix"] = "Suffix", ["Company"] = "Firma", ["Department"] = "Abteilung", ["Job Title"] = "Position",
    ["Business Street"] = "Straße geschäftlich", ["Business Street 2"] = "Straße geschäftlich 2",
    ["Business Street 3"] = "Straße geschäftlich 3", ["Business City"] = "Ort geschäftlich",
    ["Business State"] = "Region geschäftlich", ["Business Postal Code"] = "Postleitzahl geschäftlich",
    ["Business Country/Region"] = "Land/Region geschäftlich", ["Business Address PO Box"] = "Postfach geschäftlich",
    ["Home Street"] = "Straße privat", ["Home Street 2"] = "Straße privat 2", ["Home Street 3"] = "Straße privat 3",
    ["Home City"] = "Ort privat", ["Home State"] = "Bundesland/Kanton privat", ["Home Postal Code"] = "Postleitzahl privat",
    ["Home Country/Region"] = "Land/Region privat", ["Home Address PO Box"] = "Postfach privat",
    ["Other Street"] = "Weitere Straße", ["Other Street 2"] = "Weitere Straße 2", ["Other Street 3"] = "Weitere Straße 3",
    ["Other City"] = "Weiterer Ort", ["Other State"] = "Weiteres/r Bundesland/Kanton", ["Other Postal Code"] = "Weitere Postleitzahl",
    ["Other Country/Region"] = "Weiteres/e Land/Region", ["Other Address PO Box"] = "Weiteres Postfach",
    ["Business Phone"] = "Telefon geschäftlich", ["Business Phone 2"] = "Telefon geschäftlich 2", ["Home Phone"] = "Telefon privat",
    ["Home Phone 2"] = "Telefon privat 2", ["Mobile Phone"] = "Mobiltelefon", ["Primary Phone"] = "Haupttelefon",
    ["Company Main Phone"] = "Telefon Firma", ["Other Phone"] = "Weiteres Telefon", ["Car Phone"] = "Autotelefon",
    ["Assistant's Phone"] = "Telefon Assistent", ["Callback"] = "Rückmeldung", ["TTY/TDD Phone"] = "Telefon für Hörbehinderte",
    ["Business Fax"] = "Fax geschäftlich", ["Home Fax"] = "Fax privat", ["Other Fax"] = "Weiteres Fax",
    ["E-mail Address"] = "E-Mail-Adresse", ["E-mail 2 Address"] = "E-Mail 2: Adresse", ["E-mail 3 Address"] = "E-Mail 3: Adresse",
    ["E-mail Display Name"] = "E-Mail: Angezeigter Name", ["Notes"] = "Notizen", ["Categories"] = "Kategorien", ["Web Page"] = "Webseite",
  },
  fr = {
    ["Title"] = "Titre", ["First Name"] = "Prénom", ["Middle Name"] = "Deuxième prénom", ["Last Name"] = "Nom",
    ["Suffix"] = "Suffixe", ["Company"] = "Société", ["Department"] = "Service", ["Job Title"] = "Titre",
    ["Business Street"] = "Rue (bureau)", ["Business Street 2"] = "Rue (bureau) 2", ["Business Street 3"] = "Rue (bureau) 3",
    ["Business City"] = "Ville (bureau)", ["Business State"] = "Dép/Région (bureau)", ["Business Postal Code"] = "Code postal (bureau)",
    ["Business Country/Region"] = "Pays/Région (bureau)", ["Business Country"] = "Pays (bureau)",
    ["Business Address PO Box"] = "B.P. professionnelle",
    ["Home Street"] = "Rue (domicile)", ["Home Street 2"] = "Rue (domicile) 2", ["Home Street 3"] = "Rue (domicile) 3",
    ["Home City"] = "Ville (domicile)", ["Home State"] = "Dép/Région (domicile)", ["Home Postal Code"] = "Code postal (domicile)",
    ["Home Country/Region"] = "Pays/Région (domicile)", ["Home Country"] = "Pays (domicile)", ["Home Address PO Box"] = "B.P. domicile",
    ["Other Street"] = "Rue (autre)", ["Other Street 2"] = "Rue (autre) 2", ["Other Street 3"] = "Rue (autre) 3",
    ["Other City"] = "Ville (autre)", ["Other State"] = "Dép/Région (autre)", ["Other Postal Code"] = "Code postal (autre)",
    ["Other Country/Region"] = "Pays/Région (autre)", ["Other Country"] = "Pays (autre)",
    ["Assistant's Phone"] = "Téléphone de l'assistant(e)", ["Business Fax"] = "Télécopie (bureau)",
    ["Business Phone"] = "Téléphone (bureau)", ["Business Phone 2"] = "Téléphone 2 (bureau)", ["Callback"] = "Rappel",
    ["Car Phone"] = "Téléphone (voiture)", ["Company Main Phone"] = "Téléphone société", ["Home Fax"] = "Télécopie (domicile)",
    ["Home Phone"] = "Téléphone (domicile)", ["Home Phone 2"] = "Téléphone 2 (domicile)", ["ISDN"] = "RNIS",
    ["Mobile Phone"] = "Tél. mobile", ["Other Fax"] = "Télécopie (autre)", ["Other Phone"] = "Téléphone (autre)",
    ["Pager"] = "Récepteur de radiomessagerie", ["Primary Phone"] = "Téléphone principal",
    ["E-mail Address"] = "Adresse de messagerie", ["E-mail 2 Address"] = "Adresse de messagerie 2",
    ["E-mail 3 Address"] = "Adresse de messagerie 3", ["Notes"] = "Notes", ["Categories"] = "Catégories", ["Web Page"] = "Page Web",
  },
  ru = {
    ["Title"] = "Обращение", ["First Name"] = "Имя", ["Middle Name"] = "Отчество", ["Last Name"] = "Фамилия",
    ["Suffix"] = "Суффикс", ["Company"] = "Организация", ["Department"] = "Отдел", ["Job Title"] = "Должность",
    ["Business Street"] = "Улица (раб. адрес)", ["Business Street 2"] = "Улица 2 (раб. адрес)", ["Business Street 3"] = "Улица 3 (раб. адрес)",
    ["Business City"] = "Город (раб. адрес)", ["Business State"] = "Область (раб. адрес)", ["Business Postal Code"] = "Индекс (раб. адрес)",
    ["Business Country/Region"] = "Страна или регион (раб. адрес)", ["Business Address PO Box"] = "Почтовый ящик (раб. адрес)",
    ["Home Street"] = "Улица (дом. адрес)", ["Home Street 2"] = "Улица 2 (дом. адрес)", ["Home Street 3"] = "Улица 3 (дом. адрес)",
    ["Home City"] = "Город (дом. адрес)", ["Home State"] = "Область (дом. адрес)", ["Home Postal Code"] = "Почтовый код (дом.)",
    ["Home Country/Region"] = "Страна или регион (дом. адрес)", ["Home Address PO Box"] = "Почтовый ящик (дом. адрес)",
    ["Other Street"] = "Улица (другой адрес)", ["Other Street 2"] = "Улица 2 (другой адрес)", ["Other Street 3"] = "Улица 3 (другой адрес)",
    ["Other City"] = "Город (другой адрес)", ["Other State"] = "Область (другой адрес)", ["Other Postal Code"] = "Индекс (другой адрес)",
    ["Other Country/Region"] = "Страна или регион (другой адрес)", ["Other Address PO Box"] = "Почтовый ящик (другой адрес)",
    ["Assistant's Phone"] = "Телефон помощника", ["Business Fax"] = "Рабочий факс", ["Business Phone"] = "Рабочий телефон",
    ["Business Phone 2"] = "Телефон раб. 2", ["Callback"] = "Обратный вызов", ["Car Phone"] = "Телефон в машине",
    ["Company Main Phone"] = "Основной телефон организации", ["Home Fax"] = "Домашний факс", ["Home Phone"] = "Домашний телефон",
    ["Home Phone 2"] = "Телефон дом. 2", ["Mobile Phone"] = "Телефон переносной", ["Other Fax"] = "Другой факс",
    ["Other Phone"] = "Другой телефон", ["Pager"] = "Пейджер", ["Primary Phone"] = "Основной телефон",
    ["Radio Phone"] = "Радиотелефон", ["TTY/TDD Phone"] = "Телетайп/телефон с титрами", ["Telex"] = "Телекс",
    ["E-mail Address"] = "Адрес эл. почты", ["E-mail 2 Address"] = "Адрес 2 эл. почты", ["E-mail 3 Address"] = "Адрес 3 эл. почты",
    ["E-mail Display Name"] = "Краткое имя эл. почты", ["Notes"] = "Заметки", ["Categories"] = "Категории", ["Web Page"] = "Веб-страница",
  },
  uk = {
    ["Title"] = "Звертання", ["First Name"] = "Ім'я", ["Middle Name"] = "По батькові", ["Last Name"] = "Прізвище",
    ["Suffix"] = "Суфікс", ["Company"] = "Організація", ["Department"] = "Відділ", ["Job Title"] = "Посада",
    ["Business Street"] = "Вулиця (робоча адреса)", ["Business City"] = "Місто (робоча адреса)",
    ["Business State"] = "Область (робоча адреса)", ["Business Postal Code"] = "Поштовий індекс (робоча адреса)",
    ["Business Country/Region"] = "Країна або регіон (робоча адреса)",
    ["Home Street"] = "Вулиця (домашня адреса)", ["Home City"] = "Місто (домашня адреса)",
    ["Home State"] = "Область (домашня адреса)", ["Home Postal Code"] = "Поштовий індекс (домашня адреса)",
    ["Home Country/Region"] = "Країна або регіон (домашня адреса)",
    ["Business Phone"] = "Робочий телефон", ["Business Phone 2"] = "Робочий телефон 2", ["Home Phone"] = "Домашній телефон",
    ["Home Phone 2"] = "Домашній телефон 2", ["Mobile Phone"] = "Мобільний телефон", ["Primary Phone"] = "Основний телефон",
    ["Company Main Phone"] = "Основний телефон організації", ["Other Phone"] = "Інший телефон",
    ["Business Fax"] = "Робочий факс", ["Home Fax"] = "Домашній факс", ["Other Fax"] = "Інший факс", ["Pager"] = "Пейджер",
    ["E-mail Address"] = "Адреса електронної пошти", ["E-mail 2 Address"] = "Адреса електронної пошти 2",
    ["E-mail 3 Address"] = "Адреса електронної пошти 3", ["Notes"] = "Примітки", ["Categories"] = "Категорії",
    ["Web Page"] = "Веб-сторінка",
  },
}

local ENGLISH_LAYOUT = { "Title", "First Name", "Middle Name", "Last Name", "Suffix", "Company",
  "Department", "Job Title", "Business Street", "Business City", "Business Postal Code", "Business Country/Region",
  "Home Street", "Home City", "Home Postal Code", "Home Country/Region", "Business Phone", "Home Phone",
  "Mobile Phone", "Primary Phone", "E-mail Address", "E-mail 2 Address", "E-mail 3 Address", "Notes",
  "Categories", "Web Page" }

-- A header in `language` ("en" or a key of LOCALIZED).
local function localized(language, english)
  return language ~= "en" and LOCALIZED[language][english] or english
end

local RECOGNITIONS = { en = {
  system = "Outlook contacts", language = "en",
  layouts = {
    { name = "92 columns", headers = { "Title", "First Name", "Middle Name", "Last Name", "Suffix", "Company",
      "Department", "Job Title", "Business Street", "Business City", "Business Postal Code", "Business Country",
      "Home Street", "Home City", "Home Postal Code", "Home Country", "Business Phone", "Home Phone",
      "Mobile Phone", "Primary Phone", "E-mail Address", "E-mail 2 Address", "E-mail 3 Address", "Notes",
      "Categories", "Web Page" } },
    { name = "Country/Region", headers = ENGLISH_LAYOUT },
  },
  markers = { "E-mail Address", "E-mail Display Name", "Business Street", "Home Street" },
} }
local NAMES = { de = "German", fr = "French", ru = "Russian", uk = "Ukrainian" }
for language, name in pairs(NAMES) do
  local headers = {}
  for i, english in ipairs(ENGLISH_LAYOUT) do headers[i] = localized(language, english) end
  local markers = {}
  for _, english in ipairs({ "E-mail Address", "E-mail Display Name", "Business Street", "Home Street" }) do
    if LOCALIZED[language][english] then markers[#markers + 1] = LOCALIZED[language][english] end
  end
  RECOGNITIONS[language] = { system = "Outlook contacts", language = language, layouts = { { name = name, headers = headers } }, markers = markers }
end
local LANGUAGES = { "en", "de", "fr", "ru", "uk" }

-- The language of an export's headers: the one whose layout they match best.
local function recognise(headers)
  local best, best_reason, best_language = -1, "", "en"
  for _, language in ipairs(LANGUAGES) do
    local score, reason = contacts.recognise(headers, RECOGNITIONS[language])
    if score > best then best, best_reason, best_language = score, reason, language end
  end
  return best, best_reason, best_language
end

-- A header as matched: folded, with the typographic apostrophes of "Ім’я" as "'".
local function key(header)
  return (text.fold(header):gsub("\u{2019}", "'"):gsub("\u{02BC}", "'"))
end

-- The language of the headers of the import under way and each header by its key, worked out
-- once per header row.
local seen = setmetatable({}, { __mode = "k" })
local function layout_of(headers)
  local layout = seen[headers]
  if not layout then
    local _, _, language = recognise(headers)
    layout = { language = language, by_key = {} }
    for _, header in ipairs(headers) do layout.by_key[key(header)] = layout.by_key[key(header)] or header end
    seen[headers] = layout
  end
  return layout
end

return {
  name = "outlook",
  title = "Microsoft Outlook contacts (CSV)",
  -- `map` is a function of its row (caches aside): batches may be mapped in two states at once.
  parallel = true,

  -- The third result, the headers' language, sets the language of the import's messages.
  detect = function(headers)
    return recognise(headers)
  end,

  map = function(raw, ctx)
    local tracked, used = contacts.track(raw, ctx)
    local layout = layout_of(ctx.headers)
    -- The row by English header, whatever the language of the export's.
    local row = setmetatable({}, { __index = function(_, english)
      local header = layout.by_key[key(localized(layout.language, english))]
      return header and tracked[header] or nil
    end })
    local function address(kind)
      return contacts.address({
        street = row[kind .. " Street"], street2 = row[kind .. " Street 2"], street3 = row[kind .. " Street 3"],
        po_box = row[kind .. " Address PO Box"], postal_code = row[kind .. " Postal Code"], city = row[kind .. " City"],
        region = row[kind .. " State"],
        country = contacts.present(row[kind .. " Country/Region"]) or contacts.present(row[kind .. " Country"]),
      })
    end
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
      addresses[#addresses + 1] = { value = address(kind), label = kind }
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
