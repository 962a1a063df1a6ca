#ifndef CLIENTIMPORT_CLUA_SHIM_H
#define CLIENTIMPORT_CLUA_SHIM_H
#include <lua.h>
#include <lualib.h>
#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>
#include <ctype.h>

// Everything in this file that may raise a Lua error (lua_error, luaL_error, luaL_check*) runs in
// C frames only: a Lua error is a longjmp, and it must never cross a Swift frame.

// MARK: - Limits and counters

/// Limits and counters of one state. The state's extra space holds a pointer to it (new
/// coroutine threads copy the extra space), so the allocator, hooks and trampolines reach it.
typedef struct ci_lua_limits {
    size_t used_bytes;
    size_t limit_bytes;
    /// Nonzero while Lua code runs under a call from the host; zero while host code runs (host
    /// code is trusted, and a refused allocation there would longjmp through Swift).
    int enforcing;
    /// Set when an enforced allocation was refused; from then on every enforced growing
    /// allocation is refused until the host resets it, so Lua code cannot catch its way on.
    int memory_exceeded;
    /// The count hook runs a full collection when `used_bytes` passes this mark, so that
    /// uncollected garbage rarely makes a script hit the ceiling.
    size_t collect_threshold;
    /// Hook ticks (of `CI_LUA_HOOK_INTERVAL` instructions) left in the current host call.
    long long budget_ticks;
    /// Set once the budget ran out; every later hook raises again until the host resets it.
    int budget_exhausted;
    int budget_line;
    char budget_source[LUA_IDSIZE];
    /// Where Lua code ran at the last hook tick once memory passed half the ceiling: a refused
    /// allocation raises no traceback, so this names the script and line of a memory overrun.
    int memory_line;
    char memory_source[LUA_IDSIZE];
    /// Work done in C (pattern matching, table loops) not yet charged as whole hook ticks.
    long long pending_steps;
    /// How deeply `coroutine.close` calls are nested right now (see CLuaSandbox/guards.c).
    int close_depth;
    /// Bytes allocated under enforcement not yet charged to the budget (see the allocator).
    size_t allocated_uncharged;
} ci_lua_limits;

#define CI_LUA_HOOK_INTERVAL 1000
/// Bytes allocated that cost the budget one instruction: a proxy for the copying and collecting
/// that allocation implies, lenient enough that filling the memory ceiling once costs a small
/// part of the budget (256 MiB: 2 M of the default 200 M instructions).
#define CI_LUA_BYTES_PER_INSTRUCTION 128

static inline ci_lua_limits *ci_lua_limits_of(lua_State *L) {
    return *(ci_lua_limits **)lua_getextraspace(L);
}

static inline void *ci_lua_allocate(void *ud, void *ptr, size_t osize, size_t nsize) {
    ci_lua_limits *limits = (ci_lua_limits *)ud;
    size_t old = ptr ? osize : 0;
    if (nsize == 0) {
        free(ptr);
        limits->used_bytes -= old;
        return NULL;
    }
    if (nsize > old && limits->enforcing) {
        // Allocating costs time in proportion to the bytes (copied, cleared, collected later):
        // charge the budget an instruction per CI_LUA_BYTES_PER_INSTRUCTION, so work that is one
        // VM instruction but copies a growing string (`s = s .. x` in a loop, quadratic) ends.
        // The next hook tick sees the spent budget; the allocator itself must never raise.
        limits->allocated_uncharged += nsize - old;
        if (limits->allocated_uncharged >= CI_LUA_BYTES_PER_INSTRUCTION * CI_LUA_HOOK_INTERVAL) {
            limits->budget_ticks -= (long long)(limits->allocated_uncharged / (CI_LUA_BYTES_PER_INSTRUCTION * CI_LUA_HOOK_INTERVAL));
            limits->allocated_uncharged %= CI_LUA_BYTES_PER_INSTRUCTION * CI_LUA_HOOK_INTERVAL;
        }
        if (limits->memory_exceeded || limits->used_bytes + (nsize - old) > limits->limit_bytes) {
            // Lua's buffers (string.rep, table.concat) raise "not enough memory" as an ordinary
            // error after one refusal, without Lua's emergency collection: treat any refusal as
            // the overrun (the count hook collects garbage before the ceiling is reached).
            limits->memory_exceeded = 1;
            return NULL;
        }
    }
    void *block = realloc(ptr, nsize);
    if (block == NULL) return NULL;
    limits->used_bytes = limits->used_bytes - old + nsize;
    return block;
}

/// A new state whose allocator counts into `limits`; NULL when even that fails.
static inline lua_State *ci_lua_newstate(ci_lua_limits *limits) {
    lua_State *L = lua_newstate(ci_lua_allocate, limits);
    if (L != NULL) *(ci_lua_limits **)lua_getextraspace(L) = limits;
    return L;
}

// MARK: - Instruction budget

/// Collect again at three quarters of the ceiling, or once an eighth of it was allocated since.
static inline void ci_lua_update_collect_threshold(ci_lua_limits *limits) {
    size_t floor = limits->limit_bytes / 4 * 3;
    size_t next = limits->used_bytes + limits->limit_bytes / 8;
    limits->collect_threshold = next > floor ? next : floor;
}

static inline void ci_lua_count_hook(lua_State *L, lua_Debug *ar) {
    ci_lua_limits *limits = ci_lua_limits_of(L);
    if (!limits->enforcing) return;
    if (limits->used_bytes > limits->collect_threshold) {
        lua_gc(L, LUA_GCCOLLECT);
        ci_lua_update_collect_threshold(limits);
    }
    if (limits->used_bytes > limits->limit_bytes / 2 && lua_getinfo(L, "Sl", ar) && ar->currentline > 0) {
        limits->memory_line = ar->currentline;
        memcpy(limits->memory_source, ar->short_src, LUA_IDSIZE);
        limits->memory_source[LUA_IDSIZE - 1] = '\0';
    }
    if (!limits->budget_exhausted && --limits->budget_ticks > 0) return;
    lua_getinfo(L, "Sl", ar);
    if (!limits->budget_exhausted) {
        limits->budget_exhausted = 1;
        // From now on hook every instruction, on this thread and the main one, so that code
        // after a `pcall` that caught the error is stopped too (not only the loop inside it).
        lua_sethook(L, ci_lua_count_hook, LUA_MASKCOUNT, 1);
        lua_rawgeti(L, LUA_REGISTRYINDEX, LUA_RIDX_MAINTHREAD);
        lua_State *main_thread = lua_tothread(L, -1);
        lua_settop(L, -2);
        if (main_thread != NULL) lua_sethook(main_thread, ci_lua_count_hook, LUA_MASKCOUNT, 1);
        limits->budget_line = ar->currentline;
        memcpy(limits->budget_source, ar->short_src, LUA_IDSIZE);
        limits->budget_source[LUA_IDSIZE - 1] = '\0';
    }
    lua_pushfstring(L, "%s:%d: exceeded its time budget", ar->short_src, ar->currentline);
    lua_error(L);
}

static inline void ci_lua_install_count_hook(lua_State *L) {
    lua_sethook(L, ci_lua_count_hook, LUA_MASKCOUNT, CI_LUA_HOOK_INTERVAL);
}

// MARK: - Protected calls

/// The message handler of every protected call from the host: the message, then a traceback.
static inline int ci_lua_message_handler(lua_State *L) {
    const char *message = NULL;
    int type = lua_type(L, 1);
    if (type == LUA_TSTRING || type == LUA_TNUMBER) {
        message = lua_tolstring(L, 1, NULL);
    } else {
        message = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
    }
    luaL_traceback(L, L, message, 1);
    return 1;
}

/// Calls the function below `nargs` arguments with the message handler at `handler`, Lua code
/// running under the limits; restores the previous enforcement (host calls can nest).
static inline int ci_lua_pcall(lua_State *L, int nargs, int handler) {
    ci_lua_limits *limits = ci_lua_limits_of(L);
    int saved = limits->enforcing;
    limits->enforcing = 1;
    int status = lua_pcallk(L, nargs, LUA_MULTRET, handler, 0, NULL);
    limits->enforcing = saved;
    return status;
}

static inline void ci_lua_push_message_handler(lua_State *L) {
    lua_pushcclosure(L, ci_lua_message_handler, 0);
}

static inline int ci_lua_load_buffer(lua_State *L, const char *bytes, size_t length, const char *chunkname) {
    ci_lua_limits *limits = ci_lua_limits_of(L);
    int saved = limits->enforcing;
    limits->enforcing = 1;
    int status = luaL_loadbufferx(L, bytes, length, chunkname, "t");
    limits->enforcing = saved;
    return status;
}

static inline int ci_lua_load_file(lua_State *L, const char *path) {
    ci_lua_limits *limits = ci_lua_limits_of(L);
    int saved = limits->enforcing;
    limits->enforcing = 1;
    int status = luaL_loadfilex(L, path, "t");
    limits->enforcing = saved;
    return status;
}

// MARK: - Host functions

/// A host (Swift) function: reads its arguments from the stack, pushes its results and returns
/// their count, or pushes an error message and returns -1. It must never raise a Lua error.
typedef int (*ci_lua_host_function)(lua_State *L, void *box);

static inline int ci_lua_call_host(lua_State *L) {
    ci_lua_host_function function = (ci_lua_host_function)lua_touserdata(L, lua_upvalueindex(1));
    void *box = lua_touserdata(L, lua_upvalueindex(2));
    ci_lua_limits *limits = ci_lua_limits_of(L);
    int saved = limits->enforcing;
    limits->enforcing = 0;
    int count = function(L, box);
    limits->enforcing = saved;
    if (count < 0) {
        luaL_where(L, 1);
        lua_insert(L, -2);
        lua_concat(L, 2);
        return lua_error(L);
    }
    return count;
}

/// The C trampoline that exposes a host function to Lua: a closure over the function pointer
/// and the host's box.
static inline void ci_lua_push_host_function(lua_State *L, ci_lua_host_function function, void *box) {
    lua_pushlightuserdata(L, (void *)function);
    lua_pushlightuserdata(L, box);
    lua_pushcclosure(L, ci_lua_call_host, 2);
}

/// `print` for the sandbox: formats its arguments like Lua's own print (tostring, tabs), then
/// hands the line to the host function as its only argument.
static inline int ci_lua_print(lua_State *L) {
    int n = lua_gettop(L);
    luaL_Buffer buffer;
    luaL_buffinit(L, &buffer);
    for (int i = 1; i <= n; i++) {
        if (i > 1) luaL_addchar(&buffer, '\t');
        luaL_tolstring(L, i, NULL);
        luaL_addvalue(&buffer);
    }
    luaL_pushresult(&buffer);
    lua_replace(L, 1);
    lua_settop(L, 1);
    return ci_lua_call_host(L);
}

static inline void ci_lua_push_print(lua_State *L, ci_lua_host_function function, void *box) {
    lua_pushlightuserdata(L, (void *)function);
    lua_pushlightuserdata(L, box);
    lua_pushcclosure(L, ci_lua_print, 2);
}

// MARK: - Sandbox

static inline int ci_lua_readonly_newindex(lua_State *L);

static inline int ci_lua_undeclared_global(lua_State *L) {
    // Built-in names live behind __index once the globals are sealed: they are read-only.
    if (lua_getmetatable(L, 1) && lua_getfield(L, -1, "__index") == LUA_TTABLE) {
        lua_pushvalue(L, 2);
        if (lua_rawget(L, -2) != LUA_TNIL) return ci_lua_readonly_newindex(L);
    }
    lua_settop(L, 3);
    const char *name = luaL_tolstring(L, 2, NULL);
    return luaL_error(L, "assignment to undeclared global '%s' (use a local, or return it in the file's table)", name);
}

/// `load` restricted to text chunks: upvalue 1 is the original `load`.
static inline int ci_lua_text_load(lua_State *L) {
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
static inline int ci_lua_limited_collectgarbage(lua_State *L) {
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

static inline int ci_lua_is_readonly(lua_State *L, int index);

/// `rawset` that refuses the globals table (it would bypass the undeclared-global check).
static inline int ci_lua_guarded_rawset(lua_State *L) {
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_rawgeti(L, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS);
    int is_globals = lua_rawequal(L, 1, -1);
    lua_settop(L, 3);
    if (is_globals) return luaL_error(L, "rawset on the globals table is not allowed in the sandbox");
    if (ci_lua_is_readonly(L, 1)) return luaL_error(L, "rawset on a standard library or a table `require` returned is not allowed in the sandbox");
    luaL_checkany(L, 2);
    luaL_checkany(L, 3);
    lua_rawset(L, 1);
    lua_settop(L, 1);
    return 1;
}

// MARK: - Read-only libraries

/// `__newindex` of the globals' built-in names (read-only views: CLuaSandbox/guards.c).
static inline int ci_lua_readonly_newindex(lua_State *L) {
    const char *name = luaL_tolstring(L, 2, NULL);
    return luaL_error(L, "'%s' cannot be assigned: the standard libraries and built-in globals are read-only in the sandbox (use a local)", name);
}

/// Whether the table at `index` is read-only (its metatable carries `__readonly`).
static inline int ci_lua_is_readonly(lua_State *L, int index) {
    if (!lua_getmetatable(L, index)) return 0;
    lua_getfield(L, -1, "__readonly");
    int readonly = lua_toboolean(L, -1);
    lua_settop(L, -3);
    return readonly;
}

#define CI_LUA_MODULES_KEY "clientimport.LuaBridge.modules"

/// `require(name)` confined to the module paths in upvalue 1 (a sequence of directories):
/// "lib.phones" is `<dir>/lib/phones.lua`, first directory wins, loaded as text, cached.
static inline int ci_lua_confined_require(lua_State *L) {
    size_t length = 0;
    const char *name = luaL_checklstring(L, 1, &length);
    lua_settop(L, 1);
    lua_getfield(L, LUA_REGISTRYINDEX, CI_LUA_MODULES_KEY);   // 2: cache
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
        } else if (status == LUA_ERRFILE) {
            lua_settop(L, 4);
        } else {
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

/// Opens the safe libraries and removes or restricts everything else; see `LuaState+Sandbox.swift`.
/// `directories` is the index of a sequence of module directories. Runs unprotected from the
/// host, so it must only fail on a genuine out-of-memory (which panics).
static inline void ci_lua_open_sandbox(lua_State *L, int directories) {
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
    lua_pushcclosure(L, ci_lua_text_load, 1);
    lua_setfield(L, globals, "load");

    lua_getfield(L, globals, "collectgarbage");
    lua_pushcclosure(L, ci_lua_limited_collectgarbage, 1);
    lua_setfield(L, globals, "collectgarbage");

    lua_pushcclosure(L, ci_lua_guarded_rawset, 0);
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
    lua_setfield(L, LUA_REGISTRYINDEX, CI_LUA_MODULES_KEY);
    lua_pushvalue(L, directories);
    lua_pushcclosure(L, ci_lua_confined_require, 1);
    lua_setfield(L, globals, "require");

    lua_createtable(L, 0, 2);
    lua_pushcclosure(L, ci_lua_undeclared_global, 0);
    lua_setfield(L, -2, "__newindex");
    lua_pushliteral(L, "the globals table is protected");
    lua_setfield(L, -2, "__metatable");
    lua_setmetatable(L, globals);
    lua_settop(L, globals - 1);
}

// MARK: - Macro replacements

static inline void ci_lua_pop(lua_State *L, int n) { lua_settop(L, -(n) - 1); }
static inline void ci_lua_push_globals(lua_State *L) { lua_rawgeti(L, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS); }
static inline int ci_lua_upvalue_index(int i) { return lua_upvalueindex(i); }
static inline void ci_lua_push_reference(lua_State *L, int reference) { lua_rawgeti(L, LUA_REGISTRYINDEX, reference); }
/// Pops the top value into the registry and returns its reference.
static inline int ci_lua_make_reference(lua_State *L) { return luaL_ref(L, LUA_REGISTRYINDEX); }
static inline void ci_lua_release_reference(lua_State *L, int reference) { luaL_unref(L, LUA_REGISTRYINDEX, reference); }
static inline void ci_lua_full_collect(lua_State *L) { lua_gc(L, LUA_GCCOLLECT); }

#endif
