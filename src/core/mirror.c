/* Mirror ascent on the affine social welfare (mechtune/mirror.h). */
#include "mechtune/mirror.h"

#include <math.h>
#include <string.h>

/* f'(t) and f(t) at t = e^u, through the divergence's log-domain forms when
 * it has them (they stay exact where e^u underflows). */
static double fprime_at(const mt_divergence *d, double u, double lambda)
{
	return d->fprime_log ? d->fprime_log(u, lambda) : d->fprime(exp(u), lambda);
}

static double f_at(const mt_divergence *d, double u, double lambda)
{
	return d->f_log ? d->f_log(u, lambda) : d->f(exp(u), lambda);
}

/* The suggested step: a tenth of this one, and at most 0.1 / lambda (the
 * curvature of kl and reverse_kl near q is about lambda; steps of 0.1 /
 * lambda are stable on every shipped scenario at every lambda). */
static mt_status diverged(const mt_rule *r, size_t t, size_t steps, double eta, mt_error *err)
{
	return mt_error_set(err, MT_ENUMERIC, NULL, 0, 0,
	                    "mirror ascent diverged at step %zu of %zu (%s, lambda %g, "
	                    "step_size %g): the iterates overflow; lower training.step_size, "
	                    "for example to %g",
	                    t, steps, r->div->name, r->lambda, eta,
	                    fmin(eta / 10.0, 0.1 / r->lambda));
}

mt_status mt_mirror_ascent(const mt_rule *r, const double *S, size_t steps, double eta, double *p,
                           double *scratch, mt_mirror_visit visit, void *ctx, double *div,
                           const mt_cancel *cancel, mt_error *err)
{
	size_t m = r->m;
	double *lp = scratch, *lq = scratch + m; /* log p^t (normalized), log q */
	double d = 0.0;
	memcpy(p, r->q, m * sizeof *p);
	for (size_t x = 0; x < m; x++)
		lp[x] = lq[x] = r->q[x] > 0.0 ? log(r->q[x]) : -INFINITY;
	if (visit)
		visit(0, p, 0.0, ctx);
	for (size_t t = 1; t <= steps; t++) {
		if (mt_cancelled(cancel))
			return mt_error_set(err, MT_ECANCELED, NULL, 0, 0, "cancelled");
		/* log p + eta * gradient, normalized with log-sum-exp */
		double top = -INFINITY;
		for (size_t x = 0; x < m; x++) {
			if (lp[x] == -INFINITY)
				continue; /* no mass, no reference mass: stays at 0 */
			double u = lp[x] - lq[x];
			double v = lp[x] + eta * (S[x] - fprime_at(r->div, u, r->lambda));
			if (!isfinite(v))
				return diverged(r, t, steps, eta, err);
			lp[x] = v;
			top = fmax(top, v);
		}
		if (!isfinite(top))
			return diverged(r, t, steps, eta, err);
		double z = 0.0;
		for (size_t x = 0; x < m; x++)
			z += exp(lp[x] - top);
		double lz = top + log(z);
		for (size_t x = 0; x < m; x++) {
			lp[x] -= lz;
			p[x] = exp(lp[x]);
		}
		if (!visit && t < steps)
			continue; /* only the last divergence is wanted */
		d = 0.0;
		for (size_t x = 0; x < m; x++)
			if (lp[x] != -INFINITY)
				d += r->q[x] * f_at(r->div, lp[x] - lq[x], r->lambda);
		if (!isfinite(d))
			return diverged(r, t, steps, eta, err);
		if (visit)
			visit(t, p, d, ctx);
	}
	if (div)
		*div = d;
	return MT_OK;
}
