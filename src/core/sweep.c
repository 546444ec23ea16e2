/* The paper's misreport families and a lambda sweep (mechtune/sweep.h,
 * theory.md section 8).  Every row is one real solve. */
#include "mechtune/sweep.h"
#include "mechtune/alloc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mechtune/analysis.h"
#include "mechtune/train.h"

#include "br_internal.h"

static const char *const family_names[] = {"alpha", "beta", "epsilon", "lambda"};

const char *mt_sweep_family_name(mt_sweep_family f)
{
	return (unsigned)f < 4 ? family_names[f] : "?";
}

bool mt_sweep_family_parse(const char *s, mt_sweep_family *out)
{
	for (int f = 0; f < 4; f++)
		if (!strcmp(s, family_names[f])) {
			*out = (mt_sweep_family)f;
			return true;
		}
	return false;
}

void mt_sweep_release(mt_sweep *s)
{
	if (!s)
		return;
	for (size_t r = 0; s->rows && r < s->nrows; r++)
		free(s->rows[r].utilities);
	free(s->rows);
	memset(s, 0, sizeof *s);
}

/* beta rm_i + (1 - beta) mean of the others' reported rewards, projected. */
static void mix(const mt_scenario *sc, size_t i, double beta, double *r)
{
	size_t m = sc->m, others = sc->n - 1;
	for (size_t x = 0; x < m; x++) {
		double mean = 0.0;
		for (size_t j = 0; j < sc->n; j++)
			if (j != i)
				mean += sc->groups[j].reported[x];
		mean = others ? mean / (double)others
		              : (sc->normalization == MT_NORM_SUM ? 1.0 / (double)m : 1.0);
		r[x] = beta * sc->groups[i].rewards[x] + (1.0 - beta) * mean;
	}
	mt_normalize(sc->normalization, m, r);
}

bool mt_sweep_report(const mt_scenario *sc, mt_sweep_family f, size_t i, double t, double *rewards,
                     double *size)
{
	const mt_group *g = &sc->groups[i];
	memcpy(rewards, g->rewards, sc->m * sizeof *rewards);
	*size = g->size;
	double eps;
	switch (f) {
	case MT_SWEEP_ALPHA:
		if (!(t > 0.0))
			return false;
		*size = fmin(t * g->size, sc->max_size);
		return true;
	case MT_SWEEP_BETA: mix(sc, i, t, rewards); return true;
	case MT_SWEEP_EPSILON:
		if (!(t > 0.0))
			return !(t < 0.0);
		return mt_polarize(sc, i, t, rewards, &eps);
	case MT_SWEEP_LAMBDA: break;
	}
	return false;
}

mt_status mt_sweep_run(const mt_scenario *sc, mt_sweep_family family, size_t group, double from,
                       double to, size_t steps, mt_sweep *out, const mt_cancel *cancel,
                       mt_error *err)
{
	memset(out, 0, sizeof *out);
	out->family = family;
	out->group = group;
	if ((unsigned)family > MT_SWEEP_LAMBDA)
		return mt_error_set(err, MT_EINVAL, NULL, 0, 0, "unknown sweep family");
	if (group >= sc->n)
		return mt_error_set(err, MT_EINVAL, NULL, 0, 0, "no group %zu in the scenario",
		                    group);
	if (steps < 1 || steps > 100000 || !isfinite(from) || !isfinite(to))
		return mt_error_set(err, MT_EINVAL, NULL, 0, 0,
		                    "a sweep needs finite bounds and 1..100000 steps");
	if (family == MT_SWEEP_LAMBDA && !(fmin(from, to) > 0.0))
		return mt_error_set(err, MT_EINVAL, NULL, 0, 0,
		                    "lambda must stay positive in a sweep");
	if (family == MT_SWEEP_ALPHA && !(fmin(from, to) > 0.0))
		return mt_error_set(
		        err, MT_EINVAL, NULL, 0, 0,
		        "alpha must be positive (the reported size alpha w must be > 0)");
	static const double truth[] = {1.0, 1.0, 0.0, 0.0};
	out->truth_param = family == MT_SWEEP_LAMBDA ? sc->lambda : truth[family];
	size_t m = sc->m;
	mt_status st = MT_OK;
	mt_scenario *work = mt_scenario_clone(sc);
	double *r = mt_malloc(m * sizeof *r);
	out->rows = mt_calloc(steps, sizeof *out->rows);
	if (!work || !r || !out->rows) {
		st = mt_error_set(err, MT_ENOMEM, NULL, 0, 0, "out of memory in the sweep");
		goto out;
	}
	const mt_group *g = &sc->groups[group];
	for (size_t k = 0; k < steps; k++) {
		if (mt_cancelled(cancel)) {
			st = mt_error_set(err, MT_ECANCELED, NULL, 0, 0, "cancelled");
			goto out;
		}
		double t = steps == 1 ? from : from + (to - from) * (double)k / (double)(steps - 1);
		mt_sweep_row *row = &out->rows[k];
		out->nrows = k + 1;
		row->param = t;
		double size = g->size;
		if (family == MT_SWEEP_LAMBDA) {
			memcpy(r, g->rewards, m * sizeof *r);
			work->lambda = t;
		} else {
			mt_sweep_report(sc, family, group, t, r,
			                &size); /* the truth if impossible */
		}
		if (family == MT_SWEEP_LAMBDA) {
			mt_outcome o;
			if (!(row->utilities = mt_malloc(sc->n * sizeof *row->utilities))) {
				st = mt_error_set(err, MT_ENOMEM, NULL, 0, 0,
				                  "out of memory in the sweep");
				goto out;
			}
			st = mt_solve(work, &o, cancel, err);
			if (!st) {
				for (size_t j = 0; j < sc->n; j++)
					row->utilities[j] = o.groups[j].utility;
				row->valuation = o.groups[group].valuation;
				row->payment = o.groups[group].payment;
				row->utility = o.groups[group].utility;
				row->welfare = o.welfare;
			}
			mt_outcome_release(&o);
		} else {
			mt_report_outcome ro = {0};
			st = mt_eval_raw(work, group, r, size, &ro, &row->welfare, cancel, err);
			row->valuation = ro.valuation;
			row->payment = ro.payment;
			row->utility = ro.utility;
		}
		if (st)
			goto out;
	}
out:
	free(r);
	mt_scenario_free(work);
	return st;
}
