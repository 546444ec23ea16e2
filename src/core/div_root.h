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
	/* The mass and *dmass = sum_x q(x) t'(S(x) - mu) = -d mass / d mu in
	 * one pass (Newton's method). */
	double (*mass_d)(size_t m, const double *q, const double *S, double mu, double lambda,
	                 double *dmass);
	/* The Newton step on mu from the mass and dmass: on a transform of the
	 * mass that is concave (or convex) on the domain, so that the steps from
	 * mu_low rise monotonically to the root (div_root.c). */
	double (*newton_step)(double mass, double dmass);
	/* p(x) = q(x) t_of(S(x) - mu); returns sum p. */
	double (*fill)(size_t m, const double *q, const double *S, double mu, double lambda,
	               double *p);
	/* Scale p by inv, *val = sum p S, return D_f(p||q) (f inlined): one pass. */
	double (*value)(size_t m, double *p, const double *q, const double *S, double inv,
	                double lambda, double *val);
	/* A mu at which the best response alone gets mass >= 1, given q there. */
	double (*mu_low)(double qbest, double lambda);
	/* A mu at which every t(S - mu) <= 1 (S shifted, max S = 0). */
	double (*mu_high)(double lambda);
} mt_root_div;

/* The loops of a root-solved divergence, with t_of, t_dt (t and t' at y)
 * and f inlined.  Four partial sums: independent chains the CPU overlaps
 * (and the compiler may pack into vector registers). */
#define MT_ROOT_MASS(t_of)                                                                         \
	static double mass(size_t m, const double *q, const double *S, double mu, double lambda)   \
	{                                                                                          \
		double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;                                     \
		size_t x = 0;                                                                      \
		for (; x + 4 <= m; x += 4) {                                                       \
			s0 += q[x] * t_of(S[x] - mu, lambda);                                      \
			s1 += q[x + 1] * t_of(S[x + 1] - mu, lambda);                              \
			s2 += q[x + 2] * t_of(S[x + 2] - mu, lambda);                              \
			s3 += q[x + 3] * t_of(S[x + 3] - mu, lambda);                              \
		}                                                                                  \
		for (; x < m; x++)                                                                 \
			s0 += q[x] * t_of(S[x] - mu, lambda);                                      \
		return (s0 + s1) + (s2 + s3);                                                      \
	}                                                                                          \
	static double mass_d(size_t m, const double *q, const double *S, double mu, double lambda, \
	                     double *dmass)                                                        \
	{                                                                                          \
		double s[4] = {0.0, 0.0, 0.0, 0.0}, d[4] = {0.0, 0.0, 0.0, 0.0};                   \
		size_t x = 0;                                                                      \
		for (; x + 4 <= m; x += 4)                                                         \
			for (size_t k = 0; k < 4; k++) {                                           \
				double dt, t = t_dt(S[x + k] - mu, lambda, &dt);                   \
				s[k] += q[x + k] * t;                                              \
				d[k] += q[x + k] * dt;                                             \
			}                                                                          \
		for (; x < m; x++) {                                                               \
			double dt, t = t_dt(S[x] - mu, lambda, &dt);                               \
			s[0] += q[x] * t;                                                          \
			d[0] += q[x] * dt;                                                         \
		}                                                                                  \
		*dmass = (d[0] + d[1]) + (d[2] + d[3]);                                            \
		return (s[0] + s[1]) + (s[2] + s[3]);                                              \
	}                                                                                          \
	static double fill(size_t m, const double *q, const double *S, double mu, double lambda,   \
	                   double *p)                                                              \
	{                                                                                          \
		double sum = 0.0;                                                                  \
		for (size_t x = 0; x < m; x++) {                                                   \
			p[x] = q[x] * t_of(S[x] - mu, lambda);                                     \
			sum += p[x];                                                               \
		}                                                                                  \
		return sum;                                                                        \
	}                                                                                          \
	static double div_value(size_t m, double *p, const double *q, const double *S, double inv, \
	                        double lambda, double *val)                                        \
	{                                                                                          \
		double sum = 0.0, v = 0.0;                                                         \
		for (size_t x = 0; x < m; x++) {                                                   \
			p[x] *= inv;                                                               \
			v += p[x] * S[x];                                                          \
			sum += q[x] * f(p[x] / q[x], lambda);                                      \
		}                                                                                  \
		*val = v;                                                                          \
		return sum;                                                                        \
	}

/* Everything a root-solved divergence file needs after defining f, t_of,
 * t_dt, newton_step, mu_low and mu_high: the loops, the solver record and
 * optimize(). */
#define MT_ROOT_OPTIMIZER(divergence)                                                        \
	MT_ROOT_MASS(t_of)                                                                   \
	static const mt_root_div root = {.div = &(divergence),                               \
	                                 .t_of = t_of,                                       \
	                                 .mass = mass,                                       \
	                                 .mass_d = mass_d,                                   \
	                                 .newton_step = newton_step,                         \
	                                 .fill = fill,                                       \
	                                 .value = div_value,                                 \
	                                 .mu_low = mu_low,                                   \
	                                 .mu_high = mu_high};                                \
	static mt_status optimize(size_t m, const double *q, const double *S, double lambda, \
	                          double *p, double *value, mt_error *err)                   \
	{                                                                                    \
		return mt_root_optimize(&root, m, q, S, lambda, p, value, err);              \
	}

/* Solve for mu (Newton from mu_low; GSL's Brent bracketing solver if that
 * stalls), fill p and value. */
mt_status mt_root_optimize(const mt_root_div *d, size_t m, const double *q, const double *S,
                           double lambda, double *p, double *value, mt_error *err);

#endif
