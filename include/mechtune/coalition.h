/* mechtune/coalition.h — coalitions: the joint misreport of a set of groups
 * that maximizes the sum of the members' TRUE utilities, every other group
 * reporting as in the scenario (theory.md, "Coalitions").
 *
 * The baseline is the members telling the truth (others as in the
 * scenario); the gain is the members' total utility under the joint report
 * minus that baseline.  A joint report is kept only when the real solver
 * (mt_solve) says it beats the truth; otherwise the result is the truth
 * with gain 0.  Every number of a result is finite.
 *
 * Functions take the scenario borrowed, keep no state between calls and
 * honour cancel between search steps (MT_ECANCELED), so the explorer's
 * worker can call them on its snapshot. */
#ifndef MECHTUNE_COALITION_H
#define MECHTUNE_COALITION_H

#include <stdbool.h>
#include <stddef.h>

#include "mechtune/analysis.h"
#include "mechtune/cancel.h"
#include "mechtune/scenario.h"

/* mt_coalition_best_pair tries every pair of at most this many groups. */
#define MT_COALITION_PAIR_MAX_GROUPS 8
/* A member "gains" when its utility beats its truthful one by more than
 * MT_DSIC_TOL (1 + |u|). */

typedef struct {
	size_t k, m;
	size_t *members;             /* k group indices, in the order given (owned) */
	const mt_payment_rule *rule; /* the rule analysed */
	double gain;                 /* sum(utilities) - sum(utilities_truthful), >= 0 */
	double *utilities_truthful;  /* k: members truthful, others as in the scenario */
	double *utilities;           /* k: under the joint report */
	double *sizes;               /* k reported sizes of the joint report */
	double *rewards;             /* k x m reported rewards, row-major */
	bool all_gain;               /* every member gains (see above) */
	/* EXACT: the joint report maximizes the total (under none, when the
	 * single-group best response of the merged group is exact: tv and chi2
	 * within the caps of README "analyze", kl with max normalization,
	 * candidate menus); SEARCH otherwise (multi-start search). */
	mt_br_method method;
} mt_coalition;

/* The best joint misreport of the k groups `members` (2 <= k <= n,
 * distinct) under `rule` (NULL: the scenario's).  out is initialized here;
 * release it with mt_coalition_release even on failure.  MT_EINVAL for a
 * bad member list. */
mt_status mt_coalition_best(const mt_scenario *sc, const mt_payment_rule *rule,
                            const size_t *members, size_t k, mt_coalition *out,
                            const mt_cancel *cancel, mt_error *err);

/* The pair with the largest gain under `rule` (NULL: the scenario's), ties
 * to the first pair in index order.  Needs 2 <= n <=
 * MT_COALITION_PAIR_MAX_GROUPS (MT_EINVAL otherwise). */
mt_status mt_coalition_best_pair(const mt_scenario *sc, const mt_payment_rule *rule,
                                 mt_coalition *out, const mt_cancel *cancel, mt_error *err);

void mt_coalition_release(mt_coalition *c); /* NULL is a no-op */

#endif
