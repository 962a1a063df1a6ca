// The counting allocator, the instruction budget and the calls between host and Lua: see
// include/ci_lua_limits.h.
#include "ci_lua_limits.h"
#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>

ci_lua_limits *ci_lua_limits_of(lua_State *L) {
    return *(ci_lua_limits **)lua_getextraspace(L);
}

// MARK: - Memory

void *ci_lua_allocate(void *ud, void *ptr, size_t osize, size_t nsize) {
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

lua_State *ci_lua_newstate(ci_lua_limits *limits) {
    lua_State *L = lua_newstate(ci_lua_allocate, limits);
    if (L != NULL) *(ci_lua_limits **)lua_getextraspace(L) = limits;
    return L;
}

// MARK: - Instruction budget

void ci_lua_update_collect_threshold(ci_lua_limits *limits) {
    size_t floor = limits->limit_bytes / 4 * 3;
    size_t next = limits->used_bytes + limits->limit_bytes / 8;
    limits->collect_threshold = next > floor ? next : floor;
}

static void count_hook(lua_State *L, lua_Debug *ar);

/// Marks the budget spent at `source`:`line`, and from now on hooks every instruction, on this
/// thread and the main one, so that code after a `pcall` that caught the error is stopped too
/// (not only the loop inside it).
static void mark_budget_spent(ci_lua_limits *limits, lua_State *L, const char *source, int line) {
    limits->budget_exhausted = 1;
    lua_sethook(L, count_hook, LUA_MASKCOUNT, 1);
    lua_rawgeti(L, LUA_REGISTRYINDEX, LUA_RIDX_MAINTHREAD);
    lua_State *main_thread = lua_tothread(L, -1);
    lua_settop(L, -2);
    if (main_thread != NULL) lua_sethook(main_thread, count_hook, LUA_MASKCOUNT, 1);
    limits->budget_line = line;
    strncpy(limits->budget_source, source, LUA_IDSIZE - 1);
    limits->budget_source[LUA_IDSIZE - 1] = '\0';
}

static void count_hook(lua_State *L, lua_Debug *ar) {
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
    if (!limits->budget_exhausted) mark_budget_spent(limits, L, ar->short_src, ar->currentline);
    lua_pushfstring(L, "%s:%d: exceeded its time budget", ar->short_src, ar->currentline);
    lua_error(L);
}

void ci_lua_install_count_hook(lua_State *L) {
    lua_sethook(L, count_hook, LUA_MASKCOUNT, CI_LUA_HOOK_INTERVAL);
}

/// Raises the time-budget error at the first Lua frame above the running C function, marking the
/// budget spent the way the count hook does (every later instruction raises again).
static int raise_budget(lua_State *L) {
    ci_lua_limits *limits = ci_lua_limits_of(L);
    lua_Debug ar;
    const char *source = "?";
    int line = 0;
    for (int level = 1; lua_getstack(L, level, &ar); level++) {
        if (lua_getinfo(L, "Sl", &ar) && ar.currentline > 0) {
            source = ar.short_src;
            line = ar.currentline;
            break;
        }
    }
    if (!limits->budget_exhausted) {
        limits->budget_ticks = 0;
        mark_budget_spent(limits, L, source, line);
    }
    // As the count hook raises it: the place once, no second `luaL_where` prefix.
    if (line > 0) lua_pushfstring(L, "%s:%d: exceeded its time budget", source, line);
    else lua_pushliteral(L, "exceeded its time budget");
    return lua_error(L);
}

void ci_lua_charge_steps(lua_State *L, long long steps) {
    ci_lua_limits *limits = ci_lua_limits_of(L);
    if (!limits->enforcing) return;
    if (!limits->budget_exhausted) {
        limits->pending_steps += steps < 0 ? 0 : steps;
        if (limits->pending_steps < CI_LUA_HOOK_INTERVAL) return;
        limits->budget_ticks -= limits->pending_steps / CI_LUA_HOOK_INTERVAL;
        limits->pending_steps %= CI_LUA_HOOK_INTERVAL;
        if (limits->budget_ticks > 0) return;
    }
    raise_budget(L);
}

// MARK: - Calls from the host

static int message_handler(lua_State *L) {
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

void ci_lua_push_message_handler(lua_State *L) {
    lua_pushcclosure(L, message_handler, 0);
}

int ci_lua_pcall(lua_State *L, int nargs, int handler) {
    ci_lua_limits *limits = ci_lua_limits_of(L);
    int saved = limits->enforcing;
    limits->enforcing = 1;
    int status = lua_pcallk(L, nargs, LUA_MULTRET, handler, 0, NULL);
    limits->enforcing = saved;
    return status;
}

int ci_lua_load_buffer(lua_State *L, const char *bytes, size_t length, const char *chunkname) {
    ci_lua_limits *limits = ci_lua_limits_of(L);
    int saved = limits->enforcing;
    limits->enforcing = 1;
    int status = luaL_loadbufferx(L, bytes, length, chunkname, "t");
    limits->enforcing = saved;
    return status;
}

int ci_lua_load_file(lua_State *L, const char *path) {
    ci_lua_limits *limits = ci_lua_limits_of(L);
    int saved = limits->enforcing;
    limits->enforcing = 1;
    int status = luaL_loadfilex(L, path, "t");
    limits->enforcing = saved;
    return status;
}

// MARK: - Host functions

int ci_lua_call_host(lua_State *L) {
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

void ci_lua_push_host_function(lua_State *L, ci_lua_host_function function, void *box) {
    lua_pushlightuserdata(L, (void *)function);
    lua_pushlightuserdata(L, box);
    lua_pushcclosure(L, ci_lua_call_host, 2);
}
