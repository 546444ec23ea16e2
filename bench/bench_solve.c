/* bench_solve: median time of mt_solve (policy and every VCG payment) for
 * each divergence on 64 groups x 4096 responses, and the growth in n and m.
 *
 *   bench_solve [--runs N] [--write FILE]
 *
 * --write saves the 64 x 4096 scenario as YAML, for the end-to-end
 * comparison with bench/solve_numpy.py (bench/compare.sh). */
#include <stdio.h>
#include <string.h>

#include "bench_common.h"
#include "mechtune/library.h"
#include "mechtune/train.h"
#include "mechtune/yamlio.h"

static double time_solve(const mt_scenario *sc, int runs)
{
	double t[101];
	if (runs > 101)
		runs = 101;
	for (int r = 0; r < runs; r++) {
		mt_outcome o;
		mt_error err;
		double t0 = bench_now();
		if (mt_solve(sc, &o, NULL, &err)) {
			fprintf(stderr, "bench_solve: %s\n", err.msg);
			exit(1);
		}
		t[r] = bench_now() - t0;
		mt_outcome_release(&o);
	}
	return bench_median(t, (size_t)runs);
}

int main(int argc, char **argv)
{
	mt_library_init();
	int runs = 21;
	const char *write = NULL;
	for (int a = 1; a < argc; a++) {
		if (!strcmp(argv[a], "--runs") && a + 1 < argc)
			runs = atoi(argv[++a]);
		else if (!strcmp(argv[a], "--write") && a + 1 < argc)
			write = argv[++a];
		else {
			fprintf(stderr, "usage: bench_solve [--runs N] [--write FILE]\n");
			return 2;
		}
	}
	if (runs < 1)
		runs = 1;
	mt_scenario *sc = bench_scenario(4096, 64, 1);
	if (!sc)
		return 1;
	if (write) {
		mt_error err;
		if (mt_scenario_save(sc, write, &err)) {
			fprintf(stderr, "bench_solve: %s\n", err.msg);
			return 1;
		}
	}
	printf("solve (policy + all vcg payments), 64 groups x 4096 responses, median of %d\n",
	       runs);
	for (size_t k = 0; mt_divergences[k]; k++) {
		sc->divergence = mt_divergences[k];
		printf("  %-10s %8.3f ms\n", sc->divergence->name, 1e3 * time_solve(sc, runs));
	}
	mt_scenario_free(sc);

	printf("growth (kl): the work is O(n m)\n");
	const size_t sizes[][2] = {{16, 4096}, {32, 4096}, {64, 4096}, {128, 4096}, {64, 8192}};
	for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
		sc = bench_scenario(sizes[s][1], sizes[s][0], 2);
		if (!sc)
			return 1;
		double t = time_solve(sc, runs);
		printf("  n=%-4zu m=%-5zu %8.3f ms  %6.2f ns per group-response\n", sizes[s][0],
		       sizes[s][1], 1e3 * t, 1e9 * t / (double)(sizes[s][0] * sizes[s][1]));
		mt_scenario_free(sc);
	}
	return 0;
}
