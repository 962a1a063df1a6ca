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
  one_item_lists_give_what_the_general_path_gives = function()
    -- phones and primary_email answer a one-item list without the general path; the general
    -- path gives the same for that item beside a blank one (which it skips).
    local values = { "06 12 34 56 78", " +33 6 12 ", "\194\160x\194\160", "", " ", nil, "a ::: b", 12, 0.5 }
    local labels = { "Mobile", nil, "" }
    for v = 1, 9 do
      for l = 1, 3 do
        for _, primary in ipairs({ true, false }) do
          local item = { value = values[v], label = labels[l], primary = primary }
          local where = "value " .. v .. ", label " .. l .. ", primary " .. tostring(primary)
          local one, one_note = contacts.phones({ item })
          local two, two_note = contacts.phones({ item, { value = "" } })
          check.same(one, two)
          check.equal(one_note, two_note, where)
          local email, email_note = contacts.primary_email({ item })
          local email2, email2_note = contacts.primary_email({ item, { value = " " } })
          check.equal(email, email2, where)
          check.equal(email_note, email2_note, where)
        end
      end
    end
  end,
  join_finds_the_last_part_whatever_the_keys = function()
    check.equal(contacts.join({ [3] = "c", [1] = "a" }), "a, c")
    check.equal(contacts.join({ "a", nil, nil, "d", x = "y", [2.5] = "z", [-1] = "m" }), "a, d")
    check.equal(contacts.join({ [1] = "a", [math.huge] = "z" }), "a")
    check.equal(contacts.join({}), "")
  end,
  a_formatted_address_is_its_lines_as_split_and_joined = function()
    -- address() splits a formatted address without a pattern; the reference is text.split.
    local text = require("lib.text")
    local pieces = { "\n", "\r", "\r\n", " ", "\194\160", "12 rue", "Paris", "", "\t", "ул. Миру" }
    local seed = 3
    local function random(n) seed = (seed * 1103515245 + 12345) % 2147483648 return seed % n + 1 end
    for i = 1, 2000 do
      local parts = {}
      for _ = 1, random(7) do parts[#parts + 1] = pieces[random(#pieces)] end
      local formatted = table.concat(parts)
      local reference = contacts.present(formatted) and contacts.join(text.split(contacts.present(formatted), "\n\r"), ", ")
        or contacts.address({ street = "s" })
      check.equal(contacts.address({ formatted = formatted, street = "s" }), reference, "formatted " .. i .. " " .. string.format("%q", formatted))
    end
  end,
  formatted_address_is_what_address_gives_for_a_formatted_address = function()
    local pieces = { "\n", "\r", "\r\n", " ", "\194\160", "12 rue", "Paris", "", "\t", "ул. Миру" }
    local seed = 5
    local function random(n) seed = (seed * 1103515245 + 12345) % 2147483648 return seed % n + 1 end
    for i = 1, 2000 do
      local parts = {}
      for _ = 1, random(7) do parts[#parts + 1] = pieces[random(#pieces)] end
      local formatted = table.concat(parts)
      local want = contacts.present(formatted) and contacts.address({ formatted = formatted }) or nil
      check.equal(contacts.formatted_address(formatted), want, "formatted " .. i .. " " .. string.format("%q", formatted))
    end
    check.equal(contacts.formatted_address(nil), nil)
  end,
  name_fields_are_names_with_the_parts_one_by_one = function()
    -- The reference: names as it was written, with join.
    local function reference(parts)
      local first = contacts.join({ parts.first, parts.middle }, " ")
      local last = contacts.present(parts.last) or ""
      local organization, full = contacts.present(parts.organization), contacts.present(parts.full)
      if first == "" and last == "" and full and full ~= organization then first = full end
      if first == "" and last ~= "" then first, last = last, "" end
      if first ~= "" then return first, last, false, organization and ("Company: " .. organization) or nil end
      if organization then return organization, "", true, nil end
      return "", "", false, nil
    end
    local values = { false, "", " ", "Jean", " Марія ", "Atelier", "\194\160x\194\160" }
    local keys = { "first", "middle", "last", "organization", "full" }
    local count = 0
    -- Every combination of the values over the five parts (false stands for nil).
    local function each(parts, k)
      if k > #keys then
        count = count + 1
        local a = { reference(parts) }
        local b = { contacts.name_fields(parts.first, parts.middle, parts.last, parts.organization, parts.full) }
        local c = { contacts.names(parts) }
        for i = 1, 4 do
          check.equal(b[i], a[i], "name_fields result " .. i .. " of combination " .. count)
          check.equal(c[i], a[i], "names result " .. i .. " of combination " .. count)
        end
        return
      end
      for _, value in ipairs(values) do
        parts[keys[k]] = value or nil
        each(parts, k + 1)
      end
      parts[keys[k]] = nil
    end
    each({}, 1)
    check.equal(count, (#values) ^ (#keys))
  end,
}
