/* Report helpers of the strategic analysis (mechtune/analysis.h): evaluating
 * one report with the real solver, the report outcomes and the polarizing
 * misreport.  The best-response search is br_search.c, the whole analyses
 * analysis.c. */
#include "mechtune/analysis.h"
#include "mechtune/alloc.h"
#include "mechtune/vec.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "br_internal.h"

/* ---------------------------------------------------------------- helpers */

mt_pay_shape mt_pay_shape_of(const mt_payment_rule *r)
{
	return r->shape;
}

void mt_sensitivity_apply(const mt_rule *r, const double *p, const double *g, double *gy)
{
	double H = 0.0, hg = 0.0;
	for (size_t x = 0; x < r->m; x++) {
		double h = 0.0;
		if (p[x] > 0.0) {
			double f2 = r->div->fsecond(p[x] / r->q[x], r->lambda);
			h = f2 > 0.0 && isfinite(f2) ? r->q[x] / f2 : 0.0;
		}
		gy[x] = h;
		H += h;
		hg += h * g[x];
	}
	double mean = H > 0.0 ? hg / H : 0.0;
	for (size_t x = 0; x < r->m; x++)
		gy[x] *= g[x] - mean;
}

mt_status mt_eval_raw(const mt_scenario *sc, size_t i, const double *rewards, double size,
                      mt_report_outcome *out, double *welfare, const mt_cancel *cancel,
                      mt_error *err)
{
	mt_scenario view = *sc;
	mt_group *gs = mt_malloc(sc->n * sizeof *gs);
	double *buf = mt_malloc(sc->m * sizeof *buf);
	mt_outcome o;
	mt_status st;
	memset(&o, 0, sizeof o);
	if (!gs || !buf) {
		st = mt_error_set(err, MT_ENOMEM, NULL, 0, 0, "out of memory while evaluating");
		goto out;
	}
	memcpy(gs, sc->groups, sc->n * sizeof *gs);
	memcpy(buf, rewards, sc->m * sizeof *buf);
	gs[i].reported = buf;
	gs[i].reported_size = size;
	view.groups = gs;
	st = mt_solve(&view, &o, cancel, err);
	if (st)
		goto out;
	out->size = size;
	out->valuation = o.groups[i].valuation;
	out->payment = o.groups[i].payment;
	out->utility = o.groups[i].utility;
	if (welfare)
		*welfare = o.welfare;
out:
	mt_outcome_release(&o);
	free(gs);
	free(buf);
	return st;
}

mt_status mt_report_set(mt_report_outcome *out, size_t m, const double *rewards, double size,
                        const mt_report_outcome *src)
{
	double *r = mt_malloc(m * sizeof *r);
	if (!r)
		return MT_ENOMEM;
	memcpy(r, rewards, m * sizeof *r);
	free(out->rewards);
	*out = *src;
	out->rewards = r;
	out->size = size;
	return MT_OK;
}

const char *mt_br_method_name(mt_br_method m)
{
	return m == MT_BR_EXACT ? "exact" : "search";
}

void mt_report_outcome_release(mt_report_outcome *r)
{
	if (!r)
		return;
	free(r->rewards);
	memset(r, 0, sizeof *r);
}

mt_status mt_evaluate_report(const mt_scenario *sc, size_t i, const double *rewards, double size,
                             mt_report_outcome *out, mt_error *err)
{
	memset(out, 0, sizeof *out);
	if (i >= sc->n)
		return mt_error_set(err, MT_EINVAL, NULL, 0, 0, "no group %zu", i);
	if (!(size > 0.0) || size > sc->max_size * (1.0 + MT_NORM_TOL))
		return mt_error_set(err, MT_EINVAL, NULL, 0, 0,
		                    "reported size must be in (0, max_size = %g], got %g",
		                    sc->max_size, size);
	if (!mt_is_normalized(sc->normalization, sc->m, rewards))
		return mt_error_set(err, MT_EINVAL, NULL, 0, 0,
		                    "reported rewards are not %s-normalized",
		                    mt_norm_name(sc->normalization));
	mt_report_outcome truth = {0}, r = {0};
	const mt_group *g = &sc->groups[i];
	mt_status st = mt_eval_raw(sc, i, g->rewards, g->size, &truth, NULL, NULL, err);
	if (!st)
		st = mt_eval_raw(sc, i, rewards, size, &r, NULL, NULL, err);
	if (st)
		return st;
	r.gain = r.utility - truth.utility;
	if (mt_report_set(out, sc->m, rewards, size, &r))
		return mt_error_set(err, MT_ENOMEM, NULL, 0, 0, "out of memory while evaluating");
	return MT_OK;
}

static size_t argmin(size_t m, const double *v)
{
	size_t b = 0;
	for (size_t x = 1; x < m; x++)
		if (v[x] < v[b])
			b = x;
	return b;
}

bool mt_polarize(const mt_scenario *sc, size_t i, double eps, double *rewards, double *eps_used)
{
	size_t m = sc->m;
	const double *rm = sc->groups[i].rewards;
	size_t best = argmax(m, rm), worst = argmin(m, rm);
	memcpy(rewards, rm, m * sizeof *rewards);
	*eps_used = 0.0;
	if (!(rm[best] - rm[worst] > MT_NORM_TOL) || !(rm[worst] > 0.0))
		return false;
	double top = rm[worst];
	if (sc->normalization == MT_NORM_SUM)
		top = fmin(top, 1.0 - rm[best]);
	if (!(top > 0.0))
		return false;
	double e = eps > 0.0 ? fmin(eps, top) : top;
	rewards[worst] = rm[worst] - e;
	if (rewards[worst] < 0.0)
		rewards[worst] = 0.0;
	if (sc->normalization == MT_NORM_SUM) {
		rewards[best] = rm[best] + e;
		mt_normalize(MT_NORM_SUM, m, rewards); /* absorbs rounding */
	}
	*eps_used = e;
	return true;
}
