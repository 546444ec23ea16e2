/* Classroom mode: join codes, tokens, names, report checks, CSV fields and
 * the outcome of one table.  No sockets here. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "mechtune/class.h"
#include "mechtune/train.h"

/* No 0/O, 1/I/L: a code is read aloud or off a projector. */
static const char code_alphabet[] = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";

static mt_status random_bytes(unsigned char *buf, size_t len, mt_error *err)
{
	size_t got = 0;
	while (got < len) {
		ssize_t r = getrandom(buf + got, len - got, 0);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return mt_error_set(err, MT_EIO, NULL, 0, 0, "getrandom failed: %s",
			                    strerror(errno));
		}
		got += (size_t)r;
	}
	return MT_OK;
}

mt_status mt_class_random_code(char *buf, mt_error *err)
{
	const size_t k = sizeof code_alphabet - 1; /* 31 */
	size_t i = 0;
	while (i < MT_CLASS_CODE_LEN) {
		unsigned char b[16];
		mt_status st = random_bytes(b, sizeof b, err);
		if (st)
			return st;
		/* rejection sampling: no bias toward the first letters */
		for (size_t j = 0; j < sizeof b && i < MT_CLASS_CODE_LEN; j++)
			if (b[j] < 256 / k * k)
				buf[i++] = code_alphabet[b[j] % k];
	}
	buf[MT_CLASS_CODE_LEN] = '\0';
	return MT_OK;
}

mt_status mt_class_random_token(char *buf, mt_error *err)
{
	unsigned char b[MT_CLASS_TOKEN_LEN / 2];
	mt_status st = random_bytes(b, sizeof b, err);
	if (st)
		return st;
	static const char hex[] = "0123456789abcdef";
	for (size_t i = 0; i < sizeof b; i++) {
		buf[2 * i] = hex[b[i] >> 4];
		buf[2 * i + 1] = hex[b[i] & 15];
	}
	buf[MT_CLASS_TOKEN_LEN] = '\0';
	return MT_OK;
}

const char *mt_class_code_problem(const char *code)
{
	size_t n = strlen(code);
	if (n == 0 || n > 32)
		return "a join code has 1 to 32 letters and digits";
	for (size_t i = 0; i < n; i++) {
		char c = code[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
			return "a join code has only letters and digits";
	}
	return NULL;
}

const char *mt_class_clean_name(const char *in, size_t len, char *out)
{
	size_t o = 0;
	for (size_t i = 0; i < len && o < MT_NAME_MAX; i++) {
		unsigned char c = (unsigned char)in[i];
		if (c == '\t')
			c = ' ';
		if (c < 0x20 || c == 0x7f)
			continue;
		/* leading spaces go, and so do = + - @, which would make a
		 * spreadsheet opening the results CSV run the name as a formula */
		if (o == 0 && (c == ' ' || c == '=' || c == '+' || c == '-' || c == '@'))
			continue;
		out[o++] = (char)c;
	}
	/* cut at a character boundary: drop a trailing partial UTF-8 sequence */
	if (o == MT_NAME_MAX) {
		size_t s = o;
		while (s > 0 && ((unsigned char)out[s - 1] & 0xc0) == 0x80)
			s--;
		if (s > 0 && ((unsigned char)out[s - 1] & 0x80)) {
			unsigned char lead = (unsigned char)out[s - 1];
			size_t need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2;
			if (o - (s - 1) < need)
				o = s - 1;
		}
	}
	while (o > 0 && out[o - 1] == ' ')
		o--;
	out[o] = '\0';
	if (o == 0)
		return NULL;
	return mt_text_problem(out, true, MT_NAME_MAX);
}

bool mt_class_report_problem(const mt_scenario *sc, double size, const double *rewards, char *why,
                             size_t len)
{
	if (!isfinite(size) || size <= 0 || size > sc->max_size) {
		snprintf(why, len, "size must be a number above 0 and at most %g", sc->max_size);
		return true;
	}
	double sum = 0, max = 0;
	for (size_t x = 0; x < sc->m; x++) {
		double r = rewards[x];
		if (!isfinite(r) || r < 0 || (sc->normalization == MT_NORM_MAX && r > 1)) {
			snprintf(why, len, "reward %zu (%s) must be a number in [0, %s]", x + 1,
			         sc->responses[x], sc->normalization == MT_NORM_MAX ? "1" : "1");
			return true;
		}
		sum += r;
		if (r > max)
			max = r;
	}
	if (!mt_is_normalized(sc->normalization, sc->m, rewards)) {
		if (sc->normalization == MT_NORM_SUM)
			snprintf(why, len, "rewards must sum to 1 (they sum to %.17g)", sum);
		else
			snprintf(why, len, "the largest reward must be 1 (it is %.17g)", max);
		return true;
	}
	return false;
}

void mt_class_csv_field(FILE *f, const char *s)
{
	size_t n = strlen(s);
	bool quote = n > 0 && (s[0] == ' ' || s[n - 1] == ' ');
	if (strpbrk(s, ",\"\r\n"))
		quote = true;
	if (!quote) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (const char *p = s; *p; p++) {
		if (*p == '"')
			fputc('"', f);
		fputc(*p, f);
	}
	fputc('"', f);
}

void mt_class_table_outcome_release(mt_class_table_outcome *o)
{
	if (!o)
		return;
	free(o->policy);
	free(o->seats);
	o->policy = NULL;
	o->seats = NULL;
}

mt_status mt_class_solve_table(const mt_scenario *truth, const mt_payment_rule *rule,
                               const double *sizes, const double *rewards,
                               mt_class_table_outcome *out, mt_error *err)
{
	size_t m = truth->m, n = truth->n;
	memset(out, 0, sizeof *out);
	out->m = m;
	out->n = n;
	out->policy = calloc(m, sizeof *out->policy);
	out->seats = calloc(n, sizeof *out->seats);
	mt_scenario *sc = mt_scenario_clone(truth);
	mt_outcome o = {0};
	mt_status st = MT_OK;
	if (!out->policy || !out->seats || !sc) {
		st = mt_error_set(err, MT_ENOMEM, NULL, 0, 0, "out of memory solving a table");
		goto out;
	}
	sc->payment = rule;
	for (size_t i = 0; i < n; i++) {
		sc->groups[i].reported_size = sizes[i];
		memcpy(sc->groups[i].reported, rewards + i * m, m * sizeof *rewards);
	}
	if ((st = mt_solve(sc, &o, NULL, err)))
		goto out;
	memcpy(out->policy, o.policy, m * sizeof *o.policy);
	out->choice = o.choice;
	out->welfare = o.welfare;
	bool anyone_lied = false;
	for (size_t i = 0; i < n; i++) {
		mt_class_seat_outcome *s = &out->seats[i];
		s->lied = mt_group_lies(sc, i);
		s->valuation = o.groups[i].valuation;
		s->payment = o.groups[i].payment;
		s->utility = o.groups[i].utility;
		s->truthful_utility = s->utility;
		anyone_lied |= s->lied;
	}
	for (size_t i = 0; i < n; i++) {
		mt_class_seat_outcome *s = &out->seats[i];
		if (!s->lied)
			continue;
		mt_outcome_release(&o);
		mt_group *g = &sc->groups[i];
		g->reported_size = g->size;
		memcpy(g->reported, g->rewards, m * sizeof *g->rewards);
		if ((st = mt_solve(sc, &o, NULL, err)))
			goto out;
		s->truthful_utility = o.groups[i].utility;
		g->reported_size = sizes[i];
		memcpy(g->reported, rewards + i * m, m * sizeof *rewards);
	}
	for (size_t i = 0; i < n; i++)
		out->seats[i].gain = out->seats[i].utility - out->seats[i].truthful_utility;
	out->welfare_truthful = out->welfare;
	if (anyone_lied) {
		mt_outcome_release(&o);
		for (size_t i = 0; i < n; i++)
			mt_group_tell_truth(sc, i);
		if ((st = mt_solve(sc, &o, NULL, err)))
			goto out;
		out->welfare_truthful = o.welfare;
	}
out:
	mt_outcome_release(&o);
	mt_scenario_free(sc);
	return st;
}
