#ifndef CLIENTIMPORT_CLUA_SHIM_H
#define CLIENTIMPORT_CLUA_SHIM_H
#include <lua.h>
#include <lualib.h>
#include <lauxlib.h>

// Wrappers for the Lua C API's macros and variadic functions, which Swift cannot call. The C that
// does work lives in compiled targets: CLuaLimits (allocator, budget, calls between host and
// Lua), CLuaSandbox (the sandbox), CPhoneNumbers (`split_numbers`).

static inline void ci_lua_pop(lua_State *L, int n) { lua_settop(L, -(n) - 1); }
static inline void ci_lua_push_globals(lua_State *L) { lua_rawgeti(L, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS); }
static inline void ci_lua_push_reference(lua_State *L, int reference) { lua_rawgeti(L, LUA_REGISTRYINDEX, reference); }
/// Pops the top value into the registry and returns its reference.
static inline int ci_lua_make_reference(lua_State *L) { return luaL_ref(L, LUA_REGISTRYINDEX); }
static inline void ci_lua_release_reference(lua_State *L, int reference) { luaL_unref(L, LUA_REGISTRYINDEX, reference); }
/// `lua_gc` is variadic.
static inline void ci_lua_full_collect(lua_State *L) { lua_gc(L, LUA_GCCOLLECT); }

#endif
