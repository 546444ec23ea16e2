/* Status codes and the error record (include/mechtune/error.h). */
#include "mechtune/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#undef mt_error_set /* the analyzer-only macro of error.h */

/* End a string that snprintf cut at len - 1 bytes with "...", without
 * leaving half a UTF-8 sequence before it. */
static void mark_cut(char *s, size_t len)
{
	size_t end = len - 4;
	while (end > 0 && ((unsigned char)s[end] & 0xC0) == 0x80)
		end--;
	memcpy(s + end, "...", 4);
}

mt_status mt_error_set(mt_error *err, mt_status status, const char *file, int line, int column,
                       const char *fmt, ...)
{
	if (!err)
		return status;
	int n = snprintf(err->file, sizeof err->file, "%s", file ? file : "");
	if (n >= (int)sizeof err->file)
		mark_cut(err->file, sizeof err->file);
	err->line = line;
	err->column = column;
	va_list ap;
	va_start(ap, fmt);
	n = vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	va_end(ap);
	if (n >= (int)sizeof err->msg)
		mark_cut(err->msg, sizeof err->msg);
	return status;
}

char *mt_error_format(const mt_error *err, char *buf, size_t len)
{
	if (!len)
		return buf;
	if (!err) {
		buf[0] = '\0';
	} else if (err->file[0] && err->line > 0) {
		snprintf(buf, len, "%s:%d:%d: %s", err->file, err->line, err->column, err->msg);
	} else if (err->file[0]) {
		snprintf(buf, len, "%s: %s", err->file, err->msg);
	} else {
		snprintf(buf, len, "%s", err->msg);
	}
	return buf;
}

const char *mt_status_str(mt_status status)
{
	switch (status) {
	case MT_OK: return "ok";
	case MT_EINVAL: return "invalid input";
	case MT_ENOMEM: return "out of memory";
	case MT_EIO: return "input/output error";
	case MT_ENUMERIC: return "numerical failure";
	case MT_ECANCELED: return "cancelled";
	}
	return "unknown error";
}
