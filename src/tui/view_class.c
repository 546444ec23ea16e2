/* The teacher's class panel (issue 12, `mechtune class host FILE`): the
 * join line, the round and its state, every table's seats (connected,
 * submitted) and, once a round has closed, its reports with the lies
 * marked, each seat's utility against the truth's, the welfare lost to
 * lying, the average gain of lying per payment rule and a leaderboard.
 * Everything is read from the host's accessors (mechtune/class.h) on each
 * frame; the teacher's keys (start, close, kick, quit) become the host's
 * commands, as in `--headless`. */
#include "app.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mechtune/payment.h"

/* The rows below the fixed header scroll (↑ ↓ PgUp PgDn). */
typedef struct {
	app *a;
	int y0, rows; /* the scrolled area on screen */
	int line;     /* next line of the scrolled content */
} cl_page;

static void cl_line(cl_page *p, attr_t at, const char *fmt, ...)
#if defined(__GNUC__)
        __attribute__((format(printf, 3, 4)))
#endif
        ;
static void cl_line(cl_page *p, attr_t at, const char *fmt, ...)
{
	int y = p->line++ - p->a->class_top;
	if (y < 0 || y >= p->rows)
		return;
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	put_name(p->a, p->y0 + y, 0, COLS, at, buf);
}

/* A number as the panel shows it (the CSV has all the digits). */
static const char *num(char *buf, size_t len, double v)
{
	snprintf(buf, len, "%.4f", fabs(v) < 5e-5 ? 0.0 : v);
	return buf;
}
static const char *gain(char *buf, size_t len, double v)
{
	snprintf(buf, len, "%+.4f", fabs(v) < 5e-5 ? 0.0 : v);
	return buf;
}

/* The table's last-round report, NULL when the table did not play it. */
static const mt_class_table_report *table_report(const mt_class_round_report *r, size_t t)
{
	for (size_t k = 0; r && k < r->ntables; k++)
		if (r->tables[k].table == t)
			return &r->tables[k];
	return NULL;
}

static void draw_table(cl_page *p, const mt_class_host_state *st, const mt_class_round_report *last,
                       size_t t)
{
	app *a = p->a;
	const mt_class_host *h = a->host;
	const mt_scenario *sc = mt_class_host_scenario(h);
	size_t n = sc->n, m = sc->m;
	const mt_class_table_report *tr = table_report(last, t);
	char b1[32], b2[32], b3[32];
	if (tr) {
		const mt_class_table_outcome *o = &tr->outcome;
		cl_line(p, a->attr[C_TITLE],
		        "Table %zu  round %u (%s): welfare %s, truthful %s, lost to lying %s",
		        t + 1, last->round, last->rule->name, num(b1, sizeof b1, o->welfare),
		        num(b2, sizeof b2, o->welfare_truthful),
		        num(b3, sizeof b3, o->welfare_truthful - o->welfare));
		cl_line(p, a->attr[C_HEADER], "  %-9.9s %-12.12s %-4s %-3s %-22s %7s %7s %7s",
		        "group", "student", "here", "sub", "report size; rewards", "utility",
		        "u@truth", "gain");
	} else {
		cl_line(p, a->attr[C_TITLE], "Table %zu", t + 1);
		cl_line(p, a->attr[C_HEADER], "  %-9.9s %-12.12s %-4s %-3s", "group", "student",
		        "here", "sub");
	}
	for (size_t g = 0; g < n; g++) {
		mt_class_seat_info si;
		mt_class_host_seat(h, t * n + g, &si);
		const char *name = si.name ? si.name : "(empty)";
		const char *here = !si.name ? "" : si.connected ? "yes" : "away";
		const char *sub = st->open && si.name ? (si.submitted ? a->g->check : "...") : "";
		char nm[64], gr[64];
		clip_text(name, 12, a->g->ellipsis, nm, sizeof nm);
		clip_text(sc->groups[g].name, 9, a->g->ellipsis, gr, sizeof gr);
		/* clip_text keeps columns, printf pads bytes: pad by hand */
		char row[1024];
		int len = snprintf(row, sizeof row, "  %s%*s %s%*s %-4s %-3s", gr,
		                   9 - text_width(gr), "", nm, 12 - text_width(nm), "", here, sub);
		if (strlen(sub) != (size_t)text_width(sub))
			len += snprintf(row + len, sizeof row - (size_t)len, "%*s",
			                (int)(strlen(sub) - (size_t)text_width(sub)), "");
		attr_t at = a->attr[C_NORMAL];
		if (tr && len > 0 && (size_t)len < sizeof row) {
			const mt_class_seat_outcome *so = &tr->outcome.seats[g];
			char rep[256];
			int k = snprintf(rep, sizeof rep, "%s%.3g;", so->lied ? "LIE " : "",
			                 tr->sizes[g]);
			for (size_t x = 0; x < m && k > 0 && (size_t)k < sizeof rep; x++)
				k += snprintf(rep + k, sizeof rep - (size_t)k, " %.2f",
				              tr->rewards[g * m + x]);
			char rc[64];
			clip_text(rep, 22, a->g->ellipsis, rc, sizeof rc);
			snprintf(row + len, sizeof row - (size_t)len, " %s%*s %7s %7s %7s", rc,
			         22 - text_width(rc), "", num(b1, sizeof b1, so->utility),
			         num(b2, sizeof b2, so->truthful_utility),
			         gain(b3, sizeof b3, so->gain));
			if (so->lied)
				at = a->attr[C_LIE];
		}
		cl_line(p, at, "%s", row);
	}
	cl_line(p, a->attr[C_NORMAL], "%s", "");
}

typedef struct {
	double gain;
	size_t seat;
} board_entry;

/* By total gain, largest first; seats in order among equals (as the host). */
static int by_gain(const void *x, const void *y)
{
	const board_entry *a = x, *b = y;
	if (a->gain != b->gain)
		return a->gain < b->gain ? 1 : -1;
	return a->seat < b->seat ? -1 : a->seat > b->seat;
}

/* The leaderboard: every seated student by total gain of lying (qsort: a
 * class of 10000 is redrawn on every event). */
static void draw_board(cl_page *p, const mt_class_host_state *st)
{
	app *a = p->a;
	size_t k = 0;
	board_entry *order = malloc((st->seats ? st->seats : 1) * sizeof *order);
	if (!order) {
		cl_line(p, a->attr[C_ERROR], "leaderboard: out of memory");
		return;
	}
	mt_class_seat_info si;
	for (size_t s = 0; s < st->seats; s++) {
		mt_class_host_seat(a->host, s, &si);
		if (si.name)
			order[k++] = (board_entry){si.total_gain, s};
	}
	qsort(order, k, sizeof *order, by_gain);
	cl_line(p, a->attr[C_TITLE], "Leaderboard (over the closed rounds)");
	cl_line(p, a->attr[C_HEADER], "  %4s %-20s %12s %12s", "#", "student", "total gain",
	        "total utility");
	char b1[32], b2[32], nm[96];
	for (size_t i = 0; i < k; i++) {
		mt_class_host_seat(a->host, order[i].seat, &si);
		clip_text(si.name, 20, a->g->ellipsis, nm, sizeof nm);
		cl_line(p, a->attr[C_NORMAL], "  %4zu %s%*s %12s %12s", i + 1, nm,
		        20 - text_width(nm), "", gain(b1, sizeof b1, si.total_gain),
		        num(b2, sizeof b2, si.total_utility));
	}
	if (!k)
		cl_line(p, a->attr[C_DIM], "  nobody has joined yet");
	free(order);
}

void class_draw(app *a, int top, int height)
{
	if (!a->host || height < 4)
		return;
	const mt_class_host *h = a->host;
	mt_class_host_state st;
	mt_class_host_get_state(h, &st);
	const mt_class_round_report *last = mt_class_host_last_round(h);
	int y = top;
	char b1[32];
	putf(y++, 0, COLS, a->attr[C_TITLE], "Class  join: mechtune class join %s --code %s",
	     mt_class_host_address(h), mt_class_host_code(h));
	if (st.open) {
		char dl[64] = "";
		if (st.deadline_ms >= 0)
			snprintf(dl, sizeof dl, ", %d s left", (st.deadline_ms + 999) / 1000);
		putf(y++, 0, COLS, a->attr[C_GOOD], "Round %u: open under %s, submitted %zu/%zu%s",
		     st.round, st.rule->name, st.submitted, st.connected, dl);
	} else if (st.round) {
		putf(y++, 0, COLS, a->attr[C_NORMAL],
		     "Round %u (%s): closed; N none / V vcg / S rule starts the next", st.round,
		     st.rule->name);
	} else {
		putf(y++, 0, COLS, a->attr[C_NORMAL],
		     "Round 0: waiting for students; N none / V vcg / S rule starts a round");
	}
	/* the per-rule line: none and vcg side by side, then any other rule */
	char line[512];
	int len = snprintf(line, sizeof line, "Average gain of lying:");
	for (size_t i = 0; i < 2 || mt_payment_rules[i - 2]; i++) {
		/* none, vcg, then the other rules that saw lies */
		const mt_payment_rule *r =
		        i < 2 ? mt_payment_find(i ? "vcg" : "none") : mt_payment_rules[i - 2];
		double avg;
		size_t cnt;
		if (!r || (i >= 2 && (!strcmp(r->name, "none") || !strcmp(r->name, "vcg"))))
			continue;
		bool have = mt_class_host_lie_gain(h, r, &avg, &cnt);
		if (!have && i >= 2)
			continue;
		if (len < 0 || (size_t)len >= sizeof line)
			break;
		if (have)
			len += snprintf(line + len, sizeof line - (size_t)len,
			                "  %s %s (%zu lie%s)", r->name, gain(b1, sizeof b1, avg),
			                cnt, cnt == 1 ? "" : "s");
		else
			len += snprintf(line + len, sizeof line - (size_t)len, "  %s -", r->name);
	}
	put_name(a, y++, 0, COLS, a->attr[C_HEADER], line);
	size_t n = mt_class_host_scenario(h)->n;
	size_t ntables = (st.seats + n - 1) / n;
	putf(y++, 0, COLS, a->attr[C_DIM],
	     "%zu student%s (%zu here) at %zu table%s of %zu; plays the scenario as loaded "
	     "at start",
	     st.students, st.students == 1 ? "" : "s", st.connected, ntables,
	     ntables == 1 ? "" : "s", n);

	cl_page p = {.a = a, .y0 = y, .rows = top + height - y, .line = 0};
	for (size_t t = 0; t < ntables; t++)
		draw_table(&p, &st, last, t);
	draw_board(&p, &st);
	a->class_lines = p.line;
	int maxtop = p.line - p.rows;
	if (maxtop < 0)
		maxtop = 0;
	if (a->class_top > maxtop) { /* e.g. a student left: draw again clamped */
		a->class_top = maxtop;
		for (int r = 0; r < p.rows; r++) {
			move(p.y0 + r, 0);
			clrtoeol();
		}
		p.line = 0;
		for (size_t t = 0; t < ntables; t++)
			draw_table(&p, &st, last, t);
		draw_board(&p, &st);
	}
	if (p.line > p.rows)
		putf(top + height - 1, COLS - 16 > 0 ? COLS - 16 : 0, 16, a->attr[C_DIM],
		     " %s%s more", a->class_top > 0 ? "^" : "", a->class_top < maxtop ? "v" : "");
}

/* ---- the teacher's keys ------------------------------------------------ */

static int run_command(app *a, const char *cmd)
{
	mt_error err = {0};
	bool quit = false;
	if (mt_class_host_command(a->host, cmd, &quit, &err))
		app_set_status(a, true, "%s", err.msg);
	else
		app_set_status(a, false, "class: %s", cmd);
	return quit ? R_QUIT : R_REDRAW;
}

static int start_done(app *a, const char *text)
{
	char cmd[200];
	snprintf(cmd, sizeof cmd, "start %s", text);
	return run_command(a, cmd);
}

static int kick_done(app *a, const char *text)
{
	if (!text[0])
		return R_REDRAW;
	char cmd[300];
	snprintf(cmd, sizeof cmd, "kick %s", text);
	return run_command(a, cmd);
}

bool class_round_open(const app *a)
{
	if (!a->host)
		return false;
	mt_class_host_state st;
	mt_class_host_get_state(a->host, &st);
	return st.open;
}

int class_key(app *a, int key)
{
	if (!a->host) {
		app_set_status(a, true,
		               "no class is running: 'mechtune class host FILE' hosts one");
		return R_REDRAW;
	}
	switch (key) {
	case 'y':
	case KEY_FN(KEY_F(2)):
		a->view = a->view == VIEW_CLASS ? VIEW_MAIN : VIEW_CLASS;
		return R_REDRAW | R_RESOLVE;
	case 'N': return run_command(a, "start none");
	case 'V': return run_command(a, "start vcg");
	case 'S':
		input_start(a, "start a round under (none, vcg, ...) [deadline seconds]: ", "vcg",
		            false, start_done);
		return R_REDRAW;
	case 'c': return run_command(a, "close");
	case 'K': input_start(a, "kick the student named: ", "", false, kick_done); return R_REDRAW;
	default: break;
	}
	return R_NONE;
}

int class_scroll(app *a, int delta)
{
	int rows = LINES - 3 - 4;
	if (delta == 1000)
		delta = rows > 1 ? rows - 1 : 1;
	else if (delta == -1000)
		delta = rows > 1 ? -(rows - 1) : -1;
	a->class_top += delta;
	if (a->class_top > a->class_lines - rows)
		a->class_top = a->class_lines - rows;
	if (a->class_top < 0)
		a->class_top = 0;
	return R_REDRAW;
}
