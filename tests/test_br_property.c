/* Property test of the best responses (issue 11): on random small scenarios
 * (2-3 responses, 2-3 groups, every divergence, sum and max normalization,
 * lambda in [0.05, 5], payment none and vcg) no point of a dense brute-force
 * grid over the report space beats the reported best response by more than
 * GRID_TOL, and every reported report is feasible for its kind: a size-only
 * answer carries the true rewards bit for bit, a rewards-only answer the
 * true size bit for bit.  Plus the misses of the issue, replayed. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mechtune/analysis.h"
#include "mechtune/library.h"
#include "mechtune/train.h"
#include "testutil.h"

/* The grid may beat the answer by at most this, relative to 1 + |u|:
 * rounding, nothing more. */
#define GRID_TOL 1e-9

typedef struct {
	mt_scenario *work; /* private copy whose group i is overwritten */
	size_t i;
	double best;
	double best_r[8], best_w; /* m <= 8 */
} grid;

static void grid_eval(grid *g, const double *r, double w)
{
	mt_group *gr = &g->work->groups[g->i];
	memcpy(gr->reported, r, g->work->m * sizeof *r);
	gr->reported_size = w;
	mt_outcome o;
	assert_int_equal(mt_solve(g->work, &o, NULL, NULL), MT_OK);
	double u = o.groups[g->i].utility;
	mt_outcome_release(&o);
	if (u > g->best) {
		g->best = u;
		memcpy(g->best_r, r, g->work->m * sizeof *r);
		g->best_w = w;
	}
}

/* Every normalized reward vector of the grid with step 1/steps: the
 * simplex (sum) or the faces max = 1 of the box (max).  Vertices included. */
static void grid_rewards(grid *g, mt_norm norm, int steps, double w)
{
	size_t m = g->work->m;
	double r[3];
	int total = 1;
	for (size_t x = 0; x < m; x++)
		total *= steps + 1;
	for (size_t a = 0; a < (norm == MT_NORM_SUM ? 1 : m); a++)
		for (int idx = 0; idx < total; idx++) {
			int t = idx, tot = 0;
			for (size_t x = 0; x < m; x++) {
				int k = t % (steps + 1);
				t /= steps + 1;
				r[x] = (double)k / steps;
				tot += k;
			}
			if (norm == MT_NORM_SUM ? tot != steps : r[a] != 1.0)
				continue;
			if (norm == MT_NORM_MAX && a > 0) { /* counted by a lower anchor */
				bool dup = false;
				for (size_t b = 0; b < a; b++)
					dup = dup || r[b] == 1.0;
				if (dup)
					continue;
			}
			grid_eval(g, r, w);
		}
}

static double grid_best(const mt_scenario *sc, size_t i, mt_br_kind kind)
{
	grid g = {.work = mt_scenario_clone(sc), .i = i, .best = -INFINITY};
	assert_non_null(g.work);
	const mt_group *gr = &sc->groups[i];
	int steps = sc->m == 2 ? 240 : (sc->normalization == MT_NORM_SUM ? 36 : 20);
	if (kind == MT_BR_SIZE) {
		for (int k = 1; k <= 2000; k++)
			grid_eval(&g, gr->rewards, sc->max_size * k / 2000.0);
		grid_eval(&g, gr->rewards, gr->size);
	} else if (kind == MT_BR_REWARDS) {
		grid_rewards(&g, sc->normalization, steps, gr->size);
	} else {
		int ns = sc->m == 2 ? 24 : 10;
		for (int k = 1; k <= ns; k++)
			grid_rewards(&g, sc->normalization, sc->m == 2 ? steps / 2 : steps,
			             sc->max_size * k / ns);
		grid_rewards(&g, sc->normalization, steps, gr->size);
	}
	mt_scenario_free(g.work);
	return g.best;
}

/* The answer is a report of its kind that really earns what it says. */
static void check_feasible(const mt_scenario *sc, size_t i, mt_br_kind kind,
                           const mt_report_outcome *br)
{
	const mt_group *g = &sc->groups[i];
	assert_true(mt_is_normalized(sc->normalization, sc->m, br->rewards));
	assert_true(br->size > 0.0 && br->size <= sc->max_size);
	if (kind == MT_BR_SIZE && memcmp(br->rewards, g->rewards, sc->m * sizeof(double)) != 0)
		fail_msg(
		        "size-only answer changes the rewards (%.17g %.17g ... vs %.17g %.17g ...)",
		        br->rewards[0], br->rewards[1], g->rewards[0], g->rewards[1]);
	if (kind == MT_BR_REWARDS && memcmp(&br->size, &g->size, sizeof g->size) != 0)
		fail_msg("rewards-only answer changes the size (%.17g vs %.17g)", br->size,
		         g->size);
	mt_report_outcome ev;
	assert_int_equal(mt_evaluate_report(sc, i, br->rewards, br->size, &ev, NULL), MT_OK);
	if (!(fabs(ev.utility - br->utility) <= 1e-12 * (1.0 + fabs(br->utility))))
		fail_msg("reported utility %.17g, the solver says %.17g", br->utility, ev.utility);
	assert_true(br->gain >= 0.0);
	mt_report_outcome_release(&ev);
}

static const char *const kind_names[3] = {"full", "rewards-only", "size-only"};

/* One scenario, every kind: the answer is feasible and no grid point beats
 * it (fails the test otherwise). */
static void check_scenario(const mt_scenario *sc, size_t i, const char *what)
{
	for (int k = 0; k < 3; k++) {
		mt_report_outcome br;
		mt_error err = {0};
		if (mt_best_response(sc, i, (mt_br_kind)k, &br, NULL, &err))
			fail_msg("%s: %s", what, err.msg);
		check_feasible(sc, i, (mt_br_kind)k, &br);
		double g = grid_best(sc, i, (mt_br_kind)k);
		if (g > br.utility + GRID_TOL * (1.0 + fabs(g)))
			fail_msg("%s: %s/%s/%s m %zu n %zu lambda %g, %s best response: grid %.12g "
			         "beats the answer %.12g (%s)",
			         what, sc->divergence->name, mt_norm_name(sc->normalization),
			         sc->payment->name, sc->m, sc->n, sc->lambda, kind_names[k], g,
			         br.utility, mt_br_method_name(br.method));
		if (sc->payment == &mt_pay_vcg)
			assert_true(br.gain <= MT_DSIC_TOL * (1.0 + fabs(br.utility)));
		mt_report_outcome_release(&br);
	}
}

/* Random small scenarios: every divergence x normalization x rule. */
static void test_random_grid(void **state)
{
	(void)state;
	tu_rng rng = {0x11b7u};
	int rounds = tu_scaled(80) / 10; /* per combination; fewer when scaled down */
	char what[64];
	for (int rd = 0; rd < rounds; rd++)
		for (size_t d = 0; mt_divergences[d]; d++)
			for (int c = 0; c < 4; c++) {
				mt_norm norm = c % 2 ? MT_NORM_MAX : MT_NORM_SUM;
				size_t m = 2 + (size_t)(tu_uniform(&rng) * 2),
				       n = 2 + (size_t)(tu_uniform(&rng) * 2);
				mt_scenario *sc = tu_random_scenario(&rng, m, n, norm, 0.0);
				sc->divergence = mt_divergences[d];
				sc->payment = c < 2 ? &mt_pay_none : &mt_pay_vcg;
				sc->lambda = 0.05 + 4.95 * tu_uniform(&rng) * tu_uniform(&rng);
				for (size_t j = 1; j < n; j++)
					tu_random_report(&rng, sc, sc->groups[j].reported,
					                 &sc->groups[j].reported_size);
				snprintf(what, sizeof what, "round %d", rd);
				check_scenario(sc, 0, what);
				mt_scenario_free(sc);
			}
}

/* A two-group scenario from explicit numbers (group 1 reports its truth). */
static mt_scenario *make(const mt_divergence *d, mt_norm norm, double lambda, size_t m,
                         const double *q, const double *r0, double w0, const double *r1, double w1)
{
	mt_scenario *sc = mt_scenario_new(m, 2);
	sc->divergence = d;
	sc->normalization = norm;
	sc->lambda = lambda;
	sc->payment = &mt_pay_none;
	memcpy(sc->reference, q, m * sizeof *q);
	memcpy(sc->groups[0].rewards, r0, m * sizeof *r0);
	memcpy(sc->groups[1].rewards, r1, m * sizeof *r1);
	sc->groups[0].size = w0;
	sc->groups[1].size = w1;
	mt_group_tell_truth(sc, 0);
	mt_group_tell_truth(sc, 1);
	assert_int_equal(mt_scenario_validate(sc, NULL), MT_OK);
	return sc;
}

/* tv, sum normalization, a hand-made case: the best reward lie (a vertex,
 * all reward on the favourite, which moves the others' mass onto it) is
 * found and labelled exact. */
static void test_tv_vertex(void **state)
{
	(void)state;
	const double q[3] = {0.2, 0.3, 0.5}, r0[3] = {0.6, 0.25, 0.15}, r1[3] = {0.1, 0.2, 0.7};
	mt_scenario *sc = make(&mt_div_tv, MT_NORM_SUM, 0.45, 3, q, r0, 2.0, r1, 1.5);
	check_scenario(sc, 0, "tv vertex");
	mt_report_outcome br;
	assert_int_equal(mt_best_response(sc, 0, MT_BR_REWARDS, &br, NULL, NULL), MT_OK);
	assert_true(br.gain > 0.1);
	assert_int_equal(br.method, MT_BR_EXACT);
	mt_report_outcome_release(&br);
	mt_scenario_free(sc);
}

/* tv with 5-6 responses (too many for a grid): the answer is at least as
 * good as every vertex of the report space (rewards-only at the true size). */
static void test_tv_vertices(void **state)
{
	(void)state;
	tu_rng rng = {0x7e5u};
	int misses = 0;
	for (int t = 0; t < 60; t++) {
		mt_norm norm = t % 2 ? MT_NORM_MAX : MT_NORM_SUM;
		size_t m = 5 + (size_t)(t % 4 / 2), n = 2 + (size_t)(tu_uniform(&rng) * 3);
		mt_scenario *sc = tu_random_scenario(&rng, m, n, norm, 0.0);
		sc->divergence = &mt_div_tv;
		sc->payment = &mt_pay_none;
		sc->lambda = 0.05 + 4.95 * tu_uniform(&rng) * tu_uniform(&rng);
		for (size_t j = 1; j < n; j++)
			tu_random_report(&rng, sc, sc->groups[j].reported,
			                 &sc->groups[j].reported_size);
		mt_report_outcome br;
		assert_int_equal(mt_best_response(sc, 0, MT_BR_REWARDS, &br, NULL, NULL), MT_OK);
		check_feasible(sc, 0, MT_BR_REWARDS, &br);
		grid g = {.work = mt_scenario_clone(sc), .i = 0, .best = -INFINITY};
		double r[6];
		for (unsigned v = 1; v < 1u << m; v++) {
			if (norm == MT_NORM_SUM && (v & (v - 1)))
				continue; /* the simplex: unit vectors only */
			for (size_t x = 0; x < m; x++)
				r[x] = v >> x & 1u ? 1.0 : 0.0;
			grid_eval(&g, r, sc->groups[0].size);
		}
		mt_scenario_free(g.work);
		if (g.best > br.utility + GRID_TOL * (1.0 + fabs(g.best))) {
			print_message("tv %s m %zu trial %d: vertex %.12g beats %.12g\n",
			              mt_norm_name(norm), m, t, g.best, br.utility);
			misses++;
		}
		mt_report_outcome_release(&br);
		mt_scenario_free(sc);
	}
	assert_int_equal(misses, 0);
}

/* The exact methods at 4-7 responses, where a grid is too coarse: no random
 * report (skewed towards the faces, where the optima sit) beats them. */
static void test_exact_beats_random(void **state)
{
	(void)state;
	tu_rng rng = {0xe4ac7u};
	const mt_divergence *divs[2] = {&mt_div_chi2, &mt_div_tv};
	int count = tu_scaled(24);
	for (int t = 0; t < count; t++) {
		mt_norm norm = t % 2 ? MT_NORM_MAX : MT_NORM_SUM;
		size_t m = 4 + (size_t)(tu_uniform(&rng) * 4),
		       n = 2 + (size_t)(tu_uniform(&rng) * 3);
		mt_scenario *sc = tu_random_scenario(&rng, m, n, norm, 0.0);
		sc->divergence = divs[t / 2 % 2];
		sc->payment = &mt_pay_none;
		sc->lambda = 0.05 + 4.95 * tu_uniform(&rng) * tu_uniform(&rng);
		for (size_t j = 1; j < n; j++)
			tu_random_report(&rng, sc, sc->groups[j].reported,
			                 &sc->groups[j].reported_size);
		for (int k = 0; k < 2; k++) {
			mt_report_outcome br;
			assert_int_equal(mt_best_response(sc, 0, (mt_br_kind)k, &br, NULL, NULL),
			                 MT_OK);
			check_feasible(sc, 0, (mt_br_kind)k, &br);
			if (br.method != MT_BR_EXACT)
				fail_msg("%s m %zu: not exact", sc->divergence->name, m);
			grid g = {.work = mt_scenario_clone(sc), .i = 0, .best = -INFINITY};
			double r[8], w;
			for (int p = 0; p < 1500; p++) {
				tu_random_report(&rng, sc, r, &w);
				if (p % 3 == 0) { /* a face: some rewards exactly 0 */
					size_t keep = (size_t)(tu_uniform(&rng) * (double)m);
					for (size_t x = 0; x < m; x++)
						if (x != keep && tu_uniform(&rng) < 0.4)
							r[x] = 0.0;
					r[keep] = fmax(r[keep], 0.5);
					mt_normalize(norm, m, r);
				}
				grid_eval(&g, r, k == MT_BR_REWARDS ? sc->groups[0].size : w);
			}
			mt_scenario_free(g.work);
			if (g.best > br.utility + GRID_TOL * (1.0 + fabs(g.best)))
				fail_msg("%s/%s m %zu %s: a random report earns %.12g, the exact "
				         "answer "
				         "%.12g",
				         sc->divergence->name, mt_norm_name(norm), m, kind_names[k],
				         g.best, br.utility);
			mt_report_outcome_release(&br);
		}
		mt_scenario_free(sc);
	}
}

/* chi2, max normalization: the optimum sits where a response's probability
 * reaches 0 (a kink), which a smooth search does not reach. */
static void test_chi2_max_kink(void **state)
{
	(void)state;
	tu_rng rng = {0xc412u};
	int misses = 0, exact = 0;
	for (int t = 0; t < 40; t++) {
		mt_scenario *sc = tu_random_scenario(&rng, 3, 2, MT_NORM_MAX, 0.0);
		sc->divergence = &mt_div_chi2;
		sc->payment = &mt_pay_none;
		sc->lambda = 0.05 + 0.5 * tu_uniform(&rng);
		tu_random_report(&rng, sc, sc->groups[1].reported, &sc->groups[1].reported_size);
		for (int k = 0; k < 2; k++) {
			mt_report_outcome br;
			assert_int_equal(mt_best_response(sc, 0, (mt_br_kind)k, &br, NULL, NULL),
			                 MT_OK);
			double g = grid_best(sc, 0, (mt_br_kind)k);
			misses += g > br.utility + GRID_TOL * (1.0 + fabs(g));
			exact += br.method == MT_BR_EXACT;
			mt_report_outcome_release(&br);
		}
		mt_scenario_free(sc);
	}
	assert_int_equal(misses, 0);
	assert_int_equal(exact, 80);
}

/* reverse_kl, max normalization, size only: a tiny true reward must stay
 * as it is (the boundary snapping of reward searches turned it into 0, a
 * reward lie). */
static void test_size_only_keeps_rewards(void **state)
{
	(void)state;
	const double q[4] = {0.25, 0.25, 0.25, 0.25};
	const double r0[4] = {0.0, 5.1e-7, 0.0498, 1.0}, r1[4] = {1.0, 0.3, 0.2, 0.0};
	for (size_t d = 0; mt_divergences[d]; d++) {
		mt_scenario *sc = make(mt_divergences[d], MT_NORM_MAX, 0.3, 4, q, r0, 3.0, r1, 6.0);
		mt_report_outcome br;
		assert_int_equal(mt_best_response(sc, 0, MT_BR_SIZE, &br, NULL, NULL), MT_OK);
		check_feasible(sc, 0, MT_BR_SIZE, &br);
		mt_report_outcome_release(&br);
		mt_scenario_free(sc);
	}
}

int main(void)
{
	mt_library_init();
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_size_only_keeps_rewards), cmocka_unit_test(test_tv_vertex),
	        cmocka_unit_test(test_chi2_max_kink),           cmocka_unit_test(test_tv_vertices),
	        cmocka_unit_test(test_exact_beats_random),      cmocka_unit_test(test_random_grid),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
