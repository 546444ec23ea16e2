/* The explorer's main loop: terminal set-up and restore, signals, the
 * worker glue (submit, take, accept), the undo stacks and file commands. */
#include "app.h"

#include <errno.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mechtune/yamlio.h"

const double app_steps[] = {0.001, 0.01, 0.05, 0.1};
const size_t app_nsteps = sizeof app_steps / sizeof app_steps[0];

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* ---- status line ------------------------------------------------------ */

void app_set_status(app *a, bool error, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	doc_vset_status(&a->doc, error, fmt, ap);
	va_end(ap);
}

/* ---- results ------------------------------------------------------------ */

/* A result computed for a scenario of another shape must not be drawn. */
static bool shape_ok(const app *a, const mt_stage_result *r)
{
	if (!r || r->status != MT_OK)
		return r && r->status != MT_OK;
	switch (r->stage) {
	case MT_STAGE_SOLVE: return r->outcome.m == a->doc.sc->m && r->outcome.n == a->doc.sc->n;
	case MT_STAGE_ANALYSIS: return r->none.m == a->doc.sc->m && r->none.n == a->doc.sc->n;
	case MT_STAGE_SWEEPS: return r->group < a->doc.sc->n;
	case MT_STAGE_NOISE: return r->noise.m == a->doc.sc->m && r->noise.n == a->doc.sc->n;
	case MT_STAGE_COALITION:
		return r->co_n == a->doc.sc->n &&
		       (!r->npairs || r->pairs[0].none.m == a->doc.sc->m);
	case MT_STAGE_COUNT: break;
	}
	return false;
}

const mt_stage_result *app_any_result(const app *a, mt_stage s)
{
	return shape_ok(a, a->res[s]) ? a->res[s] : NULL;
}

const mt_stage_result *app_result(const app *a, mt_stage s)
{
	const mt_stage_result *r = app_any_result(a, s);
	return r && r->generation == a->gen ? r : NULL;
}

const mt_analysis *app_none_analysis(const app *a)
{
	const mt_stage_result *r = app_result(a, MT_STAGE_ANALYSIS);
	return r && r->status == MT_OK && r->have_none ? &r->none : NULL;
}

const mt_analysis *app_rule_analysis(const app *a)
{
	const mt_stage_result *r = app_result(a, MT_STAGE_ANALYSIS);
	if (!r || r->status != MT_OK)
		return NULL;
	return r->have_rule ? &r->rule : r->have_none ? &r->none : NULL;
}

static void submit(app *a)
{
	mt_scenario *copy = mt_scenario_clone(a->doc.sc);
	if (!copy) {
		app_set_status(a, true, "out of memory: the solver did not get the last change");
		return;
	}
	a->needs.analysis = true;
	a->needs.noise = true;
	a->needs.sweeps = a->view == VIEW_PLOT;
	a->needs.group = app_group(a);
	a->needs.sweep_steps = MT_WORKER_SWEEP_STEPS;
	a->needs.coalitions = a->view == VIEW_MAIN;
	a->needs.partner = coalition_request(a, &a->needs.partner_of);

	memcpy(a->needs.sweep_from, a->plot_from, sizeof a->needs.sweep_from);
	memcpy(a->needs.sweep_to, a->plot_to, sizeof a->needs.sweep_to);
	/* What we hold, so that the worker reuses it when the numbers did not
	 * change (a view switch, another group in the main view). */
	for (int s = 0; s < MT_STAGE_COUNT; s++)
		a->needs.have[s] =
		        a->res[s] && a->res[s]->status == MT_OK ? a->res[s]->generation : 0;
	a->submitted_at = now_seconds();
	a->gen = mt_worker_submit(a->worker, copy, &a->needs);
}

/* Returns reaction flags: a key that waited for the analysis runs now. */
static int accept_results(app *a)
{
	int r = R_REDRAW;
	mt_stage_result *got[MT_STAGE_COUNT];
	mt_worker_take(a->worker, got);
	for (int s = 0; s < MT_STAGE_COUNT; s++) {
		if (!got[s])
			continue;
		if (got[s]->generation != a->gen) {
			mt_stage_result_free(got[s]);
			continue;
		}
		if (got[s]->reused) {
			/* Ours still holds: it becomes this generation's. */
			if (a->res[s] && a->res[s]->generation == got[s]->reused_from)
				a->res[s]->generation = got[s]->generation;
			mt_stage_result_free(got[s]);
		} else {
			mt_stage_result_free(a->res[s]);
			a->res[s] = got[s];
		}
		if (s == MT_STAGE_ANALYSIS && a->pending_key && a->mode == MODE_NORMAL &&
		    !APP_TOO_SMALL()) {
			int key = a->pending_key;
			a->pending_key = 0;
			r |= keys_dispatch(a, key);
		}
	}
	return r | lesson_check(a);
}

/* ---- undo --------------------------------------------------------------- */

mt_scenario *app_begin(app *a)
{
	return doc_begin(&a->doc);
}

int app_commit(app *a, mt_scenario *next)
{
	if (!doc_commit(&a->doc, next))
		return R_REDRAW;
	a->pending_key = 0;
	return R_REDRAW | R_RESOLVE;
}

static int undo_redo(app *a, bool undo)
{
	if (doc_undo_redo(&a->doc, undo) <= 0)
		return R_REDRAW;
	free(a->hl_prev);
	a->hl_prev = NULL;
	return R_REDRAW | R_RESOLVE;
}

int app_undo(app *a)
{
	return undo_redo(a, true);
}
int app_redo(app *a)
{
	return undo_redo(a, false);
}

bool app_modified(const app *a)
{
	return doc_modified(&a->doc);
}

/* A new document: the view starts at the top, no results are shown. */
static void reset_view(app *a)
{
	a->grid_top = a->grid_left = 0;
	free(a->hl_prev);
	a->hl_prev = NULL;
	for (int s = 0; s < MT_STAGE_COUNT; s++) {
		mt_stage_result_free(a->res[s]);
		a->res[s] = NULL;
	}
	app_clamp_cursor(a);
}

void app_replace_scenario(app *a, mt_scenario *sc, const char *path)
{
	doc_replace(&a->doc, sc, path);
	reset_view(a);
}

/* ---- cursor --------------------------------------------------------------- */

void app_clamp_cursor(app *a)
{
	doc_clamp_cursor(&a->doc);
}

size_t app_group(const app *a)
{
	return doc_group(&a->doc);
}

double app_step(const app *a)
{
	return app_steps[a->step_idx % app_nsteps];
}

/* ---- files ------------------------------------------------------------------ */

int app_save(app *a, const char *path, unsigned flags)
{
	if (a->opt.read_only) {
		app_set_status(a, true, "read-only mode: saving is disabled");
		return R_REDRAW;
	}
	doc_save(&a->doc, path, flags);
	return R_REDRAW;
}

int app_open(app *a, const char *path)
{
	if (!doc_open(&a->doc, path))
		return R_REDRAW;
	reset_view(a);
	return R_REDRAW | R_RESOLVE;
}

/* ---- the terminal ------------------------------------------------------------- */

static void start_curses(app *a)
{
	sig_before_curses();
	screen_start(a->opt.mouse);
	screen_init_colors(a->attr, a->pair, a->opt.color);
	sig_after_curses(a->opt.mouse);
}

/* ---- the loop ------------------------------------------------------------------ */

static int handle_mouse(app *a)
{
	MEVENT ev;
	if (getmouse(&ev) != OK)
		return R_NONE;
	/* The wheel moves the cursor, so the panels scroll to follow it. */
	if (a->mode == MODE_NORMAL && (ev.bstate & (BUTTON4_PRESSED
#ifdef BUTTON5_PRESSED
	                                            | BUTTON5_PRESSED
#endif
	                                            ))) {
		bool down = !(ev.bstate & BUTTON4_PRESSED);
		int r = R_NONE;
		for (int k = 0; k < 3; k++)
			r |= keys_dispatch(a, KEY_FN(down ? KEY_DOWN : KEY_UP));
		return r;
	}
	if (!(ev.bstate & (BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON1_DOUBLE_CLICKED)))
		return R_NONE;
	for (size_t k = 0; k < a->nhits; k++) {
		const hit_box *h = &a->hits[k];
		if (ev.y != h->y || ev.x < h->x || ev.x >= h->x + h->w)
			continue;
		size_t oldg = app_group(a);
		switch (h->kind) {
		case HIT_CELL:
			a->doc.cur.row = h->row;
			a->doc.cur.col = h->col;
			break;
		case HIT_OUTCOME_GROUP: a->doc.cur.row = doc_row(CELL_TRUTH, (size_t)h->row); break;
		case HIT_POLICY_RESPONSE: a->doc.cur.col = h->col; break;
		case HIT_PICKER: a->pick.sel = (size_t)h->row; return picker_key(a, '\r');
		case HIT_KEY:
			if (a->mode != MODE_NORMAL)
				return R_NONE;
			return keys_dispatch(a, h->col);
		}
		app_clamp_cursor(a);
		int r = R_REDRAW;
		if (a->view == VIEW_PLOT && app_group(a) != oldg)
			r |= R_RESOLVE;
		if (ev.bstate & BUTTON1_DOUBLE_CLICKED && h->kind == HIT_CELL)
			r |= keys_dispatch(a, '\r');
		return r;
	}
	return R_NONE;
}

/* The Ctrl-C question: y quits without saving, n stays. */
static int quit_now(app *a, int choice);

/* The "terminal too small" screen: nothing happens unseen.  Resize and
 * Ctrl-L redraw, q quits (asking first, visibly, when changes are unsaved),
 * the answer to a question shown there counts; every other key is
 * ignored. */
static int too_small_key(app *a, int key, bool is_char)
{
	if (!is_char)
		return R_REDRAW;
	if (a->mode == MODE_CONFIRM)
		return confirm_key(a, key);
	if (key == CTRL_KEY('l')) {
		clearok(curscr, TRUE);
		return R_REDRAW;
	}
	if (key != 'q')
		return R_NONE;
	if (!app_modified(a) || a->opt.read_only)
		return R_QUIT;
	a->pending_key = 0;
	confirm_start(a, "yn", quit_now,
	              "unsaved changes: quit without saving? y quit, n stay (Ctrl-C again quits)");
	return R_REDRAW;
}

static int handle_key_mode(app *a, int key, bool is_char)
{
	if (!is_char && key == KEY_RESIZE)
		return R_REDRAW;
	if (APP_TOO_SMALL())
		return too_small_key(a, key, is_char);
	if (!is_char && key == KEY_MOUSE) {
		if (a->mode == MODE_NORMAL || a->mode == MODE_PICKER)
			return handle_mouse(a);
		return R_NONE;
	}
	switch (a->mode) {
	case MODE_INPUT: return input_key(a, key, is_char);
	case MODE_CONFIRM: return confirm_key(a, key);
	case MODE_HELP: return keys_help_key(a, key);
	case MODE_PICKER: return picker_key(a, key);
	case MODE_MESSAGE: a->mode = MODE_NORMAL; return R_REDRAW;
	case MODE_NORMAL: break;
	}
	if (!is_char) /* function keys are coded above any character */
		key += KEY_OFFSET_FN;
	return keys_dispatch(a, key);
}

/* Every key, in any mode, may complete a lesson step (a value typed on the
 * status line, a lesson picked, ...). */
static int handle_key(app *a, int key, bool is_char)
{
	int r = handle_key_mode(a, key, is_char);
	return r | lesson_check(a);
}

static int quit_now(app *a, int choice)
{
	if (choice == 'y')
		return R_QUIT;
	if (choice == 'n')
		app_set_status(a, false, "not quitting: the changes are still unsaved");
	return R_REDRAW;
}

static int class_quit_now(app *a, int choice)
{
	(void)a;
	return choice == 'y' ? R_QUIT : R_REDRAW;
}

static int on_signal(app *a, int sig)
{
	if (sig == SIGINT && a->mode != MODE_CONFIRM && class_round_open(a)) {
		confirm_start(a, "yc", class_quit_now,
		              "a round is open: y end the class now (no results for it), c cancel; "
		              "Ctrl-C again ends it");
		return R_REDRAW;
	}
	if (sig != SIGINT || a->opt.read_only || !app_modified(a))
		return R_QUIT;
	if (a->mode == MODE_CONFIRM) /* Ctrl-C twice: leave without saving */
		return R_QUIT;
	a->mode = MODE_CONFIRM;
	confirm_start(a, "yn", quit_now,
	              "unsaved changes: quit without saving? y quit, n stay (Ctrl-C again quits)");
	return R_REDRAW;
}

static void app_release(app *a)
{
	mt_class_host_free(a->host); /* says goodbye to every student */
	free(a->host_fds);
	mt_worker_stop(a->worker);
	recover_release(a);
	for (int s = 0; s < MT_STAGE_COUNT; s++)
		mt_stage_result_free(a->res[s]);
	lesson_release(a);
	doc_release(&a->doc);
	picker_free(a);
	free(a->save_path);
	free(a->hl_prev);
}

/* Load the document, check the terminal, install the signals, start the
 * worker and curses.  Returns -1 when the loop can run, else the exit
 * status; *release says whether a holds something to release. */
static int run_setup(app *a, const tui_options *o, bool *release)
{
	*release = false;
	a->opt = *o;
	a->g = o->ascii || !screen_locale_is_utf8() ? &screen_ascii_glyphs : &screen_utf8_glyphs;
	a->braille = a->g->braille && o->color;
	a->step_idx = 1;
	a->hl_row = -1;
	a->plot_point = -1;

	mt_error err = {0};
	mt_scenario *sc = NULL;
	const mt_lesson *lesson = o->lesson ? mt_lesson_find(o->lesson) : NULL;
	if (o->lesson && !lesson) {
		fprintf(stderr, "mechtune: unknown lesson '%s' (see 'mechtune lesson')\n",
		        o->lesson);
		return 2;
	}
	mt_status st = o->file ? mt_scenario_load_file(o->file, &sc, &err)
	                       : mt_scenario_default(&sc, &err);
	if (st) {
		char line[MT_ERROR_TEXT_MAX];
		fprintf(stderr, "mechtune: %s\n", mt_error_format(&err, line, sizeof line));
		return 2; /* like every other command: a file that does not load is status 2 */
	}
	app_replace_scenario(a, sc, o->file);
	*release = true;
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr,
		        "mechtune: the explorer needs a terminal (use 'mechtune solve FILE' "
		        "in scripts)\n");
		return 1;
	}
	/* Signals before the worker thread, which inherits a mask that
	 * blocks them (worker.h). */
	if (!sig_install()) {
		fprintf(stderr, "mechtune: cannot create the signal pipe: %s\n", strerror(errno));
		return 1;
	}
	if (mt_worker_start(&a->worker, &err)) {
		fprintf(stderr, "mechtune: %s\n", err.msg);
		sig_restore();
		return 1;
	}
	if (o->class_host) {
		/* The class plays the scenario as loaded; the host prints nothing
		 * (the panel reads it) and never blocks the screen. */
		mt_class_host_opts ho = *o->class_host;
		ho.events = NULL;
		if (mt_class_host_new(a->doc.sc, &ho, &a->host, &err)) {
			char line[MT_ERROR_TEXT_MAX];
			fprintf(stderr, "mechtune class host: %s\n",
			        mt_error_format(&err, line, sizeof line));
			mt_worker_stop(a->worker);
			a->worker = NULL;
			sig_restore();
			return 1;
		}
		a->view = VIEW_CLASS;
	}
	start_curses(a);
	if (a->host)
		app_set_status(a, false,
		               "class on port %u: N/V start a round, y the explorer, ? help",
		               mt_class_host_port(a->host));
	else if (o->read_only)
		app_set_status(a, false, "read-only demo: edit freely, nothing is saved");
	else
		app_set_status(a, false, "%s: press ? for help, q to quit", a->doc.sc->name);
	if (a->host)
		; /* no recovery offer: the class started on the file as it is */
	else if (lesson)
		lesson_begin(a, lesson);
	else
		recover_offer(a);
	submit(a);
	return -1;
}

/* The host's descriptors after the three fixed ones (in a->host_fds, grown
 * as needed; *fds points at the array to poll) and the poll timeout the
 * host needs too: at most 1 s while a round with a deadline is open, for
 * the panel's countdown.  Out of memory: only the host's timers, for now. */
static int host_poll(app *a, const struct pollfd fixed[3], struct pollfd **fds, size_t *nhost,
                     int timeout)
{
	size_t cap = 3 + mt_class_host_nfds_max(a->host);
	if (cap > a->host_cap) {
		struct pollfd *p = realloc(a->host_fds, cap * sizeof *p);
		if (!p) {
			app_set_status(a, true, "class: out of memory, students wait");
			return timeout < 0 || timeout > 100 ? 100 : timeout;
		}
		a->host_fds = p;
		a->host_cap = cap;
	}
	memcpy(a->host_fds, fixed, 3 * sizeof *fixed);
	*nhost = mt_class_host_pollfds(a->host, a->host_fds + 3, cap - 3);
	*fds = a->host_fds;
	int t = mt_class_host_timeout(a->host);
	mt_class_host_state st;
	mt_class_host_get_state(a->host, &st);
	if (st.open && st.deadline_ms >= 0 && (t < 0 || t > 1000))
		t = 1000;
	if (t >= 0 && (timeout < 0 || t < timeout))
		timeout = t;
	return timeout;
}

/* poll() over the terminal, the worker's pipe and the signal pipe until
 * the user quits (0), a terminating signal arrives (its number) or the
 * terminal is lost (SIGHUP, *lost set). */
static int run_loop(app *a, bool *lost)
{
	bool dirty = true;
	int leave_sig = 0; /* a terminating signal, or SIGHUP for a lost terminal */
	*lost = false;
	for (;;) {
		if (dirty) {
			draw_all(a);
			dirty = false;
		}
		const mt_stage_result *an = app_result(a, MT_STAGE_ANALYSIS);
		bool busy = !app_result(a, MT_STAGE_SOLVE) ||
		            (a->needs.analysis && !an &&
		             app_result(a, MT_STAGE_SOLVE)->status == MT_OK) ||
		            (a->needs.noise && a->doc.sc->noise.epsilon > 0.0 && an &&
		             an->status == MT_OK && !app_result(a, MT_STAGE_NOISE)) ||
		            coalition_pending(a);
		int timeout = recover_tick(a, now_seconds());
		if (busy && (timeout < 0 || timeout > 200))
			timeout = 200;
		struct pollfd fixed[3] = {{.fd = STDIN_FILENO, .events = POLLIN},
		                          {.fd = mt_worker_fd(a->worker), .events = POLLIN},
		                          {.fd = sig_fd(), .events = POLLIN}};
		struct pollfd *fds = fixed;
		size_t nhost = 0;
		if (a->host) {
			timeout = host_poll(a, fixed, &fds, &nhost, timeout);
		}
		int n = poll(fds, 3 + nhost, timeout);
		if (n < 0 && errno != EINTR) { /* cannot wait for the terminal: as if lost */
			*lost = true;
			return SIGHUP;
		}
		int r = R_NONE;
		if (n > 0 && fds[2].revents) {
			int sig;
			while (!leave_sig && (sig = sig_take()) != 0) {
				if (sig == SIGINT)
					r |= on_signal(a, sig);
				else
					leave_sig = sig;
			}
		}
		if (leave_sig)
			return leave_sig;
		if (a->host) {
			mt_error err = {0};
			if (mt_class_host_service(a->host, fds + 3, nhost, &err))
				app_set_status(a, true, "class: %s", err.msg);
			r |= R_REDRAW; /* seats, submissions, the deadline's seconds */
		}
		if (busy)
			r |= R_REDRAW; /* the "computing" clock */
		if (n > 0 && fds[1].revents) {
			r |= accept_results(a);
		}
		wint_t wc;
		int kind;
		bool got_key = false;
		/* Read keys also after EINTR: SIGWINCH arrives as KEY_RESIZE. */
		while (!(r & R_QUIT) && (kind = get_wch(&wc)) != ERR) {
			got_key = true;
			r |= handle_key(a, (int)wc, kind == OK);
			if (r & R_RESOLVE) {
				submit(a);
				r &= ~R_RESOLVE;
			}
		}
		if (n > 0 && !(r & R_QUIT) && terminal_lost(a, fds[0].revents, got_key)) {
			*lost = true;
			return SIGHUP;
		}
		if (r & R_RESOLVE)
			submit(a);
		if (r & R_QUIT)
			return 0;
		if (r & R_REDRAW)
			dirty = true;
	}
}

/* Give the terminal back; after a signal or a lost terminal, write the
 * recovery file (recover.c).  Returns the exit status. */
static int run_teardown(app *a, int leave_sig, bool lost)
{
	int rc = 0;
	if (leave_sig) {
		rc = recover_leave(a, leave_sig, lost);
	} else {
		endwin();
		sig_curses_ended();
		recover_clean_quit(a);
	}
	sig_restore();
	return rc;
}

int tui_run(const tui_options *o)
{
	app *a = calloc(1, sizeof *a);
	if (!a) {
		fprintf(stderr, "mechtune: out of memory\n");
		return 1;
	}
	bool release;
	int rc = run_setup(a, o, &release);
	if (rc < 0) {
		bool lost;
		int sig = run_loop(a, &lost);
		rc = run_teardown(a, sig, lost);
	}
	if (release)
		app_release(a);
	free(a);
	return rc;
}
