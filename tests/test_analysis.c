/* Strategic analysis: best responses against brute force (dense grids on
 * tiny instances), DSIC under vcg and profitable lies under none on
 * thousands of random scenarios, iterated best responses, menus. */
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

/* Utility of group i reporting (r, w) in a private copy: brute force. */
static double utility_of(mt_scenario *work, size_t i, const double *r, double w)
{
	mt_group *g = &work->groups[i];
	memcpy(g->reported, r, work->m * sizeof *r);
	g->reported_size = w;
	mt_outcome o;
	assert_int_equal(mt_solve(work, &o, NULL, NULL), MT_OK);
	double u = o.groups[i].utility;
	mt_outcome_release(&o);
	return u;
}

/* The best report found really gives the reported utility, both through
 * mt_evaluate_report and through mt_solve. */
static void check_reproducible(const mt_scenario *sc, size_t i, const mt_report_outcome *br)
{
	assert_true(mt_is_normalized(sc->normalization, sc->m, br->rewards));
	assert_true(br->size > 0.0 && br->size <= sc->max_size);
	mt_report_outcome ev;
	assert_int_equal(mt_evaluate_report(sc, i, br->rewards, br->size, &ev, NULL), MT_OK);
	assert_true(fabs(ev.utility - br->utility) <= 1e-12 * (1.0 + fabs(br->utility)));
	assert_true(fabs(ev.gain - br->gain) <= 1e-12 * (1.0 + fabs(br->utility)));
	mt_report_outcome_release(&ev);
	mt_scenario *c = mt_scenario_clone(sc);
	double u = utility_of(c, i, br->rewards, br->size);
	assert_true(fabs(u - br->utility) <= 1e-12 * (1.0 + fabs(u)));
	mt_scenario_free(c);
}

/* Dense grid over the report space of a tiny instance (m <= 3). */
static double grid_best(const mt_scenario *sc, size_t i, mt_br_kind kind, int steps)
{
	mt_scenario *c = mt_scenario_clone(sc);
	size_t m = sc->m;
	double best = -INFINITY, r[3];
	int wsteps = kind == MT_BR_REWARDS ? 1 : steps;
	for (int ws = 1; ws <= wsteps; ws++) {
		double w = kind == MT_BR_REWARDS ? sc->groups[i].size : sc->max_size * ws / wsteps;
		if (kind == MT_BR_SIZE) {
			best = fmax(best, utility_of(c, i, sc->groups[i].rewards, w));
			continue;
		}
		/* every grid point of [0,1]^m, normalized (covers both spaces) */
		int total = 1;
		for (size_t x = 0; x < m; x++)
			total *= steps + 1;
		for (int idx = 0; idx < total; idx++) {
			int t = idx;
			for (size_t x = 0; x < m; x++) {
				r[x] = (double)(t % (steps + 1)) / steps;
				t /= steps + 1;
			}
			double tot = 0.0, top = 0.0;
			for (size_t x = 0; x < m; x++) {
				tot += r[x];
				top = fmax(top, r[x]);
			}
			if (sc->normalization == MT_NORM_SUM ? fabs(tot - 1.0) > 1e-9 : top < 1.0)
				continue;
			best = fmax(best, utility_of(c, i, r, w));
		}
	}
	mt_scenario_free(c);
	return best;
}

static void grid_agreement(const mt_divergence *d, mt_norm norm, const mt_payment_rule *rule,
                           uint64_t seed)
{
	tu_rng rng = {seed};
	for (int trial = 0; trial < 6; trial++) {
		size_t m = 2 + (size_t)(trial % 2), n = 2;
		mt_scenario *sc = tu_random_scenario(&rng, m, n, norm, 0.05);
		sc->divergence = d;
		sc->payment = rule;
		tu_random_report(&rng, sc, sc->groups[1].reported, &sc->groups[1].reported_size);
		for (int k = 0; k < 3; k++) {
			mt_report_outcome br;
			assert_int_equal(mt_best_response(sc, 0, (mt_br_kind)k, &br, NULL, NULL),
			                 MT_OK);
			check_reproducible(sc, 0, &br);
			int steps = m == 2 ? 200 : 40;
			double g = grid_best(sc, 0, (mt_br_kind)k, k == MT_BR_SIZE ? 400 : steps);
			double tol = 1e-9 * (1.0 + fabs(g));
			/* the search is at least as good as the grid ... */
			if (g > br.utility + tol)
				fail_msg("%s/%s/%s kind %d: grid %.12g beats search %.12g", d->name,
				         mt_norm_name(norm), rule->name, k, g, br.utility);
			/* ... and the grid comes close to it (it is dense) */
			if (br.utility - g > 2e-2 * (1.0 + fabs(br.gain)))
				fail_msg("%s kind %d: search %.12g far above grid %.12g", d->name,
				         k, br.utility, g);
			mt_report_outcome_release(&br);
		}
		mt_scenario_free(sc);
	}
}

static void test_grid_none(void **state)
{
	(void)state;
	grid_agreement(&mt_div_kl, MT_NORM_SUM, &mt_pay_none, 1);
	grid_agreement(&mt_div_kl, MT_NORM_MAX, &mt_pay_none, 2);
	grid_agreement(&mt_div_chi2, MT_NORM_SUM, &mt_pay_none, 3);
	grid_agreement(&mt_div_hellinger, MT_NORM_MAX, &mt_pay_none, 4);
	grid_agreement(&mt_div_reverse_kl, MT_NORM_SUM, &mt_pay_none, 5);
}

static void test_grid_vcg(void **state)
{
	(void)state;
	grid_agreement(&mt_div_kl, MT_NORM_SUM, &mt_pay_vcg, 6);
	grid_agreement(&mt_div_chi2, MT_NORM_MAX, &mt_pay_vcg, 7);
	grid_agreement(&mt_div_reverse_kl, MT_NORM_MAX, &mt_pay_vcg, 8);
}

/* >= 1000 random scenarios per divergence: gain ~ 0 under vcg, gain > 0
 * under none when the group's rewards are positive and not all equal. */
static void random_properties(const mt_divergence *d)
{
	tu_rng rng = {(uint64_t)(uintptr_t)d->name[0] * 7919u + 17u};
	int count = tu_scaled(1000);
	for (int trial = 0; trial < count; trial++) {
		size_t m = 2 + (size_t)(tu_uniform(&rng) * 5),
		       n = 1 + (size_t)(tu_uniform(&rng) * 3);
		mt_norm norm = trial % 2 ? MT_NORM_MAX : MT_NORM_SUM;
		mt_scenario *sc = tu_random_scenario(&rng, m, n, norm, 0.02);
		sc->divergence = d;
		for (size_t j = 1; j < n; j++)
			tu_random_report(&rng, sc, sc->groups[j].reported,
			                 &sc->groups[j].reported_size);
		size_t i = (size_t)(tu_uniform(&rng) * (double)n);
		/* vcg: no profitable misreport, the truth is the answer */
		sc->payment = &mt_pay_vcg;
		mt_report_outcome br;
		mt_br_kind kind = (mt_br_kind)(trial % 3);
		assert_int_equal(mt_best_response(sc, i, kind, &br, NULL, NULL), MT_OK);
		double tol = MT_DSIC_TOL * (1.0 + fabs(br.utility));
		if (br.gain > tol)
			fail_msg("%s trial %d: vcg gain %g", d->name, trial, br.gain);
		assert_true(br.gain >= 0.0);
		if (trial % 10 == 0)
			check_reproducible(sc, i, &br);
		mt_report_outcome_release(&br);
		/* none: lying pays (Theorem 4.2) -- reward misreports */
		sc->payment = &mt_pay_none;
		assert_int_equal(mt_best_response(sc, i, trial % 2 ? MT_BR_REWARDS : MT_BR_FULL,
		                                  &br, NULL, NULL),
		                 MT_OK);
		/* Theorem 4.2 needs the policy inside the simplex (chi2 can put the
		 * group's favourite at probability 1) and the gain must be visible
		 * in double precision: skip policies with a response below 1e-9. */
		mt_outcome o;
		mt_scenario *tc = mt_scenario_clone(sc);
		mt_group_tell_truth(tc, i);
		assert_int_equal(mt_solve(tc, &o, NULL, NULL), MT_OK);
		mt_scenario_free(tc);
		double pmin = 1.0;
		for (size_t x = 0; x < m; x++)
			pmin = fmin(pmin, o.policy[x]);
		mt_outcome_release(&o);
		if (d->continuous && pmin > 1e-9 && !(br.gain > 0.0)) {
			fail_msg("%s trial %d: no profitable lie under none (m %zu, min p %g, "
			         "lambda %g, "
			         "kind %d)",
			         d->name, trial, m, pmin, sc->lambda, trial % 2);
		}
		assert_true(br.gain >= 0.0);
		if (trial % 10 == 1)
			check_reproducible(sc, i, &br);
		/* the polarizing misreport also pays, and the search beats it */
		double pol[8], eps;
		if (d->continuous && mt_polarize(sc, i, 0.0, pol, &eps)) {
			mt_report_outcome pe;
			assert_int_equal(
			        mt_evaluate_report(sc, i, pol, sc->groups[i].size, &pe, NULL),
			        MT_OK);
			/* positive in theory; may round to 0 when p(worst) underflows */
			assert_true(pe.gain > -1e-12 * (1.0 + fabs(pe.utility)));
			assert_true(br.utility >= pe.utility - 1e-9 * (1.0 + fabs(pe.utility)));
			mt_report_outcome_release(&pe);
		}
		mt_report_outcome_release(&br);
		mt_scenario_free(sc);
	}
}

static void test_random_kl(void **state)
{
	(void)state;
	random_properties(&mt_div_kl);
}
static void test_random_chi2(void **state)
{
	(void)state;
	random_properties(&mt_div_chi2);
}
static void test_random_hellinger(void **state)
{
	(void)state;
	random_properties(&mt_div_hellinger);
}
static void test_random_reverse_kl(void **state)
{
	(void)state;
	random_properties(&mt_div_reverse_kl);
}
static void test_random_tv(void **state)
{
	(void)state;
	random_properties(&mt_div_tv);
}

/* Iterated best responses, replayed through the public API: the group that
 * moves never does worse than with its current report. */
static void test_iterated_never_lowers(void **state)
{
	(void)state;
	tu_rng rng = {99};
	int count = tu_scaled(200);
	for (int trial = 0; trial < count; trial++) {
		size_t m = 2 + (size_t)(tu_uniform(&rng) * 4),
		       n = 2 + (size_t)(tu_uniform(&rng) * 2);
		mt_scenario *sc =
		        tu_random_scenario(&rng, m, n, trial % 2 ? MT_NORM_MAX : MT_NORM_SUM, 0.02);
		sc->divergence = mt_divergences[trial % 4];
		sc->payment = &mt_pay_none;
		for (int round = 0; round < 3; round++)
			for (size_t i = 0; i < n; i++) {
				mt_group *g = &sc->groups[i];
				mt_report_outcome cur, br;
				assert_int_equal(mt_evaluate_report(sc, i, g->reported,
				                                    g->reported_size, &cur, NULL),
				                 MT_OK);
				assert_int_equal(
				        mt_best_response(sc, i, MT_BR_FULL, &br, NULL, NULL),
				        MT_OK);
				if (br.utility < cur.utility - 1e-7 * (1.0 + fabs(cur.utility)))
					fail_msg("trial %d (%s): best response %.12g below current "
					         "%.12g",
					         trial, sc->divergence->name, br.utility,
					         cur.utility);
				memcpy(g->reported, br.rewards, m * sizeof(double));
				g->reported_size = br.size;
				mt_report_outcome_release(&cur);
				mt_report_outcome_release(&br);
			}
		/* the core's own loop agrees on the direction */
		mt_ibr_result ibr;
		assert_int_equal(mt_iterated_best_response(sc, 1e-9, 10, &ibr, NULL, NULL), MT_OK);
		assert_true(ibr.rounds >= 1 && ibr.rounds <= 10);
		mt_ibr_release(&ibr);
		mt_scenario_free(sc);
	}
}

/* Under vcg, iterated best responses leave everybody truthful. */
static void test_iterated_vcg_truthful(void **state)
{
	(void)state;
	tu_rng rng = {7};
	for (int trial = 0; trial < tu_scaled(50); trial++) {
		mt_scenario *sc =
		        tu_random_scenario(&rng, 4, 3, trial % 2 ? MT_NORM_MAX : MT_NORM_SUM, 0.0);
		mt_ibr_result ibr;
		assert_int_equal(mt_iterated_best_response(sc, 1e-9, 10, &ibr, NULL, NULL), MT_OK);
		assert_true(ibr.converged);
		assert_int_equal(ibr.rounds, 1);
		assert_true(fabs(ibr.welfare_loss) < 1e-12 * (1.0 + ibr.welfare_truthful));
		for (size_t i = 0; i < sc->n; i++) {
			assert_true(fabs(ibr.sizes[i] - sc->groups[i].size) < 1e-12);
			for (size_t x = 0; x < sc->m; x++)
				assert_true(fabs(ibr.rewards[i * sc->m + x] -
				                 sc->groups[i].rewards[x]) < 1e-12);
		}
		mt_ibr_release(&ibr);
		mt_scenario_free(sc);
	}
}

/* mt_polarize follows Theorem 4.2. */
static void test_polarize(void **state)
{
	(void)state;
	mt_scenario *sc = mt_scenario_new(3, 1);
	double rm[3] = {0.1, 0.3, 0.6}, r[3], eps;
	memcpy(sc->groups[0].rewards, rm, sizeof rm);
	assert_true(mt_polarize(sc, 0, 0.0, r, &eps));
	assert_true(fabs(eps - 0.1) < 1e-15); /* min(1 - 0.6, 0.1) */
	assert_true(fabs(r[0]) < 1e-15 && fabs(r[1] - 0.3) < 1e-15 && fabs(r[2] - 0.7) < 1e-15);
	assert_true(mt_polarize(sc, 0, 0.02, r, &eps));
	assert_true(fabs(eps - 0.02) < 1e-15 && fabs(r[0] - 0.08) < 1e-15);
	sc->normalization = MT_NORM_MAX;
	double rmax[3] = {0.5, 1.0, 0.25};
	memcpy(sc->groups[0].rewards, rmax, sizeof rmax);
	assert_true(mt_polarize(sc, 0, 0.0, r, &eps));
	assert_true(fabs(eps - 0.25) < 1e-15 && r[2] == 0.0 && r[1] == 1.0 && r[0] == 0.5);
	double flat[3] = {1.0, 1.0, 1.0};
	memcpy(sc->groups[0].rewards, flat, sizeof flat);
	assert_false(mt_polarize(sc, 0, 0.0, r, &eps));
	assert_true(eps == 0.0);
	mt_scenario_free(sc);
}

/* A finite menu: the best response is the best inducible candidate,
 * checked against a dense grid; under vcg the truth. */
static void test_menu(void **state)
{
	(void)state;
	tu_rng rng = {2024};
	for (int trial = 0; trial < 12; trial++) {
		size_t m = 2 + (size_t)(trial % 2);
		mt_scenario *sc = tu_random_scenario(
		        &rng, m, 2, trial % 4 < 2 ? MT_NORM_SUM : MT_NORM_MAX, 0.05);
		sc->k = 6;
		sc->candidates = calloc(sc->k, sizeof *sc->candidates);
		for (size_t c = 0; c < sc->k; c++) {
			char name[32];
			snprintf(name, sizeof name, "c%zu", c);
			sc->candidates[c].name = strdup(name);
			sc->candidates[c].policy = malloc(m * sizeof(double));
			for (size_t x = 0; x < m; x++)
				sc->candidates[c].policy[x] = 0.02 + tu_uniform(&rng);
			mt_normalize(MT_NORM_SUM, m, sc->candidates[c].policy);
		}
		assert_int_equal(mt_scenario_validate(sc, NULL), MT_OK);
		for (int rule = 0; rule < 2; rule++) {
			sc->payment = rule ? &mt_pay_vcg : &mt_pay_none;
			for (int k = 0; k < 3; k++) {
				mt_report_outcome br;
				assert_int_equal(
				        mt_best_response(sc, 0, (mt_br_kind)k, &br, NULL, NULL),
				        MT_OK);
				check_reproducible(sc, 0, &br);
				double g = grid_best(sc, 0, (mt_br_kind)k, m == 2 ? 100 : 30);
				if (g > br.utility + 1e-9 * (1.0 + fabs(g)))
					fail_msg(
					        "menu trial %d rule %d kind %d: grid %.12g > %.12g",
					        trial, rule, k, g, br.utility);
				if (rule)
					assert_true(br.gain <=
					            MT_DSIC_TOL * (1.0 + fabs(br.utility)));
				mt_report_outcome_release(&br);
			}
		}
		mt_scenario_free(sc);
	}
}

/* The whole analysis: checks and per-group fields are consistent. */
static void test_analyze(void **state)
{
	(void)state;
	tu_rng rng = {31};
	mt_scenario *sc = tu_random_scenario(&rng, 4, 3, MT_NORM_SUM, 0.05);
	mt_analysis a;
	assert_int_equal(mt_analyze(sc, &mt_pay_vcg, &a, NULL, NULL), MT_OK);
	assert_true(a.dsic && a.ir && a.nonnegative_payments);
	assert_true(a.ibr.converged);
	for (size_t i = 0; i < sc->n; i++) {
		assert_true(a.groups[i].ir);
		assert_true(a.groups[i].polarize_epsilon > 0.0);
		assert_true(a.groups[i].polarize.gain < 0.0); /* the lie costs under vcg */
		/* t(x) ∝ rm - v for kl: its sign splits the responses at v */
		mt_outcome o;
		assert_int_equal(mt_solve(sc, &o, NULL, NULL), MT_OK);
		for (size_t x = 0; x < sc->m; x++)
			assert_true((a.groups[i].t[x] > 0.0) ==
			            (sc->groups[i].rewards[x] > o.groups[i].valuation));
		mt_outcome_release(&o);
	}
	mt_analysis_release(&a);
	assert_int_equal(mt_analyze(sc, &mt_pay_none, &a, NULL, NULL), MT_OK);
	assert_false(a.dsic);
	assert_true(a.max_gain > 0.0);
	for (size_t i = 0; i < sc->n; i++) {
		assert_true(a.groups[i].polarize.gain > 0.0);
		/* full >= rewards-only and size-only */
		assert_true(a.groups[i].best[0].utility >=
		            a.groups[i].best[1].utility -
		                    1e-9 * (1.0 + fabs(a.groups[i].best[1].utility)));
		assert_true(a.groups[i].best[0].utility >=
		            a.groups[i].best[2].utility -
		                    1e-9 * (1.0 + fabs(a.groups[i].best[2].utility)));
		/* size inflation never hurts without payments */
		assert_true(fabs(a.groups[i].best[2].size - sc->max_size) < 1e-6 * sc->max_size);
	}
	mt_analysis_release(&a);
	mt_scenario_free(sc);
}

/* The analysis gives the same answers, bit for bit, as the best responses
 * computed one by one, whether it runs on one thread (4 x 8) or shares its
 * tasks with a helper (4 x 16 and 8 x 8: n m >= 64). */
static void test_threads_same_answers(void **state)
{
	(void)state;
	static const size_t sizes[3][2] = {{4, 8}, {4, 16}, {8, 8}};
	static const char *const divs[] = {"kl", "hellinger", "tv"};
	tu_rng rng = {77};
	for (size_t z = 0; z < 3; z++)
		for (size_t d = 0; d < 3; d++) {
			mt_scenario *sc =
			        tu_random_scenario(&rng, sizes[z][1], sizes[z][0],
			                           d % 2 ? MT_NORM_MAX : MT_NORM_SUM, 0.0);
			sc->divergence = mt_divergence_find(divs[d]);
			sc->payment = &mt_pay_none;
			mt_analysis_opts o;
			mt_analysis_opts_default(&o);
			o.ibr = false;
			mt_analysis a;
			assert_int_equal(mt_analyze_ex(sc, &mt_pay_none, &o, &a, NULL, NULL),
			                 MT_OK);
			for (size_t i = 0; i < sc->n; i++)
				for (int k = 0; k < 3; k++) {
					mt_report_outcome br;
					assert_int_equal(mt_best_response(sc, i, (mt_br_kind)k, &br,
					                                  NULL, NULL),
					                 MT_OK);
					const mt_report_outcome *got = &a.groups[i].best[k];
					assert_true(got->gain == br.gain &&
					            got->utility == br.utility &&
					            got->size == br.size &&
					            got->method == br.method);
					assert_memory_equal(got->rewards, br.rewards,
					                    sc->m * sizeof *br.rewards);
					mt_report_outcome_release(&br);
				}
			mt_analysis_release(&a);
			mt_scenario_free(sc);
		}
}

/* Cancellation stops the analysis. */
static void test_cancel(void **state)
{
	(void)state;
	tu_rng rng = {3};
	mt_scenario *sc = tu_random_scenario(&rng, 4, 3, MT_NORM_SUM, 0.05);
	atomic_ulong gen = 2;
	mt_cancel c = {.generation = &gen, .mine = 1};
	mt_analysis a;
	mt_error err = {0};
	assert_int_equal(mt_analyze(sc, NULL, &a, &c, &err), MT_ECANCELED);
	mt_analysis_release(&a);
	mt_scenario_free(sc);
}

int main(void)
{
	mt_library_init();
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_polarize),
	        cmocka_unit_test(test_analyze),
	        cmocka_unit_test(test_threads_same_answers),
	        cmocka_unit_test(test_cancel),
	        cmocka_unit_test(test_grid_none),
	        cmocka_unit_test(test_grid_vcg),
	        cmocka_unit_test(test_menu),
	        cmocka_unit_test(test_random_kl),
	        cmocka_unit_test(test_random_chi2),
	        cmocka_unit_test(test_random_hellinger),
	        cmocka_unit_test(test_random_reverse_kl),
	        cmocka_unit_test(test_random_tv),
	        cmocka_unit_test(test_iterated_never_lowers),
	        cmocka_unit_test(test_iterated_vcg_truthful),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
