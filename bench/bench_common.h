/* Shared helpers of the benchmark programs: a clock, medians and random
 * scenarios (deterministic, no test framework needed). */
#ifndef MT_BENCH_COMMON_H
#define MT_BENCH_COMMON_H

#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include "mechtune/scenario.h"

static inline double bench_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static inline int bench_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static inline double bench_median(double *v, size_t n)
{
	qsort(v, n, sizeof *v, bench_cmp);
	return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

static inline double bench_uniform(uint64_t *s)
{
	*s = *s * 6364136223846793005ull + 1442695040888963407ull;
	return (double)(*s >> 11) * 0x1.0p-53;
}

/* n groups x m responses: random q, rewards uniform then sum-normalized,
 * sizes in 1..10, lambda 0.1 (the paper's synthetic setting). */
static inline mt_scenario *bench_scenario(size_t m, size_t n, uint64_t seed)
{
	mt_scenario *sc = mt_scenario_new(m, n);
	if (!sc)
		return NULL;
	for (size_t x = 0; x < m; x++)
		sc->reference[x] = 0.1 + bench_uniform(&seed);
	mt_normalize(MT_NORM_SUM, m, sc->reference);
	for (size_t i = 0; i < n; i++) {
		for (size_t x = 0; x < m; x++)
			sc->groups[i].rewards[x] = bench_uniform(&seed);
		mt_normalize(MT_NORM_SUM, m, sc->groups[i].rewards);
		sc->groups[i].size = 1.0 + (double)(int)(10.0 * bench_uniform(&seed));
		if (sc->groups[i].size > 10.0)
			sc->groups[i].size = 10.0;
		mt_group_tell_truth(sc, i);
	}
	sc->lambda = 0.1;
	return sc;
}

#endif
