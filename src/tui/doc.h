/* doc.h — the explorer's document layer: the scenario being edited, undo
 * and redo, edit ids, the cursor as a typed cell reference, the edit rules
 * (normalized rows, nudges, add/remove/rename), typed numbers, open/save
 * and the status text.  No curses: tests/test_doc*.c unit-test it.
 *
 * Layers of the explorer, lowest first; a file uses only layers below it:
 *   core    include/mechtune/
 *   doc     doc.h, history.h              (no curses)
 *   screen  screen.h: <curses.h>, colours, glyphs, put/putf
 *   views   view_*.c, keys.c's help        (read doc and results, draw)
 *   loop    loop.c, keys.c, recover.c      (poll, dispatch, signals)
 * Views and loop share app.h.  tests/layers/run_includes.sh checks the
 * includes. */
#ifndef MT_TUI_DOC_H
#define MT_TUI_DOC_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "history.h"
#include "mechtune/scenario.h"
#include "mechtune/sweep.h"

/* The grid's rows: row 0 is the reference q; group i has its truth on row
 * 1 + 2i and its report on row 2 + 2i.  Columns 0..m-1 are the responses,
 * column m the size (groups only).  doc_cell decodes a (row, col) pair,
 * doc_row encodes a row; nothing else does arithmetic on rows. */
typedef enum { CELL_REFERENCE, CELL_TRUTH, CELL_REPORT } cell_kind;
typedef struct {
	cell_kind kind;
	size_t group; /* CELL_TRUTH, CELL_REPORT */
	size_t col;   /* a response, or m: the size */
	bool size;    /* col is the size column */
} cell_ref;

/* The cell at (row, col) of sc; false (and *c untouched) when there is none. */
bool doc_cell(const mt_scenario *sc, int row, int col, cell_ref *c);
/* The row of a kind of cell (group is ignored for CELL_REFERENCE). */
int doc_row(cell_kind kind, size_t group);
/* The number of grid rows of sc: 1 + 2n. */
int doc_rows(const mt_scenario *sc);
/* The group a row belongs to; rows must be > 0. */
size_t doc_row_group(int row);
/* The vector a non-size cell lies in (q, the rewards or the report). */
double *doc_cell_vector(mt_scenario *sc, cell_ref c);
/* The value at (row, col); *exists says whether there is such a cell. */
double doc_cell_value(const mt_scenario *sc, int row, int col, bool *exists);
/* "Alices reported reward of hedge", "reference probability of x1" ... */
void doc_cell_name(const mt_scenario *sc, int row, int col, char *buf, size_t len);
/* Numbers as the explorer shows them: 3 decimals, fewer when large. */
const char *doc_fmt_num(char *buf, size_t len, double v);
/* Gains, signed: 3 decimals; one too small for them still shown (+7e-05),
 * so "+0.000 ✗" never appears; 0 up to floating-point noise (1e-12). */
const char *doc_fmt_gain(char *buf, size_t len, double v);

/* Edit rules on one vector of m entries.  keep_sum: v[x] = val and the
 * others rescaled so that v sums to 1 (equal shares when they were all 0).
 * keep_max: v[x] = val keeping max v = 1: when val < 1 and no other entry
 * is 1 the others are scaled up; when they are all 0, v[x] becomes 1 and
 * the result is false. */
void doc_keep_sum(size_t m, double *v, size_t x, double val);
bool doc_keep_max(size_t m, double *v, size_t x, double val);
/* A typed number: "0.25", " 1 / 3 " (fractions), each number spelled as
 * scenario files spell them (mt_parse_decimal: no hex, inf or nan), the
 * result finite. */
bool doc_parse_number(const char *s, double *out);

/* The cursor: a grid position and the group last visited on a group row
 * (the reference row still has "a group": the one last visited). */
typedef struct {
	int row, col;
	size_t last_group;
} doc_cursor;

typedef struct {
	mt_scenario *sc;
	char *path; /* NULL: not saved anywhere yet (the embedded default) */
	unsigned long edit_id, saved_id, next_id;
	history hist;     /* undo and redo (history.h) */
	size_t undo_note; /* undo steps dropped by the current key's edit */
	doc_cursor cur;
	char status[MT_ERROR_TEXT_MAX + 512]; /* a file error with its whole path fits */
	bool status_error;
} doc;

/* The status line's text; a note that undo steps were dropped is added
 * while undo_note is set (the key's loop clears it). */
void doc_set_status(doc *d, bool error, const char *fmt, ...)
#if defined(__GNUC__)
        __attribute__((format(printf, 3, 4)))
#endif
        ;
void doc_vset_status(doc *d, bool error, const char *fmt, va_list ap)
#if defined(__GNUC__)
        __attribute__((format(printf, 3, 0)))
#endif
        ;

/* Take sc (and a copy of path) as the document: no history, saved. */
void doc_replace(doc *d, mt_scenario *sc, const char *path);
void doc_release(doc *d);
bool doc_modified(const doc *d);

/* Edits work on a copy: doc_begin returns a clone of the scenario (NULL,
 * with the status set, when out of memory); change it, then doc_commit it:
 * it validates, and on success the old scenario goes on the undo stack,
 * the redo stack is cleared, the edit id moves on and the cursor is
 * clamped; on failure the copy is freed, the status says why and the
 * result is false.  A copy equal to the document (history_same) changes
 * nothing: it is freed, the document stays unmodified, no undo step is
 * added, the status says so and the result is false. */
mt_scenario *doc_begin(doc *d);
bool doc_commit(doc *d, mt_scenario *next);
/* Undo (undo == true) or redo one step: 1 done, 0 nothing to do, -1 out of
 * memory; the status says which. */
int doc_undo_redo(doc *d, bool undo);

/* Keep the cursor on the grid of d->sc. */
void doc_clamp_cursor(doc *d);
/* The group under the cursor (on the reference row: the last one visited). */
size_t doc_group(const doc *d);

/* What an edit did: nothing (no such cell, or the cell has that value
 * already: the status says so; no undo step, not modified), refused (the status says why),
 * or a committed change. */
typedef enum { DOC_NOTHING, DOC_REFUSED, DOC_CHANGED } doc_result;

/* Set the cell (row, col) to v.  Rows are renormalized (keep_sum for q and
 * under sum normalization, keep_max under max); editing the truth of a
 * truthful group moves its report along.  When a row vector is edited,
 * *row_edited is set and prev (m entries, may be NULL) receives the row
 * before the edit. */
doc_result doc_set_cell(doc *d, int row, int col, double v, double *prev, bool *row_edited);
/* Nudge the cell under the cursor up or down by step (sizes by 10 steps),
 * within its bounds; refused at a bound.  As doc_set_cell otherwise. */
doc_result doc_nudge(doc *d, bool up, double step, double *prev, bool *row_edited);

/* Set the reports of k distinct groups at once (rewards: k x m, row-major;
 * sizes: k), each projected onto the report space (rows normalized, sizes
 * clamped to (0, max_size]), as ONE edit: one undo restores them all.
 * DOC_NOTHING when every report is already so (no undo step is added). */
doc_result doc_set_reports(doc *d, size_t k, const size_t *groups, const double *rewards,
                           const double *sizes);

/* Add a group named "group K" (the first free K > n) and move to it; add a
 * response "xK" with reward 0; remove the group or the response under the
 * cursor; rename the scenario (on the reference row) or the group, or the
 * response in the cursor's column.  Names must be unique and not empty. */
doc_result doc_add_group(doc *d);
doc_result doc_remove_group(doc *d);
doc_result doc_add_response(doc *d);
doc_result doc_remove_response(doc *d);
doc_result doc_rename(doc *d, const char *text);
doc_result doc_rename_response(doc *d, const char *text);

/* Reports.  doc_reports_equal: group i reports (rewards, size) already
 * (rewards within MT_NORM_TOL, the size within 1e-9 relative).
 * doc_set_report: group i reports (rewards, size), projected onto the
 * report space, the size kept in (0, max_size]; DOC_NOTHING when that is
 * what it reports already (no undo step, not modified).
 * doc_misreport: the paper's exact misreports (theory.md section 8), the
 * report of group i at parameter t of family f, built by mt_sweep_report:
 * alpha (size only, alpha w), beta (mixing with the others' mean), epsilon
 * (the Theorem 4.2 polarizing step, clamped to the largest feasible one);
 * refused with the reason in the status for lambda, alpha <= 0, epsilon <
 * 0 and a group with no polarizing misreport. */
bool doc_reports_equal(const mt_scenario *sc, size_t i, const double *rewards, double size);
doc_result doc_set_report(doc *d, size_t i, const double *rewards, double size);
doc_result doc_misreport(doc *d, size_t i, mt_sweep_family f, double t);
/* "eps 0.05", "epsilon=0.05", "alpha 2", "a 2", "beta 0.5", "b .5" (a
 * number may be a fraction): the family and its parameter; false (with
 * *why) otherwise. */
bool doc_parse_misreport(const char *text, mt_sweep_family *f, double *t, const char **why);
/* A plot range typed for family f: "0.25 5" or "0.25..5" (fractions
 * allowed); from < to, alpha and lambda positive (lambda within
 * MT_LAMBDA_MIN..MT_LAMBDA_MAX), epsilon from 0 up.  An empty text is the
 * default range: true with *from = *to = 0.  false (with *why) otherwise. */
bool doc_parse_range(const char *text, mt_sweep_family f, double *from, double *to,
                     const char **why);

/* Save to path (flags: mt_scenario_save_flags) or open path; the status
 * says how it went.  doc_open returns true when the document changed. */
bool doc_save(doc *d, const char *path, unsigned flags);
bool doc_open(doc *d, const char *path);

#endif
