/* The explorer's undo history (src/tui/history.c): undo and redo give back
 * every state exactly, edits that keep the shape cost what they change, and
 * the memory held stays within the budget (issue 8: 300 lambda changes on
 * 64 x 4096 took 1.3 GB). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "history.h"
#include "mechtune/library.h"
#include "mechtune/yamlio.h"
#include "testutil.h"

static char *emit(const mt_scenario *sc)
{
	char *text = NULL;
	mt_error err;
	assert_int_equal(mt_scenario_emit(sc, &text, NULL, &err), MT_OK);
	return text;
}

/* Commit next the way app_commit does; returns the undo steps dropped. */
static size_t commit(history *h, mt_scenario **doc, unsigned long *id, mt_scenario *next)
{
	mt_error err;
	assert_int_equal(mt_scenario_validate(next, &err), MT_OK);
	size_t dropped = 99;
	assert_true(history_push(h, *doc, *id, next, &dropped));
	*doc = next;
	++*id;
	return dropped;
}

/* One random edit of any kind the explorer makes. */
static mt_scenario *random_edit(tu_rng *r, const mt_scenario *sc, int *kind)
{
	mt_scenario *n = mt_scenario_clone(sc);
	assert_non_null(n);
	size_t i = (size_t)(tu_uniform(r) * (double)n->n),
	       x = (size_t)(tu_uniform(r) * (double)n->m);
	char name[64];
	*kind = (int)(tu_uniform(r) * 11);
	switch (*kind) {
	case 0: n->lambda *= 1.1; break;
	case 1: /* a reward row */
		n->groups[i].rewards[x] += 0.5;
		mt_normalize(n->normalization, n->m, n->groups[i].rewards);
		break;
	case 2: /* a report */
		n->groups[i].reported[x] += 0.5;
		mt_normalize(n->normalization, n->m, n->groups[i].reported);
		break;
	case 3: n->groups[i].reported_size = 0.5 + tu_uniform(r); break;
	case 4:
		snprintf(name, sizeof name, "g%u", (unsigned)(tu_uniform(r) * 1e9));
		assert_int_equal(mt_scenario_set_name(&n->groups[i].name, name), MT_OK);
		break;
	case 5:
		snprintf(name, sizeof name, "resp%u", (unsigned)(tu_uniform(r) * 1e9));
		assert_int_equal(mt_scenario_set_name(&n->responses[x], name), MT_OK);
		break;
	case 6:
		snprintf(name, sizeof name, "scenario %u", (unsigned)(tu_uniform(r) * 1e9));
		assert_int_equal(mt_scenario_set_name(&n->name, name), MT_OK);
		if (n->k) { /* and a candidate's name */
			snprintf(name, sizeof name, "c%u", (unsigned)(tu_uniform(r) * 1e9));
			assert_int_equal(mt_scenario_set_name(&n->candidates[x % n->k].name, name),
			                 MT_OK);
		}
		break;
	case 7:
		if (n->n < 6) {
			snprintf(name, sizeof name, "new%u", (unsigned)(tu_uniform(r) * 1e9));
			assert_int_equal(mt_scenario_add_group(n, name), MT_OK);
		} else {
			assert_int_equal(mt_scenario_remove_group(n, i), MT_OK);
		}
		break;
	case 8:
		if (n->m < 6) {
			snprintf(name, sizeof name, "x%u", (unsigned)(tu_uniform(r) * 1e9));
			assert_int_equal(mt_scenario_add_response(n, name), MT_OK);
		} else {
			assert_int_equal(mt_scenario_remove_response(n, x), MT_OK);
		}
		break;
	case 9: /* the reference, and a candidate's policy */
		n->reference[x] += 0.1;
		mt_normalize(MT_NORM_SUM, n->m, n->reference);
		if (n->k) {
			n->candidates[i % n->k].policy[x] += 0.1;
			mt_normalize(MT_NORM_SUM, n->m, n->candidates[i % n->k].policy);
		}
		break;
	default: /* several fields at once, and the things to try */
		n->groups[i].size = n->groups[i].reported_size = 1.0 + tu_uniform(r);
		n->noise.epsilon = n->noise.epsilon > 0 ? 0.0 : 0.01;
		for (size_t t = 0; t < n->ntry; t++)
			free(n->try_list[t]);
		n->ntry = 0;
		break;
	}
	return n;
}

/* Undo everything and redo everything: each state is given back exactly
 * (the YAML is the same, byte for byte), with its edit id. */
static void round_trip(const char *file)
{
	enum { STEPS = 400 };
	tu_rng r = {42};
	history h = {0};
	mt_scenario *doc = tu_load_scenario(file);
	unsigned long id = 1;
	char **yaml = calloc(STEPS + 1, sizeof *yaml);
	int kinds[11] = {0};
	assert_non_null(yaml);
	for (int s = 0; s < STEPS; s++) {
		yaml[s] = emit(doc);
		int kind;
		assert_int_equal(commit(&h, &doc, &id, random_edit(&r, doc, &kind)), 0);
		kinds[kind]++;
	}
	for (int k = 0; k < 11; k++)
		assert_true(kinds[k] > 10); /* every kind of edit was tried */
	yaml[STEPS] = emit(doc);
	assert_int_equal(history_undo_len(&h), STEPS);
	for (int s = STEPS; s > 0; s--) {
		assert_int_equal(history_step(&h, true, &doc, &id), 1);
		assert_int_equal(id, (unsigned long)s);
		char *now = emit(doc);
		assert_string_equal(now, yaml[s - 1]);
		free(now);
	}
	assert_int_equal(history_step(&h, true, &doc, &id), 0);
	for (int s = 1; s <= STEPS; s++) {
		assert_int_equal(history_step(&h, false, &doc, &id), 1);
		char *now = emit(doc);
		assert_string_equal(now, yaml[s]);
		free(now);
	}
	assert_int_equal(history_step(&h, false, &doc, &id), 0);
	/* a new edit after undo drops the redo steps */
	assert_int_equal(history_step(&h, true, &doc, &id), 1);
	int kind;
	commit(&h, &doc, &id, random_edit(&r, doc, &kind));
	assert_int_equal(history_redo_len(&h), 0);
	for (int s = 0; s <= STEPS; s++)
		free(yaml[s]);
	free(yaml);
	history_release(&h);
	mt_scenario_free(doc);
}

static void test_round_trip(void **state)
{
	(void)state;
	round_trip("default.yaml");
	round_trip("three_groups_soup.yaml"); /* with a candidate menu */
}

/* 100 lambda changes on 64 groups x 4096 responses: each step holds a few
 * hundred bytes, not the 4 MB scenario. */
static void test_big_scenario_cheap_steps(void **state)
{
	(void)state;
	history h = {0};
	mt_scenario *doc = mt_scenario_new(4096, 64);
	assert_non_null(doc);
	double lambda0 = doc->lambda;
	unsigned long id = 1;
	for (int s = 0; s < 100; s++) {
		mt_scenario *n = mt_scenario_clone(doc);
		assert_non_null(n);
		n->lambda *= s % 2 ? 1.0 / 1.1 : 1.1 * 1.1;
		commit(&h, &doc, &id, n);
	}
	assert_int_equal(history_undo_len(&h), 100);
	assert_true(h.bytes < 100 * 1024);
	/* a cell edit keeps one row */
	mt_scenario *n = mt_scenario_clone(doc);
	n->groups[3].rewards[0] += 0.5;
	mt_normalize(n->normalization, n->m, n->groups[3].rewards);
	size_t before = h.bytes;
	commit(&h, &doc, &id, n);
	assert_true(h.bytes - before < 4096 * sizeof(double) + 1024);
	while (history_step(&h, true, &doc, &id) == 1)
		;
	assert_true(doc->lambda == lambda0);
	assert_true(doc->groups[3].rewards[0] == 1.0 / 4096.0);
	history_release(&h);
	mt_scenario_free(doc);
}

/* Edits that change the shape keep whole scenarios: the budget holds, the
 * oldest steps go first, the newest always stays. */
static void test_budget(void **state)
{
	(void)state;
	history h = {.budget = 4u * 1024u * 1024u};
	mt_scenario *doc = mt_scenario_new(1000, 64); /* about 1 MB */
	assert_non_null(doc);
	unsigned long id = 1;
	size_t dropped_total = 0;
	for (int s = 0; s < 40; s++) {
		mt_scenario *n = mt_scenario_clone(doc);
		char name[32];
		snprintf(name, sizeof name, "r%d", s);
		assert_int_equal(mt_scenario_add_response(n, name), MT_OK);
		dropped_total += commit(&h, &doc, &id, n);
		assert_true(h.bytes <= h.budget);
		assert_true(history_undo_len(&h) >= 1);
	}
	assert_true(dropped_total > 0);
	assert_int_equal(history_undo_len(&h) + dropped_total, 40);
	/* what is left undoes to the right states */
	size_t left = history_undo_len(&h);
	while (history_step(&h, true, &doc, &id) == 1)
		;
	assert_int_equal(doc->m, 1000 + 40 - left);
	/* one step bigger than the whole budget is still kept */
	history small = {.budget = 1024};
	mt_scenario *n = mt_scenario_clone(doc);
	assert_int_equal(mt_scenario_add_response(n, "big"), MT_OK);
	assert_int_equal(commit(&small, &doc, &id, n), 0);
	assert_int_equal(history_undo_len(&small), 1);
	n = mt_scenario_clone(doc);
	assert_int_equal(mt_scenario_add_response(n, "big2"), MT_OK);
	assert_int_equal(commit(&small, &doc, &id, n), 1);
	assert_int_equal(history_undo_len(&small), 1);
	history_release(&small);
	history_release(&h);
	mt_scenario_free(doc);
}

/* A normal scenario keeps every step of a long session. */
static void test_unlimited_for_small(void **state)
{
	(void)state;
	int steps = tu_scaled(20000);
	history h = {0};
	mt_scenario *doc = tu_load_scenario("default.yaml");
	unsigned long id = 1;
	for (int s = 0; s < steps; s++) {
		mt_scenario *n = mt_scenario_clone(doc);
		n->groups[s % 2].reported[s % 3] += 0.01;
		mt_normalize(n->normalization, n->m, n->groups[s % 2].reported);
		assert_int_equal(commit(&h, &doc, &id, n), 0);
	}
	assert_int_equal(history_undo_len(&h), (size_t)steps);
	assert_true(h.bytes < HISTORY_BUDGET / 8);
	history_release(&h);
	mt_scenario_free(doc);
}

int main(void)
{
	mt_library_init();
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_round_trip),
	        cmocka_unit_test(test_big_scenario_cheap_steps),
	        cmocka_unit_test(test_budget),
	        cmocka_unit_test(test_unlimited_for_small),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
