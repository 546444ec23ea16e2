/* Shared helpers for the unit tests: random scenarios and brute force. */
#ifndef MT_TESTUTIL_H
#define MT_TESTUTIL_H

#include <stddef.h>
#include <stdint.h>

#include "mechtune/scenario.h"

/* A small deterministic PRNG (splitmix64) so tests are reproducible. */
typedef struct {
	uint64_t s;
} tu_rng;
double tu_uniform(tu_rng *r); /* [0, 1) */

/* A random valid scenario: m responses, n groups, random q, rewards in
 * [floor, 1] then normalized, sizes in (0, max_size], truthful reports. */
mt_scenario *tu_random_scenario(tu_rng *r, size_t m, size_t n, mt_norm norm, double floor);

/* Random point of the report space of sc (normalized rewards). */
void tu_random_report(tu_rng *r, const mt_scenario *sc, double *rewards, double *size);

/* count scaled by MT_TEST_SCALE (0 < s <= 1, for the slow sanitizer
 * builds; the default run does the full count), at least 10. */
int tu_scaled(int count);

/* Load scenarios/FILE of the source tree (MT_SOURCE_DIR); fails the test
 * with the loader's message when it does not load. */
mt_scenario *tu_load_scenario(const char *file);

/* cmocka setup and teardown: a watchdog that ends the test binary with a
 * message after TU_WATCHDOG_SECONDS, so a computation that ignores
 * cancellation fails the test instead of hanging it. */
#define TU_WATCHDOG_SECONDS 60
int tu_watchdog_setup(void **state);
int tu_watchdog_teardown(void **state);

#endif
