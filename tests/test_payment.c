/* Payments: the KL formula of theory.md section 4 and the mechanism's
 * properties (DSIC, IR, non-negative payments) on random scenarios. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mechtune/library.h"
#include "mechtune/train.h"
#include "testutil.h"

/* pay_i = lambda log sum q e^{S_-i/lambda} - [<p*, S_-i> - lambda KL(p*||q)] */
static void test_vcg_matches_kl_formula(void **state)
{
	(void)state;
	tu_rng rng = {11};
	for (int trial = 0; trial < 50; trial++) {
		mt_scenario *sc = tu_random_scenario(&rng, 5, 3, MT_NORM_SUM, 0.0);
		mt_outcome o;
		assert_int_equal(mt_solve(sc, &o, NULL, NULL), MT_OK);
		double lam = sc->lambda;
		for (size_t i = 0; i < sc->n; i++) {
			double z = 0.0, dot = 0.0, kl = 0.0;
			for (size_t x = 0; x < sc->m; x++) {
				double Si = 0.0;
				for (size_t j = 0; j < sc->n; j++)
					if (j != i)
						Si += sc->groups[j].reported_size *
						      sc->groups[j].reported[x];
				z += sc->reference[x] * exp(Si / lam);
				dot += o.policy[x] * Si;
				kl += o.policy[x] * log(o.policy[x] / sc->reference[x]);
			}
			double pay = lam * log(z) - (dot - lam * kl);
			assert_true(fabs(o.groups[i].payment - pay) < 1e-9);
		}
		mt_outcome_release(&o);
		mt_scenario_free(sc);
	}
}

/* A group so large that, without it, every term of the pivot's log-sum-exp
 * underflows when shifted by max S: the exact-shift fallback must kick in. */
static void test_vcg_pivot_underflow_fallback(void **state)
{
	(void)state;
	mt_scenario *sc = mt_scenario_new(2, 2);
	sc->max_size = 1e6;
	sc->lambda = 0.01;
	const double r0[2] = {1.0, 0.0}, r1[2] = {0.2, 0.8};
	memcpy(sc->groups[0].rewards, r0, sizeof r0);
	memcpy(sc->groups[1].rewards, r1, sizeof r1);
	sc->groups[0].size = 1e5;
	sc->groups[1].size = 1.0;
	mt_group_tell_truth(sc, 0);
	mt_group_tell_truth(sc, 1);
	mt_outcome o;
	assert_int_equal(mt_solve(sc, &o, NULL, NULL), MT_OK);
	/* without group 0: S = r1, pivot = 0.8 + lambda log(0.5 e^{-60} + 0.5) */
	double pivot = 0.8 + 0.01 * log(0.5 * exp(-0.6 / 0.01) + 0.5);
	/* p* = (1, ~0): ASW_{-0}(p*) = <p*, r1> - lambda KL(p*||q) */
	double kl = 0.0;
	for (int x = 0; x < 2; x++)
		if (o.policy[x] > 0.0)
			kl += o.policy[x] * log(o.policy[x] / 0.5);
	double expect = pivot - (o.policy[0] * 0.2 + o.policy[1] * 0.8 - 0.01 * kl);
	assert_true(isfinite(o.groups[0].payment));
	assert_true(fabs(o.groups[0].payment - expect) < 1e-9);
	mt_outcome_release(&o);
	mt_scenario_free(sc);
}

static double utility_with_report(const mt_scenario *sc, size_t i, const double *rewards,
                                  double size)
{
	mt_scenario *c = mt_scenario_clone(sc);
	memcpy(c->groups[i].reported, rewards, sc->m * sizeof *rewards);
	c->groups[i].reported_size = size;
	mt_outcome o;
	assert_int_equal(mt_solve(c, &o, NULL, NULL), MT_OK);
	double u = o.groups[i].utility;
	mt_outcome_release(&o);
	mt_scenario_free(c);
	return u;
}

/* On 1000 random scenarios per divergence: no random misreport beats the
 * truth under vcg, truthful utility >= 0 (IR) and payments >= 0. */
static void check_properties(const mt_divergence *d, mt_norm norm)
{
	tu_rng rng = {1234};
	for (int trial = 0; trial < 1000; trial++) {
		size_t m = 2 + (size_t)(tu_uniform(&rng) * 5),
		       n = 1 + (size_t)(tu_uniform(&rng) * 4);
		mt_scenario *sc = tu_random_scenario(&rng, m, n, norm, 0.0);
		sc->divergence = d;
		/* others may lie too: DSIC holds whatever they report */
		for (size_t j = 1; j < n; j++)
			tu_random_report(&rng, sc, sc->groups[j].reported,
			                 &sc->groups[j].reported_size);
		mt_outcome o;
		assert_int_equal(mt_solve(sc, &o, NULL, NULL), MT_OK);
		double u0 = o.groups[0].utility, tol = 1e-9 * (1.0 + fabs(u0));
		assert_true(u0 >= -tol);
		for (size_t i = 0; i < n; i++)
			assert_true(o.groups[i].payment >=
			            -1e-9 * (1.0 + o.groups[i].group_valuation));
		double rw[8], size;
		tu_random_report(&rng, sc, rw, &size);
		assert_true(utility_with_report(sc, 0, rw, size) <= u0 + tol);
		assert_true(utility_with_report(sc, 0, rw, sc->groups[0].size) <= u0 + tol);
		assert_true(utility_with_report(sc, 0, sc->groups[0].rewards, size) <= u0 + tol);
		/* under no payment nobody pays */
		sc->payment = &mt_pay_none;
		mt_outcome_release(&o);
		assert_int_equal(mt_solve(sc, &o, NULL, NULL), MT_OK);
		for (size_t i = 0; i < n; i++)
			assert_true(o.groups[i].payment == 0.0);
		assert_true(o.revenue == 0.0);
		mt_outcome_release(&o);
		mt_scenario_free(sc);
	}
}

static void test_properties_kl(void **state)
{
	(void)state;
	check_properties(&mt_div_kl, MT_NORM_SUM);
	check_properties(&mt_div_kl, MT_NORM_MAX);
}
static void test_properties_chi2(void **state)
{
	(void)state;
	check_properties(&mt_div_chi2, MT_NORM_SUM);
}
static void test_properties_hellinger(void **state)
{
	(void)state;
	check_properties(&mt_div_hellinger, MT_NORM_MAX);
}
static void test_properties_reverse_kl(void **state)
{
	(void)state;
	check_properties(&mt_div_reverse_kl, MT_NORM_SUM);
}
static void test_properties_tv(void **state)
{
	(void)state;
	check_properties(&mt_div_tv, MT_NORM_SUM);
}

/* The totals add up. */
static void test_totals(void **state)
{
	(void)state;
	tu_rng rng = {5};
	mt_scenario *sc = tu_random_scenario(&rng, 4, 3, MT_NORM_SUM, 0.0);
	mt_outcome o;
	assert_int_equal(mt_solve(sc, &o, NULL, NULL), MT_OK);
	double w = 0.0, rev = 0.0;
	for (size_t i = 0; i < sc->n; i++) {
		w += sc->groups[i].size * mt_dot(sc->m, o.policy, sc->groups[i].rewards);
		rev += o.groups[i].payment;
		assert_true(fabs(o.groups[i].utility -
		                 (o.groups[i].group_valuation - o.groups[i].payment)) < 1e-15);
	}
	assert_true(fabs(w - o.welfare) < 1e-12);
	assert_true(fabs(rev - o.revenue) < 1e-12);
	mt_outcome_release(&o);
	mt_scenario_free(sc);
}

int main(void)
{
	mt_library_init();
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_vcg_matches_kl_formula),
	        cmocka_unit_test(test_totals),
	        cmocka_unit_test(test_vcg_pivot_underflow_fallback),
	        cmocka_unit_test(test_properties_kl),
	        cmocka_unit_test(test_properties_chi2),
	        cmocka_unit_test(test_properties_hellinger),
	        cmocka_unit_test(test_properties_reverse_kl),
	        cmocka_unit_test(test_properties_tv),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
