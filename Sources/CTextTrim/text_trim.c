// The trim: see include/ci_text_trim.h.
#include "ci_text_trim.h"
#include <lauxlib.h>

/// Whether `text[i]`, `text[i + 1]` (both before `end`) are U+00A0 in UTF-8.
static int is_nbsp(const unsigned char *text, size_t i, size_t end) {
    return i + 1 < end && text[i] == 0xC2 && text[i + 1] == 0xA0;
}

/// ASCII white space, as Lua's `%s` in the C locale.
static int is_space(unsigned char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

void ci_text_trim_bounds(const unsigned char *text, size_t *first, size_t *last) {
    size_t start = *first, end = *last;
    for (;;) {
        if (start < end && is_space(text[start])) start++;
        else if (is_nbsp(text, start, end)) start += 2;
        else break;
    }
    for (;;) {
        if (end > start && is_space(text[end - 1])) end--;
        else if (end >= start + 2 && is_nbsp(text, end - 2, end)) end -= 2;
        else break;
    }
    *first = start;
    *last = end;
}

int ci_text_trim(lua_State *L) {
    int type = lua_type(L, 1);
    if (type == LUA_TNONE || type == LUA_TNIL) {
        lua_pushliteral(L, "");
        return 1;
    }
    size_t length = 0;
    const unsigned char *text;
    lua_settop(L, 1);
    if (type == LUA_TSTRING) {
        text = (const unsigned char *)lua_tolstring(L, 1, &length);
    } else {
        // As `tostring` writes it (numbers "1", "1.0"; `__tostring`, `__name`), pushed at 2.
        text = (const unsigned char *)luaL_tolstring(L, 1, &length);
    }
    size_t first = 0, last = length;
    ci_text_trim_bounds(text, &first, &last);
    size_t inside = first;
    while (inside < last && !is_nbsp(text, inside, last)) inside++;
    if (inside == last) {
        if (first == 0 && last == length) return 1;   // the string itself (at the top)
        lua_pushlstring(L, (const char *)text + first, last - first);
        return 1;
    }
    luaL_Buffer buffer;
    char *out = luaL_buffinitsize(L, &buffer, last - first);
    size_t written = 0;
    for (size_t i = first; i < last; i++) {
        if (is_nbsp(text, i, last)) {
            out[written++] = ' ';
            i++;
        } else {
            out[written++] = (char)text[i];
        }
    }
    luaL_pushresultsize(&buffer, written);
    return 1;
}

void ci_text_push_trim(lua_State *L) {
    lua_pushcfunction(L, ci_text_trim);
}
