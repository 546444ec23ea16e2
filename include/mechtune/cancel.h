/* mechtune/cancel.h — cooperative cancellation for long computations.
 *
 * The explorer's worker thread bumps an atomic generation counter whenever a
 * newer scenario is submitted.  Long core computations take an optional
 * const mt_cancel * and poll it between steps; when it reports true they stop
 * and return MT_ECANCELED.  NULL means "never cancelled". */
#ifndef MECHTUNE_CANCEL_H
#define MECHTUNE_CANCEL_H

#include <stdatomic.h>
#include <stdbool.h>

/* How far a long computation is, published by the thread that computes
 * and read by another (the explorer's header: "best responses 12/32").
 * Every field is atomic; relaxed order is enough, the numbers are for
 * display and each is read on its own. */
typedef struct {
	atomic_size_t done;  /* steps done */
	atomic_size_t total; /* steps to do (0: not counted) */
} mt_progress;

typedef struct {
	const atomic_ulong *generation; /* shared counter, owned by the caller */
	unsigned long mine;             /* generation this computation belongs to */
	mt_progress *progress;          /* where steps are counted; NULL: nowhere */
} mt_cancel;

/* One more step done (a group's best responses, a sweep, a pair). */
static inline void mt_progress_step(const mt_cancel *c)
{
	if (c && c->progress)
		atomic_fetch_add_explicit(&c->progress->done, 1, memory_order_relaxed);
}

static inline bool mt_cancelled(const mt_cancel *c)
{
	return c && c->generation &&
	       atomic_load_explicit(c->generation, memory_order_relaxed) != c->mine;
}

#endif
