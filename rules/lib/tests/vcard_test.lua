local vcard = require("lib.vcard")
local check = require("lib.tests.check")

local function value_of(card, name) return vcard.text(vcard.first(card, name)) end

return {
  -- A soft line break (a quoted-printable line ending in "=") just before END:VCARD, or on the
  -- last line of the file, has nothing to continue: the card is kept with its text. Before,
  -- END:VCARD became part of the value and the card was lost. Each with CRLF, LF and CR.
  quoted_printable_soft_break_before_end_keeps_the_card = function()
    for _, eol in ipairs({ "\r\n", "\n", "\r" }) do
      local source = table.concat({ "BEGIN:VCARD", "VERSION:2.1", "FN:Jean",
        "NOTE;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Caf=C3=A9 =", "end:vcard  ",
        "BEGIN:VCARD", "FN:Marie", "END:VCARD", "" }, eol)
      local cards = vcard.parse(source)
      check.equal(#cards, 2, "cards with " .. string.format("%q", eol))
      check.equal(value_of(cards[1], "NOTE"), "Café ")
      check.equal(value_of(cards[2], "FN"), "Marie")
    end
  end,
  quoted_printable_soft_break_on_the_last_line_of_the_file_keeps_the_card = function()
    for _, eol in ipairs({ "\r\n", "\n", "\r" }) do
      for _, tail in ipairs({ "", eol, eol .. eol }) do
        local source = table.concat({ "BEGIN:VCARD", "FN:Jean", "END:VCARD", "BEGIN:VCARD", "FN:Marie",
          "NOTE;ENCODING=QUOTED-PRINTABLE:=D0=9F=D0=B5=", "=D1=82=D1=80=" }, eol) .. tail
        local cards = vcard.parse(source)
        check.equal(#cards, 2, "cards with " .. string.format("%q", eol .. "|" .. tail))
        check.equal(value_of(cards[2], "FN"), "Marie")
        check.equal(value_of(cards[2], "NOTE"), "Петр")
      end
    end
  end,
  soft_breaks_join_lines_with_every_line_end = function()
    for _, eol in ipairs({ "\r\n", "\n", "\r" }) do
      local source = table.concat({ "BEGIN:VCARD", "VERSION:2.1",
        "N;CHARSET=UTF-8;QUOTED-PRINTABLE:=D0=9F=D0=B5=", "=D1=82=D1=80=D0=BE=D0=B2;=D0=98=", "=D0=B2=D0=B0=D0=BD;;;",
        "TEL;CELL:+380", "END:VCARD" }, eol)
      local card = vcard.parse(source)[1]
      local n = vcard.components(vcard.first(card, "N"))
      check.equal(n[1], "Петров")
      check.equal(n[2], "Иван")
      check.equal(value_of(card, "TEL"), "+380")
      check.same(vcard.first(card, "N").types, {}) -- a bare QUOTED-PRINTABLE is the encoding, not a type
    end
  end,
  folded_lines_with_every_line_end = function()
    for _, eol in ipairs({ "\r\n", "\n", "\r" }) do
      local cards = vcard.parse(table.concat({ "BEGIN:VCARD", "FN:Jean", " Dupont", "\tfils", "NOTE:a", "END:VCARD" }, eol))
      check.equal(value_of(cards[1], "FN"), "JeanDupontfils")
      check.equal(value_of(cards[1], "NOTE"), "a")
    end
  end,
  a_card_cut_short_is_kept = function()
    local cards = vcard.parse("BEGIN:VCARD\nFN:Jean\nBEGIN:VCARD\nFN:Marie\nTEL:1")
    check.equal(#cards, 2)
    check.equal(value_of(cards[1], "FN"), "Jean")
    check.equal(value_of(cards[2], "TEL"), "1")
  end,
  binary_values_are_skipped_and_what_follows_is_read = function()
    local source = table.concat({ "BEGIN:VCARD", "VERSION:3.0", "FN:Jean",
      "PHOTO;ENCODING=b;TYPE=JPEG:" .. string.rep("QUJD", 10), " " .. string.rep("QUJD", 18), " QUJD",
      "LOGO:data:image/png;base64,iVBORw0KGgo", " AAAA", "TEL:+33 6 12",
      "KEY;ENCODING=BASE64:MIIB", "END:VCARD" }, "\r\n")
    local card = vcard.parse(source)[1]
    check.equal(value_of(card, "PHOTO"), "")
    check.equal(value_of(card, "LOGO"), "")
    check.equal(value_of(card, "KEY"), "")
    check.equal(value_of(card, "TEL"), "+33 6 12")
  end,
  a_head_folded_before_its_colon = function()
    local card = vcard.parse("BEGIN:VCARD\nTEL;TYPE=CE\n LL:+33\n 6\nEND:VCARD\n")[1]
    check.equal(value_of(card, "TEL"), "+336")
    check.same(vcard.first(card, "TEL").types, { "cell" })
  end,
  labels_of_many_groups = function()
    local lines = { "BEGIN:VCARD" }
    for i = 1, 300 do
      lines[#lines + 1] = "item" .. i .. ".TEL:" .. i
      lines[#lines + 1] = "item" .. i .. ".X-ABLabel:_$!<L" .. i .. ">!$_"
    end
    lines[#lines + 1] = "END:VCARD"
    local card = vcard.parse(table.concat(lines, "\n"))[1]
    local tels = vcard.all(card, "TEL")
    check.equal((vcard.label(card, tels[1])), "L1")
    check.equal((vcard.label(card, tels[300])), "L300")
    -- A card built by hand, without parse's index, is labelled too.
    local hand = { properties = { tels[7], card.labels.item7 } }
    check.equal((vcard.label(hand, tels[7])), "L7")
  end,
  line_without_a_property_name_is_skipped = function()
    -- Found by the vcard fuzzer: ":value" made parse_line index a nil group.
    local cards = vcard.parse("BEGIN:VCARD\nFN:Jean\n:Boutique\ngroup.:x\nEND:VCARD\n")
    check.equal(#cards, 1)
    check.equal(value_of(cards[1], "FN"), "Jean")
  end,
  folded_lines_and_escapes_of_3_0 = function()
    local cards = vcard.parse("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Jean\r\n  Dupont\r\nNOTE:a\\, b\\nc\\;d\r\nEND:VCARD\r\n")
    check.equal(#cards, 1)
    check.equal(cards[1].version, "3.0")
    check.equal(value_of(cards[1], "FN"), "Jean Dupont")
    check.equal(value_of(cards[1], "NOTE"), "a, b\nc;d")
  end,
  quoted_printable_with_soft_line_breaks = function()
    local source = "BEGIN:VCARD\nVERSION:2.1\n" ..
      "N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=D0=9F=D0=B5=D1=82=D1=80=D0=BE=D0=B2;=D0=98=D0=B2=D0=B0=\n" ..
      "=D0=BD;;;\nEND:VCARD\n"
    local n = vcard.components(vcard.first(vcard.parse(source)[1], "N"))
    check.equal(n[1], "Петров")
    check.equal(n[2], "Иван")
    check.equal(vcard.decode_quoted_printable("caf=C3=A9=\r\n au lait"), "café au lait")
  end,
  windows_1251_charset = function()
    local source = "BEGIN:VCARD\nVERSION:2.1\nFN;CHARSET=WINDOWS-1251;ENCODING=QUOTED-PRINTABLE:=CE=EB=E5=ED=E0\nEND:VCARD\n"
    check.equal(value_of(vcard.parse(source)[1], "FN"), "Олена")
  end,
  types_labels_and_groups = function()
    local source = table.concat({
      "BEGIN:VCARD", "VERSION:3.0", "TEL;TYPE=CELL,pref:+33 6 12 34 56 78", "TEL;HOME;VOICE:01 40 00 00 00",
      "item1.TEL:+33 1 45 00 00 00", "item1.X-ABLabel:_$!<Atelier>!$_", "END:VCARD",
      "BEGIN:VCARD", "VERSION:4.0", "TEL;VALUE=uri;PREF=1;TYPE=\"voice,work\":tel:+380501234567", "END:VCARD",
    }, "\n")
    local cards = vcard.parse(source)
    check.equal(#cards, 2)
    local tels = vcard.all(cards[1], "TEL")
    local label, preferred = vcard.label(cards[1], tels[1])
    check.equal(label, "cell")
    check.equal(preferred, true)
    check.equal((vcard.label(cards[1], tels[2])), "home")
    check.equal(tels[3].group, "item1")
    check.equal((vcard.label(cards[1], tels[3])), "Atelier")
    local four = vcard.first(cards[2], "TEL")
    check.equal(vcard.text(four), "tel:+380501234567")
    label, preferred = vcard.label(cards[2], four)
    check.equal(label, "work")
    check.equal(preferred, true)
  end,
  structured_values_split_on_unescaped_semicolons = function()
    local adr = vcard.first(vcard.parse("BEGIN:VCARD\nADR;TYPE=home:;;12 rue de la Paix\\; bât. B;Paris;;75002;France\nEND:VCARD")[1], "ADR")
    check.same(vcard.components(adr), { "", "", "12 rue de la Paix; bât. B", "Paris", "", "75002", "France" })
  end,
  -- Issue 17: a declared CHARSET is honoured for quoted-printable bytes and for the bytes of an
  -- 8-bit file (carried one a character by the host); undeclared 8-bit text is read as the
  -- file's code page with a warning on the card, never as U+FFFD.
  declared_charsets_decode_quoted_printable = function()
    local source = "BEGIN:VCARD\nVERSION:2.1\n" ..
      "N;CHARSET=ISO-8859-1;ENCODING=QUOTED-PRINTABLE:M=FCller;J=FCrgen\n" ..
      "NOTE;CHARSET=windows-1252;ENCODING=QUOTED-PRINTABLE:=80 50\n" ..
      "ORG;CHARSET=ISO-8859-5;ENCODING=QUOTED-PRINTABLE:=BF=E0=DE\nEND:VCARD\n"
    local card = vcard.parse(source)[1]
    check.same(vcard.components(vcard.first(card, "N")), { "Müller", "Jürgen" })
    check.equal(value_of(card, "NOTE"), "€ 50")
    check.equal(value_of(card, "ORG"), "Про")
    check.equal(#card.warnings, 0)
  end,
  eight_bit_file_values_use_their_charset_else_the_files_with_a_warning = function()
    -- "Müller" in Windows-1252 and "Олена" in Windows-1251, as the host carries them.
    local carried = "BEGIN:VCARD\nN;CHARSET=Windows-1252:M" .. utf8.char(0xFC) .. "ller\n" ..
      "FN:Ren" .. utf8.char(0xE9) .. "\n" ..
      "NOTE;CHARSET=WINDOWS-1251:" .. utf8.char(0xCE, 0xEB, 0xE5, 0xED, 0xE0) .. "\nEND:VCARD\n"
    local cards = {}
    vcard.each(carried, function(card) cards[#cards + 1] = card end, { eight_bit = true, encoding = "windows-1252" })
    check.equal(vcard.components(vcard.first(cards[1], "N"))[1], "Müller")
    check.equal(value_of(cards[1], "FN"), "René")
    check.equal(value_of(cards[1], "NOTE"), "Олена")
    check.equal(#cards[1].warnings, 1)
    check.equal(cards[1].warnings[1]:match("^FN: 8%-bit text with no CHARSET, read as windows%-1252") ~= nil, true)
  end,
  wrong_or_unknown_charsets_are_guessed_with_a_warning = function()
    local source = "BEGIN:VCARD\nFN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Fran=E7ois\n" ..
      "NOTE;CHARSET=x-mac-roman;ENCODING=QUOTED-PRINTABLE:caf=E9\nEND:VCARD\n"
    local card = vcard.parse(source)[1]
    check.equal(value_of(card, "FN"), "François")
    check.equal(value_of(card, "NOTE"), "café")
    check.equal(#card.warnings, 2)
    check.equal(card.warnings[1]:find("not valid UTF-8", 1, true) ~= nil, true)
    check.equal(card.warnings[2]:find("not a charset clientimport knows", 1, true) ~= nil, true)
  end,
}
