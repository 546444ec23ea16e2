/* The student's screen: its loop.  poll() over the terminal, the host's
 * socket and the signal pipe (recover.c's), so the network never blocks
 * the keys; keys edit the report with the explorer's rules (doc.c), submit
 * it, reset it to the truth, reconnect with the seat's token. */
#include <errno.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "app.h"
#include "mechtune/class.h"
#include "student.h"
#include "tui.h"

#define NUDGE_STEP 0.01

int student_report_row(const student_ui *u)
{
	return doc_row(CELL_REPORT, mt_class_student_get(u->cl)->group);
}

static void set_status(student_ui *u, bool error, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
static void set_status(student_ui *u, bool error, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(u->status, sizeof u->status, fmt, ap);
	va_end(ap);
	u->status_error = error;
}

/* After a doc edit: its status is ours. */
static void take_doc_status(student_ui *u)
{
	set_status(u, u->d.status_error, "%s", u->d.status);
	u->d.undo_note = 0;
}

/* A welcome (first or after a reconnect): the doc's scenario is the belief;
 * a report already edited for the same seat is kept. */
static void sync_doc(student_ui *u)
{
	const mt_class_student_state *st = mt_class_student_get(u->cl);
	if (!st->belief || st->link != MT_STUDENT_SEATED)
		return;
	if (u->have_doc && u->d.sc->m == st->belief->m && u->d.sc->n == st->belief->n)
		return;
	mt_scenario *sc = mt_scenario_clone(st->belief);
	if (!sc) {
		set_status(u, true, "out of memory");
		return;
	}
	if (u->have_doc)
		doc_release(&u->d);
	memset(&u->d, 0, sizeof u->d);
	doc_replace(&u->d, sc, NULL);
	u->have_doc = true;
	u->col = 0;
	u->d.cur.row = student_report_row(u);
	u->d.cur.col = 0;
	u->d.cur.last_group = st->group;
}

static void network(student_ui *u, short revents, bool *dirty)
{
	if (mt_class_student_service(u->cl, revents))
		*dirty = true;
	const mt_class_student_state *st = mt_class_student_get(u->cl);
	if (st->message_seq != u->seen_seq) {
		u->seen_seq = st->message_seq;
		if (st->link == MT_STUDENT_LOST)
			set_status(u, true, "press r to reconnect (your seat token is kept): %s",
			           st->message);
		else
			set_status(u, st->message_error, "%s", st->message);
		u->confirm = false;
		*dirty = true;
	}
	if (!u->have_doc || (st->belief && st->belief != u->d.sc))
		sync_doc(u);
}

static void report_of(const student_ui *u, double *size, const double **rw)
{
	const mt_group *g = &u->d.sc->groups[mt_class_student_get(u->cl)->group];
	*size = g->reported_size;
	*rw = g->reported;
}

static void ask_submit(student_ui *u)
{
	const mt_class_student_state *st = mt_class_student_get(u->cl);
	double size;
	const double *rw;
	report_of(u, &size, &rw);
	char line[400];
	int off = snprintf(line, sizeof line, "submit size %g, rewards", size);
	for (size_t x = 0; x < u->d.sc->m && off < (int)sizeof line - 40; x++)
		off += snprintf(line + off, sizeof line - (size_t)off, " %.3g", rw[x]);
	set_status(u, false, "%s for round %lld%s? y submits, any other key goes back", line,
	           st->round, mt_group_lies(u->d.sc, st->group) ? " (not the truth)" : "");
	u->confirm = true;
}

static void do_submit(student_ui *u)
{
	double size;
	const double *rw;
	report_of(u, &size, &rw);
	mt_error err = {0};
	if (mt_class_student_submit(u->cl, size, rw, &err))
		set_status(u, true, "%s", err.msg);
	else
		set_status(u, false, "report sent; waiting for the host");
}

static void apply_typed(student_ui *u)
{
	double v;
	u->typing = false;
	if (!doc_parse_number(u->typed, &v)) {
		set_status(u, true, "'%s' is not a number", u->typed);
		return;
	}
	bool re;
	doc_set_cell(&u->d, student_report_row(u), (int)u->col, v, NULL, &re);
	take_doc_status(u);
}

/* One key; false to quit. */
static bool on_key(student_ui *u, int key, bool is_char)
{
	const mt_class_student_state *st = mt_class_student_get(u->cl);
	if (u->confirm) {
		u->confirm = false;
		if (is_char && (key == 'y' || key == 'Y'))
			do_submit(u);
		else
			set_status(u, false, "not submitted");
		return true;
	}
	if (u->typing) {
		if (is_char && (key == '\r' || key == '\n' || key == '\t'))
			apply_typed(u);
		else if (is_char && key == 27)
			u->typing = false, set_status(u, false, "typing cancelled");
		else if ((!is_char && key == KEY_BACKSPACE) ||
		         (is_char && (key == 127 || key == 8))) {
			size_t n = strlen(u->typed);
			if (n)
				u->typed[n - 1] = '\0';
			if (n <= 1)
				u->typing = false;
		} else if (is_char && key > ' ' && key < 127 &&
		           strlen(u->typed) < sizeof u->typed - 1) {
			size_t n = strlen(u->typed);
			u->typed[n] = (char)key;
			u->typed[n + 1] = '\0';
		}
		return true;
	}
	if (is_char && (key == 'q' || key == 'Q'))
		return false;
	if (!is_char && key == KEY_RESIZE)
		return true;
	if (is_char && key == 'r') {
		if (st->link != MT_STUDENT_LOST) {
			set_status(u, false, "connected: nothing to reconnect");
			return true;
		}
		mt_error err = {0};
		if (mt_class_student_reconnect(u->cl, &err))
			set_status(u, true, "%s", err.msg);
		return true;
	}
	if (!u->have_doc)
		return true;
	size_t m = u->d.sc->m;
	int row = student_report_row(u);
	bool re;
	if ((!is_char && key == KEY_LEFT) || (is_char && key == 'h')) {
		u->col = u->col ? u->col - 1 : 0;
	} else if ((!is_char && key == KEY_RIGHT) || (is_char && key == 'l')) {
		u->col = u->col < m ? u->col + 1 : m;
	} else if (!is_char && key == KEY_HOME) {
		u->col = 0;
	} else if (!is_char && key == KEY_END) {
		u->col = m;
	} else if (is_char && (key == '+' || key == '=' || key == '-' || key == '_')) {
		u->d.cur.row = row;
		u->d.cur.col = (int)u->col;
		doc_nudge(&u->d, key == '+' || key == '=', NUDGE_STEP, NULL, &re);
		take_doc_status(u);
	} else if (is_char && ((key >= '0' && key <= '9') || key == '.')) {
		u->typing = true;
		u->typed[0] = (char)key;
		u->typed[1] = '\0';
		set_status(u, false, "type a number (1/3 works), Enter sets it, Esc cancels");
	} else if (is_char && key == 't') {
		const mt_group *g = &u->d.sc->groups[st->group];
		double *truth = malloc(m * sizeof *truth);
		if (truth) {
			memcpy(truth, g->rewards, m * sizeof *truth);
			if (doc_set_report(&u->d, st->group, truth, g->size) == DOC_NOTHING)
				set_status(u, false, "your report is the truth already");
			else
				set_status(u, false, "your report is the truth again");
			free(truth);
		}
	} else if (is_char && (key == 'u' || key == 'U')) {
		doc_undo_redo(&u->d, key == 'u');
		take_doc_status(u);
	} else if (is_char && (key == '\r' || key == '\n' || key == 's')) {
		if (st->link != MT_STUDENT_SEATED)
			set_status(u, true, "not connected: press r to reconnect");
		else
			ask_submit(u);
	} else if (is_char && key == '?') {
		set_status(
		        u, false,
		        "<-/-> pick a column, +/- nudge by 0.01 (sizes 0.1), digits type a "
		        "number, t truth, u/U undo/redo, Enter or s submit, r reconnect, q quit");
	}
	return true;
}

static bool tty_lost(short revents, bool got_key, int *empty_reads)
{
	if (revents & (POLLHUP | POLLERR | POLLNVAL))
		return true;
	if (got_key || !(revents & POLLIN)) {
		*empty_reads = 0;
		return false;
	}
	int n = 0;
	if (ioctl(STDIN_FILENO, FIONREAD, &n) < 0)
		return true;
	if (n > 0) {
		*empty_reads = 0;
		return false;
	}
	return ++*empty_reads >= 8;
}

int tui_student_run(const tui_student_options *o)
{
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "mechtune class join: the student's screen needs a terminal (use "
		                "--lines)\n");
		return 1;
	}
	student_ui *u = calloc(1, sizeof *u);
	if (!u) {
		fprintf(stderr, "mechtune class join: out of memory\n");
		return 1;
	}
	u->host = o->host;
	u->g = o->ascii || !screen_locale_is_utf8() ? &screen_ascii_glyphs : &screen_utf8_glyphs;
	mt_class_bot_opts bo = {
	        .host = o->host, .code = o->code, .name = o->name, .token = o->token, .count = 1};
	mt_error err = {0};
	if (mt_class_student_new(&bo, &u->cl, &err)) {
		fprintf(stderr, "mechtune class join: %s\n", err.msg);
		free(u);
		return 1;
	}
	if (!sig_install()) {
		fprintf(stderr, "mechtune class join: cannot create the signal pipe: %s\n",
		        strerror(errno));
		mt_class_student_free(u->cl);
		free(u);
		return 1;
	}
	sig_before_curses();
	screen_start(false);
	screen_init_colors(u->at, u->pair, o->color);
	sig_after_curses(false);
	set_status(u, false, "joining %s ...", o->host);
	int rc = 0, empty_reads = 0;
	bool dirty = true;
	for (;;) {
		if (dirty) {
			student_draw(u);
			dirty = false;
		}
		const mt_class_student_state *st = mt_class_student_get(u->cl);
		int timeout = st->deadline_at && st->phase == MT_STUDENT_OPEN ? 250 : 1000;
		struct pollfd fds[3] = {{.fd = STDIN_FILENO, .events = POLLIN},
		                        mt_class_student_pollfd(u->cl),
		                        {.fd = sig_fd(), .events = POLLIN}};
		int n = poll(fds, 3, timeout);
		if (n < 0 && errno != EINTR) {
			rc = 128 + SIGHUP;
			break;
		}
		if (n > 0 && fds[2].revents) {
			int sig, leave = 0;
			while (!leave && (sig = sig_take()) != 0) {
				leave = sig == SIGINT ? 0 : sig;
				if (sig == SIGINT) {
					set_status(u, false, "Ctrl-C: press q to leave the class");
					dirty = true;
				}
			}
			if (leave) {
				rc = 128 + leave;
				break;
			}
		}
		network(u, n > 0 ? fds[1].revents : 0, &dirty);
		if (st->deadline_at)
			dirty = true; /* the countdown */
		wint_t wc;
		int kind;
		bool got_key = false, quit = false;
		while (!quit && (kind = get_wch(&wc)) != ERR) {
			got_key = true;
			dirty = true;
			quit = !on_key(u, (int)wc, kind == OK);
			network(u, 0, &dirty); /* a submit queued output */
		}
		if (quit)
			break;
		if (n > 0 && tty_lost(fds[0].revents, got_key, &empty_reads)) {
			rc = 128 + SIGHUP;
			break;
		}
	}
	endwin();
	sig_curses_ended();
	sig_restore();
	const char *token = mt_class_student_get(u->cl)->token;
	if (rc)
		fprintf(stderr, "mechtune class join: %s\n",
		        rc == 128 + SIGHUP ? "the terminal was lost or hung up"
		                           : "ended by a signal");
	if (token[0])
		fprintf(stderr,
		        "mechtune class join: your seat is kept: rejoin it with "
		        "mechtune class join %s --code %s --token %s\n",
		        o->host, o->code, token);
	if (u->have_doc)
		doc_release(&u->d);
	mt_class_student_free(u->cl);
	free(u);
	return rc;
}
