/* The curated scenarios of scenarios/: every file loads, explains itself
 * (description and a non-empty `try:` list), and every claim its text makes
 * holds.  Each test below quotes the claims it checks.
 *
 * Most checks are brute force and independent of the analysis code: a
 * misreport's utility is computed by cloning the scenario, changing the
 * group's report and calling mt_solve.  The analysis API (mt_analyze,
 * mt_best_response, mt_polarize) is used where the text talks about what
 * the explorer computes ("let it lie" plays the no-payment best response)
 * and is cross-checked against mt_solve. */
#include <dirent.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mechtune/analysis.h"
#include "mechtune/coalition.h"
#include "mechtune/lesson.h"
#include "mechtune/library.h"
#include "mechtune/sweep.h"
#include "mechtune/train.h"
#include "mechtune/yamlio.h"
#include "testutil.h"

#define MAXM 16
/* "Clearly visible" on screen: well above rounding and solver noise. */
#define VISIBLE 1e-3
/* Agreement of two numbers that are equal in exact arithmetic. */
#define SAME 1e-9

/* ------------------------------------------------------------ helpers */

static size_t group_index(const mt_scenario *sc, const char *name)
{
	for (size_t i = 0; i < sc->n; i++)
		if (!strcmp(sc->groups[i].name, name))
			return i;
	fail_msg("no group `%s` in `%s`", name, sc->name);
	return 0;
}

static size_t response_index(const mt_scenario *sc, const char *label)
{
	for (size_t x = 0; x < sc->m; x++)
		if (!strcmp(sc->responses[x], label))
			return x;
	fail_msg("no response `%s` in `%s`", label, sc->name);
	return 0;
}

/* The outcome of one solve, seen from group i. */
typedef struct {
	double v, pay, u; /* valuation (true rewards), payment, true utility of group i */
	double welfare;   /* true social welfare sum_j w_j v_j */
	double objective; /* ASW at the reports */
	double div;       /* D_f(p||q) = reported aggregate at p - objective */
	double asw_true;  /* welfare - div: the training objective at the true reports */
	size_t choice;
	double p[MAXM];
} res;

/* Solve c (already edited) under its own payment rule; view from group i. */
static void solve_view(const mt_scenario *c, size_t i, res *r)
{
	mt_outcome o;
	mt_error err = {0};
	if (mt_solve(c, &o, NULL, &err))
		fail_msg("solve `%s`: %s", c->name, err.msg);
	r->v = o.groups[i].valuation;
	r->pay = o.groups[i].payment;
	r->u = o.groups[i].utility;
	r->welfare = o.welfare;
	r->objective = o.objective;
	double rep = 0.0;
	for (size_t j = 0; j < c->n; j++)
		rep += c->groups[j].reported_size * mt_dot(c->m, o.policy, c->groups[j].reported);
	r->div = rep - o.objective;
	r->asw_true = o.welfare - r->div;
	r->choice = o.choice;
	memcpy(r->p, o.policy, c->m * sizeof(double));
	mt_outcome_release(&o);
}

/* Group i reports (rewards, size) (NULL / <= 0: the truth) under `rule`
 * (NULL: the scenario's); everybody else as in sc. */
static void eval(const mt_scenario *sc, const mt_payment_rule *rule, size_t i,
                 const double *rewards, double size, res *r)
{
	mt_scenario *c = mt_scenario_clone(sc);
	assert_non_null(c);
	if (rule)
		c->payment = rule;
	mt_group *g = &c->groups[i];
	memcpy(g->reported, rewards ? rewards : g->rewards, c->m * sizeof(double));
	g->reported_size = size > 0.0 ? size : g->size;
	solve_view(c, i, r);
	mt_scenario_free(c);
}

static double truthful_utility(const mt_scenario *sc, const mt_payment_rule *rule, size_t i)
{
	res r;
	eval(sc, rule, i, NULL, 0.0, &r);
	return r.u;
}

/* Gain of group i from reporting (rewards, size) over the truth. */
static double gain_of(const mt_scenario *sc, const mt_payment_rule *rule, size_t i,
                      const double *rewards, double size)
{
	res r;
	eval(sc, rule, i, rewards, size, &r);
	return r.u - truthful_utility(sc, rule, i);
}

static double dsic_tol(double u)
{
	return MT_DSIC_TOL * (1.0 + fabs(u));
}

/* The Theorem 4.2 misreport built by hand (independent of mt_polarize):
 * sum: +eps on the favourite, -eps on the least favourite; max: -eps on the
 * least favourite. */
static void polarize_by_hand(const mt_scenario *sc, size_t i, double eps, double *out)
{
	const double *rm = sc->groups[i].rewards;
	size_t best = 0, worst = 0;
	for (size_t x = 1; x < sc->m; x++) {
		if (rm[x] > rm[best])
			best = x;
		if (rm[x] < rm[worst])
			worst = x;
	}
	memcpy(out, rm, sc->m * sizeof(double));
	out[worst] -= eps;
	if (sc->normalization == MT_NORM_SUM)
		out[best] += eps;
	assert_true(out[worst] >= 0.0);
	assert_true(mt_is_normalized(sc->normalization, sc->m, out));
}

/* mt_polarize with step eps must agree with the hand-built report. */
static void polarize_checked(const mt_scenario *sc, size_t i, double eps, double *out)
{
	double hand[MAXM], used = 0.0;
	assert_true(mt_polarize(sc, i, eps, out, &used));
	assert_true(fabs(used - eps) < 1e-12);
	polarize_by_hand(sc, i, eps, hand);
	for (size_t x = 0; x < sc->m; x++)
		assert_true(fabs(out[x] - hand[x]) < 1e-12);
}

/* The explorer's "lie" key: the best response under payment rule none,
 * checked against mt_solve.  Fills rewards (m) and *size. */
static void no_payment_lie(const mt_scenario *sc, size_t i, double *rewards, double *size)
{
	mt_scenario *c = mt_scenario_clone(sc);
	assert_non_null(c);
	c->payment = &mt_pay_none;
	mt_report_outcome br;
	mt_error err = {0};
	if (mt_best_response(c, i, MT_BR_FULL, &br, NULL, &err))
		fail_msg("best response: %s", err.msg);
	memcpy(rewards, br.rewards, sc->m * sizeof(double));
	*size = br.size;
	res r;
	eval(c, NULL, i, rewards, *size, &r);
	assert_true(fabs(r.u - br.utility) < 1e-9 * (1.0 + fabs(r.u)));
	mt_report_outcome_release(&br);
	mt_scenario_free(c);
}

/* Under `rule`, the analysis finds no profitable lie for any group and the
 * global DSIC check passes; under none it finds one for group i. */
static void analysis_gain(const mt_scenario *sc, const mt_payment_rule *rule, size_t i,
                          double *gain, double *utility, bool *dsic)
{
	mt_analysis a;
	mt_error err = {0};
	if (mt_analyze(sc, rule, &a, NULL, &err))
		fail_msg("analyze `%s`: %s", sc->name, err.msg);
	*gain = a.groups[i].best[MT_BR_FULL].gain;
	*utility = a.groups[i].truthful_utility;
	*dsic = a.dsic;
	mt_analysis_release(&a);
}

static void assert_vcg_truthful(const mt_scenario *sc)
{
	for (size_t i = 0; i < sc->n; i++) {
		double gain, u;
		bool dsic;
		analysis_gain(sc, &mt_pay_vcg, i, &gain, &u, &dsic);
		assert_true(dsic);
		assert_true(gain <= dsic_tol(u));
		assert_true(fabs(u - truthful_utility(sc, &mt_pay_vcg, i)) < SAME);
	}
}

static void assert_none_lie_pays(const mt_scenario *sc, size_t i, double at_least)
{
	double gain, u;
	bool dsic;
	analysis_gain(sc, &mt_pay_none, i, &gain, &u, &dsic);
	assert_false(dsic);
	assert_true(gain > at_least);
}

/* "let it lie, then switch back to vcg": the no-payment best response,
 * kept in place under vcg, lowers the group's utility. */
static void assert_lie_hurts_under_vcg(const mt_scenario *sc, size_t i)
{
	double rw[MAXM], size;
	no_payment_lie(sc, i, rw, &size);
	assert_true(gain_of(sc, &mt_pay_none, i, rw, size) > VISIBLE);
	assert_true(gain_of(sc, &mt_pay_vcg, i, rw, size) < -VISIBLE);
}

static double l1(size_t m, const double *a, const double *b)
{
	double s = 0.0;
	for (size_t x = 0; x < m; x++)
		s += fabs(a[x] - b[x]);
	return s;
}

/* ------------------------------------------------- every shipped file */

static int is_yaml(const char *name)
{
	size_t n = strlen(name);
	return n > 5 && !strcmp(name + n - 5, ".yaml");
}

/* Calls fn on every .yaml file in scenarios/; returns the number of files. */
static size_t for_each_scenario(void (*fn)(const char *file, const mt_scenario *sc))
{
	const char *src = getenv("MT_SOURCE_DIR");
	char dir[4096];
	snprintf(dir, sizeof dir, "%s/scenarios", src ? src : ".");
	DIR *d = opendir(dir);
	if (!d)
		fail_msg("cannot open %s; run the tests through ctest (MT_SOURCE_DIR)", dir);
	size_t count = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (!is_yaml(e->d_name))
			continue;
		mt_scenario *sc = tu_load_scenario(e->d_name);
		fn(e->d_name, sc);
		mt_scenario_free(sc);
		count++;
	}
	closedir(d);
	return count;
}

static void check_documented(const char *file, const mt_scenario *sc)
{
	if (!sc->description || strlen(sc->description) < 40)
		fail_msg("%s: needs a description that says what it shows", file);
	if (sc->ntry < 1)
		fail_msg("%s: needs a non-empty `try:` list", file);
	for (size_t k = 0; k < sc->ntry; k++)
		if (!sc->try_list[k] || strlen(sc->try_list[k]) < 10)
			fail_msg("%s: try entry %zu is empty or too short", file, k + 1);
}

static void test_every_scenario_documented(void **state)
{
	(void)state;
	size_t count = for_each_scenario(check_documented);
	assert_true(count >= 11);
}

/* Every text says (or relies on) "under vcg no lie helps": a brute-force
 * DSIC check on random reports, independent of the analysis code. */
static void check_vcg_random(const char *file, const mt_scenario *sc)
{
	tu_rng rng = {0x5eed};
	double rw[MAXM], size;
	for (size_t i = 0; i < sc->n; i++) {
		double u0 = truthful_utility(sc, &mt_pay_vcg, i);
		for (int k = 0; k < 60; k++) {
			tu_random_report(&rng, sc, rw, &size);
			double g =
			        gain_of(sc, &mt_pay_vcg, i, rw, k % 3 ? size : sc->groups[i].size);
			if (g > dsic_tol(u0))
				fail_msg("%s: group %s gains %g under vcg", file,
				         sc->groups[i].name, g);
		}
	}
}

static void test_every_scenario_vcg_dsic(void **state)
{
	(void)state;
	for_each_scenario(check_vcg_random);
}

/* ------------------------------------------------------ default.yaml */

/* "Without payments the Alices gain by exaggerating (polarizing) their
 * preferences; under the affine-maximizer (vcg) payment they do not."
 * try: let the Alices lie under none: they gain; back to vcg: the same lie
 * lowers their utility; raise lambda: the policy moves back to q. */
static void test_default(void **state)
{
	(void)state;
	mt_scenario *sc = tu_load_scenario("default.yaml");
	size_t a = group_index(sc, "Alices");
	double rw[MAXM], eps;
	assert_true(mt_polarize(sc, a, 0.0, rw, &eps));
	assert_true(gain_of(sc, &mt_pay_none, a, rw, 0.0) > 0.05);
	assert_true(gain_of(sc, &mt_pay_vcg, a, rw, 0.0) < -VISIBLE);
	assert_none_lie_pays(sc, a, 0.1);
	assert_vcg_truthful(sc);
	assert_lie_hurts_under_vcg(sc, a);
	res lo, hi;
	eval(sc, NULL, a, NULL, 0.0, &lo);
	sc->lambda *= 4.0;
	eval(sc, NULL, a, NULL, 0.0, &hi);
	assert_true(l1(sc->m, hi.p, sc->reference) < 0.5 * l1(sc->m, lo.p, sc->reference));
	mt_scenario_free(sc);
}

/* ------------------------------------------------- polarization.yaml */

/* "add 0.1 to the reward of their favourite response (playful) and take
 * 0.1 from their least favourite (formal).  The lie pays whatever the Bobs
 * report, and it lowers the true social welfare: the Bobs lose more than
 * the Alices win.  Under vcg the same lie lowers the Alices' own utility."
 * try: "let the Bobs lie as well, then the Alices once more: lying still
 * pays them." */
static void test_polarization(void **state)
{
	(void)state;
	mt_scenario *sc = tu_load_scenario("polarization.yaml");
	size_t a = group_index(sc, "Alices"), b = group_index(sc, "Bobs");
	double rw[MAXM];
	polarize_checked(sc, a, 0.1, rw);
	/* the largest feasible step is 0.1 (formal's reward) */
	double top[MAXM], eps;
	assert_true(mt_polarize(sc, a, 0.0, top, &eps));
	assert_true(fabs(eps - 0.1) < 1e-12);
	assert_int_equal(response_index(sc, "playful"), 3);
	assert_true(rw[response_index(sc, "playful")] > sc->groups[a].rewards[3]);
	assert_true(rw[response_index(sc, "formal")] < sc->groups[a].rewards[0]);

	res truth, lie;
	eval(sc, &mt_pay_none, a, NULL, 0.0, &truth);
	eval(sc, &mt_pay_none, a, rw, 0.0, &lie);
	double alices_win = lie.u - truth.u;
	double bobs_loss = truth.welfare - truth.u - (lie.welfare - lie.u);
	assert_true(alices_win > 0.05);
	assert_true(bobs_loss > alices_win + VISIBLE);
	assert_true(lie.welfare < truth.welfare - VISIBLE);

	/* whatever the Bobs report (Theorem 4.2) */
	tu_rng rng = {42};
	mt_scenario *c = mt_scenario_clone(sc);
	for (int k = 0; k < 40; k++) {
		double br[MAXM], bs;
		tu_random_report(&rng, c, br, &bs);
		memcpy(c->groups[b].reported, br, sizeof(double) * c->m);
		c->groups[b].reported_size = bs;
		assert_true(gain_of(c, &mt_pay_none, a, rw, 0.0) > 0.0);
	}
	/* try: the Bobs lie as well (the explorer plays their no-payment best
	 * response), then the Alices once more: lying still pays them */
	double bl[MAXM], bsize, al[MAXM], asize;
	no_payment_lie(sc, b, bl, &bsize);
	memcpy(c->groups[b].reported, bl, sizeof(double) * c->m);
	c->groups[b].reported_size = bsize;
	no_payment_lie(c, a, al, &asize);
	assert_true(gain_of(c, &mt_pay_none, a, al, asize) > 0.1);
	/* the Bobs polarize too: the Alices' polarizing lie still pays */
	assert_true(mt_polarize(sc, b, 0.0, bl, &eps));
	memcpy(c->groups[b].reported, bl, sizeof(double) * c->m);
	c->groups[b].reported_size = c->groups[b].size;
	assert_true(gain_of(c, &mt_pay_none, a, rw, 0.0) > VISIBLE);
	mt_scenario_free(c);

	assert_true(gain_of(sc, &mt_pay_vcg, a, rw, 0.0) < -VISIBLE);
	assert_none_lie_pays(sc, a, 0.1);
	assert_lie_hurts_under_vcg(sc, a);
	assert_vcg_truthful(sc);
	mt_scenario_free(sc);
}

/* ----------------------------------------------- size_inflation.yaml */

/* "Without payments the Writers gain by overstating their size: the larger
 * the size they report, the higher their utility, up to max_size.  Under
 * vcg every overstatement raises their payment by more than it raises their
 * valuation, so reporting the true size 2 is best.  Understating the size
 * does not pay either."  try: sweep alpha from 0.5 to 5 under both. */
static void test_size_inflation(void **state)
{
	(void)state;
	mt_scenario *sc = tu_load_scenario("size_inflation.yaml");
	size_t w = group_index(sc, "Writers");
	double w0 = sc->groups[w].size;
	assert_true(fabs(w0 - 2.0) < SAME);
	res t_none, t_vcg;
	eval(sc, &mt_pay_none, w, NULL, 0.0, &t_none);
	eval(sc, &mt_pay_vcg, w, NULL, 0.0, &t_vcg);
	double prev = -INFINITY;
	for (double alpha = 0.5; alpha <= 5.0 + 1e-12; alpha += 0.25) {
		double s = alpha * w0;
		res n, v;
		eval(sc, &mt_pay_none, w, NULL, s, &n);
		eval(sc, &mt_pay_vcg, w, NULL, s, &v);
		assert_true(n.u > prev); /* strictly rising with the reported size */
		prev = n.u;
		if (alpha > 1.0 + 1e-12) {
			assert_true(n.u > t_none.u + VISIBLE);
			assert_true(v.pay - t_vcg.pay > w0 * (v.v - t_vcg.v) + VISIBLE);
			assert_true(v.u < t_vcg.u - VISIBLE);
		} else if (alpha < 1.0 - 1e-12) {
			assert_true(n.u < t_none.u - VISIBLE);
			assert_true(v.u < t_vcg.u - VISIBLE);
		}
	}
	/* up to max_size: the best size-only lie under none is max_size */
	mt_scenario *c = mt_scenario_clone(sc);
	c->payment = &mt_pay_none;
	mt_report_outcome br;
	assert_int_equal(mt_best_response(c, w, MT_BR_SIZE, &br, NULL, NULL), MT_OK);
	assert_true(fabs(br.size - sc->max_size) < 1e-6);
	assert_true(br.gain > 0.5);
	mt_report_outcome_release(&br);
	mt_scenario_free(c);
	assert_vcg_truthful(sc);
	mt_scenario_free(sc);
}

/* --------------------------------------------- majority_minority.yaml */

/* "The trained model follows the majority.  Under vcg the Majority pays far
 * more than the Minority.  Without payments the Minority can claim a size
 * of 10 and pull the model its way: its utility rises and the true social
 * welfare falls.  Under vcg the same lie lowers its utility."  try: the
 * Minority's lie is the largest size and a polarized reward model; kept
 * under vcg it now pays more than it gains. */
static void test_majority_minority(void **state)
{
	(void)state;
	mt_scenario *sc = tu_load_scenario("majority_minority.yaml");
	size_t maj = group_index(sc, "Majority"), min = group_index(sc, "Minority");
	size_t refuse = response_index(sc, "refuse"), blunt = response_index(sc, "blunt");
	res t_none, t_vcg_min, t_vcg_maj;
	eval(sc, &mt_pay_none, min, NULL, 0.0, &t_none);
	eval(sc, &mt_pay_vcg, min, NULL, 0.0, &t_vcg_min);
	eval(sc, &mt_pay_vcg, maj, NULL, 0.0, &t_vcg_maj);
	for (size_t x = 0; x < sc->m; x++)
		if (x != refuse)
			assert_true(t_none.p[refuse] > t_none.p[x] + 0.1);
	assert_true(t_vcg_maj.pay > 10.0 * t_vcg_min.pay);
	assert_true(t_vcg_maj.pay > 0.1);

	res big_none, big_vcg;
	eval(sc, &mt_pay_none, min, NULL, sc->max_size, &big_none);
	eval(sc, &mt_pay_vcg, min, NULL, sc->max_size, &big_vcg);
	assert_true(fabs(sc->max_size - 10.0) < SAME);
	assert_true(big_none.u > t_none.u + 0.1);
	assert_true(big_none.p[blunt] > t_none.p[blunt] + 0.5); /* pulled its way */
	assert_true(big_none.welfare < t_none.welfare - 0.5);
	assert_true(big_vcg.u < t_vcg_min.u - 0.1);

	double rw[MAXM], size;
	no_payment_lie(sc, min, rw, &size);
	assert_true(fabs(size - sc->max_size) < 1e-6);
	assert_true(rw[blunt] > 0.99);
	res lie_vcg;
	eval(sc, &mt_pay_vcg, min, rw, size, &lie_vcg);
	assert_true(lie_vcg.pay > sc->groups[min].size * (lie_vcg.v - t_vcg_min.v) + 0.1);
	assert_true(lie_vcg.u < t_vcg_min.u - 0.1);
	assert_vcg_truthful(sc);
	mt_scenario_free(sc);
}

/* ------------------------------------------- three_groups_soup.yaml */

/* Strategic mixing (theory.md section 8): beta rm_i + (1 - beta) mean of
 * the others' reports, projected back onto the report space. */
static void mix(const mt_scenario *sc, size_t i, double beta, double *out)
{
	for (size_t x = 0; x < sc->m; x++) {
		double mean = 0.0;
		for (size_t j = 0; j < sc->n; j++)
			if (j != i)
				mean += sc->groups[j].reported[x];
		mean /= (double)(sc->n - 1);
		out[x] = beta * sc->groups[i].rewards[x] + (1.0 - beta) * mean;
	}
	mt_normalize(sc->normalization, sc->m, out);
}

/* "Without payments the Helpful group raises its valuation by overstating
 * its size (alpha > 1) or by pushing its reward model away from the
 * others' (beta > 1).  Under vcg the truth (alpha = beta = 1) gives the
 * Helpful group the highest utility, and along both families its utility
 * equals the true training objective (welfare minus the divergence cost)
 * minus a constant."  try: the Humorous group's lie makes the provider pick
 * a funnier soup; under vcg the same report lowers its utility. */
static void test_three_groups_soup(void **state)
{
	(void)state;
	mt_scenario *sc = tu_load_scenario("three_groups_soup.yaml");
	assert_int_equal(sc->n, 3);
	assert_int_equal(sc->k, 15);
	size_t h = group_index(sc, "Helpful");
	assert_int_equal(h, 0);
	res tn, tv;
	eval(sc, &mt_pay_none, h, NULL, 0.0, &tn);
	eval(sc, &mt_pay_vcg, h, NULL, 0.0, &tv);
	double konst = tv.u - tv.asw_true;
	double w0 = sc->groups[h].size, rw[MAXM];

	/* alpha family */
	double prev_v = -INFINITY, top_v = tn.v;
	for (double alpha = 0.5; alpha * w0 <= sc->max_size + 1e-12; alpha += 0.125) {
		res n, v;
		eval(sc, &mt_pay_none, h, NULL, alpha * w0, &n);
		eval(sc, &mt_pay_vcg, h, NULL, alpha * w0, &v);
		if (alpha >= 1.0 - 1e-12) {
			assert_true(n.v >= prev_v - SAME);
			prev_v = n.v;
			top_v = fmax(top_v, n.v);
		}
		assert_true(v.u <= tv.u + dsic_tol(tv.u));
		assert_true(fabs(v.u - v.asw_true - konst) < SAME);
	}
	assert_true(top_v > tn.v + 0.01);
	{
		res n3;
		eval(sc, &mt_pay_none, h, NULL, 3.0 * w0, &n3);
		assert_true(n3.v > tn.v + 0.01);
	}

	/* beta family */
	prev_v = -INFINITY;
	for (double beta = 0.0; beta <= 3.0 + 1e-12; beta += 0.125) {
		mix(sc, h, beta, rw);
		res n, v;
		eval(sc, &mt_pay_none, h, rw, 0.0, &n);
		eval(sc, &mt_pay_vcg, h, rw, 0.0, &v);
		if (beta >= 1.0 - 1e-12) {
			assert_true(n.v >= prev_v - SAME);
			prev_v = n.v;
		}
		if (fabs(beta - 1.0) < 1e-12)
			assert_true(fabs(n.v - tn.v) < SAME);
		assert_true(v.u <= tv.u + dsic_tol(tv.u));
		assert_true(fabs(v.u - v.asw_true - konst) < SAME);
	}
	mix(sc, h, 2.0, rw);
	{
		res n2;
		eval(sc, &mt_pay_none, h, rw, 0.0, &n2);
		assert_true(n2.v > tn.v + 0.01);
	}

	/* the explorer's sweeps agree with the brute force above */
	static const mt_sweep_family fam[2] = {MT_SWEEP_ALPHA, MT_SWEEP_BETA};
	for (int f = 0; f < 2; f++) {
		mt_scenario *c = mt_scenario_clone(sc);
		c->payment = &mt_pay_none;
		mt_sweep sw;
		assert_int_equal(mt_sweep_run(c, fam[f], h, 0.5, 3.0, 11, &sw, NULL, NULL), MT_OK);
		for (size_t k = 0; k < sw.nrows; k++) {
			res r;
			if (fam[f] == MT_SWEEP_ALPHA) {
				eval(c, NULL, h, NULL, fmin(sw.rows[k].param * w0, c->max_size),
				     &r);
			} else {
				mix(c, h, sw.rows[k].param, rw);
				eval(c, NULL, h, rw, 0.0, &r);
			}
			assert_true(fabs(sw.rows[k].valuation - r.v) < SAME);
			assert_true(fabs(sw.rows[k].utility - r.u) < SAME);
			assert_true(fabs(sw.rows[k].welfare - r.welfare) < SAME);
		}
		mt_sweep_release(&sw);
		mt_scenario_free(c);
	}

	/* the Humorous group's lie: a funnier soup, which vcg makes unprofitable */
	size_t u = group_index(sc, "Humorous");
	size_t joke = response_index(sc, "joke"), pun = response_index(sc, "pun_with_facts");
	double lie[MAXM], size;
	no_payment_lie(sc, u, lie, &size);
	res ht, hl;
	eval(sc, &mt_pay_none, u, NULL, 0.0, &ht);
	eval(sc, &mt_pay_none, u, lie, size, &hl);
	assert_true(hl.choice != ht.choice);
	assert_true(hl.p[joke] + hl.p[pun] > ht.p[joke] + ht.p[pun] + 0.1);
	assert_true(hl.u > ht.u + 0.1);
	assert_true(gain_of(sc, &mt_pay_vcg, u, lie, size) < -VISIBLE);
	assert_vcg_truthful(sc);
	mt_scenario_free(sc);
}

/* -------------------------------------------- table1_synthetic.yaml */

/* "5 groups, 10 responses, rewards ... normalized to sum 1, sizes drawn
 * from 1..10, a uniform reference model.  Group 1 uses the polarizing
 * misreport with step epsilon.  Its valuation rises linearly for small
 * epsilon (doubling epsilon doubles the gain) and levels off once epsilon
 * reaches its smallest reward (0.0315).  Under vcg its utility falls
 * instead, and quadratically for small epsilon (doubling epsilon
 * quadruples the loss)."  try: under none the utility rises with the
 * valuation; any other group's no-payment lie lowers its utility under
 * vcg. */
static void test_table1_synthetic(void **state)
{
	(void)state;
	mt_scenario *sc = tu_load_scenario("table1_synthetic.yaml");
	assert_int_equal(sc->n, 5);
	assert_int_equal(sc->m, 10);
	assert_int_equal(sc->normalization, MT_NORM_SUM);
	for (size_t x = 0; x < sc->m; x++)
		assert_true(fabs(sc->reference[x] - 0.1) < 1e-12);
	for (size_t i = 0; i < sc->n; i++) {
		double s = sc->groups[i].size;
		assert_true(s >= 1.0 && s <= 10.0 && fabs(s - round(s)) < 1e-12);
	}
	const double *rm = sc->groups[0].rewards;
	double rmin = rm[0];
	for (size_t x = 1; x < sc->m; x++)
		rmin = fmin(rmin, rm[x]);
	assert_true(fabs(rmin - 0.0315) < 1e-12);

	static const double eps[] = {0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1};
	enum { NE = sizeof eps / sizeof eps[0] };
	double dv[NE], du[NE], dn[NE];
	res tv, tn;
	eval(sc, &mt_pay_vcg, 0, NULL, 0.0, &tv);
	eval(sc, &mt_pay_none, 0, NULL, 0.0, &tn);
	for (size_t k = 0; k < NE; k++) {
		double rw[MAXM], used;
		assert_true(mt_polarize(sc, 0, eps[k], rw, &used));
		assert_true(fabs(used - fmin(eps[k], rmin)) < 1e-12);
		res v, n;
		eval(sc, &mt_pay_vcg, 0, rw, 0.0, &v);
		eval(sc, &mt_pay_none, 0, rw, 0.0, &n);
		dv[k] = v.v - tv.v;
		du[k] = v.u - tv.u;
		dn[k] = n.u - tn.u;
		assert_true(dv[k] > 0.0);
		assert_true(du[k] < 0.0);
		assert_true(dn[k] > 0.0);
		if (k > 0 && eps[k] <= rmin) {
			assert_true(dv[k] > dv[k - 1]);
			assert_true(du[k] < du[k - 1]);
		}
	}
	double lin = dv[1] / dv[0], quad = du[1] / du[0];
	assert_true(lin > 1.8 && lin < 2.2);
	assert_true(quad > 3.4 && quad < 4.6);
	/* levels off: eps = 0.05 and 0.1 are both capped at the smallest reward */
	assert_true(fabs(dv[5] - dv[6]) < 1e-12);
	assert_true(dv[5] > dv[4] + VISIBLE);
	assert_true(dv[5] > 0.01);
	for (size_t i = 1; i < sc->n; i++)
		assert_lie_hurts_under_vcg(sc, i);
	assert_vcg_truthful(sc);
	mt_scenario_free(sc);
}

/* --------------------------------------- extreme_two_responses.yaml */

/* "q = (0.01, 0.99), so epsilon = 0.01.  Under vcg the Rare group's
 * truthful utility is positive but below epsilon = 0.01 ... The
 * vcg_shifted rule adds a report-independent surcharge of 0.01 to the Rare
 * group: telling the truth is still best (DSIC), but its utility turns
 * negative (IR fails)."  try: under none the Rare group gains by lying and
 * keeps a utility well above 0.01. */
static void test_extreme_two_responses(void **state)
{
	(void)state;
	mt_scenario *sc = tu_load_scenario("extreme_two_responses.yaml");
	size_t r = group_index(sc, "Rare");
	assert_int_equal(sc->m, 2);
	double e = sc->reference[response_index(sc, "rare")];
	assert_true(fabs(e - 0.01) < 1e-12);
	double u = truthful_utility(sc, &mt_pay_vcg, r);
	assert_true(u > 0.0 && u < e);
	/* theory.md section 5: u = lambda log of the two partition functions */
	double lam = sc->lambda, wr = sc->groups[r].size;
	double wo = sc->groups[1 - r].size;
	double want = lam * log(e * exp(wr / lam) + (1 - e) * exp(wo / lam)) -
	              lam * log(e + (1 - e) * exp(wo / lam));
	assert_true(fabs(u - want) < SAME);

	assert_true(fabs(sc->groups[r].shift - e) < 1e-12);
	res s;
	eval(sc, &mt_pay_vcg_shifted, r, NULL, 0.0, &s);
	assert_true(s.u < -VISIBLE);
	mt_analysis a;
	assert_int_equal(mt_analyze(sc, &mt_pay_vcg_shifted, &a, NULL, NULL), MT_OK);
	assert_true(a.dsic);
	assert_false(a.groups[r].ir);
	assert_false(a.ir);
	mt_analysis_release(&a);
	/* brute force: no report beats the truth under vcg_shifted either */
	tu_rng rng = {7};
	for (int k = 0; k < 200; k++) {
		double rw[MAXM], size;
		tu_random_report(&rng, sc, rw, &size);
		assert_true(gain_of(sc, &mt_pay_vcg_shifted, r, rw, size) <= dsic_tol(s.u));
	}

	double lie[MAXM], size;
	no_payment_lie(sc, r, lie, &size);
	res n;
	eval(sc, &mt_pay_none, r, lie, size, &n);
	assert_true(n.u - truthful_utility(sc, &mt_pay_none, r) > 0.1);
	assert_true(n.u > 10.0 * e);
	assert_vcg_truthful(sc);
	mt_scenario_free(sc);
}

/* ------------------------------------------------ noisy_input.yaml */

/* Expected true utility of group i reporting (rewards, size) when the
 * trainer sees every report plus uniform noise in [-eps, eps] per response,
 * with common random numbers (the same draws for every report).  Also the
 * largest per-sample loss of the true training objective. */
static double noisy_utility(const mt_scenario *sc, const mt_payment_rule *rule, size_t i,
                            const double *rewards, double size, double *max_loss)
{
	mt_scenario *c = mt_scenario_clone(sc);
	c->payment = rule;
	tu_rng rng = {sc->noise.seed};
	double eps = sc->noise.epsilon, sum = 0.0;
	res clean;
	eval(sc, rule, 0, NULL, 0.0, &clean);
	if (max_loss)
		*max_loss = 0.0;
	for (size_t s = 0; s < sc->noise.samples; s++) {
		for (size_t j = 0; j < c->n; j++) {
			const double *base = j == i && rewards ? rewards : sc->groups[j].reported;
			for (size_t x = 0; x < c->m; x++)
				c->groups[j].reported[x] =
				        base[x] + eps * (2.0 * tu_uniform(&rng) - 1.0);
			c->groups[j].reported_size = sc->groups[j].reported_size;
		}
		if (size > 0.0)
			c->groups[i].reported_size = size;
		res r;
		solve_view(c, i, &r);
		sum += r.u;
		if (max_loss) {
			/* true ASW at p-hat: true welfare minus the divergence cost */
			mt_rule rl;
			mt_rule_from_scenario(&rl, sc);
			double S[MAXM];
			mt_aggregate(sc, S);
			double loss = clean.objective - mt_asw(&rl, S, r.p);
			*max_loss = fmax(*max_loss, loss);
			assert_true(loss > -1e-9);
		}
	}
	mt_scenario_free(c);
	return sum / (double)sc->noise.samples;
}

/* "noise in [-0.05, 0.05] for every response (400 Monte Carlo samples,
 * fixed seed).  Under vcg no misreport of a reward model gains a group more
 * than 2 * size * 0.05 in expected utility (0.3 for the Alices, 0.5 for the
 * Bobs).  The training objective lost to the noise stays below
 * 2 * 0.05 * (3 + 5) = 0.8.  Without payments the Alices' polarizing lie
 * still pays, noise or not." */
static void test_noisy_input(void **state)
{
	(void)state;
	mt_scenario *sc = tu_load_scenario("noisy_input.yaml");
	assert_true(fabs(sc->noise.epsilon - 0.05) < 1e-12);
	assert_int_equal(sc->noise.samples, 400);
	double eps = sc->noise.epsilon, wsum = 0.0;
	for (size_t i = 0; i < sc->n; i++)
		wsum += sc->groups[i].size;
	assert_true(fabs(wsum - 8.0) < 1e-12);
	size_t a = group_index(sc, "Alices");
	assert_true(fabs(2.0 * sc->groups[a].size * eps - 0.3) < 1e-12);
	assert_true(fabs(2.0 * sc->groups[group_index(sc, "Bobs")].size * eps - 0.5) < 1e-12);

	double max_loss;
	for (size_t i = 0; i < sc->n; i++) {
		double bound = 2.0 * sc->groups[i].size * eps;
		double u0 = noisy_utility(sc, &mt_pay_vcg, i, NULL, 0.0, &max_loss);
		assert_true(max_loss <= 2.0 * eps * wsum);
		assert_true(max_loss > 0.0); /* the noise does cost something */
		double rw[MAXM], size, used;
		static const double steps[] = {0.02, 0.05, 0.1};
		for (size_t k = 0; k < 3; k++) {
			if (!mt_polarize(sc, i, steps[k], rw, &used))
				continue;
			assert_true(noisy_utility(sc, &mt_pay_vcg, i, rw, 0.0, NULL) - u0 <= bound);
		}
		no_payment_lie(sc, i, rw, &size);
		assert_true(noisy_utility(sc, &mt_pay_vcg, i, rw, 0.0, NULL) - u0 <= bound);
		tu_rng rng = {99};
		for (int k = 0; k < 10; k++) {
			tu_random_report(&rng, sc, rw, &size);
			assert_true(noisy_utility(sc, &mt_pay_vcg, i, rw, 0.0, NULL) - u0 <= bound);
		}
	}
	double rw[MAXM], used;
	assert_true(mt_polarize(sc, a, 0.0, rw, &used));
	double gain = noisy_utility(sc, &mt_pay_none, a, rw, 0.0, NULL) -
	              noisy_utility(sc, &mt_pay_none, a, NULL, 0.0, NULL);
	assert_true(gain > 0.01);
	assert_true(gain_of(sc, &mt_pay_none, a, rw, 0.0) > 0.01); /* "or not" */
	assert_vcg_truthful(sc);
	mt_scenario_free(sc);
}

/* -------------------------------------------------- divergences */

/* "the trained policy gives the response the Editors and the Readers both
 * dislike (jargon) probability 0, while KL would keep some mass on it.
 * Without payments the Editors gain by polarizing their report; under vcg
 * no lie helps either group."  try: raise lambda until jargon comes back. */
static void test_divergence_chi2(void **state)
{
	(void)state;
	mt_scenario *sc = tu_load_scenario("divergence_chi2.yaml");
	assert_string_equal(sc->divergence->name, "chi2");
	size_t e = group_index(sc, "Editors"), j = response_index(sc, "jargon");
	for (size_t i = 0; i < sc->n; i++)
		for (size_t x = 0; x < sc->m; x++)
			if (x != j)
				assert_true(sc->groups[i].rewards[j] < sc->groups[i].rewards[x]);
	res c2, kl, big;
	eval(sc, NULL, e, NULL, 0.0, &c2);
	assert_true(c2.p[j] == 0.0);
	sc->divergence = mt_divergence_find("kl");
	eval(sc, NULL, e, NULL, 0.0, &kl);
	assert_true(kl.p[j] > VISIBLE);
	sc->divergence = mt_divergence_find("chi2");
	sc->lambda = 5.0;
	eval(sc, NULL, e, NULL, 0.0, &big);
	assert_true(big.p[j] > VISIBLE);
	sc->lambda = 0.5;

	double rw[MAXM], used;
	assert_true(mt_polarize(sc, e, 0.0, rw, &used));
	assert_true(gain_of(sc, &mt_pay_none, e, rw, 0.0) > 0.005);
	assert_true(gain_of(sc, &mt_pay_vcg, e, rw, 0.0) < 0.0);
	assert_lie_hurts_under_vcg(sc, e);
	assert_vcg_truthful(sc);
	mt_scenario_free(sc);
}

/* "every response keeps a positive probability, however strongly the
 * groups dislike it.  Without payments the Tutors gain by polarizing
 * (lowering the reward of their least favourite response); under vcg no lie
 * helps either group."  try: lower lambda, the disliked responses shrink
 * without ever reaching 0. */
static void test_divergence_hellinger(void **state)
{
	(void)state;
	mt_scenario *sc = tu_load_scenario("divergence_hellinger.yaml");
	assert_string_equal(sc->divergence->name, "hellinger");
	assert_int_equal(sc->normalization, MT_NORM_MAX);
	size_t t = group_index(sc, "Tutors");
	double prev_min = INFINITY;
	for (double lam = sc->lambda; lam >= 0.02; lam /= 2.0) {
		mt_scenario *c = mt_scenario_clone(sc);
		c->lambda = lam;
		res r;
		eval(c, NULL, t, NULL, 0.0, &r);
		double mn = INFINITY;
		for (size_t x = 0; x < c->m; x++)
			mn = fmin(mn, r.p[x]);
		assert_true(mn > 0.0);
		assert_true(mn < prev_min); /* shrinks */
		prev_min = mn;
		mt_scenario_free(c);
	}
	double rw[MAXM];
	double worst = sc->groups[t].rewards[0];
	for (size_t x = 1; x < sc->m; x++)
		worst = fmin(worst, sc->groups[t].rewards[x]);
	polarize_checked(sc, t, worst, rw); /* max normalization: lower the worst only */
	assert_true(gain_of(sc, &mt_pay_none, t, rw, 0.0) > 0.1);
	assert_true(gain_of(sc, &mt_pay_vcg, t, rw, 0.0) < -VISIBLE);
	assert_lie_hurts_under_vcg(sc, t);
	assert_vcg_truthful(sc);
	mt_scenario_free(sc);
}

/* "with the same rewards and lambda, the two least popular responses
 * (spicy and plain) keep much more probability than under the KL rule.
 * Without payments the Bakers gain by polarizing their report; under vcg no
 * lie helps either group."  try: lower lambda, no response disappears. */
static void test_divergence_reverse_kl(void **state)
{
	(void)state;
	mt_scenario *sc = tu_load_scenario("divergence_reverse_kl.yaml");
	assert_string_equal(sc->divergence->name, "reverse_kl");
	size_t b = group_index(sc, "Bakers");
	size_t spicy = response_index(sc, "spicy"), plain = response_index(sc, "plain");
	double S[MAXM];
	mt_aggregate(sc, S);
	for (size_t x = 0; x < sc->m; x++)
		if (x != spicy && x != plain)
			assert_true(S[x] > S[spicy] && S[x] > S[plain]);
	res rk, kl;
	eval(sc, NULL, b, NULL, 0.0, &rk);
	sc->divergence = mt_divergence_find("kl");
	eval(sc, NULL, b, NULL, 0.0, &kl);
	sc->divergence = mt_divergence_find("reverse_kl");
	assert_true(rk.p[spicy] > 2.0 * kl.p[spicy]);
	assert_true(rk.p[plain] > 2.0 * kl.p[plain]);
	sc->lambda /= 10.0;
	res small;
	eval(sc, NULL, b, NULL, 0.0, &small);
	for (size_t x = 0; x < sc->m; x++)
		assert_true(small.p[x] > 1e-4);
	sc->lambda *= 10.0;

	double rw[MAXM], used;
	assert_true(mt_polarize(sc, b, 0.0, rw, &used));
	assert_true(gain_of(sc, &mt_pay_none, b, rw, 0.0) > 0.1);
	assert_true(gain_of(sc, &mt_pay_vcg, b, rw, 0.0) < -VISIBLE);
	assert_lie_hurts_under_vcg(sc, b);
	assert_vcg_truthful(sc);
	mt_scenario_free(sc);
}

/* "every response whose aggregate reward falls more than 2 lambda below
 * the best one gives all its probability to the best response; the others
 * keep their reference probability.  Here analogy and proof lose their mass
 * to example, and definition keeps its 0.25.  Without payments the
 * Pragmatists gain by lying: they understate how much they like their
 * second choice (definition) so that it falls below the cut too.  Under vcg
 * no lie helps either group."  try: raising lambda moves the cut; the lie
 * costs more than it brings under vcg. */
static void check_tv_shape(const mt_scenario *sc, const double *p)
{
	double S[MAXM];
	mt_aggregate(sc, S);
	size_t best = 0;
	for (size_t x = 1; x < sc->m; x++)
		if (S[x] > S[best])
			best = x;
	double moved = 0.0;
	for (size_t x = 0; x < sc->m; x++) {
		if (x == best)
			continue;
		if (S[x] < S[best] - 2.0 * sc->lambda) {
			assert_true(p[x] < 1e-12);
			moved += sc->reference[x];
		} else {
			assert_true(fabs(p[x] - sc->reference[x]) < 1e-12);
		}
	}
	assert_true(fabs(p[best] - sc->reference[best] - moved) < 1e-12);
}

static void test_divergence_tv(void **state)
{
	(void)state;
	mt_scenario *sc = tu_load_scenario("divergence_tv.yaml");
	assert_string_equal(sc->divergence->name, "tv");
	size_t pr = group_index(sc, "Pragmatists");
	size_t ex = response_index(sc, "example"), an = response_index(sc, "analogy");
	size_t de = response_index(sc, "definition"), pf = response_index(sc, "proof");
	res t;
	eval(sc, NULL, pr, NULL, 0.0, &t);
	check_tv_shape(sc, t.p);
	assert_true(t.p[an] == 0.0 && t.p[pf] == 0.0);
	assert_true(fabs(t.p[de] - 0.25) < 1e-12);
	assert_true(fabs(t.p[ex] - 0.75) < 1e-12);

	/* second choice */
	const double *rm = sc->groups[pr].rewards;
	for (size_t x = 0; x < sc->m; x++)
		if (x != ex && x != de)
			assert_true(rm[de] > rm[x] && rm[ex] > rm[de]);
	double lie[MAXM];
	memcpy(lie, rm, sc->m * sizeof(double));
	lie[de] -= 0.05;
	lie[ex] += 0.05;
	res ln, lv, tv;
	eval(sc, &mt_pay_none, pr, lie, 0.0, &ln);
	assert_true(ln.p[de] == 0.0);
	assert_true(ln.u > t.u + 0.1);
	eval(sc, &mt_pay_vcg, pr, NULL, 0.0, &tv);
	eval(sc, &mt_pay_vcg, pr, lie, 0.0, &lv);
	assert_true(lv.u < tv.u - VISIBLE);
	assert_lie_hurts_under_vcg(sc, pr);

	/* raise lambda: the cut moves and proof keeps its reference probability */
	mt_scenario *c = mt_scenario_clone(sc);
	c->lambda = 2.0 * sc->lambda;
	res hi;
	eval(c, NULL, pr, NULL, 0.0, &hi);
	check_tv_shape(c, hi.p);
	assert_true(fabs(hi.p[pf] - c->reference[pf]) < 1e-12);
	assert_true(l1(c->m, hi.p, c->reference) < l1(sc->m, t.p, sc->reference) - VISIBLE);
	mt_scenario_free(c);
	assert_vcg_truthful(sc);
	mt_scenario_free(sc);
}

/* ----------------------------------------------- zero_minimum.yaml */

/* "The Carols give their least favourite response (insult) a reward of
 * exactly 0 ... the polarizing misreport of Theorem 4.2 is not available.
 * A profitable lie exists all the same (Theorem B.2).  t is positive only
 * for the Carols' favourite response (praise), so moving reward from their
 * middle response (advice) to praise raises their utility when there are no
 * payments.  Under vcg no lie helps."  try: their no-payment best report
 * moves reward onto praise. */
static void test_zero_minimum(void **state)
{
	(void)state;
	mt_scenario *sc = tu_load_scenario("zero_minimum.yaml");
	size_t c = group_index(sc, "Carols");
	size_t ins = response_index(sc, "insult"), adv = response_index(sc, "advice");
	size_t pra = response_index(sc, "praise");
	const double *rm = sc->groups[c].rewards;
	assert_true(rm[ins] == 0.0);
	assert_true(rm[pra] > rm[adv] && rm[adv] > rm[ins]);
	double rw[MAXM], used;
	assert_false(mt_polarize(sc, c, 0.0, rw, &used));

	/* t(x) for KL has the sign of rm(x) - v (theory.md section 3) */
	res t;
	eval(sc, &mt_pay_none, c, NULL, 0.0, &t);
	assert_true(rm[pra] > t.v && rm[adv] < t.v);
	mt_analysis a;
	assert_int_equal(mt_analyze(sc, &mt_pay_none, &a, NULL, NULL), MT_OK);
	for (size_t x = 0; x < sc->m; x++)
		assert_true(x == pra ? a.groups[c].t[x] > 0.0 : a.groups[c].t[x] < 0.0);
	assert_false(a.dsic);
	assert_true(a.groups[c].best[MT_BR_REWARDS].gain > 0.1);
	assert_true(a.groups[c].best[MT_BR_REWARDS].rewards[pra] > rm[pra] + 0.1);
	mt_analysis_release(&a);

	memcpy(rw, rm, sc->m * sizeof(double));
	rw[adv] -= 0.05;
	rw[pra] += 0.05;
	assert_true(gain_of(sc, &mt_pay_none, c, rw, 0.0) > 0.05);
	assert_true(gain_of(sc, &mt_pay_vcg, c, rw, 0.0) < 0.0);
	double lie[MAXM], size;
	no_payment_lie(sc, c, lie, &size);
	assert_true(lie[pra] > rm[pra] + 0.1);
	assert_lie_hurts_under_vcg(sc, c);
	assert_vcg_truthful(sc);
	mt_scenario_free(sc);
}

/* ------------------------- checkpoint_fails / early_stop_negative.yaml */

/* "Those checkpoints all come from the training run on the group's own
 * report ... DSIC fails ...; payments stay non-negative."  try:
 * "Switch to --payment vcg: the same lies no longer pay." */
static void test_checkpoint_fails(void **state)
{
	(void)state;
	mt_scenario *sc = tu_load_scenario("checkpoint_fails.yaml");
	assert_ptr_equal(sc->payment, &mt_pay_checkpoint);
	mt_analysis a;
	assert_int_equal(mt_analyze(sc, NULL, &a, NULL, NULL), MT_OK);
	assert_false(a.dsic);
	assert_true(a.nonnegative_payments);
	bool some = false;
	for (size_t i = 0; i < sc->n; i++) {
		mt_report_outcome *br = &a.groups[i].best[MT_BR_FULL];
		res t, l;
		eval(sc, NULL, i, NULL, 0.0, &t);
		assert_true(t.pay >= 0.0);
		if (br->gain <= dsic_tol(t.u))
			continue;
		some = true;
		/* verified with the solver */
		eval(sc, NULL, i, br->rewards, br->size, &l);
		assert_true(l.u > t.u + 1e-6);
		assert_true(fabs(l.u - br->utility) < 1e-9 * (1.0 + fabs(l.u)));
		assert_true(l.pay >= 0.0);
		assert_true(gain_of(sc, &mt_pay_vcg, i, br->rewards, br->size) <= dsic_tol(t.u));
	}
	assert_true(some);
	/* "the Alices pay nothing whether they tell the truth or not ...
	 * their best lie gains 0.216" */
	res alices;
	eval(sc, NULL, 0, NULL, 0.0, &alices);
	assert_true(alices.pay == 0.0);
	mt_report_outcome *lie = &a.groups[0].best[MT_BR_FULL];
	assert_true(lie->payment < 1e-4);
	assert_true(fabs(lie->gain - 0.216) < 5e-4);
	mt_analysis_release(&a);
	assert_vcg_truthful(sc);
	mt_scenario_free(sc);
}

/* "each group's payment is negative (the provider pays them), although
 * truthful reporting is still optimal (DSIC)."  try: analyze says DSIC
 * holds and payments >= 0 fails; under vcg payments are non-negative. */
/* ---------------------------------------------------- collusion.yaml */

/* "Under vcg no group gains by lying ALONE.  But ... if the Alices and the
 * Carols both report that only terse answers matter, at the largest size,
 * ... Both gain; the Bobs lose."  try: "the most profitable pair, Alices
 * and Carols, gains and every member gains"; "both report [1, 0, 0] with
 * size 10".  Checked by brute force (mt_solve on the edited scenario), then
 * against the coalition analysis. */
static void test_collusion(void **state)
{
	(void)state;
	mt_scenario *sc = tu_load_scenario("collusion.yaml");
	assert_ptr_equal(sc->payment, &mt_pay_vcg);
	size_t a = group_index(sc, "Alices"), c = group_index(sc, "Carols"),
	       b = group_index(sc, "Bobs");
	size_t t = response_index(sc, "terse");
	assert_vcg_truthful(sc);
	res ta, tc, tb, la, lc, lb;
	solve_view(sc, a, &ta);
	solve_view(sc, c, &tc);
	solve_view(sc, b, &tb);
	mt_scenario *lie = mt_scenario_clone(sc);
	assert_non_null(lie);
	size_t mem[2] = {a, c};
	for (size_t j = 0; j < 2; j++) {
		mt_group *g = &lie->groups[mem[j]];
		memset(g->reported, 0, sc->m * sizeof(double));
		g->reported[t] = 1.0;
		g->reported_size = sc->max_size;
	}
	solve_view(lie, a, &la);
	solve_view(lie, c, &lc);
	solve_view(lie, b, &lb);
	assert_true(la.u > ta.u + 0.1);
	assert_true(lc.u > tc.u + 0.1);
	assert_true(lb.u < tb.u - 0.1);
	/* the lesson 'collusion': "Alone, the lie costs the Alices: 'lie Δu' <
	 * 0"; given the Carols' lie, the Alices' truth would pay more still
	 * (DSIC), yet both beat the joint truth; its checks see the joint lie */
	assert_true(gain_of(sc, NULL, a, lie->groups[a].reported, sc->max_size) < -VISIBLE);
	res alone;
	eval(lie, NULL, a, NULL, 0.0, &alone);
	assert_true(alone.u >= la.u - SAME);
	const mt_lesson *l = mt_lesson_find("collusion");
	assert_non_null(l);
	assert_string_equal(l->scenario, "collusion.yaml");
	assert_int_equal(l->nsteps, 7);
	mt_lesson_state ls = {.sc = sc, .start = sc};
	assert_false(l->steps[1].done(&ls));
	assert_true(l->steps[4].done(&ls)); /* everybody truthful */
	assert_false(l->steps[5].done(&ls));
	ls.sc = lie;
	assert_true(l->steps[1].done(&ls));
	assert_true(l->steps[2].done(&ls));
	assert_false(l->steps[4].done(&ls));
	assert_true(l->steps[5].done(&ls)); /* the joint lie, as J plays it */
	mt_scenario_free(lie);

	/* the analysis finds it: the best pair is Alices + Carols, every member
	 * gains at least as much as by the hand-made lie, and the report is
	 * the one the text names */
	mt_coalition co;
	mt_error err = {0};
	assert_int_equal(mt_coalition_best_pair(sc, NULL, &co, NULL, &err), MT_OK);
	assert_int_equal(co.k, 2);
	assert_true((co.members[0] == a && co.members[1] == c) ||
	            (co.members[0] == c && co.members[1] == a));
	assert_true(co.all_gain);
	assert_true(co.gain >= (la.u - ta.u) + (lc.u - tc.u) - SAME);
	for (size_t j = 0; j < 2; j++) {
		assert_true(fabs(co.rewards[j * sc->m + t] - 1.0) < 1e-6);
		assert_true(fabs(co.sizes[j] - sc->max_size) < 1e-6 * sc->max_size);
	}
	mt_coalition_release(&co);
	mt_scenario_free(sc);
}

static void test_early_stop_negative(void **state)
{
	(void)state;
	mt_scenario *sc = tu_load_scenario("early_stop_negative.yaml");
	assert_ptr_equal(sc->payment, &mt_pay_early_stop);
	tu_rng rng = {3};
	for (size_t i = 0; i < sc->n; i++) {
		res t, v;
		eval(sc, NULL, i, NULL, 0.0, &t);
		eval(sc, &mt_pay_vcg, i, NULL, 0.0, &v);
		assert_true(t.pay < -VISIBLE);
		assert_true(v.pay >= 0.0);
		for (int k = 0; k < 100; k++) {
			double rw[MAXM], size;
			tu_random_report(&rng, sc, rw, &size);
			assert_true(gain_of(sc, NULL, i, rw, size) <= dsic_tol(t.u));
		}
	}
	mt_analysis a;
	assert_int_equal(mt_analyze(sc, NULL, &a, NULL, NULL), MT_OK);
	assert_true(a.dsic);
	assert_false(a.nonnegative_payments);
	mt_analysis_release(&a);
	assert_vcg_truthful(sc);
	mt_scenario_free(sc);
}

int main(void)
{
	mt_library_init();
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_every_scenario_documented),
	        cmocka_unit_test(test_every_scenario_vcg_dsic),
	        cmocka_unit_test(test_default),
	        cmocka_unit_test(test_polarization),
	        cmocka_unit_test(test_size_inflation),
	        cmocka_unit_test(test_majority_minority),
	        cmocka_unit_test(test_three_groups_soup),
	        cmocka_unit_test(test_table1_synthetic),
	        cmocka_unit_test(test_extreme_two_responses),
	        cmocka_unit_test(test_noisy_input),
	        cmocka_unit_test(test_divergence_chi2),
	        cmocka_unit_test(test_divergence_hellinger),
	        cmocka_unit_test(test_divergence_reverse_kl),
	        cmocka_unit_test(test_divergence_tv),
	        cmocka_unit_test(test_zero_minimum),
	        cmocka_unit_test(test_checkpoint_fails),
	        cmocka_unit_test(test_early_stop_negative),
	        cmocka_unit_test(test_collusion),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
