/* mechtune/error.h — status codes and the caller-supplied error record.
 *
 * Every fallible core function returns an mt_status (0 ok, negative error)
 * and, when the caller passes a non-NULL mt_error, fills it with one line of
 * text that says what failed and how to fix it.  The core never prints. */
#ifndef MECHTUNE_ERROR_H
#define MECHTUNE_ERROR_H

#include <stddef.h>

typedef enum {
	MT_OK = 0,
	MT_EINVAL = -1,    /* bad input: scenario, option or report */
	MT_ENOMEM = -2,    /* allocation failed */
	MT_EIO = -3,       /* file could not be read or written */
	MT_ENUMERIC = -4,  /* a solver failed to converge or produced non-finite values */
	MT_ECANCELED = -5, /* a newer computation superseded this one */
} mt_status;

/* A path longer than MT_ERROR_FILE_MAX - 1 bytes (PATH_MAX) cannot be opened
 * anyway; it is kept cut, ending in "...".  A message that does not fit
 * MT_ERROR_MSG_MAX ends in "..." too.  MT_ERROR_TEXT_MAX holds the whole
 * "FILE:LINE:COLUMN: msg" line of mt_error_format. */
#define MT_ERROR_FILE_MAX 4096
#define MT_ERROR_MSG_MAX 1024
#define MT_ERROR_TEXT_MAX (MT_ERROR_FILE_MAX + MT_ERROR_MSG_MAX + 32)

typedef struct {
	char file[MT_ERROR_FILE_MAX]; /* "" when not about a file */
	int line;                     /* 1-based; 0 when unknown */
	int column;                   /* 1-based; 0 when unknown */
	char msg[MT_ERROR_MSG_MAX];
} mt_error;

/* Fill err (if non-NULL) and return status.  file may be NULL. */
mt_status mt_error_set(mt_error *err, mt_status status, const char *file, int line, int column,
                       const char *fmt, ...)
#if defined(__GNUC__)
        __attribute__((format(printf, 6, 7)))
#endif
        ;
#ifdef __clang_analyzer__
/* For clang's static analyzer only (scripts/test.sh), which sees one file at
 * a time: make it know that mt_error_set returns its status, so it does not
 * follow impossible "error set, yet MT_OK returned" paths. */
#define mt_error_set(err, status, ...) (mt_error_set(err, status, __VA_ARGS__), (status))
#endif

/* Format err as "FILE:LINE:COLUMN: msg" (or just "msg" when there is no
 * file) into buf of size len (MT_ERROR_TEXT_MAX holds any error).  Returns
 * buf. */
char *mt_error_format(const mt_error *err, char *buf, size_t len);

/* A short lowercase word for a status ("invalid input", ...). */
const char *mt_status_str(mt_status status);

#endif
