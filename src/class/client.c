/* Classroom mode: the clients.  Bots (headless players) and the plain
 * line-mode student share one connection type: connect, hello, then read
 * the host's JSON lines and answer each round with a report.
 *
 * What a client knows is what a student knows: the public part of the
 * scenario (responses, reference, normalization, divergence, lambda,
 * max_size, the number of groups) and its own group's true size and
 * rewards.  Never another group's data.  So the `best` strategy best-responds
 * (the core's mt_best_response, as `mechtune analyze` uses) in a belief
 * scenario where every other group reports uniform rewards at the bot's own
 * size: the best a player can do without knowing the others (README). */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <jansson.h>

#include "class_internal.h"
#include "mechtune/analysis.h"
#include "mechtune/class.h"

typedef struct {
	int fd;
	bool alive, seated;
	char name[MT_NAME_MAX + 24];
	char *in;
	size_t inlen;
	mt_scenario *belief; /* public part + own truth at index `group` */
	size_t group;
	json_int_t round;
	char rule[64];
	int64_t submit_at; /* 0: nothing to submit */
	uint64_t rng;
} client;

bool mt_class_strategy_parse(const char *s, mt_class_strategy *out)
{
	static const char *const names[] = {"truthful", "best", "random", "polarize"};
	for (int i = 0; i < 4; i++)
		if (!strcmp(s, names[i])) {
			*out = (mt_class_strategy)i;
			return true;
		}
	return false;
}

static double next_uniform(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	z ^= z >> 31;
	return (double)(z >> 11) / 9007199254740992.0;
}

/* The addresses of HOST:PORT ([HOST]:PORT for IPv6) into *ai. */
static mt_status resolve(const char *hostport, struct addrinfo **ai, mt_error *err)
{
	char host[256];
	const char *colon = strrchr(hostport, ':');
	if (!colon || colon == hostport || (size_t)(colon - hostport) >= sizeof host || !colon[1])
		return mt_error_set(err, MT_EINVAL, NULL, 0, 0, "'%s' is not HOST:PORT", hostport);
	memcpy(host, hostport, (size_t)(colon - hostport));
	host[colon - hostport] = '\0';
	if (host[0] == '[' && host[strlen(host) - 1] == ']') {
		memmove(host, host + 1, strlen(host));
		host[strlen(host) - 1] = '\0';
	}
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICSERV};
	*ai = NULL;
	int gai = getaddrinfo(host, colon + 1, &hints, ai);
	if (gai)
		return mt_error_set(err, MT_EINVAL, NULL, 0, 0, "cannot resolve %s: %s", hostport,
		                    gai_strerror(gai));
	return MT_OK;
}

static mt_status dial(const char *hostport, int *fd, mt_error *err)
{
	struct addrinfo *ai;
	mt_status st = resolve(hostport, &ai, err);
	if (st)
		return st;
	int e = 0;
	*fd = -1;
	for (struct addrinfo *a = ai; a && *fd < 0; a = a->ai_next) {
		int s = socket(a->ai_family, a->ai_socktype, a->ai_protocol);
		if (s < 0 || connect(s, a->ai_addr, a->ai_addrlen)) {
			e = errno;
			if (s >= 0)
				close(s);
			continue;
		}
		int one = 1;
		setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
		*fd = s;
	}
	freeaddrinfo(ai);
	if (*fd < 0)
		return mt_error_set(err, MT_EIO, NULL, 0, 0, "cannot connect to %s: %s", hostport,
		                    strerror(e));
	return MT_OK;
}

static bool send_json(client *c, json_t *o)
{
	char *s = json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(17));
	json_decref(o);
	if (!s)
		return false;
	size_t len = strlen(s), off = 0;
	s[len++] = '\n'; /* json_dumps' terminating NUL becomes the newline */
	while (off < len) {
		ssize_t w = send(c->fd, s + off, len - off, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			free(s);
			return false;
		}
		off += (size_t)w;
	}
	free(s);
	return true;
}

static void log_json(FILE *log, const client *c, const char *event, json_t *o)
{
	if (!log) {
		json_decref(o);
		return;
	}
	json_object_set_new(o, "bot", json_string(c->name));
	json_object_set_new(o, "event", json_string(event));
	json_object_set_new(o, "t_ms", json_integer(mt_class_wall_ms()));
	char *s = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(17));
	json_decref(o);
	if (s) {
		fprintf(log, "%s\n", s);
		fflush(log);
		free(s);
	}
}

static bool get_numbers(json_t *a, size_t m, double *out)
{
	if (!json_is_array(a) || json_array_size(a) != m)
		return false;
	for (size_t x = 0; x < m; x++) {
		json_t *e = json_array_get(a, x);
		if (!json_is_number(e) || !isfinite(json_number_value(e)))
			return false;
		out[x] = json_number_value(e);
	}
	return true;
}

/* Build the belief scenario from a welcome; false when it is malformed. */
static bool take_welcome(client *c, json_t *w)
{
	json_t *jm = json_object_get(w, "responses"), *jn = json_object_get(w, "groups");
	json_t *js = json_object_get(w, "seat");
	if (!json_is_array(jm) || !json_is_integer(jn) || !json_is_integer(js))
		return false;
	size_t m = json_array_size(jm);
	json_int_t n = json_integer_value(jn), seat = json_integer_value(js);
	if (m < 1 || m > MT_MAX_RESPONSES || n < 1 || n > (json_int_t)MT_MAX_GROUPS || seat < 1)
		return false;
	mt_scenario *sc = mt_scenario_new(m, (size_t)n);
	if (!sc)
		return false;
	size_t g = (size_t)(seat - 1) % (size_t)n;
	mt_norm norm;
	const char *nn = json_string_value(json_object_get(w, "normalization"));
	const char *dn = json_string_value(json_object_get(w, "divergence"));
	const mt_divergence *d = dn ? mt_divergence_find(dn) : NULL;
	json_t *lam = json_object_get(w, "lambda"), *ms = json_object_get(w, "max_size");
	json_t *size = json_object_get(w, "size");
	bool ok = nn && mt_norm_parse(nn, &norm) && d && json_is_number(lam) &&
	          json_is_number(ms) && json_is_number(size) &&
	          get_numbers(json_object_get(w, "reference"), m, sc->reference) &&
	          get_numbers(json_object_get(w, "rewards"), m, sc->groups[g].rewards);
	if (ok) {
		sc->normalization = norm;
		sc->divergence = d;
		sc->lambda = json_number_value(lam);
		sc->max_size = json_number_value(ms);
		sc->groups[g].size = json_number_value(size);
		for (size_t i = 0; i < (size_t)n; i++) {
			mt_group *o = &sc->groups[i];
			if (i != g) {
				o->size = sc->groups[g].size;
				for (size_t x = 0; x < m; x++)
					o->rewards[x] = norm == MT_NORM_SUM ? 1.0 / (double)m : 1.0;
			}
			mt_group_tell_truth(sc, i);
		}
		ok = !(sc->lambda > 0) ? false : isfinite(sc->max_size) && sc->max_size > 0;
	}
	if (!ok) {
		mt_scenario_free(sc);
		return false;
	}
	mt_scenario_free(c->belief);
	c->belief = sc;
	c->group = g;
	return true;
}

/* The report of strategy s into size/rewards (m). */
static void choose(client *c, mt_class_strategy s, double *size, double *rw)
{
	mt_scenario *sc = c->belief;
	const mt_group *g = &sc->groups[c->group];
	size_t m = sc->m;
	*size = g->size;
	memcpy(rw, g->rewards, m * sizeof *rw);
	if (s == MT_CLASS_RANDOM) {
		for (size_t x = 0; x < m; x++)
			rw[x] = next_uniform(&c->rng);
		mt_normalize(sc->normalization, m, rw);
		*size = sc->max_size * (0.05 + 0.95 * next_uniform(&c->rng));
	} else if (s == MT_CLASS_POLARIZE) {
		double eps;
		if (!mt_polarize(sc, c->group, 0, rw, &eps))
			memcpy(rw, g->rewards, m * sizeof *rw);
	} else if (s == MT_CLASS_BEST) {
		const mt_payment_rule *r = mt_payment_find(c->rule);
		if (r) {
			sc->payment = r;
			mt_report_outcome ro;
			mt_error err = {0};
			if (mt_best_response(sc, c->group, MT_BR_FULL, &ro, NULL, &err) == MT_OK &&
			    ro.rewards) {
				*size = ro.size;
				memcpy(rw, ro.rewards, m * sizeof *rw);
			}
			mt_report_outcome_release(&ro);
		}
	}
	char why[256];
	if (mt_class_report_problem(sc, *size, rw, why, sizeof why)) {
		*size = g->size; /* never send what the host would refuse */
		memcpy(rw, g->rewards, m * sizeof *rw);
	}
}

static bool submit(client *c, double size, const double *rw)
{
	json_t *a = json_array();
	for (size_t x = 0; x < c->belief->m; x++)
		json_array_append_new(a, json_real(rw[x]));
	return send_json(c, json_pack("{s:s,s:I,s:f,s:o}", "type", "report", "round", c->round,
	                              "size", size, "rewards", a));
}

/* Line mode: print a message for a person. */
static void show(FILE *out, const client *c, const char *type, json_t *o)
{
	if (!out)
		return;
	if (!strcmp(type, "welcome")) {
		const mt_scenario *sc = c->belief;
		fprintf(out, "you are %s, seat %lld at table %lld, playing %s (size %g)\n",
		        json_string_value(json_object_get(o, "name")),
		        (long long)json_integer_value(json_object_get(o, "seat")),
		        (long long)json_integer_value(json_object_get(o, "table")),
		        json_string_value(json_object_get(o, "group")), sc->groups[c->group].size);
		json_t *labels = json_object_get(o, "responses");
		fprintf(out, "your true rewards:");
		for (size_t x = 0; x < sc->m; x++)
			fprintf(out, " %s %g", json_string_value(json_array_get(labels, x)),
			        sc->groups[c->group].rewards[x]);
		fprintf(out, "\nto reconnect: --token %s\n",
		        json_string_value(json_object_get(o, "token")));
	} else if (!strcmp(type, "round")) {
		fprintf(out,
		        "round %lld under %s: type SIZE and %zu rewards (%s normalization), "
		        "or an empty line for the truth\n> ",
		        (long long)c->round, c->rule, c->belief->m,
		        mt_norm_name(c->belief->normalization));
	} else if (!strcmp(type, "result")) {
		double g = json_number_value(json_object_get(o, "gain"));
		fprintf(out,
		        "round %lld: valuation %.4f, payment %.4f, utility %.4f; the truth would "
		        "have given %.4f: your report %s%.4f\n",
		        (long long)json_integer_value(json_object_get(o, "round")),
		        json_number_value(json_object_get(o, "valuation")),
		        json_number_value(json_object_get(o, "payment")),
		        json_number_value(json_object_get(o, "utility")),
		        json_number_value(json_object_get(o, "truthful_utility")),
		        g >= 0 ? "gained +" : "cost you ", fabs(g));
	} else if (!strcmp(type, "error") || !strcmp(type, "bye")) {
		json_t *msg = json_object_get(o, !strcmp(type, "error") ? "message" : "reason");
		fprintf(out, "host: %s\n", json_is_string(msg) ? json_string_value(msg) : "?");
	}
	fflush(out);
}

/* Read a line-mode report; false at the end of in. */
static bool read_report(client *c, FILE *in, FILE *out, double *size, double *rw)
{
	char line[4096];
	const mt_scenario *sc = c->belief;
	for (int tries = 0; tries < 100; tries++) {
		if (!fgets(line, sizeof line, in))
			return false;
		char *p = line, *end;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\n' || *p == '\0') {
			*size = sc->groups[c->group].size;
			memcpy(rw, sc->groups[c->group].rewards, sc->m * sizeof *rw);
			return true;
		}
		bool ok = true;
		*size = strtod(p, &end);
		ok = end != p;
		for (size_t x = 0; ok && x < sc->m; x++) {
			p = end;
			rw[x] = strtod(p, &end);
			ok = end != p;
		}
		char why[256] = "type SIZE and one number per response";
		if (ok && !mt_class_report_problem(sc, *size, rw, why, sizeof why))
			return true;
		fprintf(out, "%s; try again\n> ", why);
		fflush(out);
	}
	return false;
}

static void client_close(client *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	c->alive = false;
}

/* Handle one host line; line-mode when in != NULL. */
static void handle(client *c, const mt_class_bot_opts *o, const char *line, size_t len, FILE *in,
                   FILE *out)
{
	json_error_t jerr;
	json_t *msg = json_loadb(line, len, 0, &jerr);
	const char *type = msg ? json_string_value(json_object_get(msg, "type")) : NULL;
	if (!type) {
		json_decref(msg);
		return;
	}
	if (in && strcmp(type, "welcome") && strcmp(type, "round"))
		show(out, c, type, msg);
	if (!strcmp(type, "welcome")) {
		json_t *nm = json_object_get(msg, "name");
		if (!take_welcome(c, msg) || !json_is_string(nm)) {
			client_close(c);
		} else {
			c->seated = true;
			snprintf(c->name, sizeof c->name, "%s", json_string_value(nm));
			if (in)
				show(out, c, type, msg);
			log_json(o->log, c, "welcome",
			         json_pack("{s:O,s:O,s:O}", "token", json_object_get(msg, "token"),
			                   "table", json_object_get(msg, "table"), "seat",
			                   json_object_get(msg, "seat")));
		}
	} else if (!strcmp(type, "round") && c->seated) {
		json_t *r = json_object_get(msg, "round");
		const char *rule = json_string_value(json_object_get(msg, "rule"));
		if (json_is_integer(r) && rule) {
			c->round = json_integer_value(r);
			snprintf(c->rule, sizeof c->rule, "%s", rule);
			c->submit_at = mt_class_now_ms() + o->delay_ms;
			if (in) {
				show(out, c, type, msg);
				double size, *rw = malloc(c->belief->m * sizeof *rw);
				if (rw && read_report(c, in, out, &size, rw))
					submit(c, size, rw);
				else
					client_close(c);
				free(rw);
				c->submit_at = 0;
			}
		}
	} else if (!strcmp(type, "result")) {
		log_json(o->log, c, "result",
		         json_pack("{s:O,s:O,s:O,s:O,s:O}", "round", json_object_get(msg, "round"),
		                   "rule", json_object_get(msg, "rule"), "utility",
		                   json_object_get(msg, "utility"), "truthful_utility",
		                   json_object_get(msg, "truthful_utility"), "gain",
		                   json_object_get(msg, "gain")));
	} else if (!strcmp(type, "error") || !strcmp(type, "bye")) {
		json_t *m = json_object_get(msg, !strcmp(type, "error") ? "message" : "reason");
		log_json(o->log, c, type, json_pack("{s:O}", "message", m ? m : json_null()));
		if (!c->seated && !strcmp(type, "error"))
			fprintf(stderr, "mechtune class: %s: %s\n", c->name,
			        json_is_string(m) ? json_string_value(m) : "error");
	}
	json_decref(msg);
}

typedef void line_fn(void *ctx, client *c, const char *line, size_t len);

/* Read what the host sent and hand each complete line to fn. */
static void client_read_lines(client *c, line_fn *fn, void *ctx)
{
	if (!c->in && !(c->in = malloc(MT_CLASS_CLIENT_LINE_MAX))) {
		client_close(c);
		return;
	}
	ssize_t r =
	        recv(c->fd, c->in + c->inlen, MT_CLASS_CLIENT_LINE_MAX - c->inlen, MSG_DONTWAIT);
	if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		return;
	if (r <= 0) {
		client_close(c);
		return;
	}
	c->inlen += (size_t)r;
	size_t start = 0;
	for (size_t i = c->inlen - (size_t)r; i < c->inlen && c->alive; i++)
		if (c->in[i] == '\n') {
			fn(ctx, c, c->in + start, i - start);
			start = i + 1;
		}
	if (!c->alive)
		return;
	memmove(c->in, c->in + start, c->inlen - start);
	c->inlen -= start;
	if (c->inlen == MT_CLASS_CLIENT_LINE_MAX)
		client_close(c);
}

typedef struct {
	const mt_class_bot_opts *o;
	FILE *in, *out;
} run_ctx;

static void run_line(void *ctx, client *c, const char *line, size_t len)
{
	run_ctx *x = ctx;
	handle(c, x->o, line, len, x->in, x->out);
}

static void client_read(client *c, const mt_class_bot_opts *o, FILE *in, FILE *out)
{
	run_ctx x = {o, in, out};
	client_read_lines(c, run_line, &x);
}

static mt_status run(const mt_class_bot_opts *o, FILE *in, FILE *out, mt_error *err)
{
	size_t k = o->count ? o->count : 1;
	if (k > MT_CLASS_MAX_STUDENTS)
		return mt_error_set(err, MT_EINVAL, NULL, 0, 0, "--count must be 1 to %u",
		                    MT_CLASS_MAX_STUDENTS);
	if (o->token && k != 1)
		return mt_error_set(err, MT_EINVAL, NULL, 0, 0,
		                    "--token reconnects one seat: no "
		                    "--count with it");
	client *cs = calloc(k, sizeof *cs);
	struct pollfd *pf = calloc(k, sizeof *pf);
	mt_status st = MT_OK;
	if (!cs || !pf) {
		st = mt_error_set(err, MT_ENOMEM, NULL, 0, 0, "out of memory");
		goto out;
	}
	size_t connected = 0;
	for (size_t i = 0; i < k; i++) {
		client *c = &cs[i];
		c->fd = -1;
		c->rng = o->seed + 0x1234567ull * (i + 1);
		if (o->name && k > 1)
			snprintf(c->name, sizeof c->name, "%s %zu", o->name, i + 1);
		else
			snprintf(c->name, sizeof c->name, "%s", o->name ? o->name : "");
		if ((st = dial(o->host, &c->fd, err)))
			continue;
		c->alive = true;
		json_t *h = json_pack("{s:s,s:i,s:s}", "type", "hello", "version",
		                      MT_CLASS_PROTOCOL, "code", o->code ? o->code : "");
		if (c->name[0])
			json_object_set_new(h, "name", json_string(c->name));
		if (o->token)
			json_object_set_new(h, "token", json_string(o->token));
		if (!send_json(c, h))
			client_close(c);
		else
			connected++;
	}
	if (!connected)
		goto out;
	st = MT_OK;
	for (;;) {
		size_t n = 0, alive = 0;
		int64_t now = mt_class_now_ms(), next = -1;
		for (size_t i = 0; i < k; i++) {
			client *c = &cs[i];
			if (!c->alive)
				continue;
			alive++;
			if (c->submit_at && c->submit_at <= now) {
				double size, *rw = malloc(c->belief->m * sizeof *rw);
				c->submit_at = 0;
				if (rw) {
					choose(c, o->strategy, &size, rw);
					if (!submit(c, size, rw))
						client_close(c);
				}
				free(rw);
			}
			if (c->submit_at && (next < 0 || c->submit_at - now < next))
				next = c->submit_at - now;
			pf[i] = (struct pollfd){.fd = c->fd, .events = POLLIN};
			n++;
		}
		if (!alive)
			break;
		for (size_t i = 0; i < k; i++)
			if (!cs[i].alive)
				pf[i] = (struct pollfd){.fd = -1};
		int r = poll(pf, k, next < 0 ? 1000 : (int)next);
		if (r < 0 && errno != EINTR) {
			st = mt_error_set(err, MT_EIO, NULL, 0, 0, "poll failed: %s",
			                  strerror(errno));
			break;
		}
		for (size_t i = 0; r > 0 && i < k; i++)
			if (cs[i].alive && (pf[i].revents & (POLLIN | POLLHUP | POLLERR)))
				client_read(&cs[i], o, in, out);
		(void)n;
	}
	size_t seated = 0;
	for (size_t i = 0; i < k; i++)
		seated += cs[i].seated;
	if (!seated && !st)
		st = mt_error_set(err, MT_EIO, NULL, 0, 0, "no %s could join %s",
		                  k > 1 ? "bot" : "client", o->host);
out:
	for (size_t i = 0; cs && i < k; i++) {
		client_close(&cs[i]);
		free(cs[i].in);
		mt_scenario_free(cs[i].belief);
	}
	free(cs);
	free(pf);
	return st;
}

mt_status mt_class_bot_run(const mt_class_bot_opts *o, mt_error *err)
{
	return run(o, NULL, NULL, err);
}

mt_status mt_class_join_run(const mt_class_bot_opts *o, FILE *in, FILE *out, mt_error *err)
{
	mt_class_bot_opts one = *o;
	one.count = 1;
	one.log = NULL; /* a person reads out, not JSON */
	return run(&one, in, out, err);
}

/* ---------------- the student's screen: a non-blocking client ---------------- */

struct mt_class_student {
	mt_class_student_state st;
	client c;        /* fd, the input buffer, the belief (st.belief aliases it) */
	bool connecting; /* the non-blocking connect is under way */
	char *out;       /* queued output */
	size_t outlen, outcap;
	char host[320], code[64], name[MT_NAME_MAX + 1];
	bool have_name;
};

static void student_message(mt_class_student *s, bool error, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
static void student_message(mt_class_student *s, bool error, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(s->st.message, sizeof s->st.message, fmt, ap);
	va_end(ap);
	s->st.message_error = error;
	s->st.message_seq++;
}

void mt_class_student_drop(mt_class_student *s, const char *why)
{
	if (s->c.fd >= 0) {
		close(s->c.fd);
		s->c.fd = -1;
	}
	s->c.alive = false;
	s->c.inlen = 0;
	s->outlen = 0;
	s->connecting = false;
	if (s->st.link != MT_STUDENT_LOST) {
		s->st.link = MT_STUDENT_LOST;
		char prev[sizeof s->st.message];
		bool host_said = s->st.message_error && !strncmp(s->st.message, "host: ", 6);
		snprintf(prev, sizeof prev, "%s", s->st.message);
		if (host_said)
			student_message(s, true, "%s (%s)", why, prev);
		else
			student_message(s, true, "%s", why);
	}
}

static bool student_queue(mt_class_student *s, json_t *o)
{
	char *txt = o ? json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(17)) : NULL;
	json_decref(o);
	if (!txt)
		return false;
	size_t len = strlen(txt);
	if (s->outlen + len + 1 > s->outcap) {
		size_t cap = (s->outlen + len + 1) * 2;
		char *n = realloc(s->out, cap);
		if (!n) {
			free(txt);
			return false;
		}
		s->out = n;
		s->outcap = cap;
	}
	memcpy(s->out + s->outlen, txt, len);
	s->out[s->outlen + len] = '\n';
	s->outlen += len + 1;
	free(txt);
	return true;
}

static void student_flush(mt_class_student *s)
{
	while (s->c.fd >= 0 && !s->connecting && s->outlen) {
		ssize_t w = send(s->c.fd, s->out, s->outlen, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (w <= 0) {
			mt_class_student_drop(s, "connection lost");
			return;
		}
		memmove(s->out, s->out + w, s->outlen - (size_t)w);
		s->outlen -= (size_t)w;
	}
}

static mt_status student_dial(mt_class_student *s, mt_error *err)
{
	const char *hp = s->host;
	struct addrinfo *ai;
	mt_status rs = resolve(hp, &ai, err);
	if (rs)
		return rs;
	s->st.link = MT_STUDENT_CONNECTING;
	s->c.alive = true;
	s->c.inlen = 0;
	s->outlen = 0;
	int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
	                ai->ai_protocol);
	int e = fd < 0 ? errno : 0;
	if (fd >= 0 && connect(fd, ai->ai_addr, ai->ai_addrlen) && errno != EINPROGRESS)
		e = errno;
	freeaddrinfo(ai);
	if (e) {
		if (fd >= 0)
			close(fd);
		s->c.fd = -1;
		char why[400];
		snprintf(why, sizeof why, "cannot connect to %s: %s", hp, strerror(e));
		mt_class_student_drop(s, why);
		return MT_OK;
	}
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	s->c.fd = fd;
	s->connecting = true;
	json_t *h = json_pack("{s:s,s:i,s:s}", "type", "hello", "version", MT_CLASS_PROTOCOL,
	                      "code", s->code);
	if (s->have_name)
		json_object_set_new(h, "name", json_string(s->name));
	if (s->st.token[0])
		json_object_set_new(h, "token", json_string(s->st.token));
	if (!student_queue(s, h))
		return mt_error_set(err, MT_ENOMEM, NULL, 0, 0, "out of memory");
	return MT_OK;
}

mt_status mt_class_student_new(const mt_class_bot_opts *o, mt_class_student **out, mt_error *err)
{
	*out = NULL;
	mt_class_student *s = calloc(1, sizeof *s);
	if (!s)
		return mt_error_set(err, MT_ENOMEM, NULL, 0, 0, "out of memory");
	s->c.fd = -1;
	snprintf(s->host, sizeof s->host, "%s", o->host ? o->host : "");
	snprintf(s->code, sizeof s->code, "%s", o->code ? o->code : "");
	if (o->name) {
		snprintf(s->name, sizeof s->name, "%s", o->name);
		s->have_name = true;
	}
	if (o->token)
		snprintf(s->st.token, sizeof s->st.token, "%s", o->token);
	mt_status st = student_dial(s, err);
	if (st) {
		mt_class_student_free(s);
		return st;
	}
	*out = s;
	return MT_OK;
}

static void result_release(mt_class_student_result *r)
{
	free(r->rewards);
	free(r->policy);
}

void mt_class_student_free(mt_class_student *s)
{
	if (!s)
		return;
	if (s->c.fd >= 0)
		close(s->c.fd);
	free(s->c.in);
	mt_scenario_free(s->c.belief);
	for (size_t i = 0; i < s->st.nresults; i++)
		result_release(&s->st.results[i]);
	free(s->st.results);
	free(s->out);
	free(s);
}

const mt_class_student_state *mt_class_student_get(const mt_class_student *s)
{
	return &s->st;
}

struct pollfd mt_class_student_pollfd(const mt_class_student *s)
{
	if (s->c.fd < 0)
		return (struct pollfd){.fd = -1};
	short ev = POLLIN;
	if (s->connecting || s->outlen)
		ev |= POLLOUT;
	return (struct pollfd){.fd = s->c.fd, .events = ev};
}

static double num_or(json_t *o, const char *key, double dflt)
{
	json_t *v = json_object_get(o, key);
	return json_is_number(v) && isfinite(json_number_value(v)) ? json_number_value(v) : dflt;
}

static void student_result(mt_class_student *s, json_t *msg)
{
	size_t m = s->st.belief->m;
	mt_class_student_result r = {0};
	r.round = json_integer_value(json_object_get(msg, "round"));
	const char *rule = json_string_value(json_object_get(msg, "rule"));
	snprintf(r.rule, sizeof r.rule, "%s", rule ? rule : "?");
	r.lied = json_is_true(json_object_get(msg, "lied"));
	r.size = num_or(msg, "size", NAN);
	r.valuation = num_or(msg, "valuation", NAN);
	r.payment = num_or(msg, "payment", NAN);
	r.utility = num_or(msg, "utility", NAN);
	r.truthful_utility = num_or(msg, "truthful_utility", NAN);
	r.gain = num_or(msg, "gain", NAN);
	r.rewards = malloc(m * sizeof *r.rewards);
	r.policy = malloc(m * sizeof *r.policy);
	if (!r.rewards || !r.policy ||
	    !get_numbers(json_object_get(msg, "rewards"), m, r.rewards) ||
	    !get_numbers(json_object_get(msg, "policy"), m, r.policy)) {
		result_release(&r);
		student_message(s, true, "the host sent a result this client cannot read");
		return;
	}
	mt_class_student_state *st = &s->st;
	if (st->nresults == MT_CLASS_STUDENT_HISTORY) {
		result_release(&st->results[0]);
		memmove(st->results, st->results + 1, (st->nresults - 1) * sizeof *st->results);
		st->nresults--;
	}
	mt_class_student_result *n = realloc(st->results, (st->nresults + 1) * sizeof *st->results);
	if (!n) {
		result_release(&r);
		student_message(s, true, "out of memory: a result was dropped");
		return;
	}
	st->results = n;
	st->results[st->nresults++] = r;
	st->phase = MT_STUDENT_CLOSED;
	st->deadline_at = 0;
}

static void student_line(void *ctx, client *c, const char *line, size_t len)
{
	mt_class_student *s = ctx;
	mt_class_student_state *st = &s->st;
	json_error_t jerr;
	json_t *msg = json_loadb(line, len, 0, &jerr);
	const char *type = msg ? json_string_value(json_object_get(msg, "type")) : NULL;
	if (!type) {
		json_decref(msg);
		return;
	}
	if (!strcmp(type, "welcome")) {
		json_t *nm = json_object_get(msg, "name"), *tok = json_object_get(msg, "token");
		if (!take_welcome(c, msg) || !json_is_string(nm) || !json_is_string(tok)) {
			json_decref(msg);
			mt_class_student_drop(s, "the host sent a welcome this client cannot read");
			return;
		}
		mt_scenario *b = c->belief;
		json_t *labels = json_object_get(msg, "responses");
		for (size_t x = 0; x < b->m; x++) {
			const char *l = json_string_value(json_array_get(labels, x));
			if (l)
				mt_scenario_set_name(&b->responses[x], l);
		}
		const char *scn = json_string_value(json_object_get(msg, "scenario"));
		if (scn)
			mt_scenario_set_name(&b->name, scn);
		const char *gn = json_string_value(json_object_get(msg, "group"));
		if (gn)
			mt_scenario_set_name(&b->groups[c->group].name, gn);
		st->belief = b;
		st->group = c->group;
		snprintf(st->name, sizeof st->name, "%s", json_string_value(nm));
		snprintf(st->group_name, sizeof st->group_name, "%s", gn ? gn : "?");
		snprintf(st->token, sizeof st->token, "%s", json_string_value(tok));
		st->table = json_integer_value(json_object_get(msg, "table"));
		st->seat = json_integer_value(json_object_get(msg, "seat"));
		st->round = json_integer_value(json_object_get(msg, "round"));
		bool active = json_is_true(json_object_get(msg, "active"));
		bool submitted = json_is_true(json_object_get(msg, "submitted"));
		st->phase = !active     ? (st->nresults ? MT_STUDENT_CLOSED : MT_STUDENT_WAITING)
		            : submitted ? MT_STUDENT_SUBMITTED
		                        : MT_STUDENT_OPEN;
		st->link = MT_STUDENT_SEATED;
		c->seated = true;
		student_message(s, false, "seated as %s at table %lld, seat %lld: you play %s",
		                st->name, st->table, st->seat, st->group_name);
	} else if (!strcmp(type, "round") && st->belief) {
		json_t *r = json_object_get(msg, "round");
		const char *rule = json_string_value(json_object_get(msg, "rule"));
		if (json_is_integer(r) && rule) {
			bool same = st->round == json_integer_value(r) &&
			            st->phase != MT_STUDENT_CLOSED;
			st->round = json_integer_value(r);
			snprintf(st->rule, sizeof st->rule, "%s", rule);
			if (!same || st->phase == MT_STUDENT_WAITING)
				st->phase = MT_STUDENT_OPEN;
			json_t *d = json_object_get(msg, "deadline_ms");
			st->deadline_at =
			        json_is_integer(d) ? mt_class_now_ms() + json_integer_value(d) : 0;
		}
	} else if (!strcmp(type, "accepted")) {
		if (json_integer_value(json_object_get(msg, "round")) == st->round)
			st->phase = MT_STUDENT_SUBMITTED;
		student_message(s, false, "report accepted for round %lld", st->round);
	} else if (!strcmp(type, "result") && st->belief) {
		student_result(s, msg);
	} else if (!strcmp(type, "error") || !strcmp(type, "bye")) {
		bool bye = !strcmp(type, "bye");
		json_t *m = json_object_get(msg, bye ? "reason" : "message");
		student_message(s, true, "host: %s",
		                json_is_string(m) ? json_string_value(m) : type);
	}
	json_decref(msg);
}

bool mt_class_student_service(mt_class_student *s, short revents)
{
	unsigned long seq = s->st.message_seq;
	if (s->c.fd < 0)
		return false;
	if (s->connecting && (revents & (POLLOUT | POLLERR | POLLHUP))) {
		int e = 0;
		socklen_t el = sizeof e;
		if (getsockopt(s->c.fd, SOL_SOCKET, SO_ERROR, &e, &el) || e) {
			char why[400];
			snprintf(why, sizeof why, "cannot connect to %s: %s", s->host,
			         strerror(e ? e : errno));
			mt_class_student_drop(s, why);
			return true;
		}
		s->connecting = false;
	}
	student_flush(s);
	if (s->c.fd >= 0 && !s->connecting && (revents & (POLLIN | POLLHUP | POLLERR))) {
		client_read_lines(&s->c, student_line, s);
		if (!s->c.alive && s->st.link != MT_STUDENT_LOST) {
			if (s->c.fd >= 0)
				close(s->c.fd);
			s->c.fd = -1;
			mt_class_student_drop(s, "connection lost: the host closed it");
		}
	}
	return revents != 0 || seq != s->st.message_seq;
}

mt_status mt_class_student_submit(mt_class_student *s, double size, const double *rewards,
                                  mt_error *err)
{
	mt_class_student_state *st = &s->st;
	if (st->link != MT_STUDENT_SEATED || !st->belief)
		return mt_error_set(err, MT_EINVAL, NULL, 0, 0, "not seated at a table");
	json_t *a = json_array();
	for (size_t x = 0; x < st->belief->m; x++)
		json_array_append_new(a, json_real(rewards[x]));
	if (!student_queue(s, json_pack("{s:s,s:I,s:f,s:o}", "type", "report", "round",
	                                (json_int_t)st->round, "size", size, "rewards", a)))
		return mt_error_set(err, MT_ENOMEM, NULL, 0, 0, "out of memory");
	student_flush(s);
	return MT_OK;
}

mt_status mt_class_student_reconnect(mt_class_student *s, mt_error *err)
{
	if (s->c.fd >= 0) {
		close(s->c.fd);
		s->c.fd = -1;
	}
	s->connecting = false;
	s->c.seated = false;
	student_message(s, false, "reconnecting to %s", s->host);
	return student_dial(s, err);
}

int64_t mt_class_student_now_ms(void)
{
	return mt_class_now_ms();
}
