/* bench_analysis: median time of the full strategic analysis that keeps the
 * explorer live: the policy, every payment and every group's best responses
 * (full, rewards only, size only) under none AND under vcg, plus the
 * polarizing misreport and t(x).  Iterated best responses are excluded
 * (timed separately, small sizes only).
 *
 *   bench_analysis [--runs N] [--divergence D]
 *
 * Targets (issue 3): 4 x 8 < 5 ms, 8 x 32 < 50 ms, 32 x 1024 < 2 s.
 * Coalitions (issue 11): the joint best misreport of one pair under none
 * and under vcg, 8 x 32, < 100 ms. */
#include <stdio.h>
#include <string.h>

#include "bench_common.h"
#include "mechtune/analysis.h"
#include "mechtune/coalition.h"
#include "mechtune/train.h"

static void run_once(const mt_scenario *sc, bool ibr)
{
	mt_analysis_opts o;
	mt_analysis_opts_default(&o);
	o.ibr = ibr;
	const mt_payment_rule *rules[2] = {&mt_pay_none, &mt_pay_vcg};
	for (int r = 0; r < 2; r++) {
		mt_analysis a;
		mt_error err = {0};
		if (mt_analyze_ex(sc, rules[r], &o, &a, NULL, &err)) {
			fprintf(stderr, "bench_analysis: %s\n", err.msg);
			exit(1);
		}
		if (r == 1 && !a.dsic) {
			fprintf(stderr, "bench_analysis: DSIC check failed (max gain %g)\n",
			        a.max_gain);
			exit(1);
		}
		mt_analysis_release(&a);
	}
}

static double time_analysis(const mt_scenario *sc, int runs, bool ibr)
{
	double t[101];
	if (runs > 101)
		runs = 101;
	for (int r = 0; r < runs; r++) {
		double t0 = bench_now();
		run_once(sc, ibr);
		t[r] = bench_now() - t0;
	}
	return bench_median(t, (size_t)runs);
}

/* The coalition of groups 0 and 1 under none and under vcg, as
 * `mechtune analyze --coalition` computes it. */
static double time_coalition(const mt_scenario *sc, int runs)
{
	double t[101];
	if (runs > 101)
		runs = 101;
	size_t mem[2] = {0, 1};
	const mt_payment_rule *rules[2] = {&mt_pay_none, &mt_pay_vcg};
	for (int r = 0; r < runs; r++) {
		double t0 = bench_now();
		for (int k = 0; k < 2; k++) {
			mt_coalition co;
			mt_error err = {0};
			if (mt_coalition_best(sc, rules[k], mem, 2, &co, NULL, &err)) {
				fprintf(stderr, "bench_analysis: %s\n", err.msg);
				exit(1);
			}
			mt_coalition_release(&co);
		}
		t[r] = bench_now() - t0;
	}
	return bench_median(t, (size_t)runs);
}

int main(int argc, char **argv)
{
	int runs = 11;
	const char *div = "kl";
	for (int a = 1; a < argc; a++) {
		if (!strcmp(argv[a], "--runs") && a + 1 < argc)
			runs = atoi(argv[++a]);
		else if (!strcmp(argv[a], "--divergence") && a + 1 < argc)
			div = argv[++a];
		else {
			fprintf(stderr, "usage: bench_analysis [--runs N] [--divergence D]\n");
			return 2;
		}
	}
	const mt_divergence *d = mt_divergence_find(div);
	if (!d || runs < 1) {
		fprintf(stderr, "bench_analysis: unknown divergence '%s' or bad --runs\n", div);
		return 2;
	}
	static const struct {
		size_t n, m;
		double target;
	} cases[] = {{4, 8, 5e-3}, {8, 32, 50e-3}, {32, 1024, 2.0}};
	printf("full analysis (none + vcg, every group's best responses), %s, median of %d\n", div,
	       runs);
	printf("%8s %8s %10s %10s %10s %8s\n", "groups", "resp.", "sum (ms)", "max (ms)", "target",
	       "ok");
	int fail = 0;
	for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
		mt_scenario *sc = bench_scenario(cases[c].m, cases[c].n, 42 + c);
		sc->divergence = d;
		int r = cases[c].m >= 1024 ? (runs < 5 ? runs : 5) : runs;
		double ts = time_analysis(sc, r, false);
		sc->normalization = MT_NORM_MAX;
		for (size_t i = 0; i < sc->n; i++) {
			mt_normalize(MT_NORM_MAX, sc->m, sc->groups[i].rewards);
			mt_group_tell_truth(sc, i);
		}
		double tm = time_analysis(sc, r, false);
		bool ok = ts < cases[c].target && tm < cases[c].target;
		fail |= !ok;
		printf("%8zu %8zu %10.3f %10.3f %8.0f ms %8s\n", cases[c].n, cases[c].m, ts * 1e3,
		       tm * 1e3, cases[c].target * 1e3, ok ? "yes" : "NO");
		mt_scenario_free(sc);
	}
	{
		mt_scenario *cs = bench_scenario(32, 8, 43);
		cs->divergence = d;
		double ts = time_coalition(cs, runs);
		cs->normalization = MT_NORM_MAX;
		for (size_t i = 0; i < cs->n; i++) {
			mt_normalize(MT_NORM_MAX, cs->m, cs->groups[i].rewards);
			mt_group_tell_truth(cs, i);
		}
		double tm = time_coalition(cs, runs);
		bool ok = ts < 0.1 && tm < 0.1;
		fail |= !ok;
		printf("coalition of a pair (none + vcg), 8 x 32: sum %.3f ms, max %.3f ms (target "
		       "100 ms) %s\n",
		       ts * 1e3, tm * 1e3, ok ? "yes" : "NO");
		mt_scenario_free(cs);
	}
	mt_scenario *sc = bench_scenario(8, 4, 7);
	sc->divergence = d;
	printf("with iterated best responses, 4 x 8: %.3f ms\n",
	       time_analysis(sc, runs, true) * 1e3);
	mt_scenario_free(sc);
	return fail;
}
