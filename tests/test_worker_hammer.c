/* The solver worker under a storm of submissions (issue 8): thousands of
 * scenarios submitted, cancelled (NULL submissions) and taken at random
 * moments.  Generations only grow, a taken result always belongs to a
 * submission and matches a direct solve of that scenario, nothing cancelled
 * is published, the last submission's result arrives and is right, and
 * stopping with work in flight neither hangs nor leaks.  Run under TSan in
 * the thread-sanitizer build. */
#include <math.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mechtune/library.h"
#include "mechtune/worker.h"
#include "mechtune/yamlio.h"
#include "testutil.h"

/* Submission k solves the default scenario at this lambda. */
static double lambda_of(size_t k)
{
	return 0.05 + 0.001 * (double)(k % 5000);
}

static mt_scenario *scenario_for(const mt_scenario *base, size_t k)
{
	mt_scenario *sc = mt_scenario_clone(base);
	assert_non_null(sc);
	sc->lambda = lambda_of(k);
	return sc;
}

static void assert_same_solve(const mt_scenario *base, size_t k, const mt_outcome *got)
{
	mt_scenario *sc = scenario_for(base, k);
	mt_outcome want;
	mt_error err;
	assert_int_equal(mt_solve(sc, &want, NULL, &err), MT_OK);
	assert_int_equal(got->m, want.m);
	assert_int_equal(got->n, want.n);
	for (size_t x = 0; x < want.m; x++)
		assert_true(fabs(got->policy[x] - want.policy[x]) <= 1e-12);
	for (size_t i = 0; i < want.n; i++)
		assert_true(fabs(got->groups[i].payment - want.groups[i].payment) <= 1e-12);
	mt_outcome_release(&want);
	mt_scenario_free(sc);
}

typedef struct {
	const mt_scenario *base;
	unsigned long first_gen;            /* generation of submission 0 */
	unsigned long last_gen;             /* last generation submitted */
	unsigned long seen[MT_STAGE_COUNT]; /* newest generation taken per stage */
	unsigned char *is_null;             /* by generation - first_gen: a cancel */
	size_t checked;                     /* results compared with a direct solve */
} hammer;

/* Take whatever is published and check it. */
static void take_and_check(mt_worker *w, hammer *h)
{
	mt_stage_result *got[MT_STAGE_COUNT];
	mt_worker_take(w, got);
	for (int s = 0; s < MT_STAGE_COUNT; s++) {
		mt_stage_result *res = got[s];
		if (!res)
			continue;
		assert_int_equal(res->stage, s);
		assert_true(res->generation >= h->first_gen);
		assert_true(res->generation <= h->last_gen);
		assert_true(res->generation >= h->seen[s]); /* never goes back */
		assert_int_not_equal(res->status, MT_ECANCELED);
		assert_false(h->is_null[res->generation - h->first_gen]);
		h->seen[s] = res->generation;
		if (s == MT_STAGE_SOLVE && res->status == MT_OK) {
			assert_true(res->have_outcome);
			assert_same_solve(h->base, res->generation - h->first_gen, &res->outcome);
			h->checked++;
		}
		mt_stage_result_free(res);
	}
}

static void test_hammer(void **state)
{
	(void)state;
	size_t count = 4000; /* not scaled: fast even under TSan */
	tu_rng r = {7};
	mt_scenario *base = NULL;
	mt_error err;
	assert_int_equal(mt_scenario_default(&base, &err), MT_OK);
	mt_worker *w = NULL;
	assert_int_equal(mt_worker_start(&w, &err), MT_OK);
	hammer h = {.base = base, .is_null = calloc(count, 1)};
	assert_non_null(h.is_null);
	size_t last_real = 0;
	for (size_t k = 0; k < count; k++) {
		mt_job_needs needs = {
		        .analysis = tu_uniform(&r) < 0.3,
		        .noise = tu_uniform(&r) < 0.1,
		        .sweeps = tu_uniform(&r) < 0.02,
		        .group = k % 2,
		        .sweep_steps = 5,
		};
		/* the last submission is always a real one */
		bool cancel = k + 1 < count && tu_uniform(&r) < 0.1;
		unsigned long gen =
		        mt_worker_submit(w, cancel ? NULL : scenario_for(base, k), &needs);
		if (k == 0)
			h.first_gen = gen;
		assert_int_equal(gen, h.first_gen + k); /* one more each time */
		h.last_gen = gen;
		h.is_null[k] = cancel;
		if (!cancel)
			last_real = k;
		if (tu_uniform(&r) < 0.3)
			take_and_check(w, &h);
		if (tu_uniform(&r) < 0.05) { /* now and then, let the worker finish */
			struct pollfd p = {.fd = mt_worker_fd(w), .events = POLLIN};
			poll(&p, 1, 20);
		}
	}
	assert_int_equal(last_real, count - 1);
	/* The last submission's solve and analysis arrive, and are right. */
	bool solved = false;
	for (int waited = 0; !solved && waited < 600; waited++) {
		struct pollfd p = {.fd = mt_worker_fd(w), .events = POLLIN};
		poll(&p, 1, 100);
		mt_stage_result *got[MT_STAGE_COUNT];
		mt_worker_take(w, got);
		for (int s = 0; s < MT_STAGE_COUNT; s++) {
			mt_stage_result *res = got[s];
			if (!res)
				continue;
			assert_true(res->generation >= h.seen[s]);
			h.seen[s] = res->generation;
			if (s == MT_STAGE_SOLVE && res->generation == h.last_gen) {
				assert_int_equal(res->status, MT_OK);
				assert_same_solve(base, count - 1, &res->outcome);
				solved = true;
			}
			mt_stage_result_free(res);
		}
	}
	assert_true(solved);
	print_message("%zu results checked against a direct solve\n", h.checked);
	assert_true(h.checked > 0);
	/* Stop with work in flight: no hang, nothing leaks (ASan). */
	mt_job_needs all = {.analysis = true, .noise = true, .sweeps = true, .sweep_steps = 41};
	for (int k = 0; k < 3; k++)
		mt_worker_submit(w, scenario_for(base, (size_t)k), &all);
	mt_worker_stop(w);
	free(h.is_null);
	mt_scenario_free(base);
}

/* Many workers started and stopped at once, each with a job running. */
static void test_start_stop(void **state)
{
	(void)state;
	mt_scenario *base = NULL;
	mt_error err;
	assert_int_equal(mt_scenario_default(&base, &err), MT_OK);
	int rounds = 200;
	for (int k = 0; k < rounds; k++) {
		mt_worker *w = NULL;
		assert_int_equal(mt_worker_start(&w, &err), MT_OK);
		mt_job_needs needs = {.analysis = true};
		mt_worker_submit(w, scenario_for(base, (size_t)k), &needs);
		if (k % 2)
			mt_worker_submit(w, NULL, NULL);
		mt_worker_stop(w);
	}
	mt_worker_stop(NULL);
	mt_scenario_free(base);
}

int main(void)
{
	mt_library_init();
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_hammer),
	        cmocka_unit_test(test_start_stop),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
