#ifndef CLIENTIMPORT_CLIBXML2_SHIM_H
#define CLIENTIMPORT_CLIBXML2_SHIM_H
// ICU's UErrorCode clashes with Foundation's copy, so libxml2 must not pull ICU in.
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/SAX2.h>
#include <libxml/xmlerror.h>

// libxml2 prints some errors (encoding conversion, I/O) to stderr itself, with bytes of the
// document in them: library code must not print, least of all a client's data. The parser's own
// errors are read back from its context. libxml2 keeps these handlers per thread.
static inline void ci_xml_ignore_generic(void *context, const char *message, ...) { (void)context; (void)message; }
static inline void ci_xml_ignore_structured(void *context, xmlErrorPtr error) { (void)context; (void)error; }
static inline void ci_xml_silence_global_errors(void) {
    xmlSetGenericErrorFunc(NULL, ci_xml_ignore_generic);
    xmlSetStructuredErrorFunc(NULL, ci_xml_ignore_structured);
}
#endif
