/* mechtune/train.h — the SW-Max training rule (theory.md section 2) and the
 * solve of a whole scenario: policy, valuations, payments, utilities. */
#ifndef MECHTUNE_TRAIN_H
#define MECHTUNE_TRAIN_H

#include <stddef.h>

#include "mechtune/cancel.h"
#include "mechtune/scenario.h"

#define MT_NO_CANDIDATE ((size_t)-1)

/* The range of lambda the engine computes in: wider than the documented
 * 1e-4 .. 1e4 (a lambda sweep reaches lambda / 5 and 3 lambda) and narrow
 * enough that S / lambda and 2 lambda never overflow.  Outside it mt_train
 * fails with MT_EINVAL.  Keep the text of that message in step. */
#define MT_LAMBDA_MIN 1e-8
#define MT_LAMBDA_MAX 1e8

/* The training rule: a borrowed view of a scenario's outcome space. */
typedef struct {
	size_t m;
	const double *q;
	const mt_divergence *div;
	double lambda;
	size_t k;                 /* 0: whole simplex */
	const mt_candidate *cand; /* k candidates */
	const double *cand_div;   /* D_f(p_k||q) per candidate, or NULL */
} mt_rule;

/* Fill a rule that borrows from sc; cand_div is NULL. */
void mt_rule_from_scenario(mt_rule *r, const mt_scenario *sc);

/* Train on the aggregate reward S[m]: fill p[m] with the maximizer of
 * ASW(p) = <p,S> - D_f(p||q) over the outcome space, *value with the maximum
 * and *choice (may be NULL) with the candidate index (MT_NO_CANDIDATE on the
 * simplex).  scratch holds m doubles.  Fails with MT_EINVAL when lambda is
 * outside MT_LAMBDA_MIN .. MT_LAMBDA_MAX and with MT_ENUMERIC when S or the
 * optimum is not finite. */
mt_status mt_train(const mt_rule *r, const double *S, double *p, double *value, size_t *choice,
                   double *scratch, mt_error *err);

/* Diagnostics for tests: how many trainings of the calling thread found mu
 * (chi2, hellinger, reverse_kl) with the bracketing fallback because
 * Newton's method did not settle. */
unsigned long mt_train_root_fallbacks(void);

/* ASW(p) = <p,S> - D_f(p||q). */
double mt_asw(const mt_rule *r, const double *S, const double *p);

/* S[x] = sum_j w~_j rm~_j(x) over the reports. */
void mt_aggregate(const mt_scenario *sc, double *S);

/* <a,b> over m entries. */
double mt_dot(size_t m, const double *a, const double *b);

/* A trained scenario: the engine's state that payment rules and analyses
 * read.  All arrays are owned by the engine. */
typedef struct mt_engine {
	const mt_scenario *sc; /* borrowed */
	mt_rule rule;
	double *S;        /* aggregate reported reward, m */
	double smax;      /* max S */
	double *p;        /* trained policy p*, m */
	double *scratch;  /* 3m doubles of scratch space */
	double *cand_div; /* k entries */
	double objective; /* ASW(p*) at the reports */
	size_t choice;    /* candidate index or MT_NO_CANDIDATE */
	const mt_cancel *cancel;
} mt_engine;

/* Allocate the workspace for sc and train it. */
mt_status mt_engine_init(mt_engine *e, const mt_scenario *sc, const mt_cancel *cancel,
                         mt_error *err);
void mt_engine_release(mt_engine *e);
/* *pivot = max_p ASW_{-i}(p), the Clarke pivot of group i: one training on
 * S_{-i} = S - w~_i rm~_i, which reuses the aggregate reward, O(m).  Uses
 * the engine's scratch space; not reentrant on one engine. */
mt_status mt_engine_pivot(const mt_engine *e, size_t i, double *pivot, mt_error *err);
/* The affine-maximizer payment of group i, pay = pivot - ASW_{-i}(p*)
 * (rounding residue below 0 snapped to 0), and its pivot. */
mt_status mt_vcg_payment(const mt_engine *e, size_t i, double *pay, double *pivot, mt_error *err);
/* ASW_{-i}(p*) = objective - w~_i <p*, rm~_i>. */
double mt_engine_asw_without(const mt_engine *e, size_t i);

typedef struct {
	double valuation;       /* v_i(p*) = <p*, rm_i>, true rewards */
	double group_valuation; /* w_i v_i */
	double payment;
	double utility; /* w_i v_i - payment */
	/* ASW_{-i}(p*) = objective - w~_i <p*, rm~_i>: what the others get
	 * from the trained policy at their reports.  Every rule's payment is
	 * pivot_term - asw_without; pivot_term (= payment + asw_without) is
	 * max_p ASW_{-i}(p) under vcg, plus the extra charge under
	 * vcg_shifted, the checkpoint or early-stopped pivot under those. */
	double asw_without;
	double pivot_term;
} mt_group_outcome;

typedef struct {
	size_t m, n;
	double *policy;
	size_t choice;
	double objective; /* ASW at the reports */
	double welfare;   /* true social welfare sum_i w_i v_i */
	double revenue;   /* sum_i payment_i */
	mt_group_outcome *groups;
} mt_outcome;

mt_status mt_outcome_init(mt_outcome *o, size_t m, size_t n);
void mt_outcome_release(mt_outcome *o);

/* Solve sc under its training and payment rule into out (initialized here;
 * release it with mt_outcome_release even on failure).  Every number of a
 * successful outcome is finite: a non-finite one fails the solve with
 * MT_ENUMERIC and a message naming it. */
mt_status mt_solve(const mt_scenario *sc, mt_outcome *out, const mt_cancel *cancel, mt_error *err);

#endif
