/* Classroom mode's pieces without sockets: join codes and tokens, name
 * cleaning, report validation, CSV quoting and one table's outcome, which
 * must equal mt_solve on the same reports (what `mechtune solve` prints). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mechtune/class.h"
#include "mechtune/train.h"
#include "testutil.h"

static void test_code_and_token(void **state)
{
	(void)state;
	char a[MT_CLASS_CODE_LEN + 1], b[MT_CLASS_CODE_LEN + 1];
	char t[MT_CLASS_TOKEN_LEN + 1], u[MT_CLASS_TOKEN_LEN + 1];
	assert_int_equal(mt_class_random_code(a, NULL), MT_OK);
	assert_int_equal(strlen(a), MT_CLASS_CODE_LEN);
	assert_null(mt_class_code_problem(a));
	assert_null(strpbrk(a, "01OIL")); /* no look-alikes */
	int same = 0;
	for (int i = 0; i < 20; i++) {
		assert_int_equal(mt_class_random_code(b, NULL), MT_OK);
		same += !strcmp(a, b);
	}
	assert_true(same < 2);
	assert_int_equal(mt_class_random_token(t, NULL), MT_OK);
	assert_int_equal(mt_class_random_token(u, NULL), MT_OK);
	assert_int_equal(strlen(t), MT_CLASS_TOKEN_LEN);
	assert_int_equal(strspn(t, "0123456789abcdef"), MT_CLASS_TOKEN_LEN);
	assert_string_not_equal(t, u);
	assert_non_null(mt_class_code_problem(""));
	assert_non_null(mt_class_code_problem("AB-12"));
	assert_non_null(mt_class_code_problem("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")); /* 33 */
	assert_null(mt_class_code_problem("demo42"));
}

static void test_clean_name(void **state)
{
	(void)state;
	char out[MT_NAME_MAX + 1];
	const char *in = "  Ann\x1b[31m\tB\x7f\n  ";
	assert_null(mt_class_clean_name(in, strlen(in), out));
	assert_string_equal(out, "Ann[31m B");
	assert_null(mt_class_clean_name("=HYPERLINK(1)", 13, out));
	assert_string_equal(out, "HYPERLINK(1)");
	assert_null(mt_class_clean_name(" -+@=x-y", 8, out));
	assert_string_equal(out, "x-y");
	assert_null(mt_class_clean_name("", 0, out));
	assert_string_equal(out, "");
	/* a NUL inside the JSON string is dropped too */
	assert_null(mt_class_clean_name("a\0b", 3, out));
	assert_string_equal(out, "ab");
	/* bidirectional control (U+202E) and invalid UTF-8 are refused */
	assert_non_null(mt_class_clean_name("x\xe2\x80\xaey", 5, out));
	assert_non_null(mt_class_clean_name("x\xffy", 3, out));
	/* cut at 128 bytes on a character boundary: 100 'a' and 20 'é' (2 bytes) */
	char longname[200];
	memset(longname, 'a', 100);
	for (int i = 0; i < 20; i++)
		memcpy(longname + 100 + 2 * i, "\xc3\xa9", 2);
	assert_null(mt_class_clean_name(longname, 140, out));
	assert_int_equal(strlen(out), 128);
	char odd[200];
	memset(odd, 'a', 127);
	memcpy(odd + 127, "\xc3\xa9", 2);
	assert_null(mt_class_clean_name(odd, 129, out));
	assert_int_equal(strlen(out), 127); /* the é would be cut: it goes whole */
}

static void test_report_problem(void **state)
{
	(void)state;
	mt_scenario *sc = tu_load_scenario("default.yaml");
	char why[256];
	double ok[3] = {0.2, 0.3, 0.5};
	assert_false(mt_class_report_problem(sc, 3, ok, why, sizeof why));
	assert_false(mt_class_report_problem(sc, sc->max_size, ok, why, sizeof why));
	assert_true(mt_class_report_problem(sc, 0, ok, why, sizeof why));
	assert_non_null(strstr(why, "size"));
	assert_true(mt_class_report_problem(sc, sc->max_size * 1.01, ok, why, sizeof why));
	assert_true(mt_class_report_problem(sc, NAN, ok, why, sizeof why));
	assert_true(mt_class_report_problem(sc, INFINITY, ok, why, sizeof why));
	double neg[3] = {-0.1, 0.6, 0.5};
	assert_true(mt_class_report_problem(sc, 1, neg, why, sizeof why));
	assert_non_null(strstr(why, "reward 1"));
	double nan[3] = {0.5, NAN, 0.5};
	assert_true(mt_class_report_problem(sc, 1, nan, why, sizeof why));
	assert_non_null(strstr(why, "reward 2"));
	double unnorm[3] = {0.5, 0.5, 0.5};
	assert_true(mt_class_report_problem(sc, 1, unnorm, why, sizeof why));
	assert_non_null(strstr(why, "sum to 1"));
	sc->normalization = MT_NORM_MAX;
	double mx[3] = {0.2, 1, 0.5}, over[3] = {0.2, 1.5, 0.5}, low[3] = {0.2, 0.9, 0.5};
	assert_false(mt_class_report_problem(sc, 1, mx, why, sizeof why));
	assert_true(mt_class_report_problem(sc, 1, over, why, sizeof why));
	assert_true(mt_class_report_problem(sc, 1, low, why, sizeof why));
	assert_non_null(strstr(why, "largest"));
	mt_scenario_free(sc);
}

static char *csv_of(const char *s)
{
	static char buf[512];
	memset(buf, 0, sizeof buf);
	FILE *f = fmemopen(buf, sizeof buf, "w");
	assert_non_null(f);
	mt_class_csv_field(f, s);
	fclose(f);
	return buf;
}

static void test_csv_field(void **state)
{
	(void)state;
	assert_string_equal(csv_of("Ann"), "Ann");
	assert_string_equal(csv_of("a,b"), "\"a,b\"");
	assert_string_equal(csv_of("say \"hi\""), "\"say \"\"hi\"\"\"");
	assert_string_equal(csv_of("two\nlines"), "\"two\nlines\"");
	assert_string_equal(csv_of("cr\r"), "\"cr\r\"");
	assert_string_equal(csv_of(" pad"), "\" pad\"");
	assert_string_equal(csv_of(""), "");
}

/* The table outcome equals mt_solve at the reports, and the truthful
 * utility equals mt_solve with that seat truthful; under vcg no lie gains. */
static void check_table(const char *rule_name, bool lies_pay)
{
	mt_scenario *truth = tu_load_scenario("default.yaml");
	const mt_payment_rule *rule = mt_payment_find(rule_name);
	size_t m = truth->m, n = truth->n;
	double sizes[2] = {10, 5};
	double rewards[6] = {0, 0, 1, 0.3, 0.5, 0.2}; /* Alices polarize, Bobs truthful */
	assert_int_equal(n, 2);
	mt_class_table_outcome to;
	assert_int_equal(mt_class_solve_table(truth, rule, sizes, rewards, &to, NULL), MT_OK);
	mt_scenario *sc = mt_scenario_clone(truth);
	sc->payment = rule;
	for (size_t i = 0; i < n; i++) {
		sc->groups[i].reported_size = sizes[i];
		memcpy(sc->groups[i].reported, rewards + i * m, m * sizeof *rewards);
	}
	mt_outcome o;
	assert_int_equal(mt_solve(sc, &o, NULL, NULL), MT_OK);
	for (size_t x = 0; x < m; x++)
		assert_true(to.policy[x] == o.policy[x]);
	assert_true(to.welfare == o.welfare);
	assert_true(to.seats[0].lied);
	assert_false(to.seats[1].lied);
	for (size_t i = 0; i < n; i++) {
		assert_true(to.seats[i].utility == o.groups[i].utility);
		assert_true(to.seats[i].payment == o.groups[i].payment);
	}
	assert_true(to.seats[1].truthful_utility == to.seats[1].utility);
	assert_true(to.seats[1].gain == 0);
	mt_outcome_release(&o);
	mt_group_tell_truth(sc, 0);
	assert_int_equal(mt_solve(sc, &o, NULL, NULL), MT_OK);
	assert_true(to.seats[0].truthful_utility == o.groups[0].utility);
	assert_true(to.welfare_truthful == o.welfare); /* nobody else lies */
	assert_true(fabs(to.seats[0].gain - (to.seats[0].utility - o.groups[0].utility)) < 1e-15);
	if (lies_pay)
		assert_true(to.seats[0].gain > 0.1);
	else
		assert_true(to.seats[0].gain <= 1e-9);
	assert_true(to.welfare_truthful >= to.welfare - 1e-12);
	mt_outcome_release(&o);
	mt_class_table_outcome_release(&to);
	mt_scenario_free(sc);
	mt_scenario_free(truth);
}

static void test_table_none(void **state)
{
	(void)state;
	check_table("none", true);
}

static void test_table_vcg(void **state)
{
	(void)state;
	check_table("vcg", false);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_code_and_token), cmocka_unit_test(test_clean_name),
	        cmocka_unit_test(test_report_problem), cmocka_unit_test(test_csv_field),
	        cmocka_unit_test(test_table_none),     cmocka_unit_test(test_table_vcg),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
