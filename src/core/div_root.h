/* Shared solver for divergences whose optimum is p(x) = q(x) t(S(x) - mu),
 * t = (f')^{-1} (0 where S - mu <= f'(0+)), with mu fixed by sum p = 1. */
#ifndef MT_DIV_ROOT_H
#define MT_DIV_ROOT_H

#include "mechtune/divergence.h"

typedef struct {
	const mt_divergence *div;
	/* (f')^{-1}(y), 0 where y <= f'(0+); only called with y in range. */
	double (*t_of)(double y, double lambda);
	/* sum_x q(x) t_of(S(x) - mu): the hot loop of the root finder, written
	 * out per divergence (MT_ROOT_MASS) so that t_of is inlined. */
	double (*mass)(size_t m, const double *q, const double *S, double mu, double lambda);
	/* A mu at which the best response alone gets mass >= 1, given q there. */
	double (*mu_low)(double qbest, double lambda);
	/* A mu at which every t(S - mu) <= 1 (S shifted, max S = 0). */
	double (*mu_high)(double lambda);
} mt_root_div;

#define MT_ROOT_MASS(t_of)                                                                       \
	static double mass(size_t m, const double *q, const double *S, double mu, double lambda) \
	{                                                                                        \
		double sum = 0.0;                                                                \
		for (size_t x = 0; x < m; x++)                                                   \
			sum += q[x] * t_of(S[x] - mu, lambda);                                   \
		return sum;                                                                      \
	}

/* Everything a root-solved divergence file needs after defining t_of,
 * mu_low and mu_high: the mass loop, the solver record and optimize(). */
#define MT_ROOT_OPTIMIZER(divergence)                                                        \
	MT_ROOT_MASS(t_of)                                                                   \
	static const mt_root_div root = {.div = &(divergence),                               \
	                                 .t_of = t_of,                                       \
	                                 .mass = mass,                                       \
	                                 .mu_low = mu_low,                                   \
	                                 .mu_high = mu_high};                                \
	static mt_status optimize(size_t m, const double *q, const double *S, double lambda, \
	                          double *p, double *value, mt_error *err)                   \
	{                                                                                    \
		return mt_root_optimize(&root, m, q, S, lambda, p, value, err);              \
	}

/* Solve for mu with GSL's Brent bracketing solver, fill p and value. */
mt_status mt_root_optimize(const mt_root_div *d, size_t m, const double *q, const double *S,
                           double lambda, double *p, double *value, mt_error *err);

#endif
