/* Shared solver for divergences whose optimum is p(x) = q(x) t(S(x) - mu),
 * t = (f')^{-1} (0 where S - mu <= f'(0+)), with mu fixed by sum p = 1. */
#ifndef MT_DIV_ROOT_H
#define MT_DIV_ROOT_H

#include <float.h>
#include <math.h>
#include <stdbool.h>

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
	extern const mt_divergence divergence;                                               \
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

/* Brent on [lo, hi] for mu (the fallback of mt_root_optimize), div_root.c. */
mt_status mt_root_brent(const mt_root_div *d, size_t m, const double *q, const double *S,
                        double lambda, double lo, double hi, double *mu, mt_error *err);

/* The error of a policy whose total mass is not a positive number. */
mt_status mt_root_mass_failed(const mt_root_div *d, double sum, double lambda, mt_error *err);

/* Newton's method from lo, where the mass is >= 1.  Each divergence steps on
 * a transform of the mass that is concave and increasing in mu (mass^-1 for
 * reverse_kl, mass^-1/2 for hellinger: both by Cauchy-Schwarz) or convex and
 * decreasing (the mass itself for chi2, piecewise linear), so that every
 * step from the left lands at or below the root: the iterates rise
 * monotonically, without a bracket, and converge quadratically where the
 * transform is smooth (one step per support change for chi2).  About 3 to 6
 * passes over the responses against Brent's 10 or more.  Returns false when
 * it does not settle (rounding at a huge or tiny lambda): the caller falls
 * back to Brent on [*mu, hi] (mt_train_root_fallbacks counts these). */
#define MT_NEWTON_MAX_ITER 64

static inline bool mt_root_newton(const mt_root_div *d, size_t m, const double *q, const double *S,
                                  double lambda, double lo, double hi, double *mu)
{
	double x = lo;
	for (int it = 0; it < MT_NEWTON_MAX_ITER; it++) {
		double dm, ms = d->mass_d(m, q, S, x, lambda, &dm);
		if (!(ms > 1.0)) { /* at (or, by rounding, just past) the root */
			/* at lo, Brent's edge cases: hi when the mass there is >= 1
			 * (all rewards equal), else lo */
			*mu = it == 0 && d->mass(m, q, S, hi, lambda) >= 1.0 ? hi : x;
			return true;
		}
		if (!(dm > 0.0) || !isfinite(ms))
			break;
		double step = d->newton_step(ms, dm);
		if (step == 0.0) { /* the mass is 1 to rounding */
			*mu = x;
			return true;
		}
		if (!(step > 0.0) || !isfinite(step))
			break;
		double next = x + step;
		double tol = 2.0 * DBL_EPSILON * fmax(fabs(next), fabs(lambda));
		if (next >= hi) { /* the root is at hi (all rewards equal: the mass
		                   * there is sum q = 1 to rounding) */
			*mu = hi;
			return hi - x <= 2.0 * tol || d->mass(m, q, S, hi, lambda) >= 1.0 - 1e-12;
		}
		if (step <= tol) {
			*mu = next;
			return true;
		}
		x = next;
	}
	*mu = x;
	return false;
}

/* Solve for mu, fill p and value.  Inline, so that each divergence's loops
 * are called directly (this runs for every evaluation of a search). */
static inline mt_status mt_root_optimize(const mt_root_div *d, size_t m, const double *q,
                                         const double *S, double lambda, double *p, double *value,
                                         mt_error *err)
{
	size_t best = 0;
	for (size_t x = 1; x < m; x++)
		if (S[x] > S[best])
			best = x;
	double mu = 0.0, lo = d->mu_low(q[best], lambda), hi = d->mu_high(lambda);
	if (!mt_root_newton(d, m, q, S, lambda, lo, hi, &mu)) {
		mt_status st = mt_root_brent(d, m, q, S, lambda, mu > lo && mu < hi ? mu : lo, hi,
		                             &mu, err);
		if (st)
			return st;
	}
	double sum = d->fill(m, q, S, mu, lambda, p);
	if (!(sum > 0.0) || !isfinite(sum))
		return mt_root_mass_failed(d, sum, lambda, err);
	double val, dv = d->value(m, p, q, S, 1.0 / sum, lambda, &val);
	*value = val - dv;
	return MT_OK;
}

#endif
