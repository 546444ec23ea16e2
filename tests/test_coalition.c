/* The coalition analysis (mechtune/coalition.h) against brute force: on
 * random scenarios with m = 2 responses and 3 groups, every divergence, sum
 * and max normalization, payment none and vcg, no point of a grid over the
 * two members' joint report space beats the reported joint misreport by
 * more than GRID_TOL; the reported numbers are what mt_solve says for the
 * reported reports; every report is feasible.  Plus the argument checks,
 * cancellation and the exactness claim under none. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mechtune/coalition.h"
#include "mechtune/library.h"
#include "mechtune/train.h"
#include "testutil.h"

/* The grid may beat the answer by at most this, relative to 1 + |u|. */
#define GRID_TOL 1e-9
#define GRID 12 /* points per axis of one member's report space */

/* The members' utilities when they report (r, w) (k = 2, m = 2). */
static void solve_pair(mt_scenario *work, const size_t *mem, const double *r, const double *w,
                       double *u)
{
	for (size_t j = 0; j < 2; j++) {
		mt_group *g = &work->groups[mem[j]];
		memcpy(g->reported, r + 2 * j, 2 * sizeof *r);
		g->reported_size = w[j];
	}
	mt_outcome o;
	mt_error err = {0};
	if (mt_solve(work, &o, NULL, &err))
		fail_msg("solve: %s", err.msg);
	u[0] = o.groups[mem[0]].utility;
	u[1] = o.groups[mem[1]].utility;
	mt_outcome_release(&o);
}

/* One member's report space with m = 2, as (rewards, size) points: sum: the
 * triangle {y >= 0, y1 + y2 <= W} of y = w r; max: the box [0, W]^2. */
static size_t grid_points(const mt_scenario *sc, double *r, double *w)
{
	size_t n = 0;
	double W = sc->max_size;
	for (int a = 0; a <= GRID; a++)
		for (int b = 0; b <= GRID; b++) {
			double y1 = W * a / GRID, y2 = W * b / GRID;
			double tot = sc->normalization == MT_NORM_SUM ? y1 + y2 : fmax(y1, y2);
			if (tot > W * (1.0 + 1e-12) || !(tot > 0.0))
				continue;
			r[2 * n] = y1 / tot;
			r[2 * n + 1] = y2 / tot;
			w[n] = tot;
			n++;
		}
	return n;
}

static void check_case(mt_scenario *sc, const mt_payment_rule *rule)
{
	size_t mem[2] = {0, 1};
	mt_coalition co;
	mt_error err = {0};
	if (mt_coalition_best(sc, rule, mem, 2, &co, NULL, &err))
		fail_msg("coalition: %s", err.msg);
	mt_scenario *work = mt_scenario_clone(sc);
	assert_non_null(work);
	work->payment = rule;
	/* feasible reports, finite numbers */
	for (size_t j = 0; j < 2; j++) {
		assert_true(co.sizes[j] > 0.0 && co.sizes[j] <= sc->max_size);
		assert_true(mt_is_normalized(sc->normalization, 2, co.rewards + 2 * j));
		assert_true(isfinite(co.utilities[j]) && isfinite(co.utilities_truthful[j]));
	}
	/* the numbers are mt_solve's */
	double u0[2], u[2], tw[2] = {sc->groups[0].size, sc->groups[1].size}, tr[4];
	memcpy(tr, sc->groups[0].rewards, 2 * sizeof *tr);
	memcpy(tr + 2, sc->groups[1].rewards, 2 * sizeof *tr);
	solve_pair(work, mem, tr, tw, u0);
	solve_pair(work, mem, co.rewards, co.sizes, u);
	for (size_t j = 0; j < 2; j++) {
		assert_true(fabs(u0[j] - co.utilities_truthful[j]) <= 1e-12 * (1.0 + fabs(u0[j])));
		assert_true(fabs(u[j] - co.utilities[j]) <= 1e-12 * (1.0 + fabs(u[j])));
	}
	double t0 = u0[0] + u0[1];
	assert_true(co.gain >= 0.0);
	assert_true(fabs(co.gain - (u[0] + u[1] - t0)) <= 1e-9 * (1.0 + fabs(t0)));
	bool all = co.gain > 0.0;
	for (size_t j = 0; j < 2; j++)
		all = all && u[j] - u0[j] > MT_DSIC_TOL * (1.0 + fabs(u0[j]));
	assert_true(all == co.all_gain);
	/* no grid point beats it */
	double r[2 * (GRID + 1) * (GRID + 1)], w[(GRID + 1) * (GRID + 1)];
	size_t np = grid_points(sc, r, w);
	double best = -INFINITY;
	for (size_t p = 0; p < np; p++)
		for (size_t q = 0; q < np; q++) {
			double rr[4] = {r[2 * p], r[2 * p + 1], r[2 * q], r[2 * q + 1]};
			double ww[2] = {w[p], w[q]};
			solve_pair(work, mem, rr, ww, u);
			best = fmax(best, u[0] + u[1] - t0);
		}
	if (best > co.gain + GRID_TOL * (1.0 + fabs(t0)))
		fail_msg("%s/%s/%s lambda %g: the grid gains %.12g, the coalition analysis %.12g "
		         "(%s)",
		         sc->divergence->name, mt_norm_name(sc->normalization), rule->name,
		         sc->lambda, best, co.gain, mt_br_method_name(co.method));
	mt_scenario_free(work);
	mt_coalition_release(&co);
}

static void test_against_grid(void **state)
{
	(void)state;
	tu_rng rng = {0xc0a1};
	static const mt_divergence *const divs[] = {&mt_div_kl, &mt_div_chi2, &mt_div_hellinger,
	                                            &mt_div_reverse_kl, &mt_div_tv};
	static const mt_payment_rule *const rules[] = {&mt_pay_none, &mt_pay_vcg};
	for (size_t d = 0; d < sizeof divs / sizeof divs[0]; d++)
		for (int norm = 0; norm < 2; norm++)
			for (int rep = 0; rep < 2; rep++) {
				mt_scenario *sc =
				        tu_random_scenario(&rng, 2, 3, (mt_norm)norm, 0.0);
				assert_non_null(sc);
				sc->divergence = divs[d];
				sc->lambda = 0.05 + 4.95 * tu_uniform(&rng) * tu_uniform(&rng);
				for (size_t k = 0; k < 2; k++)
					check_case(sc, rules[k]);
				mt_scenario_free(sc);
			}
}

/* vcg_shifted charges a fraction of each pivot on top: the joint search
 * differentiates that term too (kl and hellinger, both normalizations). */
static void test_shifted_against_grid(void **state)
{
	(void)state;
	tu_rng rng = {0x5f17};
	static const mt_divergence *const divs[] = {&mt_div_kl, &mt_div_hellinger};
	for (size_t d = 0; d < 2; d++)
		for (int norm = 0; norm < 2; norm++) {
			mt_scenario *sc = tu_random_scenario(&rng, 2, 3, (mt_norm)norm, 0.0);
			assert_non_null(sc);
			sc->divergence = divs[d];
			sc->pivot_fraction = 0.3;
			sc->groups[0].shift = 0.25;
			check_case(sc, &mt_pay_vcg_shifted);
			mt_scenario_free(sc);
		}
}

/* Three members: the reported numbers are mt_solve's for the joint report. */
static void test_three_members(void **state)
{
	(void)state;
	tu_rng rng = {33};
	mt_scenario *sc = tu_random_scenario(&rng, 3, 4, MT_NORM_MAX, 0.0);
	assert_non_null(sc);
	size_t mem[3] = {3, 1, 0};
	mt_coalition co;
	assert_int_equal(mt_coalition_best(sc, &mt_pay_vcg, mem, 3, &co, NULL, NULL), MT_OK);
	assert_int_equal(co.k, 3);
	mt_scenario *work = mt_scenario_clone(sc);
	assert_non_null(work);
	for (size_t j = 0; j < 3; j++) {
		assert_true(mt_is_normalized(MT_NORM_MAX, 3, co.rewards + 3 * j));
		memcpy(work->groups[mem[j]].reported, co.rewards + 3 * j, 3 * sizeof(double));
		work->groups[mem[j]].reported_size = co.sizes[j];
	}
	mt_outcome o;
	assert_int_equal(mt_solve(work, &o, NULL, NULL), MT_OK);
	double tot = 0.0, tot0 = 0.0;
	for (size_t j = 0; j < 3; j++) {
		assert_true(fabs(o.groups[mem[j]].utility - co.utilities[j]) <= 1e-12);
		tot += co.utilities[j];
		tot0 += co.utilities_truthful[j];
	}
	assert_true(fabs(tot - tot0 - co.gain) <= 1e-12 * (1.0 + fabs(tot)));
	mt_outcome_release(&o);
	mt_scenario_free(work);
	mt_coalition_release(&co);
	mt_scenario_free(sc);
}

/* Under none with tv or chi2 (and kl with max normalization) the merged
 * group's best response is exact, and so is the coalition's. */
static void test_exact_under_none(void **state)
{
	(void)state;
	tu_rng rng = {7};
	mt_scenario *sc = tu_random_scenario(&rng, 4, 3, MT_NORM_SUM, 0.0);
	assert_non_null(sc);
	size_t mem[2] = {2, 0};
	mt_coalition co;
	sc->divergence = &mt_div_chi2;
	assert_int_equal(mt_coalition_best(sc, &mt_pay_none, mem, 2, &co, NULL, NULL), MT_OK);
	assert_int_equal(co.method, MT_BR_EXACT);
	assert_int_equal(co.members[0], 2); /* the order given */
	mt_coalition_release(&co);
	sc->divergence = &mt_div_hellinger;
	assert_int_equal(mt_coalition_best(sc, &mt_pay_none, mem, 2, &co, NULL, NULL), MT_OK);
	assert_int_equal(co.method, MT_BR_SEARCH);
	mt_coalition_release(&co);
	sc->divergence = &mt_div_tv;
	assert_int_equal(mt_coalition_best(sc, &mt_pay_vcg, mem, 2, &co, NULL, NULL), MT_OK);
	assert_int_equal(co.method, MT_BR_SEARCH);
	mt_coalition_release(&co);
	mt_scenario_free(sc);
}

static void test_bad_members(void **state)
{
	(void)state;
	mt_scenario *sc = mt_scenario_new(3, 3);
	assert_non_null(sc);
	mt_coalition co;
	mt_error err = {0};
	size_t one[1] = {0}, dup[2] = {1, 1}, out[2] = {0, 3};
	assert_int_equal(mt_coalition_best(sc, NULL, one, 1, &co, NULL, &err), MT_EINVAL);
	mt_coalition_release(&co);
	assert_int_equal(mt_coalition_best(sc, NULL, dup, 2, &co, NULL, &err), MT_EINVAL);
	assert_non_null(strstr(err.msg, "twice"));
	mt_coalition_release(&co);
	assert_int_equal(mt_coalition_best(sc, NULL, out, 2, &co, NULL, &err), MT_EINVAL);
	mt_coalition_release(&co);
	mt_scenario_free(sc);
	sc = mt_scenario_new(2, MT_COALITION_PAIR_MAX_GROUPS + 1);
	assert_non_null(sc);
	assert_int_equal(mt_coalition_best_pair(sc, NULL, &co, NULL, &err), MT_EINVAL);
	mt_coalition_release(&co);
	mt_scenario_free(sc);
}

static void test_cancel(void **state)
{
	(void)state;
	tu_rng rng = {11};
	mt_scenario *sc = tu_random_scenario(&rng, 4, 3, MT_NORM_SUM, 0.0);
	assert_non_null(sc);
	atomic_ulong gen = 1;
	mt_cancel c = {&gen, 0, NULL};
	mt_coalition co;
	size_t mem[2] = {0, 1};
	assert_int_equal(mt_coalition_best(sc, &mt_pay_vcg, mem, 2, &co, &c, NULL), MT_ECANCELED);
	mt_coalition_release(&co);
	assert_int_equal(mt_coalition_best_pair(sc, NULL, &co, &c, NULL), MT_ECANCELED);
	mt_coalition_release(&co);
	mt_scenario_free(sc);
}

int main(void)
{
	mt_library_init();
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_against_grid),  cmocka_unit_test(test_shifted_against_grid),
	        cmocka_unit_test(test_three_members), cmocka_unit_test(test_exact_under_none),
	        cmocka_unit_test(test_bad_members),   cmocka_unit_test(test_cancel),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
