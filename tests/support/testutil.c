#include "testutil.h"

#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <cmocka.h>

#include "mechtune/yamlio.h"

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

int tu_scaled(int count)
{
	const char *s = getenv("MT_TEST_SCALE");
	double f = s ? atof(s) : 1.0;
	if (!(f > 0.0) || f > 1.0)
		f = 1.0;
	int c = (int)(count * f);
	return c < 10 ? 10 : c;
}

mt_scenario *tu_load_scenario(const char *file)
{
	const char *src = getenv("MT_SOURCE_DIR");
	char path[4096];
	snprintf(path, sizeof path, "%s/scenarios/%s", src ? src : ".", file);
	mt_scenario *sc = NULL;
	mt_error err = {0};
	if (mt_scenario_load_file(path, &sc, &err))
		fail_msg("%s: %s", path, err.msg);
	return sc;
}

static void on_alarm(int sig)
{
	(void)sig;
	static const char msg[] = "watchdog expired: a computation ignored cancellation\n";
	ssize_t w = write(2, msg, sizeof msg - 1);
	(void)w;
	_exit(1);
}

int tu_watchdog_setup(void **state)
{
	(void)state;
	signal(SIGALRM, on_alarm);
	alarm(TU_WATCHDOG_SECONDS);
	return 0;
}

int tu_watchdog_teardown(void **state)
{
	(void)state;
	alarm(0);
	return 0;
}
