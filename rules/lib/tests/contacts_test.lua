local contacts = require("lib.contacts")
local check = require("lib.tests.check")

return {
  a_person_wins_over_the_organisation = function()
    local name, last, juridical, note = contacts.names({ first = "Élodie", middle = "Marie", last = "Lefèvre", organization = "Atelier Émile" })
    check.equal(name, "Élodie Marie")
    check.equal(last, "Lefèvre")
    check.equal(juridical, false)
    check.equal(note, "Company: Atelier Émile")
  end,
  an_organisation_alone_is_a_company = function()
    local name, last, juridical, note = contacts.names({ first = " ", last = "", organization = "ООО Ромашка" })
    check.equal(name, "ООО Ромашка")
    check.equal(last, "")
    check.equal(juridical, true)
    check.equal(note, nil)
  end,
  a_last_name_alone_becomes_the_name = function()
    local name, last = contacts.names({ last = "Петров" })
    check.equal(name, "Петров")
    check.equal(last, "")
    check.equal((contacts.names({ full = "Jean Dupont" })), "Jean Dupont")
    local name, _, juridical = contacts.names({ full = "Électricité Nord", organization = "Électricité Nord" })
    check.equal(name, "Électricité Nord")
    check.equal(juridical, true)
  end,
  join_skips_nils_and_blanks = function()
    check.equal(contacts.join({ nil, " a ", nil, "", "b" }), "a, b")
  end,
  addresses_are_composed_from_parts = function()
    check.equal(contacts.address({ street = "12 rue de la Paix", city = "Paris", postal_code = "75002", country = "France" }),
      "12 rue de la Paix, 75002 Paris, France")
    check.equal(contacts.address({ formatted = "ул. Ленина, 1\nМосква", street = "ignored" }), "ул. Ленина, 1, Москва")
    check.equal(contacts.address({}), "")
  end,
  the_primary_email_is_kept_and_the_others_noted = function()
    local email, note = contacts.primary_email({
      { value = "jean@home.fr", label = "Home" },
      { value = "jean@work.fr", label = "Work", primary = true },
      { value = "" },
    })
    check.equal(email, "jean@work.fr")
    check.equal(note, "Other emails: jean@home.fr (Home)")
    check.equal((contacts.primary_email({})), "")
  end,
  phones_keep_their_labels_in_a_note = function()
    local list, note = contacts.phones({
      { value = "+33 1 40 00 00 00", label = "Work" },
      { value = "06 12 34 56 78", label = "Mobile", primary = true },
      { value = "+33 (1) 40-00-00-00", label = "Other" },
    })
    check.same(list, { "06 12 34 56 78", "+33 1 40 00 00 00" })
    check.equal(note, "Phones: 06 12 34 56 78 (Mobile), +33 1 40 00 00 00 (Work)")
    local plain, none = contacts.phones({ { value = "0501234567" } })
    check.same(plain, { "0501234567" })
    check.equal(none, nil)
  end,
  google_labels_and_multi_values = function()
    check.same(contacts.split_multi("+33 6 12 ::: 06 99 "), { "+33 6 12", "06 99" })
    local label, primary = contacts.label("* Mobile")
    check.equal(label, "Mobile")
    check.equal(primary, true)
    check.equal((contacts.label(" ")), nil)
  end,
  split_multi_reads_one_value_and_several_alike = function()
    check.same(contacts.split_multi(nil), {})
    check.same(contacts.split_multi(""), {})
    check.same(contacts.split_multi(" \194\160"), {})
    check.same(contacts.split_multi("\194\160+33 6 12\t"), { "+33 6 12" })
    check.same(contacts.split_multi(":::"), { ":::" })
    check.same(contacts.split_multi(" ::: "), {})
    check.same(contacts.split_multi("a ::: ::: b\r\nc"), { "a", "::: b", "c" })
  end,
  one_phone_is_kept_as_written_and_twins_are_one = function()
    check.same((contacts.phones({ { value = " (none) " } })), { "(none)" })
    check.same((contacts.phones({ { value = "06 12" }, { value = "0612", primary = true }, { value = "x" } })), { "0612", "x" })
  end,
  track_wraps_the_row_only_when_unmapped_columns_are_kept = function()
    local raw = { Name = "Jean", Birthday = "1980-01-02" }
    local headers = { "Name", "Birthday" }
    local plain = { headers = headers, options = {} }
    local row, used = contacts.track(raw, plain)
    check.equal(row, raw)
    check.equal(contacts.finish({ name = row.Name, email = "" }, raw, used, plain).custom, nil)
    local asked = { headers = headers, options = { keep_unmapped_as_custom_fields = true } }
    row, used = contacts.track(raw, asked)
    check.equal(row ~= raw, true)
    local client = contacts.finish({ name = row.Name, email = "" }, raw, used, asked)
    check.same(client.custom, { Birthday = "1980-01-02" })
  end,
  unmapped_columns_become_custom_fields_only_when_asked = function()
    local raw = { Name = "Jean", Birthday = "1980-01-02", Empty = " ", Read = "x" }
    local headers = { "Name", "Birthday", "Empty", "Read" }
    local row, used = contacts.track(raw)
    local _ = row.Name, row.Read
    local asked = { headers = headers, options = { keep_unmapped_as_custom_fields = true } }
    local custom = contacts.unmapped(raw, used, asked)
    check.equal(custom.Birthday, "1980-01-02")
    check.equal(custom.Name, nil)
    check.equal(custom.Read, nil)
    check.equal(custom.Empty, nil)
    check.equal(contacts.unmapped(raw, used, { headers = headers, options = {} }), nil)
  end,
  a_client_without_a_name_is_named_after_its_phone_or_skipped = function()
    local warned = {}
    local ctx = { headers = {}, options = {}, warn = function(m) warned[#warned + 1] = m end }
    local client = contacts.finish({ name = "", email = "", phone = { "0612345678" } }, {}, {}, ctx)
    check.equal(client.name, "0612345678")
    check.equal(#warned, 1)
    local none, why = contacts.finish({ name = "", email = "", phone = {} }, {}, {}, ctx)
    check.equal(none, nil)
    check.equal(why, "no name, phone or email")
  end,
}
