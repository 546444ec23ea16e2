/* Saving scenario files (include/mechtune/yamlio.h): through symbolic
 * links to their target, hard links rewritten in place, the mode kept, a
 * temporary file renamed over the old one and the folder fsync'ed. */
#define _DEFAULT_SOURCE
#include "mechtune/yamlio.h"
#include "mechtune/alloc.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <locale.h>
#include <sys/mman.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

/* ----------------------------------------------------------------- saving */

/* Longest chain of symbolic links followed (the kernel's own limit). */
#define MAX_LINKS 40

/* The folder part of path ("." when there is none), malloc'ed. */
static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return strdup(".");
	size_t n = slash == path ? 1 : (size_t)(slash - path);
	char *d = mt_malloc(n + 1);
	if (d) {
		memcpy(d, path, n);
		d[n] = '\0';
	}
	return d;
}

/* dir + "/" + name, malloc'ed. */
static char *join_path(const char *dir, const char *name)
{
	size_t a = strlen(dir), b = strlen(name);
	char *p = mt_malloc(a + 1 + b + 1);
	if (p) {
		memcpy(p, dir, a);
		p[a] = '/';
		memcpy(p + a + 1, name, b + 1);
	}
	return p;
}

/* The file that saving to path writes: path itself, or the end of the
 * chain of symbolic links starting there (which need not exist yet: a
 * dangling link is saved through too).  *is_link says whether path was a
 * link.  NULL with errno set on failure (ELOOP, ENOMEM, ...). */
static char *save_target(const char *path, bool *is_link)
{
	char *cur = strdup(path);
	*is_link = false;
	for (int hops = 0; cur; hops++) {
		struct stat lsb;
		if (lstat(cur, &lsb) < 0 || !S_ISLNK(lsb.st_mode))
			return cur;
		*is_link = true;
		if (hops == MAX_LINKS) {
			errno = ELOOP;
			break;
		}
		char link[PATH_MAX];
		ssize_t n = readlink(cur, link, sizeof link);
		if (n < 0)
			break;
		if ((size_t)n >= sizeof link) {
			errno = ENAMETOOLONG;
			break;
		}
		link[n] = '\0';
		char *next = NULL;
		if (link[0] == '/') {
			next = strdup(link);
		} else {
			char *dir = dir_of(cur);
			next = dir ? join_path(dir, link) : NULL;
			free(dir);
		}
		free(cur);
		cur = next; /* NULL: out of memory, errno is ENOMEM */
	}
	free(cur);
	return NULL;
}

/* A file we may not write: no write permission for us (root passes
 * access(), so the mode bits count too), or a read-only file system. */
static bool no_write_permission(const char *file, const struct stat *sb)
{
	return (sb->st_mode & 0222) == 0 || access(file, W_OK) < 0;
}

void mt_save_target_probe(const char *path, mt_save_target *t)
{
	struct stat sb;
	memset(t, 0, sizeof *t);
	char *file = save_target(path, &t->symlink);
	if (!file || stat(file, &sb) < 0) {
		free(file);
		return;
	}
	t->exists = true;
	t->regular = S_ISREG(sb.st_mode);
	t->read_only = t->regular && no_write_permission(file, &sb);
	t->hard_linked = t->regular && sb.st_nlink > 1;
	free(file);
}

static mt_status write_fully(int fd, const char *text, size_t len, const char *path, mt_error *err)
{
	size_t done = 0;
	while (done < len) {
		ssize_t w = write(fd, text + done, len - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return mt_error_set(
			        err, MT_EIO, path, 0, 0,
			        "cannot write the scenario: %s; free some disk space and retry",
			        strerror(errno));
		done += (size_t)w;
	}
	return MT_OK;
}

/* Flush the folder holding a renamed file, so the rename survives a crash.
 * File systems that cannot flush folders say EINVAL: nothing to do there. */
static mt_status sync_dir(const char *dir, const char *path, mt_error *err)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return MT_OK; /* a folder we may write but not read: nothing more to do */
	int rc = fsync(fd), e = errno;
	close(fd);
	if (rc < 0 && e != EINVAL && e != EROFS && e != EBADF)
		return mt_error_set(err, MT_EIO, path, 0, 0,
		                    "the file was replaced but its folder could not be flushed to "
		                    "disk: %s",
		                    strerror(e));
	return MT_OK;
}

/* A file with several hard links: rewrite it in place, so that every name
 * sees the new text.  The space is reserved before the first byte changes. */
static mt_status save_in_place(const char *file, const char *text, size_t len, const char *path,
                               mt_error *err)
{
	mt_status st = MT_OK;
	int fd = open(file, O_WRONLY | O_CLOEXEC);
	struct stat sb;
	if (fd < 0)
		return mt_error_set(err, MT_EIO, path, 0, 0, "cannot write the file: %s",
		                    strerror(errno));
	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode)) {
		st = mt_error_set(err, MT_EIO, path, 0, 0,
		                  "cannot replace the file: it is not a regular file");
		goto out;
	}
	if ((off_t)len > sb.st_size) {
		int rc = posix_fallocate(fd, 0, (off_t)len);
		if (rc && rc != EOPNOTSUPP && rc != EINVAL) {
			st = mt_error_set(
			        err, MT_EIO, path, 0, 0,
			        "cannot write the scenario: %s; the file is unchanged: free "
			        "some disk space and retry",
			        strerror(rc));
			goto out;
		}
	}
	st = write_fully(fd, text, len, path, err);
	if (!st && ftruncate(fd, (off_t)len) < 0)
		st = mt_error_set(err, MT_EIO, path, 0, 0, "cannot write the scenario: %s",
		                  strerror(errno));
	if (!st && fsync(fd) < 0)
		st = mt_error_set(err, MT_EIO, path, 0, 0, "cannot flush the scenario to disk: %s",
		                  strerror(errno));
	if (st && err) /* the old text is partly overwritten: say so */
		snprintf(err->msg + strlen(err->msg), sizeof err->msg - strlen(err->msg),
		         " (the file, which has several hard links, may be incomplete)");
out:
	if (close(fd) < 0 && !st)
		st = mt_error_set(err, MT_EIO, path, 0, 0, "cannot write the scenario: %s",
		                  strerror(errno));
	return st;
}

mt_status mt_scenario_save(const mt_scenario *sc, const char *path, mt_error *err)
{
	return mt_scenario_save_flags(sc, path, 0, err);
}

/* The file a save replaces: *exists (and *sb) say whether it is there; it
 * must be a regular file, and writable unless flags has
 * MT_SAVE_READ_ONLY_OK. */
static mt_status check_target(const char *file, unsigned flags, bool *exists, struct stat *sb,
                              const char *path, mt_error *err)
{
	*exists = stat(file, sb) == 0;
	if (!*exists && errno != ENOENT)
		return mt_error_set(err, MT_EIO, path, 0, 0, "cannot check the file: %s",
		                    strerror(errno));
	if (*exists && !S_ISREG(sb->st_mode))
		return mt_error_set(err, MT_EIO, path, 0, 0,
		                    "cannot replace the file: it is %s, not a regular file; choose "
		                    "another name",
		                    S_ISDIR(sb->st_mode) ? "a folder" : "a special file");
	if (*exists && !(flags & MT_SAVE_READ_ONLY_OK) && no_write_permission(file, sb))
		return mt_error_set(err, MT_EIO, path, 0, 0,
		                    "the file is read-only (mode %04o); not replaced: make it "
		                    "writable or save under another name",
		                    (unsigned)(sb->st_mode & 07777));
	return MT_OK;
}

/* The temporary file fd gets the permissions and owner of the file it
 * replaces (old, NULL: a new file, 0666 less the umask). */
static mt_status set_temp_owner_mode(int fd, const struct stat *old, const char *path,
                                     mt_error *err)
{
	mode_t mode;
	if (old) {
		mode = old->st_mode & 07777; /* keep the permissions of the file we replace */
		/* and its owner: only root may give a file away, anyone may keep
		 * a group they belong to */
		if ((old->st_uid != geteuid() || old->st_gid != getegid()) &&
		    fchown(fd, geteuid() == 0 ? old->st_uid : (uid_t)-1, old->st_gid) < 0 &&
		    geteuid() == 0)
			return mt_error_set(err, MT_EIO, path, 0, 0,
			                    "cannot keep the owner of the file: %s",
			                    strerror(errno));
	} else {
		mode_t mask = umask(022); /* read the umask: umask() only swaps */
		umask(mask);
		mode = 0666 & ~mask;
	}
	if (fchmod(fd, mode) < 0)
		return mt_error_set(err, MT_EIO, path, 0, 0,
		                    "cannot set permissions of the temporary file: %s",
		                    strerror(errno));
	return MT_OK;
}

mt_status mt_scenario_save_flags(const mt_scenario *sc, const char *path, unsigned flags,
                                 mt_error *err)
{
	mt_status st;
	char *text = NULL, *tmp = NULL, *file = NULL, *dir = NULL;
	size_t len = 0;
	int fd = -1;
	bool created = false, is_link = false, exists;
	struct stat sb;

	st = mt_scenario_emit(sc, &text, &len, err);
	if (st) {
		if (err)
			snprintf(err->file, sizeof err->file, "%s", path);
		goto out;
	}
	file = save_target(path, &is_link);
	if (!file) {
		st = mt_error_set(err, errno == ENOMEM ? MT_ENOMEM : MT_EIO, path, 0, 0,
		                  "cannot follow the symbolic link: %s", strerror(errno));
		goto out;
	}
	if ((st = check_target(file, flags, &exists, &sb, path, err)))
		goto out;
	if (exists && sb.st_nlink > 1) {
		st = save_in_place(file, text, len, path, err);
		goto out;
	}
	/* A short temporary name in the target's folder, so rename() is atomic
	 * and a 255-byte file name still leaves room for it. */
	dir = dir_of(file);
	tmp = dir ? join_path(dir, ".mechtune-XXXXXX") : NULL;
	if (!tmp) {
		st = mt_error_set(err, MT_ENOMEM, path, 0, 0, "out of memory while saving");
		goto out;
	}
	fd = mkstemp(tmp);
	if (fd < 0) {
		st = mt_error_set(
		        err, MT_EIO, path, 0, 0,
		        "cannot create a temporary file next to it: %s; check that the folder "
		        "exists and is writable",
		        strerror(errno));
		goto out;
	}
	created = true;
	if ((st = set_temp_owner_mode(fd, exists ? &sb : NULL, path, err)))
		goto out;
	st = write_fully(fd, text, len, path, err);
	if (st)
		goto out;
	if (fsync(fd) < 0) {
		st = mt_error_set(err, MT_EIO, path, 0, 0, "cannot flush the scenario to disk: %s",
		                  strerror(errno));
		goto out;
	}
	if (close(fd) < 0) {
		fd = -1;
		st = mt_error_set(err, MT_EIO, path, 0, 0, "cannot write the scenario: %s",
		                  strerror(errno));
		goto out;
	}
	fd = -1;
	if (rename(tmp, file) < 0) {
		st = mt_error_set(err, MT_EIO, path, 0, 0,
		                  "cannot replace the file: %s; check that the folder is writable",
		                  strerror(errno));
		goto out;
	}
	created = false;
	st = sync_dir(dir, path, err);
out:
	if (fd >= 0)
		close(fd);
	if (created)
		unlink(tmp);
	free(tmp);
	free(dir);
	free(file);
	free(text);
	return st;
}
