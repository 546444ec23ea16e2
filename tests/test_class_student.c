/* The student's non-blocking client (class.h, mt_class_student_*) against
 * an in-process host on a loopback port: welcome with only the student's
 * own group, a round, a refused report with the host's message, a result,
 * reconnect with the seat's token and a lost host.  Every pump is bounded. */
#include <math.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mechtune/class.h"
#include "testutil.h"

#define assert_double_equal(a, b, tol) assert_true(fabs((double)(a) - (double)(b)) <= (tol))

/* Poll the host and the student until done(st) or 3 s. */
static bool pump(mt_class_host *h, mt_class_student *s,
                 bool (*done)(const mt_class_student_state *, void *), void *arg)
{
	struct pollfd fds[512];
	for (int i = 0; i < 300; i++) {
		const mt_class_student_state *st = mt_class_student_get(s);
		if (done(st, arg))
			return true;
		size_t n = h ? mt_class_host_pollfds(h, fds, 500) : 0;
		fds[n] = mt_class_student_pollfd(s);
		poll(fds, n + 1, 10);
		mt_error err = {0};
		if (h)
			mt_class_host_service(h, fds, n, &err);
		mt_class_student_service(s, fds[n].revents);
	}
	return done(mt_class_student_get(s), arg);
}

static bool seated(const mt_class_student_state *st, void *arg)
{
	(void)arg;
	return st->link == MT_STUDENT_SEATED;
}
static bool phase_is(const mt_class_student_state *st, void *arg)
{
	return st->phase == *(mt_class_student_phase *)arg;
}
static bool new_message(const mt_class_student_state *st, void *arg)
{
	return st->message_seq != *(unsigned long *)arg;
}
static bool lost(const mt_class_student_state *st, void *arg)
{
	(void)arg;
	return st->link == MT_STUDENT_LOST;
}

static mt_class_host *new_host(mt_scenario **sc_out, char *addr, size_t len)
{
	mt_scenario *sc = mt_scenario_new(3, 2);
	assert_non_null(sc);
	double r0[3] = {0.6, 0.3, 0.1}, r1[3] = {0.1, 0.2, 0.7};
	memcpy(sc->groups[0].rewards, r0, sizeof r0);
	memcpy(sc->groups[1].rewards, r1, sizeof r1);
	sc->groups[0].size = 2.0;
	sc->groups[1].size = 3.0;
	for (size_t i = 0; i < 2; i++)
		mt_group_tell_truth(sc, i);
	mt_class_host_opts o = {.code = "ABC123"};
	mt_class_host *h = NULL;
	mt_error err = {0};
	assert_int_equal(mt_class_host_new(sc, &o, &h, &err), MT_OK);
	snprintf(addr, len, "127.0.0.1:%u", mt_class_host_port(h));
	*sc_out = sc;
	return h;
}

static void test_round(void **state)
{
	(void)state;
	char addr[64];
	mt_scenario *sc;
	mt_class_host *h = new_host(&sc, addr, sizeof addr);
	mt_class_bot_opts o = {.host = addr, .code = "ABC123", .name = "ann"};
	mt_class_student *s = NULL;
	mt_error err = {0};
	assert_int_equal(mt_class_student_new(&o, &s, &err), MT_OK);
	assert_true(pump(h, s, seated, NULL));
	const mt_class_student_state *st = mt_class_student_get(s);
	/* only the own group's truth: seat 1 plays group 1 */
	assert_int_equal(st->group, 0);
	assert_string_equal(st->name, "ann");
	assert_int_equal(strlen(st->token), MT_CLASS_TOKEN_LEN);
	assert_double_equal(st->belief->groups[0].rewards[0], 0.6, 1e-12);
	assert_double_equal(st->belief->groups[0].size, 2.0, 1e-12);
	assert_double_equal(st->belief->groups[1].rewards[2], 1.0 / 3.0, 1e-12); /* a placeholder */
	assert_int_equal(st->phase, MT_STUDENT_WAITING);

	/* a report before any round: the host's refusal is the message */
	unsigned long seq = st->message_seq;
	double rw[3] = {0.6, 0.3, 0.1};
	assert_int_equal(mt_class_student_submit(s, 2.0, rw, &err), MT_OK);
	assert_true(pump(h, s, new_message, &seq));
	assert_true(st->message_error);
	assert_non_null(strstr(st->message, "no round is open"));

	bool quit = false;
	assert_int_equal(mt_class_host_command(h, "start none 60", &quit, &err), MT_OK);
	mt_class_student_phase want = MT_STUDENT_OPEN;
	assert_true(pump(h, s, phase_is, &want));
	assert_string_equal(st->rule, "none");
	assert_int_equal(st->round, 1);
	assert_true(st->deadline_at > 0);

	/* a report off the normalization: refused by the host, named */
	seq = st->message_seq;
	double bad[3] = {0.9, 0.9, 0.9};
	assert_int_equal(mt_class_student_submit(s, 2.0, bad, &err), MT_OK);
	assert_true(pump(h, s, new_message, &seq));
	assert_true(st->message_error);
	assert_int_equal(st->phase, MT_STUDENT_OPEN);

	/* a lie: accepted, and as every seated student submitted the round
	 * closes (seat 2 is empty: it reports the truth) */
	double lie[3] = {0.8, 0.2, 0.0};
	seq = st->message_seq;
	assert_int_equal(mt_class_student_submit(s, 2.0, lie, &err), MT_OK);
	want = MT_STUDENT_CLOSED;
	assert_true(pump(h, s, phase_is, &want));
	assert_int_equal(st->nresults, 1);
	assert_false(st->message_error);
	assert_non_null(strstr(st->message, "accepted"));
	const mt_class_student_result *r = &st->results[0];
	assert_true(r->lied);
	assert_string_equal(r->rule, "none");
	assert_double_equal(r->rewards[0], 0.8, 1e-12);
	assert_double_equal(r->gain, r->utility - r->truthful_utility, 1e-9);
	assert_double_equal(r->utility, 2.0 * r->valuation - r->payment, 1e-9); /* w v - p */
	assert_double_equal(r->policy[0] + r->policy[1] + r->policy[2], 1.0, 1e-9);

	/* reconnect with the token: the same seat */
	char token[MT_CLASS_TOKEN_LEN + 1];
	memcpy(token, st->token, sizeof token);
	mt_class_student_drop(s, "test drop");
	assert_int_equal(st->link, MT_STUDENT_LOST);
	assert_int_equal(mt_class_student_reconnect(s, &err), MT_OK);
	assert_true(pump(h, s, seated, NULL));
	assert_string_equal(st->token, token);
	assert_int_equal(st->seat, 1);
	assert_int_equal(st->nresults, 1); /* the history stays */

	/* the host goes away: lost, said so */
	mt_class_host_free(h);
	assert_true(pump(NULL, s, lost, NULL));
	assert_non_null(strstr(st->message, "connection lost"));
	mt_class_student_free(s);
	mt_scenario_free(sc);
}

static void test_refused(void **state)
{
	(void)state;
	mt_class_bot_opts o = {.host = "nonsense", .code = "X"};
	mt_class_student *s = NULL;
	mt_error err = {0};
	assert_int_equal(mt_class_student_new(&o, &s, &err), MT_EINVAL);
	assert_null(s);
	/* a port nobody listens on: lost, not a failure, not a hang */
	char addr[64];
	mt_scenario *sc;
	mt_class_host *h = new_host(&sc, addr, sizeof addr);
	mt_class_host_free(h);
	o.host = addr;
	assert_int_equal(mt_class_student_new(&o, &s, &err), MT_OK);
	assert_true(pump(NULL, s, lost, NULL));
	assert_non_null(strstr(mt_class_student_get(s)->message, "cannot connect"));
	mt_class_student_free(s);
	mt_scenario_free(sc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_round),
	        cmocka_unit_test(test_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
