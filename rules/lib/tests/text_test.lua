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
  trim_gives_what_the_uncached_trim_gives = function()
    -- lib.text keeps the texts it trimmed lately: the reference here is the trim without it.
    local NBSP = "\194\160"
    local function reference(s)
      if s == nil or s == "" then return "" end
      if type(s) ~= "string" then s = tostring(s) end
      if s:find(NBSP, 1, true) then s = s:gsub(NBSP, " ") end
      return s:match("^%s*(.*%S)") or ""
    end
    local pieces = { "", " ", "\t", "\n", "\r\n", "\v", "\f", NBSP, "a", "Ж", "b c", "\194", "\160", "0", "é" }
    local inputs = { 1, 1.0, -0.0, 12.5, 1e300, true, false, " " .. string.rep("long ", 60), string.rep("x", 300) .. NBSP }
    local seed = 7
    local function random(n) seed = (seed * 1103515245 + 12345) % 2147483648 return seed % n + 1 end
    -- More texts than the cache holds, each twice: hits, misses and a cache that starts over.
    for _ = 1, 6000 do
      local parts = {}
      for _ = 1, random(5) do parts[#parts + 1] = pieces[random(#pieces)] end
      inputs[#inputs + 1] = table.concat(parts)
    end
    for round = 1, 2 do
      for i, input in ipairs(inputs) do
        check.equal(text.trim(input), reference(input), "round " .. round .. ", input " .. i)
      end
    end
    -- The number 1 and the text "1" are different inputs; 1.0 is written "1.0".
    check.equal(text.trim("1"), "1")
    check.equal(text.trim(1.0), "1.0")
    check.equal(text.trim(nil), "")
  end,
}
