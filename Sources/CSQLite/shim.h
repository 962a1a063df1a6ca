#ifndef CLIENTIMPORT_CSQLITE_SHIM_H
#define CLIENTIMPORT_CSQLITE_SHIM_H
#include <sqlite3.h>

// SQLITE_TRANSIENT and SQLITE_STATIC are cast macros that Swift cannot import.
static inline sqlite3_destructor_type csqlite_transient(void) { return SQLITE_TRANSIENT; }
static inline sqlite3_destructor_type csqlite_static(void) { return SQLITE_STATIC; }

// sqlite3_config is variadic, which Swift cannot call. Memory statistics take a global mutex and
// update counters on every allocation; nothing here reads them (sqlite3_memory_used, soft heap
// limits). Only takes effect before SQLite initialises (the first open); SQLITE_MISUSE after.
static inline int csqlite_disable_memory_statistics(void) {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

// sqlite3_db_config is variadic too. The last connection to close a WAL base copies the WAL into
// the main file (a checkpoint): a base this build refuses must not be written even that way.
static inline int csqlite_no_checkpoint_on_close(sqlite3 *db) {
    return sqlite3_db_config(db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, (int *)0);
}
#endif
