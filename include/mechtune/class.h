/* mechtune/class.h — classroom mode (issue 12): a host seats students at
 * tables (one table = one copy of the scenario, one student per group), runs
 * rounds under a payment rule and tells every student what their report
 * earned them and what the truth would have.  Students and bots reach the
 * host over TCP with newline-delimited JSON (README, "Running a class").
 *
 * This library has no terminal: the host is a set of file descriptors the
 * caller polls (the headless CLI, later the explorer's class panel), the
 * clients are the bots and the line-mode student of `mechtune class`.  It
 * never blocks on a peer and never prints except to the FILE * given to it. */
#ifndef MECHTUNE_CLASS_H
#define MECHTUNE_CLASS_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "mechtune/error.h"
#include "mechtune/payment.h"
#include "mechtune/scenario.h"

/* The protocol version sent in hello and welcome; a client with another
 * version is refused with an error naming both. */
#define MT_CLASS_PROTOCOL 1

/* Limits (README, "Running a class"). */
#define MT_CLASS_LINE_MAX (64u * 1024u)       /* bytes in one client message, newline included */
#define MT_CLASS_OUT_MAX (4u * 1024u * 1024u) /* bytes queued to one client: more drops it */
#define MT_CLASS_RATE_MAX 20u                 /* messages per second from one connection */
#define MT_CLASS_HANDSHAKE_MS 10000           /* from connect to a valid hello */
#define MT_CLASS_IDLE_MS (60 * 60 * 1000)     /* a seated connection silent this long */
#define MT_CLASS_DEFAULT_STUDENTS 200u        /* --max-students default */
#define MT_CLASS_MAX_STUDENTS 10000u          /* --max-students at most */
#define MT_CLASS_PENDING_MAX 256u             /* connections not yet seated */
#define MT_CLASS_MAX_ROUNDS 100000u           /* rounds in one class */
#define MT_CLASS_MAX_DEADLINE 86400u          /* seconds of a round's deadline */
#define MT_CLASS_CODE_LEN 6u                  /* characters of a join code */
#define MT_CLASS_TOKEN_LEN 32u                /* hex digits of a seat token (128 bits) */
/* A client reads host messages of at most this size (a welcome carries the
 * scenario's public part: labels, reference, the student's own rewards). */
#define MT_CLASS_CLIENT_LINE_MAX (32u * 1024u * 1024u)

/* --- pieces, unit-tested (tests/test_class.c) --- */

/* Fill buf (MT_CLASS_CODE_LEN + 1 bytes) with a join code of letters and
 * digits without look-alikes, from getrandom().  MT_EIO when the kernel's
 * random source fails. */
mt_status mt_class_random_code(char *buf, mt_error *err);
/* Fill buf (MT_CLASS_TOKEN_LEN + 1 bytes) with a random hex token. */
mt_status mt_class_random_token(char *buf, mt_error *err);
/* Why code may not be a join code (a NUL-terminated string of 1 to 32
 * letters and digits), or NULL when it is fine. */
const char *mt_class_code_problem(const char *code);

/* Clean a student's name into out (MT_NAME_MAX + 1 bytes): C0 control
 * characters and DEL are dropped, tabs become spaces, leading and trailing
 * spaces go, so do leading = + - @ (a spreadsheet would run the name in
 * the results CSV as a formula), and the result is cut to MT_NAME_MAX bytes at a character
 * boundary.  Returns NULL, or why the cleaned name is still no name (the
 * answer of mt_text_problem: invalid UTF-8, C1 or bidirectional controls);
 * an empty result is fine (the host then names the student). */
const char *mt_class_clean_name(const char *in, size_t len, char *out);

/* Why (size, rewards[m]) may not be a report in sc (finite, 0 < size <=
 * max_size, rewards >= 0, at most 1 under max normalization, normalized
 * within MT_NORM_TOL), written into why (len bytes), or false when fine. */
bool mt_class_report_problem(const mt_scenario *sc, double size, const double *rewards, char *why,
                             size_t len);

/* Write s as one CSV field: quoted (with doubled quotes) when it holds a
 * comma, quote, CR, LF or starts or ends with a space. */
void mt_class_csv_field(FILE *f, const char *s);

/* One seat's part of a round at one table. */
typedef struct {
	bool lied; /* the report differs from the truth */
	double valuation, payment, utility;
	double truthful_utility; /* utility had this seat told the truth, others fixed */
	double gain;             /* utility - truthful_utility */
} mt_class_seat_outcome;

typedef struct {
	size_t m, n;
	double *policy;          /* m, the trained model at the reports */
	size_t choice;           /* candidate or MT_NO_CANDIDATE */
	double welfare;          /* true welfare at the reports */
	double welfare_truthful; /* true welfare had everybody told the truth */
	mt_class_seat_outcome *seats;
} mt_class_table_outcome;

/* Solve one table: truth is the scenario (true sizes and rewards, which are
 * the file's), rule the round's payment rule, sizes[n] and rewards[n*m] the
 * reports (row-major).  Uses mt_solve, as `mechtune solve` does, once at the
 * reports, once per lying seat (the truthful counterfactual) and once at
 * the truth.  out is initialized here; release it even on failure. */
mt_status mt_class_solve_table(const mt_scenario *truth, const mt_payment_rule *rule,
                               const double *sizes, const double *rewards,
                               mt_class_table_outcome *out, mt_error *err);
void mt_class_table_outcome_release(mt_class_table_outcome *o);

/* --- the host --- */

typedef struct mt_class_host mt_class_host;

typedef struct mt_class_host_opts {
	const char *bind;    /* address to listen on; NULL: 127.0.0.1 */
	unsigned port;       /* 0: a free port */
	const char *code;    /* NULL: a random one */
	const char *results; /* CSV appended to as each round closes, or NULL */
	size_t max_students; /* 0: MT_CLASS_DEFAULT_STUDENTS */
	FILE *events;        /* one JSON event per line, or NULL */
} mt_class_host_opts;

/* Listen and open the results file.  sc is cloned; its reports are reset
 * to the truth.  On failure *out is NULL and err says why. */
mt_status mt_class_host_new(const mt_scenario *sc, const mt_class_host_opts *opts,
                            mt_class_host **out, mt_error *err);
void mt_class_host_free(mt_class_host *h); /* closes every connection; NULL is a no-op */
unsigned mt_class_host_port(const mt_class_host *h);
const char *mt_class_host_code(const mt_class_host *h);
const char *mt_class_host_address(const mt_class_host *h);

/* The host's descriptors for the caller's poll(): fills at most cap entries
 * and returns how many (cap >= mt_class_host_nfds_max(h) always suffices). */
size_t mt_class_host_nfds_max(const mt_class_host *h);
size_t mt_class_host_pollfds(const mt_class_host *h, struct pollfd *fds, size_t cap);
/* Milliseconds until the next timeout the host must act on (-1: none). */
int mt_class_host_timeout(const mt_class_host *h);
/* Serve the descriptors poll() reported on (fds as filled above, revents
 * set) and every expired timer.  Never blocks.  Fails only when a round
 * cannot be solved or the results file cannot be written (err says which);
 * the host goes on serving. */
mt_status mt_class_host_service(mt_class_host *h, const struct pollfd *fds, size_t nfds,
                                mt_error *err);

/* A teacher command (`start PAYMENT [SECONDS]`, `close`, `kick NAME`,
 * `quit`).  *quit is set by quit.  A bad command is MT_EINVAL with err
 * naming the problem; nothing changes then. */
mt_status mt_class_host_command(mt_class_host *h, const char *line, bool *quit, mt_error *err);

/* What the teacher's panel shows, read between services (pointers stay
 * valid until the next mt_class_host_service or mt_class_host_command). */
typedef struct {
	unsigned round;              /* rounds started so far (0: none yet) */
	bool open;                   /* round `round` is open */
	const mt_payment_rule *rule; /* of round `round`; NULL before the first */
	int deadline_ms;             /* ms left of the open round's deadline; -1: none */
	size_t seats;                /* seats ever used: seat s is at table s / n, group s % n */
	size_t students, connected, submitted; /* seated; of them here; here and submitted */
} mt_class_host_state;
void mt_class_host_get_state(const mt_class_host *h, mt_class_host_state *out);
/* The scenario every table plays (the truth), as cloned at start. */
const mt_scenario *mt_class_host_scenario(const mt_class_host *h);

typedef struct {
	const char *name;                 /* NULL: an empty seat */
	bool connected;                   /* a connection holds the seat (else away or empty) */
	bool submitted;                   /* reported in the open round */
	double total_utility, total_gain; /* over the closed rounds */
} mt_class_seat_info;
/* Seat s < state.seats; an out of range s is an empty seat. */
void mt_class_host_seat(const mt_class_host *h, size_t s, mt_class_seat_info *out);

/* The last closed round, table by table (tables without a student are
 * left out). */
typedef struct {
	size_t table;                   /* 0-based */
	char (*names)[MT_NAME_MAX + 1]; /* n; "" for an empty seat (it reported the truth) */
	bool *submitted;                /* n */
	double *sizes, *rewards;        /* the reports, n and n * m */
	mt_class_table_outcome outcome;
} mt_class_table_report;
typedef struct {
	unsigned round;
	const mt_payment_rule *rule;
	size_t ntables;
	mt_class_table_report *tables;
} mt_class_round_report;
/* NULL until a round has closed. */
const mt_class_round_report *mt_class_host_last_round(const mt_class_host *h);
/* The average gain of the lies told under rule in every closed round and
 * how many there were; false (nothing set) when none was told. */
bool mt_class_host_lie_gain(const mt_class_host *h, const mt_payment_rule *rule, double *avg,
                            size_t *count);

/* --- clients --- */

typedef enum {
	MT_CLASS_TRUTHFUL = 0,
	MT_CLASS_BEST = 1,
	MT_CLASS_RANDOM = 2,
	MT_CLASS_POLARIZE = 3,
} mt_class_strategy;
bool mt_class_strategy_parse(const char *s, mt_class_strategy *out);

typedef struct {
	const char *host; /* "HOST:PORT" */
	const char *code;
	const char *name;  /* NULL: the host names them; with count > 1, "NAME k" */
	const char *token; /* reconnect to this seat (count must be 1) */
	size_t count;      /* 1..MT_CLASS_MAX_STUDENTS */
	mt_class_strategy strategy;
	unsigned delay_ms; /* wait this long after a round starts before submitting */
	uint64_t seed;     /* random strategy */
	FILE *log;         /* one JSON line per welcome and result, or NULL */
} mt_class_bot_opts;

/* Run count bots until the host closes their connections (or every bot was
 * refused).  MT_EIO when no bot could connect or join; err says why. */
mt_status mt_class_bot_run(const mt_class_bot_opts *o, mt_error *err);

/* A student in plain line mode: prints the welcome, each round and result
 * to out and reads each report from in as "SIZE R1 R2 ..." (an empty line
 * reports the truth).  Returns when the host closes or in ends. */
mt_status mt_class_join_run(const mt_class_bot_opts *o, FILE *in, FILE *out, mt_error *err);

/* --- the student's screen: a non-blocking client ---
 *
 * One connection the caller polls beside its terminal: nothing here waits
 * on the network (the connect is non-blocking too; HOST must be numeric or
 * resolvable without delay, as 127.0.0.1 and ssh set-ups are).  The state
 * is public and read-only for the caller; it changes only in
 * mt_class_student_service and the calls below. */

typedef enum {
	MT_STUDENT_CONNECTING = 0, /* connect or hello under way */
	MT_STUDENT_SEATED = 1,     /* welcome received */
	MT_STUDENT_LOST = 2,       /* the connection ended; message says why */
} mt_class_student_link;

typedef enum {
	MT_STUDENT_WAITING = 0,   /* no round open: waiting for the teacher */
	MT_STUDENT_OPEN = 1,      /* a round is open, no report accepted yet */
	MT_STUDENT_SUBMITTED = 2, /* the host accepted this round's report */
	MT_STUDENT_CLOSED = 3,    /* the round closed: results[nresults - 1] */
} mt_class_student_phase;

/* One closed round as the host told this student (its "result" message). */
typedef struct {
	long long round;
	char rule[64];
	bool lied;
	double size;     /* the report the host used (the truth when none came) */
	double *rewards; /* m */
	double *policy;  /* m, the trained model */
	double valuation, payment, utility, truthful_utility, gain;
} mt_class_student_result;

#define MT_CLASS_STUDENT_HISTORY 1000u /* rounds kept; the oldest go first */

typedef struct {
	mt_class_student_link link;
	/* The scenario as this student may know it: the public part (labels,
	 * reference, normalization, divergence, lambda, max_size, n groups) and
	 * the student's own group `group` with its true size and rewards; the
	 * other groups are placeholders (uniform rewards, the same size).  NULL
	 * before the welcome. */
	mt_scenario *belief;
	size_t group;
	char name[MT_NAME_MAX + 1], group_name[MT_NAME_MAX + 1];
	char token[MT_CLASS_TOKEN_LEN + 1]; /* kept for mt_class_student_reconnect */
	long long table, seat;
	long long round; /* the last round announced (0: none yet) */
	char rule[64];   /* its payment rule */
	mt_class_student_phase phase;
	int64_t deadline_at; /* CLOCK_MONOTONIC ms of the round's deadline, 0: none */
	/* The host's last error or bye, or why the connection was lost; seq
	 * moves on with each new message. */
	char message[512];
	bool message_error;
	unsigned long message_seq;
	mt_class_student_result *results; /* nresults closed rounds, oldest first */
	size_t nresults;
} mt_class_student_state;

typedef struct mt_class_student mt_class_student;

/* Start connecting to o->host with o->code, o->name and o->token (count,
 * strategy, log are ignored).  Fails only for a bad HOST:PORT, a failed
 * lookup or no memory; a refused connection shows as link LOST. */
mt_status mt_class_student_new(const mt_class_bot_opts *o, mt_class_student **out, mt_error *err);
void mt_class_student_free(mt_class_student *s); /* NULL is a no-op */
const mt_class_student_state *mt_class_student_get(const mt_class_student *s);
/* The descriptor and events to poll (fd -1 when lost). */
struct pollfd mt_class_student_pollfd(const mt_class_student *s);
/* Handle what poll() reported (revents; 0 is fine).  Never blocks.  Returns
 * true when the state changed. */
bool mt_class_student_service(mt_class_student *s, short revents);
/* Send a report for the announced round.  It is not checked here: the host
 * is the judge, its refusal comes back as an error message.  MT_EINVAL when
 * not seated or rewards has the wrong length (m). */
mt_status mt_class_student_submit(mt_class_student *s, double size, const double *rewards,
                                  mt_error *err);
/* Drop the connection (if any) and connect again with the seat's token. */
mt_status mt_class_student_reconnect(mt_class_student *s, mt_error *err);
/* The clock of deadline_at (CLOCK_MONOTONIC, milliseconds). */
int64_t mt_class_student_now_ms(void);
/* Close the connection as a lost one (tests; and the UI's own timeouts). */
void mt_class_student_drop(mt_class_student *s, const char *why);

#endif
