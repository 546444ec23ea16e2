/* Writing scenario files (include/mechtune/yamlio.h): the emitter, with
 * numbers in the "C" locale and the shortest text that reads back exactly. */
#include "mechtune/yamlio.h"
#include "mechtune/alloc.h"
#include "yamlio_internal.h"

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

/* Preferred line width of written files. */
#define WIDTH 80

/* --------------------------------------------------------------- emitting */

struct em {
	yaml_emitter_t e;
	bool ok, oom;
	char *data;
	size_t len, cap;
};

static int write_out(void *ctx, unsigned char *bytes, size_t size)
{
	struct em *o = ctx;
	if (o->len + size + 1 > o->cap) {
		size_t cap = o->cap ? o->cap : 1024;
		char *d;
		while (cap < o->len + size + 1)
			cap *= 2;
		d = mt_realloc(o->data, cap);
		if (!d) {
			o->oom = true;
			return 0;
		}
		o->data = d;
		o->cap = cap;
	}
	memcpy(o->data + o->len, bytes, size);
	o->len += size;
	o->data[o->len] = '\0';
	return 1;
}

/* Emit one event; after the first failure every call is a no-op. */
static void put(struct em *o, yaml_event_t *ev, int initialized)
{
	if (!initialized) {
		o->ok = false;
		o->oom = true;
		return;
	}
	if (!o->ok) {
		yaml_event_delete(ev);
		return;
	}
	if (!yaml_emitter_emit(&o->e, ev)) /* the emitter owns ev either way */
		o->ok = false;
}

/* Would a plain scalar s be read back by a YAML 1.1 tool as a number, boolean
 * or null?  Such names are quoted so that other tools keep them as text. */
static bool looks_special(const char *s)
{
	static const char *const words[] = {"~",  "null", "true", "false", "yes", "no",
	                                    "on", "off",  "y",    "n",     NULL};
	char *end;
	if (!*s || mt_yio_nonfinite_spelling(s))
		return true;
	(void)strtod(s, &end);
	if (!*end)
		return true;
	return mt_yio_word_in(s, words);
}

/* prose: long text (the description) may be folded over several lines. */
static void put_text(struct em *o, const char *s, bool prose)
{
	yaml_event_t ev;
	size_t len = strlen(s);
	yaml_scalar_style_t style = YAML_ANY_SCALAR_STYLE;
	if (len > INT_MAX) {
		o->ok = false;
		return;
	}
	if (strchr(s, '\n'))
		style = YAML_LITERAL_SCALAR_STYLE;
	else if (prose && len > WIDTH / 2)
		style = YAML_FOLDED_SCALAR_STYLE; /* long prose: `>-` and wrapped lines */
	else if (looks_special(s))
		style = YAML_SINGLE_QUOTED_SCALAR_STYLE;
	put(o, &ev,
	    yaml_scalar_event_initialize(&ev, NULL, NULL, (const yaml_char_t *)s, (int)len, 1, 1,
	                                 style));
}

static void put_plain(struct em *o, const char *s)
{
	yaml_event_t ev;
	put(o, &ev,
	    yaml_scalar_event_initialize(&ev, NULL, NULL, (const yaml_char_t *)s, (int)strlen(s), 1,
	                                 1, YAML_PLAIN_SCALAR_STYLE));
}

/* Shortest of %.15g / %.17g that reads back as exactly x. */
static void put_num(struct em *o, double x)
{
	char buf[40];
	snprintf(buf, sizeof buf, "%.15g", x);
	if (strtod(buf, NULL) != x || signbit(strtod(buf, NULL)) != signbit(x))
		snprintf(buf, sizeof buf, "%.17g", x);
	put_plain(o, buf);
}

static void put_u64(struct em *o, uint64_t v)
{
	char buf[32];
	snprintf(buf, sizeof buf, "%" PRIu64, v);
	put_plain(o, buf);
}

static void put_seq(struct em *o, bool flow)
{
	yaml_event_t ev;
	put(o, &ev,
	    yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1,
	                                         flow ? YAML_FLOW_SEQUENCE_STYLE
	                                              : YAML_BLOCK_SEQUENCE_STYLE));
}

static void put_map(struct em *o, bool flow)
{
	yaml_event_t ev;
	put(o, &ev,
	    yaml_mapping_start_event_initialize(
	            &ev, NULL, NULL, 1, flow ? YAML_FLOW_MAPPING_STYLE : YAML_BLOCK_MAPPING_STYLE));
}

static void put_seq_end(struct em *o)
{
	yaml_event_t ev;
	put(o, &ev, yaml_sequence_end_event_initialize(&ev));
}

static void put_map_end(struct em *o)
{
	yaml_event_t ev;
	put(o, &ev, yaml_mapping_end_event_initialize(&ev));
}

static void put_nums(struct em *o, const char *key, size_t m, const double *v)
{
	put_plain(o, key);
	put_seq(o, true);
	for (size_t x = 0; x < m; x++)
		put_num(o, v[x]);
	put_seq_end(o);
}

/* Bitwise equality: "equal to the default" must survive a round trip exactly. */
static bool same(double a, double b)
{
	return !memcmp(&a, &b, sizeof a);
}

static bool same_vec(size_t m, const double *a, const double *b)
{
	for (size_t x = 0; x < m; x++)
		if (!same(a[x], b[x]))
			return false;
	return true;
}

/* The keys before the groups: version, texts, responses and settings. */
static void emit_header(struct em *o, const mt_scenario *sc, const mt_scenario *def)
{
	put_plain(o, "mechtune");
	put_u64(o, MT_FORMAT_VERSION);
	put_plain(o, "name");
	put_text(o, sc->name, false);
	if (sc->description && sc->description[0]) {
		put_plain(o, "description");
		put_text(o, sc->description, true);
	}
	if (sc->ntry) {
		put_plain(o, "try");
		put_seq(o, false);
		for (size_t i = 0; i < sc->ntry; i++)
			put_text(o, sc->try_list[i], false);
		put_seq_end(o);
	}
	put_plain(o, "responses");
	put_seq(o, true);
	for (size_t x = 0; x < sc->m; x++)
		put_text(o, sc->responses[x], false);
	put_seq_end(o);
	put_nums(o, "reference", sc->m, sc->reference);
	put_plain(o, "normalization");
	put_plain(o, mt_norm_name(sc->normalization));
	put_plain(o, "divergence");
	put_plain(o, sc->divergence->name);
	put_plain(o, "lambda");
	put_num(o, sc->lambda);
	put_plain(o, "payment");
	put_plain(o, sc->payment->name);
	if (!same(sc->pivot_fraction, def->pivot_fraction)) {
		put_plain(o, "pivot_fraction");
		put_num(o, sc->pivot_fraction);
	}
	put_plain(o, "max_size");
	put_num(o, sc->max_size);
}

/* One group: name, size, rewards, shift (if not the default) and the report
 * (where it differs from the truth). */
static void emit_group(struct em *o, const mt_scenario *sc, const mt_scenario *def,
                       const mt_group *g)
{
	bool rsize = !same(g->reported_size, g->size);
	bool rrew = !same_vec(sc->m, g->reported, g->rewards);
	put_map(o, false);
	put_plain(o, "name");
	put_text(o, g->name, false);
	put_plain(o, "size");
	put_num(o, g->size);
	put_nums(o, "rewards", sc->m, g->rewards);
	if (!same(g->shift, def->groups[0].shift)) {
		put_plain(o, "shift");
		put_num(o, g->shift);
	}
	if (rsize || rrew) {
		put_plain(o, "report");
		put_map(o, false);
		if (rsize) {
			put_plain(o, "size");
			put_num(o, g->reported_size);
		}
		if (rrew)
			put_nums(o, "rewards", sc->m, g->reported);
		put_map_end(o);
	}
	put_map_end(o);
}

/* The keys after the groups: candidates, noise and training (these two
 * only when not the defaults). */
static void emit_trailer(struct em *o, const mt_scenario *sc, const mt_scenario *def)
{
	if (sc->k) {
		put_plain(o, "candidates");
		put_seq(o, false);
		for (size_t c = 0; c < sc->k; c++) {
			put_map(o, false);
			put_plain(o, "name");
			put_text(o, sc->candidates[c].name, false);
			put_nums(o, "policy", sc->m, sc->candidates[c].policy);
			put_map_end(o);
		}
		put_seq_end(o);
	}
	if (!same(sc->noise.epsilon, def->noise.epsilon) ||
	    sc->noise.samples != def->noise.samples || sc->noise.seed != def->noise.seed) {
		put_plain(o, "noise");
		put_map(o, true);
		put_plain(o, "epsilon");
		put_num(o, sc->noise.epsilon);
		put_plain(o, "samples");
		put_u64(o, sc->noise.samples);
		put_plain(o, "seed");
		put_u64(o, sc->noise.seed);
		put_map_end(o);
	}
	if (sc->training.steps != def->training.steps ||
	    !same(sc->training.step_size, def->training.step_size)) {
		put_plain(o, "training");
		put_map(o, true);
		put_plain(o, "steps");
		put_u64(o, sc->training.steps);
		put_plain(o, "step_size");
		put_num(o, sc->training.step_size);
		put_map_end(o);
	}
}

static void emit_scenario(struct em *o, const mt_scenario *sc, const mt_scenario *def)
{
	yaml_event_t ev;

	put(o, &ev, yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING));
	put(o, &ev, yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1));
	put_map(o, false);
	emit_header(o, sc, def);
	put_plain(o, "groups");
	put_seq(o, false);
	for (size_t i = 0; i < sc->n; i++)
		emit_group(o, sc, def, &sc->groups[i]);
	put_seq_end(o);
	emit_trailer(o, sc, def);
	put_map_end(o);
	put(o, &ev, yaml_document_end_event_initialize(&ev, 1));
	put(o, &ev, yaml_stream_end_event_initialize(&ev));
}

mt_status mt_scenario_emit(const mt_scenario *sc, char **text, size_t *len, mt_error *err)
{
	mt_status st;
	struct em o = {.ok = true};
	mt_scenario *def = NULL;
	struct c_locale loc;
	bool emitter = false, locale = false;

	*text = NULL;
	if (len)
		*len = 0;
	/* Never write a file that would not load again. */
	st = mt_scenario_validate(sc, err);
	if (st)
		goto out;
	def = mt_scenario_new(1, 1); /* the defaults the loader starts from */
	if (!def || !mt_yio_c_locale_enter(&loc)) {
		st = mt_error_set(err, MT_ENOMEM, NULL, 0, 0,
		                  "out of memory while writing the scenario");
		goto out;
	}
	locale = true;
	if (mt_alloc_inject() || !yaml_emitter_initialize(&o.e)) {
		st = mt_error_set(err, MT_ENOMEM, NULL, 0, 0,
		                  "out of memory while writing the scenario");
		goto out;
	}
	emitter = true;
	yaml_emitter_set_output(&o.e, write_out, &o);
	yaml_emitter_set_unicode(&o.e, 1);
	yaml_emitter_set_indent(&o.e, 2);
	yaml_emitter_set_width(&o.e, WIDTH);
	yaml_emitter_set_break(&o.e, YAML_LN_BREAK);
	emit_scenario(&o, sc, def);
	if (o.ok && !yaml_emitter_flush(&o.e))
		o.ok = false;
	if (!o.ok) {
		if (o.oom || o.e.error == YAML_MEMORY_ERROR)
			st = mt_error_set(err, MT_ENOMEM, NULL, 0, 0,
			                  "out of memory while writing the scenario");
		else
			st = mt_error_set(err, MT_EINVAL, NULL, 0, 0,
			                  "cannot write the scenario as yaml: %s; check names for "
			                  "invalid text",
			                  o.e.problem ? o.e.problem : "emitter error");
		goto out;
	}
	if (!o.data) { /* cannot happen: there is always output */
		st = mt_error_set(err, MT_EINVAL, NULL, 0, 0, "the yaml writer produced no output");
		goto out;
	}
	*text = o.data;
	if (len)
		*len = o.len;
	o.data = NULL;
out:
	if (emitter)
		yaml_emitter_delete(&o.e);
	if (locale)
		mt_yio_c_locale_leave(&loc);
	mt_scenario_free(def);
	free(o.data);
	return st;
}
