/* Coalitions (mechtune/coalition.h, theory.md section 4).
 *
 * In y coordinates (y_j = w~_j rm~_j, as in br_search.c) the policy depends
 * on the members' reports only through their sum Y, and the report space of
 * Y is the Minkowski sum of the members' spaces: {Y >= 0, sum Y <= k W}
 * (sum normalization) or [0, k W]^m (max).  Without payment the coalition's
 * total utility is <p*(S_{-C} + Y), R>, R = sum_j w_j rm_j: the best
 * response of ONE merged group with true rewards R / |R|, true size |R| and
 * max_size k W.  That problem is handed to mt_best_response (exact where it
 * is, search elsewhere) and its Y split evenly among the members.
 *
 * Under a payment the total also depends on how Y is split (vcg charges
 * member i the pivot max ASW_{-i}, which the OTHER members' reports move),
 * so a multi-start BFGS searches all k reports at once: analytic gradients
 * for vcg and vcg_shifted, central differences for the other rules. */
#include "mechtune/coalition.h"
#include "mechtune/alloc.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_multimin.h>

#include "br_internal.h"
#include "mechtune/train.h"

#define CO_BFGS_MAX_ITER 80
#define CO_BFGS_GRAD_TOL 1e-11
#define CO_STALL_TOL 1e-12
#define CO_CLAMP_LO 1e-10
#define CO_RANDOM_STARTS 8
#define CO_BFGS_RUNS 4
#define CO_SNAP_TOL 1e-6

typedef enum { OBJ_NONE, OBJ_VCG, OBJ_GENERIC } obj_kind;

typedef struct {
	const mt_scenario *sc;
	const size_t *mem;
	size_t k, m, d1, d; /* members, responses, parameters per member, total */
	obj_kind kind;
	double frac; /* vcg_shifted: pivot fraction */
	bool sum;
	double W;
	mt_rule rule;
	double *cand_div;
	double *Sc, *R, *S, *p, *p2, *scratch, *g, *gy, *pall; /* m (scratch 3m) */
	double *y, *grad, *sv, *best_y, *tmp, *wk;             /* k m (sv: d, wk: k) */
	double *fdy, *fdg;                                     /* k m each: central differences */
	double best_val;
	mt_scenario *work; /* OBJ_GENERIC: a private copy whose members are overwritten */
	mt_engine eng;
	bool eng_ready;
	double *pay;
	mt_status st;
	mt_error *err;
	const mt_cancel *cancel;
} co_ctx;

void mt_coalition_release(mt_coalition *c)
{
	if (!c)
		return;
	free(c->members);
	free(c->utilities_truthful);
	memset(c, 0, sizeof *c);
}

static mt_status result_init(mt_coalition *out, size_t m, const size_t *members, size_t k)
{
	memset(out, 0, sizeof *out);
	out->members = mt_malloc(k * sizeof *out->members);
	out->utilities_truthful = mt_malloc(k * (3 + m) * sizeof *out->utilities_truthful);
	if (!out->members || !out->utilities_truthful)
		return MT_ENOMEM;
	memcpy(out->members, members, k * sizeof *members);
	out->k = k;
	out->m = m;
	out->utilities = out->utilities_truthful + k;
	out->sizes = out->utilities + k;
	out->rewards = out->sizes + k;
	return MT_OK;
}

static void ctx_release(co_ctx *c)
{
	free(c->cand_div);
	free(c->Sc);
	if (c->eng_ready)
		mt_engine_release(&c->eng);
	mt_scenario_free(c->work);
	free(c->pay);
	memset(c, 0, sizeof *c);
}

static mt_status ctx_init(co_ctx *c, const mt_scenario *sc, const size_t *mem, size_t k,
                          const mt_cancel *cancel, mt_error *err)
{
	size_t m = sc->m;
	memset(c, 0, sizeof *c);
	c->sc = sc;
	c->mem = mem;
	c->k = k;
	c->m = m;
	c->sum = sc->normalization == MT_NORM_SUM;
	c->d1 = c->sum ? m + 1 : m;
	c->d = k * c->d1;
	c->W = sc->max_size;
	c->err = err;
	c->cancel = cancel;
	if (sc->payment == &mt_pay_vcg || sc->payment == &mt_pay_vcg_shifted) {
		c->kind = OBJ_VCG;
		c->frac = sc->payment == &mt_pay_vcg_shifted ? sc->pivot_fraction : 0.0;
	} else {
		c->kind = mt_pay_shape_of(sc->payment) == MT_SHAPE_NONE ? OBJ_NONE : OBJ_GENERIC;
	}
	mt_rule_from_scenario(&c->rule, sc);
	c->cand_div = mt_malloc((sc->k ? sc->k : 1) * sizeof *c->cand_div);
	c->Sc = mt_malloc((11 * m + 6 * k * m + c->d + k) * sizeof *c->Sc);
	if (!c->cand_div || !c->Sc)
		return mt_error_set(err, MT_ENOMEM, NULL, 0, 0,
		                    "out of memory in the coalition search");
	c->R = c->Sc + m;
	c->S = c->R + m;
	c->p = c->S + m;
	c->p2 = c->p + m;
	c->g = c->p2 + m;
	c->gy = c->g + m;
	c->pall = c->gy + m;
	c->scratch = c->pall + m; /* 3m */
	c->y = c->scratch + 3 * m;
	c->grad = c->y + k * m;
	c->best_y = c->grad + k * m;
	c->tmp = c->best_y + k * m;
	c->sv = c->tmp + k * m;  /* d */
	c->wk = c->sv + c->d;    /* k */
	c->fdy = c->wk + k;      /* k m */
	c->fdg = c->fdy + k * m; /* k m */
	for (size_t q = 0; q < sc->k; q++)
		c->cand_div[q] = mt_divergence_value(sc->divergence, m, sc->candidates[q].policy,
		                                     sc->reference, sc->lambda);
	c->rule.cand_div = c->cand_div;
	mt_aggregate(sc, c->Sc);
	memset(c->R, 0, m * sizeof *c->R);
	for (size_t j = 0; j < k; j++) {
		const mt_group *g = &sc->groups[mem[j]];
		for (size_t x = 0; x < m; x++) {
			c->Sc[x] -= g->reported_size * g->reported[x];
			c->R[x] += g->size * g->rewards[x];
		}
	}
	if (c->kind == OBJ_GENERIC) {
		c->work = mt_scenario_clone(sc);
		c->pay = mt_malloc(sc->n * sizeof *c->pay);
		if (!c->work || !c->pay)
			return mt_error_set(err, MT_ENOMEM, NULL, 0, 0,
			                    "out of memory in the coalition search");
		mt_status st = mt_engine_init(&c->eng, c->work, cancel, err);
		c->eng_ready = true;
		if (st)
			return st;
	}
	return MT_OK;
}

/* y (k m) -> reported rewards r (k m) and sizes w (k), as br_search.c does:
 * a member reporting 0 everywhere keeps a tiny positive size. */
static void y_to_reports(const co_ctx *c, const double *y, double *r, double *w)
{
	size_t m = c->m;
	for (size_t j = 0; j < c->k; j++) {
		const double *yj = y + j * m;
		double *rj = r + j * m, tot = 0.0;
		for (size_t x = 0; x < m; x++) {
			rj[x] = fmax(yj[x], 0.0);
			tot = c->sum ? tot + rj[x] : fmax(tot, rj[x]);
		}
		if (tot > 0.0)
			for (size_t x = 0; x < m; x++)
				rj[x] /= tot;
		mt_normalize(c->sc->normalization, m, rj);
		w[j] = fmin(fmax(tot, c->W * 1e-12), c->W);
	}
}

static double fail_value(co_ctx *c, mt_status st)
{
	c->st = c->st ? c->st : st;
	return -INFINITY;
}

/* The coalition's total utility at y up to a report-independent constant;
 * with grad, c->grad = its gradient (OBJ_NONE, OBJ_VCG on the simplex). */
static double objective(co_ctx *c, const double *y, bool grad)
{
	size_t m = c->m, k = c->k;
	double nonfinite = 0.0;
	memcpy(c->S, c->Sc, m * sizeof *c->S);
	for (size_t j = 0; j < k; j++)
		for (size_t x = 0; x < m; x++) {
			c->S[x] += y[j * m + x];
			nonfinite += 0.0 * y[j * m + x];
		}
	if (nonfinite != 0.0)
		return -INFINITY;
	double val, u;
	mt_status st;
	if (c->kind == OBJ_GENERIC) {
		double *r = c->grad; /* objective_grad keeps its gradient elsewhere */
		y_to_reports(c, y, r, c->wk);
		for (size_t j = 0; j < k; j++) {
			mt_group *g = &c->work->groups[c->mem[j]];
			memcpy(g->reported, r + j * m, m * sizeof *r);
			g->reported_size = c->wk[j];
		}
		memcpy(c->eng.S, c->S, m * sizeof *c->S);
		c->eng.smax = c->S[0];
		for (size_t x = 1; x < m; x++)
			c->eng.smax = fmax(c->eng.smax, c->S[x]);
		st = mt_train(&c->eng.rule, c->eng.S, c->eng.p, &c->eng.objective, &c->eng.choice,
		              c->eng.scratch, c->err);
		if (!st) {
			mt_error perr = {0};
			st = c->work->payment->charge(&c->eng, c->pay, &perr);
			if (st == MT_ENUMERIC)
				return -INFINITY; /* no candidate (see br_search.c, surrogate) */
			if (st && c->err)
				*c->err = perr;
		}
		if (st)
			return fail_value(c, st);
		u = 0.0;
		for (size_t j = 0; j < k; j++) {
			const mt_group *g = &c->sc->groups[c->mem[j]];
			u += g->size * mt_dot(m, c->eng.p, g->rewards) - c->pay[c->mem[j]];
		}
		return u;
	}
	if ((st = mt_train(&c->rule, c->S, c->p, &val, NULL, c->scratch, c->err)))
		return fail_value(c, st);
	u = mt_dot(m, c->p, c->R);
	if (c->kind == OBJ_NONE) {
		if (grad) {
			mt_sensitivity_apply(&c->rule, c->p, c->R, c->gy);
			for (size_t j = 0; j < k; j++)
				memcpy(c->grad + j * m, c->gy, m * sizeof *c->gy);
		}
		return u;
	}
	/* vcg: -pay_i = ASW_{-i}(p*) - max ASW_{-i} - const_i, so the total is
	 * <p,R> + k val - <p,Y> - (1 + frac) sum_i V(S - y_i); by the envelope
	 * theorem dV(S - y_i)/dy_j = p*(S - y_i) for j != i. */
	double *Y = c->g;
	memset(Y, 0, m * sizeof *Y);
	for (size_t j = 0; j < k; j++)
		for (size_t x = 0; x < m; x++)
			Y[x] += y[j * m + x];
	u += (double)k * val - mt_dot(m, c->p, Y);
	if (grad)
		memset(c->pall, 0, m * sizeof *c->pall);
	for (size_t j = 0; j < k; j++) {
		for (size_t x = 0; x < m; x++)
			c->S[x] = c->Sc[x] + Y[x] - y[j * m + x];
		double v2;
		if ((st = mt_train(&c->rule, c->S, c->p2, &v2, NULL, c->scratch, c->err)))
			return fail_value(c, st);
		u -= (1.0 + c->frac) * v2;
		if (grad) {
			memcpy(c->grad + j * m, c->p2, m * sizeof *c->p2);
			for (size_t x = 0; x < m; x++)
				c->pall[x] += c->p2[x];
		}
	}
	if (grad) {
		for (size_t x = 0; x < m; x++)
			c->S[x] = c->R[x] - Y[x]; /* S as scratch for R - Y */
		mt_sensitivity_apply(&c->rule, c->p, c->S, c->gy);
		for (size_t j = 0; j < k; j++) {
			double *gj = c->grad + j * m;
			for (size_t x = 0; x < m; x++)
				gj[x] = c->gy[x] + (double)(k - 1) * c->p[x] -
				        (1.0 + c->frac) * (c->pall[x] - gj[x]);
		}
	}
	return u;
}

/* OBJ_GENERIC: central differences (the rules without a formula). */
static double objective_grad(co_ctx *c, const double *y)
{
	if (c->kind != OBJ_GENERIC)
		return objective(c, y, true);
	size_t km = c->k * c->m;
	double u = objective(c, y, false);
	if (!isfinite(u))
		return u;
	double h = 1e-6 * (1.0 + c->W);
	double *yy = c->fdy, *gr = c->fdg;
	memcpy(yy, y, km * sizeof *yy);
	for (size_t t = 0; t < km; t++) {
		double keep = yy[t];
		yy[t] = keep + h;
		double up = objective(c, yy, false);
		yy[t] = keep - h;
		double dn = objective(c, yy, false);
		yy[t] = keep;
		gr[t] = isfinite(up) && isfinite(dn) ? (up - dn) / (2.0 * h) : 0.0;
	}
	memcpy(c->grad, gr, km * sizeof *gr);
	return u;
}

static void consider(co_ctx *c, const double *y)
{
	double v = objective(c, y, false);
	if (v > c->best_val) {
		c->best_val = v;
		memcpy(c->best_y, y, c->k * c->m * sizeof *y);
	}
}

/* ------------------------------------------------- parametrization, BFGS */

static double sigmoid(double t)
{
	return t >= 0.0 ? 1.0 / (1.0 + exp(-t)) : exp(t) / (1.0 + exp(t));
}

/* Per member: softmax over m + 1 (sum: the last is the unused slack) or a
 * sigmoid per response (max), scaled by W.  c->sv keeps the values. */
static void theta_to_y(co_ctx *c, const gsl_vector *th, double *y)
{
	size_t m = c->m, d1 = c->d1;
	for (size_t j = 0; j < c->k; j++) {
		double *s = c->sv + j * d1;
		if (c->sum) {
			double top = -INFINITY, z = 0.0;
			for (size_t t = 0; t < d1; t++)
				top = fmax(top, gsl_vector_get(th, j * d1 + t));
			for (size_t t = 0; t < d1; t++)
				z += s[t] = exp(gsl_vector_get(th, j * d1 + t) - top);
			for (size_t t = 0; t < d1; t++)
				s[t] /= z;
		} else {
			for (size_t t = 0; t < d1; t++)
				s[t] = sigmoid(gsl_vector_get(th, j * d1 + t));
		}
		for (size_t x = 0; x < m; x++)
			y[j * m + x] = c->W * s[x];
	}
}

static void y_to_theta(const co_ctx *c, const double *y, gsl_vector *th)
{
	size_t m = c->m, d1 = c->d1;
	for (size_t j = 0; j < c->k; j++) {
		double tot = 0.0;
		for (size_t x = 0; x < m; x++) {
			double u = y[j * m + x] / c->W;
			tot += y[j * m + x];
			if (c->sum) {
				gsl_vector_set(th, j * d1 + x, log(fmax(u, CO_CLAMP_LO)));
			} else {
				u = fmin(fmax(u, CO_CLAMP_LO), 1.0 - CO_CLAMP_LO);
				gsl_vector_set(th, j * d1 + x, log(u) - log1p(-u));
			}
		}
		if (c->sum)
			gsl_vector_set(th, j * d1 + m, log(fmax(1.0 - tot / c->W, CO_CLAMP_LO)));
	}
}

static double fn_f(const gsl_vector *th, void *arg)
{
	co_ctx *c = arg;
	theta_to_y(c, th, c->y);
	double u = objective(c, c->y, false);
	return isfinite(u) ? -u : GSL_POSINF;
}

static void fn_fdf(const gsl_vector *th, void *arg, double *f, gsl_vector *df)
{
	co_ctx *c = arg;
	size_t m = c->m, d1 = c->d1;
	theta_to_y(c, th, c->y);
	double u = objective_grad(c, c->y);
	*f = isfinite(u) ? -u : GSL_POSINF;
	if (!isfinite(u)) {
		gsl_vector_set_zero(df);
		return;
	}
	for (size_t j = 0; j < c->k; j++) {
		const double *s = c->sv + j * d1, *gj = c->grad + j * m;
		if (c->sum) {
			double sg = 0.0;
			for (size_t x = 0; x < m; x++)
				sg += s[x] * gj[x];
			for (size_t t = 0; t < d1; t++)
				gsl_vector_set(df, j * d1 + t,
				               -c->W * s[t] * ((t < m ? gj[t] : 0.0) - sg));
		} else {
			for (size_t t = 0; t < m; t++)
				gsl_vector_set(df, j * d1 + t, -c->W * s[t] * (1.0 - s[t]) * gj[t]);
		}
	}
}

static void fn_df(const gsl_vector *th, void *arg, gsl_vector *df)
{
	double f;
	fn_fdf(th, arg, &f, df);
}

static mt_status bfgs_from(co_ctx *c, const double *y0)
{
	mt_status st = MT_OK;
	gsl_vector *th = mt_alloc_inject() ? NULL : gsl_vector_alloc(c->d);
	gsl_multimin_fdfminimizer *mz =
	        mt_alloc_inject() ? NULL
	                          : gsl_multimin_fdfminimizer_alloc(
	                                    gsl_multimin_fdfminimizer_vector_bfgs2, c->d);
	if (!th || !mz) {
		st = mt_error_set(c->err, MT_ENOMEM, NULL, 0, 0,
		                  "out of memory in the coalition search");
		goto out;
	}
	y_to_theta(c, y0, th);
	gsl_multimin_function_fdf fn = {
	        .f = fn_f, .df = fn_df, .fdf = fn_fdf, .n = c->d, .params = c};
	int gs = gsl_multimin_fdfminimizer_set(mz, &fn, th, 0.1, 0.1);
	double last = gsl_multimin_fdfminimizer_minimum(mz);
	int stalled = 0;
	for (size_t it = 0; gs == GSL_SUCCESS && it < CO_BFGS_MAX_ITER && !c->st; it++) {
		if (mt_cancelled(c->cancel)) {
			st = mt_error_set(c->err, MT_ECANCELED, NULL, 0, 0, "cancelled");
			goto out;
		}
		gs = gsl_multimin_fdfminimizer_iterate(mz);
		if (gs != GSL_SUCCESS)
			break;
		if (gsl_multimin_test_gradient(mz->gradient, CO_BFGS_GRAD_TOL * (1.0 + c->W)) ==
		    GSL_SUCCESS)
			break;
		double now = gsl_multimin_fdfminimizer_minimum(mz);
		stalled = last - now <= CO_STALL_TOL * (1.0 + fabs(now)) ? stalled + 1 : 0;
		last = now;
		if (stalled >= 3)
			break;
	}
	if ((st = c->st))
		goto out;
	theta_to_y(c, gsl_multimin_fdfminimizer_x(mz), c->tmp);
	consider(c, c->tmp);
	st = c->st;
out:
	gsl_multimin_fdfminimizer_free(mz);
	gsl_vector_free(th);
	return st;
}

static double uniform01(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	z ^= z >> 31;
	return (double)(z >> 11) * 0x1.0p-53;
}

/* The joint search under a payment: starts (the truth, the even split of
 * the no-payment optimum y0 (may be NULL), every member on one response
 * with the largest size, every member inflating its own truth or the
 * coalition's common direction, seeded random reports), then BFGS from the
 * CO_BFGS_RUNS best distinct starts (the simplex only: menus have no
 * gradient). */
static mt_status joint_search(co_ctx *c, const double *y0)
{
	size_t m = c->m, k = c->k, km = k * m;
	size_t nmax = 4 + m + CO_RANDOM_STARTS;
	double *starts = mt_malloc(nmax * km * sizeof *starts);
	double *vals = mt_malloc(nmax * sizeof *vals);
	mt_status st = MT_OK;
	if (!starts || !vals) {
		st = mt_error_set(c->err, MT_ENOMEM, NULL, 0, 0,
		                  "out of memory in the coalition search");
		goto out;
	}
	size_t ns = 0;
	double *y;
	/* the truth */
	y = starts + ns++ * km;
	for (size_t j = 0; j < k; j++) {
		const mt_group *g = &c->sc->groups[c->mem[j]];
		for (size_t x = 0; x < m; x++)
			y[j * m + x] = g->size * g->rewards[x];
	}
	if (y0)
		memcpy(starts + ns++ * km, y0, km * sizeof *y0);
	/* each member inflates its truth to the largest size */
	y = starts + ns++ * km;
	for (size_t j = 0; j < k; j++) {
		const mt_group *g = &c->sc->groups[c->mem[j]];
		for (size_t x = 0; x < m; x++)
			y[j * m + x] = c->W * g->rewards[x];
	}
	/* everybody reports the coalition's direction R at the largest size */
	y = starts + ns++ * km;
	{
		double tot = 0.0;
		for (size_t x = 0; x < m; x++)
			tot = c->sum ? tot + c->R[x] : fmax(tot, c->R[x]);
		for (size_t j = 0; j < k; j++)
			for (size_t x = 0; x < m; x++)
				y[j * m + x] = tot > 0.0 ? c->W * c->R[x] / tot : c->W / (double)m;
	}
	for (size_t v = 0; v < m; v++) {
		y = starts + ns++ * km;
		memset(y, 0, km * sizeof *y);
		for (size_t j = 0; j < k; j++)
			y[j * m + v] = c->W;
	}
	uint64_t seed = 0x5eed0c0a1170ull;
	for (size_t t = 0; t < CO_RANDOM_STARTS; t++) {
		y = starts + ns++ * km;
		for (size_t j = 0; j < k; j++) {
			double tot = 0.0, scale = uniform01(&seed);
			for (size_t x = 0; x < m; x++) {
				double e = -log(fmax(uniform01(&seed), 1e-300));
				y[j * m + x] = e;
				tot = c->sum ? tot + e : fmax(tot, e);
			}
			for (size_t x = 0; x < m; x++)
				y[j * m + x] *= c->W * scale / tot;
		}
	}
	for (size_t s = 0; s < ns; s++) {
		if (mt_cancelled(c->cancel)) {
			st = mt_error_set(c->err, MT_ECANCELED, NULL, 0, 0, "cancelled");
			goto out;
		}
		vals[s] = objective(c, starts + s * km, false);
		if ((st = c->st))
			goto out;
		if (vals[s] > c->best_val) {
			c->best_val = vals[s];
			memcpy(c->best_y, starts + s * km, km * sizeof *c->best_y);
		}
	}
	if (c->sc->k)
		goto out;
	for (size_t run = 0; run < CO_BFGS_RUNS; run++) {
		size_t b = ns;
		for (size_t s = 0; s < ns; s++)
			if (isfinite(vals[s]) && (b == ns || vals[s] > vals[b]))
				b = s;
		if (b == ns)
			break;
		vals[b] = -INFINITY;
		if ((st = bfgs_from(c, starts + b * km)))
			goto out;
	}
out:
	free(starts);
	free(vals);
	return st;
}

/* --------------------------------------------------------------- results */

/* Solve sc with the members reporting (r, w) (NULL: the truth) and put
 * their utilities into u (k).  cancel is honoured by mt_solve. */
static mt_status eval_members(const mt_scenario *sc, const size_t *mem, size_t k, const double *r,
                              const double *w, double *u, const mt_cancel *cancel, mt_error *err)
{
	mt_scenario view = *sc;
	mt_group *gs = mt_malloc(sc->n * sizeof *gs);
	mt_outcome o;
	memset(&o, 0, sizeof o);
	mt_status st;
	if (!gs) {
		st = mt_error_set(err, MT_ENOMEM, NULL, 0, 0, "out of memory while evaluating");
		goto out;
	}
	memcpy(gs, sc->groups, sc->n * sizeof *gs);
	for (size_t j = 0; j < k; j++) {
		mt_group *g = &gs[mem[j]];
		g->reported = r ? (double *)(uintptr_t)(r + j * sc->m) : g->rewards;
		g->reported_size = w ? w[j] : g->size;
	}
	view.groups = gs;
	if ((st = mt_solve(&view, &o, cancel, err)))
		goto out;
	for (size_t j = 0; j < k; j++)
		u[j] = o.groups[mem[j]].utility;
out:
	mt_outcome_release(&o);
	free(gs);
	return st;
}

static double total(size_t k, const double *u)
{
	double t = 0.0;
	for (size_t j = 0; j < k; j++)
		t += u[j];
	return t;
}

/* Fill out (already initialized for the members) with the truth, then
 * replace it by the candidates (r, w) and (rs, ws) when the real solver says
 * one beats the truth. */
static mt_status finish(const mt_scenario *sc, mt_coalition *out, const double *r, const double *w,
                        const double *rs, const double *ws, const mt_cancel *cancel, mt_error *err)
{
	size_t k = out->k, m = sc->m;
	double *u = mt_malloc(2 * k * sizeof *u), *us = u ? u + k : NULL;
	if (!u)
		return mt_error_set(err, MT_ENOMEM, NULL, 0, 0, "out of memory while evaluating");
	mt_status st =
	        eval_members(sc, out->members, k, NULL, NULL, out->utilities_truthful, cancel, err);
	if (!st && r)
		st = eval_members(sc, out->members, k, r, w, u, cancel, err);
	if (!st && rs)
		st = eval_members(sc, out->members, k, rs, ws, us, cancel, err);
	if (st)
		goto out;
	double t0 = total(k, out->utilities_truthful);
	const double *br = NULL, *bw = NULL, *bu = NULL;
	double best = t0 + MT_BR_ACCEPT_TOL * (1.0 + fabs(t0));
	if (r && total(k, u) > best) {
		best = total(k, u);
		br = r, bw = w, bu = u;
	}
	if (rs && total(k, us) >= best && total(k, us) >= (bu ? total(k, bu) : -INFINITY)) {
		br = rs, bw = ws, bu = us;
	}
	for (size_t j = 0; j < k; j++) {
		const mt_group *g = &sc->groups[out->members[j]];
		out->sizes[j] = bw ? bw[j] : g->size;
		memcpy(out->rewards + j * m, br ? br + j * m : g->rewards,
		       m * sizeof *out->rewards);
		out->utilities[j] = bu ? bu[j] : out->utilities_truthful[j];
	}
	out->gain = bu ? total(k, bu) - t0 : 0.0;
	out->all_gain = bu != NULL;
	for (size_t j = 0; j < k && bu; j++) {
		double u0 = out->utilities_truthful[j];
		if (!(out->utilities[j] - u0 > MT_DSIC_TOL * (1.0 + fabs(u0))))
			out->all_gain = false;
	}
	if (!isfinite(out->gain))
		st = mt_error_set(err, MT_ENUMERIC, NULL, 0, 0,
		                  "the coalition's gain is not finite; lower the sizes or raise "
		                  "lambda");
out:
	free(u);
	return st;
}

/* The no-payment optimum through the merged group (see the top): fills
 * y (k m, the even split) and *method. */
static mt_status merged_best(const mt_scenario *sc, const size_t *mem, size_t k, double *y,
                             mt_br_method *method, const mt_cancel *cancel, mt_error *err)
{
	size_t m = sc->m;
	mt_scenario *ms = mt_scenario_clone(sc);
	mt_report_outcome br = {0};
	mt_status st;
	if (!ms) {
		st = mt_error_set(err, MT_ENOMEM, NULL, 0, 0,
		                  "out of memory in the coalition search");
		goto out;
	}
	ms->payment = &mt_pay_none;
	ms->max_size = (double)k * sc->max_size;
	/* the first member becomes the merged group; the others leave */
	size_t first = mem[0];
	for (size_t j = 1; j < k; j++)
		if (mem[j] < first)
			first = mem[j];
	mt_group *g = &ms->groups[first];
	double tot = 0.0;
	memset(g->rewards, 0, m * sizeof *g->rewards);
	for (size_t j = 0; j < k; j++) {
		const mt_group *h = &sc->groups[mem[j]];
		for (size_t x = 0; x < m; x++)
			g->rewards[x] += h->size * h->rewards[x];
	}
	for (size_t x = 0; x < m; x++)
		tot = sc->normalization == MT_NORM_SUM ? tot + g->rewards[x]
		                                       : fmax(tot, g->rewards[x]);
	for (size_t x = 0; x < m; x++)
		g->rewards[x] /= tot;
	mt_normalize(sc->normalization, m, g->rewards);
	g->size = fmin(tot, ms->max_size);
	memcpy(g->reported, g->rewards, m * sizeof *g->rewards);
	g->reported_size = g->size;
	/* remove the other members, highest index first */
	for (size_t idx = sc->n; idx-- > 0;) {
		bool other = false;
		for (size_t j = 0; j < k; j++)
			other = other || (mem[j] == idx && idx != first);
		if (other && (st = mt_scenario_remove_group(ms, idx))) {
			st = mt_error_set(err, st, NULL, 0, 0,
			                  "out of memory in the coalition search");
			goto out;
		}
	}
	size_t at = first;
	for (size_t j = 0; j < k; j++)
		at -= mem[j] < first ? 1 : 0;
	if ((st = mt_best_response(ms, at, MT_BR_FULL, &br, cancel, err)))
		goto out;
	for (size_t j = 0; j < k; j++)
		for (size_t x = 0; x < m; x++)
			y[j * m + x] = br.size * br.rewards[x] / (double)k;
	*method = br.method;
out:
	mt_report_outcome_release(&br);
	mt_scenario_free(ms);
	return st;
}

static mt_status check_members(const mt_scenario *sc, const size_t *members, size_t k,
                               mt_error *err)
{
	if (k < 2 || k > sc->n)
		return mt_error_set(err, MT_EINVAL, NULL, 0, 0,
		                    "a coalition needs 2 to %zu groups, got %zu", sc->n, k);
	for (size_t j = 0; j < k; j++) {
		if (members[j] >= sc->n)
			return mt_error_set(err, MT_EINVAL, NULL, 0, 0, "no group %zu", members[j]);
		for (size_t t = 0; t < j; t++)
			if (members[t] == members[j])
				return mt_error_set(err, MT_EINVAL, NULL, 0, 0,
				                    "group '%s' is named twice in the coalition",
				                    sc->groups[members[j]].name);
	}
	return MT_OK;
}

mt_status mt_coalition_best(const mt_scenario *sc, const mt_payment_rule *rule,
                            const size_t *members, size_t k, mt_coalition *out,
                            const mt_cancel *cancel, mt_error *err)
{
	memset(out, 0, sizeof *out);
	mt_status st = check_members(sc, members, k, err);
	if (st)
		return st;
	if (result_init(out, sc->m, members, k))
		return mt_error_set(err, MT_ENOMEM, NULL, 0, 0,
		                    "out of memory in the coalition search");
	size_t m = sc->m, km = k * m;
	mt_scenario view = *sc;
	view.payment = rule ? rule : sc->payment;
	out->rule = view.payment;
	co_ctx c;
	memset(&c, 0, sizeof c);
	double *buf = mt_malloc((4 * km + 2 * k) * sizeof *buf);
	if (!buf) {
		st = mt_error_set(err, MT_ENOMEM, NULL, 0, 0,
		                  "out of memory in the coalition search");
		goto out;
	}
	double *y0 = buf, *r = y0 + km, *rs = r + km, *w = rs + km, *ws = w + k, *yb = ws + k;
	mt_br_method method = MT_BR_SEARCH;
	if ((st = merged_best(sc, members, k, y0, &method, cancel, err)))
		goto out;
	if (mt_pay_shape_of(view.payment) == MT_SHAPE_NONE) {
		memcpy(yb, y0, km * sizeof *yb);
	} else {
		method = MT_BR_SEARCH;
		if ((st = ctx_init(&c, &view, members, k, cancel, err)))
			goto out;
		c.best_val = -INFINITY;
		if ((st = joint_search(&c, y0)))
			goto out;
		memcpy(yb, c.best_y, km * sizeof *yb);
	}
	if (mt_cancelled(cancel)) {
		st = mt_error_set(err, MT_ECANCELED, NULL, 0, 0, "cancelled");
		goto out;
	}
	/* the report and its snapped copy (searches reach bounds asymptotically) */
	co_ctx conv = {.sc = sc,
	               .k = k,
	               .m = m,
	               .sum = sc->normalization == MT_NORM_SUM,
	               .W = sc->max_size};
	y_to_reports(&conv, yb, r, w);
	memcpy(rs, r, km * sizeof *rs);
	for (size_t j = 0; j < k; j++) {
		ws[j] = w[j] > sc->max_size * (1.0 - CO_SNAP_TOL) ? sc->max_size : w[j];
		double *rj = rs + j * m;
		for (size_t x = 0; x < m; x++) {
			if (rj[x] < CO_SNAP_TOL)
				rj[x] = 0.0;
			else if (!conv.sum && rj[x] > 1.0 - CO_SNAP_TOL)
				rj[x] = 1.0;
		}
		mt_normalize(sc->normalization, m, rj);
	}
	st = finish(&view, out, r, w, rs, ws, cancel, err);
	out->method = method;
out:
	ctx_release(&c);
	free(buf);
	return st;
}

mt_status mt_coalition_best_pair(const mt_scenario *sc, const mt_payment_rule *rule,
                                 mt_coalition *out, const mt_cancel *cancel, mt_error *err)
{
	memset(out, 0, sizeof *out);
	if (sc->n < 2 || sc->n > MT_COALITION_PAIR_MAX_GROUPS)
		return mt_error_set(err, MT_EINVAL, NULL, 0, 0,
		                    "the best pair needs 2 to %d groups, the scenario has %zu",
		                    MT_COALITION_PAIR_MAX_GROUPS, sc->n);
	bool have = false;
	for (size_t a = 0; a < sc->n; a++)
		for (size_t b = a + 1; b < sc->n; b++) {
			size_t mem[2] = {a, b};
			mt_coalition c;
			mt_status st = mt_coalition_best(sc, rule, mem, 2, &c, cancel, err);
			if (st) {
				mt_coalition_release(&c);
				mt_coalition_release(out);
				return st;
			}
			if (!have || c.gain > out->gain) {
				mt_coalition_release(out);
				*out = c;
				have = true;
			} else {
				mt_coalition_release(&c);
			}
		}
	return MT_OK;
}
