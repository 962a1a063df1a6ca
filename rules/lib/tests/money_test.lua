local money = require("lib.money")
local check = require("lib.tests.check")

return {
  parses_french_and_english_amounts = function()
    check.equal(money.parse("1 234,50"), "1234.5")
    check.equal(money.parse("+12.5"), "12.5")
    check.equal(money.parse("-0,01"), "-0.01")
    check.equal(money.parse("0"), "0")
    check.equal(money.parse("-0"), "0")
    check.equal(money.parse("1\194\160500"), "1500")
    -- U+202F (French number formats) and U+2009 between groups, U+2003 around.
    check.equal(money.parse("1\226\128\175234,50"), "1234.5")
    check.equal(money.parse("12\226\128\137345\226\128\137678"), "12345678")
    check.equal(money.parse("\226\128\1315 %", true), "5")
    -- Any other character stays and is no number: only whole spaces are dropped.
    check.equal(select(2, money.parse("1\194\162500")), "number_invalid")
  end,
  parses_exponents_from_float_cells = function()
    check.equal(money.parse("1.5E2"), "150")
    check.equal(money.parse("1.25E-2"), "0.0125")
  end,
  percentages = function()
    check.equal(money.parse("10%", true), "10")
    check.equal(money.parse("10,5 %", true), "10.5")
    check.equal(select(2, money.parse("10%")), "number_invalid")
  end,
  rejects_what_is_not_exact = function()
    check.equal(select(2, money.parse("12.34567")), "number_decimals")
    check.equal(select(2, money.parse("abc")), "number_invalid")
    check.equal(select(2, money.parse("1,2,3")), "number_invalid")
    check.equal(select(2, money.parse("123456789012345")), "number_too_large")
    check.equal(select(2, money.parse("12345678901234.56")), "number_too_precise")
    check.equal(money.parse("1234567890123.45"), "1234567890123.45")
  end,
  absurd_exponents_are_messages_not_allocations = function()
    -- Padding 1e999999999 with its zeros asked for a gigabyte: the memory ceiling, not a message.
    check.equal(select(2, money.parse("1e999999999")), "number_too_large")
    check.equal(select(2, money.parse("1E+400")), "number_too_large")
    check.equal(select(2, money.parse("1e99999999999999999999")), "number_too_large")
    check.equal(select(2, money.parse("-1e-999999999")), "number_decimals")
    check.equal(select(2, money.parse("1e-41")), "number_decimals")
    check.equal(money.parse("0e999999999"), "0")
    check.equal(money.parse("1e0040"), nil)
    check.equal(money.parse("1E+13"), "10000000000000")
    check.equal(money.parse("25e-4"), "0.0025")
    for _, text in ipairs({ "inf", "-inf", "nan", "0x1p99999", "1e", "e5", "1e+-5" }) do
      check.equal(select(2, money.parse(text)), "number_invalid", text)
    end
  end,
  compares_decimal_strings = function()
    check.equal(money.compare("100", "100.0001"), -1)
    check.equal(money.compare("-5", "-10"), 1)
    check.equal(money.compare("10.5", "10.50"), 0)
  end,
}
