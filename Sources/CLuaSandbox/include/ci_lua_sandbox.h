#ifndef CLIENTIMPORT_CLUA_SANDBOX_H
#define CLIENTIMPORT_CLUA_SANDBOX_H
// The sandbox in compiled C: opening it (the safe libraries, what is removed or restricted, the
// confined `require`, sealed globals, `print`), then hardening it — the bounded pattern matcher,
// read-only views, and the guards around library functions whose loops or allocations run in C,
// where the instruction hook never fires. The limits themselves are CLuaLimits'.
//
// Everything here that raises a Lua error runs in C frames only: call these from Swift only where
// noted as not raising.

#include <lua.h>
#include <ci_lua_limits.h>

/// Opens the safe libraries into a state made by `ci_lua_newstate` and removes or restricts
/// everything else (see `LuaState+Sandbox.swift`): no `dofile`, `loadfile`, `string.dump`, `io`,
/// `debug`, `package`; `os` keeps `time`, `date`, `clock`; `load` takes text only;
/// `collectgarbage` only "collect", "step", "count" (charged to the budget); `rawset` refuses the
/// globals and read-only tables; assigning an undeclared global raises; the string metatable is
/// hidden. `require(name)` is confined to the sequence of directories at index `directories`
/// ("lib.phones" is `<dir>/lib/phones.lua`, first directory wins, text only, cached; names with
/// "/", "\\" or ".." are refused). Does not raise (unless memory runs out, which panics).
void ci_lua_open_sandbox(lua_State *L, int directories);

/// Pushes the sandbox's `print`: it formats its arguments like Lua's print (tostring, tabs) and
/// hands the line to the host function as its only argument, through `ci_lua_call_host` (limits
/// off). Does not raise.
void ci_lua_push_print(lua_State *L, ci_lua_host_function function, void *box);

/// Installs the bounded `string.find/match/gmatch/gsub`, the guarded `string.rep`, the table
/// functions that charge their loops, `setmetatable` without finalizers, the nesting guard of
/// `coroutine.close` and the read-only views of what `require` returns; then makes the standard
/// libraries read-only views and moves every built-in global behind `__index`.
/// Call once, after `ci_lua_open_sandbox` and after the host added `print`; does not raise
/// (unless memory runs out, which panics).
void ci_sandbox_harden(lua_State *L);

/// When the value at `index` is a read-only view, pushes the table it shows and returns 1; else
/// pushes nothing and returns 0. Does not raise (raw access only).
int ci_sandbox_push_view_target(lua_State *L, int index);

/// When the table at `index` has a metatable with a `__whole` function, removes the metatable,
/// calls `__whole(table)` (which fills the table in) and returns 1; else returns 0. The sandbox's
/// `next`, `pairs`, `rawget`, `rawset`, `getmetatable` and `setmetatable` call it on their first
/// argument, so a script never sees such a table half made (see engine.lua's rows). Raises what
/// `__whole` raises.
int ci_sandbox_make_whole(lua_State *L, int index);

/// Pushes the real table of the host namespace `name` (`clientimport`), creating it if missing;
/// scripts see it as a read-only built-in global (a deep view that cannot be reassigned), so a
/// plugin cannot change a host function the rule set's engine calls. The empty name pushes the
/// built-in globals themselves (a host function there is a read-only global). For the host only;
/// does not raise (unless memory runs out, which panics).
void ci_sandbox_push_namespace(lua_State *L, const char *name);

/// Resets the per-call counters of the guards (the `coroutine.close` nesting depth, the pending
/// C steps). Call before every outermost host call; does not raise.
void ci_sandbox_reset(lua_State *L);

/// The matcher's own functions, exposed for tests that compare them with Lua's on a plain state:
/// pushes a table { find, match, gmatch, gsub } of the bounded versions. Does not raise.
void ci_sandbox_push_pattern_functions(lua_State *L);

#endif
