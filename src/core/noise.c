/* Noisy input and approximate DSIC (mechtune/noise.h). */
#include "mechtune/noise.h"
#include "mechtune/alloc.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "br_internal.h"
#include "mechtune/train.h"

/* Tolerance of the bound checks, relative to 1 + bound. */
#define NOISE_TOL 1e-9

/* The noise of draw s, group j, response x: a hash of (seed, s, j, x), so
 * that every report sees the same draws (common random numbers). */
static double noise_at(const mt_scenario *sc, size_t s, size_t j, size_t x)
{
	uint64_t z = sc->noise.seed ^ (0x9e3779b97f4a7c15ull * (uint64_t)(s + 1));
	z += 0xbf58476d1ce4e5b9ull * (uint64_t)(j * sc->m + x + 1);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	z ^= z >> 31;
	double u = (double)(z >> 11) * 0x1.0p-53;
	return sc->noise.epsilon * (2.0 * u - 1.0);
}

mt_status mt_noise_expected_utility(const mt_scenario *sc, size_t i, const double *rewards,
                                    double size, double *utility, double *welfare, double *asw,
                                    const mt_cancel *cancel, mt_error *err)
{
	size_t m = sc->m, n = sc->n, ns = sc->noise.samples;
	if (ns < 1)
		return mt_error_set(err, MT_EINVAL, NULL, 0, 0,
		                    "noise.samples is 0; use at least 1 sample");
	mt_status st = MT_OK;
	mt_scenario view = *sc;
	mt_group *gs = mt_malloc(n * sizeof *gs);
	double *buf = mt_malloc(n * m * sizeof *buf);
	double su = 0.0, sw = 0.0, sa = 0.0;
	if (!gs || !buf) {
		st = mt_error_set(err, MT_ENOMEM, NULL, 0, 0,
		                  "out of memory in the noise analysis");
		goto out;
	}
	memcpy(gs, sc->groups, n * sizeof *gs);
	view.groups = gs;
	for (size_t j = 0; j < n; j++) {
		gs[j].reported = buf + j * m;
		if (j == i)
			gs[j].reported_size = size;
	}
	for (size_t s = 0; s < ns; s++) {
		if (mt_cancelled(cancel)) {
			st = mt_error_set(err, MT_ECANCELED, NULL, 0, 0, "cancelled");
			goto out;
		}
		for (size_t j = 0; j < n; j++) {
			const double *r = j == i ? rewards : sc->groups[j].reported;
			for (size_t x = 0; x < m; x++)
				buf[j * m + x] = r[x] + noise_at(sc, s, j, x);
		}
		mt_outcome o;
		st = mt_solve(&view, &o, cancel, err);
		if (!st) {
			su += o.groups[i].utility;
			sw += o.welfare;
			sa += o.welfare - mt_divergence_value(sc->divergence, m, o.policy,
			                                      sc->reference, sc->lambda);
		}
		mt_outcome_release(&o);
		if (st)
			goto out;
	}
	*utility = su / (double)ns;
	if (welfare)
		*welfare = sw / (double)ns;
	if (asw)
		*asw = sa / (double)ns;
out:
	free(gs);
	free(buf);
	return st;
}

void mt_noise_release(mt_noise_analysis *a)
{
	if (!a)
		return;
	for (size_t i = 0; a->groups && i < a->n; i++)
		free(a->groups[i].rewards);
	free(a->groups);
	memset(a, 0, sizeof *a);
}

/* The samples of group i as the search sees them: S_{-i} and the group's
 * own noise term, ns x m each. */
static mt_status fill_samples(const mt_scenario *work, size_t i, double *Sm_s, double *off_s,
                              const mt_cancel *cancel, mt_error *err)
{
	size_t m = work->m, n = work->n, ns = work->noise.samples;
	const mt_group *gi = &work->groups[i];
	for (size_t s = 0; s < ns; s++) {
		if (mt_cancelled(cancel))
			return mt_error_set(err, MT_ECANCELED, NULL, 0, 0, "cancelled");
		for (size_t x = 0; x < m; x++) {
			double Sm = 0.0;
			for (size_t j = 0; j < n; j++)
				if (j != i)
					Sm += work->groups[j].reported_size *
					      (work->groups[j].reported[x] +
					       noise_at(work, s, j, x));
			Sm_s[s * m + x] = Sm;
			off_s[s * m + x] = gi->size * noise_at(work, s, i, x);
		}
	}
	return MT_OK;
}

/* Group i of the noise analysis (work: everyone truthful): its expected
 * truthful utility, best reward-only misreport and the bound check; group
 * 0 also fills the noisy welfare.  Sm_s, off_s: ns x m of scratch. */
static mt_status noise_group(const mt_scenario *sc, const mt_scenario *work, size_t i, double *Sm_s,
                             double *off_s, mt_noise_analysis *out, const mt_cancel *cancel,
                             mt_error *err)
{
	size_t m = sc->m, ns = sc->noise.samples;
	mt_noise_group *g = &out->groups[i];
	const mt_group *gi = &work->groups[i];
	if (mt_cancelled(cancel))
		return mt_error_set(err, MT_ECANCELED, NULL, 0, 0, "cancelled");
	if (!(g->rewards = mt_malloc(m * sizeof *g->rewards)))
		return mt_error_set(err, MT_ENOMEM, NULL, 0, 0,
		                    "out of memory in the noise analysis");
	double *welfare = i == 0 ? &out->welfare_noisy : NULL,
	       *asw = i == 0 ? &out->asw_noisy : NULL;
	mt_status st = mt_noise_expected_utility(work, i, gi->rewards, gi->size,
	                                         &g->truthful_utility, welfare, asw, cancel, err);
	if (!st)
		st = fill_samples(work, i, Sm_s, off_s, cancel, err);
	if (!st)
		st = mt_br_noisy_rewards(work, i, ns, Sm_s, off_s, g->rewards, cancel, err);
	if (!st)
		st = mt_noise_expected_utility(work, i, g->rewards, gi->size, &g->best_utility,
		                               NULL, NULL, cancel, err);
	if (st)
		return st;
	g->gain = g->best_utility - g->truthful_utility;
	if (!(g->gain > MT_BR_ACCEPT_TOL * (1.0 + fabs(g->truthful_utility)))) {
		memcpy(g->rewards, gi->rewards, m * sizeof *g->rewards);
		g->best_utility = g->truthful_utility;
		g->gain = 0.0;
	}
	g->bound = 2.0 * gi->size * sc->noise.epsilon;
	g->within_bound = g->gain <= g->bound + NOISE_TOL * (1.0 + g->bound);
	out->all_within_bound = out->all_within_bound && g->within_bound;
	return MT_OK;
}

mt_status mt_noise_analyze(const mt_scenario *sc, mt_noise_analysis *out, const mt_cancel *cancel,
                           mt_error *err)
{
	size_t m = sc->m, n = sc->n, ns = sc->noise.samples;
	memset(out, 0, sizeof *out);
	out->m = m;
	out->n = n;
	out->samples = ns;
	out->epsilon = sc->noise.epsilon;
	if (ns < 1)
		return mt_error_set(err, MT_EINVAL, NULL, 0, 0,
		                    "noise.samples is 0; use at least 1 sample");
	if (ns > SIZE_MAX / sizeof(double) / m)
		return mt_error_set(err, MT_ENOMEM, NULL, 0, 0,
		                    "noise.samples %zu times %zu responses does not fit in memory; "
		                    "lower noise.samples",
		                    ns, m);
	mt_status st = MT_OK;
	mt_scenario *work = mt_scenario_clone(sc);
	double *Sm_s = mt_malloc(ns * m * sizeof *Sm_s), *off_s = mt_malloc(ns * m * sizeof *off_s);
	out->groups = mt_calloc(n, sizeof *out->groups);
	if (!work || !Sm_s || !off_s || !out->groups) {
		st = mt_error_set(err, MT_ENOMEM, NULL, 0, 0,
		                  "out of memory in the noise analysis");
		goto out;
	}
	for (size_t j = 0; j < n; j++)
		mt_group_tell_truth(work, j);
	/* the noiseless truthful baseline */
	mt_outcome o;
	st = mt_solve(work, &o, cancel, err);
	if (!st) {
		out->welfare_exact = o.welfare;
		out->asw_exact = o.welfare - mt_divergence_value(sc->divergence, m, o.policy,
		                                                 sc->reference, sc->lambda);
	}
	mt_outcome_release(&o);
	if (st)
		goto out;
	double wsum = 0.0;
	for (size_t j = 0; j < n; j++)
		wsum += work->groups[j].size;
	out->welfare_bound = 2.0 * sc->noise.epsilon * wsum;
	out->all_within_bound = true;
	for (size_t i = 0; i < n; i++)
		if ((st = noise_group(sc, work, i, Sm_s, off_s, out, cancel, err)))
			goto out;
	out->welfare_loss = out->welfare_exact - out->welfare_noisy;
	out->asw_loss = out->asw_exact - out->asw_noisy;
	out->asw_within_bound =
	        out->asw_loss <= out->welfare_bound + NOISE_TOL * (1.0 + out->welfare_bound);
	bool finite = isfinite(out->welfare_loss) && isfinite(out->asw_loss) &&
	              isfinite(out->welfare_bound);
	for (size_t i = 0; i < n; i++)
		finite = finite && isfinite(out->groups[i].gain) &&
		         isfinite(out->groups[i].truthful_utility) &&
		         isfinite(out->groups[i].bound);
	if (!finite)
		st = mt_error_set(
		        err, MT_ENUMERIC, NULL, 0, 0,
		        "the noise analysis failed: a utility or welfare is not a finite "
		        "number (%s, lambda %g); move lambda towards 1 or lower the sizes",
		        sc->divergence->name, sc->lambda);
out:
	free(Sm_s);
	free(off_s);
	mt_scenario_free(work);
	return st;
}
