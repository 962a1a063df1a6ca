// Opening the sandbox: the safe libraries, what is removed or restricted, `require` confined to
// the module directories, sealed globals, and `print` handed to the host.
#include "ci_lua_sandbox.h"
#include <ci_lua_limits.h>
#include <lauxlib.h>
#include <lualib.h>
#include <string.h>
#include <unistd.h>

#define MODULES_KEY "clientimport.LuaBridge.modules"

/// `__newindex` of the globals' built-in names (read-only views: guards.c).
static int readonly_newindex(lua_State *L) {
    const char *name = luaL_tolstring(L, 2, NULL);
    return luaL_error(L, "'%s' cannot be assigned: the standard libraries and built-in globals are read-only in the sandbox (use a local)", name);
}

/// Whether the table at `index` is read-only (its metatable carries `__readonly`).
static int is_readonly(lua_State *L, int index) {
    if (!lua_getmetatable(L, index)) return 0;
    lua_getfield(L, -1, "__readonly");
    int readonly = lua_toboolean(L, -1);
    lua_settop(L, -3);
    return readonly;
}

static int undeclared_global(lua_State *L) {
    // Built-in names live behind __index once the globals are sealed: they are read-only.
    if (lua_getmetatable(L, 1) && lua_getfield(L, -1, "__index") == LUA_TTABLE) {
        lua_pushvalue(L, 2);
        if (lua_rawget(L, -2) != LUA_TNIL) return readonly_newindex(L);
    }
    lua_settop(L, 3);
    const char *name = luaL_tolstring(L, 2, NULL);
    return luaL_error(L, "assignment to undeclared global '%s' (use a local, or return it in the file's table)", name);
}

/// `load` restricted to text chunks: upvalue 1 is the original `load`.
static int text_load(lua_State *L) {
    int n = lua_gettop(L);
    if (lua_type(L, 1) == LUA_TSTRING) {
        size_t length = 0;
        const char *chunk = lua_tolstring(L, 1, &length);
        if (length > 0 && chunk[0] == LUA_SIGNATURE[0]) {
            luaL_pushfail(L);
            lua_pushliteral(L, "binary (precompiled) chunks are not allowed in the sandbox; load Lua source text");
            return 2;
        }
    }
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_pushvalue(L, 1);
    if (n >= 2) lua_pushvalue(L, 2); else lua_pushnil(L);
    lua_pushliteral(L, "t");
    int nargs = 3;
    if (n >= 4) { lua_pushvalue(L, 4); nargs = 4; }
    lua_callk(L, nargs, LUA_MULTRET, 0, NULL);
    return lua_gettop(L) - n;
}

/// `collectgarbage` limited to "collect", "step" and "count": upvalue 1 is the original.
static int limited_collectgarbage(lua_State *L) {
    const char *option = luaL_optlstring(L, 1, "collect", NULL);
    if (strcmp(option, "collect") != 0 && strcmp(option, "step") != 0 && strcmp(option, "count") != 0) {
        return luaL_error(L, "collectgarbage('%s') is not allowed in the sandbox (only \"collect\", \"step\", \"count\")", option);
    }
    // A full collection costs time in proportion to the heap, not one instruction: charge it
    // to the budget (a tick per 4 KiB in use), so `while true do collectgarbage() end` ends.
    ci_lua_limits *limits = ci_lua_limits_of(L);
    if (limits->enforcing && strcmp(option, "count") != 0) {
        limits->budget_ticks -= 1 + (long long)(limits->used_bytes / 4096);
        if (limits->budget_ticks < 1) limits->budget_ticks = 1;   // the next hook tick stops it
    }
    int n = lua_gettop(L);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_callk(L, n, LUA_MULTRET, 0, NULL);
    return lua_gettop(L);
}

/// `rawset` that refuses the globals table (it would bypass the undeclared-global check).
static int guarded_rawset(lua_State *L) {
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_rawgeti(L, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS);
    int is_globals = lua_rawequal(L, 1, -1);
    lua_settop(L, 3);
    if (is_globals) return luaL_error(L, "rawset on the globals table is not allowed in the sandbox");
    if (is_readonly(L, 1)) return luaL_error(L, "rawset on a standard library or a table `require` returned is not allowed in the sandbox");
    luaL_checkany(L, 2);
    luaL_checkany(L, 3);
    ci_sandbox_make_whole(L, 1);
    lua_rawset(L, 1);
    lua_settop(L, 1);
    return 1;
}

/// `require(name)` confined to the module paths in upvalue 1 (a sequence of directories):
/// "lib.phones" is `<dir>/lib/phones.lua`, first directory wins, loaded as text, cached.
static int confined_require(lua_State *L) {
    size_t length = 0;
    const char *name = luaL_checklstring(L, 1, &length);
    lua_settop(L, 1);
    lua_getfield(L, LUA_REGISTRYINDEX, MODULES_KEY);           // 2: cache
    if (lua_getfield(L, 2, name) != LUA_TNIL) {                // 3
        if (lua_islightuserdata(L, 3)) return luaL_error(L, "module '%s' requires itself (circular require)", name);
        return 1;
    }
    lua_settop(L, 2);
    int valid = length > 0 && strstr(name, "..") == NULL && name[0] != '.' && name[length - 1] != '.';
    for (size_t i = 0; i < length && valid; i++) {
        char c = name[i];
        valid = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
    }
    if (!valid) {
        return luaL_error(L, "module name '%s' is not allowed: use dotted names such as 'lib.phones' (letters, digits, '_', '-'; no '/', '\\' or '..')", name);
    }
    luaL_Buffer relative;
    luaL_buffinit(L, &relative);
    for (size_t i = 0; i < length; i++) luaL_addchar(&relative, name[i] == '.' ? '/' : name[i]);
    luaL_addstring(&relative, ".lua");
    luaL_pushresult(&relative);                                 // 3: relative path
    lua_pushvalue(L, lua_upvalueindex(1));                      // 4: directories
    lua_Integer count = (lua_Integer)lua_rawlen(L, 4);
    luaL_Buffer searched;
    int found = 0;
    for (lua_Integer i = 1; i <= count && !found; i++) {
        lua_rawgeti(L, 4, i);
        lua_pushliteral(L, "/");
        lua_pushvalue(L, 3);
        lua_concat(L, 3);                                       // 5: candidate path
        int status = luaL_loadfilex(L, lua_tostring(L, 5), "t");
        if (status == LUA_OK) {
            found = 1;                                          // 6: chunk
        } else if (status == LUA_ERRFILE && access(lua_tostring(L, 5), F_OK) != 0) {
            lua_settop(L, 4);                                   // not there: try the next folder
        } else {
            // A file that is there but cannot be opened or read (permissions, no descriptors
            // left, an I/O error) is reported as it is, not as "not found".
            return lua_error(L);
        }
    }
    if (!found) {
        luaL_buffinit(L, &searched);
        for (lua_Integer i = 1; i <= count; i++) {
            luaL_addstring(&searched, "\n\t");
            lua_rawgeti(L, 4, i);
            luaL_addvalue(&searched);
            luaL_addchar(&searched, '/');
            lua_pushvalue(L, 3);
            luaL_addvalue(&searched);
        }
        if (count == 0) luaL_addstring(&searched, " (no module paths are configured)");
        luaL_pushresult(&searched);
        return luaL_error(L, "module '%s' not found; searched:%s", name, lua_tostring(L, -1));
    }
    lua_pushlightuserdata(L, (void *)L);                        // loading marker
    lua_setfield(L, 2, name);
    lua_pushvalue(L, 1);
    lua_pushvalue(L, 5);
    int status = lua_pcallk(L, 2, 1, 0, 0, NULL);               // 6: result or message
    if (status != LUA_OK) {
        lua_pushnil(L);
        lua_setfield(L, 2, name);
        return lua_error(L);
    }
    if (lua_isnil(L, 6)) {
        lua_pushboolean(L, 1);
        lua_replace(L, 6);
    }
    lua_pushvalue(L, 6);
    lua_setfield(L, 2, name);
    return 1;
}

void ci_lua_open_sandbox(lua_State *L, int directories) {
    directories = lua_absindex(L, directories);
    static const luaL_Reg libraries[] = {
        {LUA_GNAME, luaopen_base}, {LUA_STRLIBNAME, luaopen_string}, {LUA_TABLIBNAME, luaopen_table},
        {LUA_MATHLIBNAME, luaopen_math}, {LUA_UTF8LIBNAME, luaopen_utf8}, {LUA_COLIBNAME, luaopen_coroutine},
        {LUA_OSLIBNAME, luaopen_os}, {NULL, NULL}
    };
    for (const luaL_Reg *library = libraries; library->func; library++) {
        luaL_requiref(L, library->name, library->func, 1);
        lua_settop(L, -2);
    }
    lua_rawgeti(L, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS);
    int globals = lua_gettop(L);

    lua_pushnil(L); lua_setfield(L, globals, "dofile");
    lua_pushnil(L); lua_setfield(L, globals, "loadfile");

    lua_getfield(L, globals, "load");
    lua_pushcclosure(L, text_load, 1);
    lua_setfield(L, globals, "load");

    lua_getfield(L, globals, "collectgarbage");
    lua_pushcclosure(L, limited_collectgarbage, 1);
    lua_setfield(L, globals, "collectgarbage");

    lua_pushcclosure(L, guarded_rawset, 0);
    lua_setfield(L, globals, "rawset");

    // os: only the clock and the calendar.
    lua_getfield(L, globals, LUA_OSLIBNAME);
    lua_createtable(L, 0, 3);
    static const char *const kept[] = {"time", "date", "clock", NULL};
    for (const char *const *field = kept; *field; field++) {
        lua_getfield(L, -2, *field);
        lua_setfield(L, -2, *field);
    }
    lua_setfield(L, globals, LUA_OSLIBNAME);
    lua_settop(L, globals);

    lua_getfield(L, globals, LUA_STRLIBNAME);
    lua_pushnil(L);
    lua_setfield(L, -2, "dump");
    lua_settop(L, globals);

    // The string metatable is shared by every string of the state: hide it from scripts.
    lua_pushliteral(L, "");
    if (lua_getmetatable(L, -1)) {
        lua_pushliteral(L, "the string metatable is protected");
        lua_setfield(L, -2, "__metatable");
    }
    lua_settop(L, globals);

    // Loaded libraries stay reachable only through the globals kept above.
    lua_pushnil(L);
    lua_setfield(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);

    lua_newtable(L);
    lua_setfield(L, LUA_REGISTRYINDEX, MODULES_KEY);
    lua_pushvalue(L, directories);
    lua_pushcclosure(L, confined_require, 1);
    lua_setfield(L, globals, "require");

    lua_createtable(L, 0, 2);
    lua_pushcclosure(L, undeclared_global, 0);
    lua_setfield(L, -2, "__newindex");
    lua_pushliteral(L, "the globals table is protected");
    lua_setfield(L, -2, "__metatable");
    lua_setmetatable(L, globals);
    lua_settop(L, globals - 1);
}

// MARK: - print

/// `print` for the sandbox: formats its arguments like Lua's own print (tostring, tabs), then
/// hands the line to the host function (upvalues as `ci_lua_call_host`'s) as its only argument.
static int print(lua_State *L) {
    int n = lua_gettop(L);
    luaL_Buffer buffer;
    luaL_buffinit(L, &buffer);
    for (int i = 1; i <= n; i++) {
        if (i > 1) luaL_addchar(&buffer, '\t');
        luaL_tolstring(L, i, NULL);
        luaL_addvalue(&buffer);
    }
    luaL_pushresult(&buffer);
    // Insert, not replace: with no arguments the line is the only value, and replacing index 1
    // with it would pop it (`print()` handed the host nil instead of an empty line).
    lua_insert(L, 1);
    lua_settop(L, 1);
    return ci_lua_call_host(L);
}

void ci_lua_push_print(lua_State *L, ci_lua_host_function function, void *box) {
    lua_pushlightuserdata(L, (void *)function);
    lua_pushlightuserdata(L, box);
    lua_pushcclosure(L, print, 2);
}
