/* The worker's progress counters (issue 10: "best responses 12/32" in the
 * explorer's header): read from this thread while the worker thread writes
 * them (the thread-sanitizer build checks that they are atomics), they never
 * go past their totals, belong to a submitted generation, and once a job is
 * done the analysis counted one step per group and analysis, the sweeps one
 * per family. */
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

/* n groups, m responses, vcg (two analyses: none and the rule). */
static mt_scenario *scenario(size_t m, size_t n)
{
	mt_scenario *sc = mt_scenario_new(m, n);
	assert_non_null(sc);
	for (size_t i = 0; i < n; i++) {
		for (size_t x = 0; x < m; x++)
			sc->groups[i].rewards[x] = (double)((i + x) % m + 1);
		mt_normalize(sc->normalization, m, sc->groups[i].rewards);
		mt_group_tell_truth(sc, i);
	}
	return sc;
}

static void test_progress_counts(void **state)
{
	(void)state;
	mt_worker *w;
	mt_error err;
	assert_int_equal(mt_worker_start(&w, &err), MT_OK);
	const size_t n = 6, m = 24;
	mt_job_needs needs = {.analysis = true, .sweeps = true, .group = 1, .sweep_steps = 9};
	unsigned long gen = mt_worker_submit(w, scenario(m, n), &needs);
	bool got[MT_STAGE_COUNT] = {false};
	size_t polls = 0, seen_running = 0;
	while (!got[MT_STAGE_SOLVE] || !got[MT_STAGE_ANALYSIS] || !got[MT_STAGE_SWEEPS]) {
		mt_worker_progress_info pi;
		if (mt_worker_progress(w, &pi)) {
			seen_running++;
			assert_true(pi.generation == gen);
			assert_true(pi.stage < MT_STAGE_COUNT);
		}
		for (int s = 0; s < MT_STAGE_COUNT; s++)
			assert_true(pi.done[s] <= pi.total[s] || pi.total[s] == 0);
		assert_true(pi.total[MT_STAGE_ANALYSIS] == 0 ||
		            pi.total[MT_STAGE_ANALYSIS] == 2 * n);
		mt_stage_result *res[MT_STAGE_COUNT];
		mt_worker_take(w, res);
		for (int s = 0; s < MT_STAGE_COUNT; s++)
			if (res[s]) {
				assert_int_equal(res[s]->generation, gen);
				assert_int_equal(res[s]->status, MT_OK);
				got[s] = true;
				mt_stage_result_free(res[s]);
			}
		struct pollfd p = {.fd = mt_worker_fd(w), .events = POLLIN};
		poll(&p, 1, 1);
		assert_true(++polls < 200000);
	}
	/* The job is over: every step was counted. */
	mt_worker_progress_info pi;
	for (int k = 0; k < 1000 && mt_worker_progress(w, &pi); k++) {
		struct pollfd p = {.fd = -1};
		poll(&p, 0, 1); /* the worker leaves the last stage */
	}
	assert_false(mt_worker_progress(w, &pi));
	assert_int_equal(pi.generation, gen);
	assert_int_equal(pi.total[MT_STAGE_ANALYSIS], 2 * n);
	assert_int_equal(pi.done[MT_STAGE_ANALYSIS], 2 * n);
	assert_int_equal(pi.total[MT_STAGE_SWEEPS], MT_WORKER_NSWEEPS);
	assert_int_equal(pi.done[MT_STAGE_SWEEPS], MT_WORKER_NSWEEPS);
	(void)seen_running;
	mt_worker_stop(w);
}

int main(void)
{
	mt_library_init();
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_progress_counts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
