/* The SW-Max training rule against brute force and closed forms. */
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

/* Grid search over the 3-simplex at resolution 1/N: max ASW and argmax. */
static double grid_max3(const mt_rule *r, const double *S, int N, double *arg)
{
	double best = -INFINITY;
	for (int a = 0; a <= N; a++)
		for (int b = 0; a + b <= N; b++) {
			double p[3] = {(double)a / N, (double)b / N, (double)(N - a - b) / N};
			double v = mt_asw(r, S, p);
			if (v > best) {
				best = v;
				memcpy(arg, p, sizeof p);
			}
		}
	return best;
}

static void check_divergence_against_grid(const mt_divergence *d)
{
	tu_rng rng = {42};
	for (int trial = 0; trial < 40; trial++) {
		double q[3], S[3], p[3], scratch[3], arg[3];
		for (int x = 0; x < 3; x++) {
			q[x] = 0.1 + tu_uniform(&rng);
			S[x] = 3.0 * tu_uniform(&rng);
		}
		mt_normalize(MT_NORM_SUM, 3, q);
		mt_rule r = {.m = 3, .q = q, .div = d, .lambda = 0.2 + 2.0 * tu_uniform(&rng)};
		double value;
		assert_int_equal(mt_train(&r, S, p, &value, NULL, scratch, NULL), MT_OK);
		/* The reported maximum is the ASW of the reported policy ... */
		assert_true(fabs(value - mt_asw(&r, S, p)) < 1e-9);
		/* ... no grid point beats it ... */
		double g = grid_max3(&r, S, 400, arg);
		assert_true(g <= value + 1e-9);
		/* ... and the grid comes close to it, near the same policy. */
		assert_true(value - g < 5e-3);
		if (d->continuous)
			for (int x = 0; x < 3; x++)
				assert_true(fabs(p[x] - arg[x]) < 0.03);
	}
}

static void test_kl_grid(void **state)
{
	(void)state;
	check_divergence_against_grid(&mt_div_kl);
}
static void test_chi2_grid(void **state)
{
	(void)state;
	check_divergence_against_grid(&mt_div_chi2);
}
static void test_hellinger_grid(void **state)
{
	(void)state;
	check_divergence_against_grid(&mt_div_hellinger);
}
static void test_reverse_kl_grid(void **state)
{
	(void)state;
	check_divergence_against_grid(&mt_div_reverse_kl);
}
static void test_tv_grid(void **state)
{
	(void)state;
	check_divergence_against_grid(&mt_div_tv);
}

/* Two responses: a 1-D scan at resolution 1e-6 pins the optimum tightly. */
static void test_two_responses_fine_scan(void **state)
{
	(void)state;
	for (size_t k = 0; mt_divergences[k]; k++) {
		const mt_divergence *d = mt_divergences[k];
		if (!d->continuous)
			continue;
		double q[2] = {0.3, 0.7}, S[2] = {1.0, 0.4}, p[2], scratch[2], value;
		mt_rule r = {.m = 2, .q = q, .div = d, .lambda = 0.5};
		assert_int_equal(mt_train(&r, S, p, &value, NULL, scratch, NULL), MT_OK);
		double best = -INFINITY, arg = 0;
		for (int i = 1; i < 1000000; i++) {
			double pp[2] = {i * 1e-6, 1.0 - i * 1e-6};
			double v = mt_asw(&r, S, pp);
			if (v > best) {
				best = v;
				arg = pp[0];
			}
		}
		assert_true(fabs(p[0] - arg) < 2e-5);
		assert_true(best <= value + 1e-12);
	}
}

static void test_kl_closed_form(void **state)
{
	(void)state;
	tu_rng rng = {7};
	enum { M = 50 };
	double q[M], S[M], p[M], scratch[M];
	for (int x = 0; x < M; x++) {
		q[x] = 0.01 + tu_uniform(&rng);
		S[x] = 10.0 * tu_uniform(&rng);
	}
	mt_normalize(MT_NORM_SUM, M, q);
	mt_rule r = {.m = M, .q = q, .div = &mt_div_kl, .lambda = 0.7};
	double value, z = 0.0;
	assert_int_equal(mt_train(&r, S, p, &value, NULL, scratch, NULL), MT_OK);
	for (int x = 0; x < M; x++)
		z += q[x] * exp(S[x] / 0.7);
	for (int x = 0; x < M; x++)
		assert_true(fabs(p[x] - q[x] * exp(S[x] / 0.7) / z) < 1e-12);
	assert_true(fabs(value - 0.7 * log(z)) < 1e-9);
}

/* Stable and finite over the range the issue asks for. */
static void test_extreme_ranges(void **state)
{
	(void)state;
	const double lambdas[] = {1e-4, 1e-2, 1.0, 1e2, 1e4};
	const double scales[] = {1e-3, 1.0, 1e3, 1e6};
	enum { M = 6 };
	double q[M] = {0.05, 0.1, 0.15, 0.2, 0.2, 0.3}, S[M], p[M], scratch[M];
	for (size_t k = 0; mt_divergences[k]; k++)
		for (size_t a = 0; a < 5; a++)
			for (size_t b = 0; b < 4; b++) {
				for (int x = 0; x < M; x++)
					S[x] = scales[b] * (double)((x * 7) % M) / M;
				mt_rule r = {.m = M,
				             .q = q,
				             .div = mt_divergences[k],
				             .lambda = lambdas[a]};
				double value, sum = 0.0;
				assert_int_equal(mt_train(&r, S, p, &value, NULL, scratch, NULL),
				                 MT_OK);
				assert_true(isfinite(value));
				for (int x = 0; x < M; x++) {
					assert_true(isfinite(p[x]) && p[x] >= 0.0);
					sum += p[x];
				}
				assert_true(fabs(sum - 1.0) < 1e-12);
				/* the optimum is no worse than the reference or the best vertex */
				assert_true(value >= mt_asw(&r, S, q) - 1e-9 * (1 + fabs(value)));
			}
}

/* The root-solved divergences find mu by Newton's method (div_root.h): it
 * must settle without the bracketing fallback over the ranges the analysis
 * meets (1 to 300 responses, lambda 1e-3 to 1e3, rewards up to 1e3, ties,
 * one response far ahead, all rewards equal), and the policy must satisfy
 * the optimality conditions: f'(p/q) - S constant on the support, at most
 * f'(0+) - S off it (chi2), total mass 1, value = ASW(p). */
static void test_root_newton_settles(void **state)
{
	(void)state;
	const mt_divergence *divs[] = {&mt_div_chi2, &mt_div_hellinger, &mt_div_reverse_kl};
	enum { M = 300 };
	static double q[M], S[M], p[M], scratch[M];
	tu_rng rng = {7};
	unsigned long before = mt_train_root_fallbacks();
	for (int trial = 0; trial < 600; trial++) {
		const mt_divergence *d = divs[trial % 3];
		size_t m = 1 + (size_t)(tu_uniform(&rng) * (trial % 5 == 0 ? M : 12));
		if (m > M)
			m = M;
		double lambda = pow(10.0, -3.0 + 6.0 * tu_uniform(&rng));
		double scale = pow(10.0, -2.0 + 5.0 * tu_uniform(&rng));
		int shape = trial / 3 % 4;
		for (size_t x = 0; x < m; x++) {
			q[x] = 0.01 + tu_uniform(&rng);
			S[x] = shape == 0 ? scale * tu_uniform(&rng)
			       : shape == 1
			               ? scale * (double)(int)(3.0 * tu_uniform(&rng)) /* ties */
			       : shape == 2 ? (x == 0 ? scale : 1e-3 * scale * tu_uniform(&rng))
			                    : 0.5 * scale; /* all equal */
		}
		mt_normalize(MT_NORM_SUM, m, q);
		mt_rule r = {.m = m, .q = q, .div = d, .lambda = lambda};
		double value;
		assert_int_equal(mt_train(&r, S, p, &value, NULL, scratch, NULL), MT_OK);
		double sum = 0.0, smax = S[0];
		for (size_t x = 0; x < m; x++) {
			sum += p[x];
			smax = fmax(smax, S[x]);
		}
		assert_true(fabs(sum - 1.0) < 1e-12);
		assert_true(fabs(value - mt_asw(&r, S, p)) <= 1e-10 * (1.0 + fabs(value)));
		/* stationarity: c = f'(p/q) - S on the support */
		double c = NAN;
		for (size_t x = 0; x < m; x++)
			if (p[x] > 1e-9 * q[x]) {
				double cx = d->fprime(p[x] / q[x], lambda) - S[x];
				if (isnan(c))
					c = cx;
				assert_true(fabs(cx - c) <= 1e-7 * (lambda + smax));
			}
		assert_true(c == c); /* some response has mass */
		for (size_t x = 0; x < m; x++)
			if (d == &mt_div_chi2 && p[x] == 0.0) /* f'(0+) - S >= c */
				assert_true(d->fprime(0.0, lambda) - S[x] >=
				            c - 1e-7 * (lambda + smax));
	}
	assert_int_equal(mt_train_root_fallbacks() - before, 0);
}

static void test_menu_picks_best_candidate(void **state)
{
	(void)state;
	mt_scenario *sc = mt_scenario_new(3, 1);
	sc->k = 3;
	sc->candidates = calloc(3, sizeof *sc->candidates);
	const double pol[3][3] = {{0.2, 0.3, 0.5}, {0.6, 0.2, 0.2}, {0.6, 0.2, 0.2}};
	for (int c = 0; c < 3; c++) {
		sc->candidates[c].name = strdup(c == 0 ? "a" : c == 1 ? "b" : "c");
		sc->candidates[c].policy = malloc(3 * sizeof(double));
		memcpy(sc->candidates[c].policy, pol[c], sizeof pol[c]);
	}
	double r[3] = {0.7, 0.2, 0.1};
	memcpy(sc->groups[0].rewards, r, sizeof r);
	mt_group_tell_truth(sc, 0);
	sc->lambda = 0.05;
	mt_outcome o;
	assert_int_equal(mt_solve(sc, &o, NULL, NULL), MT_OK);
	assert_int_equal(o.choice, 1); /* tie with "c" goes to the lowest index */
	assert_true(fabs(o.policy[0] - 0.6) < 1e-15);
	/* one group alone: its pivot is the best candidate with no rewards */
	mt_outcome_release(&o);
	mt_scenario_free(sc);
}

int main(void)
{
	mt_library_init();
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_kl_grid),
	        cmocka_unit_test(test_chi2_grid),
	        cmocka_unit_test(test_hellinger_grid),
	        cmocka_unit_test(test_reverse_kl_grid),
	        cmocka_unit_test(test_tv_grid),
	        cmocka_unit_test(test_two_responses_fine_scan),
	        cmocka_unit_test(test_kl_closed_form),
	        cmocka_unit_test(test_extreme_ranges),
	        cmocka_unit_test(test_root_newton_settles),
	        cmocka_unit_test(test_menu_picks_best_candidate),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
