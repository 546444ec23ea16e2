/* The cost of best responses, counted in evaluations (mt_br_evaluations)
 * rather than timed: the number of trainings a 4 x 8 search makes is what
 * keeps a full analysis within milliseconds (README, Speed), and counts do
 * not depend on the machine's load. */
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
#include "testutil.h"

/* Evaluations of the rewards-and-size and rewards-only best responses of
 * every group of ten random 4 x 8 scenarios under rule, per search; each
 * answer is checked against the truth under affine rules. */
static double evaluations_per_search(const char *div, mt_norm norm, const mt_payment_rule *rule)
{
	tu_rng rng = {2026};
	unsigned long total = 0, searches = 0;
	for (int t = 0; t < 10; t++) {
		mt_scenario *sc = tu_random_scenario(&rng, 8, 4, norm, 0.0);
		assert_non_null(sc);
		sc->divergence = mt_divergence_find(div);
		sc->payment = rule;
		for (size_t i = 0; i < sc->n; i++)
			for (int k = MT_BR_FULL; k <= MT_BR_REWARDS; k++) {
				mt_report_outcome br;
				unsigned long before = mt_br_evaluations();
				assert_int_equal(
				        mt_best_response(sc, i, (mt_br_kind)k, &br, NULL, NULL),
				        MT_OK);
				total += mt_br_evaluations() - before;
				searches++;
				if (rule->shape == MT_SHAPE_AFFINE)
					assert_true(br.gain == 0.0);
				mt_report_outcome_release(&br);
			}
		mt_scenario_free(sc);
	}
	return (double)total / (double)searches;
}

/* Under affine rules the search is a live check of a known answer (the
 * truth): it evaluates every start and runs BFGS from the truth and from
 * the best point found, not from every start.  Measured: 15 or 16
 * evaluations per search (599 for kl with sum normalization with a run
 * from every start). */
static void test_affine_live_check_is_cheap(void **state)
{
	(void)state;
	static const char *const divs[] = {"kl", "chi2", "hellinger", "reverse_kl"};
	for (size_t d = 0; d < sizeof divs / sizeof divs[0]; d++)
		for (int norm = MT_NORM_SUM; norm <= MT_NORM_MAX; norm++) {
			double e = evaluations_per_search(divs[d], (mt_norm)norm, &mt_pay_vcg);
			printf("vcg %s %s: %.0f evaluations per search\n", divs[d],
			       mt_norm_name((mt_norm)norm), e);
			assert_true(e < 200.0);
		}
}

/* Without payment (hellinger and reverse_kl: no exact method) BFGS runs
 * from every start; a gradient reuses the training its point's value did.
 * Measured: 72 to 75 evaluations per search with sum normalization, 174
 * to 180 with max (115 to 121 and 311 to 321 when every gradient trains
 * again). */
static void test_none_search_budget(void **state)
{
	(void)state;
	static const char *const divs[] = {"hellinger", "reverse_kl"};
	for (size_t d = 0; d < 2; d++)
		for (int norm = MT_NORM_SUM; norm <= MT_NORM_MAX; norm++) {
			double e = evaluations_per_search(divs[d], (mt_norm)norm, &mt_pay_none);
			printf("none %s %s: %.0f evaluations per search\n", divs[d],
			       mt_norm_name((mt_norm)norm), e);
			assert_true(e < (norm == MT_NORM_SUM ? 95.0 : 245.0));
		}
}

int main(void)
{
	mt_library_init();
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_affine_live_check_is_cheap),
	        cmocka_unit_test(test_none_search_budget),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
