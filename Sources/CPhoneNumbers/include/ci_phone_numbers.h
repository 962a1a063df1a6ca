#ifndef CLIENTIMPORT_CPHONE_NUMBERS_H
#define CLIENTIMPORT_CPHONE_NUMBERS_H
// The phone splitter scripts call as `clientimport.split_numbers`: the byte work of the costliest
// cells an import checks, in one pass of C. `rules/lib/phones.lua` keeps every rule (separators,
// allowed characters, prefixes, lengths, messages); this only splits and keeps digits.
// Safe in the sandbox: linear in its input, memory only through the state's allocator, no I/O.

#include <lua.h>

/// `split_numbers(text, separators, allowed)`: splits `text` on any byte of `separators`, trims
/// each part (ASCII white space and U+00A0 at both ends) and drops empty parts. Returns a list
/// of each part's digits, with a "+" first when the part starts with "+"; or nil and the first
/// trimmed part holding a byte that is neither a digit, white space, U+00A0 nor in `allowed`.
/// What `gsub(part, "%D", "")` per part does in Lua, in one pass.
/// Raises on bad arguments and out of memory: a `lua_CFunction`, called by Lua only.
int ci_phone_split_numbers(lua_State *L);

/// Pushes `split_numbers` as a Lua function, for the host to register under a name (set it in a
/// table, e.g. `clientimport.split_numbers`). Does not raise.
void ci_phone_push_split_numbers(lua_State *L);

#endif
