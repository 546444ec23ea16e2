/* mechtune/yamlio.h — reading and writing scenario files (YAML, libyaml).
 *
 * The format is documented in docs/scenario-format.md.  Loading validates
 * everything and never returns a half-loaded scenario; errors carry
 * FILE:LINE:COLUMN.  Saving is atomic: a temporary file in the same folder
 * is written, flushed and renamed over the target (mt_scenario_save_flags
 * says what else it keeps). */
#ifndef MECHTUNE_YAMLIO_H
#define MECHTUNE_YAMLIO_H

#include <stdbool.h>
#include <stddef.h>

#include "mechtune/scenario.h"

/* Files larger than this are refused before parsing. */
#define MT_SCENARIO_MAX_BYTES (16u * 1024u * 1024u)

/* Load a scenario from path.  On success *out owns a new scenario. */
mt_status mt_scenario_load_file(const char *path, mt_scenario **out, mt_error *err);

/* Load from a buffer; name is used as FILE in error messages. */
mt_status mt_scenario_load_buffer(const char *text, size_t len, const char *name, mt_scenario **out,
                                  mt_error *err);

/* A number as scenario files spell it: decimal digits with an optional
 * sign, point and exponent ("0.45", "-2e-3"), finite, read in the "C"
 * locale.  Hex ("0x1p-2"), inf, nan, spaces and anything else are refused
 * (false, *out untouched).  The loader and the explorer's editor share it. */
bool mt_parse_decimal(const char *s, double *out);

/* Serialize sc as YAML into a new malloc'ed NUL-terminated buffer. */
mt_status mt_scenario_emit(const mt_scenario *sc, char **text, size_t *len, mt_error *err);

/* Write sc to path the way a careful editor does:
 *  - a symbolic link is followed: its target is written and the link stays;
 *  - an existing file keeps its permission bits (and, when running as root,
 *    its owner and group); a new file gets 0666 minus the umask;
 *  - the text goes to a temporary file with a short name in the target's
 *    folder, which is flushed (fsync) and renamed over the target, then the
 *    folder is flushed too: a failure at any point leaves the old file as it
 *    was and removes the temporary file;
 *  - a file with several hard links is rewritten in place instead, so every
 *    name sees the new text: its space is reserved first, so a full disk
 *    fails before anything changes;
 *  - a file without write permission (a read-only file, mode 0444) is
 *    refused unless flags has MT_SAVE_READ_ONLY_OK (the user confirmed; it
 *    stays read-only).
 * err->file is always path as given. */
#define MT_SAVE_READ_ONLY_OK 1u
mt_status mt_scenario_save_flags(const mt_scenario *sc, const char *path, unsigned flags,
                                 mt_error *err);
/* mt_scenario_save_flags(sc, path, 0, err). */
mt_status mt_scenario_save(const mt_scenario *sc, const char *path, mt_error *err);

/* What saving to path would replace, so a face can ask first. */
typedef struct {
	bool exists;      /* something is at path (a dangling link: false) */
	bool regular;     /* it is a regular file (after following links) */
	bool read_only;   /* it is a file we may not write (no write permission) */
	bool symlink;     /* path is a symbolic link (its target is written) */
	bool hard_linked; /* the file has other hard links (rewritten in place) */
} mt_save_target;
void mt_save_target_probe(const char *path, mt_save_target *t);

/* The embedded default scenario (a copy of scenarios/default.yaml). */
extern const char *const mt_default_scenario_yaml;
mt_status mt_scenario_default(mt_scenario **out, mt_error *err);

/* Scenarios compiled into the binary (the default one and those the lessons
 * use), by file name; the table ends with {NULL, NULL}. */
struct mt_embedded_scenario {
	const char *file; /* "polarization.yaml" */
	const char *text;
};
extern const struct mt_embedded_scenario mt_embedded_scenarios[];

/* Load the embedded scenario with file name `file`; MT_EINVAL if none. */
mt_status mt_scenario_load_embedded(const char *file, mt_scenario **out, mt_error *err);

#endif
