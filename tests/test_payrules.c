/* The extra payment rules: vcg_shifted, early_stop, checkpoint, and the
 * mirror-ascent "training" behind the last two (theory.md sections 5, 7). */
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
#include "mechtune/mirror.h"
#include "mechtune/train.h"
#include "mechtune/yamlio.h"
#include "testutil.h"

static mt_outcome solve_with(mt_scenario *sc, const mt_payment_rule *r)
{
	mt_outcome o;
	sc->payment = r;
	assert_int_equal(mt_solve(sc, &o, NULL, NULL), MT_OK);
	return o;
}

static void test_table(void **state)
{
	(void)state;
	assert_ptr_equal(mt_payment_find("vcg_shifted"), &mt_pay_vcg_shifted);
	assert_ptr_equal(mt_payment_find("checkpoint"), &mt_pay_checkpoint);
	assert_ptr_equal(mt_payment_find("early_stop"), &mt_pay_early_stop);
	assert_false(mt_pay_checkpoint.dsic);
	assert_true(mt_pay_early_stop.dsic && mt_pay_vcg_shifted.dsic);
}

/* What the descriptors say is what the rules do: a rule that charges
 * nothing charges 0 and has the NONE shape; an AFFINE rule's pay_i +
 * ASW_{-i}(p*) does not depend on group i's report (the analysis relies on
 * it); every other rule charges something somewhere. */
static void test_descriptor_flags(void **state)
{
	(void)state;
	for (size_t k = 0; mt_payment_rules[k]; k++) {
		const mt_payment_rule *r = mt_payment_rules[k];
		assert_true(r->charges_nothing == (r->shape == MT_SHAPE_NONE));
		tu_rng rng = {40 + k};
		bool charged = false;
		for (int trial = 0; trial < 20; trial++) {
			mt_scenario *sc = tu_random_scenario(&rng, 4, 3, MT_NORM_SUM, 0.0);
			sc->payment = r;
			double base = 0.0;
			for (int rep = 0; rep < 3; rep++) {
				if (rep) { /* group 0 reports something else */
					tu_random_report(&rng, sc, sc->groups[0].reported,
					                 &sc->groups[0].reported_size);
				}
				mt_engine e;
				assert_int_equal(mt_engine_init(&e, sc, NULL, NULL), MT_OK);
				double pay[3];
				assert_int_equal(r->charge(&e, pay, NULL), MT_OK);
				for (size_t i = 0; i < 3; i++) {
					if (r->charges_nothing)
						assert_true(pay[i] == 0.0);
					charged |= pay[i] != 0.0;
				}
				double c = pay[0] + mt_engine_asw_without(&e, 0);
				if (!rep)
					base = c;
				else if (r->shape == MT_SHAPE_AFFINE)
					assert_true(fabs(c - base) <= 1e-9 * (1.0 + fabs(base)));
				mt_engine_release(&e);
			}
			mt_scenario_free(sc);
		}
		assert_true(charged == !r->charges_nothing);
	}
}

/* Many mirror-ascent steps reach the trained policy (KL). */
static void test_mirror_converges(void **state)
{
	(void)state;
	tu_rng rng = {3};
	for (int trial = 0; trial < 50; trial++) {
		mt_scenario *sc = tu_random_scenario(&rng, 6, 3, MT_NORM_SUM, 0.0);
		mt_engine e;
		assert_int_equal(mt_engine_init(&e, sc, NULL, NULL), MT_OK);
		double p[6], tmp[12];
		double eta = 0.5 / sc->lambda; /* eta lambda = 1/2: geometric convergence */
		assert_int_equal(mt_mirror_ascent(&e.rule, e.S, 200, eta, p, tmp, NULL, NULL, NULL,
		                                  NULL, NULL),
		                 MT_OK);
		for (size_t x = 0; x < 6; x++)
			assert_true(fabs(p[x] - e.p[x]) < 1e-9);
		mt_engine_release(&e);
		mt_scenario_free(sc);
	}
}

/* vcg_shifted = vcg + shift + fraction * pivot, and stays DSIC. */
static void test_vcg_shifted(void **state)
{
	(void)state;
	tu_rng rng = {4};
	for (int trial = 0; trial < 100; trial++) {
		mt_scenario *sc =
		        tu_random_scenario(&rng, 4, 3, trial % 2 ? MT_NORM_MAX : MT_NORM_SUM, 0.0);
		sc->pivot_fraction = 0.25 * tu_uniform(&rng);
		for (size_t i = 0; i < sc->n; i++)
			sc->groups[i].shift = tu_uniform(&rng) - 0.5;
		mt_outcome a = solve_with(sc, &mt_pay_vcg), b = solve_with(sc, &mt_pay_vcg_shifted);
		mt_engine e;
		assert_int_equal(mt_engine_init(&e, sc, NULL, NULL), MT_OK);
		for (size_t i = 0; i < sc->n; i++) {
			double pivot;
			assert_int_equal(mt_engine_pivot(&e, i, &pivot, NULL), MT_OK);
			double want = a.groups[i].payment + sc->groups[i].shift +
			              sc->pivot_fraction * pivot;
			assert_true(fabs(b.groups[i].payment - want) < 1e-12 * (1.0 + fabs(want)));
		}
		mt_engine_release(&e);
		mt_report_outcome br;
		assert_int_equal(mt_best_response(sc, 0, MT_BR_FULL, &br, NULL, NULL), MT_OK);
		assert_true(br.gain <= MT_DSIC_TOL * (1.0 + fabs(br.utility)));
		mt_report_outcome_release(&br);
		mt_outcome_release(&a);
		mt_outcome_release(&b);
		mt_scenario_free(sc);
	}
}

/* early_stop: DSIC on random scenarios, converges to vcg with many steps. */
static void test_early_stop(void **state)
{
	(void)state;
	tu_rng rng = {5};
	for (int trial = 0; trial < 100; trial++) {
		mt_scenario *sc =
		        tu_random_scenario(&rng, 4, 3, trial % 2 ? MT_NORM_MAX : MT_NORM_SUM, 0.0);
		sc->divergence = trial % 3 ? &mt_div_kl : &mt_div_chi2;
		sc->training.steps = 1 + (size_t)(5 * tu_uniform(&rng));
		sc->training.step_size = 0.05 + 0.5 * tu_uniform(&rng);
		sc->payment = &mt_pay_early_stop;
		for (int k = 0; k < 3; k++) {
			mt_report_outcome br;
			assert_int_equal(mt_best_response(sc, 1, (mt_br_kind)k, &br, NULL, NULL),
			                 MT_OK);
			if (br.gain > MT_DSIC_TOL * (1.0 + fabs(br.utility)))
				fail_msg("early_stop trial %d kind %d: gain %g", trial, k, br.gain);
			mt_report_outcome_release(&br);
		}
		sc->divergence = &mt_div_kl;
		sc->training.steps = 400;
		sc->training.step_size = 0.5 / sc->lambda;
		mt_outcome a = solve_with(sc, &mt_pay_vcg), b = solve_with(sc, &mt_pay_early_stop);
		for (size_t i = 0; i < sc->n; i++)
			assert_true(fabs(a.groups[i].payment - b.groups[i].payment) < 1e-9);
		mt_outcome_release(&a);
		mt_outcome_release(&b);
		mt_scenario_free(sc);
	}
}

/* checkpoint: never negative, never above vcg (the pivot is a max over a
 * subset of the simplex). */
static void test_checkpoint_bounds(void **state)
{
	(void)state;
	tu_rng rng = {6};
	for (int trial = 0; trial < 300; trial++) {
		mt_scenario *sc =
		        tu_random_scenario(&rng, 5, 3, trial % 2 ? MT_NORM_MAX : MT_NORM_SUM, 0.0);
		for (size_t j = 0; j < sc->n; j++)
			tu_random_report(&rng, sc, sc->groups[j].reported,
			                 &sc->groups[j].reported_size);
		sc->training.steps = 1 + (size_t)(8 * tu_uniform(&rng));
		mt_outcome a = solve_with(sc, &mt_pay_vcg), b = solve_with(sc, &mt_pay_checkpoint);
		for (size_t i = 0; i < sc->n; i++) {
			assert_true(b.groups[i].payment >= 0.0);
			assert_true(b.groups[i].payment <= a.groups[i].payment + 1e-9);
		}
		mt_outcome_release(&a);
		mt_outcome_release(&b);
		mt_scenario_free(sc);
	}
}

/* The shipped scenarios show each failure. */
static void test_shipped_scenarios(void **state)
{
	(void)state;
	mt_analysis_opts o;
	mt_analysis_opts_default(&o);
	o.ibr = false;
	mt_analysis a;
	mt_scenario *sc = tu_load_scenario("checkpoint_fails.yaml");
	assert_ptr_equal(sc->payment, &mt_pay_checkpoint);
	assert_int_equal(mt_analyze_ex(sc, NULL, &o, &a, NULL, NULL), MT_OK);
	assert_false(a.dsic);
	assert_true(a.nonnegative_payments);
	assert_true(a.max_gain > 1e-3);
	mt_analysis_release(&a);
	assert_int_equal(mt_analyze_ex(sc, &mt_pay_vcg, &o, &a, NULL, NULL), MT_OK);
	assert_true(a.dsic && a.nonnegative_payments);
	mt_analysis_release(&a);
	mt_scenario_free(sc);

	sc = tu_load_scenario("early_stop_negative.yaml");
	assert_ptr_equal(sc->payment, &mt_pay_early_stop);
	assert_int_equal(mt_analyze_ex(sc, NULL, &o, &a, NULL, NULL), MT_OK);
	assert_true(a.dsic);
	assert_false(a.nonnegative_payments);
	mt_analysis_release(&a);
	mt_scenario_free(sc);
}

int main(void)
{
	mt_library_init();
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_table),
	        cmocka_unit_test(test_descriptor_flags),
	        cmocka_unit_test(test_mirror_converges),
	        cmocka_unit_test(test_vcg_shifted),
	        cmocka_unit_test(test_early_stop),
	        cmocka_unit_test(test_checkpoint_bounds),
	        cmocka_unit_test(test_shipped_scenarios),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
