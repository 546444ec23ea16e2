/* The explorer's document layer (src/tui/doc.c, no curses): the grid's cell
 * references, the edit rules (normalized rows, nudges, set cell, typed
 * numbers, add/remove/rename), undo and redo around them, and the cursor. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "doc.h"
#include "mechtune/library.h"
#include "mechtune/yamlio.h"

#define NEAR(a, b) assert_true(fabs((a) - (b)) < 1e-12)

/* The embedded default: responses refuse, hedge, answer; q = .2 .3 .5;
 * Alices (size 3) and Bobs (size 5), truthful; sum normalization. */
static doc *open_default(void)
{
	doc *d = calloc(1, sizeof *d);
	assert_non_null(d);
	mt_scenario *sc;
	mt_error err;
	assert_int_equal(mt_scenario_default(&sc, &err), MT_OK);
	doc_replace(d, sc, NULL);
	doc_clamp_cursor(d);
	return d;
}

static void close_doc(doc *d)
{
	doc_release(d);
	free(d);
}

static char *emit(const mt_scenario *sc)
{
	char *text = NULL;
	mt_error err;
	assert_int_equal(mt_scenario_emit(sc, &text, NULL, &err), MT_OK);
	return text;
}

static bool status_has(const doc *d, const char *text)
{
	return strstr(d->status, text) != NULL;
}

/* ---- cells ---------------------------------------------------------------- */

static void test_cell_reference(void **state)
{
	(void)state;
	doc *d = open_default();
	const mt_scenario *sc = d->sc;
	assert_int_equal(doc_rows(sc), 5);
	assert_int_equal(doc_row(CELL_REFERENCE, 7), 0);
	assert_int_equal(doc_row(CELL_TRUTH, 0), 1);
	assert_int_equal(doc_row(CELL_REPORT, 0), 2);
	assert_int_equal(doc_row(CELL_TRUTH, 1), 3);
	assert_int_equal(doc_row(CELL_REPORT, 1), 4);
	/* every row and column decodes to the cell its row encodes */
	for (int row = 0; row < doc_rows(sc); row++)
		for (int col = 0; col <= (int)sc->m; col++) {
			cell_ref c;
			bool there = doc_cell(sc, row, col, &c);
			if (row == 0 && col == (int)sc->m) { /* q has no size */
				assert_false(there);
				continue;
			}
			assert_true(there);
			assert_int_equal(doc_row(c.kind, c.group), row);
			assert_int_equal(c.col, (size_t)col);
			assert_true(c.size == (col == (int)sc->m));
		}
	cell_ref c = {.kind = CELL_TRUTH, .group = 9};
	assert_false(doc_cell(sc, 5, 0, &c));
	assert_false(doc_cell(sc, -1, 0, &c));
	assert_false(doc_cell(sc, 1, 4, &c));
	assert_false(doc_cell(sc, 1, -1, &c));
	assert_int_equal(c.group, 9); /* untouched */

	bool exists;
	NEAR(doc_cell_value(sc, 0, 2, &exists), 0.5);
	assert_true(exists);
	NEAR(doc_cell_value(sc, 3, 3, &exists), 5.0); /* Bobs' size */
	NEAR(doc_cell_value(sc, 2, 2, &exists), sc->groups[0].reported[2]);
	doc_cell_value(sc, 0, 3, &exists);
	assert_false(exists);
	char name[160];
	doc_cell_name(sc, 4, 1, name, sizeof name);
	assert_string_equal(name, "Bobs reported reward of hedge");
	doc_cell_name(sc, 1, 3, name, sizeof name);
	assert_string_equal(name, "Alices true size");
	doc_cell_name(sc, 0, 0, name, sizeof name);
	assert_string_equal(name, "reference probability of refuse");
	close_doc(d);
}

/* ---- rules on one vector ---------------------------------------------------- */

static void test_keep_sum(void **state)
{
	(void)state;
	double v[3] = {0.2, 0.3, 0.5};
	doc_keep_sum(3, v, 0, 0.5);
	NEAR(v[0], 0.5);
	NEAR(v[1], 0.3 * 0.5 / 0.8);
	NEAR(v[2], 0.5 * 0.5 / 0.8);
	NEAR(v[0] + v[1] + v[2], 1.0);
	double w[3] = {1.0, 0.0, 0.0}; /* the others are all 0: equal shares */
	doc_keep_sum(3, w, 0, 0.4);
	NEAR(w[0], 0.4);
	NEAR(w[1], 0.3);
	NEAR(w[2], 0.3);
}

static void test_keep_max(void **state)
{
	(void)state;
	double v[3] = {0.2, 1.0, 0.5};
	assert_true(doc_keep_max(3, v, 1, 0.5)); /* the largest other becomes 1 */
	NEAR(v[0], 0.4);
	NEAR(v[1], 0.5);
	NEAR(v[2], 1.0);
	double w[3] = {1.0, 0.3, 0.2};
	assert_true(doc_keep_max(3, w, 2, 0.7)); /* another entry is still 1 */
	NEAR(w[0], 1.0);
	NEAR(w[1], 0.3);
	NEAR(w[2], 0.7);
	assert_true(doc_keep_max(3, w, 1, 1.0)); /* at 1 nothing else moves */
	NEAR(w[1], 1.0);
	NEAR(w[2], 0.7);
	double z[3] = {0.0, 1.0, 0.0};
	assert_false(doc_keep_max(3, z, 1, 0.3)); /* nothing else can be the 1 */
	NEAR(z[1], 1.0);
}

static void test_parse_number(void **state)
{
	(void)state;
	double v = -1.0;
	assert_true(doc_parse_number("0.25", &v));
	NEAR(v, 0.25);
	assert_true(doc_parse_number("1/3", &v));
	NEAR(v, 1.0 / 3.0);
	assert_true(doc_parse_number(" 1 / 4 ", &v));
	NEAR(v, 0.25);
	assert_true(doc_parse_number("2e-1", &v));
	NEAR(v, 0.2);
	assert_true(doc_parse_number("0.45", &v)); /* kept exactly as typed */
	assert_true(v == 0.45);
	/* the editor accepts what the loader accepts, and no more */
	assert_true(mt_parse_decimal("0.45", &v));
	assert_false(mt_parse_decimal("0x1p-2", &v));
	v = 7.0;
	const char *bad[] = {"",     "abc",   "1/0",   "1/",           "2x",     "nan",
	                     "inf",  "1e999", "1/3/4", "0.5 1",        "0x1p-2", "0x10",
	                     "-inf", ".inf",  "NaN",   "1e308/1e-308", "0.5,"};
	for (size_t k = 0; k < sizeof bad / sizeof *bad; k++)
		assert_false(doc_parse_number(bad[k], &v));
	NEAR(v, 7.0); /* untouched */
}

/* ---- set cell ------------------------------------------------------------- */

static void test_set_cell_truthful_row(void **state)
{
	(void)state;
	doc *d = open_default();
	unsigned long id = d->edit_id;
	assert_false(doc_modified(d));
	double prev[3];
	bool row_edited;
	/* Alices' true hedge reward: the row renormalizes, the report follows */
	assert_int_equal(doc_set_cell(d, 1, 1, 0.5, prev, &row_edited), DOC_CHANGED);
	assert_true(row_edited);
	NEAR(prev[0], 0.1);
	NEAR(prev[1], 0.3);
	NEAR(prev[2], 0.6);
	const mt_group *g = &d->sc->groups[0];
	NEAR(g->rewards[1], 0.5);
	NEAR(g->rewards[0], 0.1 * 0.5 / 0.7);
	NEAR(g->rewards[0] + g->rewards[1] + g->rewards[2], 1.0);
	for (size_t x = 0; x < 3; x++)
		NEAR(g->reported[x], g->rewards[x]);
	assert_string_equal(d->status, "Alices true reward of hedge = 0.500 (row renormalized; the "
	                               "report follows)");
	assert_false(d->status_error);
	assert_true(d->edit_id != id);
	assert_true(doc_modified(d));

	/* the truthful group's size: the report follows too */
	assert_int_equal(doc_set_cell(d, 1, 3, 4.0, NULL, &row_edited), DOC_CHANGED);
	assert_false(row_edited);
	NEAR(d->sc->groups[0].reported_size, 4.0);
	assert_true(status_has(d, "(the report follows)"));

	/* a report moves alone: the group lies from now on */
	assert_int_equal(doc_set_cell(d, 4, 0, 0.0, NULL, &row_edited), DOC_CHANGED);
	assert_true(mt_group_lies(d->sc, 1));
	assert_true(d->sc->groups[1].rewards[0] > 0.0);
	assert_true(status_has(d, "Bobs reported reward of refuse = 0.000 (row renormalized)"));
	/* the truth of a lying group leaves its report alone */
	double rep = d->sc->groups[1].reported_size;
	assert_int_equal(doc_set_cell(d, 3, 3, 2.0, NULL, &row_edited), DOC_CHANGED);
	NEAR(d->sc->groups[1].reported_size, rep);
	assert_string_equal(d->status, "Bobs true size = 2.000");
	close_doc(d);
}

static void test_set_cell_refusals(void **state)
{
	(void)state;
	doc *d = open_default();
	char *before = emit(d->sc);
	unsigned long id = d->edit_id;
	bool row_edited;
	struct {
		int row, col;
		double v;
		const char *why;
	} cases[] = {
	        {0, 0, 1.0, "must be strictly between 0 and 1, not 1"},
	        {0, 1, 0.0, "must be strictly between 0 and 1"},
	        {1, 3, 0.0, "Alices true size must be in (0, 10] (max_size), not 0"},
	        {2, 3, 10.5, "must be in (0, 10]"},
	        {3, 0, 1.5, "Bobs true reward of refuse must be between 0 and 1, not 1.5"},
	        {4, 2, -0.1, "must be between 0 and 1"},
	        {1, 0, NAN, "Alices true reward of refuse: not a finite number"},
	        {1, 0, INFINITY, "not a finite number"},
	};
	for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
		d->status[0] = 0;
		assert_int_equal(
		        doc_set_cell(d, cases[k].row, cases[k].col, cases[k].v, NULL, &row_edited),
		        DOC_REFUSED);
		assert_true(status_has(d, cases[k].why));
		assert_true(d->status_error);
		assert_false(row_edited);
	}
	/* no such cell: nothing happens, nothing is said */
	d->status[0] = 0;
	assert_int_equal(doc_set_cell(d, 0, 3, 0.5, NULL, &row_edited), DOC_NOTHING);
	assert_string_equal(d->status, "");
	assert_int_equal(d->edit_id, id);
	char *after = emit(d->sc);
	assert_string_equal(before, after);
	free(before);
	free(after);
	close_doc(d);
}

static void test_set_cell_max_normalization(void **state)
{
	(void)state;
	doc *d = open_default();
	mt_scenario *n = doc_begin(d);
	n->normalization = MT_NORM_MAX;
	for (size_t i = 0; i < n->n; i++) {
		mt_normalize(MT_NORM_MAX, n->m, n->groups[i].rewards);
		mt_normalize(MT_NORM_MAX, n->m, n->groups[i].reported);
	}
	assert_true(doc_commit(d, n));
	bool row_edited;
	/* Alices: 1/6, 1/2, 1 -> lowering the 1 scales the others up */
	assert_int_equal(doc_set_cell(d, 1, 2, 0.25, NULL, &row_edited), DOC_CHANGED);
	const double *r = d->sc->groups[0].rewards;
	NEAR(r[1], 1.0);
	NEAR(r[0], (0.1 / 0.6) / 0.5);
	NEAR(r[2], 0.25);
	assert_true(status_has(d, "(row renormalized; the report follows)"));
	/* a report row with a single non-zero entry cannot lower it */
	assert_int_equal(doc_set_cell(d, 4, 0, 0.0, NULL, &row_edited), DOC_CHANGED);
	assert_int_equal(doc_set_cell(d, 4, 1, 0.0, NULL, &row_edited), DOC_CHANGED);
	size_t steps = history_undo_len(&d->hist);
	assert_int_equal(doc_set_cell(d, 4, 2, 0.5, NULL, &row_edited), DOC_NOTHING);
	NEAR(d->sc->groups[1].reported[2], 1.0);
	assert_true(status_has(d, "(raised to 1: with max normalization some reward is 1)"));
	assert_true(status_has(d, "nothing changed"));
	assert_int_equal(history_undo_len(&d->hist), steps); /* no undo step for it */
	close_doc(d);
}

/* ---- nudges ------------------------------------------------------------- */

static void test_nudge(void **state)
{
	(void)state;
	doc *d = open_default();
	bool row_edited;
	d->cur = (doc_cursor){.row = 0, .col = 0};
	assert_int_equal(doc_nudge(d, true, 0.05, NULL, &row_edited), DOC_CHANGED);
	NEAR(d->sc->reference[0], 0.25);
	assert_true(status_has(d, "reference probability of refuse = 0.250"));
	/* sizes move by 10 steps and stop at max_size */
	d->cur = (doc_cursor){.row = 3, .col = 3};
	assert_int_equal(doc_nudge(d, true, 0.1, NULL, &row_edited), DOC_CHANGED);
	NEAR(d->sc->groups[1].size, 6.0);
	for (int k = 0; k < 5; k++)
		doc_nudge(d, true, 0.1, NULL, &row_edited);
	NEAR(d->sc->groups[1].size, 10.0);
	unsigned long id = d->edit_id;
	assert_int_equal(doc_nudge(d, true, 0.1, NULL, &row_edited), DOC_REFUSED);
	assert_string_equal(d->status, "already at the upper bound");
	assert_int_equal(d->edit_id, id);
	/* and never below one step */
	for (int k = 0; k < 20; k++)
		doc_nudge(d, false, 0.1, NULL, &row_edited);
	NEAR(d->sc->groups[1].size, 1.0);
	/* rewards stop at 0; no 0.30000000000000004 */
	d->cur = (doc_cursor){.row = 1, .col = 0};
	assert_int_equal(doc_nudge(d, false, 0.05, NULL, &row_edited), DOC_CHANGED);
	NEAR(d->sc->groups[0].rewards[0], 0.05);
	assert_int_equal(doc_nudge(d, false, 0.1, NULL, &row_edited), DOC_CHANGED);
	assert_true(d->sc->groups[0].rewards[0] == 0.0);
	assert_int_equal(doc_nudge(d, false, 0.1, NULL, &row_edited), DOC_REFUSED);
	assert_string_equal(d->status, "already at the lower bound");
	/* q stays strictly inside (0, 1) */
	d->cur = (doc_cursor){.row = 0, .col = 2};
	for (int k = 0; k < 20; k++)
		doc_nudge(d, true, 0.1, NULL, &row_edited);
	NEAR(d->sc->reference[2], 1.0 - 1e-4);
	/* no such cell */
	d->cur = (doc_cursor){.row = 0, .col = 3};
	assert_int_equal(doc_nudge(d, true, 0.1, NULL, &row_edited), DOC_NOTHING);
	close_doc(d);
}

/* ---- add, remove, rename --------------------------------------------------- */

static void test_add_remove_rename(void **state)
{
	(void)state;
	doc *d = open_default();
	assert_int_equal(doc_add_group(d), DOC_CHANGED);
	assert_int_equal(d->sc->n, 3);
	assert_string_equal(d->sc->groups[2].name, "group 3");
	assert_int_equal(d->cur.row, doc_row(CELL_TRUTH, 2));
	assert_string_equal(d->status, "added 'group 3' (r renames it)");
	/* a taken name is skipped */
	assert_int_equal(doc_rename(d, "group 4"), DOC_CHANGED);
	assert_int_equal(doc_add_group(d), DOC_CHANGED);
	assert_string_equal(d->sc->groups[3].name, "group 5");

	/* rename: unique, not empty; on the reference row the scenario */
	assert_int_equal(doc_rename(d, "Bobs"), DOC_REFUSED);
	assert_string_equal(d->status, "there is already a group 'Bobs'");
	assert_int_equal(doc_rename(d, ""), DOC_REFUSED);
	assert_string_equal(d->status, "a name cannot be empty (nothing was changed)");
	assert_int_equal(doc_rename(d, "Carols"), DOC_CHANGED);
	assert_string_equal(d->sc->groups[3].name, "Carols");
	assert_string_equal(d->status, "renamed to 'Carols'");
	d->cur.row = 0;
	assert_int_equal(doc_rename(d, "Three parties"), DOC_CHANGED);
	assert_string_equal(d->sc->name, "Three parties");
	assert_string_equal(d->sc->groups[3].name, "Carols");

	/* remove the group under the cursor; on the reference row none (not the
	 * underlined one, silently); never the last group; undo brings it back */
	assert_int_equal(doc_remove_group(d), DOC_REFUSED);
	assert_int_equal(d->sc->n, 4);
	assert_string_equal(d->status, "move to a group's row to remove that group");
	d->cur.row = doc_row(CELL_TRUTH, 3);
	assert_int_equal(doc_remove_group(d), DOC_CHANGED);
	assert_int_equal(d->sc->n, 3);
	assert_string_equal(d->status, "removed group 'Carols' (u undoes)");
	assert_int_equal(doc_undo_redo(d, true), 1);
	assert_int_equal(d->sc->n, 4);
	assert_string_equal(d->sc->groups[3].name, "Carols");
	assert_int_equal(doc_undo_redo(d, false), 1);
	assert_int_equal(d->sc->n, 3);
	d->cur.row = doc_row(CELL_REPORT, 0);
	assert_int_equal(doc_remove_group(d), DOC_CHANGED);
	assert_int_equal(doc_remove_group(d), DOC_CHANGED);
	assert_int_equal(d->sc->n, 1);
	assert_int_equal(doc_remove_group(d), DOC_REFUSED);
	assert_string_equal(d->status, "a scenario needs at least one group");

	/* responses */
	assert_int_equal(doc_add_response(d), DOC_CHANGED);
	assert_int_equal(d->sc->m, 4);
	assert_string_equal(d->sc->responses[3], "x4");
	assert_int_equal(d->cur.col, 3);
	assert_true(d->sc->groups[0].rewards[3] == 0.0);
	assert_int_equal(doc_rename_response(d, "hedge"), DOC_REFUSED);
	assert_string_equal(d->status, "there is already a response 'hedge'");
	assert_int_equal(doc_rename_response(d, "joke"), DOC_CHANGED);
	assert_string_equal(d->sc->responses[3], "joke");
	d->cur.col = 4; /* the size column */
	assert_int_equal(doc_remove_response(d), DOC_REFUSED);
	assert_string_equal(d->status, "move to a response column to remove it");
	assert_int_equal(doc_rename_response(d, "y"), DOC_REFUSED);
	d->cur.col = 3;
	assert_int_equal(doc_remove_response(d), DOC_CHANGED);
	assert_int_equal(d->sc->m, 3);
	assert_int_equal(d->cur.col, 2); /* stays on the responses */
	assert_string_equal(d->status, "removed response 'joke'; rows renormalized (u undoes)");
	d->cur.col = 0;
	assert_int_equal(doc_remove_response(d), DOC_CHANGED);
	assert_int_equal(doc_remove_response(d), DOC_CHANGED);
	assert_int_equal(doc_remove_response(d), DOC_REFUSED);
	assert_string_equal(d->status, "a scenario needs at least one response");
	/* the only response: q is fixed at 1 */
	bool row_edited;
	assert_int_equal(doc_set_cell(d, 0, 0, 0.5, NULL, &row_edited), DOC_REFUSED);
	assert_string_equal(d->status, "the only response always has reference probability 1");
	close_doc(d);
}

/* ---- undo and redo ---------------------------------------------------------- */

static void test_undo_redo(void **state)
{
	(void)state;
	doc *d = open_default();
	char *s0 = emit(d->sc);
	unsigned long id0 = d->edit_id;
	bool row_edited;
	assert_int_equal(doc_undo_redo(d, true), 0);
	assert_string_equal(d->status, "nothing to undo");

	assert_int_equal(doc_set_cell(d, 1, 1, 0.5, NULL, &row_edited), DOC_CHANGED);
	char *s1 = emit(d->sc);
	unsigned long id1 = d->edit_id;
	assert_int_equal(doc_add_group(d), DOC_CHANGED);
	assert_int_equal(d->cur.row, 5);

	assert_int_equal(doc_undo_redo(d, true), 1);
	assert_string_equal(d->status, "undone (1 more)");
	char *t = emit(d->sc);
	assert_string_equal(t, s1);
	free(t);
	assert_int_equal(d->edit_id, id1);
	assert_int_equal(d->cur.row, 4); /* clamped: the added group's rows went */
	assert_int_equal(d->cur.last_group, 1);

	assert_int_equal(doc_undo_redo(d, false), 1);
	assert_string_equal(d->status, "redone (0 more)");
	assert_int_equal(d->sc->n, 3);
	assert_int_equal(doc_undo_redo(d, false), 0);
	assert_string_equal(d->status, "nothing to redo");

	/* a new edit after an undo drops the redo step */
	assert_int_equal(doc_undo_redo(d, true), 1);
	d->cur.row = 1;
	assert_int_equal(doc_rename(d, "Alices2"), DOC_CHANGED);
	assert_int_equal(doc_undo_redo(d, false), 0);
	/* back to the start: not modified any more */
	assert_true(doc_modified(d));
	assert_int_equal(doc_undo_redo(d, true), 1);
	assert_int_equal(doc_undo_redo(d, true), 1);
	assert_int_equal(doc_undo_redo(d, true), 0);
	t = emit(d->sc);
	assert_string_equal(t, s0);
	free(t);
	assert_int_equal(d->edit_id, id0);
	assert_false(doc_modified(d));
	free(s0);
	free(s1);
	close_doc(d);
}

/* ---- several reports at once (the coalition's joint lie) ----------------------- */

static void test_set_reports(void **state)
{
	(void)state;
	doc *d = open_default();
	char *s0 = emit(d->sc);
	unsigned long id0 = d->edit_id;
	size_t undo0 = history_undo_len(&d->hist);
	/* Both groups at once; a search's slightly unnormalized row and a size
	 * above max_size are projected onto the report space. */
	size_t groups[2] = {1, 0};
	double rewards[6] = {0.0, 0.0, 1.0, 1.0 + 1e-9, 0.0, 0.0};
	double sizes[2] = {d->sc->max_size, d->sc->max_size * 2.0};
	assert_int_equal(doc_set_reports(d, 2, groups, rewards, sizes), DOC_CHANGED);
	assert_int_equal(history_undo_len(&d->hist), undo0 + 1); /* one step */
	assert_true(status_has(d, "2 reports changed in one step"));
	const mt_group *bobs = &d->sc->groups[1], *alices = &d->sc->groups[0];
	NEAR(bobs->reported[2], 1.0);
	NEAR(alices->reported[0], 1.0);
	NEAR(alices->reported[0] + alices->reported[1] + alices->reported[2], 1.0);
	NEAR(alices->reported_size, d->sc->max_size);
	NEAR(bobs->reported_size, d->sc->max_size);
	assert_true(mt_group_lies(d->sc, 0) && mt_group_lies(d->sc, 1));
	/* the truth stays */
	NEAR(alices->rewards[0], 0.1);
	/* the same reports again: nothing to do, no undo step */
	assert_int_equal(doc_set_reports(d, 2, groups, rewards, sizes), DOC_NOTHING);
	assert_int_equal(history_undo_len(&d->hist), undo0 + 1);
	/* one undo restores both */
	assert_int_equal(doc_undo_redo(d, true), 1);
	char *t = emit(d->sc);
	assert_string_equal(t, s0);
	free(t);
	assert_int_equal(d->edit_id, id0);
	assert_false(mt_group_lies(d->sc, 0) || mt_group_lies(d->sc, 1));
	/* and one redo plays both again */
	assert_int_equal(doc_undo_redo(d, false), 1);
	assert_true(mt_group_lies(d->sc, 0) && mt_group_lies(d->sc, 1));
	/* a group that does not exist changes nothing */
	size_t bad[2] = {0, 7};
	assert_int_equal(doc_set_reports(d, 2, bad, rewards, sizes), DOC_REFUSED);
	assert_int_equal(history_undo_len(&d->hist), undo0 + 1);
	free(s0);
	close_doc(d);
}

/* ---- the cursor ---------------------------------------------------------------- */

static void test_cursor_clamp(void **state)
{
	(void)state;
	doc *d = open_default();
	assert_int_equal(d->cur.row, 1); /* a new document starts on the first group */
	assert_int_equal(d->cur.col, 0);
	d->cur = (doc_cursor){.row = 99, .col = 99};
	doc_clamp_cursor(d);
	assert_int_equal(d->cur.row, 4);
	assert_int_equal(d->cur.col, 3); /* group rows have the size column */
	assert_int_equal(doc_group(d), 1);
	d->cur.row = -3;
	doc_clamp_cursor(d);
	assert_int_equal(d->cur.row, 0);
	assert_int_equal(d->cur.col, 2);   /* q has no size column */
	assert_int_equal(doc_group(d), 1); /* the last group visited */
	d->cur.col = -1;
	doc_clamp_cursor(d);
	assert_int_equal(d->cur.col, 0);
	/* removing the last visited group moves "the group" onto a real one */
	d->cur.row = 3;
	doc_clamp_cursor(d);
	assert_int_equal(doc_remove_group(d), DOC_CHANGED);
	assert_int_equal(d->cur.row, 2);
	assert_int_equal(doc_group(d), 0);
	d->cur.row = 0;
	d->cur.last_group = 7; /* stale */
	assert_int_equal(doc_group(d), 0);
	close_doc(d);
}

/* ---- the paper's exact misreports (issue 10) ----------------------------- */

static void test_misreports(void **state)
{
	(void)state;
	doc *d = open_default();
	unsigned long id0 = d->edit_id;
	/* Alices' rewards .1 .3 .6: polarizing by 0.05 moves .05 from refuse to answer. */
	assert_int_equal(doc_misreport(d, 0, MT_SWEEP_EPSILON, 0.05), DOC_CHANGED);
	const mt_group *a = &d->sc->groups[0];
	NEAR(a->reported[0], 0.05);
	NEAR(a->reported[1], 0.3);
	NEAR(a->reported[2], 0.65);
	NEAR(a->reported_size, 3.0);
	assert_true(doc_modified(d));
	assert_true(status_has(d, "polarizing misreport at epsilon = 0.05"));
	/* The same again changes nothing: no undo step, same edit id. */
	unsigned long id1 = d->edit_id;
	assert_int_equal(doc_misreport(d, 0, MT_SWEEP_EPSILON, 0.05), DOC_NOTHING);
	assert_int_equal(d->edit_id, id1);
	/* A step larger than feasible is clamped to it: min(rm(worst), 1 - rm(best)) = 0.1. */
	assert_int_equal(doc_misreport(d, 0, MT_SWEEP_EPSILON, 5.0), DOC_CHANGED);
	NEAR(d->sc->groups[0].reported[0], 0.0);
	NEAR(d->sc->groups[0].reported[2], 0.7);
	/* Size only: alpha 2 doubles the reported size, the rewards are the truth. */
	assert_int_equal(doc_misreport(d, 1, MT_SWEEP_ALPHA, 2.0), DOC_CHANGED);
	const mt_group *b = &d->sc->groups[1];
	NEAR(b->reported_size, 10.0);
	for (size_t x = 0; x < 3; x++)
		NEAR(b->reported[x], b->rewards[x]);
	/* ... capped at max_size (10). */
	assert_int_equal(doc_misreport(d, 1, MT_SWEEP_ALPHA, 7.0), DOC_NOTHING);
	/* Mixing: beta 0 reports the others' mean (the Alices' report). */
	assert_int_equal(doc_misreport(d, 1, MT_SWEEP_BETA, 0.0), DOC_CHANGED);
	for (size_t x = 0; x < 3; x++)
		NEAR(d->sc->groups[1].reported[x], d->sc->groups[0].reported[x]);
	NEAR(d->sc->groups[1].reported_size, 5.0); /* mixing keeps the true size */
	/* Refused, nothing changed: lambda, alpha <= 0, epsilon < 0. */
	unsigned long id2 = d->edit_id;
	assert_int_equal(doc_misreport(d, 0, MT_SWEEP_LAMBDA, 1.0), DOC_REFUSED);
	assert_int_equal(doc_misreport(d, 0, MT_SWEEP_ALPHA, 0.0), DOC_REFUSED);
	assert_true(status_has(d, "alpha must be > 0"));
	assert_int_equal(doc_misreport(d, 0, MT_SWEEP_EPSILON, -0.1), DOC_REFUSED);
	assert_int_equal(d->edit_id, id2);
	/* Every step undoes: four changes back to the file. */
	for (int k = 0; k < 4; k++)
		assert_int_equal(doc_undo_redo(d, true), 1);
	assert_int_equal(d->edit_id, id0);
	assert_false(doc_modified(d));
	assert_false(mt_group_lies(d->sc, 0));
	assert_false(mt_group_lies(d->sc, 1));
	close_doc(d);

	/* A group with a zero reward has no polarizing misreport under sum. */
	d = open_default();
	mt_scenario *n = doc_begin(d);
	double z[3] = {0.0, 0.4, 0.6};
	memcpy(n->groups[0].rewards, z, sizeof z);
	memcpy(n->groups[0].reported, z, sizeof z);
	assert_true(doc_commit(d, n));
	assert_int_equal(doc_misreport(d, 0, MT_SWEEP_EPSILON, 0.05), DOC_REFUSED);
	assert_true(status_has(d, "no polarizing misreport"));
	/* epsilon 0 is the truth: nothing to change. */
	assert_int_equal(doc_misreport(d, 0, MT_SWEEP_EPSILON, 0.0), DOC_NOTHING);
	close_doc(d);
}

static void test_set_report(void **state)
{
	(void)state;
	doc *d = open_default();
	unsigned long id = d->edit_id;
	const double truth[3] = {0.1, 0.3, 0.6};
	/* The truth, up to rounding a search leaves: nothing changes. */
	const double near[3] = {0.1 + 1e-12, 0.3, 0.6 - 1e-12};
	assert_true(doc_reports_equal(d->sc, 0, truth, 3.0));
	assert_int_equal(doc_set_report(d, 0, near, 3.0 * (1 + 1e-12)), DOC_NOTHING);
	assert_int_equal(d->edit_id, id);
	assert_false(doc_modified(d));
	/* Unnormalized rewards are projected, the size clamped. */
	const double raw[3] = {1.0, 1.0, 2.0};
	assert_int_equal(doc_set_report(d, 0, raw, 50.0), DOC_CHANGED);
	NEAR(d->sc->groups[0].reported[2], 0.5);
	NEAR(d->sc->groups[0].reported_size, 10.0);
	assert_false(doc_reports_equal(d->sc, 0, truth, 3.0));
	close_doc(d);
}

static void test_parse_misreport(void **state)
{
	(void)state;
	mt_sweep_family f;
	double t;
	const char *why = NULL;
	assert_true(doc_parse_misreport("eps 0.05", &f, &t, &why));
	assert_int_equal(f, MT_SWEEP_EPSILON);
	NEAR(t, 0.05);
	assert_true(doc_parse_misreport(" epsilon=1/20", &f, &t, &why));
	NEAR(t, 0.05);
	assert_true(doc_parse_misreport("alpha 2", &f, &t, &why));
	assert_int_equal(f, MT_SWEEP_ALPHA);
	assert_true(doc_parse_misreport("b .5", &f, &t, &why));
	assert_int_equal(f, MT_SWEEP_BETA);
	NEAR(t, 0.5);
	assert_false(doc_parse_misreport("gamma 2", &f, &t, &why));
	assert_non_null(why);
	assert_false(doc_parse_misreport("alpha", &f, &t, &why));
	assert_false(doc_parse_misreport("alphabet 2", &f, &t, &why));
	assert_false(doc_parse_misreport("eps nan", &f, &t, &why));
}

static void test_parse_range(void **state)
{
	(void)state;
	double from, to;
	const char *why = NULL;
	assert_true(doc_parse_range("0.25 5", MT_SWEEP_ALPHA, &from, &to, &why));
	NEAR(from, 0.25);
	NEAR(to, 5.0);
	assert_true(doc_parse_range(" 0..1/10 ", MT_SWEEP_EPSILON, &from, &to, &why));
	NEAR(from, 0.0);
	NEAR(to, 0.1);
	assert_true(doc_parse_range("-1 2", MT_SWEEP_BETA, &from, &to, &why));
	assert_true(doc_parse_range("  ", MT_SWEEP_BETA, &from, &to, &why)); /* the default */
	NEAR(from, 0.0);
	NEAR(to, 0.0);
	assert_false(doc_parse_range("0 5", MT_SWEEP_ALPHA, &from, &to, &why));
	assert_false(doc_parse_range("0 5", MT_SWEEP_LAMBDA, &from, &to, &why));
	assert_false(doc_parse_range("1e-9 5", MT_SWEEP_LAMBDA, &from, &to, &why));
	assert_false(doc_parse_range("-0.1 0.1", MT_SWEEP_EPSILON, &from, &to, &why));
	assert_false(doc_parse_range("2 1", MT_SWEEP_BETA, &from, &to, &why));
	assert_false(doc_parse_range("2", MT_SWEEP_BETA, &from, &to, &why));
	assert_false(doc_parse_range("1 inf", MT_SWEEP_BETA, &from, &to, &why));
	assert_non_null(why);
}

/* Edits that change nothing neither mark the document modified nor add an
 * undo step: the same value typed again, the truth told by a truthful
 * group, a copy committed unchanged, lambda set to its value. */
static void test_no_op_edits(void **state)
{
	(void)state;
	doc *d = open_default();
	bool row_edited;
	double prev[3];
	bool ok;
	int row = doc_row(CELL_TRUTH, 0);
	double v = doc_cell_value(d->sc, row, 1, &ok);
	assert_true(ok);
	assert_int_equal(doc_set_cell(d, row, 1, v, prev, &row_edited), DOC_NOTHING);
	assert_true(status_has(d, "nothing changed"));
	assert_false(doc_modified(d));
	assert_int_equal(history_undo_len(&d->hist), 0);

	mt_scenario *n = doc_begin(d); /* t on a truthful group */
	assert_non_null(n);
	assert_false(mt_group_lies(n, 0));
	mt_group_tell_truth(n, 0);
	assert_false(doc_commit(d, n));
	assert_true(status_has(d, "nothing changed"));
	assert_false(d->status_error);
	assert_false(doc_modified(d));
	assert_int_equal(history_undo_len(&d->hist), 0);

	n = doc_begin(d); /* lambda to the value it has; the same payment */
	n->lambda = d->sc->lambda;
	n->payment = d->sc->payment;
	assert_false(doc_commit(d, n));
	assert_false(doc_modified(d));

	n = doc_begin(d); /* -0.0 is not 0.0: undo must give back exact bits */
	n->pivot_fraction = -d->sc->pivot_fraction;
	if (d->sc->pivot_fraction == 0.0) {
		assert_true(doc_commit(d, n));
		assert_true(doc_modified(d));
		assert_int_equal(doc_undo_redo(d, true), 1);
	} else {
		mt_scenario_free(n);
	}

	/* a real change still counts, once */
	n = doc_begin(d);
	n->lambda *= 2.0;
	assert_true(doc_commit(d, n));
	assert_true(doc_modified(d));
	assert_int_equal(history_undo_len(&d->hist), 1);
	assert_int_equal(doc_set_cell(d, row, 1, 0.5, prev, &row_edited), DOC_CHANGED);
	assert_int_equal(history_undo_len(&d->hist), 2);
	assert_int_equal(doc_set_cell(d, row, 1, 0.5, prev, &row_edited), DOC_NOTHING);
	assert_int_equal(history_undo_len(&d->hist), 2);
	close_doc(d);
}

/* The editor and the loader agree on what a number is: every spelling the
 * editor takes, a scenario file takes as lambda, and the other way round. */
static void test_parse_number_as_loader(void **state)
{
	(void)state;
	doc *d = open_default();
	char *text = NULL;
	mt_error e0;
	assert_int_equal(mt_scenario_emit(d->sc, &text, NULL, &e0), MT_OK);
	assert_non_null(strstr(text, "\nlambda: "));
	size_t head = (size_t)(strstr(text, "\nlambda: ") - text);
	assert_non_null(strchr(text + head + 1, '\n'));
	size_t tail = (size_t)(strchr(text + head + 1, '\n') - text);
	const char *spell[] = {"0.45", "2e-1", "+0.5",  "1.",  ".5",  "0x1p-2", "0x10", "inf",
	                       ".inf", "nan",  "1e999", "1_0", "0,5", "5e",     "1/2"};
	for (size_t k = 0; k < sizeof spell / sizeof *spell; k++) {
		char buf[8192];
		snprintf(buf, sizeof buf, "%.*s\nlambda: %s%s", (int)head, text, spell[k],
		         text + tail);
		mt_scenario *sc = NULL;
		mt_error err;
		double v;
		bool loads =
		        mt_scenario_load_buffer(buf, strlen(buf), "t.yaml", &sc, &err) == MT_OK;
		bool types = mt_parse_decimal(spell[k], &v) && v > 0.0;
		if (strchr(spell[k], '/'))
			types = false; /* fractions are the editor's own: 1/2 */
		assert_true(loads == types);
		if (loads)
			assert_true(sc->lambda == v);
		mt_scenario_free(sc);
	}
	free(text);
	close_doc(d);
}

int main(void)
{
	mt_library_init();
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_cell_reference),
	        cmocka_unit_test(test_keep_sum),
	        cmocka_unit_test(test_keep_max),
	        cmocka_unit_test(test_parse_number),
	        cmocka_unit_test(test_set_cell_truthful_row),
	        cmocka_unit_test(test_set_cell_refusals),
	        cmocka_unit_test(test_set_cell_max_normalization),
	        cmocka_unit_test(test_nudge),
	        cmocka_unit_test(test_add_remove_rename),
	        cmocka_unit_test(test_undo_redo),
	        cmocka_unit_test(test_cursor_clamp),
	        cmocka_unit_test(test_set_reports),
	        cmocka_unit_test(test_misreports),
	        cmocka_unit_test(test_set_report),
	        cmocka_unit_test(test_parse_misreport),
	        cmocka_unit_test(test_parse_range),
	        cmocka_unit_test(test_no_op_edits),
	        cmocka_unit_test(test_parse_number_as_loader),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
