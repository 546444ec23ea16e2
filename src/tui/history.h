/* history.h — the explorer's undo and redo stacks (document layer: no
 * curses, unit-tested in tests/test_history.c).
 *
 * An edit that keeps the shape (same responses, groups and candidates)
 * stores only what it changed: the scalars, and the rows, names and sizes
 * that differ, taken from the old scenario rather than copied.  An edit
 * that changes the shape stores the whole old scenario.  Undo and redo swap
 * an entry with the document in place, so they allocate nothing but stack
 * room and cannot half-fail.
 *
 * The stacks hold at most `budget` bytes (HISTORY_BUDGET): when a new edit
 * would pass it, the oldest undo steps are dropped (the newest one is always
 * kept) and history_push says how many. */
#ifndef MT_TUI_HISTORY_H
#define MT_TUI_HISTORY_H

#include <stdbool.h>
#include <stddef.h>

#include "mechtune/scenario.h"

#define HISTORY_BUDGET ((size_t)64 * 1024 * 1024)

typedef struct hist_entry hist_entry;

typedef struct {
	hist_entry **items;
	size_t len, cap;
} hist_stack;

typedef struct {
	hist_stack undo, redo;
	size_t bytes;  /* held by both stacks */
	size_t budget; /* 0: HISTORY_BUDGET */
} history;

/* Empty both stacks (the budget stays). */
void history_clear(history *h);
/* Free everything; h is then all zero. */
void history_release(history *h);

/* The document goes from old (edit id old_id) to next.  On success old is
 * consumed (kept in parts or whole, or freed), the redo stack is emptied
 * and *dropped is the number of oldest undo steps dropped to stay within
 * the budget.  Returns false when out of memory: then old is untouched and
 * nothing changed. */
bool history_push(history *h, mt_scenario *old, unsigned long old_id, const mt_scenario *next,
                  size_t *dropped);

/* Undo (undo == true) or redo one step: *doc and *id become the other
 * state's.  Returns 1 when done, 0 when there is nothing to undo or redo,
 * -1 when out of memory (nothing changed). */
int history_step(history *h, bool undo, mt_scenario **doc, unsigned long *id);

/* Whether a and b are the same document, bit for bit (an edit from one to
 * the other changes nothing). */
bool history_same(const mt_scenario *a, const mt_scenario *b);

size_t history_undo_len(const history *h);
size_t history_redo_len(const history *h);

#endif
