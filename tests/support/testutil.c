#include "testutil.h"

#include <stdlib.h>

double tu_uniform(tu_rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	z ^= z >> 31;
	return (double)(z >> 11) * 0x1.0p-53;
}

mt_scenario *tu_random_scenario(tu_rng *r, size_t m, size_t n, mt_norm norm, double floor)
{
	mt_scenario *sc = mt_scenario_new(m, n);
	if (!sc)
		return NULL;
	sc->normalization = norm;
	for (size_t x = 0; x < m; x++)
		sc->reference[x] = 0.05 + tu_uniform(r);
	mt_normalize(MT_NORM_SUM, m, sc->reference);
	for (size_t i = 0; i < n; i++) {
		mt_group *g = &sc->groups[i];
		for (size_t x = 0; x < m; x++)
			g->rewards[x] = floor + (1.0 - floor) * tu_uniform(r);
		mt_normalize(norm, m, g->rewards);
		g->size = 0.5 + (sc->max_size - 0.5) * tu_uniform(r);
		mt_group_tell_truth(sc, i);
	}
	sc->lambda = 0.05 + 2.0 * tu_uniform(r);
	return sc;
}

void tu_random_report(tu_rng *r, const mt_scenario *sc, double *rewards, double *size)
{
	for (size_t x = 0; x < sc->m; x++) {
		double u = tu_uniform(r);
		rewards[x] = u * u * u; /* skewed: extreme reports are likely */
	}
	mt_normalize(sc->normalization, sc->m, rewards);
	*size = sc->max_size * (0.01 + 0.99 * tu_uniform(r));
}
