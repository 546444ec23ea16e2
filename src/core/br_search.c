/* The best-response search (mechtune/analysis.h, theory.md sections 3 and 9).
 *
 * Every search works in "y coordinates", y = w~_i rm~_i (the group's term of
 * the aggregate S), with S_{-i} fixed, so that one evaluation is one O(m)
 * training.  The report space becomes a convex set: {y >= 0, sum y <= W}
 * for sum normalization, the box [0, W]^m for max normalization.  Searches
 * rank reports with a surrogate that differs from the utility by a
 * report-independent constant; the winner is always re-evaluated with the
 * real solver (mt_solve) and kept only if it beats the truth there. */
#include "mechtune/analysis.h"
#include "mechtune/alloc.h"
#include "mechtune/vec.h"

#include <float.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_multimin.h>

#include "br_internal.h"
#include "br_menu.h"

#define BFGS_MAX_ITER 60
#define BFGS_GRAD_TOL 1e-11
#define BFGS_STALL_TOL 1e-12
#define BFGS_BEHIND_STALL_TOL 1e-8
#define SIZE_GRID 32
#define GOLDEN_ITER 60
#define CLAMP_LO 1e-10
#define MAX_STARTS 16
/* ------------------------------------------------------- the search context */

typedef enum { PAR_SUM_FULL, PAR_SUM_REW, PAR_MAX_FULL, PAR_MAX_REW } par_kind;

typedef struct {
	const mt_scenario *sc; /* payment rule already set */
	size_t i, m;
	mt_pay_shape shape;
	mt_rule rule;
	double W, wi;
	const double *rm;
	double *Sm;                      /* S_{-i}, m */
	double *S, *p;                   /* m each */
	double *scratch;                 /* 3m */
	double *y, *gy, *g, *ytmp, *aux; /* m, m, m, m, m+1 */
	double *cand_div;
	/* noisy input (noise.c): per-sample S_{-i} and own noise term, ns x m */
	size_t nsamp;
	const double *Sm_s, *off_s;
	double *acc; /* m */
	/* generic payment rules: a private copy whose group i is overwritten */
	mt_scenario *work;
	mt_engine eng;
	bool eng_ready;
	double *pay;
	/* parametrization */
	par_kind par;
	double T; /* W (full) or the fixed true size (rewards only) */
	size_t anchor;
	/* best surrogate value and its y */
	double best_val;
	double *best_y;
	/* The last point a BFGS run evaluated (theta, par_dim of it) and its
	 * value: GSL asks for the gradient where it has just asked for the
	 * value, and c->y, c->p and c->aux still hold that evaluation.  Only
	 * for rules with a formula and noiseless input (cacheable). */
	double *cache_th;
	double cache_u;
	bool cache_ok;
	mt_status st;
	mt_error *err;
	const mt_cancel *cancel;
} br_ctx;

static void ctx_release(br_ctx *c)
{
	free(c->Sm);
	free(c->cand_div);
	if (c->eng_ready)
		mt_engine_release(&c->eng);
	mt_scenario_free(c->work);
	free(c->pay);
	memset(c, 0, sizeof *c);
}

static mt_status ctx_init(br_ctx *c, const mt_scenario *sc, size_t i, const mt_cancel *cancel,
                          mt_error *err)
{
	size_t m = sc->m;
	memset(c, 0, sizeof *c);
	c->sc = sc;
	c->i = i;
	c->m = m;
	c->shape = mt_pay_shape_of(sc->payment);
	c->W = sc->max_size;
	c->wi = sc->groups[i].size;
	c->rm = sc->groups[i].rewards;
	c->err = err;
	c->cancel = cancel;
	mt_rule_from_scenario(&c->rule, sc);
	c->Sm = mt_malloc((15 * m + 2) * sizeof *c->Sm);
	c->cand_div = mt_malloc((sc->k ? sc->k : 1) * sizeof *c->cand_div);
	if (!c->Sm || !c->cand_div)
		return mt_error_set(err, MT_ENOMEM, NULL, 0, 0,
		                    "out of memory in the best-response search");
	c->S = c->Sm + m;
	c->p = c->S + m;
	c->scratch = c->p + m;
	c->y = c->scratch + 3 * m;
	c->gy = c->y + m;
	c->g = c->gy + m;
	c->ytmp = c->g + m;
	c->best_y = c->ytmp + m;
	c->acc = c->best_y + m;
	c->aux = c->acc + m;          /* m + 1 */
	c->cache_th = c->aux + m + 1; /* m + 1 */
	for (size_t k = 0; k < sc->k; k++)
		c->cand_div[k] = mt_divergence_value(sc->divergence, m, sc->candidates[k].policy,
		                                     sc->reference, sc->lambda);
	c->rule.cand_div = c->cand_div;
	mt_aggregate(sc, c->Sm);
	const mt_group *g = &sc->groups[i];
	for (size_t x = 0; x < m; x++)
		c->Sm[x] -= g->reported_size * g->reported[x];
	if (c->shape == MT_SHAPE_OTHER) {
		c->work = mt_scenario_clone(sc);
		c->pay = mt_malloc(sc->n * sizeof *c->pay);
		if (!c->work || !c->pay)
			return mt_error_set(err, MT_ENOMEM, NULL, 0, 0,
			                    "out of memory in the best-response search");
		mt_status st = mt_engine_init(&c->eng, c->work, cancel, err);
		c->eng_ready = true;
		if (st)
			return st;
	}
	return MT_OK;
}

/* The sample average of the surrogate under noisy input (common random
 * numbers: the samples are fixed).  NONE and AFFINE rules only. */
static double surrogate_noisy(br_ctx *c, const double *y, bool grad)
{
	size_t m = c->m;
	double u = 0.0;
	if (grad)
		memset(c->acc, 0, m * sizeof *c->acc);
	for (size_t s = 0; s < c->nsamp; s++) {
		const double *Sm = c->Sm_s + s * m, *off = c->off_s + s * m;
		double val;
		for (size_t x = 0; x < m; x++)
			c->S[x] = Sm[x] + y[x] + off[x];
		mt_status st = mt_train(&c->rule, c->S, c->p, &val, NULL, c->scratch, c->err);
		if (st) {
			c->st = c->st ? c->st : st;
			return -INFINITY;
		}
		u += c->wi * mt_dot(m, c->p, c->rm);
		if (c->shape == MT_SHAPE_AFFINE)
			u += val - mt_dot(m, c->p, y) - mt_dot(m, c->p, off);
		if (grad) {
			for (size_t x = 0; x < m; x++)
				c->g[x] = c->wi * c->rm[x] -
				          (c->shape == MT_SHAPE_AFFINE ? y[x] + off[x] : 0.0);
			mt_sensitivity_apply(&c->rule, c->p, c->g, c->gy);
			for (size_t x = 0; x < m; x++)
				c->acc[x] += c->gy[x];
		}
	}
	double inv = 1.0 / (double)c->nsamp;
	if (grad)
		for (size_t x = 0; x < m; x++)
			c->gy[x] = c->acc[x] * inv;
	return u * inv;
}

/* dU/dy into c->gy at y, from the policy c->p that training at y left
 * (rules with a formula, noiseless input). */
static void surrogate_grad(br_ctx *c, const double *y)
{
	for (size_t x = 0; x < c->m; x++)
		c->g[x] = c->wi * c->rm[x] - (c->shape == MT_SHAPE_AFFINE ? y[x] : 0.0);
	mt_sensitivity_apply(&c->rule, c->p, c->g, c->gy);
}

/* The surrogate utility of reporting y (= w r): the utility up to a
 * report-independent constant.  With grad, also fills c->gy = dU/dy. */
static _Thread_local unsigned long evaluations;

unsigned long mt_br_evaluations(void)
{
	return evaluations;
}

static double surrogate(br_ctx *c, const double *y, bool grad)
{
	size_t m = c->m;
	evaluations++;
	c->cache_ok = false;
	if (c->nsamp)
		return surrogate_noisy(c, y, grad);
	double nonfinite = 0.0;
	for (size_t x = 0; x < m; x++) {
		c->S[x] = c->Sm[x] + y[x];
		nonfinite += 0.0 * y[x];
	}
	if (nonfinite != 0.0) /* NaN: a search step left the report space; no candidate */
		return -INFINITY;
	double val, u;
	if (c->shape != MT_SHAPE_OTHER) {
		mt_status st = mt_train(&c->rule, c->S, c->p, &val, NULL, c->scratch, c->err);
		if (st) {
			c->st = c->st ? c->st : st;
			return -INFINITY;
		}
		u = c->wi * mt_dot(m, c->p, c->rm);
		if (c->shape == MT_SHAPE_AFFINE)
			u += val - mt_dot(m, c->p, y);
		if (grad)
			surrogate_grad(c, y);
		return u;
	}
	/* generic rule: write the report into the private copy, retrain, charge */
	mt_group *g = &c->work->groups[c->i];
	double w = 0.0;
	for (size_t x = 0; x < m; x++)
		w = c->sc->normalization == MT_NORM_SUM ? w + y[x] : fmax(w, y[x]);
	if (!(w > 0.0))
		w = DBL_MIN;
	for (size_t x = 0; x < m; x++)
		g->reported[x] = y[x] / w;
	g->reported_size = w;
	memcpy(c->eng.S, c->S, m * sizeof *c->S);
	mt_status st = mt_train(&c->eng.rule, c->eng.S, c->eng.p, &c->eng.objective, &c->eng.choice,
	                        c->eng.scratch, c->err);
	if (!st) {
		/* A report under which the rule's own training overflows
		 * (checkpoint's mirror ascent with a large step) is no candidate:
		 * skip it.  The truth and the winner are re-evaluated by the real
		 * solver, which reports such a failure there. */
		mt_error perr = {0};
		st = c->work->payment->charge(&c->eng, c->pay, &perr);
		if (st == MT_ENUMERIC)
			return -INFINITY;
		if (st && c->err)
			*c->err = perr;
	}
	if (st) {
		c->st = c->st ? c->st : st;
		return -INFINITY;
	}
	u = c->wi * mt_dot(m, c->eng.p, c->rm) - c->pay[c->i];
	if (grad) { /* central differences: generic rules have no formula */
		double h = 1e-6 * (1.0 + c->W);
		memcpy(c->ytmp, y, m * sizeof *y);
		for (size_t x = 0; x < m; x++) {
			double keep = c->ytmp[x];
			c->ytmp[x] = keep + h;
			double up = surrogate(c, c->ytmp, false);
			c->ytmp[x] = keep - h;
			double dn = surrogate(c, c->ytmp, false);
			c->ytmp[x] = keep;
			c->gy[x] = (up - dn) / (2.0 * h);
		}
	}
	return u;
}

/* br_menu.c ranks a menu's candidates through this. */
static double menu_eval(void *ctx, const double *y)
{
	return surrogate(ctx, y, false);
}

/* Evaluate y and remember it when it is the best so far. */
static void consider(br_ctx *c, const double *y)
{
	double v = surrogate(c, y, false);
	if (v > c->best_val) {
		c->best_val = v;
		memcpy(c->best_y, y, c->m * sizeof *y);
	}
}

/* ------------------------------------------------------ parametrizations */

static size_t par_dim(const br_ctx *c)
{
	return c->par == PAR_SUM_FULL ? c->m + 1 : c->m;
}

/* gsl_vector_get / _set without the library call (these run for every
 * coordinate of every evaluation). */
static inline double th_get(const gsl_vector *th, size_t k)
{
	return th->data[k * th->stride];
}

static inline void th_set(gsl_vector *th, size_t k, double v)
{
	th->data[k * th->stride] = v;
}

/* Remember the evaluation at th (value u) for the gradient that follows. */
static void cache_put(br_ctx *c, const gsl_vector *th, double u)
{
	if (c->nsamp || c->shape == MT_SHAPE_OTHER)
		return;
	for (size_t k = 0; k < par_dim(c); k++)
		c->cache_th[k] = th_get(th, k);
	c->cache_u = u;
	c->cache_ok = true;
}

static bool cache_has(const br_ctx *c, const gsl_vector *th)
{
	if (!c->cache_ok)
		return false;
	for (size_t k = 0; k < par_dim(c); k++) {
		double v = th_get(th, k);
		if (memcmp(&v, &c->cache_th[k], sizeof v))
			return false;
	}
	return true;
}

/* theta -> y; c->aux keeps the softmax / sigmoid values for the chain rule. */
static void theta_to_y(br_ctx *c, const gsl_vector *th, double *y)
{
	size_t m = c->m, d = par_dim(c);
	double *s = c->aux;
	if (c->par == PAR_SUM_FULL || c->par == PAR_SUM_REW) {
		double top = -INFINITY, z = 0.0;
		for (size_t k = 0; k < d; k++)
			top = fmax(top, th_get(th, k));
		for (size_t k = 0; k < d; k++)
			s[k] = th_get(th, k) - top;
		mt_vexp(d, s, s);
		for (size_t k = 0; k < d; k++)
			z += s[k];
		for (size_t k = 0; k < d; k++)
			s[k] /= z;
	} else { /* sigmoid(t) from e = exp(-|t|): 1/(1+e) or e/(1+e), stable */
		for (size_t k = 0; k < m; k++)
			s[k] = -fabs(th_get(th, k));
		mt_vexp(m, s, s);
		for (size_t k = 0; k < m; k++) {
			double e = s[k];
			s[k] = k == c->anchor && c->par == PAR_MAX_REW ? 1.0
			       : th_get(th, k) >= 0.0                  ? 1.0 / (1.0 + e)
			                                               : e / (1.0 + e);
		}
	}
	for (size_t x = 0; x < m; x++)
		y[x] = c->T * s[x];
}

static void y_to_theta(const br_ctx *c, const double *y, gsl_vector *th)
{
	size_t m = c->m;
	double tot = 0.0;
	for (size_t x = 0; x < m; x++) {
		double u = y[x] / c->T;
		tot += y[x];
		if (c->par == PAR_SUM_FULL || c->par == PAR_SUM_REW) {
			th_set(th, x, log(fmax(u, CLAMP_LO)));
		} else {
			u = fmin(fmax(u, CLAMP_LO), 1.0 - CLAMP_LO);
			th_set(th, x, log(u) - log1p(-u));
		}
	}
	if (c->par == PAR_SUM_FULL)
		th_set(th, m, log(fmax(1.0 - tot / c->T, CLAMP_LO)));
	if (c->par == PAR_MAX_REW)
		th_set(th, c->anchor, 0.0);
}

/* GSL minimizes: f = -U. */
static double fn_f(const gsl_vector *th, void *arg)
{
	br_ctx *c = arg;
	theta_to_y(c, th, c->y);
	double u = surrogate(c, c->y, false);
	cache_put(c, th, u);
	return isfinite(u) ? -u : GSL_POSINF;
}

static void fn_fdf(const gsl_vector *th, void *arg, double *f, gsl_vector *df)
{
	br_ctx *c = arg;
	size_t m = c->m, d = par_dim(c);
	double u;
	if (cache_has(c, th)) { /* c->y, c->p and c->aux are this point's */
		u = c->cache_u;
		if (isfinite(u))
			surrogate_grad(c, c->y);
	} else {
		theta_to_y(c, th, c->y);
		u = surrogate(c, c->y, true);
		cache_put(c, th, u);
	}
	*f = isfinite(u) ? -u : GSL_POSINF;
	const double *s = c->aux;
	if (!isfinite(u)) {
		gsl_vector_set_zero(df);
		return;
	}
	if (c->par == PAR_SUM_FULL || c->par == PAR_SUM_REW) {
		double sg = 0.0;
		for (size_t x = 0; x < m; x++)
			sg += s[x] * c->gy[x];
		for (size_t k = 0; k < d; k++) {
			double gk = k < m ? c->gy[k] : 0.0;
			th_set(df, k, -c->T * s[k] * (gk - sg));
		}
	} else {
		for (size_t k = 0; k < m; k++) {
			double v = c->par == PAR_MAX_REW && k == c->anchor
			                   ? 0.0
			                   : c->T * s[k] * (1.0 - s[k]) * c->gy[k];
			th_set(df, k, -v);
		}
	}
}

static void fn_df(const gsl_vector *th, void *arg, gsl_vector *df)
{
	double f;
	fn_fdf(th, arg, &f, df);
}

/* The minimizer of one search, allocated once for all its runs
 * (gsl_multimin_fdfminimizer_set starts each run afresh). */
typedef struct {
	gsl_vector *th;
	gsl_multimin_fdfminimizer *mz;
} bfgs_mem;

static mt_status bfgs_alloc(br_ctx *c, bfgs_mem *b)
{
	size_t d = par_dim(c);
	b->th = mt_alloc_inject() ? NULL : gsl_vector_alloc(d);
	b->mz = mt_alloc_inject() ? NULL
	                          : gsl_multimin_fdfminimizer_alloc(
	                                    gsl_multimin_fdfminimizer_vector_bfgs2, d);
	if (!b->th || !b->mz)
		return mt_error_set(c->err, MT_ENOMEM, NULL, 0, 0,
		                    "out of memory in the BFGS search");
	return MT_OK;
}

static void bfgs_free(bfgs_mem *b)
{
	gsl_multimin_fdfminimizer_free(b->mz);
	gsl_vector_free(b->th);
}

/* Multi-start BFGS from y0 (in y coordinates); updates the best. */
static mt_status bfgs_from(br_ctx *c, bfgs_mem *b, const double *y0, size_t max_iter)
{
	size_t d = par_dim(c);
	gsl_vector *th = b->th;
	gsl_multimin_fdfminimizer *mz = b->mz;
	c->cache_ok = false;
	y_to_theta(c, y0, th);
	gsl_multimin_function_fdf fn = {.f = fn_f, .df = fn_df, .fdf = fn_fdf, .n = d, .params = c};
	int gs = gsl_multimin_fdfminimizer_set(mz, &fn, th, 0.1, 0.1);
	double last = gsl_multimin_fdfminimizer_minimum(mz);
	int stalled = 0;
	for (size_t it = 0; gs == GSL_SUCCESS && it < max_iter; it++) {
		if (mt_cancelled(c->cancel))
			return mt_error_set(c->err, MT_ECANCELED, NULL, 0, 0, "cancelled");
		gs = gsl_multimin_fdfminimizer_iterate(mz);
		if (gs != GSL_SUCCESS) /* GSL_ENOPROG: no further progress, a normal end */
			break;
		if (gsl_multimin_test_gradient(mz->gradient, BFGS_GRAD_TOL * (1.0 + c->W)) ==
		    GSL_SUCCESS)
			break;
		/* kinks (chi2 support changes) defeat the gradient test: also stop
		 * when the value has stalled for a few iterations */
		double now = gsl_multimin_fdfminimizer_minimum(mz);
		/* A run that is not ahead of the best report found so far (-now is
		 * its utility) and crawls is heading for a known value: stop it
		 * sooner.  Runs that lead keep the strict tolerance. */
		double tol = -now > c->best_val ? BFGS_STALL_TOL : BFGS_BEHIND_STALL_TOL;
		stalled = last - now <= tol * (1.0 + fabs(now)) ? stalled + 1 : 0;
		last = now;
		if (stalled >= 3)
			break;
	}
	if (c->st)
		return c->st;
	/* The minimizer's x is its best point; re-evaluate it exactly. */
	theta_to_y(c, gsl_multimin_fdfminimizer_x(mz), c->ytmp);
	consider(c, c->ytmp);
	return c->st;
}

/* --------------------------------------------------- exact special cases */

static double log_add(double a, double b)
{
	if (a == -INFINITY)
		return b;
	if (b == -INFINITY)
		return a;
	double hi = fmax(a, b), lo = fmin(a, b);
	return hi + log1p(exp(lo - hi));
}

typedef struct {
	const double *v;
	size_t x;
} keyed;

static int by_double_asc(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static int by_value_desc(const void *a, const void *b)
{
	const keyed *ka = a, *kb = b;
	double va = ka->v[ka->x], vb = kb->v[kb->x];
	if (va != vb)
		return va > vb ? -1 : 1;
	return ka->x < kb->x ? -1 : ka->x > kb->x;
}

/* KL, max normalization, no payment: the best report is bang-bang, 1 on the
 * responses the group likes most and 0 elsewhere (v is monotone in every
 * coordinate of the box), so scan the m prefixes of the responses sorted by
 * true reward.  O(m log m) with prefix log-sum-exps.  Fills c->best_y. */
static mt_status kl_threshold_scan(br_ctx *c)
{
	size_t m = c->m;
	double lam = c->sc->lambda, shift = c->T / lam;
	keyed *order = mt_malloc(m * sizeof *order);
	double *suf = mt_malloc(2 * (m + 1) * sizeof *suf);
	if (!order || !suf) {
		free(order);
		free(suf);
		return mt_error_set(c->err, MT_ENOMEM, NULL, 0, 0,
		                    "out of memory in the threshold scan");
	}
	for (size_t x = 0; x < m; x++)
		order[x] = (keyed){c->rm, x};
	qsort(order, m, sizeof *order, by_value_desc);
	/* suffix sums (outside the prefix) of la = log q + S_{-i}/lambda, and
	 * of la + log rm */
	double *sufz = suf, *sufn = suf + m + 1;
	sufz[m] = sufn[m] = -INFINITY;
	for (size_t k = m; k-- > 0;) {
		size_t x = order[k].x;
		double la = log(c->sc->reference[x]) + c->Sm[x] / lam;
		sufz[k] = log_add(sufz[k + 1], la);
		sufn[k] = log_add(sufn[k + 1], c->rm[x] > 0.0 ? la + log(c->rm[x]) : -INFINITY);
	}
	double prez = -INFINITY, pren = -INFINITY, best = -INFINITY;
	size_t bestk = 1;
	for (size_t k = 1; k <= m; k++) {
		size_t x = order[k - 1].x;
		double la = log(c->sc->reference[x]) + c->Sm[x] / lam;
		prez = log_add(prez, la);
		pren = log_add(pren, c->rm[x] > 0.0 ? la + log(c->rm[x]) : -INFINITY);
		double lz = log_add(prez + shift, sufz[k]), ln = log_add(pren + shift, sufn[k]);
		double v = exp(ln - lz);
		if (v > best) {
			best = v;
			bestk = k;
		}
	}
	for (size_t k = 0; k < m; k++)
		c->ytmp[order[k].x] = k < bestk ? c->T : 0.0;
	free(order);
	free(suf);
	consider(c, c->ytmp);
	return c->st;
}

/* ---------------------------------------------------------- the searches */

/* Add a start report (r, w) in y coordinates to the list. */
static void push_start(double *starts, size_t *ns, size_t m, const double *r, double w)
{
	if (*ns >= MAX_STARTS)
		return;
	for (size_t x = 0; x < m; x++)
		starts[*ns * m + x] = w * r[x];
	(*ns)++;
}

/* Size-only search: y = w rm, one dimension. */
static mt_status search_size(br_ctx *c)
{
	size_t m = c->m;
	double *y = c->ytmp;
	double grid[SIZE_GRID + 2];
	size_t ng = 0;
	for (size_t k = 1; k <= SIZE_GRID; k++)
		grid[ng++] = c->W * (double)k / SIZE_GRID;
	grid[ng++] = c->wi;
	size_t bk = 0;
	double bv = -INFINITY;
	for (size_t k = 0; k < ng; k++) {
		for (size_t x = 0; x < m; x++)
			y[x] = grid[k] * c->rm[x];
		double v = surrogate(c, y, false);
		if (c->st)
			return c->st;
		if (v > bv) {
			bv = v;
			bk = k;
		}
		if (v > c->best_val) {
			c->best_val = v;
			memcpy(c->best_y, y, m * sizeof *y);
		}
	}
	if (c->sc->k) { /* menu: utility is piecewise constant, try every breakpoint */
		const mt_scenario *sc = c->sc;
		size_t kk = sc->k > 200 ? 0 : sc->k;
		for (size_t a = 0; a < kk; a++)
			for (size_t b = a + 1; b < kk; b++) {
				const double *pa = sc->candidates[a].policy,
				             *pb = sc->candidates[b].policy;
				double A = mt_dot(m, pa, c->Sm) - c->cand_div[a] -
				           (mt_dot(m, pb, c->Sm) - c->cand_div[b]);
				double B = mt_dot(m, pa, c->rm) - mt_dot(m, pb, c->rm);
				if (fabs(B) < 1e-300)
					continue;
				double w0 = -A / B;
				for (int s = -1; s <= 1; s += 2) {
					double w = w0 * (1.0 + s * 1e-9) + s * 1e-12;
					if (!(w > 0.0) || w > c->W)
						continue;
					for (size_t x = 0; x < m; x++)
						y[x] = w * c->rm[x];
					consider(c, y);
				}
			}
		return c->st;
	}
	/* golden section around the best grid point */
	double lo =
	        bk == 0 || grid[bk] <= c->W / SIZE_GRID ? c->W * 1e-9 : grid[bk] - c->W / SIZE_GRID;
	double hi = fmin(c->W, grid[bk] + c->W / SIZE_GRID);
	const double gr = 0.6180339887498949;
	double a = hi - gr * (hi - lo), b = lo + gr * (hi - lo), fa, fb;
	for (size_t x = 0; x < m; x++)
		y[x] = a * c->rm[x];
	fa = surrogate(c, y, false);
	for (size_t x = 0; x < m; x++)
		y[x] = b * c->rm[x];
	fb = surrogate(c, y, false);
	for (int it = 0; it < GOLDEN_ITER && !c->st; it++) {
		if (fa >= fb) {
			hi = b;
			b = a;
			fb = fa;
			a = hi - gr * (hi - lo);
			for (size_t x = 0; x < m; x++)
				y[x] = a * c->rm[x];
			fa = surrogate(c, y, false);
		} else {
			lo = a;
			a = b;
			fa = fb;
			b = lo + gr * (hi - lo);
			for (size_t x = 0; x < m; x++)
				y[x] = b * c->rm[x];
			fb = surrogate(c, y, false);
		}
	}
	double w = fa >= fb ? a : b;
	for (size_t x = 0; x < m; x++)
		y[x] = w * c->rm[x];
	consider(c, y);
	return c->st;
}

/* Evaluate the vertices of the report space (searches that are not exact
 * start there as well; the last BFGS run starts from the best point found):
 * T e_x under sum normalization, every 0/T vertex of the box for m <=
 * VERTEX_ALL_MAX_M, else the m vertices at T on the responses the group
 * likes most (where the optimum of a box lies, br_exact.c).  Skipped above
 * VERTEX_MAX_M responses. */
#define VERTEX_ALL_MAX_M 6
#define VERTEX_MAX_M 256

static mt_status consider_vertices(br_ctx *c)
{
	size_t m = c->m;
	double *y = c->ytmp;
	if (m > VERTEX_MAX_M)
		return MT_OK;
	if (c->sc->normalization == MT_NORM_SUM) {
		for (size_t v = 0; v < m && !c->st; v++) {
			memset(y, 0, m * sizeof *y);
			y[v] = c->T;
			consider(c, y);
		}
	} else if (m <= VERTEX_ALL_MAX_M) {
		for (unsigned v = 1; v < 1u << m && !c->st; v++) {
			for (size_t x = 0; x < m; x++)
				y[x] = v >> x & 1u ? c->T : 0.0;
			consider(c, y);
		}
	} else {
		keyed *order = mt_malloc(m * sizeof *order);
		if (!order)
			return mt_error_set(c->err, MT_ENOMEM, NULL, 0, 0,
			                    "out of memory in the search");
		for (size_t x = 0; x < m; x++)
			order[x] = (keyed){c->rm, x};
		qsort(order, m, sizeof *order, by_value_desc);
		memset(y, 0, m * sizeof *y);
		for (size_t k = 0; k < m && !c->st; k++) {
			y[order[k].x] = c->T;
			consider(c, y);
		}
		free(order);
	}
	return c->st;
}

/* A small deterministic generator for the random probes of tv. */
static double probe_uniform(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	z ^= z >> 31;
	return (double)(z >> 11) * 0x1.0p-53;
}

/* The start reports of the search (at most MAX_STARTS, in y coordinates):
 * the truth (at the true size and, full, at max_size), the current report,
 * the polarizing misreport, (softened) vertices at the group's favourite
 * responses and, under max normalization, the bang-bang report at the
 * truthful valuation.  r: m of scratch. */
static mt_status collect_starts(br_ctx *c, bool full, const double *cur_r, double cur_w,
                                double *starts, size_t *nstarts, double *r)
{
	const mt_scenario *sc = c->sc;
	size_t m = c->m, ns = 0;
	bool sum = sc->normalization == MT_NORM_SUM;
	/* truth, at the true size and (full) at max_size */
	push_start(starts, &ns, m, c->rm, c->wi);
	if (full)
		push_start(starts, &ns, m, c->rm, c->W);
	if (cur_r)
		push_start(starts, &ns, m, cur_r, full ? cur_w : c->wi);
	double eps;
	if (mt_polarize(sc, c->i, 0.0, r, &eps)) {
		push_start(starts, &ns, m, r, c->T);
		if (full)
			push_start(starts, &ns, m, r, c->wi);
	}
	/* (softened) vertices at the group's favourite responses */
	size_t nv = m <= 4 ? m : 3;
	keyed *order = mt_malloc(m * sizeof *order);
	if (!order)
		return mt_error_set(c->err, MT_ENOMEM, NULL, 0, 0, "out of memory in the search");
	for (size_t x = 0; x < m; x++)
		order[x] = (keyed){c->rm, x};
	qsort(order, m, sizeof *order, by_value_desc);
	for (size_t k = 0; k < nv; k++) {
		for (size_t x = 0; x < m; x++)
			r[x] = sum ? 0.03 / (double)m : 0.02;
		r[order[k].x] = sum ? 0.97 + 0.03 / (double)m : 1.0;
		push_start(starts, &ns, m, r, c->T);
	}
	if (!sum) { /* the bang-bang report at the truthful valuation */
		double v = mt_dot(m, c->p, c->rm);
		for (size_t x = 0; x < m; x++)
			r[x] = c->rm[x] >= v ? 1.0 : 0.02;
		r[order[0].x] = 1.0;
		push_start(starts, &ns, m, r, c->T);
	}
	free(order);
	*nstarts = ns;
	return MT_OK;
}

/* tv: the policy is piecewise constant in the report, gradients are zero;
 * probe random reports instead (a heuristic).  r: m of scratch. */
static mt_status probe_random(br_ctx *c, bool full, double *r)
{
	const mt_scenario *sc = c->sc;
	size_t m = c->m;
	uint64_t seed = 0x5eed0000u + c->i;
	size_t probes = m <= 4 ? 400 : 64;
	for (size_t t = 0; t < probes && !c->st; t++) {
		for (size_t x = 0; x < m; x++) {
			double u = probe_uniform(&seed);
			r[x] = u * u * u;
		}
		mt_normalize(sc->normalization, m, r);
		double w = full ? c->W * (0.05 + 0.95 * probe_uniform(&seed)) : c->wi;
		if (full && t % 2 == 0)
			w = c->W;
		for (size_t x = 0; x < m; x++)
			c->ytmp[x] = w * r[x];
		consider(c, c->ytmp);
	}
	return c->st;
}

/* Reward (and size) search: starts, then BFGS from each (continuous
 * divergences) or random probes (tv, whose policy is piecewise constant). */
static mt_status search_reports(br_ctx *c, mt_br_kind kind, const double *cur_r, double cur_w)
{
	const mt_scenario *sc = c->sc;
	size_t m = c->m;
	bool sum = sc->normalization == MT_NORM_SUM;
	bool full = kind == MT_BR_FULL;
	c->T = full ? c->W : c->wi;
	c->par = sum ? (full ? PAR_SUM_FULL : PAR_SUM_REW) : (full ? PAR_MAX_FULL : PAR_MAX_REW);
	double *starts = mt_malloc(MAX_STARTS * m * sizeof *starts);
	double *r = mt_malloc(m * sizeof *r);
	bfgs_mem bm = {0};
	mt_status st = MT_OK;
	if (!starts || !r) {
		st = mt_error_set(c->err, MT_ENOMEM, NULL, 0, 0, "out of memory in the search");
		goto out;
	}
	size_t ns = 0;
	if ((st = collect_starts(c, full, cur_r, cur_w, starts, &ns, r)))
		goto out;
	for (size_t s = 0; s < ns; s++) {
		consider(c, starts + s * m);
		if (c->st) {
			st = c->st;
			goto out;
		}
	}
	if (c->shape != MT_SHAPE_AFFINE && !c->nsamp && (st = consider_vertices(c)))
		goto out;
	if (!sc->divergence->continuous) {
		st = probe_random(c, full, r);
		goto out;
	}
	size_t max_iter = BFGS_MAX_ITER;
	size_t nrun = (m > 256 ? 3 : ns) + (cur_r ? 1 : 0);
	/* Affine rules: the surrogate is w_i v_i + ASW_{-i}, whose maximizer is
	 * the truth (Proposition 4.4), and the answer is the truth unless the
	 * real solver says otherwise.  The search is a live check: every start
	 * was evaluated above; BFGS runs from the truth (starts[0]), where a
	 * slope would show, and from the best point found.  Runs from the far
	 * starts only crawl towards the truth's known value (most end at
	 * max_iter below it) and cost nine tenths of an analysis. */
	if (c->shape == MT_SHAPE_AFFINE && !c->nsamp)
		nrun = 1;
	if ((st = bfgs_alloc(c, &bm)))
		goto out;
	for (size_t s = 0; s < ns && s < nrun; s++) {
		if (c->par == PAR_MAX_REW)
			c->anchor = argmax(m, starts + s * m);
		st = bfgs_from(c, &bm, starts + s * m, max_iter);
		if (st)
			goto out;
	}
	/* and once more from the best point found */
	if (c->par == PAR_MAX_REW)
		c->anchor = argmax(m, c->best_y);
	memcpy(starts, c->best_y, m * sizeof *starts);
	st = bfgs_from(c, &bm, starts, max_iter);
out:
	bfgs_free(&bm);
	free(starts);
	free(r);
	return st;
}

/* Training ignores a constant added to every entry of S: move y onto the
 * top of its kind's space ({sum y = T} or {max y = T}), where every report
 * is valid, without changing the policy. */
static void shift_to_top(const br_ctx *c, double T, double *y)
{
	size_t m = c->m;
	bool sum = c->sc->normalization == MT_NORM_SUM;
	double tot = 0.0;
	for (size_t x = 0; x < m; x++)
		tot = sum ? tot + y[x] : fmax(tot, y[x]);
	double add = sum ? (T - tot) / (double)m : T - tot;
	if (add > 0.0)
		for (size_t x = 0; x < m; x++)
			y[x] = sum ? y[x] + add : fmin(y[x] + add, T);
}

/* Exact reward (and size) best responses without payment: tv and chi2 on
 * the simplex (br_exact.c).  *done: the maximizer was found and confirmed
 * by the surrogate (else the caller searches). */
static mt_status exact_reports(br_ctx *c, mt_br_kind kind, bool *done)
{
	const mt_scenario *sc = c->sc;
	size_t m = c->m;
	bool box = sc->normalization == MT_NORM_MAX, found = false;
	double T = kind == MT_BR_FULL ? c->W : c->wi, val = 0.0;
	double *y = c->ytmp;
	mt_status st;
	*done = false;
	if (sc->divergence->exact == MT_EXACT_TV)
		st = mt_br_exact_tv(m, sc->reference, sc->lambda, c->Sm, c->rm, box, T, y, &val,
		                    &found, c->err);
	else
		st = mt_br_exact_chi2(m, sc->reference, sc->lambda, c->Sm, c->rm, box, T, y, &val,
		                      &found, c->err);
	if (st || !found)
		return st;
	shift_to_top(c, T, y);
	double v = surrogate(c, y, false);
	if ((st = c->st))
		return st;
	if (v > c->best_val) {
		c->best_val = v;
		memcpy(c->best_y, y, m * sizeof *y);
	}
	double want = c->wi * val;
	*done = c->best_val >= want - 1e-9 * (1.0 + fabs(want));
	return MT_OK;
}

/* tv, size only, no payment: the policy along y = t rm changes only where
 * two entries of S meet or come 2 lambda apart; probe every interval
 * between those breakpoints (and max_size).  Exact; O(m^3). */
static mt_status tv_size_scan(br_ctx *c)
{
	size_t m = c->m, nb = 0;
	double lam = c->sc->lambda;
	double *t = mt_malloc((3 * m * m + 2) * sizeof *t);
	if (!t)
		return mt_error_set(c->err, MT_ENOMEM, NULL, 0, 0, "out of memory in the tv scan");
	t[nb++] = 0.0;
	t[nb++] = c->W;
	for (size_t x = 0; x < m; x++)
		for (size_t z = x + 1; z < m; z++) {
			double dr = c->rm[x] - c->rm[z];
			if (fabs(dr) < 1e-300)
				continue;
			for (int k = -1; k <= 1; k++) {
				double b = (c->Sm[z] - c->Sm[x] + 2.0 * lam * k) / dr;
				if (b > 0.0 && b < c->W)
					t[nb++] = b;
			}
		}
	qsort(t, nb, sizeof *t, by_double_asc);
	double *y = c->ytmp;
	for (size_t k = 0; k + 1 < nb && !c->st; k++) {
		if (k % 256 == 0 && mt_cancelled(c->cancel)) {
			free(t);
			return mt_error_set(c->err, MT_ECANCELED, NULL, 0, 0, "cancelled");
		}
		for (int side = 0; side < 2; side++) {
			double w = side ? t[k + 1] : 0.5 * (t[k] + t[k + 1]);
			if (!(w > 0.0))
				continue;
			for (size_t x = 0; x < m; x++)
				y[x] = w * c->rm[x];
			consider(c, y);
		}
	}
	free(t);
	return c->st;
}

/* y (in the report space of kind) -> the report (r, w). */
static void y_to_report(const br_ctx *c, mt_br_kind kind, const double *y, double *r, double *w)
{
	size_t m = c->m;
	bool sum = c->sc->normalization == MT_NORM_SUM;
	double tot = 0.0;
	for (size_t x = 0; x < m; x++) {
		r[x] = fmax(y[x], 0.0);
		tot = sum ? tot + r[x] : fmax(tot, r[x]);
	}
	if (tot > 0.0) /* mt_normalize clamps max-normalized entries to 1 first */
		for (size_t x = 0; x < m; x++)
			r[x] /= tot;
	mt_normalize(c->sc->normalization, m, r);
	if (kind == MT_BR_REWARDS)
		*w = c->wi;
	else
		*w = fmin(fmax(tot, c->W * 1e-12), c->W);
	if (kind == MT_BR_SIZE) {
		memcpy(r, c->rm, m * sizeof *r);
		if (sum)
			*w = fmin(fmax(tot, c->W * 1e-12), c->W);
		else
			*w = fmin(fmax(tot / c->rm[argmax(m, c->rm)], c->W * 1e-12), c->W);
	}
}

/* Searches reach the boundary of the report space only asymptotically
 * (softmax and sigmoid parametrizations), so a best report of 0 comes out
 * as 1e-11 and max_size as max_size (1 - 1e-12).  Snap coordinates within
 * SNAP_TOL of a bound onto it (only the size of a size-only answer: its
 * rewards are the truth); the caller keeps the snapped report only when the
 * real solver says it is at least as good. */
#define SNAP_TOL 1e-6

static void snap_report(const mt_scenario *sc, mt_br_kind kind, double *r, double *w, double W)
{
	if (*w > W * (1.0 - SNAP_TOL))
		*w = W;
	if (kind == MT_BR_SIZE)
		return; /* a size-only answer keeps the true rewards bit for bit */
	for (size_t x = 0; x < sc->m; x++) {
		if (r[x] < SNAP_TOL)
			r[x] = 0.0;
		else if (sc->normalization == MT_NORM_MAX && r[x] > 1.0 - SNAP_TOL)
			r[x] = 1.0;
	}
	mt_normalize(sc->normalization, sc->m, r);
}

/* Run the search (or exact method) for kind; fills c->best_y and *method:
 * EXACT when the structure proves the answer optimal (README, analyze):
 * affine rules (the truth, Proposition 4.4; the search runs as a live
 * check), menus (LP), and without payment: kl with max normalization,
 * size-only lies of continuous divergences (the utility grows with the
 * size, so max_size, which the scan includes, is optimal), tv and chi2
 * within the size caps of br_exact.c. */
static mt_status run_search(br_ctx *c, mt_br_kind kind, const double *cur_r, double cur_w,
                            mt_br_method *method)
{
	const mt_scenario *sc = c->sc;
	size_t m = c->m;
	mt_status st = MT_OK;
	*method = MT_BR_SEARCH;
	bool none = c->shape == MT_SHAPE_NONE;
	if (kind == MT_BR_SIZE) {
		st = search_size(c);
		if (!st && none && !sc->k && sc->divergence->continuous)
			*method = MT_BR_EXACT;
		if (!st && none && !sc->k && !sc->divergence->continuous &&
		    m <= MT_BR_EXACT_TV_SIZE_MAX_M) {
			st = tv_size_scan(c);
			*method = MT_BR_EXACT;
		}
		if (!st && sc->k && sc->k <= 200 && c->shape != MT_SHAPE_OTHER)
			*method = MT_BR_EXACT;
	} else if (sc->k) {
		st = mt_menu_best(menu_eval, c, sc, c->i, kind == MT_BR_FULL, c->Sm, c->cand_div,
		                  c->best_y, &c->best_val, c->cancel, c->err);
		if (c->shape != MT_SHAPE_OTHER)
			*method = MT_BR_EXACT;
	} else if (none && sc->divergence->exact == MT_EXACT_KL &&
	           sc->normalization == MT_NORM_MAX) {
		c->T = kind == MT_BR_FULL ? c->W : c->wi;
		st = kl_threshold_scan(c);
		*method = MT_BR_EXACT;
	} else {
		bool done = false;
		if (none && (sc->divergence->exact == MT_EXACT_TV ||
		             sc->divergence->exact == MT_EXACT_CHI2))
			st = exact_reports(c, kind, &done);
		if (!st && done)
			*method = MT_BR_EXACT;
		else if (!st)
			st = search_reports(c, kind, cur_r, cur_w);
	}
	if (c->shape == MT_SHAPE_AFFINE)
		*method = MT_BR_EXACT;
	return st;
}

/* The real solver decides: out is the search's winner c->best_y (or its
 * snapped form, if at least as good) when it beats the truth, else the
 * truth.  r: 2m of scratch. */
static mt_status decide(br_ctx *c, mt_br_kind kind, mt_br_method method, double *r,
                        mt_report_outcome *out)
{
	const mt_scenario *sc = c->sc;
	size_t m = c->m, i = c->i;
	const mt_group *g = &sc->groups[i];
	double *rs = r + m;
	mt_report_outcome truth = {0}, best = {0}, snapped = {0};
	double w, ws;
	y_to_report(c, kind, c->best_y, r, &w);
	memcpy(rs, r, m * sizeof *r);
	ws = w;
	snap_report(sc, kind, rs, &ws, kind == MT_BR_REWARDS ? g->size : c->W);
	mt_status st = mt_eval_raw(sc, i, g->rewards, g->size, &truth, NULL, c->cancel, c->err);
	if (!st)
		st = mt_eval_raw(sc, i, r, w, &best, NULL, c->cancel, c->err);
	if (!st)
		st = mt_eval_raw(sc, i, rs, ws, &snapped, NULL, c->cancel, c->err);
	if (st)
		return st;
	if (snapped.utility >= best.utility) {
		best = snapped;
		memcpy(r, rs, m * sizeof *r);
		w = ws;
	}
	if (best.utility - truth.utility > MT_BR_ACCEPT_TOL * (1.0 + fabs(truth.utility))) {
		best.gain = best.utility - truth.utility;
		st = mt_report_set(out, m, r, w, &best);
	} else {
		truth.gain = 0.0;
		st = mt_report_set(out, m, g->rewards, g->size, &truth);
	}
	if (st)
		return mt_error_set(c->err, MT_ENOMEM, NULL, 0, 0, "out of memory");
	out->method = method;
	return MT_OK;
}

/* The best response of group i of `kind` in sc (payment rule set in sc);
 * cur_r/cur_w: an extra start (the current report), may be NULL. */
mt_status mt_br_search(const mt_scenario *sc, size_t i, mt_br_kind kind, const double *cur_r,
                       double cur_w, mt_report_outcome *out, const mt_cancel *cancel, mt_error *err)
{
	br_ctx c;
	size_t m = sc->m;
	double *r = mt_malloc(2 * m * sizeof *r);
	mt_status st = r ? ctx_init(&c, sc, i, cancel, err)
	                 : mt_error_set(err, MT_ENOMEM, NULL, 0, 0, "out of memory");
	if (!r) {
		memset(&c, 0, sizeof c);
		goto out;
	}
	if (st)
		goto out;
	const mt_group *g = &sc->groups[i];
	c.best_val = -INFINITY;
	/* policy at the truth (for the bang-bang start) */
	for (size_t x = 0; x < m; x++)
		c.y[x] = g->size * g->rewards[x];
	consider(&c, c.y);
	if ((st = c.st))
		goto out;
	if (c.shape == MT_SHAPE_OTHER) /* the bang-bang start reads the truthful policy */
		memcpy(c.p, c.eng.p, m * sizeof *c.p);
	mt_br_method method;
	if ((st = run_search(&c, kind, cur_r, cur_w, &method)))
		goto out;
	if (mt_cancelled(cancel)) {
		st = mt_error_set(err, MT_ECANCELED, NULL, 0, 0, "cancelled");
		goto out;
	}
	st = decide(&c, kind, method, r, out);
out:
	ctx_release(&c);
	free(r);
	return st;
}

mt_status mt_br_noisy_rewards(const mt_scenario *sc, size_t i, size_t ns, const double *Sm_s,
                              const double *off_s, double *r, const mt_cancel *cancel,
                              mt_error *err)
{
	br_ctx c;
	size_t m = sc->m;
	mt_status st = ctx_init(&c, sc, i, cancel, err);
	if (st)
		goto out;
	if (c.shape == MT_SHAPE_OTHER || sc->k) {
		st = mt_error_set(err, MT_EINVAL, NULL, 0, 0,
		                  "noisy-input analysis needs the simplex and payment none, vcg, "
		                  "vcg_shifted or early_stop");
		goto out;
	}
	c.nsamp = ns;
	c.Sm_s = Sm_s;
	c.off_s = off_s;
	c.best_val = -INFINITY;
	const mt_group *g = &sc->groups[i];
	for (size_t x = 0; x < m; x++)
		c.y[x] = g->size * g->rewards[x];
	consider(&c, c.y);
	if ((st = c.st))
		goto out;
	if ((st = search_reports(&c, MT_BR_REWARDS, NULL, 0.0)))
		goto out;
	double w;
	y_to_report(&c, MT_BR_REWARDS, c.best_y, r, &w);
out:
	ctx_release(&c);
	return st;
}

mt_status mt_best_response(const mt_scenario *sc, size_t i, mt_br_kind kind, mt_report_outcome *out,
                           const mt_cancel *cancel, mt_error *err)
{
	memset(out, 0, sizeof *out);
	if (i >= sc->n)
		return mt_error_set(err, MT_EINVAL, NULL, 0, 0, "no group %zu", i);
	return mt_br_search(sc, i, kind, NULL, 0.0, out, cancel, err);
}
