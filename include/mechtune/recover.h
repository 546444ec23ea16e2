/* mechtune/recover.h — recovery files: unsaved work written when the
 * explorer is killed (vim's swap file, nano's .save).
 *
 * The recovery file of FILE is .FILE.mtrecover next to it (.FILE.2.mtrecover
 * ... .FILE.9.mtrecover when older ones exist); when that folder cannot be
 * written, it goes to the state folder, $XDG_STATE_HOME/mechtune/ (default
 * ~/.local/state/mechtune/), named after FILE's absolute path with every '/'
 * as '%' (vim's naming).  The document without a file (the embedded default
 * or a lesson's scenario) uses embedded-default.mtrecover in the state
 * folder.
 *
 * A recovery file is published in one step (a temporary file, written,
 * fsync'ed, then hard-linked to the first free name, and the folder
 * fsync'ed), so a reader never sees half of one and an existing one is never
 * replaced, except the one this session restored from ("owned"), which it
 * rewrites by rename.
 *
 * Every function here uses only fixed buffers and system calls:
 * mt_recover_write and mt_recover_find are async-signal-safe, so a fatal
 * signal handler may call them on text serialized in advance. */
#ifndef MECHTUNE_RECOVER_H
#define MECHTUNE_RECOVER_H

#include <stdbool.h>
#include <stddef.h>

#include "mechtune/error.h"

#define MT_RECOVER_PATH_MAX 4096
#define MT_RECOVER_SLOTS 9 /* .FILE.mtrecover, .FILE.2.mtrecover ... .FILE.9.mtrecover */
#define MT_RECOVER_SUFFIX ".mtrecover"

/* The places the recovery files of one document may live in, most
 * preferred first.  Plain data: copy it freely. */
typedef struct {
	size_t nloc;
	struct {
		char dir[MT_RECOVER_PATH_MAX];  /* the folder ("." for a bare name) */
		char stem[MT_RECOVER_PATH_MAX]; /* dir/.FILE or statedir/%abs%path */
		bool state;                     /* the state folder: created on demand */
	} loc[2];
} mt_recover_places;

/* Compute the places for the document saved at file (NULL: no file).
 * Reads $XDG_STATE_HOME (ignored unless absolute) and $HOME; realpath()s
 * file for the state-folder name.  Fails (MT_EINVAL) only when no place is
 * usable (no file and neither variable set). */
mt_status mt_recover_places_init(mt_recover_places *p, const char *file, mt_error *err);

/* The path of slot k (0 ... MT_RECOVER_SLOTS-1) of location l in buf;
 * false when it does not fit. */
bool mt_recover_slot(const mt_recover_places *p, size_t l, unsigned k, char *buf, size_t len);

/* The first existing recovery file (a regular file) in preference order,
 * skipping the path `skip` (NULL: none); false when there is none. */
bool mt_recover_find(const mt_recover_places *p, const char *skip, char *buf, size_t len);

/* Write text[0..len) as a recovery file.  When owned is a non-empty path,
 * it is replaced (rename); otherwise, or when that fails, the text goes to
 * the first free slot of the first location that can be written.  The path
 * written is copied to written.  Returns 0, or the errno of the last
 * failure (written then holds the folder that failed).  Async-signal-safe. */
int mt_recover_write(const mt_recover_places *p, const char *owned, const char *text, size_t len,
                     char *written, size_t wlen);

#endif
