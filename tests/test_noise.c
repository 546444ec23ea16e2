/* Noisy input: the Theorem 4.12 bounds, determinism and the search against
 * random misreports (theory.md section 6). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mechtune/library.h"
#include "mechtune/noise.h"
#include "mechtune/train.h"
#include "testutil.h"

static mt_scenario *noisy_scenario(tu_rng *rng, size_t m, size_t n, mt_norm norm)
{
	mt_scenario *sc = tu_random_scenario(rng, m, n, norm, 0.02);
	sc->noise.epsilon = 0.01 + 0.1 * tu_uniform(rng);
	sc->noise.samples = 40;
	sc->noise.seed = (uint64_t)(tu_uniform(rng) * 1e9);
	return sc;
}

/* Under vcg no reward misreport gains more than 2 w_i eps, and the ASW lost
 * to noise is at most 2 eps sum w; random misreports never beat the search
 * by more than rounding. */
static void test_bounds_vcg(void **state)
{
	(void)state;
	tu_rng rng = {77};
	for (int trial = 0; trial < tu_scaled(60); trial++) {
		size_t m = 2 + (size_t)(tu_uniform(&rng) * 4),
		       n = 2 + (size_t)(tu_uniform(&rng) * 2);
		mt_scenario *sc = noisy_scenario(&rng, m, n, trial % 2 ? MT_NORM_MAX : MT_NORM_SUM);
		sc->divergence = trial % 3 ? &mt_div_kl : &mt_div_chi2;
		mt_noise_analysis a;
		assert_int_equal(mt_noise_analyze(sc, &a, NULL, NULL), MT_OK);
		assert_true(a.all_within_bound && a.asw_within_bound);
		assert_true(a.asw_loss >= -1e-12);
		for (size_t i = 0; i < n; i++) {
			const mt_noise_group *g = &a.groups[i];
			assert_true(g->gain >= 0.0 && g->gain <= g->bound);
			assert_true(fabs(g->bound - 2.0 * sc->groups[i].size * sc->noise.epsilon) <
			            1e-15);
			assert_true(mt_is_normalized(sc->normalization, m, g->rewards));
			/* the reported best really has the reported expected utility */
			double u;
			assert_int_equal(mt_noise_expected_utility(sc, i, g->rewards,
			                                           sc->groups[i].size, &u, NULL,
			                                           NULL, NULL, NULL),
			                 MT_OK);
			assert_true(fabs(u - g->best_utility) <= 1e-12 * (1.0 + fabs(u)));
			/* no random reward report beats it */
			for (int k = 0; k < 5; k++) {
				double r[8], size;
				tu_random_report(&rng, sc, r, &size);
				assert_int_equal(mt_noise_expected_utility(sc, i, r,
				                                           sc->groups[i].size, &u,
				                                           NULL, NULL, NULL, NULL),
				                 MT_OK);
				if (u > g->best_utility + 1e-7 * (1.0 + fabs(u)))
					fail_msg("trial %d: random report %.12g beats search %.12g",
					         trial, u, g->best_utility);
			}
		}
		mt_noise_release(&a);
		mt_scenario_free(sc);
	}
}

/* Same seed, same numbers; no noise, no gain under vcg. */
static void test_deterministic(void **state)
{
	(void)state;
	tu_rng rng = {5};
	mt_scenario *sc = noisy_scenario(&rng, 4, 3, MT_NORM_SUM);
	mt_noise_analysis a, b;
	assert_int_equal(mt_noise_analyze(sc, &a, NULL, NULL), MT_OK);
	assert_int_equal(mt_noise_analyze(sc, &b, NULL, NULL), MT_OK);
	for (size_t i = 0; i < sc->n; i++) {
		assert_true(a.groups[i].truthful_utility == b.groups[i].truthful_utility);
		assert_true(a.groups[i].gain == b.groups[i].gain);
	}
	assert_true(a.asw_noisy == b.asw_noisy);
	mt_noise_release(&b);
	sc->noise.seed++;
	assert_int_equal(mt_noise_analyze(sc, &b, NULL, NULL), MT_OK);
	assert_true(a.asw_noisy != b.asw_noisy);
	mt_noise_release(&a);
	mt_noise_release(&b);
	sc->noise.epsilon = 0.0;
	assert_int_equal(mt_noise_analyze(sc, &a, NULL, NULL), MT_OK);
	assert_true(fabs(a.asw_loss) < 1e-12);
	for (size_t i = 0; i < sc->n; i++)
		assert_true(a.groups[i].gain <= 1e-9 * (1.0 + fabs(a.groups[i].truthful_utility)));
	mt_noise_release(&a);
	/* without payment, lying pays and the bound is not promised */
	sc->noise.epsilon = 0.05;
	sc->payment = &mt_pay_none;
	assert_int_equal(mt_noise_analyze(sc, &a, NULL, NULL), MT_OK);
	for (size_t i = 0; i < sc->n; i++)
		assert_true(a.groups[i].gain > 0.0);
	mt_noise_release(&a);
	/* rules whose pivot depends on the report are refused with a message */
	sc->payment = &mt_pay_checkpoint;
	mt_error err = {0};
	assert_int_equal(mt_noise_analyze(sc, &a, NULL, &err), MT_EINVAL);
	assert_true(err.msg[0] != '\0');
	mt_noise_release(&a);
	mt_scenario_free(sc);
}

int main(void)
{
	mt_library_init();
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_deterministic),
	        cmocka_unit_test(test_bounds_vcg),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
