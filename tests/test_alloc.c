/* Allocation-failure injection: for small scenarios, the whole chain
 * load -> validate -> clone -> emit -> solve -> analyze -> noise -> sweep ->
 * edits is run again and again with the n-th allocation failing, n = 0, 1,
 * 2, ... until it runs without a failure.  Every failure must come back as
 * MT_ENOMEM (NULL for the functions that return pointers) with nothing
 * leaked (the ASan build's leak checker runs at exit), and the chain must
 * never report success after an allocation failed. */
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "mechtune/alloc.h"
#include "mechtune/analysis.h"
#include "mechtune/coalition.h"
#include "mechtune/library.h"
#include "mechtune/noise.h"
#include "mechtune/sweep.h"
#include "mechtune/train.h"
#include "mechtune/worker.h"
#include "mechtune/yamlio.h"

static char path[64]; /* a scenario file in a temporary folder */

/* One pass of the chain; the first failure ends it. */
static mt_status chain(const char *yaml, bool full, bool files, mt_error *err)
{
	mt_scenario *sc = NULL, *copy = NULL, *again = NULL;
	char *text = NULL;
	size_t len = 0;
	mt_status st;
	mt_outcome o;
	mt_analysis a;
	mt_noise_analysis nz;
	mt_sweep sw, swl;
	mt_analysis an;
	mt_report_outcome rep;
	mt_scenario *from_file = NULL;
	bool have_o = false, have_a = false, have_nz = false, have_sw = false, have_an = false;
	bool have_rep = false, have_swl = false, have_br = false, have_co = false;
	mt_report_outcome br;
	mt_coalition co;

	if ((st = mt_scenario_load_buffer(yaml, strlen(yaml), "alloc.yaml", &sc, err)))
		goto out;
	if ((st = mt_scenario_validate(sc, err)))
		goto out;
	if (!(copy = mt_scenario_clone(sc))) {
		st = MT_ENOMEM;
		goto out;
	}
	if ((st = mt_scenario_emit(copy, &text, &len, err)))
		goto out;
	if ((st = mt_scenario_load_buffer(text, len, "emitted.yaml", &again, err)))
		goto out;
	/* saving fsyncs: one scenario is enough */
	if (files && ((st = mt_scenario_save(again, path, err)) ||
	              (st = mt_scenario_load_file(path, &from_file, err))))
		goto out;
	have_o = true;
	if ((st = mt_solve(sc, &o, NULL, err)))
		goto out;
	have_sw = true;
	if ((st = mt_sweep_run(sc, MT_SWEEP_ALPHA, 0, 0.5, 2.0, 3, &sw, NULL, err)))
		goto out;
	have_swl = true;
	if ((st = mt_sweep_run(sc, MT_SWEEP_LAMBDA, 0, 0.5, 2.0, 2, &swl, NULL, err)))
		goto out;
	/* the explorer's structural edits */
	if ((st = mt_scenario_add_group(copy, "added")) ||
	    (st = mt_scenario_add_response(copy, "added")) ||
	    (st = mt_scenario_set_name(&copy->name, "renamed")) ||
	    (st = mt_scenario_validate(copy, err)) || (st = mt_scenario_remove_response(copy, 0)) ||
	    (st = mt_scenario_remove_group(copy, 0)) || (st = mt_scenario_validate(copy, err)))
		goto out;
	have_rep = true;
	if ((st = mt_evaluate_report(sc, 0, sc->groups[1 % sc->n].rewards, sc->groups[0].size, &rep,
	                             err)))
		goto out;
	if (sc->noise.epsilon > 0.0) {
		have_nz = true;
		if ((st = mt_noise_analyze(sc, &nz, NULL, err)))
			goto out;
	}
	/* the coalition of the first two groups: the merged group's best
	 * response without payment, then the joint search, under vcg (its
	 * BFGS) or, on a menu, under the scenario's rule (the generic
	 * evaluation; elsewhere its finite differences would repeat the
	 * rule's allocations thousands of times) */
	if (sc->n >= 2) {
		size_t mem[2] = {1, 0};
		const mt_payment_rule *crule =
		        sc->k || sc->payment == &mt_pay_none ? NULL : &mt_pay_vcg;
		have_co = true;
		if ((st = mt_coalition_best(sc, crule, mem, 2, &co, NULL, err)))
			goto out;
	}
	/* the analyses make most allocations, so they come last: a failure
	 * before them does not pay for them */
	mt_analysis_opts opts;
	mt_analysis_opts_default(&opts);
	opts.ibr = false;
	have_an = true;
	if (sc->payment != &mt_pay_none &&
	    (st = mt_analyze_ex(sc, &mt_pay_none, &opts, &an, NULL, err)))
		goto out;
	if (!full) { /* the analysis without payments runs the same searches */
		have_br = true;
		st = mt_best_response(sc, 0, MT_BR_SIZE, &br, NULL, err);
		goto out;
	}
	opts.ibr = true;
	opts.ibr_rounds = 1;
	have_a = true;
	st = mt_analyze_ex(sc, NULL, &opts, &a, NULL, err);
out:
	if (have_co)
		mt_coalition_release(&co);
	if (have_br)
		mt_report_outcome_release(&br);
	if (have_swl)
		mt_sweep_release(&swl);
	if (have_rep)
		mt_report_outcome_release(&rep);
	if (have_an && sc->payment != &mt_pay_none)
		mt_analysis_release(&an);
	mt_scenario_free(from_file);
	if (have_sw)
		mt_sweep_release(&sw);
	if (have_nz)
		mt_noise_release(&nz);
	if (have_a)
		mt_analysis_release(&a);
	if (have_o)
		mt_outcome_release(&o);
	free(text);
	mt_scenario_free(again);
	mt_scenario_free(copy);
	mt_scenario_free(sc);
	return st;
}

/* Returns the number of allocations the chain makes. */
static long fail_each_allocation(const char *yaml, bool full, bool files)
{
	for (long n = 0;; n++) {
		mt_error err = {0};
		mt_alloc_fail_after(n);
		mt_status st = chain(yaml, full, files, &err);
		unsigned long injected = mt_alloc_injected();
		mt_alloc_fail_after(-1);
		if (!injected) {
			if (st)
				print_error("without a failure: status %d: %s\n", (int)st, err.msg);
			assert_int_equal(st, MT_OK);
			return n;
		}
		if (st != MT_ENOMEM)
			print_error("allocation %ld failed: got status %d (%s)\n", n, (int)st,
			            err.msg);
		assert_int_equal(st, MT_ENOMEM);
	}
}

static const char *const scenarios[] = {
        /* vcg, kl, a lie, noise */
        "mechtune: 1\nname: t\nresponses: [a, b, c]\nreference: [0.2, 0.3, 0.5]\n"
        "groups:\n"
        "  - {name: g, size: 2, rewards: [0.2, 0.3, 0.5], report: {rewards: [0.1, 0.2, 0.7]}}\n"
        "  - {name: h, size: 1, rewards: [0.6, 0.3, 0.1]}\n"
        "noise: {epsilon: 0.01, samples: 3, seed: 2}\n",
        /* a candidate menu, max normalization, checkpoint payments */
        "mechtune: 1\nname: menu\nresponses: [a, b]\nnormalization: max\npayment: checkpoint\n"
        "try: [one, two]\ndescription: d\n"
        "groups:\n  - {name: g, size: 1, rewards: [1, 0.5]}\n"
        "  - {name: h, size: 3, rewards: [0.25, 1]}\n"
        "candidates:\n  - {name: p, policy: [0.5, 0.5]}\n  - {name: q, policy: [0.9, 0.1]}\n"
        "training: {steps: 3, step_size: 0.5}\n",
        /* kl under max normalization without a menu: the threshold scan of the
         * analysis without payments; checkpoint payments */
        "mechtune: 1\nname: scan\nresponses: [a, b]\nnormalization: max\n"
        "payment: checkpoint\n"
        "groups:\n  - {name: g, size: 1, rewards: [1, 0.5]}\n"
        "  - {name: h, size: 2, rewards: [0.25, 1]}\n"
        "training: {steps: 2, step_size: 0.5}\n",
        /* early stopping, hellinger (root finder) */
        "mechtune: 1\nname: es\nresponses: [a, b]\ndivergence: hellinger\npayment: early_stop\n"
        "groups:\n  - {name: g, size: 1, rewards: [0.7, 0.3]}\n"
        "  - {name: h, size: 2, rewards: [0.2, 0.8], shift: 0.5}\n"
        "training: {steps: 2, step_size: 0.5}\n",
        /* the exact best responses without payment: tv and chi2 */
        "mechtune: 1\nname: tv\nresponses: [a, b, c]\ndivergence: tv\npayment: none\n"
        "groups:\n  - {name: g, size: 1, rewards: [0.7, 0.2, 0.1]}\n"
        "  - {name: h, size: 2, rewards: [0.2, 0.3, 0.5]}\n",
        "mechtune: 1\nname: tvmax\nresponses: [a, b, c]\ndivergence: tv\npayment: none\n"
        "normalization: max\n"
        "groups:\n  - {name: g, size: 1, rewards: [1, 0.2, 0.1]}\n"
        "  - {name: h, size: 2, rewards: [0.2, 0.3, 1]}\n",
        "mechtune: 1\nname: chi2\nresponses: [a, b, c]\ndivergence: chi2\npayment: none\n"
        "groups:\n  - {name: g, size: 1, rewards: [0.7, 0.2, 0.1]}\n"
        "  - {name: h, size: 2, rewards: [0.2, 0.3, 0.5]}\n",
};

static void test_every_allocation_failure_is_clean(void **state)
{
	(void)state;
	char dir[] = "/tmp/mt_alloc_XXXXXX";
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/s.yaml", dir);
	for (size_t i = 0; i < sizeof scenarios / sizeof *scenarios; i++) {
		/* the analyses under the scenario's rule (with iterated best
		 * responses) repeat the searches: once is enough */
		long n = fail_each_allocation(scenarios[i], i == 0, i == 0);
		printf("scenario %zu: %ld allocations, each failed once\n", i, n);
		assert_true(n > 50); /* the chain did allocate: the test is not vacuous */
	}
	/* a long text needs an arena chunk of its own */
	char *big = malloc(MT_DESCRIPTION_MAX + 200);
	assert_non_null(big);
	int w = snprintf(big, 200, "mechtune: 1\nname: t\ndescription: ");
	memset(big + w, 'd', MT_DESCRIPTION_MAX);
	strcpy(big + w + MT_DESCRIPTION_MAX,
	       "\nresponses: [a, b]\ngroups:\n  - {name: g, size: 1, rewards: "
	       "[0.5, 0.5]}\n");
	fail_each_allocation(big, false, false);
	free(big);
	unlink(path);
	rmdir(dir);
}

/* Loading refuses cleanly however far it got: the loader alone, with its
 * error message. */
static void test_load_failure_message(void **state)
{
	(void)state;
	mt_scenario *sc = NULL;
	mt_error err = {0};
	mt_alloc_fail_after(0);
	mt_status st =
	        mt_scenario_load_buffer(scenarios[0], strlen(scenarios[0]), "x.yaml", &sc, &err);
	mt_alloc_fail_after(-1);
	assert_int_equal(st, MT_ENOMEM);
	assert_null(sc);
	assert_non_null(strstr(err.msg, "out of memory"));
	/* inert again: the same text loads */
	assert_int_equal(
	        mt_scenario_load_buffer(scenarios[0], strlen(scenarios[0]), "x.yaml", &sc, &err),
	        MT_OK);
	mt_scenario_free(sc);
	/* a file of 2 MiB or more is read into a huge-page block */
	char dir[] = "/tmp/mt_alloc_XXXXXX";
	assert_non_null(mkdtemp(dir));
	char file[64];
	snprintf(file, sizeof file, "%s/big.yaml", dir);
	FILE *f = fopen(file, "w");
	assert_non_null(f);
	fputs(scenarios[0], f);
	for (int i = 0; i < 40000; i++)
		fputs("# padding padding padding padding padding padding padding\n", f);
	assert_int_equal(fclose(f), 0);
	mt_alloc_fail_after(0);
	st = mt_scenario_load_file(file, &sc, &err);
	mt_alloc_fail_after(-1);
	assert_int_equal(st, MT_ENOMEM);
	assert_null(sc);
	assert_non_null(strstr(err.msg, "out of memory"));
	assert_int_equal(mt_scenario_load_file(file, &sc, &err), MT_OK);
	mt_scenario_free(sc);
	unlink(file);
	rmdir(dir);
}

/* The solver thread's own allocations outside the engine. */
static void test_worker_allocation_failures(void **state)
{
	(void)state;
	for (long n = 0;; n++) {
		mt_worker *w = NULL;
		mt_error err = {0};
		mt_alloc_fail_after(n);
		mt_status st = mt_worker_start(&w, &err);
		unsigned long injected = mt_alloc_injected();
		mt_alloc_fail_after(-1);
		if (!injected) {
			assert_int_equal(st, MT_OK);
			mt_worker_stop(w);
			break;
		}
		assert_int_equal(st, MT_ENOMEM);
		assert_null(w);
	}
	mt_scenario *sc = NULL;
	mt_error err;
	assert_int_equal(
	        mt_scenario_load_buffer(scenarios[0], strlen(scenarios[0]), "x.yaml", &sc, &err),
	        MT_OK);
	/* Every allocation of a job in the worker thread fails in turn, the
	 * result records' own included: each stage is still published (ok or
	 * out of memory), so the UI never waits for nothing.  The sweeps (the
	 * last stage) allocate far less than an analysis; the analyses' own
	 * failures are tested above. */
	mt_worker *w = NULL;
	assert_int_equal(mt_worker_start(&w, &err), MT_OK);
	for (long n = 0;; n++) {
		mt_scenario *job = mt_scenario_clone(sc);
		assert_non_null(job);
		mt_job_needs needs = {.sweeps = true, .sweep_steps = 3};
		mt_alloc_fail_after(n);
		unsigned long gen = mt_worker_submit(w, job, &needs);
		mt_stage_result *got[MT_STAGE_COUNT] = {0}, *solve = NULL;
		mt_status last = MT_ECANCELED;
		for (int polls = 0; polls < 600 && last == MT_ECANCELED; polls++) {
			struct pollfd pfd = {.fd = mt_worker_fd(w), .events = POLLIN};
			poll(&pfd, 1, 100);
			mt_worker_take(w, got);
			for (int s = 0; s < MT_STAGE_COUNT; s++) {
				if (got[s] && got[s]->generation == gen && s == MT_STAGE_SOLVE) {
					mt_stage_result_free(solve);
					solve = got[s];
					got[s] = NULL;
					if (solve->status != MT_OK)
						last = solve->status; /* later stages do not run */
				} else if (got[s] && got[s]->generation == gen &&
				           s == MT_STAGE_SWEEPS) {
					last = got[s]->status;
				}
				mt_stage_result_free(got[s]);
				got[s] = NULL;
			}
		}
		unsigned long injected = mt_alloc_injected();
		mt_alloc_fail_after(-1);
		assert_non_null(solve); /* published, not dropped */
		assert_true(solve->status == MT_OK || solve->status == MT_ENOMEM);
		assert_true(last == MT_OK || last == MT_ENOMEM);
		mt_stage_result_free(solve);
		if (!injected)
			break;
	}
	mt_worker_stop(w);
	double from = -1, to = -1;
	mt_alloc_fail_after(0);
	bool ok = mt_worker_sweep_range(sc, MT_SWEEP_EPSILON, 0, 11, &from, &to);
	assert_int_equal(mt_alloc_injected(), 1);
	mt_alloc_fail_after(-1);
	assert_false(ok); /* no range rather than a wrong one */
	assert_true(mt_worker_sweep_range(sc, MT_SWEEP_EPSILON, 0, 11, &from, &to));
	assert_true(to > from);
	mt_scenario_free(sc);
}

int main(void)
{
	mt_library_init();
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_every_allocation_failure_is_clean),
	        cmocka_unit_test(test_load_failure_message),
	        cmocka_unit_test(test_worker_allocation_failures),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
