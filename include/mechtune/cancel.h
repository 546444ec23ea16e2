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

typedef struct {
	const atomic_ulong *generation; /* shared counter, owned by the caller */
	unsigned long mine;             /* generation this computation belongs to */
} mt_cancel;

static inline bool mt_cancelled(const mt_cancel *c)
{
	return c && c->generation &&
	       atomic_load_explicit(c->generation, memory_order_relaxed) != c->mine;
}

#endif
