/* Sweeps: truthful rows agree with the solver, the families move the way
 * the paper says, and a Table-1 replay (theory.md section 8). */
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
#include "mechtune/sweep.h"
#include "mechtune/train.h"
#include "mechtune/worker.h"
#include "testutil.h"

static void test_truth_rows(void **state)
{
	(void)state;
	tu_rng rng = {5};
	for (int trial = 0; trial < 50; trial++) {
		mt_scenario *sc =
		        tu_random_scenario(&rng, 4, 3, trial % 2 ? MT_NORM_MAX : MT_NORM_SUM, 0.05);
		sc->payment = trial % 3 ? &mt_pay_vcg : &mt_pay_none;
		mt_outcome o;
		assert_int_equal(mt_solve(sc, &o, NULL, NULL), MT_OK);
		for (int f = 0; f < 4; f++) {
			mt_sweep s;
			double at = f == MT_SWEEP_LAMBDA    ? sc->lambda
			            : f == MT_SWEEP_EPSILON ? 0.0
			                                    : 1.0;
			assert_int_equal(mt_sweep_run(sc, (mt_sweep_family)f, 1, at, at + 1.0, 3,
			                              &s, NULL, NULL),
			                 MT_OK);
			assert_int_equal(s.nrows, 3);
			assert_true(fabs(s.rows[0].utility - o.groups[1].utility) < 1e-12);
			assert_true(fabs(s.rows[0].welfare - o.welfare) < 1e-12);
			assert_true(fabs(s.truth_param - at) < 1e-15);
			assert_true(fabs(s.rows[1].param - (at + 0.5)) < 1e-12);
			if (f == MT_SWEEP_LAMBDA)
				for (size_t j = 0; j < sc->n; j++)
					assert_true(fabs(s.rows[0].utilities[j] -
					                 o.groups[j].utility) < 1e-12);
			else
				assert_null(s.rows[0].utilities);
			mt_sweep_release(&s);
		}
		mt_outcome_release(&o);
		mt_scenario_free(sc);
	}
}

/* Paper, real-LLM experiments: without payment overstating the size and
 * mixing away (beta > 1) raise the valuation; with vcg the truth is best. */
static void test_families(void **state)
{
	(void)state;
	tu_rng rng = {8};
	for (int trial = 0; trial < 100; trial++) {
		mt_scenario *sc = tu_random_scenario(&rng, 5, 2, MT_NORM_SUM, 0.05);
		for (int f = 0; f < 3; f++) {
			double lo = f == MT_SWEEP_EPSILON ? 0.0 : 0.5,
			       hi = f == MT_SWEEP_EPSILON ? 0.05 : 1.5;
			mt_sweep s;
			sc->payment = &mt_pay_vcg;
			assert_int_equal(
			        mt_sweep_run(sc, (mt_sweep_family)f, 0, lo, hi, 21, &s, NULL, NULL),
			        MT_OK);
			size_t truth = f == MT_SWEEP_EPSILON ? 0 : 10;
			for (size_t k = 0; k < s.nrows; k++)
				assert_true(s.rows[k].utility <=
				            s.rows[truth].utility +
				                    1e-9 * (1.0 + fabs(s.rows[truth].utility)));
			mt_sweep_release(&s);
			if (f == MT_SWEEP_ALPHA) { /* none: size inflation never hurts */
				sc->payment = &mt_pay_none;
				assert_int_equal(mt_sweep_run(sc, MT_SWEEP_ALPHA, 0, 0.5, 1.5, 11,
				                              &s, NULL, NULL),
				                 MT_OK);
				for (size_t k = 1; k < s.nrows; k++)
					assert_true(s.rows[k].valuation >=
					            s.rows[k - 1].valuation - 1e-12);
				mt_sweep_release(&s);
			}
		}
		mt_scenario_free(sc);
	}
	mt_sweep s;
	mt_scenario *sc = tu_random_scenario(&rng, 3, 2, MT_NORM_SUM, 0.05);
	assert_int_equal(mt_sweep_run(sc, MT_SWEEP_LAMBDA, 0, -1.0, 1.0, 3, &s, NULL, NULL),
	                 MT_EINVAL);
	mt_sweep_release(&s);
	assert_int_equal(mt_sweep_run(sc, MT_SWEEP_ALPHA, 7, 1.0, 1.0, 3, &s, NULL, NULL),
	                 MT_EINVAL);
	mt_sweep_release(&s);
	mt_scenario_free(sc);
	mt_sweep_family fam;
	assert_true(mt_sweep_family_parse("beta", &fam) && fam == MT_SWEEP_BETA);
	assert_false(mt_sweep_family_parse("gamma", &fam));
	assert_string_equal(mt_sweep_family_name(MT_SWEEP_LAMBDA), "lambda");
}

/* Table 1: 5 groups, 10 responses, uniform rewards sum-normalized, sizes
 * uniform in {1..10}, group 1 polarizes with step eps, vcg.  Fewer samples
 * than the paper's 100000 so it runs in a second; uniform q, lambda 0.1. */
static void test_table1_replay(void **state)
{
	(void)state;
	static const double eps[] = {0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1};
	enum { NE = 7 };
	double dv[NE] = {0}, du[NE] = {0};
	tu_rng rng = {1};
	const char *s = getenv("MT_TEST_SCALE");
	int samples = s && atof(s) > 0.0 && atof(s) < 1.0 ? 500 : 3000;
	for (int k = 0; k < samples; k++) {
		mt_scenario *sc = mt_scenario_new(10, 5);
		sc->lambda = 0.1;
		for (size_t i = 0; i < 5; i++) {
			for (size_t x = 0; x < 10; x++)
				sc->groups[i].rewards[x] = tu_uniform(&rng);
			mt_normalize(MT_NORM_SUM, 10, sc->groups[i].rewards);
			sc->groups[i].size = 1.0 + floor(10.0 * tu_uniform(&rng));
			mt_group_tell_truth(sc, i);
		}
		mt_sweep base;
		assert_int_equal(
		        mt_sweep_run(sc, MT_SWEEP_EPSILON, 0, 0.0, 0.0, 1, &base, NULL, NULL),
		        MT_OK);
		for (int e = 0; e < NE; e++) {
			mt_sweep one;
			assert_int_equal(mt_sweep_run(sc, MT_SWEEP_EPSILON, 0, eps[e], eps[e], 1,
			                              &one, NULL, NULL),
			                 MT_OK);
			/* the paper's valuation is the group's, w_1 v_1 */
			dv[e] += sc->groups[0].size *
			         (one.rows[0].valuation - base.rows[0].valuation);
			du[e] += one.rows[0].utility - base.rows[0].utility;
			mt_sweep_release(&one);
		}
		mt_sweep_release(&base);
		mt_scenario_free(sc);
	}
	for (int e = 0; e < NE; e++) {
		dv[e] /= samples;
		du[e] /= samples;
		print_message("eps %-6g  dv x1e2 %8.4f   du x1e4 %9.4f\n", eps[e], dv[e] * 1e2,
		              du[e] * 1e4);
		assert_true(dv[e] > 0.0); /* the lie raises the valuation ... */
		assert_true(du[e] < 0.0); /* ... and lowers the utility under vcg */
		if (e)
			assert_true(dv[e] > dv[e - 1] && du[e] < du[e - 1]);
	}
	/* linear valuation gain and quadratic utility loss for small eps */
	assert_true(fabs(dv[1] / dv[0] - 2.0) < 0.1);
	assert_true(fabs(du[1] / du[0] - 4.0) < 0.4);
	/* levelling off once eps reaches the smallest rewards */
	assert_true(dv[6] - dv[5] < 0.25 * (dv[5] - dv[4]) * (0.05 / 0.03));
	assert_true(dv[6] < 1.2 * dv[5]);
	/* the paper's magnitude at small eps (within a factor 2; lambda unstated) */
	assert_true(dv[0] * 1e2 > 0.1073 / 2.0 && dv[0] * 1e2 < 0.1073 * 2.0);
	assert_true(du[6] * 1e4 < -55.8977 / 2.0 && du[6] * 1e4 > -55.8977 * 2.0);
}

/* The plot's ranges: the truthful parameter is a grid point, and the
 * positive families (sizes, lambda) stay positive even on coarse grids (a
 * 3-point alpha grid used to start at -1). */
static void test_plot_ranges(void **state)
{
	(void)state;
	tu_rng rng = {5};
	for (int trial = 0; trial < 40; trial++) {
		mt_scenario *sc =
		        tu_random_scenario(&rng, 3, 4, trial % 2 ? MT_NORM_MAX : MT_NORM_SUM, 0.0);
		for (size_t steps = 2; steps <= 45; steps++) {
			for (int f = 0; f <= MT_SWEEP_LAMBDA; f++) {
				double from, to;
				size_t i = (size_t)trial % sc->n;
				if (!mt_worker_sweep_range(sc, (mt_sweep_family)f, i, steps, &from,
				                           &to))
					continue;
				assert_true(isfinite(from) && isfinite(to) && from < to);
				if (f == MT_SWEEP_ALPHA || f == MT_SWEEP_LAMBDA)
					assert_true(from > 0.0);
				double truth = f == MT_SWEEP_LAMBDA    ? sc->lambda
				               : f == MT_SWEEP_EPSILON ? 0.0
				                                       : 1.0;
				if (steps < 3 || !(truth > from && truth < to))
					continue;
				double pos = (truth - from) / (to - from) * (double)(steps - 1);
				assert_true(fabs(pos - round(pos)) < 1e-9);
				mt_sweep sw;
				mt_error err;
				mt_status st = mt_sweep_run(sc, (mt_sweep_family)f, i, from, to,
				                            steps, &sw, NULL, &err);
				if (st)
					fail_msg("family %d, %zu steps [%g, %g]: %s", f, steps,
					         from, to, err.msg);
				mt_sweep_release(&sw);
			}
		}
		mt_scenario_free(sc);
	}
}

int main(void)
{
	mt_library_init();
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_truth_rows),
	        cmocka_unit_test(test_families),
	        cmocka_unit_test(test_table1_replay),
	        cmocka_unit_test(test_plot_ranges),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
