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
}
