/* The worker's coalition stage (MT_STAGE_COALITION): every pair up to 8
 * groups, equal to direct mt_coalition_best calls (the numbers of `mechtune
 * analyze --coalition`); above 8 groups nothing unless a partner is asked
 * for; published after the analysis; a newer submission cancels it (no
 * result of the old generation is ever published).  Run under TSan in the
 * thread-sanitizer build. */
#include <math.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "mechtune/coalition.h"
#include "mechtune/library.h"
#include "mechtune/payment.h"
#include "mechtune/worker.h"
#include "mechtune/yamlio.h"
#include "testutil.h"

/* What came out of the worker, by stage, for one generation. */
typedef struct {
	unsigned long gen;
	mt_stage_result *res[MT_STAGE_COUNT]; /* newest of gen */
	int order[MT_STAGE_COUNT];            /* take round it arrived in (0: not yet) */
	int round;
	size_t other_coalitions; /* coalition results of another generation */
	unsigned long other_gen; /* ... must not be this one */
} collected;

static void collect_release(collected *c)
{
	for (int s = 0; s < MT_STAGE_COUNT; s++)
		mt_stage_result_free(c->res[s]);
	memset(c, 0, sizeof *c);
}

/* Take until stage `until` of c->gen has arrived. */
static void collect_until(mt_worker *w, collected *c, mt_stage until)
{
	while (!c->res[until]) {
		struct pollfd p = {.fd = mt_worker_fd(w), .events = POLLIN};
		poll(&p, 1, 100);
		mt_stage_result *got[MT_STAGE_COUNT];
		mt_worker_take(w, got);
		c->round++;
		for (int s = 0; s < MT_STAGE_COUNT; s++) {
			if (!got[s])
				continue;
			if (got[s]->generation != c->gen) {
				if (s == MT_STAGE_COALITION && got[s]->generation == c->other_gen)
					c->other_coalitions++;
				mt_stage_result_free(got[s]);
				continue;
			}
			assert_int_not_equal(got[s]->status, MT_ECANCELED);
			mt_stage_result_free(c->res[s]);
			c->res[s] = got[s];
			c->order[s] = c->round;
		}
	}
}

static void assert_same_coalition(const mt_coalition *got, const mt_coalition *want)
{
	assert_int_equal(got->k, want->k);
	assert_int_equal(got->m, want->m);
	assert_string_equal(got->rule->name, want->rule->name);
	assert_int_equal(got->method, want->method);
	assert_int_equal(got->all_gain, want->all_gain);
	assert_true(fabs(got->gain - want->gain) <= 1e-12);
	for (size_t j = 0; j < want->k; j++) {
		assert_int_equal(got->members[j], want->members[j]);
		assert_true(fabs(got->utilities[j] - want->utilities[j]) <= 1e-12);
		assert_true(fabs(got->utilities_truthful[j] - want->utilities_truthful[j]) <=
		            1e-12);
		assert_true(fabs(got->sizes[j] - want->sizes[j]) <= 1e-12);
		for (size_t x = 0; x < want->m; x++)
			assert_true(fabs(got->rewards[j * want->m + x] -
			                 want->rewards[j * want->m + x]) <= 1e-12);
	}
}

/* The pair as `mechtune analyze --coalition A,B --json` computes it: under
 * the scenario's rule and under none. */
static void assert_pair_direct(const mt_scenario *sc, const mt_worker_pair *p)
{
	size_t mem[2] = {p->a, p->b};
	mt_coalition want;
	mt_error err;
	assert_int_equal(mt_coalition_best(sc, &mt_pay_none, mem, 2, &want, NULL, &err), MT_OK);
	assert_same_coalition(&p->none, &want);
	mt_coalition_release(&want);
	assert_int_equal(p->have_rule, !sc->payment->charges_nothing);
	if (p->have_rule) {
		assert_int_equal(mt_coalition_best(sc, NULL, mem, 2, &want, NULL, &err), MT_OK);
		assert_same_coalition(&p->rule, &want);
		mt_coalition_release(&want);
	}
}

static void run_all_pairs(mt_worker *w, const char *file, size_t want_pairs)
{
	mt_scenario *sc = tu_load_scenario(file);
	mt_job_needs needs = {.analysis = true, .coalitions = true, .partner = MT_WORKER_ALL_PAIRS};
	collected c = {0};
	c.gen = mt_worker_submit(w, mt_scenario_clone(sc), &needs);
	collect_until(w, &c, MT_STAGE_COALITION);
	const mt_stage_result *r = c.res[MT_STAGE_COALITION];
	assert_int_equal(r->status, MT_OK);
	/* after the solve and the analysis, never before */
	assert_non_null(c.res[MT_STAGE_ANALYSIS]);
	assert_true(c.order[MT_STAGE_ANALYSIS] <= c.order[MT_STAGE_COALITION]);
	assert_true(r->all_pairs);
	assert_int_equal(r->co_n, sc->n);
	assert_int_equal(r->npairs, want_pairs);
	size_t k = 0;
	for (size_t a = 0; a < sc->n; a++)
		for (size_t b = a + 1; b < sc->n; b++, k++) {
			assert_int_equal(r->pairs[k].a, a);
			assert_int_equal(r->pairs[k].b, b);
			assert_pair_direct(sc, &r->pairs[k]);
		}
	collect_release(&c);
	mt_scenario_free(sc);
}

static void test_all_pairs(void **state)
{
	(void)state;
	mt_worker *w;
	assert_int_equal(mt_worker_start(&w, NULL), MT_OK);
	run_all_pairs(w, "collusion.yaml", 3);
	run_all_pairs(w, "default.yaml", 1); /* two groups: the one pair */
	mt_worker_stop(w);
}

/* Nine groups: without a partner nothing is computed; a partner asks for
 * the one pair. */
static void test_on_demand(void **state)
{
	(void)state;
	tu_rng rng = {42};
	mt_scenario *sc =
	        tu_random_scenario(&rng, 3, MT_COALITION_PAIR_MAX_GROUPS + 1, MT_NORM_SUM, 0.0);
	sc->payment = &mt_pay_vcg;
	mt_worker *w;
	assert_int_equal(mt_worker_start(&w, NULL), MT_OK);
	mt_job_needs needs = {.analysis = true,
	                      .coalitions = true,
	                      .partner_of = 3,
	                      .partner = MT_WORKER_ALL_PAIRS};
	collected first = {0};
	first.gen = mt_worker_submit(w, mt_scenario_clone(sc), &needs);
	collect_until(w, &first, MT_STAGE_ANALYSIS);
	needs.partner = 7;
	collected c = {0};
	c.gen = mt_worker_submit(w, mt_scenario_clone(sc), &needs);
	c.other_gen = first.gen;
	collect_until(w, &c, MT_STAGE_COALITION);
	/* the worker is serial: the first job ended before the second began */
	assert_int_equal(c.other_coalitions, 0);
	assert_null(first.res[MT_STAGE_COALITION]);
	const mt_stage_result *r = c.res[MT_STAGE_COALITION];
	assert_int_equal(r->status, MT_OK);
	assert_false(r->all_pairs);
	assert_int_equal(r->npairs, 1);
	assert_int_equal(r->pairs[0].a, 3);
	assert_int_equal(r->pairs[0].b, 7);
	assert_pair_direct(sc, &r->pairs[0]);
	collect_release(&first);
	collect_release(&c);
	mt_worker_stop(w);
	mt_scenario_free(sc);
}

/* A newer submission cancels the coalitions of 8 groups x 256 responses
 * under vcg (28 pairs of joint searches, about a second on the 2-core
 * machine, against 0.15 s for the analysis) once the analysis is out:
 * nothing of the old generation's coalition stage is published, and the new
 * job gets its results. */
static void test_cancelled(void **state)
{
	(void)state;
	tu_rng rng = {7};
	mt_scenario *big =
	        tu_random_scenario(&rng, 256, MT_COALITION_PAIR_MAX_GROUPS, MT_NORM_SUM, 0.0);
	big->payment = &mt_pay_vcg;
	mt_scenario *small = tu_load_scenario("collusion.yaml");
	mt_worker *w;
	assert_int_equal(mt_worker_start(&w, NULL), MT_OK);
	for (int round = 0; round < 2; round++) {
		mt_job_needs needs = {
		        .analysis = true, .coalitions = true, .partner = MT_WORKER_ALL_PAIRS};
		collected old = {0};
		old.gen = mt_worker_submit(w, mt_scenario_clone(big), &needs);
		collect_until(w, &old, MT_STAGE_ANALYSIS);
		collected c = {0};
		c.gen = mt_worker_submit(w, mt_scenario_clone(small), &needs);
		c.other_gen = old.gen;
		collect_until(w, &c, MT_STAGE_COALITION);
		assert_int_equal(c.other_coalitions, 0);
		assert_null(old.res[MT_STAGE_COALITION]);
		assert_int_equal(c.res[MT_STAGE_COALITION]->npairs, 3);
		collect_release(&old);
		collect_release(&c);
	}
	/* stopping in the middle of the coalitions does not hang */
	mt_job_needs needs = {.analysis = true, .coalitions = true, .partner = MT_WORKER_ALL_PAIRS};
	collected last = {0};
	last.gen = mt_worker_submit(w, mt_scenario_clone(big), &needs);
	collect_until(w, &last, MT_STAGE_ANALYSIS);
	mt_worker_stop(w);
	collect_release(&last);
	mt_scenario_free(small);
	mt_scenario_free(big);
}

int main(void)
{
	mt_library_init();
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(test_all_pairs, tu_watchdog_setup,
	                                        tu_watchdog_teardown),
	        cmocka_unit_test_setup_teardown(test_on_demand, tu_watchdog_setup,
	                                        tu_watchdog_teardown),
	        cmocka_unit_test_setup_teardown(test_cancelled, tu_watchdog_setup,
	                                        tu_watchdog_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
