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

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

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

/* ---- the host's accessors (what the teacher's panel shows) ---- */

static void host_pump(mt_class_host *h, int ms)
{
	struct pollfd fds[16];
	size_t n = mt_class_host_pollfds(h, fds, 16);
	poll(fds, n, ms);
	assert_int_equal(mt_class_host_service(h, fds, n, NULL), MT_OK);
}

static void send_line(int fd, const char *s)
{
	size_t len = strlen(s);
	assert_int_equal(send(fd, s, len, MSG_NOSIGNAL), (ssize_t)len);
}

static void test_host_accessors(void **state)
{
	(void)state;
	mt_scenario *sc = tu_load_scenario("default.yaml");
	mt_class_host_opts o = {.code = "ABC234"};
	mt_class_host *h = NULL;
	assert_int_equal(mt_class_host_new(sc, &o, &h, NULL), MT_OK);
	mt_class_host_state st;
	mt_class_host_get_state(h, &st);
	assert_int_equal(st.round, 0);
	assert_false(st.open);
	assert_null(st.rule);
	assert_int_equal(st.seats, 0);
	assert_null(mt_class_host_last_round(h));
	assert_int_equal(mt_class_host_scenario(h)->n, sc->n);

	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET,
	                        .sin_port = htons((uint16_t)mt_class_host_port(h)),
	                        .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
	send_line(fd, "{\"type\":\"hello\",\"version\":1,\"code\":\"ABC234\",\"name\":\"Ann\"}\n");
	for (int i = 0; i < 200 && st.students == 0; i++) {
		host_pump(h, 10);
		mt_class_host_get_state(h, &st);
	}
	assert_int_equal(st.students, 1);
	assert_int_equal(st.connected, 1);
	assert_int_equal(st.seats, 1);
	mt_class_seat_info si;
	mt_class_host_seat(h, 0, &si);
	assert_string_equal(si.name, "Ann");
	assert_true(si.connected);
	assert_false(si.submitted);
	mt_class_host_seat(h, 5, &si); /* out of range: empty */
	assert_null(si.name);

	/* round 1 under none: Ann (Alices) lies, the round closes by itself */
	bool quit;
	assert_int_equal(mt_class_host_command(h, "start none", &quit, NULL), MT_OK);
	mt_class_host_get_state(h, &st);
	assert_true(st.open);
	assert_int_equal(st.round, 1);
	assert_string_equal(st.rule->name, "none");
	assert_int_equal(st.deadline_ms, -1);
	double size = sc->groups[0].size, lie[3] = {0, 0, 1};
	assert_int_equal(sc->m, 3);
	assert_false(mt_class_report_problem(sc, size, lie, NULL, 0));
	char line[256];
	snprintf(line, sizeof line,
	         "{\"type\":\"report\",\"round\":1,\"size\":%.17g,\"rewards\":[0,0,1]}\n", size);
	send_line(fd, line);
	for (int i = 0; i < 200 && st.open; i++) {
		host_pump(h, 10);
		mt_class_host_get_state(h, &st);
	}
	assert_false(st.open);
	const mt_class_round_report *r = mt_class_host_last_round(h);
	assert_non_null(r);
	assert_int_equal(r->round, 1);
	assert_string_equal(r->rule->name, "none");
	assert_int_equal(r->ntables, 1);
	assert_int_equal(r->tables[0].table, 0);
	assert_string_equal(r->tables[0].names[0], "Ann");
	assert_string_equal(r->tables[0].names[1], ""); /* an empty seat */
	assert_true(r->tables[0].submitted[0]);
	assert_true(r->tables[0].rewards[2] == 1.0 && r->tables[0].sizes[0] == size);
	const mt_class_table_outcome *to = &r->tables[0].outcome;
	assert_true(to->seats[0].lied);
	assert_false(to->seats[1].lied);
	/* the same numbers as mt_class_solve_table on these reports */
	double sizes[2] = {size, sc->groups[1].size};
	double rw[6] = {0, 0, 1};
	memcpy(rw + 3, sc->groups[1].rewards, 3 * sizeof *rw);
	mt_class_table_outcome want;
	assert_int_equal(mt_class_solve_table(sc, mt_payment_find("none"), sizes, rw, &want, NULL),
	                 MT_OK);
	assert_true(to->seats[0].gain == want.seats[0].gain);
	assert_true(to->welfare == want.welfare);
	mt_class_table_outcome_release(&want);
	double avg;
	size_t count;
	assert_true(mt_class_host_lie_gain(h, mt_payment_find("none"), &avg, &count));
	assert_int_equal(count, 1);
	assert_true(avg == to->seats[0].gain);
	assert_false(mt_class_host_lie_gain(h, mt_payment_find("vcg"), &avg, &count));
	mt_class_host_seat(h, 0, &si);
	assert_true(si.total_gain == to->seats[0].gain);
	assert_true(si.total_utility == to->seats[0].utility);

	/* round 2 under vcg with a deadline, closed by the teacher: the truth */
	assert_int_equal(mt_class_host_command(h, "start vcg 60", &quit, NULL), MT_OK);
	mt_class_host_get_state(h, &st);
	assert_true(st.deadline_ms > 50000 && st.deadline_ms <= 60000);
	assert_int_equal(mt_class_host_command(h, "close", &quit, NULL), MT_OK);
	r = mt_class_host_last_round(h);
	assert_int_equal(r->round, 2);
	assert_false(r->tables[0].submitted[0]);
	assert_false(r->tables[0].outcome.seats[0].lied);

	/* kicked: the seat is empty */
	assert_int_equal(mt_class_host_command(h, "kick Ann", &quit, NULL), MT_OK);
	mt_class_host_get_state(h, &st);
	assert_int_equal(st.students, 0);
	mt_class_host_seat(h, 0, &si);
	assert_null(si.name);
	close(fd);
	mt_class_host_free(h);
	mt_scenario_free(sc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_code_and_token), cmocka_unit_test(test_clean_name),
	        cmocka_unit_test(test_report_problem), cmocka_unit_test(test_csv_field),
	        cmocka_unit_test(test_table_none),     cmocka_unit_test(test_table_vcg),
	        cmocka_unit_test(test_host_accessors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
