/* libFuzzer target for the scenario loader: load a buffer, and when it
 * loads, validate it, solve it (small scenarios only, to keep the fuzzer
 * fast), emit it, load the text again and check that the second emit is
 * byte for byte the first.  Any broken promise aborts.
 *
 * Built as a fuzzer with clang and -DMT_FUZZ=ON (tests/fuzz/README.md);
 * tests/fuzz/replay.c runs the same function over the checked-in corpus in
 * every build. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mechtune/library.h"
#include "mechtune/train.h"
#include "mechtune/yamlio.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void broken(const char *what, const mt_error *err)
{
	fprintf(stderr, "fuzz_loader: %s: %s:%d:%d: %s\n", what, err->file, err->line, err->column,
	        err->msg);
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	mt_library_init(); /* cheap and idempotent: no GSL abort is a crash */
	mt_scenario *sc = NULL, *again = NULL;
	mt_error err = {0};
	char *text = NULL, *text2 = NULL;
	size_t len = 0, len2 = 0;

	mt_status st = mt_scenario_load_buffer((const char *)data, size, "fuzz.yaml", &sc, &err);
	if (st) {
		if (sc || st > 0 || !err.msg[0] || strchr(err.msg, '\n'))
			broken("a refused file returned a scenario or no one-line message", &err);
		return 0;
	}
	if (!sc)
		broken("loaded without a scenario", &err);
	if (mt_scenario_validate(sc, &err))
		broken("a loaded scenario does not validate", &err);
	/* solving is linear in n m (times steps for the training-based rules) */
	if (sc->n * sc->m <= 256 && sc->training.steps <= 200 && sc->k <= 16) {
		mt_outcome o;
		mt_status sst = mt_solve(sc, &o, NULL, &err);
		(void)sst; /* numerical failures are allowed; memory errors are not */
		mt_outcome_release(&o);
	}
	if (mt_scenario_emit(sc, &text, &len, &err))
		broken("a loaded scenario cannot be written", &err);
	if (mt_scenario_load_buffer(text, len, "emitted.yaml", &again, &err)) {
		fprintf(stderr, "%s\n", text);
		broken("a written scenario does not load", &err);
	}
	if (mt_scenario_emit(again, &text2, &len2, &err))
		broken("a reloaded scenario cannot be written", &err);
	if (len != len2 || memcmp(text, text2, len)) {
		fprintf(stderr, "first:\n%s\nsecond:\n%s\n", text, text2);
		broken("load -> emit -> load changed the scenario", &err);
	}
	free(text);
	free(text2);
	mt_scenario_free(again);
	mt_scenario_free(sc);
	return 0;
}
