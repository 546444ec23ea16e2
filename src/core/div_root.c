/* Bracketing root finder on mu shared by chi2, hellinger and reverse_kl. */
#include "div_root.h"
#include "mechtune/alloc.h"

#include <float.h>
#include <math.h>
#include <stdint.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_roots.h>

#define MAX_ITER 300

typedef struct {
	const mt_root_div *d;
	size_t m;
	const double *q, *S;
	double lambda;
} mass_ctx;

/* sum_x q(x) t(S(x) - mu) - 1: strictly decreasing in mu where positive. */
static double excess_mass(double mu, void *arg)
{
	const mass_ctx *c = arg;
	return c->d->mass(c->m, c->q, c->S, mu, c->lambda) - 1.0;
}

static mt_status solve_mu(const mass_ctx *c, double lo, double hi, double *mu, mt_error *err)
{
	double flo = excess_mass(lo, (void *)(uintptr_t)c);
	double fhi = excess_mass(hi, (void *)(uintptr_t)c);
	if (!(fhi < 0.0)) { /* all rewards equal: q itself is optimal */
		*mu = hi;
		return MT_OK;
	}
	if (!(flo > 0.0)) {
		*mu = lo;
		return MT_OK;
	}
	gsl_function fn = {.function = excess_mass, .params = (void *)(uintptr_t)c};
	gsl_root_fsolver *s =
	        mt_alloc_inject() ? NULL : gsl_root_fsolver_alloc(gsl_root_fsolver_brent);
	if (!s)
		return mt_error_set(err, MT_ENOMEM, NULL, 0, 0, "out of memory in the root finder");
	mt_status st = MT_ENUMERIC;
	int gs = gsl_root_fsolver_set(s, &fn, lo, hi);
	for (int it = 0; gs == GSL_SUCCESS && it < MAX_ITER; it++) {
		gs = gsl_root_fsolver_iterate(s);
		if (gs != GSL_SUCCESS)
			break;
		double a = gsl_root_fsolver_x_lower(s), b = gsl_root_fsolver_x_upper(s);
		if (gsl_root_test_interval(a, b, 0.0, 4.0 * DBL_EPSILON) == GSL_SUCCESS ||
		    b - a <= 4.0 * DBL_EPSILON * fabs(c->lambda)) {
			*mu = gsl_root_fsolver_root(s);
			st = MT_OK;
			break;
		}
	}
	gsl_root_fsolver_free(s);
	if (st == MT_OK)
		return MT_OK;
	if (gs == GSL_SUCCESS) /* ran out of iterations */
		return mt_error_set(err, MT_ENUMERIC, NULL, 0, 0,
		                    "%s training failed: the root finder for mu did not converge "
		                    "in %d iterations (lambda %g); move lambda towards 1",
		                    c->d->div->name, MAX_ITER, c->lambda);
	return mt_error_set(err, MT_ENUMERIC, NULL, 0, 0,
	                    "%s training failed: the root finder for mu stopped: %s (lambda %g); "
	                    "move lambda towards 1",
	                    c->d->div->name, gsl_strerror(gs), c->lambda);
}

/* Newton's method from lo, where the mass is >= 1.  Each divergence steps on
 * a transform of the mass that is concave and increasing in mu (mass^-1 for
 * reverse_kl, mass^-1/2 for hellinger: Cauchy-Schwarz) or convex and
 * decreasing (the mass itself for chi2, piecewise linear), so that every
 * step from the left lands at or below the root: the iterates rise
 * monotonically, without a bracket, and converge quadratically where the
 * transform is smooth (one step per support change for chi2).  About 3 to 6
 * passes over the responses against Brent's 10 or more.  Returns false when
 * it does not settle (rounding at a huge or tiny lambda): the caller falls
 * back to Brent on [*mu, hi]. */
#define NEWTON_MAX_ITER 64

static bool newton_mu(const mass_ctx *c, double lo, double hi, double *mu)
{
	const mt_root_div *d = c->d;
	double x = lo;
	for (int it = 0; it < NEWTON_MAX_ITER; it++) {
		double dm, ms = d->mass_d(c->m, c->q, c->S, x, c->lambda, &dm);
		if (!(ms > 1.0)) { /* at (or, by rounding, just past) the root */
			*mu = x;
			return it > 0; /* at lo: solve_mu's edge cases decide */
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
		if (next >= hi) { /* the root is at hi (all rewards equal) or rounding */
			*mu = hi;
			return d->mass(c->m, c->q, c->S, hi, c->lambda) >= 1.0;
		}
		if (step <= 2.0 * DBL_EPSILON * fmax(fabs(next), fabs(c->lambda))) {
			*mu = next;
			return true;
		}
		x = next;
	}
	*mu = x;
	return false;
}

mt_status mt_root_optimize(const mt_root_div *d, size_t m, const double *q, const double *S,
                           double lambda, double *p, double *value, mt_error *err)
{
	size_t best = 0;
	for (size_t x = 1; x < m; x++)
		if (S[x] > S[best])
			best = x;
	mass_ctx c = {.d = d, .m = m, .q = q, .S = S, .lambda = lambda};
	double mu = 0.0, lo = d->mu_low(q[best], lambda), hi = d->mu_high(lambda);
	if (!newton_mu(&c, lo, hi, &mu)) {
		mt_status st = solve_mu(&c, mu > lo && mu < hi ? mu : lo, hi, &mu, err);
		if (st)
			return st;
	}
	double sum = d->fill(m, q, S, mu, lambda, p);
	if (!(sum > 0.0) || !isfinite(sum))
		return mt_error_set(
		        err, MT_ENUMERIC, NULL, 0, 0,
		        "%s training failed: the policy's total mass is %s (lambda %g); "
		        "move lambda towards 1",
		        d->div->name, isfinite(sum) ? "not positive" : "not finite", lambda);
	double val, dv = d->value(m, p, q, S, 1.0 / sum, lambda, &val);
	*value = val - dv;
	return MT_OK;
}
