/* Scenario YAML: every class of loading error (message and line:column),
 * exact round trips (load -> emit -> load), and atomic saving. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "mechtune/library.h"
#include "mechtune/yamlio.h"
#include "testutil.h"

#if defined(__GNUC__)
#define PRINTF_FMT(f, a) __attribute__((format(printf, f, a)))
#else
#define PRINTF_FMT(f, a)
#endif

/* A minimal valid scenario in two parts: HEAD is lines 1-3, GROUP is 4 lines. */
#define HEAD "mechtune: 1\nname: t\nresponses: [a, b]\n"
#define GROUP "groups:\n  - name: g\n    size: 1\n    rewards: [0.5, 0.5]\n"

static mt_scenario sentinel;

/* Load yaml, expect MT_EINVAL at line:col with every needle in the message,
 * and nothing returned. */
static void expect_error_st(const char *yaml, mt_status want, int line, int col, const char *needle,
                            const char *needle2)
{
	mt_scenario *sc = &sentinel;
	mt_error err;
	char buf[1200];
	memset(&err, 0, sizeof err);
	mt_status st = mt_scenario_load_buffer(yaml, strlen(yaml), "t.yaml", &sc, &err);
	mt_error_format(&err, buf, sizeof buf);
	if (st != want || err.line != line || err.column != col || !strstr(err.msg, needle) ||
	    (needle2 && !strstr(err.msg, needle2)))
		print_error("want %d:%d '%s' '%s'\n got %d %s\n", line, col, needle,
		            needle2 ? needle2 : "", (int)st, buf);
	assert_int_equal(st, want);
	assert_null(sc);
	assert_string_equal(err.file, "t.yaml");
	assert_int_equal(err.line, line);
	assert_int_equal(err.column, col);
	assert_non_null(strstr(err.msg, needle));
	if (needle2)
		assert_non_null(strstr(err.msg, needle2));
	/* one lowercase line that says how to fix it */
	assert_null(strchr(err.msg, '\n'));
	assert_true(err.msg[0] < 'A' || err.msg[0] > 'Z');
	assert_true(strchr(err.msg, ';') != NULL);
}

static void expect_error(const char *yaml, int line, int col, const char *needle,
                         const char *needle2)
{
	expect_error_st(yaml, MT_EINVAL, line, col, needle, needle2);
}

static mt_scenario *load_ok(const char *yaml)
{
	mt_scenario *sc = NULL;
	mt_error err;
	char buf[1200];
	mt_status st = mt_scenario_load_buffer(yaml, strlen(yaml), "ok.yaml", &sc, &err);
	if (st)
		print_error("%s\n", mt_error_format(&err, buf, sizeof buf));
	assert_int_equal(st, MT_OK);
	assert_non_null(sc);
	return sc;
}

static void assert_same_double(double a, double b)
{
	if (memcmp(&a, &b, sizeof a))
		print_error("%.17g != %.17g\n", a, b);
	assert_memory_equal(&a, &b, sizeof a);
}

static void assert_same_doubles(size_t m, const double *a, const double *b)
{
	for (size_t x = 0; x < m; x++)
		assert_same_double(a[x], b[x]);
}

static void assert_scenarios_equal(const mt_scenario *a, const mt_scenario *b)
{
	assert_string_equal(a->name, b->name);
	assert_string_equal(a->description, b->description);
	assert_int_equal(a->ntry, b->ntry);
	for (size_t t = 0; t < a->ntry; t++)
		assert_string_equal(a->try_list[t], b->try_list[t]);
	assert_int_equal(a->m, b->m);
	for (size_t x = 0; x < a->m; x++)
		assert_string_equal(a->responses[x], b->responses[x]);
	assert_same_doubles(a->m, a->reference, b->reference);
	assert_int_equal(a->normalization, b->normalization);
	assert_ptr_equal(a->divergence, b->divergence);
	assert_same_double(a->lambda, b->lambda);
	assert_ptr_equal(a->payment, b->payment);
	assert_same_double(a->pivot_fraction, b->pivot_fraction);
	assert_same_double(a->max_size, b->max_size);
	assert_int_equal(a->n, b->n);
	for (size_t i = 0; i < a->n; i++) {
		const mt_group *g = &a->groups[i], *h = &b->groups[i];
		assert_string_equal(g->name, h->name);
		assert_same_double(g->size, h->size);
		assert_same_doubles(a->m, g->rewards, h->rewards);
		assert_same_double(g->reported_size, h->reported_size);
		assert_same_doubles(a->m, g->reported, h->reported);
		assert_same_double(g->shift, h->shift);
	}
	assert_int_equal(a->k, b->k);
	for (size_t c = 0; c < a->k; c++) {
		assert_string_equal(a->candidates[c].name, b->candidates[c].name);
		assert_same_doubles(a->m, a->candidates[c].policy, b->candidates[c].policy);
	}
	assert_same_double(a->noise.epsilon, b->noise.epsilon);
	assert_int_equal(a->noise.samples, b->noise.samples);
	assert_int_equal(a->noise.seed, b->noise.seed);
	assert_int_equal(a->training.steps, b->training.steps);
	assert_same_double(a->training.step_size, b->training.step_size);
}

/* emit sc, load the text again, compare; returns the text (caller frees). */
static char *round_trip(const mt_scenario *sc)
{
	char *text = NULL;
	size_t len = 0;
	mt_error err;
	char buf[1200];
	mt_status st = mt_scenario_emit(sc, &text, &len, &err);
	if (st)
		print_error("%s\n", mt_error_format(&err, buf, sizeof buf));
	assert_int_equal(st, MT_OK);
	assert_non_null(text);
	assert_int_equal(strlen(text), len);
	mt_scenario *back = NULL;
	st = mt_scenario_load_buffer(text, len, "emitted.yaml", &back, &err);
	if (st)
		print_error("%s\n%s\n", mt_error_format(&err, buf, sizeof buf), text);
	assert_int_equal(st, MT_OK);
	assert_scenarios_equal(sc, back);
	/* and a second trip gives the same text */
	char *again = NULL;
	assert_int_equal(mt_scenario_emit(back, &again, NULL, NULL), MT_OK);
	assert_string_equal(text, again);
	free(again);
	mt_scenario_free(back);
	return text;
}

/* ------------------------------------------------------------- loading */

static void test_minimal_loads_with_defaults(void **state)
{
	(void)state;
	mt_scenario *sc = load_ok(HEAD GROUP);
	assert_string_equal(sc->name, "t");
	assert_int_equal(sc->m, 2);
	assert_string_equal(sc->responses[1], "b");
	assert_same_double(sc->reference[0], 0.5);
	assert_int_equal(sc->normalization, MT_NORM_SUM);
	assert_ptr_equal(sc->divergence, mt_divergence_find("kl"));
	assert_ptr_equal(sc->payment, mt_payment_find("vcg"));
	assert_same_double(sc->lambda, 1.0);
	assert_same_double(sc->max_size, 10.0);
	assert_int_equal(sc->n, 1);
	assert_string_equal(sc->groups[0].name, "g");
	assert_same_double(sc->groups[0].reported_size, 1.0);
	assert_same_doubles(2, sc->groups[0].reported, sc->groups[0].rewards);
	assert_int_equal(sc->k, 0);
	assert_int_equal(sc->ntry, 0);
	assert_string_equal(sc->description, "");
	mt_scenario_free(sc);
}

static void test_full_scenario_loads(void **state)
{
	(void)state;
	mt_scenario *sc =
	        load_ok("mechtune: 1\n"
	                "name: full\n"
	                "description: free text\n"
	                "try: [one, two]\n"
	                "responses: [refuse, hedge, answer]\n"
	                "reference: [0.2, 0.3, 0.5]\n"
	                "normalization: max\n"
	                "divergence: chi2\n"
	                "lambda: 0.25\n"
	                "payment: none\n"
	                "pivot_fraction: 0.5\n"
	                "max_size: 20\n"
	                "groups:\n"
	                "  - name: A\n"
	                "    size: 3\n"
	                "    rewards: [0.1, 0.3, 1]\n"
	                "    shift: -2\n"
	                "    report:\n"
	                "      size: 4\n"
	                "      rewards: [1, 0, 0]\n"
	                "  - name: B\n"
	                "    size: 20\n"
	                "    rewards: [1, 1, 1]\n"
	                "    report: {rewards: [0, 1, 0]}\n"
	                "candidates:\n"
	                "  - name: soup\n"
	                "    policy: [0.1, 0.2, 0.7]\n"
	                "noise: {epsilon: 0.01, samples: 50, seed: 18446744073709551615}\n"
	                "training: {steps: 7, step_size: 0.125}\n");
	assert_string_equal(sc->description, "free text");
	assert_int_equal(sc->ntry, 2);
	assert_string_equal(sc->try_list[1], "two");
	assert_int_equal(sc->normalization, MT_NORM_MAX);
	assert_ptr_equal(sc->divergence, mt_divergence_find("chi2"));
	assert_ptr_equal(sc->payment, mt_payment_find("none"));
	assert_same_double(sc->pivot_fraction, 0.5);
	assert_same_double(sc->max_size, 20.0);
	assert_same_double(sc->groups[0].shift, -2.0);
	assert_same_double(sc->groups[0].reported_size, 4.0);
	assert_same_double(sc->groups[0].reported[0], 1.0);
	assert_same_double(sc->groups[1].reported_size, 20.0);
	assert_same_double(sc->groups[1].reported[1], 1.0);
	assert_int_equal(sc->k, 1);
	assert_string_equal(sc->candidates[0].name, "soup");
	assert_same_double(sc->candidates[0].policy[2], 0.7);
	assert_same_double(sc->noise.epsilon, 0.01);
	assert_int_equal(sc->noise.samples, 50);
	assert_true(sc->noise.seed == UINT64_MAX);
	assert_int_equal(sc->training.steps, 7);
	assert_same_double(sc->training.step_size, 0.125);
	free(round_trip(sc));
	mt_scenario_free(sc);
}

static void test_error_wrong_type(void **state)
{
	(void)state;
	expect_error(HEAD "lambda: abc\n" GROUP, 4, 9, "lambda: expected a number, got `abc`",
	             NULL);
	expect_error(HEAD "lambda: \"0.5\"\n" GROUP, 4, 9, "quoted", "remove the quotes");
	expect_error(HEAD "lambda: [1]\n" GROUP, 4, 9, "expected a number, got a list", NULL);
	expect_error(HEAD "lambda: 0x10\n" GROUP, 4, 9, "expected a number", NULL);
	expect_error(HEAD "lambda: 1.5.2\n" GROUP, 4, 9, "expected a number", NULL);
	expect_error(HEAD "lambda:\n" GROUP, 4, 8, "value is missing", NULL);
	expect_error("mechtune: 1\nname: t\nresponses: a\n" GROUP, 3, 12,
	             "responses: expected a non-empty list", NULL);
	expect_error(HEAD "groups: {name: g}\n", 4, 9, "groups: expected a non-empty list", NULL);
	expect_error(HEAD "groups:\n  - name: [x]\n    size: 1\n    rewards: [0.5, 0.5]\n", 5, 11,
	             "group 1 name: expected text, got a list", NULL);
	expect_error(HEAD "groups:\n  - name: g\n    size: 1\n    rewards: 0.5\n", 7, 14,
	             "rewards: expected a list of numbers", NULL);
	expect_error(HEAD "noise: 3\n" GROUP, 4, 8, "noise: expected a mapping", NULL);
	expect_error(HEAD "noise: {samples: 1.5}\n" GROUP, 4, 18,
	             "noise samples: expected a whole number", NULL);
	expect_error(HEAD "noise: {samples: 0}\n" GROUP, 4, 18, "noise samples: must be at least 1",
	             NULL);
	expect_error(HEAD "noise: {seed: -1}\n" GROUP, 4, 15, "noise seed: expected a whole number",
	             NULL);
	expect_error(HEAD "noise: {seed: 18446744073709551616}\n" GROUP, 4, 15, "too large", NULL);
	expect_error(HEAD "training: {steps: 0}\n" GROUP, 4, 19,
	             "training steps: must be at least 1", NULL);
	expect_error(HEAD "training: {step_size: 0}\n" GROUP, 4, 23,
	             "step_size: must be greater than 0", NULL);
	expect_error("- a\n- b\n", 1, 1, "must be a mapping", NULL);
	expect_error(HEAD "try: hello\n" GROUP, 4, 6, "try: expected a list", NULL);
	expect_error(HEAD "normalization: l2\n" GROUP, 4, 16, "unknown value `l2`", "sum or max");
}

static void test_error_missing_key(void **state)
{
	(void)state;
	expect_error("mechtune: 1\nresponses: [a, b]\n" GROUP, 1, 1, "missing required key `name`",
	             NULL);
	expect_error("mechtune: 1\nname: t\n" GROUP, 1, 1, "missing required key `responses`",
	             NULL);
	expect_error(HEAD, 1, 1, "missing required key `groups`", NULL);
	expect_error(HEAD "groups:\n  - name: g\n    rewards: [0.5, 0.5]\n", 5, 5,
	             "group 1: missing required key `size`", NULL);
	expect_error(HEAD "groups:\n  - size: 1\n    rewards: [0.5, 0.5]\n", 5, 5,
	             "group 1: missing required key `name`", NULL);
	expect_error(HEAD "groups:\n  - name: g\n    size: 1\n", 5, 5,
	             "missing required key `rewards`", NULL);
	expect_error(HEAD GROUP "candidates:\n  - name: c\n", 9, 5,
	             "candidate 1: missing required key `policy`", NULL);
	expect_error(HEAD "name: x\n" GROUP, 4, 1, "duplicate key `name`", NULL);
	expect_error(HEAD "groups: []\n", 4, 9, "empty list", NULL);
	expect_error("mechtune: 1\nname: t\nresponses: []\n" GROUP, 3, 12, "empty list", NULL);
	expect_error(HEAD "groups:\n  - name: ''\n    size: 1\n    rewards: [0.5, 0.5]\n", 5, 11,
	             "group 1 name: must not be empty", NULL);
}

static void test_error_unknown_key(void **state)
{
	(void)state;
	expect_error(
	        HEAD "lamda: 1\n" GROUP, 4, 1, "unknown key `lamda` in the scenario",
	        "allowed keys: mechtune, name, description, try, responses, reference, "
	        "normalization, "
	        "divergence, lambda, payment, pivot_fraction, max_size, groups, candidates, noise, "
	        "training");
	expect_error(HEAD "groups:\n  - name: g\n    sizes: 1\n    rewards: [0.5, 0.5]\n", 6, 5,
	             "unknown key `sizes` in group 1",
	             "allowed keys: name, size, rewards, shift, report");
	expect_error(HEAD "groups:\n  - name: g\n    size: 1\n    rewards: [0.5, 0.5]\n"
	                  "    report: {sizes: 1}\n",
	             8, 14, "unknown key `sizes` in group `g` report",
	             "allowed keys: size, rewards");
	expect_error(HEAD "noise: {eps: 1}\n" GROUP, 4, 9, "unknown key `eps` in noise",
	             "epsilon, samples, seed");
	expect_error(HEAD "training: {step: 1}\n" GROUP, 4, 12, "unknown key `step` in training",
	             "steps, step_size");
	expect_error(HEAD GROUP "candidates:\n  - name: c\n    policy: [0.5, 0.5]\n    weight: 1\n",
	             11, 5, "unknown key `weight` in candidate 1", "name, policy");
	expect_error(HEAD "[a]: 1\n" GROUP, 4, 1, "keys must be plain words", NULL);
}

static void test_error_unknown_divergence_and_payment(void **state)
{
	(void)state;
	char list[512] = "use one of: ";
	for (size_t i = 0; mt_divergences[i]; i++) {
		strcat(list, i ? ", " : "");
		strcat(list, mt_divergences[i]->name);
	}
	expect_error(HEAD "divergence: jensen\n" GROUP, 4, 13, "unknown divergence `jensen`", list);
	expect_error(HEAD "divergence: [kl]\n" GROUP, 4, 13, "unknown divergence `a list`", list);
}

static void test_error_unknown_payment(void **state)
{
	(void)state;
	char list[512] = "use one of: ";
	for (size_t i = 0; mt_payment_rules[i]; i++) {
		strcat(list, i ? ", " : "");
		strcat(list, mt_payment_rules[i]->name);
	}
	assert_non_null(strstr(list, "vcg"));
	expect_error(HEAD "payment: shapley\n" GROUP, 4, 10, "unknown payment rule `shapley`",
	             list);
	expect_error(HEAD "payment: [vcg]\n" GROUP, 4, 10, "unknown payment rule", list);
}

static void test_error_negative(void **state)
{
	(void)state;
	expect_error(HEAD "groups:\n  - name: g\n    size: 1\n    rewards: [1.5, -0.5]\n", 7, 20,
	             "group `g` rewards: must not be negative, got -0.5", NULL);
	expect_error(HEAD "lambda: -1\n" GROUP, 4, 9, "lambda: must be greater than 0", NULL);
	expect_error(HEAD "lambda: 0\n" GROUP, 4, 9, "lambda: must be greater than 0", NULL);
	expect_error(HEAD "max_size: -3\n" GROUP, 4, 11, "max_size: must be greater than 0", NULL);
	expect_error(HEAD "pivot_fraction: -0.1\n" GROUP, 4, 17,
	             "pivot_fraction: must not be negative", NULL);
	expect_error(HEAD "reference: [0, 1]\n" GROUP, 4, 13, "reference: must be greater than 0",
	             NULL);
	expect_error(HEAD "noise: {epsilon: -1}\n" GROUP, 4, 18,
	             "noise epsilon: must not be negative", NULL);
	expect_error(HEAD GROUP "candidates:\n  - name: c\n    policy: [-1, 2]\n", 10, 14,
	             "candidate `c` policy: must not be negative", NULL);
	/* a negative shift is allowed: it is a transfer to the group */
	mt_scenario *sc = load_ok(HEAD GROUP "    shift: -1.5\n");
	assert_same_double(sc->groups[0].shift, -1.5);
	mt_scenario_free(sc);
}

static void test_error_nonfinite(void **state)
{
	(void)state;
	static const char *const spellings[] = {".nan",      ".NaN",     "nan",   "NAN",
	                                        ".inf",      "-.inf",    "+.Inf", "inf",
	                                        "-Infinity", "infinity", NULL};
	for (size_t i = 0; spellings[i]; i++) {
		char yaml[256];
		snprintf(yaml, sizeof yaml, HEAD "lambda: %s\n" GROUP, spellings[i]);
		expect_error(yaml, 4, 9, "is not a finite number", NULL);
		snprintf(yaml, sizeof yaml, HEAD GROUP "    shift: %s\n", spellings[i]);
		expect_error(yaml, 8, 12, "shift: ", "is not a finite number");
	}
	expect_error(HEAD "lambda: 1e999\n" GROUP, 4, 9, "1e999 is too large", NULL);
	expect_error(HEAD "groups:\n  - name: g\n    size: 1\n    rewards: [.nan, 0.5]\n", 7, 15,
	             "not a finite number", NULL);
}

static void test_error_not_normalized(void **state)
{
	(void)state;
	expect_error(HEAD "groups:\n  - name: g\n    size: 1\n    rewards: [0.5, 0.6]\n", 7, 14,
	             "group `g` rewards: sums to 1.1 but must sum to 1", NULL);
	expect_error(
	        HEAD
	        "normalization: max\ngroups:\n  - name: g\n    size: 1\n    rewards: [0.5, 0.8]\n",
	        8, 14, "largest reward is 0.8", "normalization: max");
	/* normalization declared after the groups still applies */
	mt_scenario *sc = load_ok(HEAD "groups:\n  - name: g\n    size: 1\n    rewards: [1, 0.25]\n"
	                               "normalization: max\n");
	assert_int_equal(sc->normalization, MT_NORM_MAX);
	mt_scenario_free(sc);
	/* within the tolerance */
	sc = load_ok(HEAD
	             "groups:\n  - name: g\n    size: 1\n    rewards: [0.5, 0.5000000000001]\n");
	mt_scenario_free(sc);
	expect_error(HEAD "groups:\n  - name: g\n    size: 1\n    rewards: [0.5, 0.50000001]\n", 7,
	             14, "must sum to 1", NULL);
	expect_error(HEAD "reference: [0.3, 0.3]\n" GROUP, 4, 12, "reference: sums to 0.6", NULL);
	expect_error(HEAD GROUP "    report: {rewards: [1, 1]}\n", 8, 23,
	             "group `g` report rewards: sums to 2", NULL);
	expect_error(HEAD GROUP "candidates:\n  - name: c\n    policy: [0.2, 0.2]\n", 10, 13,
	             "candidate `c` policy: sums to 0.4", NULL);
}

static void test_error_length_mismatch(void **state)
{
	(void)state;
	expect_error(HEAD "groups:\n  - name: g\n    size: 1\n    rewards: [1]\n", 7, 14,
	             "group `g` rewards: has 1 number but there are 2 responses", NULL);
	expect_error(HEAD "reference: [0.2, 0.3, 0.5]\n" GROUP, 4, 12,
	             "reference: has 3 numbers but there are 2 responses", NULL);
	expect_error(HEAD GROUP "    report: {rewards: [1, 0, 0]}\n", 8, 23, "has 3 numbers", NULL);
	expect_error(HEAD GROUP "candidates:\n  - name: c\n    policy: [1]\n", 10, 13,
	             "has 1 number", NULL);
}

static void test_error_size_range(void **state)
{
	(void)state;
	expect_error(HEAD "groups:\n  - name: g\n    size: 11\n    rewards: [0.5, 0.5]\n", 6, 11,
	             "group `g` size: 11 is larger than max_size (10)", "raise max_size");
	expect_error(HEAD "groups:\n  - name: g\n    size: 0\n    rewards: [0.5, 0.5]\n", 6, 11,
	             "group `g` size: must be greater than 0", NULL);
	expect_error(HEAD GROUP "    report: {size: 10.5}\n", 8, 20,
	             "group `g` report size: 10.5 is larger than max_size", NULL);
	expect_error(HEAD GROUP "    report: {size: -1}\n", 8, 20,
	             "report size: must be greater than 0", NULL);
	/* max_size written after the groups is honoured */
	expect_error(HEAD
	             "groups:\n  - name: g\n    size: 3\n    rewards: [0.5, 0.5]\nmax_size: 2\n",
	             6, 11, "larger than max_size (2)", NULL);
	mt_scenario *sc =
	        load_ok(HEAD "groups:\n  - name: g\n    size: 30\n    rewards: [0.5, 0.5]\n"
	                     "max_size: 30\n");
	assert_same_double(sc->groups[0].size, 30.0);
	mt_scenario_free(sc);
}

static void test_error_duplicate_names(void **state)
{
	(void)state;
	expect_error(HEAD "groups:\n  - name: g\n    size: 1\n    rewards: [0.5, 0.5]\n"
	                  "  - name: g\n    size: 2\n    rewards: [0.5, 0.5]\n",
	             8, 11, "group 2 name: `g` is already the name of group 1", "unique");
	expect_error("mechtune: 1\nname: t\nresponses: [a, b, a]\n"
	             "groups:\n  - name: g\n    size: 1\n    rewards: [0.5, 0.25, 0.25]\n",
	             3, 19, "responses: `a` appears twice (first at line 3, column 13)", "unique");
	expect_error(HEAD GROUP
	             "candidates:\n  - {name: c, policy: [1, 0]}\n  - {name: c, policy: [0, 1]}\n",
	             10, 12, "candidate 2 name: `c` is already the name of candidate 1", NULL);
}

static void test_error_duplicate_keys(void **state)
{
	(void)state;
	expect_error(HEAD "lambda: 1\nlambda: 2\n" GROUP, 5, 1,
	             "duplicate key `lambda` in the scenario", "first set at line 4");
	expect_error(HEAD
	             "groups:\n  - name: g\n    size: 1\n    size: 2\n    rewards: [0.5, 0.5]\n",
	             7, 5, "duplicate key `size` in group 1", NULL);
	expect_error(HEAD "noise: {seed: 1, seed: 2}\n" GROUP, 4, 18,
	             "duplicate key `seed` in noise", NULL);
}

static void test_error_syntax(void **state)
{
	(void)state;
	/* unclosed flow sequence */
	expect_error(HEAD "reference: [0.5, 0.5\n" GROUP, 5, 7, "yaml syntax error", "indentation");
	/* bad indentation */
	expect_error(HEAD "groups:\n  - name: g\n   size: 1\n", 6, 4, "yaml syntax error", NULL);
	/* a tab where indentation was expected */
	expect_error(HEAD "groups:\n\t- name: g\n", 5, 1, "yaml syntax error", NULL);
	/* invalid utf-8 */
	expect_error(HEAD "description: caf\xe9\n" GROUP, 4, 17, "utf-8", NULL);
	/* a second document */
	expect_error(HEAD GROUP "---\nname: other\n", 8, 1, "second yaml document",
	             "one scenario per file");
	/* nothing at all */
	expect_error("", 1, 1, "the scenario is empty", "mechtune: 1");
	expect_error("# only a comment\n", 1, 1, "the scenario is empty", NULL);
	/* tags */
	expect_error(HEAD "lambda: !!float 1\n" GROUP, 4, 9, "yaml tags (tag:yaml.org,2002:float)",
	             NULL);
	/* deep nesting is refused early */
	char deep[256] = HEAD "try: ";
	for (int i = 0; i < 40; i++)
		strcat(deep, "[");
	expect_error(deep, 4, 6 + 15, "nested too deeply", NULL);
}

static void test_error_anchors_and_aliases(void **state)
{
	(void)state;
	expect_error(HEAD "reference: &q [0.5, 0.5]\n" GROUP, 4, 12,
	             "anchors (&q) are not supported", "write the values out in full");
	expect_error(HEAD "groups:\n  - name: g\n    size: 1\n    rewards: &r [0.5, 0.5]\n"
	                  "  - name: h\n    size: 1\n    rewards: *r\n",
	             7, 14, "anchors (&r)", NULL);
	/* the anchor above fails first; an alias on its own fails where it stands */
	expect_error(HEAD "groups:\n  - name: g\n    size: 1\n    rewards: *r\n", 7, 14,
	             "aliases (*r) are not supported", NULL);
	expect_error(HEAD "name2: &a x\n" GROUP, 4, 8, "anchors (&a)", NULL);
}

static void test_error_version(void **state)
{
	(void)state;
	expect_error("mechtune: 2\nname: t\n", 1, 11, "unsupported format version 2",
	             "reads version 1");
	expect_error("name: t\nresponses: [a, b]\n" GROUP, 1, 1, "missing the format version",
	             "mechtune: 1");
	expect_error("mechtune: one\nname: t\n", 1, 11,
	             "mechtune (format version): expected a number", NULL);
	/* a newer version is reported before keys this version does not know */
	expect_error("mechtune: 3\nfuture_key: 1\n", 1, 11, "unsupported format version 3", NULL);
	/* version may be anywhere in the mapping */
	mt_scenario *sc = load_ok("name: t\nresponses: [a, b]\n" GROUP "mechtune: 1\n");
	mt_scenario_free(sc);
}

static char *temp_dir(void)
{
	char tmpl[] = "/tmp/mt_yamlio_XXXXXX";
	char *dir = mkdtemp(tmpl);
	assert_non_null(dir);
	return strdup(dir);
}

static void test_error_too_large(void **state)
{
	(void)state;
	mt_scenario *sc = &sentinel;
	mt_error err;
	/* a buffer: refused from its length alone, nothing is read */
	const char *text = HEAD GROUP;
	mt_status st = mt_scenario_load_buffer(text, (size_t)MT_SCENARIO_MAX_BYTES + 1, "big.yaml",
	                                       &sc, &err);
	assert_int_equal(st, MT_EINVAL);
	assert_null(sc);
	assert_non_null(strstr(err.msg, "too large"));
	/* a file: refused from its size, before reading (sparse file) */
	char *dir = temp_dir();
	char path[512];
	snprintf(path, sizeof path, "%s/big.yaml", dir);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, (off_t)MT_SCENARIO_MAX_BYTES + 1), 0);
	close(fd);
	sc = &sentinel;
	st = mt_scenario_load_file(path, &sc, &err);
	assert_int_equal(st, MT_EINVAL);
	assert_null(sc);
	assert_string_equal(err.file, path);
	assert_non_null(strstr(err.msg, "the file is too large"));
	/* exactly at the limit is not "too large" (it fails later, as yaml) */
	fd = open(path, O_WRONLY | O_TRUNC);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, (off_t)MT_SCENARIO_MAX_BYTES), 0);
	close(fd);
	st = mt_scenario_load_file(path, &sc, &err);
	assert_int_equal(st, MT_EINVAL);
	assert_null(strstr(err.msg, "too large"));
	unlink(path);
	/* missing file and directory */
	st = mt_scenario_load_file(path, &sc, &err);
	assert_int_equal(st, MT_EIO);
	assert_non_null(strstr(err.msg, "cannot open"));
	st = mt_scenario_load_file(dir, &sc, &err);
	assert_int_equal(st, MT_EIO);
	assert_non_null(strstr(err.msg, "not a regular file"));
	rmdir(dir);
	free(dir);
}

static void test_error_messages_quote_safely(void **state)
{
	(void)state;
	/* control characters never break the one-line message; long text is cut */
	expect_error(HEAD "divergence: \"k\\nl\"\n" GROUP, 4, 13, "unknown divergence `k?l`", NULL);
	expect_error(HEAD
	             "divergence: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n" GROUP,
	             4, 13, "aaaa...`", NULL);
	expect_error(HEAD
	             "groups:\n  - name: \"two\\nlines\"\n    size: 1\n    rewards: [0.5, 0.5]\n",
	             5, 11, "single line", NULL);
	expect_error(HEAD "description: \"a\\0b\"\n" GROUP, 4, 14, "nul character", NULL);
}

/* ------------------------------------------------------------ round trips */

static void test_round_trip_default(void **state)
{
	(void)state;
	mt_scenario *sc = NULL;
	mt_error err;
	assert_int_equal(mt_scenario_default(&sc, &err), MT_OK);
	assert_string_equal(sc->name, "Alices and Bobs");
	assert_true(sc->n >= 1);
	char *text = round_trip(sc);
	/* readable: flow lists of short numbers, no report for truthful groups,
	 * no sections that only repeat defaults */
	assert_non_null(strstr(text, "mechtune: 1\n"));
	assert_non_null(strstr(text, "rewards: [0.1, 0.3, 0.6]"));
	assert_null(strstr(text, "report:"));
	assert_null(strstr(text, "noise:"));
	assert_null(strstr(text, "training:"));
	assert_null(strstr(text, "pivot_fraction:"));
	assert_null(strstr(text, "shift:"));
	free(text);
	mt_scenario_free(sc);
}

static void test_round_trip_shipped_scenarios(void **state)
{
	(void)state;
	const char *src = getenv("MT_SOURCE_DIR");
	if (!src)
		skip();
	char dir[1024];
	snprintf(dir, sizeof dir, "%s/scenarios", src);
	DIR *d = opendir(dir);
	assert_non_null(d);
	struct dirent *e;
	int count = 0;
	while ((e = readdir(d))) {
		size_t l = strlen(e->d_name);
		if (l < 5 || strcmp(e->d_name + l - 5, ".yaml"))
			continue;
		char path[2048];
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		mt_scenario *sc = NULL;
		mt_error err;
		char buf[1200];
		mt_status st = mt_scenario_load_file(path, &sc, &err);
		if (st)
			print_error("%s\n", mt_error_format(&err, buf, sizeof buf));
		assert_int_equal(st, MT_OK);
		free(round_trip(sc));
		mt_scenario_free(sc);
		count++;
	}
	closedir(d);
	assert_true(count >= 1);
}

static void test_round_trip_fixtures(void **state)
{
	(void)state;
	const char *src = getenv("MT_SOURCE_DIR");
	if (!src)
		skip();
	static const char *const good[] = {"full.yaml", "candidates.yaml", NULL};
	for (size_t i = 0; good[i]; i++) {
		char path[1024];
		mt_scenario *sc = NULL;
		mt_error err;
		char buf[1200];
		snprintf(path, sizeof path, "%s/tests/data/good/%s", src, good[i]);
		mt_status st = mt_scenario_load_file(path, &sc, &err);
		if (st)
			print_error("%s\n", mt_error_format(&err, buf, sizeof buf));
		assert_int_equal(st, MT_OK);
		free(round_trip(sc));
		mt_scenario_free(sc);
	}
	/* each bad fixture says where it fails in its first line: "# expect: L:C text" */
	static const char *const bad[] = {"alias.yaml", "unknown_key.yaml", "not_normalized.yaml",
	                                  "size_range.yaml", NULL};
	for (size_t i = 0; bad[i]; i++) {
		char path[1024], first[256], want[200];
		int line = 0, col = 0;
		snprintf(path, sizeof path, "%s/tests/data/bad/%s", src, bad[i]);
		FILE *f = fopen(path, "r");
		assert_non_null(f);
		assert_non_null(fgets(first, sizeof first, f));
		fclose(f);
		assert_int_equal(sscanf(first, "# expect: %d:%d %199[^\n]", &line, &col, want), 3);
		mt_scenario *sc = &sentinel;
		mt_error err;
		assert_int_equal(mt_scenario_load_file(path, &sc, &err), MT_EINVAL);
		assert_null(sc);
		assert_string_equal(err.file, path);
		assert_int_equal(err.line, line);
		assert_int_equal(err.column, col);
		if (!strstr(err.msg, want))
			print_error("%s: want '%s' got '%s'\n", bad[i], want, err.msg);
		assert_non_null(strstr(err.msg, want));
	}
}

static void test_round_trip_random(void **state)
{
	(void)state;
	tu_rng rng = {2024};
	for (int trial = 0; trial < 200; trial++) {
		size_t m = 1 + (size_t)(tu_uniform(&rng) * 6);
		size_t n = 1 + (size_t)(tu_uniform(&rng) * 4);
		mt_norm norm = trial % 2 ? MT_NORM_MAX : MT_NORM_SUM;
		mt_scenario *sc = tu_random_scenario(&rng, m, n, norm, 0.0);
		assert_non_null(sc);
		sc->max_size = 1.0 + 99.0 * tu_uniform(&rng);
		for (size_t i = 0; i < n; i++) {
			sc->groups[i].size = sc->max_size * (0.01 + 0.99 * tu_uniform(&rng));
			sc->groups[i].reported_size = sc->groups[i].size;
			if (tu_uniform(&rng) < 0.5)
				tu_random_report(&rng, sc, sc->groups[i].reported,
				                 &sc->groups[i].reported_size);
			if (tu_uniform(&rng) < 0.3)
				sc->groups[i].shift = 10.0 * (tu_uniform(&rng) - 0.5);
		}
		if (trial % 3 == 0) {
			sc->k = 2;
			sc->candidates = calloc(2, sizeof *sc->candidates);
			for (size_t c = 0; c < 2; c++) {
				sc->candidates[c].name = strdup(c ? "second" : "first");
				sc->candidates[c].policy = malloc(m * sizeof(double));
				for (size_t x = 0; x < m; x++)
					sc->candidates[c].policy[x] = tu_uniform(&rng);
				mt_normalize(MT_NORM_SUM, m, sc->candidates[c].policy);
			}
		}
		if (trial % 4 == 1) {
			sc->noise.epsilon = tu_uniform(&rng) / 7.0;
			sc->noise.samples = 1 + (size_t)(tu_uniform(&rng) * 1000);
			sc->noise.seed = (uint64_t)(tu_uniform(&rng) * 1e18);
			sc->training.steps = 1 + (size_t)(tu_uniform(&rng) * 100);
			sc->training.step_size = tu_uniform(&rng) + 1e-3;
			sc->pivot_fraction = tu_uniform(&rng);
		}
		sc->divergence = mt_divergences[(size_t)trial % 5];
		free(round_trip(sc));
		mt_scenario_free(sc);
	}
}

static void set_str(char **slot, const char *s)
{
	free(*slot);
	*slot = strdup(s);
}

static void test_round_trip_awkward_text_and_numbers(void **state)
{
	(void)state;
	static const char *const names[] = {
	        "123",
	        "true",
	        "~",
	        "null",
	        "a: b",
	        "- x",
	        "#hash",
	        "it's",
	        "say \"hi\"",
	        "[x]",
	        "Ünïcødé 日本",
	        "ends with space ",
	        " starts with space",
	        "1e3",
	        ".inf",
	        "no",
	        "&a",
	        "*b",
	        "!tag",
	        "%",
	        "@x",
	        "`x",
	        "a,b",
	        "{c}",
	        "?",
	        "-",
	        ":",
	        "x # y",
	};
	static const char *const descriptions[] = {
	        "line one\nline two\n",
	        "trailing newlines\n\n\n",
	        "  indented first line\nthen not",
	        "no trailing newline\nsecond",
	        "tab\there",
	        "spaces   inside   and trailing   ",
	        "a long line that is longer than the preferred width of eighty characters, so it "
	        "is "
	        "folded  with  double  spaces  kept  intact and a "
	        "very-long-word-without-any-spaces-"
	        "at-all-that-cannot-be-folded-anywhere-inside-it-whatever-the-width",
	        "\n leading newline",
	};
	size_t nn = sizeof names / sizeof *names;
	mt_scenario *sc = mt_scenario_new(nn, nn);
	assert_non_null(sc);
	for (size_t i = 0; i < nn; i++) {
		set_str(&sc->responses[i], names[i]);
		set_str(&sc->groups[i].name, names[i]);
		sc->groups[i].size = 0.1 * (double)(i + 1) / 3.0; /* needs 17 digits */
		sc->groups[i].reported_size = sc->groups[i].size;
	}
	sc->reference[0] = 0.1 + 0.2 - 0.3; /* 5.55e-17: tiny but positive */
	double rest = 1.0 - sc->reference[0];
	for (size_t x = 1; x < nn; x++)
		sc->reference[x] = rest / (double)(nn - 1);
	sc->groups[0].shift = -0.0;
	sc->groups[1].shift = 4.9406564584124654e-324; /* denormal */
	sc->groups[2].shift = -1.7976931348623157e308;
	sc->lambda = 1.0 / 3.0;
	sc->max_size = 1e300;
	set_str(&sc->name, "name: with colon");
	sc->try_list = calloc(2, sizeof *sc->try_list);
	sc->ntry = 2;
	sc->try_list[0] = strdup("'quoted' and \"double\"");
	sc->try_list[1] = strdup("");
	for (size_t d = 0; d < sizeof descriptions / sizeof *descriptions; d++) {
		set_str(&sc->description, descriptions[d]);
		free(round_trip(sc));
	}
	mt_scenario_free(sc);
}

static void test_emit_readable(void **state)
{
	(void)state;
	mt_scenario *sc =
	        load_ok(HEAD "groups:\n  - name: g\n    size: 1\n    rewards: [0.5, 0.5]\n"
	                     "    report: {size: 2}\n"
	                     "  - name: h\n    size: 1\n    rewards: [0.5, 0.5]\n"
	                     "    report: {rewards: [1, 0]}\n"
	                     "  - name: i\n    size: 1\n    rewards: [0.5, 0.5]\n"
	                     "    report: {size: 1, rewards: [0.5, 0.5]}\n");
	sc->lambda = 0.1 + 0.2; /* 0.30000000000000004 needs 17 digits */
	char *text = round_trip(sc);
	assert_non_null(strstr(text, "lambda: 0.30000000000000004\n"));
	assert_non_null(strstr(text, "  report:\n    size: 2\n"));
	assert_non_null(strstr(text, "  report:\n    rewards: [1, 0]\n"));
	/* group i reports the truth: no report section */
	const char *i = strstr(text, "name: i");
	assert_non_null(i);
	assert_null(strstr(i, "report"));
	assert_non_null(strstr(text, "responses: [a, b]\n"));
	free(text);
	mt_scenario_free(sc);
}

static void test_emit_refuses_invalid(void **state)
{
	(void)state;
	mt_scenario *sc = load_ok(HEAD GROUP);
	sc->lambda = NAN;
	char *text = (char *)&sentinel;
	mt_error err;
	assert_int_equal(mt_scenario_emit(sc, &text, NULL, &err), MT_EINVAL);
	assert_null(text);
	assert_non_null(strstr(err.msg, "lambda"));
	mt_scenario_free(sc);
}

/* ----------------------------------------------------------------- saving */

static char *read_all(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *buf = calloc(1, 1 << 16);
	size_t n = fread(buf, 1, (1 << 16) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void write_all(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

/* Number of entries in dir other than . and .. */
static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;
	assert_non_null(d);
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

static void test_save_then_reload(void **state)
{
	(void)state;
	char *dir = temp_dir();
	char path[512];
	snprintf(path, sizeof path, "%s/s.yaml", dir);
	mt_scenario *sc = NULL, *back = NULL;
	mt_error err;
	assert_int_equal(mt_scenario_default(&sc, &err), MT_OK);
	sc->groups[0].reported[0] = 0.0;
	sc->groups[0].reported[1] = 1.0 / 3.0;
	sc->groups[0].reported[2] = 2.0 / 3.0;
	assert_int_equal(mt_scenario_save(sc, path, &err), MT_OK);
	assert_int_equal(mt_scenario_load_file(path, &back, &err), MT_OK);
	assert_scenarios_equal(sc, back);
	mt_scenario_free(back);
	/* overwrite keeps the file's permissions and leaves no temporary behind */
	assert_int_equal(chmod(path, 0640), 0);
	sc->lambda = 2.0;
	assert_int_equal(mt_scenario_save(sc, path, &err), MT_OK);
	struct stat sb;
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0640);
	assert_int_equal(mt_scenario_load_file(path, &back, &err), MT_OK);
	assert_same_double(back->lambda, 2.0);
	mt_scenario_free(back);
	assert_int_equal(count_entries(dir), 1);
	unlink(path);
	rmdir(dir);
	free(dir);
	mt_scenario_free(sc);
}

static void test_save_read_only_dir_keeps_file(void **state)
{
	(void)state;
	if (geteuid() == 0)
		skip(); /* root writes into read-only folders; see test_save_failure_keeps_file */
	char *dir = temp_dir();
	char path[512];
	snprintf(path, sizeof path, "%s/keep.yaml", dir);
	write_all(path, "original\n");
	assert_int_equal(chmod(dir, 0555), 0);
	mt_scenario *sc = NULL;
	mt_error err;
	assert_int_equal(mt_scenario_default(&sc, &err), MT_OK);
	assert_int_equal(mt_scenario_save(sc, path, &err), MT_EIO);
	assert_string_equal(err.file, path);
	assert_non_null(strstr(err.msg, "writable"));
	char *now = read_all(path);
	assert_string_equal(now, "original\n");
	free(now);
	assert_int_equal(count_entries(dir), 1);
	chmod(dir, 0755);
	unlink(path);
	rmdir(dir);
	free(dir);
	mt_scenario_free(sc);
}

static void test_save_failure_keeps_file(void **state)
{
	(void)state;
	char *dir = temp_dir();
	char path[512], inner[600];
	mt_scenario *sc = NULL;
	mt_error err;
	assert_int_equal(mt_scenario_default(&sc, &err), MT_OK);
	/* the target is a non-empty folder: the temporary file is written, the
	 * rename fails, the temporary file is removed and the folder untouched */
	snprintf(path, sizeof path, "%s/target.yaml", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(inner, sizeof inner, "%s/inside", path);
	write_all(inner, "original\n");
	assert_int_equal(mt_scenario_save(sc, path, &err), MT_EIO);
	assert_string_equal(err.file, path);
	assert_non_null(strstr(err.msg, "cannot replace the file"));
	assert_int_equal(count_entries(dir), 1);
	char *now = read_all(inner);
	assert_string_equal(now, "original\n");
	free(now);
	/* a folder that does not exist */
	snprintf(inner, sizeof inner, "%s/missing/x.yaml", dir);
	assert_int_equal(mt_scenario_save(sc, inner, &err), MT_EIO);
	assert_non_null(strstr(err.msg, "temporary file"));
	/* an invalid scenario is never written over a good file */
	snprintf(inner, sizeof inner, "%s/good.yaml", dir);
	write_all(inner, "original\n");
	sc->max_size = -1;
	assert_int_equal(mt_scenario_save(sc, inner, &err), MT_EINVAL);
	now = read_all(inner);
	assert_string_equal(now, "original\n");
	free(now);
	assert_int_equal(count_entries(dir), 2);
	unlink(inner);
	snprintf(inner, sizeof inner, "%s/inside", path);
	unlink(inner);
	rmdir(path);
	rmdir(dir);
	free(dir);
	mt_scenario_free(sc);
}

/* ------------------------------------------------ hostile input (issue 8) */

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define UNDER_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define UNDER_SANITIZER 1
#endif
#endif

/* Run fn(arg) in a child with at most as_bytes of address space (not under
 * sanitizers, which reserve terabytes) and cpu_s seconds of CPU, and an
 * alarm as a watchdog against hangs.  The child must not use cmocka's
 * asserts; true when it exited 0. */
static bool in_child(bool (*fn)(const void *), const void *arg, size_t as_bytes, unsigned cpu_s)
{
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct rlimit cpu = {cpu_s, cpu_s};
		setrlimit(RLIMIT_CPU, &cpu);
#ifndef UNDER_SANITIZER
		struct rlimit as = {as_bytes, as_bytes};
		setrlimit(RLIMIT_AS, &as);
#else
		(void)as_bytes;
#endif
		alarm(4 * cpu_s);
		_exit(fn(arg) ? 0 : 1);
	}
	int ws = 0;
	assert_int_equal(waitpid(pid, &ws, 0), pid);
	if (!WIFEXITED(ws))
		print_error("child killed by signal %d\n", WIFSIGNALED(ws) ? WTERMSIG(ws) : 0);
	return WIFEXITED(ws) && WEXITSTATUS(ws) == 0;
}

/* A growing text buffer for generated scenarios. */
struct gen {
	char *s;
	size_t len, cap;
};

static void gen_add(struct gen *g, const char *fmt, ...) PRINTF_FMT(2, 3);
static void gen_add(struct gen *g, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int w = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	assert_true(w >= 0);
	if (g->len + (size_t)w + 1 > g->cap) {
		g->cap = 2 * (g->len + (size_t)w + 1);
		g->s = realloc(g->s, g->cap);
		assert_non_null(g->s);
	}
	va_start(ap, fmt);
	vsnprintf(g->s + g->len, (size_t)w + 1, fmt, ap);
	va_end(ap);
	g->len += (size_t)w;
}

/* Append ",0" count times. */
static void gen_zeros(struct gen *g, size_t count)
{
	if (g->len + 2 * count + 1 > g->cap) {
		g->cap = 2 * (g->len + 2 * count + 1);
		g->s = realloc(g->s, g->cap);
		assert_non_null(g->s);
	}
	for (size_t i = 0; i < count; i++, g->len += 2)
		memcpy(g->s + g->len, ",0", 2);
	g->s[g->len] = '\0';
}

/* m labels, n groups with reward lists of `len` numbers; group `dup` (if
 * < n) is named like group 0. */
static char *gen_scenario(size_t m, size_t n, size_t len, size_t dup)
{
	struct gen g = {0};
	gen_add(&g, "mechtune: 1\nname: hostile\nresponses: [");
	for (size_t x = 0; x < m; x++)
		gen_add(&g, "%sr%zu", x ? "," : "", x);
	gen_add(&g, "]\ngroups:\n");
	for (size_t i = 0; i < n; i++) {
		gen_add(&g, "- {name: g%zu, size: 1, rewards: [1", i == dup ? (size_t)0 : i);
		gen_zeros(&g, len - 1);
		gen_add(&g, "]}\n");
	}
	return g.s;
}

static char *write_temp(const char *dir, const char *name, const char *text)
{
	char *path = malloc(strlen(dir) + strlen(name) + 2);
	assert_non_null(path);
	sprintf(path, "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
	return path;
}

struct expect_refusal {
	const char *path;
	mt_status want;
	const char *needle;
};

static bool load_refused(const void *arg)
{
	const struct expect_refusal *e = arg;
	mt_scenario *sc = NULL;
	mt_error err = {0};
	mt_status st = mt_scenario_load_file(e->path, &sc, &err);
	if (st != e->want || sc || (e->needle && !strstr(err.msg, e->needle))) {
		fprintf(stderr, "%s: status %d: %s:%d:%d: %s\n", e->path, (int)st, err.file,
		        err.line, err.column, err.msg);
		mt_scenario_free(sc);
		return false;
	}
	return true;
}

/* 10 000 labels and 10 000 groups with one reward each: 40 KB of yaml that
 * made the loader allocate 2 * 10^8 doubles (1.6 GB) before it looked at
 * a single group.  Now refused within a 256 MiB address space, with the
 * position of the problem. */
static void test_hostile_shape_refused_before_allocating(void **state)
{
	(void)state;
	char *dir = temp_dir();
	char *text = gen_scenario(10000, 10000, 1, SIZE_MAX);
	char *path = write_temp(dir, "wide.yaml", text);
	struct expect_refusal e = {path, MT_EINVAL, "the scenario is too large"};
	assert_true(in_child(load_refused, &e, 256u << 20, 20));
	unlink(path);
	free(path);
	free(text);
	/* within the cell limit, the first short list is named */
	text = gen_scenario(1000, 1000, 1, SIZE_MAX);
	expect_error(text, 5, 32, "group `g0` rewards: has 1 number but there are 1000 responses",
	             NULL);
	free(text);
	/* too many groups, labels, candidates */
	text = gen_scenario(1, MT_MAX_GROUPS + 1, 1, SIZE_MAX);
	expect_error(text, 5, 1, "more than 65536 entries", NULL);
	free(text);
	/* the node budget: many long lists, refused while the tree is built
	 * (3.4 million values: too slow for the sanitizer builds) */
#ifndef UNDER_SANITIZER
	struct gen g = {0};
	gen_add(&g, "mechtune: 1\nname: x\nresponses: [a]\ngroups:\n");
	for (int i = 0; i < 52; i++) {
		gen_add(&g, "- {name: g%d, size: 1, rewards: [1", i);
		gen_zeros(&g, 65535);
		gen_add(&g, "]}\n");
	}
	path = write_temp(dir, "long.yaml", g.s);
	e = (struct expect_refusal){path, MT_EINVAL, "the file has more than"};
	assert_true(in_child(load_refused, &e, 512u << 20, 20));
	unlink(path);
	free(path);
	free(g.s);
#endif
	rmdir(dir);
	free(dir);
}

struct expect_dup {
	const char *text;
};

static bool load_finds_last_dup(const void *arg)
{
	const char *text = arg;
	mt_scenario *sc = NULL;
	mt_error err = {0};
	mt_status st = mt_scenario_load_buffer(text, strlen(text), "dup.yaml", &sc, &err);
	bool ok = st == MT_EINVAL && !sc &&
	          strstr(err.msg, "group 65536 name: `g0` is already the name of group 1") &&
	          err.line == 65540;
	if (!ok)
		fprintf(stderr, "status %d: %d:%d: %s\n", (int)st, err.line, err.column, err.msg);
	mt_scenario_free(sc);
	return ok;
}

/* Group names were compared pairwise (twice: loader and validation), about
 * 4 * 10^9 comparisons for the largest allowed count.  The CPU limit of the
 * child is a generous watchdog, far above what a sort-based check needs. */
static void test_duplicate_group_names_scale(void **state)
{
	(void)state;
	char *text = gen_scenario(1, MT_MAX_GROUPS, 1, MT_MAX_GROUPS - 1);
	assert_true(in_child(load_finds_last_dup, text, 1u << 30, 8));
	free(text);
	/* without a duplicate, validation (the second check) passes too */
	text = gen_scenario(1, 3, 1, SIZE_MAX);
	mt_scenario *sc = load_ok(text);
	assert_int_equal(mt_scenario_validate(sc, NULL), MT_OK);
	assert_int_equal(mt_scenario_set_name(&sc->groups[2].name, "g0"), MT_OK);
	mt_error err;
	assert_int_equal(mt_scenario_validate(sc, &err), MT_EINVAL);
	assert_non_null(strstr(err.msg, "duplicate group name 'g0'"));
	mt_scenario_free(sc);
	free(text);
	/* candidates: the second of the first equal pair */
	expect_error(HEAD GROUP "candidates:\n  - {name: c, policy: [1, 0]}\n"
	                        "  - {name: d, policy: [1, 0]}\n  - {name: c, policy: [0, 1]}\n",
	             11, 12, "candidate 3 name: `c` is already the name of candidate 1", NULL);
}

static void test_error_name_length(void **state)
{
	(void)state;
	char name[MT_NAME_MAX + 2];
	char yaml[1024];
	memset(name, 'n', sizeof name);
	name[MT_NAME_MAX] = '\0'; /* exactly the limit: fine */
	snprintf(yaml, sizeof yaml, "mechtune: 1\nname: %s\nresponses: [%s, b]\n" GROUP, name,
	         name);
	mt_scenario *sc = load_ok(yaml);
	assert_int_equal(strlen(sc->name), MT_NAME_MAX);
	mt_scenario_free(sc);
	name[MT_NAME_MAX] = 'n'; /* one byte more */
	name[MT_NAME_MAX + 1] = '\0';
	snprintf(yaml, sizeof yaml, "mechtune: 1\nname: %s\nresponses: [a, b]\n" GROUP, name);
	expect_error(yaml, 2, 7, "name: is too long (129 bytes, the limit is 128)", NULL);
	snprintf(yaml, sizeof yaml, "mechtune: 1\nname: t\nresponses: [a, %s]\n" GROUP, name);
	expect_error(yaml, 3, 16, "responses: is too long", NULL);
	snprintf(yaml, sizeof yaml,
	         HEAD "groups:\n  - name: %s\n    size: 1\n    rewards: [1, 0]\n", name);
	expect_error(yaml, 5, 11, "group 1 name: is too long", NULL);
	snprintf(yaml, sizeof yaml, HEAD GROUP "candidates:\n  - {name: %s, policy: [1, 0]}\n",
	         name);
	expect_error(yaml, 9, 12, "candidate 1 name: is too long", NULL);
	/* multi-byte characters count in bytes: 43 x 3 bytes = 129 */
	char wide[200] = "";
	for (int i = 0; i < 43; i++)
		strcat(wide, "\xe2\x82\xac");
	snprintf(yaml, sizeof yaml, "mechtune: 1\nname: %s\nresponses: [a, b]\n" GROUP, wide);
	expect_error(yaml, 2, 7, "name: is too long", NULL);
	/* the description and the hints have their own, larger limits */
	size_t big = MT_DESCRIPTION_MAX + 1;
	char *text = malloc(big + 200);
	assert_non_null(text);
	strcpy(text, "mechtune: 1\nname: t\ndescription: ");
	size_t at = strlen(text);
	memset(text + at, 'd', big);
	strcpy(text + at + big, "\nresponses: [a, b]\n" GROUP);
	expect_error(text, 3, 14, "description: is too long (16385 bytes, the limit is 16384)",
	             NULL);
	memset(text + at, ' ', 1); /* a leading space is not part of the text */
	text[at] = 'd';
	text[at + big - 1] = '\n'; /* now 16384 bytes: fine */
	memmove(text + at + big - 1, text + at + big, strlen(text + at + big) + 1);
	sc = load_ok(text);
	assert_int_equal(strlen(sc->description), MT_DESCRIPTION_MAX);
	mt_scenario_free(sc);
	free(text);
	char hint[MT_TRY_TEXT_MAX + 2];
	memset(hint, 'h', sizeof hint);
	hint[MT_TRY_TEXT_MAX + 1] = '\0';
	text = malloc(2 * MT_TRY_TEXT_MAX);
	assert_non_null(text);
	snprintf(text, 2 * MT_TRY_TEXT_MAX, HEAD GROUP "try: [ok, %s]\n", hint);
	expect_error(text, 8, 11, "try: is too long (1025 bytes, the limit is 1024)", NULL);
	free(text);
	struct gen g = {0};
	gen_add(&g, HEAD GROUP "try:\n");
	for (unsigned i = 0; i <= MT_MAX_TRY; i++)
		gen_add(&g, "  - hint %u\n", i);
	expect_error(g.s, 9, 3, "try: 65 entries, the limit is 64", NULL);
	free(g.s);
}

/* Characters that break a line or reorder what a terminal shows. */
static void test_error_control_characters(void **state)
{
	(void)state;
	static const char *const bad[] = {
	        "\\x01",   "\\x7f",   "\\x85",   "\\N",     "\\x9f",   "\\L",
	        "\\P",     "\\u202A", "\\u202E", "\\u2066", "\\u2069", "\\u200E",
	        "\\u200F", "\\u061C", "\\t",     "\\n",     "\\r",
	};
	char yaml[512];
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		snprintf(yaml, sizeof yaml,
		         HEAD "groups:\n  - name: \"ab%scd\"\n    size: 1\n"
		              "    rewards: [0.5, 0.5]\n",
		         bad[i]);
		expect_error(yaml, 5, 11, "group 1 name: ", "a name must be a single line");
		snprintf(yaml, sizeof yaml,
		         "mechtune: 1\nname: t\nresponses: [a, \"x%sy\"]\n" GROUP, bad[i]);
		expect_error(yaml, 3, 16, "responses: ", NULL);
		snprintf(yaml, sizeof yaml, "mechtune: 1\nname: \"x%s\"\nresponses: [a, b]\n" GROUP,
		         bad[i]);
		expect_error(yaml, 2, 7, "name: ", NULL);
		snprintf(yaml, sizeof yaml,
		         HEAD GROUP "candidates:\n  - {name: \"c%s\", policy: [1, 0]}\n", bad[i]);
		expect_error(yaml, 9, 12, "candidate 1 name: ", NULL);
	}
	/* the same raw, not escaped (libyaml itself refuses raw C0 and C1) */
	expect_error(HEAD "groups:\n  - name: ab\xe2\x80\xae"
	                  "cd\n    size: 1\n"
	                  "    rewards: [0.5, 0.5]\n",
	             5, 11, "bidirectional text control", NULL);
	/* free text: newlines and tabs are fine, the rest is not */
	mt_scenario *sc = load_ok(HEAD GROUP "description: \"one\\n\\ttwo\"\ntry: [\"a\\tb\"]\n");
	assert_string_equal(sc->description, "one\n\ttwo");
	mt_scenario_free(sc);
	expect_error(HEAD GROUP "description: \"one \\u202E two\"\n", 8, 14,
	             "description: contains a bidirectional text control", NULL);
	expect_error(HEAD GROUP "try: [\"a\\x85\"]\n", 8, 7, "try: contains a control character",
	             NULL);
	/* messages quoting user text never pass such characters on */
	const char *key = HEAD GROUP "\"k\\u202Ey\\x85z\": 1\n";
	mt_scenario *ksc = &sentinel;
	mt_error kerr;
	assert_int_equal(mt_scenario_load_buffer(key, strlen(key), "t.yaml", &ksc, &kerr),
	                 MT_EINVAL);
	assert_non_null(strstr(kerr.msg, "unknown key `k???y??z`"));
	/* the model check says the same for names set by the explorer */
	sc = load_ok(HEAD GROUP);
	mt_error err;
	assert_int_equal(mt_scenario_set_name(&sc->groups[0].name, "a\xe2\x80\xae"
	                                                           "b"),
	                 MT_OK);
	assert_int_equal(mt_scenario_validate(sc, &err), MT_EINVAL);
	assert_non_null(strstr(err.msg, "bidirectional"));
	assert_int_equal(mt_scenario_set_name(&sc->groups[0].name, "a\xff"), MT_OK);
	assert_int_equal(mt_scenario_validate(sc, &err), MT_EINVAL);
	assert_non_null(strstr(err.msg, "utf-8"));
	mt_scenario_free(sc);
	/* ordinary non-ASCII text is fine */
	sc = load_ok("mechtune: 1\nname: Ärzte – 医生 🙂\nresponses: [a, b]\n" GROUP);
	assert_string_equal(sc->name, "Ärzte – 医生 🙂");
	mt_scenario_free(sc);
}

/* The format is UTF-8; libyaml would decode UTF-16 after a byte order mark. */
static void test_error_not_utf8(void **state)
{
	(void)state;
	const char *src = HEAD GROUP;
	size_t n = strlen(src);
	char *u16 = malloc(2 * n + 4), *u32 = malloc(4 * n + 8);
	assert_non_null(u16);
	assert_non_null(u32);
	for (int order = 0; order < 2; order++) {
		/* order 0: little endian, 1: big endian */
		size_t k = 0;
		u16[k++] = order ? '\xfe' : '\xff';
		u16[k++] = order ? '\xff' : '\xfe';
		for (size_t i = 0; i < n; i++) {
			u16[k++] = order ? 0 : src[i];
			u16[k++] = order ? src[i] : 0;
		}
		mt_scenario *sc = &sentinel;
		mt_error err;
		assert_int_equal(mt_scenario_load_buffer(u16, k, "t.yaml", &sc, &err), MT_EINVAL);
		assert_null(sc);
		assert_int_equal(err.line, 1);
		assert_int_equal(err.column, 1);
		assert_non_null(
		        strstr(err.msg, "the file is utf-16 text; scenario files are utf-8"));
		/* without the byte order mark */
		assert_int_equal(mt_scenario_load_buffer(u16 + 2, k - 2, "t.yaml", &sc, &err),
		                 MT_EINVAL);
		assert_non_null(strstr(err.msg, "utf-16 or utf-32"));
	}
	size_t k = 0;
	const char bom32[4] = {'\xff', '\xfe', 0, 0};
	memcpy(u32, bom32, 4);
	k = 4;
	for (size_t i = 0; i < n; i++) {
		u32[k++] = src[i];
		u32[k++] = 0;
		u32[k++] = 0;
		u32[k++] = 0;
	}
	mt_scenario *sc = &sentinel;
	mt_error err;
	assert_int_equal(mt_scenario_load_buffer(u32, k, "t.yaml", &sc, &err), MT_EINVAL);
	assert_non_null(strstr(err.msg, "utf-32"));
	free(u16);
	free(u32);
	/* a UTF-8 byte order mark is fine */
	sc = load_ok("\xef\xbb\xbf" HEAD GROUP);
	mt_scenario_free(sc);
}

static void test_error_count_limits(void **state)
{
	(void)state;
	mt_scenario *sc = load_ok(HEAD GROUP "training: {steps: 10000}\nnoise: {samples: 10000}\n");
	assert_int_equal(sc->training.steps, MT_MAX_TRAINING_STEPS);
	assert_int_equal(sc->noise.samples, MT_MAX_NOISE_SAMPLES);
	mt_error err;
	sc->training.steps = MT_MAX_TRAINING_STEPS + 1; /* the model refuses it as well */
	assert_int_equal(mt_scenario_validate(sc, &err), MT_EINVAL);
	assert_non_null(strstr(err.msg, "1..10000 steps"));
	sc->training.steps = 20;
	sc->noise.samples = MT_MAX_NOISE_SAMPLES + 1;
	assert_int_equal(mt_scenario_validate(sc, &err), MT_EINVAL);
	assert_non_null(strstr(err.msg, "1..10000 samples"));
	mt_scenario_free(sc);
	expect_error(HEAD GROUP "training: {steps: 10001}\n", 8, 19,
	             "training steps: 10001 is too large; the largest allowed value is 10000",
	             NULL);
	expect_error(HEAD GROUP "training: {steps: 18446744073709551615}\n", 8, 19,
	             "training steps: ", "the largest allowed value is 10000");
	expect_error(HEAD GROUP "noise: {samples: 10001}\n", 8, 18,
	             "noise samples: 10001 is too large; the largest allowed value is 10000", NULL);
}

struct fifo_arg {
	const char *path;
};

static bool load_fifo(const void *arg)
{
	return load_refused(arg);
}

/* open() of a FIFO blocked until a writer came: `mechtune check fifo.yaml`
 * hung.  The child's alarm turns a hang into a failure. */
static void test_load_refuses_special_files(void **state)
{
	(void)state;
	char *dir = temp_dir();
	char path[512];
	snprintf(path, sizeof path, "%s/fifo.yaml", dir);
	assert_int_equal(mkfifo(path, 0600), 0);
	struct expect_refusal e = {path, MT_EIO, "not a regular file"};
	assert_true(in_child(load_fifo, &e, 256u << 20, 2));
	unlink(path);
	rmdir(dir);
	free(dir);
	e.path = "/dev/null";
	assert_true(load_refused(&e));
	/* a regular file still loads after the O_NONBLOCK open */
	dir = temp_dir();
	char *file = write_temp(dir, "ok.yaml", HEAD GROUP);
	mt_scenario *sc = NULL;
	mt_error err;
	assert_int_equal(mt_scenario_load_file(file, &sc, &err), MT_OK);
	mt_scenario_free(sc);
	unlink(file);
	free(file);
	rmdir(dir);
	free(dir);
}

int main(void)
{
	mt_library_init();
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_minimal_loads_with_defaults),
	        cmocka_unit_test(test_full_scenario_loads),
	        cmocka_unit_test(test_error_wrong_type),
	        cmocka_unit_test(test_error_missing_key),
	        cmocka_unit_test(test_error_unknown_key),
	        cmocka_unit_test(test_error_unknown_divergence_and_payment),
	        cmocka_unit_test(test_error_unknown_payment),
	        cmocka_unit_test(test_error_negative),
	        cmocka_unit_test(test_error_nonfinite),
	        cmocka_unit_test(test_error_not_normalized),
	        cmocka_unit_test(test_error_length_mismatch),
	        cmocka_unit_test(test_error_size_range),
	        cmocka_unit_test(test_error_duplicate_names),
	        cmocka_unit_test(test_error_duplicate_keys),
	        cmocka_unit_test(test_error_syntax),
	        cmocka_unit_test(test_error_anchors_and_aliases),
	        cmocka_unit_test(test_error_version),
	        cmocka_unit_test(test_error_too_large),
	        cmocka_unit_test(test_hostile_shape_refused_before_allocating),
	        cmocka_unit_test(test_duplicate_group_names_scale),
	        cmocka_unit_test(test_error_name_length),
	        cmocka_unit_test(test_error_control_characters),
	        cmocka_unit_test(test_error_not_utf8),
	        cmocka_unit_test(test_error_count_limits),
	        cmocka_unit_test(test_load_refuses_special_files),
	        cmocka_unit_test(test_error_messages_quote_safely),
	        cmocka_unit_test(test_round_trip_default),
	        cmocka_unit_test(test_round_trip_shipped_scenarios),
	        cmocka_unit_test(test_round_trip_fixtures),
	        cmocka_unit_test(test_round_trip_random),
	        cmocka_unit_test(test_round_trip_awkward_text_and_numbers),
	        cmocka_unit_test(test_emit_readable),
	        cmocka_unit_test(test_emit_refuses_invalid),
	        cmocka_unit_test(test_save_then_reload),
	        cmocka_unit_test(test_save_read_only_dir_keeps_file),
	        cmocka_unit_test(test_save_failure_keeps_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
