/* Internals shared by the analysis modules (br_report.c, br_search.c,
 * analysis.c, sweep.c, noise.c): not part of the public API. */
#ifndef MT_BR_INTERNAL_H
#define MT_BR_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "mechtune/analysis.h"
#include "mechtune/train.h"

/* Searches keep a misreport only when it beats the truth by more than this
 * (relative to 1 + |u|): far below MT_DSIC_TOL, far above rounding. */
#define MT_BR_ACCEPT_TOL (64.0 * 2.220446049250313e-16)

/* The index of the largest entry of v[m] (the first of equals). */
static inline size_t argmax(size_t m, const double *v)
{
	size_t b = 0;
	for (size_t x = 1; x < m; x++)
		if (v[x] > v[b])
			b = x;
	return b;
}

/* The best response of group i of `kind` in sc (payment rule set in sc);
 * cur_r/cur_w: an extra start (the current report), may be NULL
 * (br_search.c; mt_best_response without the extra start). */
mt_status mt_br_search(const mt_scenario *sc, size_t i, mt_br_kind kind, const double *cur_r,
                       double cur_w, mt_report_outcome *out, const mt_cancel *cancel,
                       mt_error *err);

/* The rule's shape (mechtune/payment.h). */
mt_pay_shape mt_pay_shape_of(const mt_payment_rule *r);

/* Solve sc with group i reporting (rewards, size) through mt_solve, the
 * real solver; fills valuation, payment and utility of group i and, if
 * non-NULL, *welfare (true social welfare).  out->rewards is not touched. */
mt_status mt_eval_raw(const mt_scenario *sc, size_t i, const double *rewards, double size,
                      mt_report_outcome *out, double *welfare, const mt_cancel *cancel,
                      mt_error *err);

/* Fill out with a copy of rewards and the numbers of src. */
mt_status mt_report_set(mt_report_outcome *out, size_t m, const double *rewards, double size,
                        const mt_report_outcome *src);

/* Gradient of the utility with respect to the aggregate S (the sensitivity
 * formula of theory.md section 2): gy = J g, J = dp/dS at policy p. */
void mt_sensitivity_apply(const mt_rule *r, const double *p, const double *g, double *gy);

/* Best reward-only misreport of group i under noisy input: maximize the
 * average over ns samples of the surrogate with S_{-i} = Sm_s[s] and the
 * group's own noise term off_s[s] (= w_i xi_i), both ns x m row-major.
 * Fills r[m] (the report; the caller re-evaluates it). */
mt_status mt_br_noisy_rewards(const mt_scenario *sc, size_t i, size_t ns, const double *Sm_s,
                              const double *off_s, double *r, const mt_cancel *cancel,
                              mt_error *err);

/* Exact best responses without payment on the simplex (br_exact.c): maximize
 * <p*(a + y), rm> over y in {y >= 0, sum y <= T} (box false) or [0, T]^m
 * (box true), a = S_{-i}.  *found false (y untouched): the method does not
 * apply at this m (the caps below); true: y is a maximizer and *value its
 * <p, rm> as the method predicts it (the caller re-evaluates y). */
#define MT_BR_EXACT_TV_MAX_M 10        /* sum: m 2^(m-1) (best, moved set) pairs */
#define MT_BR_EXACT_TV_BOX_MAX_M 256   /* max: O(m^2 log m) sweep */
#define MT_BR_EXACT_CHI2_SUM_MAX_M 64  /* m^2 / 2 edges, O(m) each */
#define MT_BR_EXACT_CHI2_BOX_MAX_M 256 /* m edges, O(m log m) each */
#define MT_BR_EXACT_TV_SIZE_MAX_M 64   /* O(m^2) breakpoints of the size line */
mt_status mt_br_exact_tv(size_t m, const double *q, double lambda, const double *a,
                         const double *rm, bool box, double T, double *y, double *value,
                         bool *found, mt_error *err);
mt_status mt_br_exact_chi2(size_t m, const double *q, double lambda, const double *a,
                           const double *rm, bool box, double T, double *y, double *value,
                           bool *found, mt_error *err);

#endif
