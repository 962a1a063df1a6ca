local vcard = require("lib.vcard")
local check = require("lib.tests.check")

local function value_of(card, name) return vcard.text(vcard.first(card, name)) end

return {
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
}
