// The phone splitter: see include/ci_phone_numbers.h.
#include "ci_phone_numbers.h"
#include <ci_text_trim.h>
#include <lauxlib.h>

/// Whether `text[i]` starts U+00A0 (a non-breaking space, C2 A0 in UTF-8).
static int is_nbsp(const unsigned char *text, size_t i, size_t end) {
    return i + 1 < end && text[i] == 0xC2 && text[i + 1] == 0xA0;
}

/// ASCII white space, as Lua's `%s` in the C locale.
static int is_space(unsigned char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

int ci_phone_split_numbers(lua_State *L) {
    size_t length = 0, separator_count = 0, allowed_count = 0;
    const unsigned char *text = (const unsigned char *)luaL_checklstring(L, 1, &length);
    const unsigned char *separators = (const unsigned char *)luaL_checklstring(L, 2, &separator_count);
    const unsigned char *allowed = (const unsigned char *)luaL_optlstring(L, 3, "", &allowed_count);
    unsigned char separator[256] = {0}, permitted[256] = {0};
    for (size_t i = 0; i < separator_count; i++) separator[separators[i]] = 1;
    for (size_t i = 0; i < allowed_count; i++) permitted[allowed[i]] = 1;
    lua_settop(L, 3);
    lua_createtable(L, 2, 0);
    lua_Integer parts = 0;
    luaL_Buffer digits;
    size_t start = 0;
    while (start <= length) {
        size_t end = start;
        while (end < length && !separator[text[end]]) end++;
        size_t first = start, last = end;
        ci_text_trim_bounds(text, &first, &last);
        if (first < last) {
            luaL_buffinit(L, &digits);
            if (text[first] == '+') luaL_addchar(&digits, '+');
            for (size_t i = first; i < last; i++) {
                unsigned char c = text[i];
                if (c >= '0' && c <= '9') luaL_addchar(&digits, (char)c);
                else if (is_nbsp(text, i, last)) i++;
                else if (!is_space(c) && !permitted[c]) {
                    luaL_pushresult(&digits);
                    lua_pushnil(L);
                    lua_pushlstring(L, (const char *)text + first, last - first);
                    return 2;
                }
            }
            luaL_pushresult(&digits);
            lua_rawseti(L, 4, ++parts);
        }
        start = end + 1;
    }
    return 1;
}

void ci_phone_push_split_numbers(lua_State *L) {
    lua_pushcfunction(L, ci_phone_split_numbers);
}
