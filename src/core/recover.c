/* Recovery files (include/mechtune/recover.h).  mt_recover_write and
 * mt_recover_find run in signal handlers: they use no malloc, no stdio and
 * no locale, only the string helpers below and async-signal-safe calls. */
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700 /* realpath */
#endif
#include "mechtune/recover.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef NAME_MAX
#define NAME_MAX 255
#endif

/* The longest slot suffix, ".9.mtrecover". */
#define SLOT_SUFFIX_MAX (sizeof ".9" MT_RECOVER_SUFFIX - 1)

/* Append s to buf (holding *n bytes of size len); false when it does not fit. */
static bool cat(char *buf, size_t len, size_t *n, const char *s)
{
	size_t k = 0;
	while (s[k]) {
		if (*n + 1 >= len)
			return false;
		buf[(*n)++] = s[k++];
	}
	buf[*n] = 0;
	return true;
}

static bool cat_u(char *buf, size_t len, size_t *n, unsigned long long v)
{
	char d[24];
	size_t k = sizeof d;
	d[--k] = 0;
	do
		d[--k] = (char)('0' + v % 10);
	while (v /= 10);
	return cat(buf, len, n, d + k);
}

/* The folder of path ("." when it has no '/', "/" for a file at the root). */
static bool dir_of(const char *path, char *buf, size_t len)
{
	const char *slash = strrchr(path, '/');
	size_t n = 0;
	if (!slash)
		return cat(buf, len, &n, ".");
	size_t k = (size_t)(slash - path);
	if (k == 0)
		k = 1;
	if (k + 1 > len)
		return false;
	memcpy(buf, path, k);
	buf[k] = 0;
	return true;
}

static bool state_dir(char *buf, size_t len)
{
	const char *xdg = getenv("XDG_STATE_HOME");
	const char *home = getenv("HOME");
	size_t n = 0;
	buf[0] = 0;
	if (xdg && xdg[0] == '/') /* the XDG spec: relative values are ignored */
		return cat(buf, len, &n, xdg) && cat(buf, len, &n, "/mechtune");
	if (home && home[0])
		return cat(buf, len, &n, home) && cat(buf, len, &n, "/.local/state/mechtune");
	return false;
}

static uint64_t fnv1a(const char *s)
{
	uint64_t h = 14695981039346656037u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211u;
	return h;
}

static bool add_state_loc(mt_recover_places *p, const char *sdir, const char *name)
{
	size_t n = 0;
	char *stem = p->loc[p->nloc].stem;
	if (!cat(p->loc[p->nloc].dir, MT_RECOVER_PATH_MAX, &n, sdir))
		return false;
	n = 0;
	if (!cat(stem, MT_RECOVER_PATH_MAX, &n, sdir) || !cat(stem, MT_RECOVER_PATH_MAX, &n, "/") ||
	    !cat(stem, MT_RECOVER_PATH_MAX, &n, name) || n + SLOT_SUFFIX_MAX >= MT_RECOVER_PATH_MAX)
		return false;
	p->loc[p->nloc++].state = true;
	return true;
}

mt_status mt_recover_places_init(mt_recover_places *p, const char *file, mt_error *err)
{
	memset(p, 0, sizeof *p);
	char sdir[MT_RECOVER_PATH_MAX];
	bool have_state = state_dir(sdir, sizeof sdir);
	if (!file) {
		if (have_state)
			add_state_loc(p, sdir, "embedded-default");
	} else {
		/* Next to the file: dir/.FILE */
		const char *slash = strrchr(file, '/');
		const char *base = slash ? slash + 1 : file;
		size_t n = 0;
		char *stem = p->loc[0].stem;
		if (base[0] && 1 + strlen(base) + SLOT_SUFFIX_MAX <= NAME_MAX &&
		    dir_of(file, p->loc[0].dir, MT_RECOVER_PATH_MAX)) {
			bool ok = true;
			if (slash)
				ok = cat(stem, MT_RECOVER_PATH_MAX, &n, p->loc[0].dir) &&
				     (!strcmp(p->loc[0].dir, "/") ||
				      cat(stem, MT_RECOVER_PATH_MAX, &n, "/"));
			ok = ok && cat(stem, MT_RECOVER_PATH_MAX, &n, ".") &&
			     cat(stem, MT_RECOVER_PATH_MAX, &n, base) &&
			     n + SLOT_SUFFIX_MAX < MT_RECOVER_PATH_MAX;
			if (ok)
				p->nloc = 1;
			else
				memset(&p->loc[0], 0, sizeof p->loc[0]);
		}
		/* In the state folder: the absolute path, '/' as '%' (or, when
		 * that is too long a name, the base name and a hash of the path). */
		char *abs = realpath(file, NULL);
		if (have_state && abs) {
			char name[NAME_MAX + 1];
			if (strlen(abs) + SLOT_SUFFIX_MAX <= NAME_MAX) {
				strcpy(name, abs);
				for (char *c = name; *c; c++)
					if (*c == '/')
						*c = '%';
			} else {
				const char *b = strrchr(abs, '/') + 1;
				size_t k = 0;
				char hex[17];
				uint64_t h = fnv1a(abs);
				for (int d = 15; d >= 0; d--, h >>= 4)
					hex[d] = "0123456789abcdef"[h & 15];
				hex[16] = 0;
				size_t blen = strlen(b) > 200 ? 200 : strlen(b);
				memcpy(name, b, blen);
				name[blen] = 0;
				k = blen;
				cat(name, sizeof name, &k, "-");
				cat(name, sizeof name, &k, hex);
			}
			add_state_loc(p, sdir, name);
		}
		free(abs);
	}
	if (!p->nloc)
		return mt_error_set(err, MT_EINVAL, file, 0, 0,
		                    "no folder for recovery files: set HOME or XDG_STATE_HOME");
	return MT_OK;
}

bool mt_recover_slot(const mt_recover_places *p, size_t l, unsigned k, char *buf, size_t len)
{
	size_t n = 0;
	if (l >= p->nloc || k >= MT_RECOVER_SLOTS || !cat(buf, len, &n, p->loc[l].stem))
		return false;
	if (k > 0 && !(cat(buf, len, &n, ".") && cat_u(buf, len, &n, k + 1)))
		return false;
	return cat(buf, len, &n, MT_RECOVER_SUFFIX);
}

bool mt_recover_find(const mt_recover_places *p, const char *skip, char *buf, size_t len)
{
	for (size_t l = 0; l < p->nloc; l++)
		for (unsigned k = 0; k < MT_RECOVER_SLOTS; k++) {
			struct stat sb;
			if (mt_recover_slot(p, l, k, buf, len) && !lstat(buf, &sb) &&
			    S_ISREG(sb.st_mode) && !(skip && !strcmp(skip, buf)))
				return true;
		}
	return false;
}

/* ---- writing (async-signal-safe) ------------------------------------------------ */

static void fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

/* mkdir -p with mode 0700 (the state folder holds private work). */
static int make_dirs(const char *dir)
{
	char buf[MT_RECOVER_PATH_MAX];
	size_t n = 0;
	if (!cat(buf, sizeof buf, &n, dir))
		return ENAMETOOLONG;
	for (size_t k = 1; k <= n; k++) {
		if (buf[k] != '/' && buf[k] != 0)
			continue;
		char c = buf[k];
		buf[k] = 0;
		if (mkdir(buf, 0700) < 0 && errno != EEXIST)
			return errno;
		buf[k] = c;
	}
	return 0;
}

/* Create path exclusively and write text into it; 0 or errno. */
static int write_new(const char *path, const char *text, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return errno;
	size_t done = 0;
	int e = 0;
	while (done < len) {
		ssize_t w = write(fd, text + done, len - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			e = w < 0 ? errno : EIO;
			break;
		}
		done += (size_t)w;
	}
	if (!e && fsync(fd) < 0)
		e = errno;
	if (close(fd) < 0 && !e)
		e = errno;
	if (e)
		unlink(path);
	return e;
}

/* dir/.mtrecover-PID.tmp, written; a stale one of a dead process that had
 * our pid is replaced. */
static int write_tmp(const char *dir, char *tmp, size_t tlen, const char *text, size_t len)
{
	size_t n = 0;
	if (!cat(tmp, tlen, &n, dir) || !cat(tmp, tlen, &n, "/.mtrecover-") ||
	    !cat_u(tmp, tlen, &n, (unsigned long long)getpid()) || !cat(tmp, tlen, &n, ".tmp"))
		return ENAMETOOLONG;
	int e = write_new(tmp, text, len);
	if (e == EEXIST) {
		unlink(tmp);
		e = write_new(tmp, text, len);
	}
	return e;
}

static void copy_out(char *out, size_t olen, const char *s)
{
	size_t n = 0;
	if (olen) {
		out[0] = 0;
		cat(out, olen, &n, s);
	}
}

/* Write into a free slot of location l; 0 or errno. */
static int write_loc(const mt_recover_places *p, size_t l, const char *text, size_t len,
                     char *written, size_t wlen)
{
	char tmp[MT_RECOVER_PATH_MAX], path[MT_RECOVER_PATH_MAX];
	const char *dir = p->loc[l].dir;
	int e = p->loc[l].state ? make_dirs(dir) : 0;
	if (!e)
		e = write_tmp(dir, tmp, sizeof tmp, text, len);
	if (e)
		return e;
	e = EEXIST;
	for (unsigned k = 0; k < MT_RECOVER_SLOTS && e == EEXIST; k++) {
		if (!mt_recover_slot(p, l, k, path, sizeof path)) {
			e = ENAMETOOLONG;
			break;
		}
		e = link(tmp, path) < 0 ? errno : 0;
		if (e == EPERM || e == ENOTSUP || e == EOPNOTSUPP || e == ENOSYS || e == EMLINK)
			e = write_new(path, text, len); /* no hard links here: still exclusive */
	}
	unlink(tmp);
	if (!e) {
		fsync_dir(dir);
		copy_out(written, wlen, path);
	}
	return e;
}

int mt_recover_write(const mt_recover_places *p, const char *owned, const char *text, size_t len,
                     char *written, size_t wlen)
{
	int e = ENOENT;
	copy_out(written, wlen, "");
	if (owned && owned[0]) {
		char dir[MT_RECOVER_PATH_MAX], tmp[MT_RECOVER_PATH_MAX];
		if (dir_of(owned, dir, sizeof dir) && !write_tmp(dir, tmp, sizeof tmp, text, len)) {
			if (!rename(tmp, owned)) {
				fsync_dir(dir);
				copy_out(written, wlen, owned);
				return 0;
			}
			unlink(tmp);
		}
	}
	for (size_t l = 0; l < p->nloc; l++) {
		e = write_loc(p, l, text, len, written, wlen);
		if (!e)
			return 0;
		copy_out(written, wlen, p->loc[l].dir);
	}
	return e;
}
