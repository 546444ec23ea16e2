/* mechtune/yamlio.h — reading and writing scenario files (YAML, libyaml).
 *
 * The format is documented in docs/scenario-format.md.  Loading validates
 * everything and never returns a half-loaded scenario; errors carry
 * FILE:LINE:COLUMN.  Saving is atomic: a temporary file in the same folder
 * is written, flushed and renamed over the target. */
#ifndef MECHTUNE_YAMLIO_H
#define MECHTUNE_YAMLIO_H

#include <stddef.h>

#include "mechtune/scenario.h"

/* Files larger than this are refused before parsing. */
#define MT_SCENARIO_MAX_BYTES (16u * 1024u * 1024u)

/* Load a scenario from path.  On success *out owns a new scenario. */
mt_status mt_scenario_load_file(const char *path, mt_scenario **out, mt_error *err);

/* Load from a buffer; name is used as FILE in error messages. */
mt_status mt_scenario_load_buffer(const char *text, size_t len, const char *name, mt_scenario **out,
                                  mt_error *err);

/* Serialize sc as YAML into a new malloc'ed NUL-terminated buffer. */
mt_status mt_scenario_emit(const mt_scenario *sc, char **text, size_t *len, mt_error *err);

/* Write sc to path atomically. */
mt_status mt_scenario_save(const mt_scenario *sc, const char *path, mt_error *err);

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
