/* mechtune/noise.h — noisy input and approximate DSIC (theory.md section 6,
 * Theorem 4.12).
 *
 * With scenario key noise: {epsilon, samples, seed}, the trainer (and the
 * payment rule) sees every reported reward plus independent uniform noise
 * in [-epsilon, epsilon] per response.  Expectations are Monte Carlo
 * averages over `samples` draws with common random numbers: draw s is the
 * same for every candidate report, and everything is deterministic for a
 * seed. */
#ifndef MECHTUNE_NOISE_H
#define MECHTUNE_NOISE_H

#include <stdbool.h>
#include <stddef.h>

#include "mechtune/cancel.h"
#include "mechtune/scenario.h"

typedef struct {
	double truthful_utility; /* expected utility of the truthful report */
	double best_utility;     /* expected utility of the best reward misreport found */
	double gain;             /* best_utility - truthful_utility (>= 0) */
	double bound;            /* 2 w_i epsilon (Theorem 4.12) */
	bool within_bound;       /* gain <= bound (+ tolerance) */
	double *rewards;         /* the best misreport, m entries (owned) */
} mt_noise_group;

typedef struct {
	size_t m, n, samples;
	double epsilon;
	mt_noise_group *groups; /* n */
	/* true ASW = sum_j w_j <p, rm_j> - D_f(p||q), the objective the bound is about */
	double asw_exact;     /* at the noiseless truthful training */
	double asw_noisy;     /* expected, noisy truthful training */
	double asw_loss;      /* asw_exact - asw_noisy */
	double welfare_bound; /* 2 epsilon sum_j w_j */
	bool asw_within_bound;
	/* plain true welfare sum_j w_j v_j (no regularizer), for reference */
	double welfare_exact, welfare_noisy, welfare_loss;
	bool all_within_bound; /* every group's gain within its bound */
} mt_noise_analysis;

/* Expected utility of group i reporting (rewards, size), others as in sc,
 * and (if non-NULL) the expected true welfare and true ASW, under sc's
 * noise and payment rule: `samples` real solves, checking cancel before
 * each (MT_ECANCELED). */
mt_status mt_noise_expected_utility(const mt_scenario *sc, size_t i, const double *rewards,
                                    double size, double *utility, double *welfare, double *asw,
                                    const mt_cancel *cancel, mt_error *err);

/* Per group, the best reward misreport under noise (sizes kept true) and
 * its gain next to 2 w_i epsilon; the ASW lost to noise next to
 * 2 epsilon sum w.  Everybody truthful as the baseline.  The search needs
 * the whole simplex and a payment rule whose pivot ignores the group
 * (none, vcg, vcg_shifted, early_stop).  out is initialized here; release
 * with mt_noise_release even on failure. */
mt_status mt_noise_analyze(const mt_scenario *sc, mt_noise_analysis *out, const mt_cancel *cancel,
                           mt_error *err);
void mt_noise_release(mt_noise_analysis *a);

#endif
