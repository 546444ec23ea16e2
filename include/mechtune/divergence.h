/* mechtune/divergence.h — f-divergences D_f(p||q) = sum_x q(x) f(p(x)/q(x)).
 *
 * One descriptor per divergence (src/core/div_*.c); the regularization
 * strength lambda is folded into f as in theory.md section 2.  Adding a
 * divergence means adding a file and one line in the table of divergence.c. */
#ifndef MECHTUNE_DIVERGENCE_H
#define MECHTUNE_DIVERGENCE_H

#include <stdbool.h>
#include <stddef.h>

#include "mechtune/error.h"

/* The exact best-response algorithm the analysis has for a divergence
 * without payment (theory.md; br_search.c, br_exact.c); NONE (the default
 * of a descriptor that says nothing): the searches. */
typedef enum {
	MT_EXACT_NONE = 0,
	MT_EXACT_KL, /* threshold scan, max normalization */
	MT_EXACT_TV,
	MT_EXACT_CHI2,
} mt_exact_br;

typedef struct mt_divergence {
	const char *name;    /* used in YAML and on the command line */
	const char *formula; /* "lambda t log t" */
	const char *summary; /* one line for help screens */
	bool continuous;     /* strictly convex: the optimum is unique and continuous */
	mt_exact_br exact;   /* exact best responses without payment */
	/* f(t) for t >= 0 (may be +inf at t = 0). */
	double (*f)(double t, double lambda);
	/* f'(t) for t > 0. */
	double (*fprime)(double t, double lambda);
	/* f''(t) for t > 0; 0 for tv. */
	double (*fsecond)(double t, double lambda);
	/* Optional log-domain forms for mirror ascent: f'(e^u) and f(e^u) from
	 * u = log t, exact where e^u underflows (kl: f' = lambda (u + 1)).
	 * NULL: fprime(exp(u)), f(exp(u)). */
	double (*fprime_log)(double u, double lambda);
	double (*f_log)(double u, double lambda);
	/* Maximize sum_x p S - D_f(p||q) over the simplex: fill p[m] and
	 * *value (the maximum).  S is already shifted so that max S = 0 (the
	 * caller, mt_train, does this for stability). */
	mt_status (*optimize)(size_t m, const double *q, const double *S, double lambda, double *p,
	                      double *value, mt_error *err);
	/* Optional fast path for the Clarke pivot: the maximum of ASW over the
	 * simplex for the aggregate S - w r, without building the policy (KL: one
	 * fused log-sum-exp pass).  S is not shifted; top >= max(S - w r) is
	 * the shift (max S will do, as w r >= 0).  NULL: use optimize. */
	mt_status (*max_value_without)(size_t m, const double *q, const double *S, double w,
	                               const double *r, double top, double lambda, double *value,
	                               mt_error *err);
} mt_divergence;

/* The table of divergences, NULL-terminated, in help-screen order. */
extern const mt_divergence *const mt_divergences[];

/* Look a divergence up by name; NULL when unknown. */
const mt_divergence *mt_divergence_find(const char *name);

/* The divergence after d in the table (wrapping), for "cycle" keys. */
const mt_divergence *mt_divergence_next(const mt_divergence *d);

/* D_f(p||q); +inf when p leaves the domain of f (e.g. reverse_kl, p(x) = 0). */
double mt_divergence_value(const mt_divergence *d, size_t m, const double *p, const double *q,
                           double lambda);

extern const mt_divergence mt_div_kl, mt_div_chi2, mt_div_hellinger, mt_div_reverse_kl, mt_div_tv;

#endif
