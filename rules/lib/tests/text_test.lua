-- Unit tests of lib.text: `fold` gives every pair of the shared fold table (the Swift host's
-- header matching is tested on the same table).
local text = require("lib.text")
local cases = require("lib.tests.fold_cases")
local check = require("lib.tests.check")

return {
  fold_matches_the_shared_table = function()
    check.equal(#cases >= 20, true, "fold cases")
    for _, case in ipairs(cases) do check.equal(text.fold(case[1]), case[2], case[1]) end
  end,
  fold_is_idempotent = function()
    for _, case in ipairs(cases) do check.equal(text.fold(case[2]), case[2], case[2]) end
  end,
  fold_survives_text_that_is_not_utf8 = function()
    check.equal(text.fold("ABC\255DEF"), "abc\255def")
    check.equal(text.fold(nil), "")
    check.equal(text.fold(12), "12")
  end,
}
