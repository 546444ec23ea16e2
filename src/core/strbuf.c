/* Bounded text building (include/mechtune/strbuf.h). */
#include "mechtune/strbuf.h"

#include <stdio.h>
#include <string.h>

void mt_strbuf_init(mt_strbuf *b, char *buf, size_t cap)
{
	b->buf = buf;
	b->cap = cap;
	b->len = 0;
	b->truncated = false;
	if (cap)
		buf[0] = '\0';
}

/* Shorten to at most len bytes without leaving a partial UTF-8 sequence. */
static void cut_to(mt_strbuf *b, size_t len)
{
	const unsigned char *s = (const unsigned char *)b->buf;
	if (len > b->len)
		len = b->len;
	if (len < b->len) {
		/* s[len] is the first byte dropped; if it continues a sequence,
		 * drop that sequence's start too. */
		while (len > 0 && (s[len] & 0xC0) == 0x80)
			len--;
	}
	b->len = len;
	b->buf[len] = '\0';
}

void mt_strbuf_vaddf(mt_strbuf *b, const char *fmt, va_list ap)
{
	if (!b->cap || b->truncated)
		return;
	size_t room = b->cap - b->len;
	int n = vsnprintf(b->buf + b->len, room, fmt, ap);
	if (n < 0) {
		b->buf[b->len] = '\0';
		b->truncated = true;
		return;
	}
	if ((size_t)n < room) {
		b->len += (size_t)n;
		return;
	}
	/* vsnprintf wrote room - 1 bytes and a NUL: drop the last character
	 * if it was cut in the middle. */
	b->truncated = true;
	const unsigned char *s = (const unsigned char *)b->buf;
	size_t end = b->cap - 1, start = end;
	while (start > 0 && (s[start - 1] & 0xC0) == 0x80)
		start--;
	if (start > 0 && s[start - 1] >= 0xC0) {
		unsigned char lead = s[start - 1];
		size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
		if (end - (start - 1) < need)
			end = start - 1; /* the last character is incomplete */
	}
	b->len = end;
	b->buf[end] = '\0';
}

void mt_strbuf_addf(mt_strbuf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	mt_strbuf_vaddf(b, fmt, ap);
	va_end(ap);
}

void mt_strbuf_add(mt_strbuf *b, const char *s)
{
	mt_strbuf_addf(b, "%s", s);
}

const char *mt_strbuf_finish(mt_strbuf *b, const char *ellipsis)
{
	if (!b->cap)
		return "";
	if (!b->truncated || !ellipsis)
		return b->buf;
	size_t el = strlen(ellipsis);
	if (el + 1 > b->cap)
		return b->buf;
	if (b->len + el + 1 > b->cap)
		cut_to(b, b->cap - 1 - el);
	memcpy(b->buf + b->len, ellipsis, el + 1);
	b->len += el;
	return b->buf;
}
