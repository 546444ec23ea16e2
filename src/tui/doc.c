/* The explorer's document layer (doc.h): no curses. */
#include "doc.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mechtune/error.h"
#include "mechtune/train.h"
#include "mechtune/yamlio.h"

/* ---- the grid's cells ----------------------------------------------------- */

int doc_row(cell_kind kind, size_t group)
{
	if (kind == CELL_REFERENCE)
		return 0;
	return 1 + 2 * (int)group + (kind == CELL_REPORT);
}

int doc_rows(const mt_scenario *sc)
{
	return doc_row(CELL_TRUTH, sc->n);
}

size_t doc_row_group(int row)
{
	return (size_t)(row - 1) / 2;
}

bool doc_cell(const mt_scenario *sc, int row, int col, cell_ref *c)
{
	if (row < 0 || row >= doc_rows(sc) || col < 0 || col > (int)sc->m)
		return false;
	if (row == 0 && col == (int)sc->m)
		return false; /* q has no size */
	c->kind = row == 0 ? CELL_REFERENCE : row % 2 ? CELL_TRUTH : CELL_REPORT;
	c->group = row == 0 ? 0 : doc_row_group(row);
	c->col = (size_t)col;
	c->size = col == (int)sc->m;
	return true;
}

double *doc_cell_vector(mt_scenario *sc, cell_ref c)
{
	if (c.kind == CELL_REFERENCE)
		return sc->reference;
	mt_group *g = &sc->groups[c.group];
	return c.kind == CELL_TRUTH ? g->rewards : g->reported;
}

double doc_cell_value(const mt_scenario *sc, int row, int col, bool *exists)
{
	cell_ref c;
	*exists = doc_cell(sc, row, col, &c);
	if (!*exists)
		return 0.0;
	if (c.kind == CELL_REFERENCE)
		return sc->reference[c.col];
	const mt_group *g = &sc->groups[c.group];
	bool truth = c.kind == CELL_TRUTH;
	if (c.size)
		return truth ? g->size : g->reported_size;
	return truth ? g->rewards[c.col] : g->reported[c.col];
}

void doc_cell_name(const mt_scenario *sc, int row, int col, char *buf, size_t len)
{
	if (row == 0) {
		snprintf(buf, len, "reference probability of %s",
		         col < (int)sc->m ? sc->responses[col] : "?");
		return;
	}
	const mt_group *g = &sc->groups[doc_row_group(row)];
	const char *kind = row % 2 ? "true" : "reported";
	if (col >= (int)sc->m)
		snprintf(buf, len, "%s %s size", g->name, kind);
	else
		snprintf(buf, len, "%s %s reward of %s", g->name, kind, sc->responses[col]);
}

/* Numbers closer to 0 than this are floating-point noise (a utility of
 * -9e-16) and shown as 0; anything else that is not 0 never reads 0.000. */
#define SHOW_NOISE 1e-12

const char *doc_fmt_num(char *buf, size_t len, double v)
{
	if (!isfinite(v)) {
		snprintf(buf, len, "%s", v != v ? "nan" : v > 0 ? "inf" : "-inf");
		return buf;
	}
	if (fabs(v) < SHOW_NOISE)
		v = 0.0;
	if (v != 0.0 && fabs(v) < 5e-4)
		snprintf(buf, len, "%.0e", v);
	else if (fabs(v) < 100.0)
		snprintf(buf, len, "%.3f", v);
	else if (fabs(v) < 100000.0)
		snprintf(buf, len, "%.1f", v);
	else
		snprintf(buf, len, "%.3g", v);
	return buf;
}

const char *doc_fmt_gain(char *buf, size_t len, double v)
{
	if (fabs(v) < SHOW_NOISE)
		v = 0.0;
	if (v != 0.0 && fabs(v) < 5e-4)
		snprintf(buf, len, "%+.0e", v);
	else if (fabs(v) < 100.0)
		snprintf(buf, len, "%+.3f", v);
	else
		snprintf(buf, len, "%+.3g", v);
	return buf;
}

/* ---- edit rules on one vector ------------------------------------------------ */

void doc_keep_sum(size_t m, double *v, size_t x, double val)
{
	double rest = 0.0;
	for (size_t y = 0; y < m; y++)
		if (y != x)
			rest += v[y];
	for (size_t y = 0; y < m; y++)
		if (y != x)
			v[y] = rest > 0.0 ? v[y] * (1.0 - val) / rest
			                  : (1.0 - val) / (double)(m - 1);
	v[x] = val;
}

bool doc_keep_max(size_t m, double *v, size_t x, double val)
{
	double top = 0.0;
	for (size_t y = 0; y < m; y++)
		if (y != x)
			top = fmax(top, v[y]);
	v[x] = val;
	if (val >= 1.0 - MT_NORM_TOL) {
		v[x] = 1.0;
		return true;
	}
	if (top >= 1.0 - MT_NORM_TOL)
		return true;
	if (top > 0.0) {
		for (size_t y = 0; y < m; y++)
			if (y != x)
				v[y] /= top;
		return true;
	}
	v[x] = 1.0;
	return false;
}

/* One number of a typed entry: s[0..len) without the spaces around it,
 * spelled as scenario files spell numbers (mt_parse_decimal). */
static bool parse_part(const char *s, size_t len, double *out)
{
	while (len && *s == ' ')
		s++, len--;
	while (len && s[len - 1] == ' ')
		len--;
	char buf[64];
	if (!len || len >= sizeof buf)
		return false;
	memcpy(buf, s, len);
	buf[len] = 0;
	return mt_parse_decimal(buf, out);
}

bool doc_parse_number(const char *s, double *out)
{
	const char *slash = strchr(s, '/');
	double v, den = 1.0;
	if (!parse_part(s, slash ? (size_t)(slash - s) : strlen(s), &v))
		return false;
	if (slash && (!parse_part(slash + 1, strlen(slash + 1), &den) || !(fabs(den) > 0.0)))
		return false; /* 1/0, 1/, 1/3/4 */
	v /= den;
	if (!isfinite(v))
		return false;
	*out = v;
	return true;
}

/* ---- status ----------------------------------------------------------------- */

void doc_vset_status(doc *d, bool error, const char *fmt, va_list ap)
{
	vsnprintf(d->status, sizeof d->status, fmt, ap);
	d->status_error = error;
	if (d->undo_note) { /* the edit of this key dropped old undo steps */
		size_t len = strlen(d->status);
		snprintf(d->status + len, sizeof d->status - len,
		         "; undo keeps %zu MiB: oldest %zu step%s dropped", HISTORY_BUDGET >> 20,
		         d->undo_note, d->undo_note == 1 ? "" : "s");
	}
}

void doc_set_status(doc *d, bool error, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	doc_vset_status(d, error, fmt, ap);
	va_end(ap);
}

/* ---- the document, undo --------------------------------------------------------- */

void doc_replace(doc *d, mt_scenario *sc, const char *path)
{
	mt_scenario_free(d->sc);
	d->sc = sc;
	history_clear(&d->hist);
	char *p = path ? strdup(path) : NULL;
	free(d->path);
	d->path = p;
	d->edit_id = d->saved_id = ++d->next_id;
	d->cur.row = d->sc->n ? 1 : 0;
	d->cur.col = 0;
}

void doc_release(doc *d)
{
	history_release(&d->hist);
	mt_scenario_free(d->sc);
	d->sc = NULL;
	free(d->path);
	d->path = NULL;
}

bool doc_modified(const doc *d)
{
	return d->edit_id != d->saved_id;
}

mt_scenario *doc_begin(doc *d)
{
	mt_scenario *c = mt_scenario_clone(d->sc);
	if (!c)
		doc_set_status(d, true, "out of memory: the change was not made");
	return c;
}

bool doc_commit(doc *d, mt_scenario *next)
{
	mt_error err = {0};
	if (mt_scenario_validate(next, &err)) {
		doc_set_status(d, true, "change refused: %s", err.msg);
		mt_scenario_free(next);
		return false;
	}
	if (history_same(d->sc, next)) { /* not modified, no undo step */
		doc_set_status(d, false, "nothing changed: it is so already");
		mt_scenario_free(next);
		return false;
	}
	size_t dropped;
	if (!history_push(&d->hist, d->sc, d->edit_id, next, &dropped)) {
		doc_set_status(d, true, "out of memory: the change was not made");
		mt_scenario_free(next);
		return false;
	}
	if (dropped) {
		d->undo_note += dropped;
		doc_set_status(d, false, "changed");
	}
	d->sc = next;
	d->edit_id = ++d->next_id;
	doc_clamp_cursor(d);
	return true;
}

int doc_undo_redo(doc *d, bool undo)
{
	int done = history_step(&d->hist, undo, &d->sc, &d->edit_id);
	if (!done) {
		doc_set_status(d, false, "nothing to %s", undo ? "undo" : "redo");
		return 0;
	}
	if (done < 0) {
		doc_set_status(d, true, "out of memory: cannot %s", undo ? "undo" : "redo");
		return -1;
	}
	doc_clamp_cursor(d);
	doc_set_status(d, false, "%s (%zu more)", undo ? "undone" : "redone",
	               undo ? history_undo_len(&d->hist) : history_redo_len(&d->hist));
	return 1;
}

/* ---- the cursor ------------------------------------------------------------------ */

void doc_clamp_cursor(doc *d)
{
	doc_cursor *c = &d->cur;
	int rows = doc_rows(d->sc);
	if (c->row >= rows)
		c->row = rows - 1;
	if (c->row < 0)
		c->row = 0;
	int cols = (int)d->sc->m + (c->row == 0 ? 0 : 1);
	if (c->col >= cols)
		c->col = cols - 1;
	if (c->col < 0)
		c->col = 0;
	if (c->row > 0)
		c->last_group = doc_row_group(c->row);
	if (c->last_group >= d->sc->n)
		c->last_group = d->sc->n - 1;
}

size_t doc_group(const doc *d)
{
	if (d->cur.row > 0)
		return doc_row_group(d->cur.row);
	return d->cur.last_group < d->sc->n ? d->cur.last_group : 0;
}

/* ---- cell edits ------------------------------------------------------------------ */

/* Whether v cannot go into the cell (the status says why). */
static bool cell_refused(doc *d, cell_ref c, const char *name, double v)
{
	const mt_scenario *cur = d->sc;
	if (c.kind == CELL_REFERENCE && cur->m == 1) {
		doc_set_status(d, true, "the only response always has reference probability 1");
		return true;
	}
	if (c.kind == CELL_REFERENCE && !(v > 0.0 && v < 1.0)) {
		doc_set_status(d, true, "%s must be strictly between 0 and 1, not %g", name, v);
		return true;
	}
	if (c.kind != CELL_REFERENCE && c.size && !(v > 0.0 && v <= cur->max_size)) {
		doc_set_status(d, true, "%s must be in (0, %g] (max_size), not %g", name,
		               cur->max_size, v);
		return true;
	}
	if (c.kind != CELL_REFERENCE && !c.size && !(v >= 0.0 && v <= 1.0)) {
		doc_set_status(d, true, "%s must be between 0 and 1, not %g", name, v);
		return true;
	}
	return false;
}

/* The edit of cell c = v on n, a copy of the document; returns the note
 * for the status line. */
static const char *apply_cell(mt_scenario *n, cell_ref c, bool truthful, double v, double *prev,
                              bool *row_edited)
{
	size_t m = n->m;
	mt_group *g = &n->groups[c.group];
	bool truth = c.kind == CELL_TRUTH;
	if (c.size) {
		if (truth)
			g->size = v;
		else
			g->reported_size = v;
		if (truth && truthful) {
			g->reported_size = v;
			return " (the report follows)";
		}
		return "";
	}
	double *vec = doc_cell_vector(n, c);
	*row_edited = true;
	if (prev)
		memcpy(prev, vec, m * sizeof *prev);
	const char *extra;
	if (c.kind == CELL_REFERENCE || n->normalization == MT_NORM_SUM) {
		doc_keep_sum(m, vec, c.col, v);
		extra = m > 1 ? " (row renormalized)" : "";
	} else if (!doc_keep_max(m, vec, c.col, v)) {
		extra = " (raised to 1: with max normalization some reward is 1)";
	} else {
		extra = " (row renormalized)";
	}
	if (truth && truthful)
		memcpy(g->reported, vec, m * sizeof *vec);
	if (truth && truthful && m > 1)
		extra = " (row renormalized; the report follows)";
	return extra;
}

doc_result doc_set_cell(doc *d, int row, int col, double v, double *prev, bool *row_edited)
{
	*row_edited = false;
	char name[160];
	doc_cell_name(d->sc, row, col, name, sizeof name);
	cell_ref c;
	bool exists = doc_cell(d->sc, row, col, &c);
	if (!isfinite(v)) {
		doc_set_status(d, true, "%s: not a finite number", name);
		return DOC_REFUSED;
	}
	if (!exists)
		return DOC_NOTHING;
	if (cell_refused(d, c, name, v))
		return DOC_REFUSED;
	if (v == doc_cell_value(d->sc, row, col, &exists)) { /* not modified, no undo step */
		char num[32];
		doc_set_status(d, false, "%s is %s already: nothing changed", name,
		               doc_fmt_num(num, sizeof num, v));
		return DOC_NOTHING;
	}
	bool truthful = c.kind != CELL_REFERENCE && !mt_group_lies(d->sc, c.group);
	mt_scenario *n = doc_begin(d);
	if (!n)
		return DOC_REFUSED;
	const char *extra = apply_cell(n, c, truthful, v, prev, row_edited);
	if (history_same(d->sc, n)) { /* e.g. raised back to 1 under max */
		char num[32];
		bool ok;
		doc_set_status(d, false, "%s stays %s%s: nothing changed", name,
		               doc_fmt_num(num, sizeof num, doc_cell_value(d->sc, row, col, &ok)),
		               extra);
		mt_scenario_free(n);
		return DOC_NOTHING;
	}
	if (!doc_commit(d, n))
		return DOC_REFUSED;
	char num[32];
	bool ok;
	doc_set_status(d, false, "%s = %s%s", name,
	               doc_fmt_num(num, sizeof num, doc_cell_value(d->sc, row, col, &ok)), extra);
	return DOC_CHANGED;
}

doc_result doc_nudge(doc *d, bool up, double step, double *prev, bool *row_edited)
{
	*row_edited = false;
	int row = d->cur.row, col = d->cur.col;
	cell_ref c;
	if (!doc_cell(d->sc, row, col, &c))
		return DOC_NOTHING;
	double v = doc_cell_value(d->sc, row, col, &(bool){false});
	step *= c.size ? 10.0 : 1.0;
	double nv = v + (up ? step : -step);
	nv = round(nv * 1e9) / 1e9; /* no 0.30000000000000004 */
	if (c.kind == CELL_REFERENCE)
		nv = fmin(fmax(nv, 1e-4), 1.0 - 1e-4);
	else if (c.size)
		nv = fmin(fmax(nv, fmin(step, d->sc->max_size)), d->sc->max_size);
	else
		nv = fmin(fmax(nv, 0.0), 1.0);
	if (fabs(nv - v) < 1e-12) {
		doc_set_status(d, false, "already at the %s bound", up ? "upper" : "lower");
		return DOC_REFUSED;
	}
	return doc_set_cell(d, row, col, nv, prev, row_edited);
}

/* Reports smaller than the solver's tolerances apart are the same report. */
#define REPORT_SAME_TOL 1e-12

doc_result doc_set_reports(doc *d, size_t k, const size_t *groups, const double *rewards,
                           const double *sizes)
{
	for (size_t j = 0; j < k; j++)
		if (groups[j] >= d->sc->n) {
			doc_set_status(d, true, "no group %zu: nothing was changed", groups[j]);
			return DOC_REFUSED;
		}
	mt_scenario *n = doc_begin(d);
	if (!n)
		return DOC_REFUSED;
	size_t m = n->m;
	bool changed = false;
	for (size_t j = 0; j < k; j++) {
		mt_group *g = &n->groups[groups[j]];
		const mt_group *old = &d->sc->groups[groups[j]];
		memcpy(g->reported, rewards + j * m, m * sizeof *rewards);
		/* Searches work within tolerances: project back onto the report space. */
		mt_normalize(n->normalization, m, g->reported);
		g->reported_size = fmin(fmax(sizes[j], 1e-9), n->max_size);
		for (size_t x = 0; x < m; x++)
			changed = changed ||
			          fabs(g->reported[x] - old->reported[x]) > REPORT_SAME_TOL;
		changed = changed || fabs(g->reported_size - old->reported_size) >
		                             REPORT_SAME_TOL * fmax(1.0, old->reported_size);
	}
	if (!changed) {
		mt_scenario_free(n);
		doc_set_status(d, false, "the reports are already so: nothing was changed");
		return DOC_NOTHING;
	}
	if (!doc_commit(d, n))
		return DOC_REFUSED;
	doc_set_status(d, false, "%zu reports changed in one step (u undoes it)", k);
	return DOC_CHANGED;
}

/* ---- add, remove, rename -------------------------------------------------------------- */

static bool group_name_taken(const mt_scenario *sc, const char *name, size_t except)
{
	for (size_t i = 0; i < sc->n; i++)
		if (i != except && !strcmp(sc->groups[i].name, name))
			return true;
	return false;
}

static bool response_taken(const mt_scenario *sc, const char *name, size_t except)
{
	for (size_t x = 0; x < sc->m; x++)
		if (x != except && !strcmp(sc->responses[x], name))
			return true;
	return false;
}

doc_result doc_add_group(doc *d)
{
	char name[32];
	for (size_t k = d->sc->n + 1;; k++) {
		snprintf(name, sizeof name, "group %zu", k);
		if (!group_name_taken(d->sc, name, (size_t)-1))
			break;
	}
	mt_scenario *n = doc_begin(d);
	if (!n)
		return DOC_REFUSED;
	if (mt_scenario_add_group(n, name)) {
		mt_scenario_free(n);
		doc_set_status(d, true, "out of memory: no group added");
		return DOC_REFUSED;
	}
	if (!doc_commit(d, n))
		return DOC_REFUSED;
	d->cur.row = doc_row(CELL_TRUTH, d->sc->n - 1);
	doc_clamp_cursor(d);
	doc_set_status(d, false, "added '%s' (r renames it)", name);
	return DOC_CHANGED;
}

doc_result doc_remove_group(doc *d)
{
	if (d->sc->n <= 1) {
		doc_set_status(d, true, "a scenario needs at least one group");
		return DOC_REFUSED;
	}
	if (d->cur.row == 0) { /* never the group merely underlined there */
		doc_set_status(d, true, "move to a group's row to remove that group");
		return DOC_REFUSED;
	}
	size_t g = doc_group(d);
	char name[128];
	snprintf(name, sizeof name, "%s", d->sc->groups[g].name);
	mt_scenario *n = doc_begin(d);
	if (!n)
		return DOC_REFUSED;
	mt_scenario_remove_group(n, g);
	if (!doc_commit(d, n))
		return DOC_REFUSED;
	doc_set_status(d, false, "removed group '%s' (u undoes)", name);
	return DOC_CHANGED;
}

doc_result doc_add_response(doc *d)
{
	char name[32];
	for (size_t k = d->sc->m + 1;; k++) {
		snprintf(name, sizeof name, "x%zu", k);
		if (!response_taken(d->sc, name, (size_t)-1))
			break;
	}
	mt_scenario *n = doc_begin(d);
	if (!n)
		return DOC_REFUSED;
	if (mt_scenario_add_response(n, name)) {
		mt_scenario_free(n);
		doc_set_status(d, true, "out of memory: no response added");
		return DOC_REFUSED;
	}
	if (!doc_commit(d, n))
		return DOC_REFUSED;
	d->cur.col = (int)d->sc->m - 1;
	doc_set_status(d, false, "added response '%s' with reward 0 (R renames it)", name);
	return DOC_CHANGED;
}

doc_result doc_remove_response(doc *d)
{
	int col = d->cur.col;
	if (col >= (int)d->sc->m) {
		doc_set_status(d, true, "move to a response column to remove it");
		return DOC_REFUSED;
	}
	if (d->sc->m <= 1) {
		doc_set_status(d, true, "a scenario needs at least one response");
		return DOC_REFUSED;
	}
	char name[128];
	snprintf(name, sizeof name, "%s", d->sc->responses[col]);
	mt_scenario *n = doc_begin(d);
	if (!n)
		return DOC_REFUSED;
	mt_scenario_remove_response(n, (size_t)col);
	if (!doc_commit(d, n))
		return DOC_REFUSED;
	/* The last response went: stay on the responses, not on the size. */
	if (d->cur.col >= (int)d->sc->m)
		d->cur.col = (int)d->sc->m - 1;
	doc_set_status(d, false, "removed response '%s'; rows renormalized (u undoes)", name);
	return DOC_CHANGED;
}

/* Set *slot (in n, a copy of the scenario) to text and commit. */
static doc_result commit_rename(doc *d, mt_scenario *n, char **slot, const char *text)
{
	if (mt_scenario_set_name(slot, text)) {
		mt_scenario_free(n);
		doc_set_status(d, true, "out of memory: not renamed");
		return DOC_REFUSED;
	}
	if (!doc_commit(d, n))
		return DOC_REFUSED;
	doc_set_status(d, false, "renamed to '%s'", text);
	return DOC_CHANGED;
}

static bool refuse_empty_name(doc *d, const char *text)
{
	if (*text)
		return false;
	doc_set_status(d, true, "a name cannot be empty (nothing was changed)");
	return true;
}

doc_result doc_rename(doc *d, const char *text)
{
	if (refuse_empty_name(d, text))
		return DOC_REFUSED;
	mt_scenario *n = doc_begin(d);
	if (!n)
		return DOC_REFUSED;
	char **slot;
	if (d->cur.row == 0) {
		slot = &n->name;
	} else {
		size_t g = doc_group(d);
		if (group_name_taken(n, text, g)) {
			mt_scenario_free(n);
			doc_set_status(d, true, "there is already a group '%s'", text);
			return DOC_REFUSED;
		}
		slot = &n->groups[g].name;
	}
	return commit_rename(d, n, slot, text);
}

doc_result doc_rename_response(doc *d, const char *text)
{
	if (refuse_empty_name(d, text))
		return DOC_REFUSED;
	if (d->cur.col < 0 || d->cur.col >= (int)d->sc->m) {
		doc_set_status(d, true, "move to a response column to rename it");
		return DOC_REFUSED;
	}
	mt_scenario *n = doc_begin(d);
	if (!n)
		return DOC_REFUSED;
	size_t x = (size_t)d->cur.col;
	if (response_taken(n, text, x)) {
		mt_scenario_free(n);
		doc_set_status(d, true, "there is already a response '%s'", text);
		return DOC_REFUSED;
	}
	return commit_rename(d, n, &n->responses[x], text);
}

/* ---- files ---------------------------------------------------------------------- */

/* err as FILE:LINE:COLUMN: msg, the file named as it was typed (the status
 * area wraps a long message, and ! shows it whole). */
static const char *file_error(const mt_error *err, char *buf, size_t len)
{
	return mt_error_format(err, buf, len);
}

bool doc_save(doc *d, const char *path, unsigned flags)
{
	mt_error err = {0};
	mt_save_target t;
	mt_save_target_probe(path, &t);
	if (mt_scenario_save_flags(d->sc, path, flags, &err)) {
		char line[MT_ERROR_TEXT_MAX];
		doc_set_status(d, true, "not saved: %s", file_error(&err, line, sizeof line));
		return false;
	}
	if (!d->path || strcmp(d->path, path)) {
		char *p = strdup(path);
		if (p) {
			free(d->path);
			d->path = p;
		}
	}
	d->saved_id = d->edit_id;
	doc_set_status(d, false, "saved %s%s", path,
	               t.symlink ? " (written to the file the link points to)" : "");
	return true;
}

bool doc_open(doc *d, const char *path)
{
	mt_error err = {0};
	mt_scenario *sc = NULL;
	if (mt_scenario_load_file(path, &sc, &err)) {
		char line[MT_ERROR_TEXT_MAX];
		doc_set_status(d, true, "cannot open: %s", file_error(&err, line, sizeof line));
		return false;
	}
	doc_replace(d, sc, path);
	doc_clamp_cursor(d);
	doc_set_status(d, false, "opened %s", path);
	return true;
}

/* ---- reports ----------------------------------------------------------------- */

/* A size equal to another one within this relative tolerance is the same
 * report (sizes come from searches and sweeps, not only from typing). */
#define SIZE_SAME_TOL 1e-9

bool doc_reports_equal(const mt_scenario *sc, size_t i, const double *rewards, double size)
{
	const mt_group *g = &sc->groups[i];
	if (!(fabs(g->reported_size - size) <= SIZE_SAME_TOL * fmax(1.0, fabs(size))))
		return false;
	for (size_t x = 0; x < sc->m; x++)
		if (!(fabs(g->reported[x] - rewards[x]) <= MT_NORM_TOL))
			return false;
	return true;
}

doc_result doc_set_report(doc *d, size_t i, const double *rewards, double size)
{
	if (i >= d->sc->n)
		return DOC_NOTHING;
	mt_scenario *n = doc_begin(d);
	if (!n)
		return DOC_REFUSED;
	memcpy(n->groups[i].reported, rewards, n->m * sizeof *rewards);
	/* Searches work within tolerances: project back onto the report space. */
	mt_normalize(n->normalization, n->m, n->groups[i].reported);
	n->groups[i].reported_size = fmin(fmax(size, 1e-9), n->max_size);
	if (doc_reports_equal(d->sc, i, n->groups[i].reported, n->groups[i].reported_size)) {
		mt_scenario_free(n);
		return DOC_NOTHING;
	}
	return doc_commit(d, n) ? DOC_CHANGED : DOC_REFUSED;
}

doc_result doc_misreport(doc *d, size_t i, mt_sweep_family f, double t)
{
	const mt_scenario *sc = d->sc;
	if (i >= sc->n)
		return DOC_NOTHING;
	const char *name = sc->groups[i].name;
	if (f == MT_SWEEP_LAMBDA || !isfinite(t)) {
		doc_set_status(d, true,
		               "a misreport is alpha, beta or epsilon with a finite value");
		return DOC_REFUSED;
	}
	if (f == MT_SWEEP_EPSILON && t < 0.0) {
		doc_set_status(d, true,
		               "the polarizing step epsilon must be >= 0 (0 is the truth)");
		return DOC_REFUSED;
	}
	double *r = malloc(sc->m * sizeof *r), size;
	if (!r) {
		doc_set_status(d, true, "out of memory: the change was not made");
		return DOC_REFUSED;
	}
	bool ok = mt_sweep_report(sc, f, i, t, r, &size);
	doc_result res = DOC_REFUSED;
	if (!ok && f == MT_SWEEP_ALPHA)
		doc_set_status(d, true,
		               "alpha must be > 0: the reported size is alpha times the size");
	else if (!ok)
		doc_set_status(d, true,
		               "%s have no polarizing misreport (Theorem 4.2 needs two different "
		               "rewards and, under sum normalization, a positive minimum)",
		               name);
	else
		res = doc_set_report(d, i, r, size);
	name = d->sc->groups[i].name; /* the scenario was replaced */
	if (res == DOC_CHANGED)
		doc_set_status(d, false, "%s report the %s misreport at %s = %g (u undoes it)",
		               name,
		               f == MT_SWEEP_ALPHA  ? "size-only"
		               : f == MT_SWEEP_BETA ? "mixing"
		                                    : "polarizing",
		               mt_sweep_family_name(f), t);
	else if (res == DOC_NOTHING)
		doc_set_status(d, false, "%s report that already: nothing changed", name);
	free(r);
	return res;
}

bool doc_parse_misreport(const char *text, mt_sweep_family *f, double *t, const char **why)
{
	static const struct {
		const char *name;
		mt_sweep_family f;
	} names[] = {{"epsilon", MT_SWEEP_EPSILON}, {"eps", MT_SWEEP_EPSILON},
	             {"e", MT_SWEEP_EPSILON},       {"alpha", MT_SWEEP_ALPHA},
	             {"a", MT_SWEEP_ALPHA},         {"beta", MT_SWEEP_BETA},
	             {"b", MT_SWEEP_BETA}};
	while (*text == ' ')
		text++;
	size_t len = 0;
	while (text[len] && text[len] != ' ' && text[len] != '=')
		len++;
	for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
		if (strlen(names[k].name) != len || strncmp(names[k].name, text, len))
			continue;
		const char *rest = text + len;
		while (*rest == ' ' || *rest == '=')
			rest++;
		if (!doc_parse_number(rest, t)) {
			*why = "needs a number after the family, e.g. 'eps 0.05'";
			return false;
		}
		*f = names[k].f;
		return true;
	}
	*why = "start with eps, alpha or beta, e.g. 'eps 0.05', 'alpha 2', 'beta 0.5'";
	return false;
}

bool doc_parse_range(const char *text, mt_sweep_family f, double *from, double *to,
                     const char **why)
{
	char buf[128];
	snprintf(buf, sizeof buf, "%s", text);
	char *dots = strstr(buf, "..");
	if (dots)
		dots[0] = dots[1] = ' ';
	char *p = buf;
	while (*p == ' ')
		p++;
	if (!*p) {
		*from = *to = 0.0;
		return true;
	}
	char *sep = strchr(p, ' ');
	if (!sep) {
		*why = "type two numbers, from and to, e.g. '0.25 5'";
		return false;
	}
	*sep = '\0';
	if (!doc_parse_number(p, from) || !doc_parse_number(sep + 1, to)) {
		*why = "type two numbers, from and to, e.g. '0.25 5'";
		return false;
	}
	if (!(*from < *to)) {
		*why = "the range must go up: from < to";
		return false;
	}
	if ((f == MT_SWEEP_ALPHA || f == MT_SWEEP_LAMBDA) && !(*from > 0.0)) {
		*why = "alpha and lambda must stay positive";
		return false;
	}
	if (f == MT_SWEEP_LAMBDA && (*from < MT_LAMBDA_MIN || *to > MT_LAMBDA_MAX)) {
		*why = "lambda must stay within 1e-8 .. 1e8";
		return false;
	}
	if (f == MT_SWEEP_EPSILON && *from < 0.0) {
		*why = "epsilon starts at 0 (the truth) or above";
		return false;
	}
	return true;
}
