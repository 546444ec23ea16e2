/* mechtune/analysis.h — strategic analysis (theory.md sections 3, 5-9):
 * best-response misreports, the polarizing misreport, the sign function
 * t(x), iterated best responses and the global DSIC / IR checks.
 *
 * Everything is computed with the group's TRUE rewards and size for its
 * utility, holding the other groups' reports as in the scenario. */
#ifndef MECHTUNE_ANALYSIS_H
#define MECHTUNE_ANALYSIS_H

#include <stdbool.h>
#include <stddef.h>

#include "mechtune/cancel.h"
#include "mechtune/scenario.h"

/* A DSIC check passes when no gain exceeds this, relative to 1 + |u|. */
#define MT_DSIC_TOL 1e-9

/* How a best response was found.  EXACT: the report is a maximizer of the
 * group's utility over the report space (up to rounding), proved by the
 * structure of the problem (README, "analyze"); SEARCH: the best of a
 * multi-start search, which may miss a better report. */
typedef enum { MT_BR_SEARCH = 0, MT_BR_EXACT = 1 } mt_br_method;
/* "search" or "exact". */
const char *mt_br_method_name(mt_br_method m);

/* One report of one group and what it earns the group. */
typedef struct {
	double size;      /* reported size */
	double *rewards;  /* reported rewards, m entries (owned) */
	double valuation; /* v_i at the resulting policy (true rewards) */
	double payment;
	double utility;      /* true utility w_i v_i - payment */
	double gain;         /* utility - truthful utility */
	mt_br_method method; /* best responses only: how it was found */
} mt_report_outcome;

typedef enum {
	MT_BR_FULL = 0,    /* rewards and size */
	MT_BR_REWARDS = 1, /* rewards only, size kept true */
	MT_BR_SIZE = 2,    /* size only, rewards kept true */
} mt_br_kind;

typedef struct {
	double truthful_utility;
	bool ir;                    /* truthful utility >= -tol */
	mt_report_outcome best[3];  /* indexed by mt_br_kind */
	mt_report_outcome polarize; /* Theorem 4.2 misreport (opts->polarize_epsilon) */
	double polarize_epsilon;    /* 0 when no polarizing misreport exists */
	double *t;                  /* sign function t(x) of Theorem B.2, m entries */
} mt_group_analysis;

typedef struct {
	bool converged;
	size_t rounds;
	double welfare_truthful; /* true welfare when everybody tells the truth */
	double welfare_final;    /* true welfare at the final reports */
	double welfare_loss;     /* welfare_truthful - welfare_final */
	double *sizes;           /* final reported sizes, n (owned) */
	double *rewards;         /* final reported rewards, n*m row-major (owned) */
} mt_ibr_result;

typedef struct {
	size_t m, n;
	const mt_payment_rule *rule; /* the rule analysed */
	mt_group_analysis *groups;   /* n */
	double max_gain;             /* max over groups of best[MT_BR_FULL].gain */
	bool dsic;                   /* every gain <= MT_DSIC_TOL (1 + |u|) */
	bool ir;                     /* every truthful utility >= 0 */
	bool nonnegative_payments;   /* every truthful payment >= 0 */
	mt_ibr_result ibr;
} mt_analysis;

/* Options of mt_analyze_ex (mt_analyze uses the defaults). */
typedef struct {
	bool ibr;                /* run iterated best responses (default true) */
	double ibr_tol;          /* a move must gain more than tol (1 + |u|) (default 1e-9) */
	size_t ibr_rounds;       /* round limit (default 20) */
	double polarize_epsilon; /* step of the polarizing misreport; <= 0: the largest feasible
	                            (default), larger than feasible: clamped to it */
} mt_analysis_opts;
void mt_analysis_opts_default(mt_analysis_opts *o);

/* Analyse sc under payment rule `rule` (NULL: the scenario's).  out is
 * initialized here; release it with mt_analysis_release even on failure.
 * Honors cancel between groups and between search steps. */
mt_status mt_analyze(const mt_scenario *sc, const mt_payment_rule *rule, mt_analysis *out,
                     const mt_cancel *cancel, mt_error *err);
/* mt_analyze with options (NULL: defaults). */
mt_status mt_analyze_ex(const mt_scenario *sc, const mt_payment_rule *rule,
                        const mt_analysis_opts *opts, mt_analysis *out, const mt_cancel *cancel,
                        mt_error *err);
void mt_analysis_release(mt_analysis *a);

/* Best response of group i of kind `kind` under sc's payment rule.  out
 * is initialized here (release with mt_report_outcome_release). */
mt_status mt_best_response(const mt_scenario *sc, size_t i, mt_br_kind kind, mt_report_outcome *out,
                           const mt_cancel *cancel, mt_error *err);
void mt_report_outcome_release(mt_report_outcome *r);

/* Diagnostics for tests: how many reports the best-response searches of
 * the calling thread have evaluated (one training each, more for noisy
 * input; a gradient at the point just evaluated reuses its training). */
unsigned long mt_br_evaluations(void);

/* Utility etc. of group i reporting (rewards, size) with everything else
 * as in sc: the ground truth every search is checked against. */
mt_status mt_evaluate_report(const mt_scenario *sc, size_t i, const double *rewards, double size,
                             mt_report_outcome *out, mt_error *err);

/* The Theorem 4.2 polarizing misreport of group i with step eps (eps <= 0:
 * the largest feasible).  Fills rewards (m) and *eps_used; returns false
 * when the group has no polarizing misreport (all rewards equal, or the
 * minimum is 0 under sum normalization). */
bool mt_polarize(const mt_scenario *sc, size_t i, double eps, double *rewards, double *eps_used);

/* Iterated best responses from the scenario's reports: groups move in turn
 * to their full best response until nobody gains more than tol or
 * max_rounds rounds pass. */
mt_status mt_iterated_best_response(const mt_scenario *sc, double tol, size_t max_rounds,
                                    mt_ibr_result *out, const mt_cancel *cancel, mt_error *err);
void mt_ibr_release(mt_ibr_result *r);

#endif
