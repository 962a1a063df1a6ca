#ifndef CLIENTIMPORT_CLUA_LIMITS_H
#define CLIENTIMPORT_CLUA_LIMITS_H
// The limits of a sandboxed Lua state, in compiled C: the counting allocator with its memory
// ceiling, the instruction budget (the count hook and the charge for work done in C), and the
// calls that cross between host and Lua — protected calls and loads from the host, which switch
// the limits on, and the trampolines of host functions, which switch them off.
//
// Everything here that may raise a Lua error (lua_error, luaL_error, luaL_check*) runs in C frames
// only: a Lua error is a longjmp, and it must never cross a Swift frame. Each function says
// whether it raises.

#include <stddef.h>
#include <lua.h>

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

/// Instructions between two runs of the count hook: one hook tick.
#define CI_LUA_HOOK_INTERVAL 1000
/// Bytes allocated that cost the budget one instruction: a proxy for the copying and collecting
/// that allocation implies, lenient enough that filling the memory ceiling once costs a small
/// part of the budget (256 MiB: 2 M of the default 200 M instructions).
#define CI_LUA_BYTES_PER_INSTRUCTION 128

// MARK: - Memory

/// The limits of the state (or of any of its threads). Does not raise.
ci_lua_limits *ci_lua_limits_of(lua_State *L);

/// The allocator (`lua_Alloc`) of limited states; `ud` is the `ci_lua_limits`. Counts every byte
/// into `used_bytes`. While enforcing, refuses a growing allocation past `limit_bytes` (and every
/// later one, setting `memory_exceeded`) and charges the budget a tick per
/// `CI_LUA_BYTES_PER_INSTRUCTION * CI_LUA_HOOK_INTERVAL` bytes. Never raises.
void *ci_lua_allocate(void *ud, void *ptr, size_t osize, size_t nsize);

/// A new state whose allocator counts into `limits` (which must outlive it); NULL when even that
/// fails. Opens no library. Does not raise.
lua_State *ci_lua_newstate(ci_lua_limits *limits);

// MARK: - Instruction budget

/// Sets the next mark at which the count hook collects garbage: three quarters of the ceiling, or
/// once an eighth of it was allocated since, whichever is later. Does not raise.
void ci_lua_update_collect_threshold(ci_lua_limits *limits);

/// Installs the count hook on `L`: every `CI_LUA_HOOK_INTERVAL` instructions of enforced Lua code
/// it takes a tick from the budget (collecting garbage past the threshold) and raises the
/// time-budget error once the budget is spent. Does not raise.
void ci_lua_install_count_hook(lua_State *L);

/// Charges `steps` units of C work (one unit is about one VM instruction) to the instruction
/// budget of the running host call; raises the time-budget error once it is spent. Does nothing
/// while host code runs (not enforcing). Raises: call from C functions run by Lua only.
void ci_lua_charge_steps(lua_State *L, long long steps);

// MARK: - Calls from the host

/// Pushes the message handler of every protected call from the host: it turns the error into its
/// message followed by a traceback. Does not raise.
void ci_lua_push_message_handler(lua_State *L);

/// Calls the function below `nargs` arguments with the message handler at `handler` (all results
/// kept), Lua code running under the limits; restores the previous enforcement (host calls can
/// nest). Returns Lua's status. Does not raise.
int ci_lua_pcall(lua_State *L, int nargs, int handler);

/// Loads `length` bytes of Lua text (binary chunks are refused) named `chunkname`, under the
/// limits. Returns Lua's status, with the chunk or the message pushed. Does not raise.
int ci_lua_load_buffer(lua_State *L, const char *bytes, size_t length, const char *chunkname);

/// Loads the file at `path` as Lua text (binary chunks are refused), under the limits. Returns
/// Lua's status (`LUA_ERRFILE` when it cannot be opened), with the chunk or the message pushed.
/// Does not raise.
int ci_lua_load_file(lua_State *L, const char *path);

// MARK: - Host functions

/// A host (Swift) function: reads its arguments from the stack, pushes its results and returns
/// their count, or pushes an error message and returns -1. It must never raise a Lua error.
typedef int (*ci_lua_host_function)(lua_State *L, void *box);

/// The trampoline of a host function, for C closures whose upvalue 1 is the function and upvalue
/// 2 its box: runs it with the limits off, then raises its error (at the caller's line) in C.
/// Raises: a `lua_CFunction`, called by Lua only.
int ci_lua_call_host(lua_State *L);

/// Pushes the C closure that exposes a host function to Lua: the trampoline over the function
/// pointer and the host's box. Does not raise.
void ci_lua_push_host_function(lua_State *L, ci_lua_host_function function, void *box);

#endif
