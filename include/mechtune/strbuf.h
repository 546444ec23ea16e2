/* mechtune/strbuf.h — building text in a fixed buffer without overflow.
 *
 * The pattern `k += snprintf(buf + k, sizeof buf - k, ...)` overflows as
 * soon as one piece is cut: snprintf returns the length it wanted, k passes
 * the end and `sizeof buf - k` wraps around.  An mt_strbuf clamps instead:
 * once a piece does not fit, the text keeps the longest prefix that does
 * (never a partial UTF-8 character) and every later piece is dropped.
 * mt_strbuf_finish then marks the cut with an ellipsis. */
#ifndef MECHTUNE_STRBUF_H
#define MECHTUNE_STRBUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct {
	char *buf;      /* caller storage, always NUL-terminated when cap > 0 */
	size_t cap;     /* bytes of buf */
	size_t len;     /* strlen(buf) */
	bool truncated; /* some text did not fit */
} mt_strbuf;

/* Start an empty text in buf[cap] (cap 0: nothing is ever written). */
void mt_strbuf_init(mt_strbuf *b, char *buf, size_t cap);

/* Append printf-style; what does not fit is dropped (b->truncated). */
void mt_strbuf_addf(mt_strbuf *b, const char *fmt, ...)
#if defined(__GNUC__)
        __attribute__((format(printf, 2, 3)))
#endif
        ;
void mt_strbuf_vaddf(mt_strbuf *b, const char *fmt, va_list ap)
#if defined(__GNUC__)
        __attribute__((format(printf, 2, 0)))
#endif
        ;
/* Append s as it is. */
void mt_strbuf_add(mt_strbuf *b, const char *s);

/* When something was cut, replace the end by `ellipsis` (shortening the
 * text at a character boundary so it fits; nothing if even the ellipsis
 * does not fit).  Returns b->buf. */
const char *mt_strbuf_finish(mt_strbuf *b, const char *ellipsis);

#endif
