// A Lua 5.4 pattern matcher written from the reference manual (§6.4.1), with every step charged
// to the instruction budget: Lua's own matcher runs in C where the count hook never fires, so
// `.-.-.-b` over a long subject backtracks for hours. This one stops at the budget like Lua code.
//
// `string.find`, `match`, `gmatch` and `gsub` of the sandbox use it; results are the same as
// Lua's (a property test runs both on generated patterns).
#include "ci_lua_sandbox.h"
#include <ctype.h>
#include <lauxlib.h>
#include <string.h>

/// As Lua's LUA_MAXCAPTURES (defined in lstrlib.c, not in a public header).
#define MAX_CAPTURES 32
/// Recursion depth of the matcher (as Lua: "pattern too complex" beyond it).
#define MAX_DEPTH 200
/// Steps counted locally before they are charged to the budget.
#define CHARGE_EVERY 4096

#define CAPTURE_OPEN (-1)
#define CAPTURE_POSITION (-2)

typedef struct matcher {
    const unsigned char *subject, *subject_end;
    const unsigned char *pattern_end;
    lua_State *L;
    int depth_left;
    int level;                          // captures opened so far
    struct { const unsigned char *start; ptrdiff_t length; } captures[MAX_CAPTURES];
    long long steps;                    // not yet charged
} matcher;

static inline void step(matcher *m, long long n) {
    m->steps += n;
    if (m->steps >= CHARGE_EVERY) {
        long long charged = m->steps;
        m->steps = 0;
        ci_lua_charge_steps(m->L, charged);
    }
}

static void flush(matcher *m) {
    long long charged = m->steps;
    m->steps = 0;
    if (charged > 0) ci_lua_charge_steps(m->L, charged);
}

// MARK: - Classes

/// Whether byte `c` belongs to class letter `letter` (`%a`, `%d`…; an uppercase letter is the
/// complement; any other character stands for itself).
static int in_class(int c, int letter) {
    int member;
    switch (letter | 0x20) {
        case 'a': member = isalpha(c); break;
        case 'c': member = iscntrl(c); break;
        case 'd': member = isdigit(c); break;
        case 'g': member = isgraph(c); break;
        case 'l': member = islower(c); break;
        case 'p': member = ispunct(c); break;
        case 's': member = isspace(c); break;
        case 'u': member = isupper(c); break;
        case 'w': member = isalnum(c); break;
        case 'x': member = isxdigit(c); break;
        case 'z': member = c == 0; break;       // deprecated in 5.2, still accepted by 5.4
        default: return letter == c;
    }
    if (isupper(letter)) member = !member;
    return member != 0;
}

/// Whether byte `c` is in the set from `open` ('[') to `close` (its ']').
static int in_set(int c, const unsigned char *open, const unsigned char *close) {
    const unsigned char *p = open + 1;
    int wanted = 1;
    if (*p == '^') { wanted = 0; p++; }
    for (; p < close; p++) {
        if (*p == '%' && p + 1 < close) {
            p++;
            if (in_class(c, *p)) return wanted;
        } else if (p + 2 < close && p[1] == '-') {
            if (p[0] <= c && c <= p[2]) return wanted;
            p += 2;
        } else if (*p == c) {
            return wanted;
        }
    }
    return !wanted;
}

/// The end of the single-character class starting at `p`: after `%x`, after a set's ']', or
/// after one byte.
static const unsigned char *class_end(matcher *m, const unsigned char *p) {
    const unsigned char *end = m->pattern_end;
    if (*p == '%') {
        if (p + 1 >= end) luaL_error(m->L, "malformed pattern (ends with '%%')");
        return p + 2;
    }
    if (*p == '[') {
        p++;
        if (p < end && *p == '^') p++;
        // The first member may be ']' itself: a set ends at the first ']' after one member.
        do {
            if (p >= end) luaL_error(m->L, "malformed pattern (missing ']')");
            if (*p++ == '%' && p < end) p++;
        } while (p >= end || *p != ']');
        return p + 1;
    }
    return p + 1;
}

/// Whether the subject byte at `s` matches the class from `p` to `ep` (its end).
static int single(matcher *m, const unsigned char *s, const unsigned char *p, const unsigned char *ep) {
    if (s >= m->subject_end) return 0;
    int c = *s;
    switch (*p) {
        case '.': return 1;
        case '%': return in_class(c, p[1]);
        case '[': return in_set(c, p, ep - 1);
        default: return *p == c;
    }
}

// MARK: - Matching

static const unsigned char *match(matcher *m, const unsigned char *s, const unsigned char *p);

static const unsigned char *balanced(matcher *m, const unsigned char *s, const unsigned char *p) {
    if (p + 1 >= m->pattern_end) luaL_error(m->L, "malformed pattern (missing arguments to '%%b')");
    if (s >= m->subject_end || *s != p[0]) return NULL;
    int open = p[0], close = p[1], depth = 1;
    for (s++; s < m->subject_end; s++) {
        step(m, 1);
        if (*s == close) {
            if (--depth == 0) return s + 1;
        } else if (*s == open) {
            depth++;
        }
    }
    return NULL;
}

/// `x*` and `x+` (after its first byte): the longest run of `x`, then shorter ones.
static const unsigned char *greedy(matcher *m, const unsigned char *s, const unsigned char *p, const unsigned char *ep) {
    ptrdiff_t count = 0;
    while (single(m, s + count, p, ep)) { count++; step(m, 1); }
    for (; count >= 0; count--) {
        step(m, 1);
        const unsigned char *end = match(m, s + count, ep + 1);
        if (end) return end;
    }
    return NULL;
}

/// `x-`: the shortest run of `x` that lets the rest match.
static const unsigned char *lazy(matcher *m, const unsigned char *s, const unsigned char *p, const unsigned char *ep) {
    for (;;) {
        step(m, 1);
        const unsigned char *end = match(m, s, ep + 1);
        if (end) return end;
        if (!single(m, s, p, ep)) return NULL;
        s++;
    }
}

static const unsigned char *open_capture(matcher *m, const unsigned char *s, const unsigned char *p, ptrdiff_t kind) {
    if (m->level >= MAX_CAPTURES) luaL_error(m->L, "too many captures");
    m->captures[m->level].start = s;
    m->captures[m->level].length = kind;
    m->level++;
    const unsigned char *end = match(m, s, p);
    if (!end) m->level--;
    return end;
}

static const unsigned char *close_capture(matcher *m, const unsigned char *s, const unsigned char *p) {
    int open = m->level - 1;
    while (open >= 0 && m->captures[open].length != CAPTURE_OPEN) open--;
    if (open < 0) luaL_error(m->L, "invalid pattern capture");
    m->captures[open].length = s - m->captures[open].start;
    const unsigned char *end = match(m, s, p);
    if (!end) m->captures[open].length = CAPTURE_OPEN;
    return end;
}

/// `%1`…`%9`: the text of a closed capture again.
static const unsigned char *back_reference(matcher *m, const unsigned char *s, int digit) {
    int index = digit - '1';
    if (index < 0 || index >= m->level || m->captures[index].length == CAPTURE_OPEN) {
        luaL_error(m->L, "invalid capture index %%%d in pattern", index + 1);
    }
    ptrdiff_t length = m->captures[index].length;
    if (length < 0) return NULL;                    // a position capture matches no text
    step(m, 1 + length / 16);
    if (m->subject_end - s >= length && memcmp(m->captures[index].start, s, (size_t)length) == 0) return s + length;
    return NULL;
}

static const unsigned char *match(matcher *m, const unsigned char *s, const unsigned char *p) {
    if (m->depth_left-- == 0) luaL_error(m->L, "pattern too complex");
    step(m, 1);
    const unsigned char *end = m->pattern_end;
    while (s != NULL && p < end) {
        if (*p == '(') {
            if (p + 1 < end && p[1] == ')') s = open_capture(m, s, p + 2, CAPTURE_POSITION);
            else s = open_capture(m, s, p + 1, CAPTURE_OPEN);
            goto done;
        }
        if (*p == ')') {
            s = close_capture(m, s, p + 1);
            goto done;
        }
        if (*p == '$' && p + 1 == end) {
            if (s != m->subject_end) s = NULL;
            goto done;
        }
        if (*p == '%' && p + 1 < end) {
            if (p[1] == 'b') {
                s = balanced(m, s, p + 2);
                if (s) p += 4;
                continue;
            }
            if (p[1] == 'f') {
                p += 2;
                if (p >= end || *p != '[') luaL_error(m->L, "missing '[' after '%%f' in pattern");
                const unsigned char *ep = class_end(m, p);
                int previous = s == m->subject ? '\0' : s[-1];
                int current = s < m->subject_end ? *s : '\0';
                if (!in_set(previous, p, ep - 1) && in_set(current, p, ep - 1)) { p = ep; continue; }
                s = NULL;
                continue;
            }
            if (isdigit(p[1])) {
                s = back_reference(m, s, p[1]);
                if (s) p += 2;
                continue;
            }
        }
        // A single-character class, maybe quantified.
        const unsigned char *ep = class_end(m, p);
        int quantifier = ep < end ? *ep : 0;
        if (!single(m, s, p, ep)) {
            if (quantifier == '*' || quantifier == '?' || quantifier == '-') { p = ep + 1; continue; }
            s = NULL;
            continue;
        }
        switch (quantifier) {
            case '?': {
                const unsigned char *with = match(m, s + 1, ep + 1);
                if (with) { s = with; goto done; }
                p = ep + 1;
                continue;
            }
            case '+': s = greedy(m, s + 1, p, ep); goto done;
            case '*': s = greedy(m, s, p, ep); goto done;
            case '-': s = lazy(m, s, p, ep); goto done;
            default: s++; p = ep; continue;
        }
    }
done:
    m->depth_left++;
    return s;
}

// MARK: - Results

static void prepare(matcher *m, lua_State *L, const char *s, size_t ls, const char *p, size_t lp) {
    m->L = L;
    m->subject = (const unsigned char *)s;
    m->subject_end = m->subject + ls;
    m->pattern_end = (const unsigned char *)p + lp;
    m->steps = 0;
}

static void restart(matcher *m) {
    m->level = 0;
    m->depth_left = MAX_DEPTH;
}

/// Pushes capture `i` (or the whole match `s`..`e` when there are none and `i` is 0).
static void push_capture(matcher *m, int i, const unsigned char *s, const unsigned char *e) {
    if (i >= m->level) {
        if (i != 0) luaL_error(m->L, "invalid capture index %%%d", i + 1);
        lua_pushlstring(m->L, (const char *)s, (size_t)(e - s));
        return;
    }
    ptrdiff_t length = m->captures[i].length;
    if (length == CAPTURE_OPEN) luaL_error(m->L, "unfinished capture");
    if (length == CAPTURE_POSITION) lua_pushinteger(m->L, (m->captures[i].start - m->subject) + 1);
    else lua_pushlstring(m->L, (const char *)m->captures[i].start, (size_t)length);
}

/// Pushes every capture, or the whole match when `s` is given and there are none.
static int push_captures(matcher *m, const unsigned char *s, const unsigned char *e) {
    int count = (m->level == 0 && s) ? 1 : m->level;
    luaL_checkstack(m->L, count, "too many captures");
    for (int i = 0; i < count; i++) push_capture(m, i, s, e);
    return count;
}

/// Lua's rule for a start position: negative counts from the end, 0 and too small become 1.
static size_t start_position(lua_Integer position, size_t length) {
    if (position > 0) return (size_t)position;
    if (position == 0) return 1;
    if (position < -(lua_Integer)length) return 1;
    return length + (size_t)position + 1;
}

/// Plain search for `needle` in `haystack`, charged per comparison.
static const char *find_plain(lua_State *L, const char *haystack, size_t lh, const char *needle, size_t ln) {
    if (ln == 0) return haystack;
    if (ln > lh) return NULL;
    const char *last = haystack + (lh - ln);
    long long steps = 0;
    for (const char *at = haystack; at <= last; at++) {
        at = memchr(at, needle[0], (size_t)(last - at) + 1);
        if (at == NULL) break;
        steps += 1 + (long long)(ln / 16);
        if (steps >= CHARGE_EVERY) { ci_lua_charge_steps(L, steps); steps = 0; }
        if (memcmp(at + 1, needle + 1, ln - 1) == 0) { ci_lua_charge_steps(L, steps); return at; }
    }
    ci_lua_charge_steps(L, steps + (long long)(lh / 64));
    return NULL;
}

static int has_specials(const char *p, size_t lp) {
    for (size_t i = 0; i < lp; i++) {
        if (strchr("^$*+?.([%-", p[i]) != NULL && p[i] != '\0') return 1;
    }
    return 0;
}

static int find_or_match(lua_State *L, int find) {
    size_t ls = 0, lp = 0;
    const char *s = luaL_checklstring(L, 1, &ls);
    const char *p = luaL_checklstring(L, 2, &lp);
    size_t init = start_position(luaL_optinteger(L, 3, 1), ls) - 1;
    if (init > ls) {
        luaL_pushfail(L);
        return 1;
    }
    if (find && (lua_toboolean(L, 4) || !has_specials(p, lp))) {
        const char *at = find_plain(L, s + init, ls - init, p, lp);
        if (at) {
            lua_pushinteger(L, (at - s) + 1);
            lua_pushinteger(L, (lua_Integer)((at - s) + lp));
            return 2;
        }
        luaL_pushfail(L);
        return 1;
    }
    matcher m;
    int anchored = lp > 0 && *p == '^';
    if (anchored) { p++; lp--; }
    prepare(&m, L, s, ls, p, lp);
    const unsigned char *start = m.subject + init;
    do {
        restart(&m);
        const unsigned char *end = match(&m, start, (const unsigned char *)p);
        if (end) {
            flush(&m);
            if (find) {
                lua_pushinteger(L, (start - m.subject) + 1);
                lua_pushinteger(L, end - m.subject);
                return push_captures(&m, NULL, NULL) + 2;
            }
            return push_captures(&m, start, end);
        }
    } while (start++ < m.subject_end && !anchored);
    flush(&m);
    luaL_pushfail(L);
    return 1;
}

static int pattern_find(lua_State *L) { return find_or_match(L, 1); }
static int pattern_match(lua_State *L) { return find_or_match(L, 0); }

/// The state of one `gmatch` iteration (a userdata kept by the iterator, with the subject and
/// the pattern as its other upvalues, so the pointers stay valid).
typedef struct iteration {
    matcher m;
    const unsigned char *pattern;
    const unsigned char *next;
    const unsigned char *last_match;
} iteration;

static int gmatch_next(lua_State *L) {
    iteration *it = (iteration *)lua_touserdata(L, lua_upvalueindex(3));
    it->m.L = L;
    for (const unsigned char *start = it->next; start <= it->m.subject_end; start++) {
        restart(&it->m);
        const unsigned char *end = match(&it->m, start, it->pattern);
        if (end != NULL && end != it->last_match) {
            it->next = it->last_match = end;
            flush(&it->m);
            return push_captures(&it->m, start, end);
        }
    }
    flush(&it->m);
    it->next = it->m.subject_end + 1;
    return 0;
}

static int pattern_gmatch(lua_State *L) {
    size_t ls = 0, lp = 0;
    const char *s = luaL_checklstring(L, 1, &ls);
    const char *p = luaL_checklstring(L, 2, &lp);
    size_t init = start_position(luaL_optinteger(L, 3, 1), ls) - 1;
    if (init > ls) init = ls + 1;
    lua_settop(L, 2);
    iteration *it = (iteration *)lua_newuserdatauv(L, sizeof(iteration), 0);
    prepare(&it->m, L, s, ls, p, lp);
    it->pattern = (const unsigned char *)p;
    it->next = it->m.subject + init;
    it->last_match = NULL;
    lua_pushcclosure(L, gmatch_next, 3);
    return 1;
}

/// Appends the replacement string (argument 3) for the match `s`..`e`: `%0`…`%9`, `%%`.
static void add_string(matcher *m, luaL_Buffer *b, const unsigned char *s, const unsigned char *e) {
    lua_State *L = m->L;
    size_t length = 0;
    const char *text = lua_tolstring(L, 3, &length);
    const char *end = text + length;
    step(m, 1 + (long long)(length / 16));
    while (text < end) {
        const char *escape = memchr(text, '%', (size_t)(end - text));
        if (escape == NULL) break;
        luaL_addlstring(b, text, (size_t)(escape - text));
        escape++;
        if (escape < end && *escape == '%') {
            luaL_addchar(b, '%');
        } else if (escape < end && *escape == '0') {
            luaL_addlstring(b, (const char *)s, (size_t)(e - s));
        } else if (escape < end && isdigit((unsigned char)*escape)) {
            push_capture(m, *escape - '1', s, e);
            luaL_tolstring(L, -1, NULL);
            lua_remove(L, -2);
            luaL_addvalue(b);
        } else {
            luaL_error(L, "invalid use of '%%' in replacement string");
        }
        text = escape + 1;
    }
    luaL_addlstring(b, text, (size_t)(end - text));
}

/// Appends the replacement of the match `s`..`e`; returns whether it changed the text.
static int add_replacement(matcher *m, luaL_Buffer *b, const unsigned char *s, const unsigned char *e, int type) {
    lua_State *L = m->L;
    if (type == LUA_TFUNCTION) {
        lua_pushvalue(L, 3);
        int count = push_captures(m, s, e);
        flush(m);
        lua_callk(L, count, 1, 0, NULL);
    } else if (type == LUA_TTABLE) {
        push_capture(m, 0, s, e);
        flush(m);
        lua_gettable(L, 3);
    } else {
        add_string(m, b, s, e);
        return 1;
    }
    if (!lua_toboolean(L, -1)) {
        lua_settop(L, -2);
        luaL_addlstring(b, (const char *)s, (size_t)(e - s));
        return 0;
    }
    if (!lua_isstring(L, -1)) return luaL_error(L, "invalid replacement value (a %s)", luaL_typename(L, -1));
    luaL_addvalue(b);
    return 1;
}

static int pattern_gsub(lua_State *L) {
    size_t ls = 0, lp = 0;
    const char *s = luaL_checklstring(L, 1, &ls);
    const char *p = luaL_checklstring(L, 2, &lp);
    int type = lua_type(L, 3);
    lua_Integer max = luaL_optinteger(L, 4, (lua_Integer)ls + 1);
    luaL_argexpected(L, type == LUA_TNUMBER || type == LUA_TSTRING || type == LUA_TFUNCTION || type == LUA_TTABLE, 3,
                     "string/function/table");
    int anchored = lp > 0 && *p == '^';
    if (anchored) { p++; lp--; }
    matcher m;
    prepare(&m, L, s, ls, p, lp);
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    const unsigned char *at = m.subject, *last_match = NULL;
    lua_Integer count = 0;
    int changed = 0;
    while (count < max) {
        restart(&m);
        const unsigned char *end = match(&m, at, (const unsigned char *)p);
        if (end != NULL && end != last_match) {
            count++;
            changed = add_replacement(&m, &b, at, end, type) | changed;
            at = last_match = end;
        } else if (at < m.subject_end) {
            luaL_addchar(&b, (char)*at++);
        } else {
            break;
        }
        if (anchored) break;
    }
    flush(&m);
    if (!changed) {
        lua_pushvalue(L, 1);
    } else {
        luaL_addlstring(&b, (const char *)at, (size_t)(m.subject_end - at));
        luaL_pushresult(&b);
    }
    lua_pushinteger(L, count);
    return 2;
}

static const luaL_Reg pattern_functions[] = {
    {"find", pattern_find}, {"match", pattern_match}, {"gmatch", pattern_gmatch}, {"gsub", pattern_gsub}, {NULL, NULL}
};

void ci_sandbox_install_patterns(lua_State *L, int string_library) {
    string_library = lua_absindex(L, string_library);
    for (const luaL_Reg *f = pattern_functions; f->name; f++) {
        lua_pushcfunction(L, f->func);
        lua_setfield(L, string_library, f->name);
    }
}

void ci_sandbox_push_pattern_functions(lua_State *L) {
    lua_createtable(L, 0, 4);
    ci_sandbox_install_patterns(L, -1);
}
