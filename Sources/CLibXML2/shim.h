#ifndef CLIENTIMPORT_CLIBXML2_SHIM_H
#define CLIENTIMPORT_CLIBXML2_SHIM_H
// ICU's UErrorCode clashes with Foundation's copy, so libxml2 must not pull ICU in.
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/SAX2.h>
#include <libxml/xmlerror.h>
#endif
