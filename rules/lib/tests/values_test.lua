local yesno = require("lib.yesno")
local emails = require("lib.emails")
local text = require("lib.text")
local check = require("lib.tests.check")

return {
  yes_in_every_template_language = function()
    for _, word in ipairs({ "Oui", "oui", "Yes", "Да", "да", "Так", "x", "1" }) do
      check.equal(yesno.parse(word), true, word)
    end
    for _, word in ipairs({ "", "Non", "No", "Нет", "Ні" }) do
      check.equal(yesno.parse(word), false, word)
    end
    check.equal(select(2, yesno.parse("peut-être")), "yes_no_invalid")
  end,
  one_plausible_email = function()
    check.equal(emails.parse(" jean@example.fr "), "jean@example.fr")
    check.equal(select(2, emails.parse("a@x.fr, b@y.fr")), "email_several")
    check.equal(select(2, emails.parse("jean@")), "email_invalid")
    check.equal(select(2, emails.parse("jean..d@example.fr")), "email_invalid")
  end,
  trims_non_breaking_spaces = function()
    check.equal(text.trim("\194\160 Jean \t"), "Jean")
    check.same(text.split(" a, ,b ;c", ",;"), { "a", "b", "c" })
  end,
  emails_accepted_and_rejected_as_before = function()
    for _, address in ipairs({ "jean@example.fr", "Jean.Dupont@Example.FR", "a+b@c-d.e.f", "{a}|~@x.y", "o'neil@x.ie",
                               "a_b%c@d.co.uk", "1@2.3", "a.b.c@d.e", "jean@-.fr" }) do
      check.equal(emails.parse(address), address, address)
    end
    check.equal(emails.parse("\194\160jean@example.fr\t"), "jean@example.fr")
    for _, address in ipairs({ "jean@", "@example.fr", "jean@example", "jean..d@example.fr", ".jean@example.fr",
                               "jean.@example.fr", "jean@example..fr", "jean@ex_ample.fr", "jé@example.fr",
                               "jean@exämple.fr", "jean@example.fr,", "jean@@example.fr",
                               "jean@example.fr;", "a@b.fr\tc", "a@x.fr\nb@y.fr" }) do
      check.equal(select(2, emails.parse(address)), "email_invalid", address)
    end
    for _, cell in ipairs({ "a@x.fr, b@y.fr", "a@x.fr;b@y.fr", "a@x.fr b@y.fr", "jean d@example.fr" }) do
      check.equal(select(2, emails.parse(cell)), "email_several", cell)
    end
  end,
  trims_with_one_match = function()
    for cell, trimmed in pairs({ [""] = "", ["   "] = "", ["\t\n"] = "", ["\194\160"] = "", ["Jean"] = "Jean",
                                 ["  Jean Paul  "] = "Jean Paul", ["Jean\194\160Paul"] = "Jean Paul",
                                 ["\r\nJean\t\v\f"] = "Jean", ["a b \194\160 c \194\160"] = "a b   c",
                                 [" x"] = "x", ["x "] = "x" }) do
      check.equal(text.trim(cell), trimmed, cell)
    end
  end,
}
