/* Every long computation of the core stops when cancelled: a scenario whose
 * training.steps is SIZE_MAX (as a hostile file could ask for) would run
 * for ever, so each entry point is started on one, a second thread bumps
 * the generation, and the call must come back with MT_ECANCELED.  A
 * watchdog (alarm) turns a hang into a failure instead of a stuck suite. */
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "mechtune/analysis.h"
#include "mechtune/cancel.h"
#include "mechtune/library.h"
#include "mechtune/noise.h"
#include "mechtune/payment.h"
#include "mechtune/sweep.h"
#include "mechtune/train.h"
#include "mechtune/worker.h"
#include "testutil.h"

/* The never-ending scenario: the shipped default under `rule`, with
 * training.steps as large as a size_t goes. */
static mt_scenario *endless(const mt_payment_rule *rule)
{
	mt_scenario *sc = tu_load_scenario("default.yaml");
	sc->payment = rule;
	sc->training.steps = SIZE_MAX;
	sc->training.step_size = 0.01; /* stable: the iterates never overflow */
	return sc;
}

typedef struct {
	atomic_ulong generation;
	pthread_t thread;
} canceller;

static void *cancel_soon(void *arg)
{
	canceller *c = arg;
	struct timespec ts = {.tv_sec = 0, .tv_nsec = 20 * 1000 * 1000};
	nanosleep(&ts, NULL);
	atomic_fetch_add(&c->generation, 1);
	return NULL;
}

/* Start the second thread; *cancel belongs to generation 0. */
static void canceller_start(canceller *c, mt_cancel *cancel)
{
	atomic_init(&c->generation, 0);
	*cancel = (mt_cancel){.generation = &c->generation, .mine = 0};
	assert_int_equal(pthread_create(&c->thread, NULL, cancel_soon, c), 0);
}

static void canceller_join(canceller *c)
{
	pthread_join(c->thread, NULL);
}

static const mt_payment_rule *const mirror_rules[] = {&mt_pay_early_stop, &mt_pay_checkpoint};

static void test_solve(void **state)
{
	(void)state;
	for (size_t r = 0; r < 2; r++) {
		mt_scenario *sc = endless(mirror_rules[r]);
		canceller c;
		mt_cancel cancel;
		mt_outcome o;
		mt_error err = {0};
		canceller_start(&c, &cancel);
		assert_int_equal(mt_solve(sc, &o, &cancel, &err), MT_ECANCELED);
		assert_string_equal(err.msg, "cancelled");
		canceller_join(&c);
		mt_outcome_release(&o);
		mt_scenario_free(sc);
	}
}

static void test_analyze(void **state)
{
	(void)state;
	for (size_t r = 0; r < 2; r++) {
		mt_scenario *sc = endless(mirror_rules[r]);
		canceller c;
		mt_cancel cancel;
		mt_analysis a;
		canceller_start(&c, &cancel);
		assert_int_equal(mt_analyze(sc, NULL, &a, &cancel, NULL), MT_ECANCELED);
		canceller_join(&c);
		mt_analysis_release(&a);
		mt_scenario_free(sc);
	}
}

static void test_iterated_best_response(void **state)
{
	(void)state;
	mt_scenario *sc = endless(&mt_pay_early_stop);
	canceller c;
	mt_cancel cancel;
	mt_ibr_result ibr;
	canceller_start(&c, &cancel);
	assert_int_equal(mt_iterated_best_response(sc, 1e-9, SIZE_MAX, &ibr, &cancel, NULL),
	                 MT_ECANCELED);
	canceller_join(&c);
	mt_ibr_release(&ibr);
	mt_scenario_free(sc);
}

static void test_sweeps(void **state)
{
	(void)state;
	for (int f = 0; f < 4; f++) {
		mt_scenario *sc = endless(&mt_pay_early_stop);
		canceller c;
		mt_cancel cancel;
		mt_sweep s;
		double from = f == MT_SWEEP_LAMBDA ? 0.1 : 0.5,
		       to = f == MT_SWEEP_EPSILON ? 0.05 : 1.5;
		canceller_start(&c, &cancel);
		assert_int_equal(mt_sweep_run(sc, (mt_sweep_family)f, 0, from, to, 100000, &s,
		                              &cancel, NULL),
		                 MT_ECANCELED);
		canceller_join(&c);
		mt_sweep_release(&s);
		mt_scenario_free(sc);
	}
}

static void test_noise(void **state)
{
	(void)state;
	mt_scenario *sc = endless(&mt_pay_early_stop);
	sc->noise.epsilon = 0.01;
	sc->noise.samples = 10;
	canceller c;
	mt_cancel cancel;
	mt_noise_analysis a;
	canceller_start(&c, &cancel);
	assert_int_equal(mt_noise_analyze(sc, &a, &cancel, NULL), MT_ECANCELED);
	canceller_join(&c);
	mt_noise_release(&a);
	/* many samples of a quick rule: the sample loop itself stops */
	sc->payment = &mt_pay_vcg;
	sc->noise.samples = 100000000;
	double u;
	canceller_start(&c, &cancel);
	assert_int_equal(mt_noise_expected_utility(sc, 0, sc->groups[0].rewards, sc->groups[0].size,
	                                           &u, NULL, NULL, &cancel, NULL),
	                 MT_ECANCELED);
	canceller_join(&c);
	mt_scenario_free(sc);
}

/* The explorer's case: quitting while the worker runs an endless solve
 * must not hang in pthread_join. */
static void test_worker_stop(void **state)
{
	(void)state;
	for (size_t r = 0; r < 2; r++) {
		mt_worker *w;
		assert_int_equal(mt_worker_start(&w, NULL), MT_OK);
		mt_job_needs needs = {.analysis = true, .noise = true, .sweeps = true};
		mt_worker_submit(w, endless(mirror_rules[r]), &needs);
		struct timespec ts = {.tv_sec = 0, .tv_nsec = 20 * 1000 * 1000};
		nanosleep(&ts, NULL);
		/* a newer job supersedes it, then quitting stops that one too */
		mt_worker_submit(w, endless(mirror_rules[1 - r]), &needs);
		nanosleep(&ts, NULL);
		mt_worker_stop(w);
	}
}

int main(void)
{
	mt_library_init();
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(test_solve, tu_watchdog_setup,
	                                        tu_watchdog_teardown),
	        cmocka_unit_test_setup_teardown(test_analyze, tu_watchdog_setup,
	                                        tu_watchdog_teardown),
	        cmocka_unit_test_setup_teardown(test_iterated_best_response, tu_watchdog_setup,
	                                        tu_watchdog_teardown),
	        cmocka_unit_test_setup_teardown(test_sweeps, tu_watchdog_setup,
	                                        tu_watchdog_teardown),
	        cmocka_unit_test_setup_teardown(test_noise, tu_watchdog_setup,
	                                        tu_watchdog_teardown),
	        cmocka_unit_test_setup_teardown(test_worker_stop, tu_watchdog_setup,
	                                        tu_watchdog_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
