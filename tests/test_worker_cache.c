/* The worker's stage cache (issue 10, defect 17): a submission with the same
 * numbers as the last one, whose results the caller holds, computes nothing
 * again; switching to the plot view computes only the sweeps, another group
 * only that group's sweeps; a changed number computes everything. */
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
#include "testutil.h"

typedef struct {
	mt_worker *w;
	mt_stage_result *held[MT_STAGE_COUNT]; /* what a UI would hold */
	unsigned long gen;
} ui;

static void hold_free(ui *u)
{
	for (int s = 0; s < MT_STAGE_COUNT; s++) {
		mt_stage_result_free(u->held[s]);
		u->held[s] = NULL;
	}
}

/* Submit sc with these needs, telling the worker what we hold, and take
 * results until `last` of this generation arrives (as loop.c does). */
static void run(ui *u, const mt_scenario *sc, mt_job_needs needs, mt_stage last)
{
	for (int s = 0; s < MT_STAGE_COUNT; s++)
		needs.have[s] =
		        u->held[s] && u->held[s]->status == MT_OK ? u->held[s]->generation : 0;
	mt_scenario *job = mt_scenario_clone(sc);
	assert_non_null(job);
	u->gen = mt_worker_submit(u->w, job, &needs);
	for (int polls = 0; polls < 3000; polls++) {
		struct pollfd pfd = {.fd = mt_worker_fd(u->w), .events = POLLIN};
		poll(&pfd, 1, 100);
		mt_stage_result *got[MT_STAGE_COUNT];
		mt_worker_take(u->w, got);
		for (int s = 0; s < MT_STAGE_COUNT; s++) {
			if (!got[s])
				continue;
			assert_int_equal(got[s]->generation, u->gen);
			assert_int_equal(got[s]->status, MT_OK);
			if (got[s]->reused) {
				assert_non_null(u->held[s]);
				assert_int_equal(u->held[s]->generation, got[s]->reused_from);
				u->held[s]->generation = got[s]->generation;
				mt_stage_result_free(got[s]);
			} else {
				mt_stage_result_free(u->held[s]);
				u->held[s] = got[s];
			}
		}
		if (u->held[last] && u->held[last]->generation == u->gen)
			return;
	}
	fail_msg("stage %d never arrived", (int)last);
}

static void assert_runs(const ui *u, unsigned long solve, unsigned long analysis,
                        unsigned long sweeps)
{
	assert_int_equal(mt_worker_stage_runs(u->w, MT_STAGE_SOLVE), solve);
	assert_int_equal(mt_worker_stage_runs(u->w, MT_STAGE_ANALYSIS), analysis);
	assert_int_equal(mt_worker_stage_runs(u->w, MT_STAGE_SWEEPS), sweeps);
}

static void test_stages_are_reused(void **state)
{
	(void)state;
	mt_scenario *sc = tu_load_scenario("polarization.yaml");
	ui u = {0};
	mt_error err;
	assert_int_equal(mt_worker_start(&u.w, &err), MT_OK);
	mt_job_needs main_view = {.analysis = true, .group = 0, .sweep_steps = 5};
	mt_job_needs plot = main_view;
	plot.sweeps = true;

	run(&u, sc, main_view, MT_STAGE_ANALYSIS);
	assert_runs(&u, 1, 1, 0);
	run(&u, sc, plot, MT_STAGE_SWEEPS); /* v: only the sweeps */
	assert_runs(&u, 1, 1, 1);
	assert_true(u.held[MT_STAGE_SWEEPS]->have_sweep[MT_SWEEP_ALPHA]);
	plot.group = 1; /* Tab in the plot: that group's sweeps */
	run(&u, sc, plot, MT_STAGE_SWEEPS);
	assert_runs(&u, 1, 1, 2);
	assert_int_equal(u.held[MT_STAGE_SWEEPS]->group, 1);
	plot.sweep_from[MT_SWEEP_ALPHA] = 0.5; /* a range of the user's: computed */
	plot.sweep_to[MT_SWEEP_ALPHA] = 5.0;
	run(&u, sc, plot, MT_STAGE_SWEEPS);
	assert_runs(&u, 1, 1, 3);
	const mt_sweep *al = &u.held[MT_STAGE_SWEEPS]->sweeps[MT_SWEEP_ALPHA];
	assert_true(fabs(al->rows[0].param - 0.5) < 1e-12);
	assert_true(fabs(al->rows[al->nrows - 1].param - 5.0) < 1e-12);
	run(&u, sc, plot, MT_STAGE_SWEEPS); /* the same range again: reused */
	assert_runs(&u, 1, 1, 3);
	main_view.group = 1; /* leaving v */
	run(&u, sc, main_view, MT_STAGE_ANALYSIS);
	assert_runs(&u, 1, 1, 3);
	main_view.group = 0; /* another group in the main view */
	run(&u, sc, main_view, MT_STAGE_ANALYSIS);
	assert_runs(&u, 1, 1, 3);

	/* A name is not a number: still reused. */
	mt_scenario *renamed = mt_scenario_clone(sc);
	assert_int_equal(mt_scenario_set_name(&renamed->groups[0].name, "Renamed"), MT_OK);
	run(&u, renamed, main_view, MT_STAGE_ANALYSIS);
	assert_runs(&u, 1, 1, 3);

	/* A changed number computes everything. */
	mt_scenario *edited = mt_scenario_clone(sc);
	edited->lambda *= 1.5;
	run(&u, edited, main_view, MT_STAGE_ANALYSIS);
	assert_runs(&u, 2, 2, 3);

	/* A caller that dropped its results (a new document) gets them again. */
	hold_free(&u);
	run(&u, edited, main_view, MT_STAGE_ANALYSIS);
	assert_runs(&u, 3, 3, 3);

	hold_free(&u);
	mt_worker_stop(u.w);
	mt_scenario_free(renamed);
	mt_scenario_free(edited);
	mt_scenario_free(sc);
}

static void test_same_numbers(void **state)
{
	(void)state;
	mt_scenario *a = tu_load_scenario("polarization.yaml");
	mt_scenario *b = mt_scenario_clone(a);
	assert_true(mt_scenario_same_numbers(a, b));
	b->groups[1].reported[0] += 1e-15;
	assert_false(mt_scenario_same_numbers(a, b));
	b->groups[1].reported[0] = a->groups[1].reported[0];
	b->groups[0].reported_size = 2.0 * a->groups[0].reported_size;
	assert_false(mt_scenario_same_numbers(a, b));
	b->groups[0].reported_size = a->groups[0].reported_size;
	b->payment = &mt_pay_none;
	assert_false(mt_scenario_same_numbers(a, b));
	mt_scenario_free(b);
	mt_scenario_free(a);
}

int main(void)
{
	mt_library_init();
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_stages_are_reused),
	        cmocka_unit_test(test_same_numbers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
