/* Status codes and the error record (include/mechtune/error.h). */
#include "mechtune/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

mt_status mt_error_set(mt_error *err, mt_status status, const char *file, int line, int column,
                       const char *fmt, ...)
{
	if (!err)
		return status;
	snprintf(err->file, sizeof err->file, "%s", file ? file : "");
	err->line = line;
	err->column = column;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	va_end(ap);
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
