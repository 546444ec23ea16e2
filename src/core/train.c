/* The SW-Max training rule and the solve of a scenario (mechtune/train.h). */
#include "mechtune/train.h"
#include "mechtune/alloc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

double mt_dot(size_t m, const double *a, const double *b)
{
	/* Four partial sums: independent chains the CPU can overlap. */
	double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
	size_t x = 0;
	for (; x + 4 <= m; x += 4) {
		s0 += a[x] * b[x];
		s1 += a[x + 1] * b[x + 1];
		s2 += a[x + 2] * b[x + 2];
		s3 += a[x + 3] * b[x + 3];
	}
	for (; x < m; x++)
		s0 += a[x] * b[x];
	return (s0 + s1) + (s2 + s3);
}

void mt_rule_from_scenario(mt_rule *r, const mt_scenario *sc)
{
	*r = (mt_rule){.m = sc->m,
	               .q = sc->reference,
	               .div = sc->divergence,
	               .lambda = sc->lambda,
	               .k = sc->k,
	               .cand = sc->candidates,
	               .cand_div = NULL};
}

void mt_aggregate(const mt_scenario *sc, double *S)
{
	memset(S, 0, sc->m * sizeof *S);
	for (size_t i = 0; i < sc->n; i++) {
		const mt_group *g = &sc->groups[i];
		for (size_t x = 0; x < sc->m; x++)
			S[x] += g->reported_size * g->reported[x];
	}
}

double mt_asw(const mt_rule *r, const double *S, const double *p)
{
	return mt_dot(r->m, p, S) - mt_divergence_value(r->div, r->m, p, r->q, r->lambda);
}

static mt_status not_finite_reward(mt_error *err)
{
	return mt_error_set(err, MT_ENUMERIC, NULL, 0, 0,
	                    "the aggregate reward is too large to compute with (sizes times "
	                    "rewards overflow); lower max_size and the sizes");
}

/* Best candidate of a finite menu; ties go to the lowest index. */
static mt_status train_menu(const mt_rule *r, const double *S, double *p, double *value,
                            size_t *choice, mt_error *err)
{
	size_t best = MT_NO_CANDIDATE;
	double top = -INFINITY;
	for (size_t c = 0; c < r->k; c++) {
		const double *pc = r->cand[c].policy;
		double d = r->cand_div ? r->cand_div[c]
		                       : mt_divergence_value(r->div, r->m, pc, r->q, r->lambda);
		double a = mt_dot(r->m, pc, S) - d;
		if (a > top) {
			top = a;
			best = c;
		}
	}
	if (best != MT_NO_CANDIDATE && !isfinite(top))
		return not_finite_reward(err);
	if (best == MT_NO_CANDIDATE)
		return mt_error_set(
		        err, MT_ENUMERIC, NULL, 0, 0,
		        "no candidate has a finite %s divergence from the reference; "
		        "give every candidate positive mass where the divergence needs it",
		        r->div->name);
	if (p)
		memcpy(p, r->cand[best].policy, r->m * sizeof *p);
	*value = top;
	if (choice)
		*choice = best;
	return MT_OK;
}

mt_status mt_train(const mt_rule *r, const double *S, double *p, double *value, size_t *choice,
                   double *scratch, mt_error *err)
{
	if (!isfinite(r->lambda))
		return mt_error_set(err, MT_EINVAL, NULL, 0, 0,
		                    "lambda is not a finite number; set lambda from 1e-8 to 1e8");
	if (!(r->lambda >= MT_LAMBDA_MIN && r->lambda <= MT_LAMBDA_MAX))
		return mt_error_set(err, MT_EINVAL, NULL, 0, 0,
		                    "lambda %g is outside the range mechtune computes in "
		                    "(1e-8 to 1e8); set lambda within it",
		                    r->lambda);
	if (r->k)
		return train_menu(r, S, p, value, choice, err);
	if (choice)
		*choice = MT_NO_CANDIDATE;
	double smax = S[0];
	for (size_t x = 1; x < r->m; x++)
		smax = S[x] > smax ? S[x] : smax;
	double nonfinite = 0.0; /* becomes NaN when some S(x) is not finite */
	for (size_t x = 0; x < r->m; x++) {
		scratch[x] = S[x] - smax;
		nonfinite += 0.0 * scratch[x];
	}
	if (!isfinite(smax) || nonfinite != 0.0)
		return not_finite_reward(err);
	double v;
	mt_status st = r->div->optimize(r->m, r->q, scratch, r->lambda, p, &v, err);
	if (st)
		return st;
	*value = v + smax;
	if (!isfinite(*value))
		return mt_error_set(err, MT_ENUMERIC, NULL, 0, 0,
		                    "%s training failed: the objective is not a finite number "
		                    "(lambda %g); move lambda towards 1 or lower the sizes",
		                    r->div->name, r->lambda);
	return MT_OK;
}

mt_status mt_engine_init(mt_engine *e, const mt_scenario *sc, const mt_cancel *cancel,
                         mt_error *err)
{
	memset(e, 0, sizeof *e);
	e->sc = sc;
	e->cancel = cancel;
	mt_rule_from_scenario(&e->rule, sc);
	e->S = mt_malloc(sc->m * sizeof *e->S);
	e->p = mt_malloc(sc->m * sizeof *e->p);
	e->scratch = mt_malloc(3 * sc->m * sizeof *e->scratch);
	e->cand_div = mt_malloc((sc->k ? sc->k : 1) * sizeof *e->cand_div);
	if (!e->S || !e->p || !e->scratch || !e->cand_div)
		return mt_error_set(err, MT_ENOMEM, NULL, 0, 0, "out of memory while solving");
	for (size_t c = 0; c < sc->k; c++)
		e->cand_div[c] = mt_divergence_value(
		        sc->divergence, sc->m, sc->candidates[c].policy, sc->reference, sc->lambda);
	e->rule.cand_div = e->cand_div;
	mt_aggregate(sc, e->S);
	e->smax = e->S[0];
	for (size_t x = 1; x < sc->m; x++)
		e->smax = e->S[x] > e->smax ? e->S[x] : e->smax;
	return mt_train(&e->rule, e->S, e->p, &e->objective, &e->choice, e->scratch, err);
}

void mt_engine_release(mt_engine *e)
{
	free(e->S);
	free(e->p);
	free(e->scratch);
	free(e->cand_div);
	memset(e, 0, sizeof *e);
}

mt_status mt_engine_pivot(const mt_engine *e, size_t i, double *pivot, mt_error *err)
{
	const mt_group *g = &e->sc->groups[i];
	size_t m = e->sc->m;
	if (!e->rule.k && e->rule.div->max_value_without)
		return e->rule.div->max_value_without(m, e->rule.q, e->S, g->reported_size,
		                                      g->reported, e->smax, e->rule.lambda, pivot,
		                                      err);
	double *Si = e->scratch + m, *pi = e->scratch + 2 * m;
	for (size_t x = 0; x < m; x++)
		Si[x] = e->S[x] - g->reported_size * g->reported[x];
	return mt_train(&e->rule, Si, pi, pivot, NULL, e->scratch, err);
}

double mt_engine_asw_without(const mt_engine *e, size_t i)
{
	const mt_group *g = &e->sc->groups[i];
	return e->objective - g->reported_size * mt_dot(e->sc->m, e->p, g->reported);
}

mt_status mt_outcome_init(mt_outcome *o, size_t m, size_t n)
{
	memset(o, 0, sizeof *o);
	o->m = m;
	o->n = n;
	o->choice = MT_NO_CANDIDATE;
	o->policy = mt_calloc(m ? m : 1, sizeof *o->policy);
	o->groups = mt_calloc(n ? n : 1, sizeof *o->groups);
	return o->policy && o->groups ? MT_OK : MT_ENOMEM;
}

void mt_outcome_release(mt_outcome *o)
{
	free(o->policy);
	free(o->groups);
	memset(o, 0, sizeof *o);
}

/* The boundary where a non-finite number would become a result. */
static mt_status check_finite(const mt_scenario *sc, const mt_outcome *o, mt_error *err)
{
	const char *what = NULL, *group = NULL;
	for (size_t x = 0; x < o->m && !what; x++)
		if (!isfinite(o->policy[x]))
			what = "policy";
	for (size_t i = 0; i < o->n && !what; i++) {
		const mt_group_outcome *go = &o->groups[i];
		group = sc->groups[i].name;
		what = !isfinite(go->group_valuation) ? "valuation"
		       : !isfinite(go->payment)       ? "payment"
		       : !isfinite(go->utility)       ? "utility"
		       : !isfinite(go->pivot_term)    ? "payment"
		                                      : NULL;
	}
	if (!what) {
		group = NULL;
		what = !isfinite(o->objective) ? "objective"
		       : !isfinite(o->welfare) ? "welfare"
		       : !isfinite(o->revenue) ? "revenue"
		                               : NULL;
	}
	if (!what)
		return MT_OK;
	return mt_error_set(err, MT_ENUMERIC, NULL, 0, 0,
	                    "solving failed: the %s%s%s%s is not a finite number (%s, lambda %g, "
	                    "payment %s); move lambda towards 1 or lower the sizes",
	                    what, group ? " of group '" : "", group ? group : "", group ? "'" : "",
	                    sc->divergence->name, sc->lambda, sc->payment->name);
}

mt_status mt_solve(const mt_scenario *sc, mt_outcome *out, const mt_cancel *cancel, mt_error *err)
{
	mt_engine e;
	double *pay = NULL;
	mt_status st = mt_outcome_init(out, sc->m, sc->n);
	if (st) {
		st = mt_error_set(err, st, NULL, 0, 0, "out of memory while solving");
		goto out;
	}
	st = mt_engine_init(&e, sc, cancel, err);
	if (st)
		goto out_engine;
	if (!(pay = mt_calloc(sc->n, sizeof *pay))) {
		st = mt_error_set(err, MT_ENOMEM, NULL, 0, 0, "out of memory while solving");
		goto out_engine;
	}
	st = sc->payment->charge(&e, pay, err);
	if (st)
		goto out_engine;
	memcpy(out->policy, e.p, sc->m * sizeof *e.p);
	out->choice = e.choice;
	out->objective = e.objective;
	out->welfare = out->revenue = 0.0;
	for (size_t i = 0; i < sc->n; i++) {
		const mt_group *g = &sc->groups[i];
		mt_group_outcome *go = &out->groups[i];
		go->valuation = mt_dot(sc->m, e.p, g->rewards);
		go->group_valuation = g->size * go->valuation;
		go->payment = pay[i];
		go->utility = go->group_valuation - pay[i];
		go->asw_without = mt_engine_asw_without(&e, i);
		go->pivot_term = pay[i] + go->asw_without;
		out->welfare += go->group_valuation;
		out->revenue += pay[i];
	}
	st = check_finite(sc, out, err);
out_engine:
	free(pay);
	mt_engine_release(&e);
out:
	return st;
}
