#ifndef CLIENTIMPORT_CLIBPQ_SHIM_H
#define CLIENTIMPORT_CLIBPQ_SHIM_H
// libpq, PostgreSQL's client library (Debian's libpq-dev; pkg-config libpq adds its include folder).
#include <libpq-fe.h>
#endif
