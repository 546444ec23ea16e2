/* Classroom mode: the host.  Non-blocking sockets served from the caller's
 * poll(); every client message is one JSON line, checked before it changes
 * anything; a client that breaks a limit gets an error naming it and, for
 * the limits that protect the host, is dropped. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "class_internal.h"
#include "mechtune/class.h"

enum { C_FREE = 0, C_HANDSHAKE, C_SEATED };

typedef struct {
	int fd;
	int state;
	size_t seat;
	char *in;
	size_t inlen;
	char *out;
	size_t outlen, outcap;
	int64_t t_open, t_last, rate_start;
	unsigned rate_n;
	bool closing;    /* close once the queued error is sent */
	int64_t t_close; /* ... or at this time */
} conn;

typedef struct {
	bool used;
	char name[MT_NAME_MAX + 1];
	char token[MT_CLASS_TOKEN_LEN + 1];
	size_t conn; /* index, or SIZE_MAX when away */
	bool submitted;
	double size;
	double *rewards;
	double total_utility, total_gain;
} seat;

struct mt_class_host {
	mt_scenario *sc;
	char code[40];
	char addr[80];
	unsigned port;
	int lfd;
	FILE *events;
	FILE *csv;
	conn *conns;
	size_t nconns;
	seat *seats;
	size_t nseats, high; /* capacity, seats ever used (high-water mark) */
	size_t named;        /* students named by the host so far */
	unsigned round;
	bool active;
	const mt_payment_rule *rule;
	int64_t deadline; /* monotonic ms, 0: none */
	double *lie_gain; /* per payment rule (index in mt_payment_rules) */
	size_t *lie_count;
	size_t nrules;
	mt_status pending; /* a round that failed to close inside a handler */
	mt_error pending_err;
	mt_class_round_report *last; /* the last closed round, NULL before */
};

int64_t mt_class_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t mt_class_wall_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static json_t *jnumbers(const double *v, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; a && i < n; i++)
		json_array_append_new(a, json_real(v[i]));
	return a;
}

/* ---------------- connections ---------------- */

static void emit(mt_class_host *h, const char *event, json_t *o)
{
	if (h->events) {
		json_object_set_new(o, "event", json_string(event));
		json_object_set_new(o, "t_ms", json_integer(mt_class_wall_ms()));
		char *s = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(17));
		if (s) {
			fputs(s, h->events);
			fputc('\n', h->events);
			fflush(h->events);
			free(s);
		}
	}
	json_decref(o);
}

static size_t table_of(const mt_class_host *h, size_t s)
{
	return s / h->sc->n;
}
static size_t group_of(const mt_class_host *h, size_t s)
{
	return s % h->sc->n;
}

static json_t *seat_json(const mt_class_host *h, size_t s)
{
	return json_pack("{s:s,s:I,s:I,s:s}", "name", h->seats[s].name, "table",
	                 (json_int_t)table_of(h, s) + 1, "seat", (json_int_t)s + 1, "group",
	                 h->sc->groups[group_of(h, s)].name);
}

static void maybe_close_round(mt_class_host *h);

static void conn_close(mt_class_host *h, size_t c, const char *reason)
{
	conn *k = &h->conns[c];
	if (k->state == C_FREE)
		return;
	if (k->state == C_SEATED) {
		seat *s = &h->seats[k->seat];
		if (s->conn == c) {
			s->conn = SIZE_MAX;
			json_t *e = seat_json(h, k->seat);
			json_object_set_new(e, "reason", json_string(reason));
			emit(h, "left", e);
		}
	}
	bool seated = k->state == C_SEATED;
	close(k->fd);
	free(k->in);
	free(k->out);
	memset(k, 0, sizeof *k);
	k->fd = -1;
	if (seated) /* the others may all have submitted: the round closes */
		maybe_close_round(h);
}

static void conn_flush(mt_class_host *h, size_t c)
{
	conn *k = &h->conns[c];
	while (k->outlen > 0) {
		ssize_t w = send(k->fd, k->out, k->outlen, MSG_NOSIGNAL);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return;
			conn_close(h, c, "connection lost");
			return;
		}
		memmove(k->out, k->out + w, k->outlen - (size_t)w);
		k->outlen -= (size_t)w;
	}
	if (k->closing)
		conn_close(h, c, "closed");
}

/* Queue o (consumed) to connection c; a client whose queue would pass
 * MT_CLASS_OUT_MAX is not reading and is dropped. */
static void conn_send(mt_class_host *h, size_t c, json_t *o)
{
	conn *k = &h->conns[c];
	char *s = json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(17));
	json_decref(o);
	if (k->state == C_FREE || !s) {
		free(s);
		return;
	}
	size_t len = strlen(s);
	if (k->outlen + len + 1 > MT_CLASS_OUT_MAX) {
		free(s);
		conn_close(h, c, "not reading (output buffer full)");
		return;
	}
	if (k->outlen + len + 1 > k->outcap) {
		size_t cap = k->outcap ? k->outcap : 4096;
		while (cap < k->outlen + len + 1)
			cap *= 2;
		char *p = realloc(k->out, cap);
		if (!p) {
			free(s);
			conn_close(h, c, "out of memory");
			return;
		}
		k->out = p;
		k->outcap = cap;
	}
	memcpy(k->out + k->outlen, s, len);
	k->out[k->outlen + len] = '\n';
	k->outlen += len + 1;
	free(s);
	conn_flush(h, c);
}

static void conn_error(mt_class_host *h, size_t c, bool drop, const char *fmt, ...)
#if defined(__GNUC__)
        __attribute__((format(printf, 4, 5)))
#endif
        ;
static void conn_error(mt_class_host *h, size_t c, bool drop, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (drop) {
		h->conns[c].closing = true;
		h->conns[c].t_close = mt_class_now_ms() + 1000;
	}
	conn_send(h, c, json_pack("{s:s,s:s}", "type", "error", "message", msg));
}

/* ---------------- the class ---------------- */

static json_t *round_json(const mt_class_host *h)
{
	json_t *o = json_pack("{s:s,s:I,s:s}", "type", "round", "round", (json_int_t)h->round,
	                      "rule", h->rule->name);
	if (h->deadline)
		json_object_set_new(o, "deadline_ms",
		                    json_integer(h->deadline - mt_class_now_ms()));
	return o;
}

static void send_welcome(mt_class_host *h, size_t c)
{
	const mt_scenario *sc = h->sc;
	size_t s = h->conns[c].seat;
	const mt_group *g = &sc->groups[group_of(h, s)];
	json_t *resp = json_array();
	for (size_t x = 0; x < sc->m; x++)
		json_array_append_new(resp, json_string(sc->responses[x]));
	json_t *o = json_pack(
	        "{s:s,s:i,s:s,s:s,s:I,s:I,s:s,s:s,s:o,s:o,s:s,s:s,s:f,s:f,s:I,s:f,s:o,"
	        "s:I,s:b,s:b}",
	        "type", "welcome", "version", MT_CLASS_PROTOCOL, "token", h->seats[s].token, "name",
	        h->seats[s].name, "table", (json_int_t)table_of(h, s) + 1, "seat",
	        (json_int_t)s + 1, "group", g->name, "scenario", sc->name, "responses", resp,
	        "reference", jnumbers(sc->reference, sc->m), "normalization",
	        mt_norm_name(sc->normalization), "divergence", sc->divergence->name, "lambda",
	        sc->lambda, "max_size", sc->max_size, "groups", (json_int_t)sc->n, "size", g->size,
	        "rewards", jnumbers(g->rewards, sc->m), "round", (json_int_t)h->round, "active",
	        h->active, "submitted", h->seats[s].submitted);
	if (!o) {
		conn_error(h, c, true, "out of memory");
		return;
	}
	conn_send(h, c, o);
	if (h->active && h->conns[c].state == C_SEATED)
		conn_send(h, c, round_json(h));
}

static bool name_taken(const mt_class_host *h, const char *name)
{
	for (size_t s = 0; s < h->high; s++)
		if (h->seats[s].used && !strcmp(h->seats[s].name, name))
			return true;
	return false;
}

static void seat_reset_report(mt_class_host *h, size_t s)
{
	const mt_group *g = &h->sc->groups[group_of(h, s)];
	h->seats[s].size = g->size;
	memcpy(h->seats[s].rewards, g->rewards, h->sc->m * sizeof *g->rewards);
	h->seats[s].submitted = false;
}

/* A hello with a seat's token: the seat moves to connection c (an old
 * connection of the seat is closed), or c is refused. */
static void rejoin(mt_class_host *h, size_t c, json_t *tok)
{
	if (!json_is_string(tok) || json_string_length(tok) != MT_CLASS_TOKEN_LEN) {
		conn_error(h, c, true, "token must be the %u-character string of the welcome",
		           MT_CLASS_TOKEN_LEN);
		return;
	}
	const char *t = json_string_value(tok);
	for (size_t s = 0; s < h->high; s++) {
		seat *st = &h->seats[s];
		unsigned char diff = 0;
		for (size_t i = 0; i < MT_CLASS_TOKEN_LEN; i++)
			diff |= (unsigned char)(st->token[i] ^ t[i]);
		if (!st->used || diff)
			continue;
		size_t old = st->conn;
		/* bound to the new connection first: closing the old one then
		 * emits no "left" and closes no round */
		h->conns[c].state = C_SEATED;
		h->conns[c].seat = s;
		st->conn = c;
		if (old != SIZE_MAX)
			conn_error(h, old, true, "this seat was taken over by a reconnect");
		emit(h, "rejoined", seat_json(h, s));
		send_welcome(h, c);
		return;
	}
	conn_error(h, c, true, "unknown token: the seat was freed or belongs to another class");
}

/* name, or "name (2)", "name (3)" ... when a seated student has it already
 * (cut at a character boundary to stay within MT_NAME_MAX bytes). */
static void unique_name(const mt_class_host *h, char name[MT_NAME_MAX + 1])
{
	if (!name_taken(h, name))
		return;
	char base[MT_NAME_MAX + 1];
	memcpy(base, name, sizeof base);
	for (unsigned k = 2;; k++) {
		char suffix[16];
		int sl = snprintf(suffix, sizeof suffix, " (%u)", k);
		size_t bl = strlen(base), max = MT_NAME_MAX - (size_t)sl;
		if (bl > max) { /* cut at a character boundary */
			bl = max;
			while (bl > 0 && ((unsigned char)base[bl] & 0xc0) == 0x80)
				bl--;
		}
		snprintf(name, MT_NAME_MAX + 1, "%.*s%s", (int)bl, base, suffix);
		if (!name_taken(h, name))
			break;
	}
}

static void handle_hello(mt_class_host *h, size_t c, json_t *msg)
{
	json_t *v = json_object_get(msg, "version");
	if (!json_is_integer(v)) {
		conn_error(h, c, true, "hello needs \"version\": %d (an integer)",
		           MT_CLASS_PROTOCOL);
		return;
	}
	if (json_integer_value(v) != MT_CLASS_PROTOCOL) {
		conn_error(h, c, true,
		           "protocol version %lld is not this host's %d: use the same "
		           "mechtune version as the teacher",
		           (long long)json_integer_value(v), MT_CLASS_PROTOCOL);
		return;
	}
	json_t *code = json_object_get(msg, "code");
	if (!json_is_string(code) || strcmp(json_string_value(code), h->code)) {
		conn_error(h, c, true,
		           "wrong join code: ask the teacher for the code shown at the "
		           "host");
		return;
	}
	json_t *tok = json_object_get(msg, "token");
	if (tok && !json_is_null(tok)) {
		rejoin(h, c, tok);
		return;
	}
	char name[MT_NAME_MAX + 1] = "";
	json_t *jn = json_object_get(msg, "name");
	if (jn && !json_is_null(jn)) {
		if (!json_is_string(jn)) {
			conn_error(h, c, true, "name must be a string");
			return;
		}
		const char *why =
		        mt_class_clean_name(json_string_value(jn), json_string_length(jn), name);
		if (why) {
			conn_error(h, c, true, "name %s: choose another", why);
			return;
		}
	}
	size_t s = 0;
	while (s < h->nseats && h->seats[s].used)
		s++;
	if (s == h->nseats) {
		conn_error(h, c, true, "the class is full (%zu students): ask the teacher",
		           h->nseats);
		return;
	}
	if (!name[0])
		snprintf(name, sizeof name, "student %zu", ++h->named);
	unique_name(h, name);
	mt_error err = {0};
	seat *st = &h->seats[s];
	if (mt_class_random_token(st->token, &err)) {
		conn_error(h, c, true, "%s", err.msg);
		return;
	}
	st->used = true;
	memcpy(st->name, name, sizeof st->name);
	st->conn = c;
	st->total_utility = st->total_gain = 0;
	seat_reset_report(h, s);
	if (s >= h->high)
		h->high = s + 1;
	h->conns[c].state = C_SEATED;
	h->conns[c].seat = s;
	emit(h, "joined", seat_json(h, s));
	send_welcome(h, c);
}

static void handle_report(mt_class_host *h, size_t c, json_t *msg)
{
	const mt_scenario *sc = h->sc;
	size_t s = h->conns[c].seat;
	json_t *r = json_object_get(msg, "round");
	if (!h->active) {
		conn_error(h, c, false, "no round is open: wait for the teacher to start one");
		return;
	}
	if (!json_is_integer(r) || json_integer_value(r) != (json_int_t)h->round) {
		conn_error(h, c, false, "report is for round %s, the open round is %u",
		           json_is_integer(r) ? "another" : "(missing)", h->round);
		return;
	}
	if (h->seats[s].submitted) {
		conn_error(h, c, false, "you already submitted in round %u", h->round);
		return;
	}
	json_t *js = json_object_get(msg, "size");
	if (!json_is_number(js)) {
		conn_error(h, c, false, "report needs \"size\": a number");
		return;
	}
	json_t *jr = json_object_get(msg, "rewards");
	if (!json_is_array(jr) || json_array_size(jr) != sc->m) {
		conn_error(h, c, false, "report needs \"rewards\": an array of %zu numbers", sc->m);
		return;
	}
	double *rw = malloc(sc->m * sizeof *rw);
	if (!rw) {
		conn_error(h, c, false, "out of memory");
		return;
	}
	for (size_t x = 0; x < sc->m; x++) {
		json_t *e = json_array_get(jr, x);
		if (!json_is_number(e)) {
			free(rw);
			conn_error(h, c, false, "reward %zu must be a number", x + 1);
			return;
		}
		rw[x] = json_number_value(e);
	}
	double size = json_number_value(js);
	char why[256];
	if (mt_class_report_problem(sc, size, rw, why, sizeof why)) {
		free(rw);
		conn_error(h, c, false, "%s", why);
		return;
	}
	seat *st = &h->seats[s];
	st->size = size;
	memcpy(st->rewards, rw, sc->m * sizeof *rw);
	free(rw);
	st->submitted = true;
	conn_send(h, c, json_pack("{s:s,s:I}", "type", "accepted", "round", (json_int_t)h->round));
	json_t *e = seat_json(h, s);
	json_object_set_new(e, "round", json_integer(h->round));
	emit(h, "submitted", e);
	maybe_close_round(h);
}

static void handle_line(mt_class_host *h, size_t c, const char *line, size_t len)
{
	conn *k = &h->conns[c];
	int64_t now = mt_class_now_ms();
	k->t_last = now;
	if (now - k->rate_start >= 1000) {
		k->rate_start = now;
		k->rate_n = 0;
	}
	if (++k->rate_n > MT_CLASS_RATE_MAX) {
		conn_error(h, c, true, "more than %u messages in a second", MT_CLASS_RATE_MAX);
		return;
	}
	json_error_t jerr;
	json_t *msg = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!msg || !json_is_object(msg)) {
		bool hs = k->state == C_HANDSHAKE;
		if (msg)
			conn_error(h, c, hs, "a message must be a JSON object");
		else
			conn_error(h, c, hs, "not JSON (%s at column %d)", jerr.text, jerr.column);
		json_decref(msg);
		return;
	}
	json_t *type = json_object_get(msg, "type");
	const char *t = json_is_string(type) ? json_string_value(type) : NULL;
	if (!t) {
		conn_error(h, c, k->state == C_HANDSHAKE, "a message needs \"type\": a string");
	} else if (k->state == C_HANDSHAKE) {
		if (!strcmp(t, "hello"))
			handle_hello(h, c, msg);
		else
			conn_error(h, c, true, "the first message must be hello, not '%.40s'", t);
	} else if (!strcmp(t, "report")) {
		handle_report(h, c, msg);
	} else if (!strcmp(t, "hello")) {
		conn_error(h, c, false, "already joined");
	} else {
		conn_error(h, c, false, "unknown message type '%.40s' (known: hello, report)", t);
	}
	json_decref(msg);
}

static void conn_read(mt_class_host *h, size_t c)
{
	for (int rounds = 0; rounds < 4; rounds++) {
		conn *k = &h->conns[c];
		if (k->state == C_FREE || k->closing)
			return;
		if (!k->in && !(k->in = malloc(MT_CLASS_LINE_MAX))) {
			conn_close(h, c, "out of memory");
			return;
		}
		ssize_t r = recv(k->fd, k->in + k->inlen, MT_CLASS_LINE_MAX - k->inlen, 0);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				conn_close(h, c, "connection lost");
			return;
		}
		if (r == 0) {
			conn_close(h, c, "disconnected");
			return;
		}
		k->inlen += (size_t)r;
		size_t start = 0;
		for (size_t i = k->inlen - (size_t)r; i < k->inlen; i++) {
			if (k->in[i] != '\n')
				continue;
			handle_line(h, c, k->in + start, i - start);
			start = i + 1;
			k = &h->conns[c];
			if (k->state == C_FREE || k->closing)
				return;
		}
		memmove(k->in, k->in + start, k->inlen - start);
		k->inlen -= start;
		if (k->inlen == MT_CLASS_LINE_MAX) {
			conn_error(h, c, true, "a message is longer than %u bytes",
			           MT_CLASS_LINE_MAX);
			return;
		}
	}
}

static void accept_all(mt_class_host *h)
{
	for (int i = 0; i < 64; i++) {
		int fd = accept(h->lfd, NULL, NULL);
		if (fd < 0)
			return;
		size_t c = 0, pending = 0;
		for (size_t j = 0; j < h->nconns; j++)
			pending += h->conns[j].state == C_HANDSHAKE;
		while (c < h->nconns && h->conns[c].state != C_FREE)
			c++;
		int fl = fcntl(fd, F_GETFL);
		if (c == h->nconns || pending >= MT_CLASS_PENDING_MAX || fl < 0 ||
		    fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0 || fcntl(fd, F_SETFD, FD_CLOEXEC) < 0) {
			static const char busy[] =
			        "{\"type\":\"error\",\"message\":\"the host has too "
			        "many connections: try again\"}\n";
			if (fl >= 0 && fcntl(fd, F_SETFL, fl | O_NONBLOCK) == 0) {
				ssize_t w = send(fd, busy, sizeof busy - 1, MSG_NOSIGNAL);
				(void)w;
			}
			close(fd);
			continue;
		}
		/* no Nagle: "accepted" and "result" are small and must not wait for
		 * the client's delayed ACK (40 ms) */
		int one = 1;
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
		conn *k = &h->conns[c];
		memset(k, 0, sizeof *k);
		k->fd = fd;
		k->state = C_HANDSHAKE;
		k->t_open = k->t_last = k->rate_start = mt_class_now_ms();
	}
}

/* ---------------- rounds ---------------- */

static size_t rule_index(const mt_class_host *h, const mt_payment_rule *r)
{
	for (size_t i = 0; i < h->nrules; i++)
		if (mt_payment_rules[i] == r)
			return i;
	return 0;
}

static void csv_header(FILE *f)
{
	fputs("round,table,seat,group,name,payment_rule,submitted,lied,reported_size,"
	      "reported_rewards,valuation,payment,utility,truthful_utility,gain,welfare,"
	      "welfare_truthful\n",
	      f);
}

static void csv_row(mt_class_host *h, size_t s, const mt_class_table_outcome *t, size_t g)
{
	FILE *f = h->csv;
	const seat *st = &h->seats[s];
	const mt_class_seat_outcome *o = &t->seats[g];
	fprintf(f, "%u,%zu,%zu,", h->round, table_of(h, s) + 1, s + 1);
	mt_class_csv_field(f, h->sc->groups[g].name);
	fputc(',', f);
	mt_class_csv_field(f, st->used ? st->name : "");
	fprintf(f, ",%s,%d,%d,%.17g,", h->rule->name, st->used && st->submitted, o->lied,
	        st->used ? st->size : h->sc->groups[g].size);
	for (size_t x = 0; x < h->sc->m; x++)
		fprintf(f, "%s%.17g", x ? " " : "",
		        st->used ? st->rewards[x] : h->sc->groups[g].rewards[x]);
	fprintf(f, ",%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g\n", o->valuation, o->payment,
	        o->utility, o->truthful_utility, o->gain, t->welfare, t->welfare_truthful);
}

static void round_report_free(mt_class_round_report *r)
{
	if (!r)
		return;
	for (size_t t = 0; t < r->ntables; t++) {
		mt_class_table_report *x = &r->tables[t];
		free(x->names);
		free(x->submitted);
		free(x->sizes);
		free(x->rewards);
		mt_class_table_outcome_release(&x->outcome);
	}
	free(r->tables);
	free(r);
}

/* Keep table t's reports and outcome (moved in) for the panel; false when
 * out of memory (to is released then). */
static bool round_report_add(mt_class_host *h, mt_class_round_report *r, size_t t,
                             const double *sizes, const double *rewards, mt_class_table_outcome *to)
{
	size_t n = h->sc->n, m = h->sc->m;
	mt_class_table_report *x = &r->tables[r->ntables];
	*x = (mt_class_table_report){.table = t};
	x->names = calloc(n, sizeof *x->names);
	x->submitted = calloc(n, sizeof *x->submitted);
	x->sizes = malloc(n * sizeof *x->sizes);
	x->rewards = malloc(n * m * sizeof *x->rewards);
	x->outcome = *to;
	*to = (mt_class_table_outcome){0};
	r->ntables++;
	if (!x->names || !x->submitted || !x->sizes || !x->rewards)
		return false;
	memcpy(x->sizes, sizes, n * sizeof *sizes);
	memcpy(x->rewards, rewards, n * m * sizeof *rewards);
	for (size_t g = 0; g < n; g++) {
		const seat *se = &h->seats[t * n + g];
		if (t * n + g < h->nseats && se->used) {
			snprintf(x->names[g], sizeof x->names[g], "%s", se->name);
			x->submitted[g] = se->submitted;
		}
	}
	return true;
}

/* The reports of table t into sizes[n] and rewards[n*m]: a seat's report, or
 * the truth for an empty seat; false when nobody sits at the table. */
static bool table_reports(const mt_class_host *h, size_t t, double *sizes, double *rewards)
{
	const mt_scenario *sc = h->sc;
	size_t n = sc->n, m = sc->m;
	bool any = false;
	for (size_t g = 0; g < n; g++) {
		size_t s = t * n + g;
		bool used = s < h->nseats && h->seats[s].used;
		any |= used;
		sizes[g] = used ? h->seats[s].size : sc->groups[g].size;
		memcpy(rewards + g * m, used ? h->seats[s].rewards : sc->groups[g].rewards,
		       m * sizeof *rewards);
	}
	return any;
}

/* Table t's seats as the round_closed event lists them; on the way, each
 * seated student's totals and the rule's lying tally are updated, the CSV
 * rows written and every connected student sent their result. */
static json_t *table_seats(mt_class_host *h, size_t t, size_t ri, const mt_class_table_outcome *to,
                           const double *sizes, const double *rewards)
{
	const mt_scenario *sc = h->sc;
	size_t n = sc->n, m = sc->m;
	json_t *jseats = json_array();
	for (size_t g = 0; g < n; g++) {
		size_t s = t * n + g;
		seat *se = &h->seats[s];
		const mt_class_seat_outcome *o = &to->seats[g];
		bool used = se->used;
		json_t *js = json_pack("{s:I,s:s,s:o,s:b,s:b,s:f,s:o,s:f,s:f,s:f,s:f,s:f}", "seat",
		                       (json_int_t)s + 1, "group", sc->groups[g].name, "name",
		                       used ? json_string(se->name) : json_null(), "submitted",
		                       used && se->submitted, "lied", o->lied, "size", sizes[g],
		                       "rewards", jnumbers(rewards + g * m, m), "valuation",
		                       o->valuation, "payment", o->payment, "utility", o->utility,
		                       "truthful_utility", o->truthful_utility, "gain", o->gain);
		json_array_append_new(jseats, js);
		if (!used)
			continue;
		se->total_utility += o->utility;
		se->total_gain += o->gain;
		if (o->lied) {
			h->lie_gain[ri] += o->gain;
			h->lie_count[ri]++;
		}
		if (h->csv)
			csv_row(h, s, to, g);
		if (se->conn != SIZE_MAX) {
			json_t *r = json_pack(
			        "{s:s,s:I,s:s,s:o,s:b,s:f,s:o,s:f,s:f,s:f,s:f,s:f}", "type",
			        "result", "round", (json_int_t)h->round, "rule", h->rule->name,
			        "policy", jnumbers(to->policy, m), "lied", o->lied, "size",
			        sizes[g], "rewards", jnumbers(rewards + g * m, m), "valuation",
			        o->valuation, "payment", o->payment, "utility", o->utility,
			        "truthful_utility", o->truthful_utility, "gain", o->gain);
			conn_send(h, se->conn, r);
		}
	}
	return jseats;
}

/* The average gain of lying under each rule played so far. */
static json_t *lying_averages(const mt_class_host *h)
{
	json_t *avg = json_object();
	for (size_t i = 0; i < h->nrules; i++)
		if (h->lie_count[i])
			json_object_set_new(avg, mt_payment_rules[i]->name,
			                    json_real(h->lie_gain[i] / (double)h->lie_count[i]));
	return avg;
}

typedef struct {
	double gain;
	size_t seat;
} board_entry;

/* Highest total gain first; ties in seat order. */
static int by_gain(const void *a, const void *b)
{
	const board_entry *x = a, *y = b;
	if (x->gain != y->gain)
		return x->gain < y->gain ? 1 : -1;
	return x->seat < y->seat ? -1 : x->seat > y->seat;
}

/* Every seated student by total gain of lying (an empty list when out of
 * memory: the round is still reported). */
static json_t *leaderboard(const mt_class_host *h)
{
	json_t *board = json_array();
	board_entry *order = malloc((h->high ? h->high : 1) * sizeof *order);
	if (!order)
		return board;
	size_t k = 0;
	for (size_t s = 0; s < h->high; s++)
		if (h->seats[s].used)
			order[k++] = (board_entry){h->seats[s].total_gain, s};
	qsort(order, k, sizeof *order, by_gain);
	for (size_t i = 0; i < k; i++) {
		const seat *se = &h->seats[order[i].seat];
		json_array_append_new(board, json_pack("{s:s,s:f,s:f}", "name", se->name,
		                                       "total_gain", se->total_gain,
		                                       "total_utility", se->total_utility));
	}
	free(order);
	return board;
}

static mt_status close_round(mt_class_host *h, mt_error *err)
{
	const mt_scenario *sc = h->sc;
	size_t n = sc->n, m = sc->m, ntables = (h->high + n - 1) / n;
	double *sizes = malloc(n * sizeof *sizes);
	double *rewards = malloc(n * m * sizeof *rewards);
	json_t *tables = json_array();
	mt_class_round_report *rep = calloc(1, sizeof *rep);
	if (rep) {
		rep->round = h->round;
		rep->rule = h->rule;
		rep->tables = calloc(ntables ? ntables : 1, sizeof *rep->tables);
	}
	mt_status st = MT_OK;
	h->active = false;
	h->deadline = 0;
	if (!sizes || !rewards || !tables || !rep || !rep->tables) {
		st = mt_error_set(err, MT_ENOMEM, NULL, 0, 0, "out of memory closing round %u",
		                  h->round);
		goto out;
	}
	size_t ri = rule_index(h, h->rule);
	for (size_t t = 0; t < ntables; t++) {
		if (!table_reports(h, t, sizes, rewards))
			continue;
		mt_class_table_outcome to;
		if ((st = mt_class_solve_table(sc, h->rule, sizes, rewards, &to, err))) {
			mt_class_table_outcome_release(&to);
			goto out;
		}
		json_t *jseats = table_seats(h, t, ri, &to, sizes, rewards);
		json_array_append_new(
		        tables, json_pack("{s:I,s:o,s:f,s:f,s:f,s:o}", "table", (json_int_t)t + 1,
		                          "policy", jnumbers(to.policy, m), "welfare", to.welfare,
		                          "welfare_truthful", to.welfare_truthful, "welfare_lost",
		                          to.welfare_truthful - to.welfare, "seats", jseats));
		if (!round_report_add(h, rep, t, sizes, rewards, &to)) {
			st = mt_error_set(err, MT_ENOMEM, NULL, 0, 0,
			                  "out of memory keeping round %u for the panel", h->round);
			goto out;
		}
	}
	if (h->csv) {
		if (fflush(h->csv) || fsync(fileno(h->csv)) || ferror(h->csv))
			st = mt_error_set(err, MT_EIO, NULL, 0, 0,
			                  "cannot write the results file: %s", strerror(errno));
	}
	emit(h, "round_closed",
	     json_pack("{s:I,s:s,s:o,s:o,s:o}", "round", (json_int_t)h->round, "rule",
	               h->rule->name, "tables", tables, "average_gain_of_lying", lying_averages(h),
	               "leaderboard", leaderboard(h)));
	tables = NULL;
	round_report_free(h->last);
	h->last = rep;
	rep = NULL;
out:
	round_report_free(rep);
	json_decref(tables);
	free(sizes);
	free(rewards);
	return st;
}

static void maybe_close_round(mt_class_host *h)
{
	if (!h->active)
		return;
	size_t present = 0;
	for (size_t s = 0; s < h->high; s++) {
		const seat *st = &h->seats[s];
		if (!st->used || st->conn == SIZE_MAX)
			continue;
		present++;
		if (!st->submitted)
			return;
	}
	if (present == 0)
		return; /* nobody is here: the teacher closes it */
	mt_status st = close_round(h, &h->pending_err);
	if (st && !h->pending)
		h->pending = st;
}

/* ---------------- public ---------------- */

/* Open the results CSV for appending (a header when it is new, flushed and
 * fsync'ed); an existing file is never truncated. */
static mt_status open_results(mt_class_host *h, const char *path, mt_error *err)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	struct stat sb;
	if (fd < 0 || fstat(fd, &sb) || !(h->csv = fdopen(fd, "a"))) {
		mt_status st = mt_error_set(err, MT_EIO, path, 0, 0,
		                            "cannot open the results file: %s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return st;
	}
	if (sb.st_size == 0) {
		csv_header(h->csv);
		if (fflush(h->csv) || fsync(fd))
			return mt_error_set(err, MT_EIO, path, 0, 0,
			                    "cannot write the results file: %s", strerror(errno));
	}
	return MT_OK;
}

/* Listen on where (NULL: 127.0.0.1) and port_no (0: a free port), without
 * blocking; the address students join is then in h->addr and h->port. */
static mt_status listen_on(mt_class_host *h, const char *where, unsigned port_no, mt_error *err)
{
	const char *bind_addr = where ? where : "127.0.0.1";
	char port[16];
	snprintf(port, sizeof port, "%u", port_no);
	if (port_no > 65535) {
		return mt_error_set(err, MT_EINVAL, NULL, 0, 0, "--port must be 0 to 65535");
	}
	struct addrinfo hints = {.ai_family = AF_UNSPEC,
	                         .ai_socktype = SOCK_STREAM,
	                         .ai_flags = AI_PASSIVE | AI_NUMERICSERV};
	struct addrinfo *ai = NULL;
	int gai = getaddrinfo(bind_addr, port, &hints, &ai);
	if (gai) {
		return mt_error_set(err, MT_EINVAL, NULL, 0, 0, "cannot use address %s: %s",
		                    bind_addr, gai_strerror(gai));
	}
	int lerr = 0;
	for (struct addrinfo *a = ai; a && h->lfd < 0; a = a->ai_next) {
		int fd = socket(a->ai_family, a->ai_socktype, a->ai_protocol);
		int one = 1;
		if (fd < 0) {
			lerr = errno;
			continue;
		}
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
		int fl = fcntl(fd, F_GETFL);
		if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0 ||
		    fcntl(fd, F_SETFD, FD_CLOEXEC) < 0 || bind(fd, a->ai_addr, a->ai_addrlen) ||
		    listen(fd, 128)) {
			lerr = errno;
			close(fd);
			continue;
		}
		h->lfd = fd;
	}
	freeaddrinfo(ai);
	if (h->lfd < 0) {
		return mt_error_set(err, MT_EIO, NULL, 0, 0, "cannot listen on %s port %s: %s",
		                    bind_addr, port, strerror(lerr));
	}
	struct sockaddr_storage ss;
	socklen_t sl = sizeof ss;
	char hbuf[64] = "?", sbuf[16] = "0";
	if (getsockname(h->lfd, (struct sockaddr *)&ss, &sl) == 0)
		getnameinfo((struct sockaddr *)&ss, sl, hbuf, sizeof hbuf, sbuf, sizeof sbuf,
		            NI_NUMERICHOST | NI_NUMERICSERV);
	h->port = (unsigned)strtoul(sbuf, NULL, 10);
	if (strchr(hbuf, ':'))
		snprintf(h->addr, sizeof h->addr, "[%s]:%u", hbuf, h->port);
	else
		snprintf(h->addr, sizeof h->addr, "%s:%u", hbuf, h->port);
	return MT_OK;
}

mt_status mt_class_host_new(const mt_scenario *sc, const mt_class_host_opts *opts,
                            mt_class_host **out, mt_error *err)
{
	*out = NULL;
	size_t max = opts->max_students ? opts->max_students : MT_CLASS_DEFAULT_STUDENTS;
	if (max > MT_CLASS_MAX_STUDENTS)
		return mt_error_set(err, MT_EINVAL, NULL, 0, 0, "--max-students must be 1 to %u",
		                    MT_CLASS_MAX_STUDENTS);
	const char *why;
	if (opts->code && (why = mt_class_code_problem(opts->code)))
		return mt_error_set(err, MT_EINVAL, NULL, 0, 0, "--code: %s", why);
	mt_class_host *h = calloc(1, sizeof *h);
	mt_status st = MT_OK;
	if (!h)
		return mt_error_set(err, MT_ENOMEM, NULL, 0, 0, "out of memory");
	h->lfd = -1;
	h->events = opts->events;
	h->nseats = max;
	h->nconns = max + MT_CLASS_PENDING_MAX;
	while (mt_payment_rules[h->nrules])
		h->nrules++;
	h->sc = mt_scenario_clone(sc);
	h->seats = calloc(h->nseats, sizeof *h->seats);
	h->conns = calloc(h->nconns, sizeof *h->conns);
	h->lie_gain = calloc(h->nrules + 1, sizeof *h->lie_gain); /* never calloc(0) */
	h->lie_count = calloc(h->nrules + 1, sizeof *h->lie_count);
	if (!h->sc || !h->seats || !h->conns || !h->lie_gain || !h->lie_count) {
		st = mt_error_set(err, MT_ENOMEM, NULL, 0, 0, "out of memory");
		goto fail;
	}
	for (size_t i = 0; i < h->sc->n; i++)
		mt_group_tell_truth(h->sc, i);
	for (size_t c = 0; c < h->nconns; c++)
		h->conns[c].fd = -1;
	for (size_t s = 0; s < h->nseats; s++) {
		h->seats[s].conn = SIZE_MAX;
		if (!(h->seats[s].rewards = calloc(h->sc->m, sizeof(double)))) {
			st = mt_error_set(err, MT_ENOMEM, NULL, 0, 0, "out of memory");
			goto fail;
		}
	}
	if (opts->code)
		snprintf(h->code, sizeof h->code, "%s", opts->code);
	else if ((st = mt_class_random_code(h->code, err)))
		goto fail;
	if (opts->results && (st = open_results(h, opts->results, err)))
		goto fail;
	if ((st = listen_on(h, opts->bind, opts->port, err)))
		goto fail;
	*out = h;
	return MT_OK;
fail:
	mt_class_host_free(h);
	return st;
}

void mt_class_host_free(mt_class_host *h)
{
	if (!h)
		return;
	h->active = false; /* leaving students close no round now */
	if (h->conns)
		for (size_t c = 0; c < h->nconns; c++) {
			if (h->conns[c].state == C_SEATED)
				conn_send(h, c,
				          json_pack("{s:s,s:s}", "type", "bye", "reason",
				                    "the class has ended"));
			conn_close(h, c, "the class has ended");
		}
	if (h->seats)
		for (size_t s = 0; s < h->nseats; s++)
			free(h->seats[s].rewards);
	if (h->lfd >= 0)
		close(h->lfd);
	if (h->csv)
		fclose(h->csv);
	mt_scenario_free(h->sc);
	free(h->seats);
	free(h->conns);
	free(h->lie_gain);
	free(h->lie_count);
	round_report_free(h->last);
	free(h);
}

void mt_class_host_get_state(const mt_class_host *h, mt_class_host_state *out)
{
	*out = (mt_class_host_state){.round = h->round,
	                             .open = h->active,
	                             .rule = h->round ? h->rule : NULL,
	                             .deadline_ms = -1,
	                             .seats = h->high};
	if (h->active && h->deadline) {
		int64_t left = h->deadline - mt_class_now_ms();
		out->deadline_ms = left < 0 ? 0 : left > INT32_MAX ? INT32_MAX : (int)left;
	}
	for (size_t s = 0; s < h->high; s++) {
		const seat *st = &h->seats[s];
		if (!st->used)
			continue;
		out->students++;
		if (st->conn != SIZE_MAX) {
			out->connected++;
			out->submitted += st->submitted;
		}
	}
}

const mt_scenario *mt_class_host_scenario(const mt_class_host *h)
{
	return h->sc;
}

void mt_class_host_seat(const mt_class_host *h, size_t s, mt_class_seat_info *out)
{
	*out = (mt_class_seat_info){0};
	if (s >= h->high || !h->seats[s].used)
		return;
	const seat *st = &h->seats[s];
	out->name = st->name;
	out->connected = st->conn != SIZE_MAX;
	out->submitted = st->submitted;
	out->total_utility = st->total_utility;
	out->total_gain = st->total_gain;
}

const mt_class_round_report *mt_class_host_last_round(const mt_class_host *h)
{
	return h->last;
}

bool mt_class_host_lie_gain(const mt_class_host *h, const mt_payment_rule *rule, double *avg,
                            size_t *count)
{
	for (size_t i = 0; i < h->nrules; i++)
		if (mt_payment_rules[i] == rule && h->lie_count[i]) {
			*avg = h->lie_gain[i] / (double)h->lie_count[i];
			*count = h->lie_count[i];
			return true;
		}
	return false;
}

unsigned mt_class_host_port(const mt_class_host *h)
{
	return h->port;
}
const char *mt_class_host_code(const mt_class_host *h)
{
	return h->code;
}
const char *mt_class_host_address(const mt_class_host *h)
{
	return h->addr;
}
size_t mt_class_host_nfds_max(const mt_class_host *h)
{
	return h->nconns + 1;
}

size_t mt_class_host_pollfds(const mt_class_host *h, struct pollfd *fds, size_t cap)
{
	size_t n = 0;
	if (cap == 0)
		return 0;
	fds[n++] = (struct pollfd){.fd = h->lfd, .events = POLLIN};
	for (size_t c = 0; c < h->nconns && n < cap; c++) {
		const conn *k = &h->conns[c];
		if (k->state == C_FREE)
			continue;
		short ev = k->closing ? 0 : POLLIN;
		if (k->outlen)
			ev |= POLLOUT;
		fds[n++] = (struct pollfd){.fd = k->fd, .events = ev};
	}
	return n;
}

int mt_class_host_timeout(const mt_class_host *h)
{
	int64_t now = mt_class_now_ms(), next = INT64_MAX;
	for (size_t c = 0; c < h->nconns; c++) {
		const conn *k = &h->conns[c];
		if (k->state != C_FREE && k->closing && k->t_close < next)
			next = k->t_close;
		if (k->state == C_HANDSHAKE && k->t_open + MT_CLASS_HANDSHAKE_MS < next)
			next = k->t_open + MT_CLASS_HANDSHAKE_MS;
		else if (k->state == C_SEATED && k->t_last + MT_CLASS_IDLE_MS < next)
			next = k->t_last + MT_CLASS_IDLE_MS;
	}
	if (h->active && h->deadline && h->deadline < next)
		next = h->deadline;
	if (next == INT64_MAX)
		return -1;
	return next <= now ? 0 : next - now > 60000 ? 60000 : (int)(next - now);
}

mt_status mt_class_host_service(mt_class_host *h, const struct pollfd *fds, size_t nfds,
                                mt_error *err)
{
	h->pending = MT_OK;
	size_t c = 0;
	for (size_t i = 1; i < nfds; i++) {
		while (c < h->nconns &&
		       (h->conns[c].state == C_FREE || h->conns[c].fd != fds[i].fd))
			c++;
		if (c == h->nconns)
			break;
		short re = fds[i].revents;
		if (re & POLLOUT)
			conn_flush(h, c);
		if (h->conns[c].state != C_FREE && (re & (POLLIN | POLLHUP | POLLERR)))
			conn_read(h, c);
		if (h->conns[c].state != C_FREE && h->conns[c].closing &&
		    (re & (POLLHUP | POLLERR)))
			conn_close(h, c, "connection lost");
		c++;
	}
	if (nfds > 0 && (fds[0].revents & POLLIN))
		accept_all(h);
	int64_t now = mt_class_now_ms();
	for (size_t k = 0; k < h->nconns; k++) {
		conn *q = &h->conns[k];
		if (q->state != C_FREE && q->closing && now >= q->t_close)
			conn_close(h, k, "dropped");
		else if (q->state == C_HANDSHAKE && now - q->t_open >= MT_CLASS_HANDSHAKE_MS)
			conn_close(h, k, "no hello in time");
		else if (q->state == C_SEATED && now - q->t_last >= MT_CLASS_IDLE_MS)
			conn_close(h, k, "idle too long");
	}
	if (h->active && h->deadline && now >= h->deadline) {
		mt_status st = close_round(h, &h->pending_err);
		if (st && !h->pending)
			h->pending = st;
	}
	if (h->pending && err)
		*err = h->pending_err;
	return h->pending;
}

mt_status mt_class_host_command(mt_class_host *h, const char *line, bool *quit, mt_error *err)
{
	char word[16] = "", arg[MT_NAME_MAX + 64] = "";
	size_t len = strlen(line);
	while (len && (line[len - 1] == '\n' || line[len - 1] == '\r' || line[len - 1] == ' '))
		len--;
	size_t i = 0, w = 0;
	while (i < len && line[i] == ' ')
		i++;
	while (i < len && line[i] != ' ' && w + 1 < sizeof word)
		word[w++] = line[i++];
	word[w] = '\0';
	if (i < len && line[i] != ' ')
		return mt_error_set(err, MT_EINVAL, NULL, 0, 0,
		                    "unknown command (start, close, kick, "
		                    "quit)");
	while (i < len && line[i] == ' ')
		i++;
	if (len - i >= sizeof arg)
		return mt_error_set(err, MT_EINVAL, NULL, 0, 0, "argument too long");
	memcpy(arg, line + i, len - i);
	arg[len - i] = '\0';
	*quit = false;
	if (!strcmp(word, "quit")) {
		*quit = true;
		return MT_OK;
	}
	if (!strcmp(word, "start")) {
		if (h->active)
			return mt_error_set(err, MT_EINVAL, NULL, 0, 0,
			                    "round %u is open: close it first", h->round);
		if (h->round >= MT_CLASS_MAX_ROUNDS)
			return mt_error_set(err, MT_EINVAL, NULL, 0, 0, "this class had %u rounds",
			                    MT_CLASS_MAX_ROUNDS);
		char *sp = strchr(arg, ' ');
		unsigned long secs = 0;
		if (sp) {
			*sp++ = '\0';
			char *end;
			errno = 0;
			secs = strtoul(sp, &end, 10);
			if (errno || *end || end == sp || secs == 0 || secs > MT_CLASS_MAX_DEADLINE)
				return mt_error_set(
				        err, MT_EINVAL, NULL, 0, 0,
				        "start PAYMENT [SECONDS]: seconds must be 1 to %u",
				        MT_CLASS_MAX_DEADLINE);
		}
		const mt_payment_rule *r = mt_payment_find(arg);
		if (!r)
			return mt_error_set(
			        err, MT_EINVAL, NULL, 0, 0,
			        "start PAYMENT: unknown payment rule '%s' (none, vcg, ...)", arg);
		h->rule = r;
		h->round++;
		h->active = true;
		h->deadline = secs ? mt_class_now_ms() + (int64_t)secs * 1000 : 0;
		for (size_t s = 0; s < h->high; s++)
			if (h->seats[s].used)
				seat_reset_report(h, s);
		for (size_t c = 0; c < h->nconns; c++)
			if (h->conns[c].state == C_SEATED)
				conn_send(h, c, round_json(h));
		emit(h, "round_started",
		     json_pack("{s:I,s:s,s:I}", "round", (json_int_t)h->round, "rule", r->name,
		               "deadline_s", (json_int_t)secs));
		return MT_OK;
	}
	if (!strcmp(word, "close")) {
		if (!h->active)
			return mt_error_set(err, MT_EINVAL, NULL, 0, 0, "no round is open");
		return close_round(h, err);
	}
	if (!strcmp(word, "kick")) {
		for (size_t s = 0; s < h->high; s++) {
			seat *st = &h->seats[s];
			if (!st->used || strcmp(st->name, arg))
				continue;
			if (st->conn != SIZE_MAX) {
				size_t c = st->conn;
				conn_send(h, c,
				          json_pack("{s:s,s:s}", "type", "bye", "reason",
				                    "the teacher removed you"));
				conn_close(h, c, "kicked");
			} else {
				json_t *e = seat_json(h, s);
				json_object_set_new(e, "reason", json_string("kicked"));
				emit(h, "left", e);
			}
			st->used = false;
			memset(st->token, 0, sizeof st->token);
			maybe_close_round(h);
			return MT_OK;
		}
		return mt_error_set(err, MT_EINVAL, NULL, 0, 0, "kick: nobody is named '%s'", arg);
	}
	return mt_error_set(
	        err, MT_EINVAL, NULL, 0, 0,
	        "unknown command '%s' (start PAYMENT [SECONDS], close, kick NAME, quit)", word);
}
