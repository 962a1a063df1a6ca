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
  -- The host's C trim against the Lua one (the reference), on generated and adversarial input:
  -- the same text for every input, and `text.trim` is the C one in the sandbox.
  native_trim_gives_what_the_lua_trim_gives = function()
    local native = clientimport and clientimport.trim
    check.equal(type(native), "function", "clientimport.trim")
    check.equal(text.trim, native, "text.trim is the host's")
    local NBSP = "\194\160"
    -- Every kind of Unicode white space (only ASCII and U+00A0 are trimmed: the rest must stay,
    -- in both), U+00A0's bytes alone and doubled, and a few letters.
    local spaces = { "\t", "\n", "\v", "\f", "\r", " ", "\r\n", NBSP, NBSP .. NBSP, "\194", "\160", "\194\194\160", "\160\194" }
    for _, code in ipairs({ 0x85, 0x1680, 0x180E, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000, 0xFEFF }) do
      spaces[#spaces + 1] = utf8.char(code)
    end
    for code = 0x2000, 0x200A do spaces[#spaces + 1] = utf8.char(code) end
    local letters = { "a", "Ж", "0", "é", "b c", "\0", "%s", "*", ":::" }
    local inputs = {
      "", " ", NBSP, 0, 1, 1.0, -0.0, 12.5, 1 / 0, -1 / 0, 0 / 0, 1e300, math.maxinteger, math.mininteger, true, false,
      setmetatable({}, { __tostring = function() return NBSP .. " shown " .. NBSP end }),
      string.rep(" ", 3000), string.rep(NBSP, 3000), string.rep(NBSP, 50000) .. "x", "x" .. string.rep(" ", 100000) .. "y",
      string.rep("long text ", 20000) .. NBSP, " " .. string.rep("Ж", 60000) .. "\n",
    }
    -- Lengths around the Lua trim's cache limit (200 bytes).
    for length = 196, 204 do
      inputs[#inputs + 1] = " " .. string.rep("x", length - 2) .. " "
      inputs[#inputs + 1] = string.rep("y", length)
      inputs[#inputs + 1] = NBSP .. string.rep("z", length - 2)
    end
    for _, space in ipairs(spaces) do
      for _, letter in ipairs(letters) do
        inputs[#inputs + 1] = space .. letter .. space
        inputs[#inputs + 1] = letter .. space .. letter
        inputs[#inputs + 1] = space .. space .. letter
        inputs[#inputs + 1] = letter .. space
      end
      inputs[#inputs + 1] = space
    end
    -- Generated: more texts than the Lua trim's cache holds (4,096), each given twice, so that
    -- its hits, misses and restarts all meet the C trim.
    local pieces = {}
    for _, space in ipairs(spaces) do pieces[#pieces + 1] = space end
    for _, letter in ipairs(letters) do pieces[#pieces + 1] = letter end
    local seed = 11
    local function random(n) seed = (seed * 1103515245 + 12345) % 2147483648 return seed % n + 1 end
    for _ = 1, 9000 do
      local parts = {}
      for _ = 1, random(8) - 1 do parts[#parts + 1] = pieces[random(#pieces)] end
      inputs[#inputs + 1] = table.concat(parts)
    end
    local count = #inputs
    for round = 1, 2 do
      for i = 1, count do
        local input = inputs[i]
        check.equal(native(input), text.lua_trim(input), "round " .. round .. ", input " .. i)
      end
    end
    check.equal(native(nil), text.lua_trim(nil), "nil")
    check.equal(native(), "", "no argument")
  end,
}
