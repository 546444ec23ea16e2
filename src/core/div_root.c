/* The fallback bracketing root finder on mu shared by chi2, hellinger and
 * reverse_kl (Newton, div_root.h, does the usual work). */
#include "div_root.h"
#include "mechtune/alloc.h"
#include "mechtune/train.h"

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

static _Thread_local unsigned long fallbacks;

unsigned long mt_train_root_fallbacks(void)
{
	return fallbacks;
}

mt_status mt_root_brent(const mt_root_div *d, size_t m, const double *q, const double *S,
                        double lambda, double lo, double hi, double *mu, mt_error *err)
{
	fallbacks++;
	mass_ctx c = {.d = d, .m = m, .q = q, .S = S, .lambda = lambda};
	return solve_mu(&c, lo, hi, mu, err);
}

mt_status mt_root_mass_failed(const mt_root_div *d, double sum, double lambda, mt_error *err)
{
	return mt_error_set(err, MT_ENUMERIC, NULL, 0, 0,
	                    "%s training failed: the policy's total mass is %s (lambda %g); "
	                    "move lambda towards 1",
	                    d->div->name, isfinite(sum) ? "not positive" : "not finite", lambda);
}
