// Read-only views, and the guards around library functions that could otherwise loop, allocate
// or recurse outside the sandbox's limits (their work in C is charged to the instruction budget).
#include "ci_lua_sandbox.h"
#include <lauxlib.h>
#include <lualib.h>
#include <math.h>
#include <string.h>

// MARK: - Budget

/// Charges a count given as a double (products of lengths overflow 64 bits).
static void charge_double(lua_State *L, double steps) {
    ci_lua_charge_steps(L, steps > 4.0e18 ? (long long)4.0e18 : (long long)steps);
}

void ci_sandbox_reset(lua_State *L) {
    ci_lua_limits *limits = ci_lua_limits_of(L);
    limits->pending_steps = 0;
    limits->close_depth = 0;
    limits->allocated_uncharged = 0;
}

// MARK: - Read-only views

// A view is an empty table whose metatable reads through to the real table: nothing a script
// can reach (pairs, next, rawget, getmetatable, the metamethods' results) hands out the real
// table or a writable nested table. Views are cached per real table (stable identity, so
// `require("lib.x") == require("lib.x")`), weakly so both can be collected.
static const char views_key = 'v';     // registry[&views_key]: real table → view (weak keys)
static const char targets_key = 't';   // registry[&targets_key]: view → real table (weak keys)

static void push_view(lua_State *L, int index, int shallow);

int ci_sandbox_push_view_target(lua_State *L, int index) {
    if (lua_type(L, index) != LUA_TTABLE) return 0;
    index = lua_absindex(L, index);
    if (lua_rawgetp(L, LUA_REGISTRYINDEX, &targets_key) != LUA_TTABLE) {
        lua_settop(L, -2);
        return 0;
    }
    lua_pushvalue(L, index);
    if (lua_rawget(L, -2) != LUA_TTABLE) {
        lua_settop(L, -3);
        return 0;
    }
    lua_remove(L, -2);
    return 1;
}

static int is_view(lua_State *L, int index) {
    if (!ci_sandbox_push_view_target(L, index)) return 0;
    lua_settop(L, -2);
    return 1;
}

static int view_newindex(lua_State *L) {
    const char *name = luaL_tolstring(L, 2, NULL);
    return luaL_error(L, "'%s' cannot be assigned: the standard libraries and the tables `require` returns are read-only "
                         "in the sandbox (copy what you need into a table of your own)", name);
}

/// `__index` of a deep view: the real table's value, itself a view when it is a table.
static int view_index(lua_State *L) {
    // Hot: rules call module functions through views per cell. A raw hit that is not a table
    // is the answer; otherwise the full lookup (the real table's own metamethods) and a view.
    lua_pushvalue(L, 2);
    int type = lua_rawget(L, lua_upvalueindex(1));
    if (type != LUA_TTABLE && type != LUA_TNIL) return 1;
    if (type == LUA_TNIL) {
        lua_settop(L, 2);
        type = lua_gettable(L, lua_upvalueindex(1));
    }
    if (type == LUA_TTABLE) push_view(L, -1, 0);
    return 1;
}

/// The iterator `__pairs` returns: walks the real table (upvalue 1) from the key in upvalue 2,
/// handing out views of table keys and values. Each `pairs` call gets its own iterator, so the
/// real keys never leave it.
static int view_next(lua_State *L) {
    lua_settop(L, 0);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_pushvalue(L, lua_upvalueindex(2));
    if (lua_next(L, 1) == 0) {
        lua_pushnil(L);
        return 1;
    }
    lua_pushvalue(L, 2);
    lua_replace(L, lua_upvalueindex(2));
    if (lua_type(L, 2) == LUA_TTABLE) { push_view(L, 2, 0); lua_replace(L, 2); }
    if (lua_type(L, 3) == LUA_TTABLE) { push_view(L, 3, 0); lua_replace(L, 3); }
    return 2;
}

static int view_pairs(lua_State *L) {
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_pushnil(L);
    lua_pushcclosure(L, view_next, 2);
    lua_pushvalue(L, 1);
    lua_pushnil(L);
    return 3;
}

static int view_len(lua_State *L) {
    lua_len(L, lua_upvalueindex(1));
    return 1;
}

/// `__call`: runs the real table's `__call` with the view as its first argument, as calling the
/// table itself would, but without handing out the real table (a `__call` returning `self`
/// returns the view).
static int view_call(lua_State *L) {
    if (luaL_getmetafield(L, lua_upvalueindex(1), "__call") == LUA_TNIL) {
        return luaL_error(L, "attempt to call a table value (a read-only table without __call)");
    }
    lua_insert(L, 1);
    lua_callk(L, lua_gettop(L) - 1, LUA_MULTRET, 0, NULL);
    return lua_gettop(L);
}

/// Pushes the view of the table at `index` (the table itself when it is a view). A shallow view
/// reads the real table directly (`__index` is the table): only for tables holding no tables,
/// which the standard libraries are; lookups then cost no C call.
static void push_view(lua_State *L, int index, int shallow) {
    index = lua_absindex(L, index);
    luaL_checkstack(L, 6, "read-only view");
    lua_rawgetp(L, LUA_REGISTRYINDEX, &views_key);
    int cache = lua_gettop(L);
    lua_pushvalue(L, index);
    if (lua_rawget(L, cache) == LUA_TTABLE) {              // the usual case: made before
        lua_remove(L, cache);
        return;
    }
    lua_settop(L, cache);
    if (is_view(L, index)) {                               // already a view: itself
        lua_settop(L, cache - 1);
        lua_pushvalue(L, index);
        return;
    }
    lua_createtable(L, 0, 0);
    int view = lua_gettop(L);
    lua_createtable(L, 0, 8);
    lua_pushvalue(L, index);
    if (!shallow) lua_pushcclosure(L, view_index, 1);
    lua_setfield(L, -2, "__index");
    lua_pushcclosure(L, view_newindex, 0);
    lua_setfield(L, -2, "__newindex");
    lua_pushvalue(L, index);
    lua_pushcclosure(L, view_pairs, 1);
    lua_setfield(L, -2, "__pairs");
    lua_pushvalue(L, index);
    lua_pushcclosure(L, view_len, 1);
    lua_setfield(L, -2, "__len");
    lua_pushvalue(L, index);
    lua_pushcclosure(L, view_call, 1);
    lua_setfield(L, -2, "__call");
    lua_pushliteral(L, "the table is read-only");
    lua_setfield(L, -2, "__metatable");
    lua_pushboolean(L, 1);
    lua_setfield(L, -2, "__readonly");
    lua_setmetatable(L, view);
    lua_pushvalue(L, index);
    lua_pushvalue(L, view);
    lua_rawset(L, cache);
    lua_rawgetp(L, LUA_REGISTRYINDEX, &targets_key);
    lua_pushvalue(L, view);
    lua_pushvalue(L, index);
    lua_rawset(L, -3);
    lua_settop(L, view);
    lua_remove(L, cache);
}

static void new_weak_table(lua_State *L, const void *key) {
    lua_createtable(L, 0, 0);
    lua_createtable(L, 0, 1);
    lua_pushliteral(L, "k");
    lua_setfield(L, -2, "__mode");
    lua_setmetatable(L, -2);
    lua_rawsetp(L, LUA_REGISTRYINDEX, key);
}

/// `require` returning deep read-only views of tables (upvalue 1: the confined require). The
/// module keeps its own table: its functions still change it through their upvalues.
static int view_require(lua_State *L) {
    lua_settop(L, 1);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_callk(L, 1, 1, 0, NULL);
    if (lua_type(L, 1) == LUA_TTABLE) push_view(L, 1, 0);
    return 1;
}

static const char namespaces_key = 'n';  // registry[&namespaces_key]: name → real namespace table

void ci_sandbox_push_namespace(lua_State *L, const char *name) {
    lua_checkstack(L, 8);
    lua_rawgeti(L, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS);
    int globals = lua_gettop(L);
    // The built-in globals (behind the globals' `__index` once sealed), else the globals.
    int builtins = globals;
    if (lua_getmetatable(L, globals)) {
        lua_pushliteral(L, "__index");
        if (lua_rawget(L, -2) == LUA_TTABLE) builtins = lua_gettop(L);
    }
    if (name[0] == '\0') {
        lua_pushvalue(L, builtins);
        lua_replace(L, globals);
        lua_settop(L, globals);
        return;
    }
    if (lua_rawgetp(L, LUA_REGISTRYINDEX, &namespaces_key) != LUA_TTABLE) {
        lua_settop(L, -2);
        lua_createtable(L, 0, 2);
        lua_pushvalue(L, -1);
        lua_rawsetp(L, LUA_REGISTRYINDEX, &namespaces_key);
    }
    int namespaces = lua_gettop(L);
    lua_pushstring(L, name);
    if (lua_rawget(L, namespaces) != LUA_TTABLE) {
        lua_settop(L, namespaces);
        lua_createtable(L, 0, 4);
        lua_pushstring(L, name);
        lua_pushvalue(L, -2);
        lua_rawset(L, namespaces);
        lua_pushstring(L, name);
        push_view(L, -2, 0);
        lua_rawset(L, builtins);
    }
    lua_replace(L, globals);
    lua_settop(L, globals);
}

// MARK: - Tables made whole on demand

// A table whose metatable carries `__whole` (a function) stands for a plain table it has not
// filled in yet: engine.lua's rows and `ctx`s of `validate_row` read their values through
// `__index` until a script needs the table itself. Before anything a script can do that skips
// metamethods (next, pairs, rawget, rawset, getmetatable, setmetatable) the metatable is removed
// and `__whole(table)` fills the table in, so the script sees exactly the plain table it would
// have had. Reads and writes through metamethods are the table's own (`__newindex` makes it
// whole first).

int ci_sandbox_make_whole(lua_State *L, int index) {
    if (lua_type(L, index) != LUA_TTABLE || !lua_getmetatable(L, index)) return 0;
    index = lua_absindex(L, index);
    lua_pushliteral(L, "__whole");
    if (lua_rawget(L, -2) != LUA_TFUNCTION) {
        lua_settop(L, -3);
        return 0;
    }
    lua_pushnil(L);
    lua_setmetatable(L, index);
    lua_pushvalue(L, index);
    lua_callk(L, 1, 0, 0, NULL);
    lua_settop(L, -2);                                      // the metatable
    return 1;
}

// The base functions that read or write a table raw, as Lua's own (lbaselib.c) but on the table
// made whole first. Written out rather than wrapped, so their errors keep the function's name
// and the caller's line.

static int whole_next(lua_State *L) {
    luaL_checktype(L, 1, LUA_TTABLE);
    ci_sandbox_make_whole(L, 1);
    lua_settop(L, 2);
    if (lua_next(L, 1)) return 2;
    lua_pushnil(L);
    return 1;
}

/// `pairs` (upvalue 1: Lua's `next`, which the loop then calls on the whole table).
static int whole_pairs(lua_State *L) {
    luaL_checkany(L, 1);
    ci_sandbox_make_whole(L, 1);
    if (luaL_getmetafield(L, 1, "__pairs") == LUA_TNIL) {
        lua_pushvalue(L, lua_upvalueindex(1));
        lua_pushvalue(L, 1);
        lua_pushnil(L);
    } else {
        lua_pushvalue(L, 1);
        lua_callk(L, 1, 3, 0, NULL);
    }
    return 3;
}

static int whole_rawget(lua_State *L) {
    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_checkany(L, 2);
    ci_sandbox_make_whole(L, 1);
    lua_settop(L, 2);
    lua_rawget(L, 1);
    return 1;
}

static int whole_getmetatable(lua_State *L) {
    luaL_checkany(L, 1);
    ci_sandbox_make_whole(L, 1);
    if (!lua_getmetatable(L, 1)) {
        lua_pushnil(L);
        return 1;
    }
    luaL_getmetafield(L, 1, "__metatable");
    return 1;
}

// MARK: - Guards

/// `setmetatable` refusing finalizers (upvalue 1: the original). Lua runs `__gc` with hooks off,
/// during collections that host code triggers (no memory limit) and in `lua_close`: no budget
/// can bound it, so the sandbox has none. An object is only marked for finalization if its
/// metatable has `__gc` when `setmetatable` runs, so adding the field later does nothing.
static int guarded_setmetatable(lua_State *L) {
    int type = lua_type(L, 2);
    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_argexpected(L, type == LUA_TNIL || type == LUA_TTABLE, 2, "nil or table");
    ci_sandbox_make_whole(L, 1);
    if (luaL_getmetafield(L, 1, "__metatable") != LUA_TNIL) return luaL_error(L, "cannot change a protected metatable");
    if (type == LUA_TTABLE) {
        lua_pushliteral(L, "__gc");
        int gc = lua_rawget(L, 2);
        lua_settop(L, -2);
        if (gc != LUA_TNIL) {
            return luaL_error(L, "finalizers (__gc) are not allowed in the sandbox: nothing could bound their time and memory; "
                                 "release resources explicitly (or with a <close> variable)");
        }
    }
    lua_settop(L, 2);
    lua_setmetatable(L, 1);
    return 1;
}

#define CI_SANDBOX_MAX_CLOSE_DEPTH 100

/// `coroutine.close` with its nesting bounded (upvalue 1: the original). Lua 5.4.4 does not count
/// the C calls of a close that runs `__close` methods which close other coroutines, so deep
/// nesting overflows the C stack and crashes the process (fixed upstream in 5.4.5, where
/// `lua_closethread` counts them).
static int guarded_close(lua_State *L) {
    ci_lua_limits *limits = ci_lua_limits_of(L);
    // The original's own checks, first, so that it cannot raise once the depth is counted
    // (errors inside the closing are caught by `lua_resetthread` and returned as values).
    lua_State *co = lua_tothread(L, 1);
    luaL_argexpected(L, co != NULL, 1, "coroutine");
    int closable = 0;
    if (co != L) {
        lua_Debug ar;
        int status = lua_status(co);
        closable = status == LUA_YIELD || (status == LUA_OK && !lua_getstack(co, 0, &ar)) || (status != LUA_OK && status != LUA_YIELD);
    }
    if (!closable) return luaL_error(L, "cannot close a %s coroutine", co == L ? "running" : "normal");
    if (limits->close_depth >= CI_SANDBOX_MAX_CLOSE_DEPTH) {
        return luaL_error(L, "coroutine.close nested more than %d deep (a __close method closing another coroutine, "
                             "again and again): C stack overflow", CI_SANDBOX_MAX_CLOSE_DEPTH);
    }
    lua_CFunction original = lua_tocfunction(L, lua_upvalueindex(1));
    limits->close_depth++;
    int results = original(L);
    limits->close_depth--;
    return results;
}

/// Runs the original library function (upvalue 1, a C function without upvalues) in this very
/// call, so its errors name the caller's line and the function as the script called it.
static int call_original(lua_State *L) {
    lua_CFunction original = lua_tocfunction(L, lua_upvalueindex(1));
    return original(L);
}

/// `string.rep` within the limits (upvalue 1: Lua's rep). A result larger than the memory left is
/// a memory overrun at once (Lua's own "resulting string too large" starts at 2 GiB), and an
/// empty string and separator give "" at once (Lua's loop copies nothing `n` times:
/// `("").rep("", 1e15)` never ends).
static int guarded_rep(lua_State *L) {
    size_t length = 0, separator = 0;
    luaL_checklstring(L, 1, &length);
    lua_Integer count = luaL_checkinteger(L, 2);
    luaL_optlstring(L, 3, "", &separator);
    if (count > 0 && length + separator == 0) {
        lua_pushliteral(L, "");
        return 1;
    }
    ci_lua_limits *limits = ci_lua_limits_of(L);
    if (count > 0 && limits->enforcing) {
        double total = (double)length * (double)count + (double)separator * (double)(count - 1);
        double left = (double)limits->limit_bytes - (double)limits->used_bytes;
        if (total > left) {
            lua_Debug caller;
            if (lua_getstack(L, 1, &caller) && lua_getinfo(L, "Sl", &caller) && caller.currentline > 0) {
                limits->memory_line = caller.currentline;
                strncpy(limits->memory_source, caller.short_src, LUA_IDSIZE - 1);
                limits->memory_source[LUA_IDSIZE - 1] = '\0';
            }
            limits->memory_exceeded = 1;
            return luaL_error(L, "not enough memory: string.rep would make a string of %f bytes", total);
        }
    }
    return call_original(L);
}

/// Refuses a table function on a view (read-only) or on a table whose `__len` would decide how
/// long a C loop runs (Lua would call it again after we measured). Returns the raw length.
static lua_Integer checked_length(lua_State *L, const char *function) {
    if (lua_type(L, 1) != LUA_TTABLE) return 0;     // the original reports the bad argument
    if (is_view(L, 1)) {
        return luaL_error(L, "table.%s cannot change a read-only table (a standard library or a table `require` returned); "
                             "copy it into a table of your own", function);
    }
    if (luaL_getmetafield(L, 1, "__len") != LUA_TNIL) {
        return luaL_error(L, "table.%s of a table with a __len metamethod is not allowed in the sandbox", function);
    }
    return (lua_Integer)lua_rawlen(L, 1);
}

/// `table.insert` and `table.remove`: charged for the elements they shift. Upvalue 1: original.
static int guarded_insert(lua_State *L) {
    ci_lua_charge_steps(L, 1 + checked_length(L, "insert"));
    return call_original(L);
}

static int guarded_remove(lua_State *L) {
    ci_lua_charge_steps(L, 1 + checked_length(L, "remove"));
    return call_original(L);
}

/// `table.sort`: charged n·log2(n) comparisons up front (the comparator, when Lua, is hooked too).
static int guarded_sort(lua_State *L) {
    double n = (double)checked_length(L, "sort");
    charge_double(L, 1.0 + n * (n > 1.0 ? log2(n) + 1.0 : 1.0));
    return call_original(L);
}

/// `table.move(a1, f, e, t [, a2])`: charged for the `e - f + 1` elements it moves (with a
/// `__index`/`__newindex` written in C the loop runs no Lua code at all).
static int guarded_move(lua_State *L) {
    lua_Integer first = luaL_checkinteger(L, 2), last = luaL_checkinteger(L, 3);
    if (lua_gettop(L) >= 5 ? is_view(L, 5) : is_view(L, 1)) {
        return luaL_error(L, "table.move cannot change a read-only table (a standard library or a table `require` returned)");
    }
    if (last >= first) charge_double(L, (double)last - (double)first + 1.0);
    return call_original(L);
}

/// `table.concat(list, sep, i, j)`: charged for `j - i + 1` elements; `#list` is taken once here
/// and passed on, so a `__len` cannot answer differently to the original.
static int guarded_concat(lua_State *L) {
    luaL_checkany(L, 1);
    lua_settop(L, 4);
    lua_Integer first = luaL_optinteger(L, 3, 1);
    lua_Integer last = lua_isnoneornil(L, 4) ? luaL_len(L, 1) : luaL_checkinteger(L, 4);
    if (last >= first) charge_double(L, (double)last - (double)first + 1.0);
    lua_pushinteger(L, first);
    lua_replace(L, 3);
    lua_pushinteger(L, last);
    lua_replace(L, 4);
    return call_original(L);
}

/// Replaces `library[name]` (a raw table at `library`) by `function` closed over the original.
static void wrap_field(lua_State *L, int library, const char *name, lua_CFunction function) {
    lua_getfield(L, library, name);
    lua_pushcclosure(L, function, 1);
    lua_setfield(L, library, name);
}

extern void ci_sandbox_install_patterns(lua_State *L, int string_library);

/// Whether the table at `index` holds no tables (a shallow view shows it whole).
static int holds_no_tables(lua_State *L, int index) {
    lua_pushnil(L);
    while (lua_next(L, index)) {
        int nested = lua_type(L, -1) == LUA_TTABLE || lua_type(L, -2) == LUA_TTABLE;
        lua_settop(L, -2);
        if (nested) { lua_settop(L, -2); return 0; }
    }
    return 1;
}

void ci_sandbox_harden(lua_State *L) {
    new_weak_table(L, &views_key);
    new_weak_table(L, &targets_key);
    lua_rawgeti(L, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS);
    int globals = lua_gettop(L);

    lua_pushcclosure(L, guarded_setmetatable, 0);
    lua_setfield(L, globals, "setmetatable");
    lua_getfield(L, globals, "next");
    lua_pushcclosure(L, whole_pairs, 1);
    lua_setfield(L, globals, "pairs");
    lua_pushcclosure(L, whole_next, 0);
    lua_setfield(L, globals, "next");
    lua_pushcclosure(L, whole_rawget, 0);
    lua_setfield(L, globals, "rawget");
    lua_pushcclosure(L, whole_getmetatable, 0);
    lua_setfield(L, globals, "getmetatable");
    lua_pushliteral(L, "require");
    lua_rawget(L, globals);
    lua_pushcclosure(L, view_require, 1);
    lua_setfield(L, globals, "require");

    lua_getfield(L, globals, LUA_STRLIBNAME);
    int string_library = lua_gettop(L);
    ci_sandbox_install_patterns(L, string_library);
    wrap_field(L, string_library, "rep", guarded_rep);
    lua_settop(L, globals);

    lua_getfield(L, globals, LUA_TABLIBNAME);
    int table_library = lua_gettop(L);
    wrap_field(L, table_library, "insert", guarded_insert);
    wrap_field(L, table_library, "remove", guarded_remove);
    wrap_field(L, table_library, "sort", guarded_sort);
    wrap_field(L, table_library, "move", guarded_move);
    wrap_field(L, table_library, "concat", guarded_concat);
    lua_settop(L, globals);

    lua_getfield(L, globals, LUA_COLIBNAME);
    wrap_field(L, globals + 1, "close", guarded_close);
    lua_settop(L, globals);

    // The libraries become read-only views (a plugin's `string.lower = …` would change what the
    // rule set's engine sees), and the string metatable reads through the string view.
    static const char *const libraries[] = {LUA_STRLIBNAME, LUA_TABLIBNAME, LUA_MATHLIBNAME, LUA_UTF8LIBNAME, LUA_COLIBNAME, LUA_OSLIBNAME, NULL};
    for (const char *const *name = libraries; *name; name++) {
        lua_pushstring(L, *name);
        if (lua_rawget(L, globals) == LUA_TTABLE) {
            int library = lua_gettop(L);
            push_view(L, library, holds_no_tables(L, library));
            if (strcmp(*name, LUA_STRLIBNAME) == 0) {
                lua_pushliteral(L, "");
                if (lua_getmetatable(L, -1)) {
                    lua_pushvalue(L, -3);
                    lua_setfield(L, -2, "__index");
                }
                lua_settop(L, library + 1);
            }
            lua_setfield(L, globals, *name);
        }
        lua_settop(L, globals);
    }

    // Every built-in global moves behind `__index` of the globals' metatable, so assigning
    // `string`, `pairs`, `_G`… fails like an undeclared global; namespaces the host adds later
    // stay ordinary tables.
    lua_newtable(L);
    int builtins = lua_gettop(L);
    lua_pushnil(L);
    while (lua_next(L, globals)) {
        lua_pushvalue(L, -2);
        lua_insert(L, -2);
        lua_rawset(L, builtins);
    }
    lua_pushnil(L);
    while (lua_next(L, builtins)) {
        lua_settop(L, -2);
        lua_pushvalue(L, -1);
        lua_pushnil(L);
        lua_rawset(L, globals);
    }
    lua_getmetatable(L, globals);
    lua_pushvalue(L, builtins);
    lua_setfield(L, -2, "__index");
    lua_settop(L, globals - 1);
}
