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
  rejects_absurd_exponents_without_building_the_number = function()
    for _, text in ipairs({ "1e999999999", "1E+400", "3.8E+99999999999999999999", "1e16" }) do
      check.equal(select(2, phones.normalize(text)), "phone_scientific", text)
    end
    check.equal(phones.normalize("3.80501234567E0011"), "380501234567")
    for _, text in ipairs({ "-1e-999999999", "inf", "nan", "0x1p99999" }) do
      check.equal(select(2, phones.normalize(text)), "phone_characters", text)
    end
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
  one_number_gives_what_a_list_of_one_gives = function()
    -- parse_list skips the split for a cell without "," ";" or a line break; a trailing ";"
    -- forces the split: both must give the same list, message key and offending part.
    local cells = { "0612345678", " 0612345678 ", "+33 6 12 34 56 78", "+380 (50) 123-45-67", "0044 20 7123 4567",
                    "06.12.34.56.78", "06/12/34/56/78", "380501234567.0", "3.80501234567E+11", "3.805E+11",
                    "call me", "12", "1234567890123456", "00", "0012345678901", "+", "(012) 345", "06 12\t34",
                    "\194\16006 12 34 56 78\194\160", "1e5", "+33 6 12 34 56 78 ext 1", "-", " ", "" }
    for _, cell in ipairs(cells) do
      for _, options in ipairs({ {}, { country_code = "33" } }) do
        local list, problem, part = phones.parse_list(cell, options)
        local split_list, split_problem, split_part = phones.parse_list(cell .. ";", options)
        check.equal(problem, split_problem, cell)
        check.equal(part, split_part, cell)
        if list then check.same(list, split_list) else check.equal(split_list, nil, cell) end
      end
    end
  end,
  one_number_fast_paths = function()
    check.same(phones.parse_list("0612345678"), { "0612345678" })
    check.same(phones.parse_list(" 06 12 34 56 78 ", { country_code = "33" }), { "33612345678" })
    check.same(phones.parse_list("+33 6 12 34 56 78"), { "33612345678" })
    check.same(phones.parse_list("380501234567.0"), { "380501234567" })
    check.same(phones.parse_list(" "), {})
    check.same(phones.parse_list(""), {})
    local list, problem, part = phones.parse_list(" call me ")
    check.equal(list, nil)
    check.equal(problem, "phone_characters")
    check.equal(part, "call me")
    check.equal(select(2, phones.parse_list("12")), "phone_length")
    check.equal(select(2, phones.parse_list("3.805E+11")), "phone_scientific")
  end,
  several_numbers_are_trimmed_and_empty_parts_dropped = function()
    check.same(phones.parse_list(" 0612345678 ,, ;\n+33 1 45 67 89 01 ;"), { "0612345678", "33145678901" })
    local list, problem, part = phones.parse_list("0612345678, 12 ,x")
    check.equal(list, nil)
    check.equal(problem, "phone_length")
    check.equal(part, "12")
  end,
  split_numbers_keeps_digits_and_a_leading_plus = function()
    check.same(clientimport.split_numbers(" +33 6 12 , (0)1-2 ;\194\160+ 4\194\1605 ;", ",;", "+-()"),
               { "+33612", "012", "+45" })
    check.same(clientimport.split_numbers("", ",", ""), {})
    check.same(clientimport.split_numbers(" ,\194\160, ", ",", ""), {})
    local list, part = clientimport.split_numbers("12, a1 ,3", ",", "")
    check.equal(list, nil)
    check.equal(part, "a1")
    check.equal(select(2, clientimport.split_numbers("1\194", ",", "")), "1\194") -- half a U+00A0
  end,
  the_native_split_gives_what_normalize_gives = function()
    -- parse_list takes cells of digits, spaces and "+-()/" through clientimport.split_numbers
    -- (written in C); phones.normalize of each part is the Lua path: both must agree.
    local text = require("lib.text")
    local cells = { "+33 6 65 34 12 13, 0266944844", "+380 30 646 82 99, 0149203558, +33 6 30 07 58 10",
                    " +380 (50) 123-45-67 ;\194\160 0612345678\194\160", "06/12/34/56/78,+", "12, 0612345678",
                    "0044 20 7123 4567;0612345678", "33+6 12 34 56 78", "(+33) 612345678", "06\194\16012\194\16034 56 78",
                    "0612345678,, ,0712345678", "1234567890123456, 0612345678", "06.12.34.56.78, 0612345678",
                    "0612345678\n0712345678", "+ 33 6", "--", "()" }
    for _, cell in ipairs(cells) do
      for _, options in ipairs({ {}, { country_code = "33" } }) do
        local expected, problem, bad = {}, nil, nil
        for _, part in ipairs(text.split(cell, ",;\n")) do
          local digits, part_problem = phones.normalize(part, options)
          if not digits then problem, bad = part_problem, part; break end
          expected[#expected + 1] = digits
        end
        local list, got_problem, got_part = phones.parse_list(cell, options)
        check.equal(got_problem, problem, cell)
        check.equal(got_part, bad, cell)
        if problem == nil then check.same(list, expected) end
      end
    end
  end,
}
