/* Exact best responses without payment (theory.md section 9, README
 * "analyze"), for the two divergences whose structure allows it.
 *
 * Without payment the utility is w <p*(a + y), rm>: it depends on the
 * report only through the trained policy.  Training is invariant under
 * adding a constant to every entry of S, so the report spaces reduce to
 * Y = {y >= 0, sum y <= T} (sum normalization) or the box [0, T]^m (max
 * normalization), T the size cap; the caller shifts a witness back onto
 * its kind's space.
 *
 * tv.  The policy is fixed by the best response x* and the set M moved
 * onto it: u = w (<q, rm> + sum_{x in M} q(x) (rm(x*) - rm(x))).  In the
 * box the responses decouple once S(x*) is fixed (tv_box).  Under sum
 * normalization the budget couples them: every pair (x*, M) is ranked by
 * that value and the first one reachable with a positive margin wins.  Reachability is decided exactly: with s* =
 * S(x*), moved responses need S(x) <= s* - 2 lambda - delta, kept ones
 * S(x) in [s* - 2 lambda + delta, s* - delta]; the cheapest y puts S(x*)
 * at the smallest feasible s* and every kept response at the bottom of its
 * interval, and cost and box bounds only grow with s*.
 *
 * chi2.  p(x) = q(x) (S(x) - theta)_+ / (2 lambda) with the threshold theta
 * fixed by sum p = 1.  For a fixed theta the reachable policies form a
 * polytope on which the utility is linear, cut out by the mass equation
 * and (sum normalization) the budget: a vertex has at most two responses
 * whose y is strictly inside its range, and in the box at most one, the
 * others at T (higher true reward) or 0.  So the maximum lies on an edge of
 * Y: 0 -> T e_j and T e_k -> T e_j (sum), or the m edges of the box that
 * raise, in order of decreasing true reward, one response from 0 to T with
 * the ones before it at T (box).  Along an edge the utility is piecewise
 * linear, with kinks where theta crosses some S(x), so its maximum is at an
 * end or at one of those kinks, which are found as the roots of convex
 * piecewise-linear functions. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "br_internal.h"

/* ------------------------------------------------------------------ tv */

typedef struct {
	double u;
	unsigned star;
	unsigned moved; /* bit mask over all responses */
} tv_cand;

static int by_u_desc(const void *a, const void *b)
{
	const tv_cand *x = a, *y = b;
	if (x->u != y->u)
		return x->u > y->u ? -1 : 1;
	if (x->star != y->star)
		return x->star < y->star ? -1 : 1;
	return x->moved < y->moved ? -1 : x->moved > y->moved;
}

/* The cheapest y that reaches (star, moved) with margin delta; false when
 * none does. */
static bool tv_reach(size_t m, const double *a, double lambda, bool box, double T, size_t star,
                     unsigned moved, double delta, double *y)
{
	double s = a[star];
	for (size_t x = 0; x < m; x++) {
		if (x == star)
			continue;
		s = fmax(s, moved >> x & 1u ? a[x] + 2.0 * lambda + delta : a[x] + delta);
	}
	double cost = s - a[star];
	if (cost > T)
		return false;
	for (size_t x = 0; x < m; x++) {
		if (x == star) {
			y[x] = s - a[star];
			continue;
		}
		y[x] = moved >> x & 1u ? 0.0 : fmax(0.0, s - 2.0 * lambda + delta - a[x]);
		if (box && y[x] > T)
			return false;
		cost += y[x];
	}
	return box || cost <= T;
}

typedef struct {
	double at, gain;
} tv_event;

static int by_at(const void *a, const void *b)
{
	const tv_event *x = a, *y = b;
	return x->at < y->at ? -1 : x->at > y->at;
}

/* The box: with s* = S(x*) fixed, the responses are independent.  One the
 * group likes less than x* is moved as soon as it can be (s* > a + 2
 * lambda); one it likes more is kept as long as it can be (up to s* = a + T
 * + 2 lambda), and every response needs s* >= a (nothing above x*).  So u
 * is a step function of s* on [max a, a(x*) + T]: sweep its steps and take
 * the middle of the best interval, which leaves every margin at half its
 * length.  O(m^2 log m). */
static mt_status tv_box(size_t m, const double *q, double lambda, const double *a, const double *rm,
                        double T, double *y, double *value, bool *found, mt_error *err)
{
	tv_event *ev = malloc(m * sizeof *ev);
	if (!ev)
		return mt_error_set(err, MT_ENOMEM, NULL, 0, 0, "out of memory in the tv search");
	double base = mt_dot(m, q, rm), best = -INFINITY, best_s = 0.0, scale = T;
	size_t best_star = 0;
	for (size_t x = 0; x < m; x++)
		scale = fmax(scale, fabs(a[x]));
	double min_len = 1e-9 * (lambda + scale); /* shorter intervals: rounding */
	for (size_t star = 0; star < m; star++) {
		double lo = a[star], hi = a[star] + T, u = base;
		size_t ne = 0;
		for (size_t x = 0; x < m; x++) {
			if (x == star)
				continue;
			lo = fmax(lo, a[x]);
			double g = q[x] * (rm[star] - rm[x]);
			if (g > 0.0)
				ev[ne++] = (tv_event){a[x] + 2.0 * lambda, g};
			else /* 0: no step, but the margins of the witness end there */
				ev[ne++] = (tv_event){a[x] + T + 2.0 * lambda, g};
		}
		if (!(hi - lo > min_len))
			continue;
		qsort(ev, ne, sizeof *ev, by_at);
		size_t e = 0;
		for (; e < ne && ev[e].at <= lo; e++)
			u += ev[e].gain;
		double left = lo;
		for (;;) {
			double right = e < ne && ev[e].at < hi ? ev[e].at : hi;
			if (right - left > min_len && u > best) {
				best = u;
				best_s = 0.5 * (left + right);
				best_star = star;
			}
			if (right >= hi)
				break;
			for (double at = ev[e].at; e < ne && ev[e].at == at; e++)
				u += ev[e].gain;
			left = right;
		}
	}
	free(ev);
	if (!(best > -INFINITY))
		return MT_OK;
	/* the witness: x* at s*, moved responses at 0, kept ones in the middle
	 * of [s* - 2 lambda, s*] within their range */
	double s = best_s;
	for (size_t x = 0; x < m; x++) {
		if (x == best_star) {
			y[x] = s - a[x];
			continue;
		}
		double g = q[x] * (rm[best_star] - rm[x]);
		bool moved = g > 0.0 ? s > a[x] + 2.0 * lambda : s > a[x] + T + 2.0 * lambda;
		if (moved) {
			y[x] = 0.0;
		} else {
			double klo = fmax(s - 2.0 * lambda, a[x]), khi = fmin(s, a[x] + T);
			y[x] = fmin(fmax(0.5 * (klo + khi) - a[x], 0.0), T);
		}
	}
	*value = best;
	*found = true;
	return MT_OK;
}

mt_status mt_br_exact_tv(size_t m, const double *q, double lambda, const double *a,
                         const double *rm, bool box, double T, double *y, double *value,
                         bool *found, mt_error *err)
{
	*found = false;
	if (box)
		return m > MT_BR_EXACT_TV_BOX_MAX_M
		               ? MT_OK
		               : tv_box(m, q, lambda, a, rm, T, y, value, found, err);
	if (m > MT_BR_EXACT_TV_MAX_M)
		return MT_OK;
	size_t nc = m << (m - 1);
	tv_cand *c = malloc(nc * sizeof *c);
	if (!c)
		return mt_error_set(err, MT_ENOMEM, NULL, 0, 0, "out of memory in the tv search");
	double base = mt_dot(m, q, rm);
	size_t k = 0;
	for (unsigned star = 0; star < m; star++)
		for (unsigned sub = 0; sub < 1u << (m - 1); sub++) {
			/* spread the m-1 bits of sub over the responses other than star */
			unsigned low = sub & ((1u << star) - 1u), high = (sub >> star)
			                                                 << (star + 1);
			unsigned moved = low | high;
			double u = base;
			for (size_t x = 0; x < m; x++)
				if (moved >> x & 1u)
					u += q[x] * (rm[star] - rm[x]);
			c[k++] = (tv_cand){u, star, moved};
		}
	qsort(c, nc, sizeof *c, by_u_desc);
	for (size_t j = 0; j < nc && !*found; j++) {
		if (!tv_reach(m, a, lambda, box, T, c[j].star, c[j].moved, 0.0, y))
			continue; /* not even on the boundary */
		for (double delta = 0.5 * lambda; delta > 1e-9 * lambda; delta *= 0.5)
			if (tv_reach(m, a, lambda, box, T, c[j].star, c[j].moved, delta, y)) {
				*found = true;
				*value = c[j].u;
				break;
			}
	}
	free(c);
	return MT_OK;
}

/* ---------------------------------------------------------------- chi2 */

typedef struct {
	size_t m;
	const double *q, *rm;
	double lambda;
	double *S;         /* m: the aggregate at the current point */
	double *bp;        /* m + 2: breakpoints of one F_x */
	double *kink;      /* (m + 1)(m + 2) + 2: candidate points of one edge */
	unsigned char *in; /* m: support flags */
} chi2_ws;

/* <p, rm> of the chi2 policy at S.  The threshold by Michelot's method:
 * start from every response, drop those at or below the threshold of the
 * rest, repeat; theta only grows and the support only shrinks, so at most m
 * passes, each exact up to rounding. */
static double chi2_value(chi2_ws *w, const double *S)
{
	size_t m = w->m;
	memset(w->in, 1, m);
	double theta = 0.0;
	for (size_t pass = 0; pass <= m; pass++) {
		double A = 0.0, B = 0.0;
		for (size_t x = 0; x < m; x++)
			if (w->in[x]) {
				A += w->q[x];
				B += w->q[x] * S[x];
			}
		theta = (B - 2.0 * w->lambda) / A;
		bool dropped = false;
		for (size_t x = 0; x < m; x++)
			if (w->in[x] && S[x] <= theta) {
				w->in[x] = 0;
				dropped = true;
			}
		if (!dropped)
			break;
	}
	double v = 0.0;
	for (size_t x = 0; x < m; x++)
		if (w->in[x])
			v += w->rm[x] * w->q[x] * (S[x] - theta);
	return v / (2.0 * w->lambda);
}

static int by_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* F_x(t) = sum_z q(z) (S_z(t) - S_x(t))_+ - 2 lambda along S0 + t d. */
static double chi2_F(const chi2_ws *w, const double *S0, const double *d, size_t x, double t)
{
	double sx = S0[x] + t * d[x], f = -2.0 * w->lambda;
	for (size_t z = 0; z < w->m; z++) {
		double e = S0[z] + t * d[z] - sx;
		if (e > 0.0)
			f += w->q[z] * e;
	}
	return f;
}

/* Best t in [0, L] along S0 + t d; updates *best_t / *best_v. */
static void chi2_edge(chi2_ws *w, const double *S0, const double *d, double L, double *best_t,
                      double *best_v)
{
	size_t m = w->m, nk = 0;
	w->kink[nk++] = 0.0;
	w->kink[nk++] = L;
	for (size_t x = 0; x < m; x++) {
		/* breakpoints of F_x: where another S_z meets S_x */
		size_t nb = 0;
		w->bp[nb++] = 0.0;
		w->bp[nb++] = L;
		for (size_t z = 0; z < m; z++) {
			double dd = d[z] - d[x];
			if (dd == 0.0)
				continue;
			double t = (S0[x] - S0[z]) / dd;
			if (t > 0.0 && t < L)
				w->bp[nb++] = t;
		}
		qsort(w->bp, nb, sizeof *w->bp, by_double);
		double ta = w->bp[0], fa = chi2_F(w, S0, d, x, ta);
		for (size_t b = 1; b < nb; b++) {
			double tb = w->bp[b], fb = chi2_F(w, S0, d, x, tb);
			if (tb > ta && ((fa < 0.0 && fb > 0.0) || (fa > 0.0 && fb < 0.0)))
				w->kink[nk++] = ta + (tb - ta) * (-fa) / (fb - fa);
			else if (fb == 0.0)
				w->kink[nk++] = tb;
			ta = tb;
			fa = fb;
		}
	}
	for (size_t k = 0; k < nk; k++) {
		double t = fmin(fmax(w->kink[k], 0.0), L);
		for (size_t x = 0; x < m; x++)
			w->S[x] = S0[x] + t * d[x];
		double v = chi2_value(w, w->S);
		if (v > *best_v) {
			*best_v = v;
			*best_t = t;
		}
	}
}

/* Indices of rm in decreasing order (insertion sort: m is small here). */
static void order_desc(size_t m, const double *rm, size_t *order)
{
	for (size_t k = 0; k < m; k++) {
		size_t j = k;
		while (j > 0 && rm[order[j - 1]] < rm[k]) {
			order[j] = order[j - 1];
			j--;
		}
		order[j] = k;
	}
}

mt_status mt_br_exact_chi2(size_t m, const double *q, double lambda, const double *a,
                           const double *rm, bool box, double T, double *y, double *value,
                           bool *found, mt_error *err)
{
	*found = false;
	if (m > (box ? MT_BR_EXACT_CHI2_BOX_MAX_M : MT_BR_EXACT_CHI2_SUM_MAX_M))
		return MT_OK;
	chi2_ws w = {.m = m, .q = q, .rm = rm, .lambda = lambda};
	size_t nkink = (m + 1) * (m + 2) + 2;
	double *buf = malloc((m + (m + 2) + nkink + 2 * m) * sizeof *buf);
	w.in = malloc(m);
	size_t *order = malloc(m * sizeof *order);
	if (!buf || !w.in || !order) {
		free(buf);
		free(w.in);
		free(order);
		return mt_error_set(err, MT_ENOMEM, NULL, 0, 0, "out of memory in the chi2 search");
	}
	w.S = buf;
	w.bp = w.S + m;
	w.kink = w.bp + m + 2;
	double *S0 = w.kink + nkink, *d = S0 + m;
	double best_v = -INFINITY, best_t = 0.0;
	size_t best_j = 0, best_k = 0; /* edge: raise j; (sum) lower k, k == m: from 0 */
	if (box) {
		order_desc(m, rm, order);
		memcpy(S0, a, m * sizeof *S0);
		for (size_t k = 0; k < m; k++) {
			size_t j = order[k];
			memset(d, 0, m * sizeof *d);
			d[j] = 1.0;
			double v = best_v;
			chi2_edge(&w, S0, d, T, &best_t, &best_v);
			if (best_v > v)
				best_k = k;
			S0[j] += T; /* the next edges keep it at T */
		}
		memset(y, 0, m * sizeof *y);
		for (size_t k = 0; k < best_k; k++)
			y[order[k]] = T;
		y[order[best_k]] = best_t;
	} else {
		for (size_t k = 0; k <= m; k++)
			for (size_t j = 0; j < m; j++) {
				if (j == k)
					continue;
				memcpy(S0, a, m * sizeof *S0);
				memset(d, 0, m * sizeof *d);
				d[j] = 1.0;
				if (k < m) {
					if (j < k)
						continue; /* the same edge, walked the other way */
					S0[k] += T;
					d[k] = -1.0;
				}
				double v = best_v;
				chi2_edge(&w, S0, d, T, &best_t, &best_v);
				if (best_v > v) {
					best_j = j;
					best_k = k;
				}
			}
		memset(y, 0, m * sizeof *y);
		y[best_j] = best_t;
		if (best_k < m)
			y[best_k] = T - best_t;
	}
	*value = best_v;
	*found = isfinite(best_v);
	free(buf);
	free(w.in);
	free(order);
	return MT_OK;
}
