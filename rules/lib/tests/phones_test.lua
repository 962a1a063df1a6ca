-- Unit tests of lib.phones; run by the Swift test suite in the sandbox (LuaLibraryTests).
local phones = require("lib.phones")
local check = require("lib.tests.check")

return {
  keeps_digits_and_country_code = function()
    check.equal(phones.normalize("+33 6 12 34 56 78"), "33612345678")
    check.equal(phones.normalize("+380 (50) 123-45-67"), "380501234567")
    check.equal(phones.normalize("0044 20 7123 4567"), "442071234567")
  end,
  keeps_leading_zeros = function()
    check.equal(phones.normalize("0612345678"), "0612345678")
  end,
  adds_a_country_code_when_asked = function()
    check.equal(phones.normalize("06 12 34 56 78", { country_code = "33" }), "33612345678")
  end,
  repairs_float_and_scientific_cells = function()
    check.equal(phones.normalize("380501234567.0"), "380501234567")
    check.equal(phones.normalize("3.80501234567E+11"), "380501234567")
    check.equal(phones.normalize("3,80501234567E11"), "380501234567")
  end,
  rejects_scientific_cells_that_lost_digits = function()
    check.equal(select(2, phones.normalize("3.805E+11")), "phone_scientific")
  end,
  rejects_letters_and_bad_lengths = function()
    check.equal(select(2, phones.normalize("call me")), "phone_characters")
    check.equal(select(2, phones.normalize("12")), "phone_length")
    check.equal(select(2, phones.normalize("1234567890123456")), "phone_length")
  end,
  splits_lists_on_commas_and_semicolons = function()
    check.same(phones.parse_list("33612345678, 33145678901;0612345678"), { "33612345678", "33145678901", "0612345678" })
    local list, problem, part = phones.parse_list("33612345678, oops")
    check.equal(list, nil)
    check.equal(problem, "phone_characters")
    check.equal(part, "oops")
  end,
}
