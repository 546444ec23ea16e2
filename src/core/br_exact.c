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
 * end or at one of those kinks: theta = S(x) for a fixed entry x turns the
 * mass equation into a piecewise-linear equation in t, and the entries that
 * move meet theta at the root of a monotone piecewise-linear function. */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "br_internal.h"
#include "mechtune/alloc.h"

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
	tv_event *ev = mt_malloc(m * sizeof *ev);
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
	tv_cand *c = mt_malloc(nc * sizeof *c);
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

/* The level sums of a base vector b: with b sorted in decreasing order and
 * prefix sums of q, q b, rm q and rm q b, the mass above a threshold,
 * M(theta) = sum q (b - theta)_+, and its rm-weighted twin N(theta) cost a
 * binary search. */
typedef struct {
	double b;
	size_t x;
} kv;

typedef struct {
	size_t m;
	const double *q, *rm;
	double lambda;
	const double *b;
	kv *ord;                     /* m, b decreasing */
	double *PQ, *PQB, *PR, *PRB; /* m + 1 each */
	double *Mat, *Nat;           /* m: M and N at theta = b[x] */
	unsigned char *in;           /* m scratch */
} chi2_ws;

static int by_b_desc(const void *a, const void *b)
{
	const kv *x = a, *y = b;
	if (x->b != y->b)
		return x->b > y->b ? -1 : 1;
	return x->x < y->x ? -1 : x->x > y->x;
}

static void lvl_build(chi2_ws *w, const double *b)
{
	size_t m = w->m;
	w->b = b;
	for (size_t x = 0; x < m; x++)
		w->ord[x] = (kv){b[x], x};
	qsort(w->ord, m, sizeof *w->ord, by_b_desc);
	w->PQ[0] = w->PQB[0] = w->PR[0] = w->PRB[0] = 0.0;
	for (size_t r = 0; r < m; r++) {
		size_t x = w->ord[r].x;
		double qx = w->q[x], rq = w->rm[x] * qx;
		w->PQ[r + 1] = w->PQ[r] + qx;
		w->PQB[r + 1] = w->PQB[r] + qx * b[x];
		w->PR[r + 1] = w->PR[r] + rq;
		w->PRB[r + 1] = w->PRB[r] + rq * b[x];
	}
	for (size_t r = 0; r < m; r++) { /* ties with b[x] add nothing: r will do */
		size_t x = w->ord[r].x;
		w->Mat[x] = w->PQB[r] - b[x] * w->PQ[r];
		w->Nat[x] = w->PRB[r] - b[x] * w->PR[r];
	}
}

/* M and N of the base at theta. */
static void lvl_MN(const chi2_ws *w, double theta, double *M, double *N)
{
	size_t lo = 0, hi = w->m; /* count of entries with b > theta */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (w->ord[mid].b > theta)
			lo = mid + 1;
		else
			hi = mid;
	}
	*M = w->PQB[lo] - theta * w->PQ[lo];
	*N = w->PRB[lo] - theta * w->PR[lo];
}

static double pos(double v)
{
	return v > 0.0 ? v : 0.0;
}

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

/* One edge of the report space: S = b except S_j = b_j + t and, when k < m,
 * S_k = b_k + T - t, for t in [0, T]. */
typedef struct {
	size_t j, k;
	double T;
} chi2_edge;

/* M and N of the base without the entries of j and k. */
static void edge_MN(const chi2_ws *w, const chi2_edge *e, double theta, double *M, double *N)
{
	lvl_MN(w, theta, M, N);
	size_t idx[2] = {e->j, e->k};
	for (int s = 0; s < 2; s++) {
		size_t x = idx[s];
		if (x >= w->m)
			continue;
		double d = pos(w->b[x] - theta);
		*M -= w->q[x] * d;
		*N -= w->rm[x] * w->q[x] * d;
	}
}

static double Sj(const chi2_ws *w, const chi2_edge *e, double t)
{
	return w->b[e->j] + t;
}

static double Sk(const chi2_ws *w, const chi2_edge *e, double t)
{
	return e->k < w->m ? w->b[e->k] + e->T - t : -INFINITY;
}

/* The moving entries' mass and rm-mass above theta at t. */
static void edge_moving(const chi2_ws *w, const chi2_edge *e, double theta, double t, double *M,
                        double *N)
{
	double dj = pos(Sj(w, e, t) - theta);
	*M = w->q[e->j] * dj;
	*N = w->rm[e->j] * w->q[e->j] * dj;
	if (e->k < w->m) {
		double dk = pos(Sk(w, e, t) - theta);
		*M += w->q[e->k] * dk;
		*N += w->rm[e->k] * w->q[e->k] * dk;
	}
}

/* <p, rm> at t when theta(t) = theta is known. */
static double edge_value(const chi2_ws *w, const chi2_edge *e, double theta, double t)
{
	double M, N, Mm, Nm;
	edge_MN(w, e, theta, &M, &N);
	edge_moving(w, e, theta, t, &Mm, &Nm);
	return (N + Nm) / (2.0 * w->lambda);
}

static void keep(double t, double v, double T, double *best_t, double *best_v)
{
	if (t >= 0.0 && t <= T && v > *best_v) {
		*best_v = v;
		*best_t = t;
	}
}

/* psi(t) = the mass above S_j(t) (which > 0) or S_k(t) (which < 0), minus
 * 2 lambda: where it crosses 0, that entry meets the threshold. */
static double edge_psi(const chi2_ws *w, const chi2_edge *e, int which, double t)
{
	double th = which > 0 ? Sj(w, e, t) : Sk(w, e, t), M, N, Mm, Nm;
	edge_MN(w, e, th, &M, &N);
	edge_moving(w, e, th, t, &Mm, &Nm);
	return M + Mm - 2.0 * w->lambda;
}

/* Where the entry of j or k meets the threshold: the root of psi, which is
 * monotone and piecewise linear, by regula falsi with the Illinois
 * correction (exact once it lands on the root's linear piece). */
static void edge_entry(const chi2_ws *w, const chi2_edge *e, int which, double *best_t,
                       double *best_v)
{
	double lo = 0.0, hi = e->T, flo = edge_psi(w, e, which, lo),
	       fhi = edge_psi(w, e, which, hi);
	if ((flo > 0.0) == (fhi > 0.0) || flo == 0.0 || fhi == 0.0)
		return; /* no crossing inside (the ends are checked anyway) */
	int side = 0;
	double t = lo;
	for (int it = 0; it < 100; it++) {
		t = lo + flo * (lo - hi) / (fhi - flo);
		if (!(t > lo && t < hi))
			t = 0.5 * (lo + hi);
		if (!(t > lo && t < hi))
			break;
		double f = edge_psi(w, e, which, t);
		if (f == 0.0)
			break;
		if ((f > 0.0) == (flo > 0.0)) {
			lo = t;
			flo = f;
			if (side == -1)
				fhi *= 0.5;
			side = -1;
		} else {
			hi = t;
			fhi = f;
			if (side == 1)
				flo *= 0.5;
			side = 1;
		}
		if (hi - lo <= 4.0 * DBL_EPSILON * (1.0 + e->T))
			break;
	}
	keep(t, edge_value(w, e, which > 0 ? Sj(w, e, t) : Sk(w, e, t), t), e->T, best_t, best_v);
}

/* The best t of an edge: the ends (their values v0, vT given), every t where theta(t) = b_x for a fixed
 * entry x (theta = b_x turns the mass equation into a convex piecewise-
 * linear equation in t with two breakpoints), and where j or k enters or
 * leaves the support.  O(m) plus two bisections. */
static void edge_best(chi2_ws *w, const chi2_edge *e, double v0, double vT, double *best_t,
                      double *best_v)
{
	size_t m = w->m;
	keep(0.0, v0, e->T, best_t, best_v);
	keep(e->T, vT, e->T, best_t, best_v);
	double qj = w->q[e->j], qk = e->k < m ? w->q[e->k] : 0.0;
	for (size_t x = 0; x < m; x++) {
		if (x == e->j || x == e->k)
			continue;
		double th = w->b[x], M = w->Mat[x], N = w->Nat[x];
		size_t idx[2] = {e->j, e->k};
		for (int s = 0; s < 2; s++)
			if (idx[s] < m) {
				double d = pos(w->b[idx[s]] - th);
				M -= w->q[idx[s]] * d;
				N -= w->rm[idx[s]] * w->q[idx[s]] * d;
			}
		double g = 2.0 * w->lambda - M;
		if (!(g > 0.0))
			continue;
		/* h(t) = qj (b_j + t - th)_+ + qk (b_k + T - t - th)_+ = g */
		double pts[4] = {0.0, e->T, th - w->b[e->j],
		                 e->k < m ? w->b[e->k] + e->T - th : 0.0};
		size_t np = 4;
		for (size_t a = 0; a < np; a++) /* sort the (at most 4) points */
			for (size_t c = a + 1; c < np; c++)
				if (pts[c] < pts[a]) {
					double tmp = pts[a];
					pts[a] = pts[c];
					pts[c] = tmp;
				}
		for (size_t a = 0; a + 1 < np; a++) {
			double t0 = fmax(pts[a], 0.0), t1 = fmin(pts[a + 1], e->T);
			if (!(t1 > t0))
				continue;
			double h0 = qj * pos(Sj(w, e, t0) - th) + qk * pos(Sk(w, e, t0) - th);
			double h1 = qj * pos(Sj(w, e, t1) - th) + qk * pos(Sk(w, e, t1) - th);
			if (h0 == h1 || (h0 - g) * (h1 - g) > 0.0)
				continue;
			double t = t0 + (g - h0) * (t1 - t0) / (h1 - h0);
			double Mm, Nm;
			edge_moving(w, e, th, t, &Mm, &Nm);
			keep(t, (N + Nm) / (2.0 * w->lambda), e->T, best_t, best_v);
		}
	}
	edge_entry(w, e, +1, best_t, best_v);
	if (e->k < m)
		edge_entry(w, e, -1, best_t, best_v);
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
	double *buf = mt_calloc(4 * (m + 1) + 4 * m + 1, sizeof *buf);
	w.ord = mt_malloc(m * sizeof *w.ord);
	w.in = mt_malloc(m);
	size_t *order = mt_malloc(m * sizeof *order);
	mt_status st = MT_OK;
	if (!buf || !w.ord || !w.in || !order) {
		st = mt_error_set(err, MT_ENOMEM, NULL, 0, 0, "out of memory in the chi2 search");
		goto out;
	}
	w.PQ = buf;
	w.PQB = w.PQ + m + 1;
	w.PR = w.PQB + m + 1;
	w.PRB = w.PR + m + 1;
	w.Mat = w.PRB + m + 1;
	w.Nat = w.Mat + m;
	double *base = w.Nat + m, *vert = base + m; /* m + 1 */
	for (size_t x = 0; x < m; x++)
		base[x] = a[x];
	double best_v = -INFINITY, best_t = 0.0;
	chi2_edge best_e = {0, m, T};
	if (box) {
		/* edge k: the k responses the group likes most at T, the next one
		 * rising from 0 to T, the rest at 0 */
		order_desc(m, rm, order);
		double v0 = chi2_value(&w, base);
		for (size_t k = 0; k < m; k++) {
			chi2_edge e = {order[k], m, T};
			lvl_build(&w, base);
			base[order[k]] += T;
			double vT = chi2_value(&w, base), v = best_v;
			base[order[k]] -= T;
			edge_best(&w, &e, v0, vT, &best_t, &best_v);
			v0 = vT;
			if (best_v > v)
				best_e = (chi2_edge){k, m, T}; /* j holds the prefix length here */
			base[order[k]] += T;
		}
		memset(y, 0, m * sizeof *y);
		for (size_t k = 0; k < best_e.j; k++)
			y[order[k]] = T;
		y[order[best_e.j]] = best_t;
	} else {
		/* edges 0 -> T e_j and T e_k -> T e_j */
		/* the ends are vertices: 0 and T e_x, shared by many edges */
		vert[m] = chi2_value(&w, base);
		for (size_t x = 0; x < m; x++) {
			base[x] += T;
			vert[x] = chi2_value(&w, base);
			base[x] = a[x];
		}
		lvl_build(&w, a);
		for (size_t k = 0; k <= m; k++)
			for (size_t j = 0; j < m; j++) {
				if (j == k || (k < m && j < k))
					continue; /* the same edge walked the other way */
				chi2_edge e = {j, k, T};
				double v = best_v;
				edge_best(&w, &e, vert[k], vert[j], &best_t, &best_v);
				if (best_v > v)
					best_e = e;
			}
		memset(y, 0, m * sizeof *y);
		y[best_e.j] = best_t;
		if (best_e.k < m)
			y[best_e.k] = T - best_t;
	}
	*value = best_v;
	*found = isfinite(best_v);
out:
	free(buf);
	free(w.ord);
	free(w.in);
	free(order);
	return st;
}
