#ifndef CLIENTIMPORT_CTEXT_TRIM_H
#define CLIENTIMPORT_CTEXT_TRIM_H
// The trim scripts call as `clientimport.trim`: what `rules/lib/text.lua`'s Lua `trim` does (the
// reference, tested against this on the same inputs), in one pass of C. A plugin trims about 40
// cells a row; in the sandbox every Lua instruction goes through the count hook, so the Lua trim
// was a third of a plugin's instructions. Safe in the sandbox: linear in its input, memory only
// through the state's allocator, no I/O.

#include <lua.h>
#include <stddef.h>

/// `trim(s)`: `s` without ASCII white space (tab, line feed, vertical tab, form feed, return,
/// space) and U+00A0 (C2 A0) at either end, each U+00A0 inside turned into a space; nil gives "",
/// any other non-string is first written as `tostring` writes it. Returns `s` itself when there
/// is nothing to change. Raises only as `tostring` may (a `__tostring` that fails) and on out of
/// memory: a `lua_CFunction`, called by Lua only.
int ci_text_trim(lua_State *L);

/// Narrows `[*first, *last)` of `text` to what `trim` keeps: ASCII white space and U+00A0 pairs
/// dropped at either end. A U+00A0 pair cannot overlap another (its second byte is not C2), so
/// the pairs found from either end are those Lua's left-to-right `gsub` removes. The phone
/// splitter trims each number with it too.
void ci_text_trim_bounds(const unsigned char *text, size_t *first, size_t *last);

/// Pushes `trim` as a Lua function, for the host to register under a name (set it in a table,
/// e.g. `clientimport.trim`). Does not raise.
void ci_text_push_trim(lua_State *L);

#endif
