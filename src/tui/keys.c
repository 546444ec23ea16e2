/* The key table (htop's Action.c): every binding in one place, with the
 * text the help screen, the hint line and docs/explorer.md are made from.
 * Handlers return reaction flags (R_REDRAW, R_RESOLVE, R_QUIT); the main
 * loop decides what to do with them. */
#include "app.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "mechtune/analysis.h"
#include "mechtune/payment.h"
#include "mechtune/yamlio.h"

typedef int (*key_fn)(app *a, int key);

/* A best response that gains no more than this is no reason to change the
 * report (under vcg the search finds the truth up to solver tolerance). */
#define MT_LIE_GAIN_TOL 1e-9

enum {
	V_MAIN = 1 << VIEW_MAIN,
	V_PLOT = 1 << VIEW_PLOT,
	V_EXPLAIN = 1 << VIEW_EXPLAIN,
	V_CLASS = 1 << VIEW_CLASS, /* the class panel: only its keys and a few of V_ALL */
	V_ALL = V_MAIN | V_PLOT | V_EXPLAIN
};

/* One key of a binding and the stable action name lesson texts use for it
 * ({action}; keys_action_key turns that into the key).  NULL: none. */
typedef struct {
	int key;
	const char *action;
} key_action;

/* A list that docs/explorer.md appends to a binding's doc, generated from
 * the core's descriptor tables: "a, b, c." */
typedef enum { DOC_LIST_NONE = 0, DOC_LIST_DIVERGENCES, DOC_LIST_PAYMENTS } doc_list;

typedef struct {
	key_action keys[6];  /* key 0 ends the list */
	const char *label;   /* as shown in help (UTF-8) */
	const char *ascii;   /* ASCII label; NULL: label is ASCII already */
	const char *section; /* heading in the help screen */
	const char *help;    /* short description (help screen, at most ~28 columns) */
	const char *doc;     /* longer description for docs/explorer.md, NULL: help */
	doc_list list;       /* appended to doc */
	const char *hint;    /* word on the hint line, NULL: not shown there */
	unsigned char prio;  /* hint order: lower first */
	unsigned views;
	key_fn fn;
} key_binding;

/* ---- helpers -------------------------------------------------------------- */

/* A cell edit's result as reaction flags; the row it renormalized is
 * highlighted (its values before the edit in hl_prev) until the next key. */
static int edited(app *a, doc_result r, int row, double *prev, bool row_edited)
{
	if (row_edited) {
		free(a->hl_prev);
		a->hl_prev = prev;
		a->hl_row = row;
	} else {
		free(prev);
	}
	if (r == DOC_NOTHING) /* maybe a status: "nothing changed" */
		return R_REDRAW;
	if (r == DOC_REFUSED)
		return R_REDRAW;
	a->pending_key = 0;
	return R_REDRAW | R_RESOLVE;
}

/* Add, remove, rename: reaction flags of a document edit. */
static int committed(app *a, doc_result r)
{
	return edited(a, r, 0, NULL, false);
}

int edit_set_cell(app *a, int row, int col, double v)
{
	double *prev = malloc(a->doc.sc->m * sizeof *prev);
	bool row_edited;
	doc_result r = doc_set_cell(&a->doc, row, col, v, prev, &row_edited);
	return edited(a, r, row, prev, row_edited);
}

static int finish_number(app *a, const char *text)
{
	double v;
	if (!*text) {
		app_set_status(a, false, "cancelled: nothing was changed");
		return R_REDRAW;
	}
	if (!doc_parse_number(text, &v)) {
		app_set_status(a, true,
		               "'%s' is not a number: type a decimal value such as 0.25, or 1/3 "
		               "(nothing was changed)",
		               text);
		return R_REDRAW;
	}
	return edit_set_cell(a, a->doc.cur.row, a->doc.cur.col, v);
}

static const char *group_name(const app *a)
{
	return a->doc.sc->groups[app_group(a)].name;
}

/* ---- movement ------------------------------------------------------------- */

static int moved(app *a, size_t old_group)
{
	app_clamp_cursor(a);
	int r = R_REDRAW;
	if (a->view == VIEW_PLOT && app_group(a) != old_group)
		r |= R_RESOLVE;
	return r;
}

static int k_up(app *a, int key)
{
	(void)key;
	if (a->view == VIEW_CLASS)
		return class_scroll(a, -1);
	size_t g = app_group(a);
	int row = a->doc.cur.row;
	if (a->view != VIEW_MAIN) /* the plot and explain views move between groups */
		a->doc.cur.row = row > 2 ? doc_row(CELL_TRUTH, doc_row_group(row) - 1) : row;
	else
		a->doc.cur.row--;
	return moved(a, g);
}

static int k_down(app *a, int key)
{
	(void)key;
	if (a->view == VIEW_CLASS)
		return class_scroll(a, +1);
	size_t g = app_group(a);
	int row = a->doc.cur.row;
	if (a->view != VIEW_MAIN)
		a->doc.cur.row = row < 1 ? doc_row(CELL_TRUTH, 0)
		                         : doc_row(CELL_TRUTH, doc_row_group(row) + 1);
	else
		a->doc.cur.row++;
	return moved(a, g);
}

static int k_left(app *a, int key)
{
	(void)key;
	if (a->view == VIEW_EXPLAIN) { /* scroll the t(x) list */
		a->explain_left -= 8;
		return R_REDRAW;
	}
	if (a->view == VIEW_PLOT) /* the cursor along the curve */
		return plot_cursor_move(a, -1);
	a->doc.cur.col--;
	return moved(a, app_group(a));
}

static int k_right(app *a, int key)
{
	(void)key;
	if (a->view == VIEW_EXPLAIN) {
		a->explain_left += 8;
		return R_REDRAW;
	}
	if (a->view == VIEW_PLOT)
		return plot_cursor_move(a, +1);
	a->doc.cur.col++;
	return moved(a, app_group(a));
}

/* Home/End: the first or last response of the row (End: the size column on
 * a group's row, as a spreadsheet's last column). */
static int k_home_end(app *a, int key)
{
	size_t g = app_group(a);
	a->doc.cur.col = key == KEY_FN(KEY_HOME) ? 0 : (int)a->doc.sc->m - 1;
	return moved(a, g);
}

/* g/G: the first or last row (the plot view: the first or last group). */
static int k_first_last(app *a, int key)
{
	size_t g = app_group(a), n = a->doc.sc->n;
	if (a->view == VIEW_PLOT)
		a->doc.cur.row = doc_row(CELL_TRUTH, key == 'g' ? 0 : n - 1);
	else
		a->doc.cur.row = key == 'g' ? 0 : doc_rows(a->doc.sc) - 1;
	return moved(a, g);
}

/* PgUp/PgDn: a screenful of grid rows (the plot view: of groups). */
static int k_page(app *a, int key)
{
	size_t g = app_group(a);
	int page = a->grid_page > 1 ? a->grid_page : 1;
	bool down = key == KEY_FN(KEY_NPAGE);
	if (a->view == VIEW_PLOT) {
		long to = (long)g + (down ? page / 2 + 1 : -(page / 2 + 1));
		long n = (long)a->doc.sc->n;
		a->doc.cur.row = doc_row(CELL_TRUTH, (size_t)(to < 0 ? 0 : to >= n ? n - 1 : to));
	} else {
		a->doc.cur.row += down ? page : -page;
	}
	return moved(a, g);
}

/* Case-insensitive: s contains t. */
static bool contains_nocase(const char *s, const char *t)
{
	size_t n = strlen(t);
	for (; *s; s++) {
		size_t k = 0;
		while (k < n && s[k] &&
		       tolower((unsigned char)s[k]) == tolower((unsigned char)t[k]))
			k++;
		if (k == n)
			return true;
	}
	return !n;
}

/* The next (dir 1) or previous (dir -1) group or response, from the
 * cursor's and wrapping around, whose name contains text: the cursor moves
 * to it. */
static int search_step(app *a, const char *text, int dir)
{
	const mt_scenario *sc = a->doc.sc;
	size_t n = sc->n, m = sc->m, total = n + m;
	/* items: groups 0..n-1, then responses n..n+m-1; start after the current one */
	size_t cur = a->doc.cur.row > 0 ? app_group(a) : n + (size_t)a->doc.cur.col;
	if (a->doc.cur.row > 0 && a->search_on_response)
		cur = n + (size_t)a->doc.cur.col;
	for (size_t k = 1; k <= total; k++) {
		size_t it = dir > 0 ? (cur + k) % total : (cur + total * 2 - k) % total;
		const char *name = it < n ? sc->groups[it].name : sc->responses[it - n];
		if (!contains_nocase(name, text))
			continue;
		size_t g = app_group(a);
		if (it < n) {
			a->doc.cur.row = doc_row(CELL_TRUTH, it);
			a->search_on_response = false;
		} else {
			a->doc.cur.col = (int)(it - n);
			a->search_on_response = true;
		}
		app_set_status(a, false, "%s '%s' (/ and Enter: the next match, N: the previous)",
		               it < n ? "group" : "response", name);
		return moved(a, g);
	}
	app_set_status(a, true, "no group or response name contains '%s'", text);
	return R_REDRAW;
}

static int finish_search(app *a, const char *text)
{
	if (!*text) {
		app_set_status(a, false, "cancelled: no search");
		return R_REDRAW;
	}
	snprintf(a->search, sizeof a->search, "%s", text);
	return search_step(a, text, 1);
}

static int k_search_prev(app *a, int key)
{
	(void)key;
	if (!a->search[0]) {
		app_set_status(a, true, "no search yet: / finds a group or response");
		return R_REDRAW;
	}
	return search_step(a, a->search, -1);
}

static int k_search(app *a, int key)
{
	if (key == 'N')
		return k_search_prev(a, key);
	input_start(a, "search a group or response (Enter: next match): ", a->search, false,
	            finish_search);
	return R_REDRAW;
}

static int k_next_group(app *a, int key)
{
	size_t g = app_group(a), n = a->doc.sc->n;
	size_t next = key == KEY_FN(KEY_BTAB) ? (g + n - 1) % n : (g + 1) % n;
	a->doc.cur.row = doc_row(CELL_TRUTH, next);
	return moved(a, g);
}

/* ---- editing -------------------------------------------------------------- */

static int k_edit(app *a, int key)
{
	if (a->view == VIEW_PLOT) /* Enter: the report at the plot's cursor */
		return key == '.' || (key >= '0' && key <= '9') ? R_NONE : plot_cursor_apply(a);
	bool exists;
	double v = doc_cell_value(a->doc.sc, a->doc.cur.row, a->doc.cur.col, &exists);
	if (!exists)
		return R_NONE;
	char name[160], prompt[200], init[32] = "";
	doc_cell_name(a->doc.sc, a->doc.cur.row, a->doc.cur.col, name, sizeof name);
	/* As in a spreadsheet: typing replaces the value, which the prompt
	 * shows as a hint; an empty entry cancels. */
	char num[32];
	snprintf(prompt, sizeof prompt, "%s (now %s; Enter alone cancels): ", name,
	         doc_fmt_num(num, sizeof num, v));
	if (key >= '0' && key <= '9')
		snprintf(init, sizeof init, "%c", (char)key);
	else if (key == '.')
		snprintf(init, sizeof init, "0.");
	input_start(a, prompt, init, true, finish_number);
	return R_REDRAW;
}

static int k_nudge(app *a, int key)
{
	double *prev = malloc(a->doc.sc->m * sizeof *prev);
	bool row_edited;
	int row = a->doc.cur.row;
	doc_result r = doc_nudge(&a->doc, key == '+' || key == '=', app_step(a), prev, &row_edited);
	return edited(a, r, row, prev, row_edited);
}

static int k_step(app *a, int key)
{
	(void)key;
	a->step_idx = (a->step_idx + 1) % app_nsteps;
	app_set_status(a, false, "step %g for rewards and the reference, %g for sizes", app_step(a),
	               10.0 * app_step(a));
	return R_REDRAW;
}

static int k_lambda(app *a, int key)
{
	double f = key == ']' ? 1.1 : key == '[' ? 1.0 / 1.1 : key == '}' ? 2.0 : 0.5;
	mt_scenario *n = app_begin(a);
	if (!n)
		return R_REDRAW;
	/* Stored (and saved) as the header shows it: 0.4545, not
	 * 0.45454545454545453. */
	char shown[32];
	snprintf(shown, sizeof shown, "%.4g", fmin(fmax(a->doc.sc->lambda * f, 1e-4), 1e4));
	if (!mt_parse_decimal(shown, &n->lambda))
		n->lambda = fmin(fmax(a->doc.sc->lambda * f, 1e-4), 1e4);
	int r = app_commit(a, n);
	app_set_status(a, false, "%s = %.4g", a->g->lambda, a->doc.sc->lambda);
	return r;
}

static int k_divergence(app *a, int key)
{
	(void)key;
	mt_scenario *n = app_begin(a);
	if (!n)
		return R_REDRAW;
	n->divergence = mt_divergence_next(a->doc.sc->divergence);
	int r = app_commit(a, n);
	app_set_status(a, false, "divergence %s: %s", a->doc.sc->divergence->name,
	               a->doc.sc->divergence->summary);
	return r;
}

static int k_payment(app *a, int key)
{
	(void)key;
	mt_scenario *n = app_begin(a);
	if (!n)
		return R_REDRAW;
	if (key == 'P') { /* backwards: the rule whose next is the current one */
		const mt_payment_rule *r = a->doc.sc->payment;
		while (mt_payment_next(r) != a->doc.sc->payment)
			r = mt_payment_next(r);
		n->payment = r;
	} else {
		n->payment = mt_payment_next(a->doc.sc->payment);
	}
	int r = app_commit(a, n);
	app_set_status(a, false, "payment %s: %s", a->doc.sc->payment->name,
	               a->doc.sc->payment->summary);
	return r;
}

static int k_normalization(app *a, int key)
{
	(void)key;
	mt_scenario *n = app_begin(a);
	if (!n)
		return R_REDRAW;
	n->normalization = n->normalization == MT_NORM_SUM ? MT_NORM_MAX : MT_NORM_SUM;
	for (size_t i = 0; i < n->n; i++) {
		mt_normalize(n->normalization, n->m, n->groups[i].rewards);
		mt_normalize(n->normalization, n->m, n->groups[i].reported);
	}
	int r = app_commit(a, n);
	app_set_status(a, false, "%s normalization: every reward row was rescaled",
	               mt_norm_name(a->doc.sc->normalization));
	return r;
}

static int k_add_group(app *a, int key)
{
	(void)key;
	return committed(a, doc_add_group(&a->doc));
}

static int k_remove_group(app *a, int key)
{
	(void)key;
	return committed(a, doc_remove_group(&a->doc));
}

static int k_add_response(app *a, int key)
{
	(void)key;
	return committed(a, doc_add_response(&a->doc));
}

static int k_remove_response(app *a, int key)
{
	(void)key;
	return committed(a, doc_remove_response(&a->doc));
}

static int k_response(app *a, int key)
{
	return key == 'X' ? k_remove_response(a, key) : k_add_response(a, key);
}

static int finish_rename(app *a, const char *text)
{
	return committed(a, doc_rename(&a->doc, text));
}

static int finish_rename_response(app *a, const char *text)
{
	return committed(a, doc_rename_response(&a->doc, text));
}

static int k_rename(app *a, int key)
{
	if (key == 'R') {
		if (a->doc.cur.col >= (int)a->doc.sc->m) {
			app_set_status(a, true, "move to a response column to rename it");
			return R_REDRAW;
		}
		input_start(a, "rename response: ", a->doc.sc->responses[a->doc.cur.col], false,
		            finish_rename_response);
		return R_REDRAW;
	}
	if (a->doc.cur.row == 0)
		input_start(a, "rename scenario: ", a->doc.sc->name, false, finish_rename);
	else
		input_start(a, "rename group: ", group_name(a), false, finish_rename);
	return R_REDRAW;
}

/* ---- strategy --------------------------------------------------------------- */

static int apply_report(app *a, size_t i, const double *rewards, double size)
{
	doc_result r = doc_set_report(&a->doc, i, rewards, size);
	if (r == DOC_NOTHING) {
		app_set_status(a, false, "%s report that already: nothing changed", group_name(a));
		return R_REDRAW;
	}
	return committed(a, r);
}

/* M: one of the paper's exact misreports, typed: "eps 0.05", "alpha 2",
 * "beta 0.5", or "rewards" (the best rewards-only lie without payment). */
static int finish_misreport(app *a, const char *text)
{
	while (*text == ' ')
		text++;
	if (!*text) {
		app_set_status(a, false, "misreport cancelled");
		return R_REDRAW;
	}
	size_t i = app_group(a);
	if (!strncmp(text, "rewards", 7) || !strcmp(text, "r")) {
		const mt_analysis *an = app_none_analysis(a);
		const mt_report_outcome *br = an ? &an->groups[i].best[MT_BR_REWARDS] : NULL;
		if (!br || !br->rewards) {
			app_set_status(a, true, "the best responses are not ready yet: try again");
			return R_REDRAW;
		}
		int r = apply_report(a, i, br->rewards, br->size);
		if (r & R_RESOLVE)
			app_set_status(
			        a, false,
			        "%s report their best rewards-only lie w/o payment, size true "
			        "(gain %+.4g; u undoes it)",
			        group_name(a), br->gain);
		return r;
	}
	mt_sweep_family f;
	double t;
	const char *why;
	if (!doc_parse_misreport(text, &f, &t, &why)) {
		app_set_status(a, true, "'%s': %s (nothing was changed)", text, why);
		return R_REDRAW;
	}
	doc_result r = doc_misreport(&a->doc, i, f, t);
	return r == DOC_NOTHING ? R_REDRAW : committed(a, r);
}

static int k_misreport(app *a, int key)
{
	(void)key;
	char prompt[200];
	snprintf(prompt, sizeof prompt,
	         "%s misreport (eps 0.05, alpha 2, beta 0.5, rewards): ", group_name(a));
	input_start(a, prompt, "", false, finish_misreport);
	return R_REDRAW;
}

static int k_lie(app *a, int key)
{
	bool under_rule = key == 'B';
	const mt_analysis *an = under_rule ? app_rule_analysis(a) : app_none_analysis(a);
	if (!an) {
		a->pending_key = key;
		app_set_status(a, false, "waiting for the best responses%s", a->g->ellipsis);
		return R_REDRAW;
	}
	size_t i = app_group(a);
	const mt_report_outcome *br = &an->groups[i].best[MT_BR_FULL];
	if (!br->rewards) {
		app_set_status(a, true, "no best response available for '%s'", group_name(a));
		return R_REDRAW;
	}
	if (!(br->gain > MT_LIE_GAIN_TOL)) { /* nothing to gain: nothing changes */
		app_set_status(a, false,
		               "%s gain nothing by lying%s (%+.4g): their report stays as it is",
		               group_name(a), under_rule ? " under the rule" : " without payment",
		               br->gain);
		return R_REDRAW;
	}
	int r = apply_report(a, i, br->rewards, br->size);
	if (!(r & R_RESOLVE))
		return r;
	if (under_rule)
		app_set_status(a, false, "%s play their best response under %s (gain %+.4g)",
		               group_name(a), a->doc.sc->payment->name, br->gain);
	else if (a->doc.sc->payment->charges_nothing)
		app_set_status(a, false, "%s lie: their best response without payment gains %+.4g",
		               group_name(a), br->gain);
	else
		app_set_status(a, false,
		               "%s tell the lie that pays without payment (%+.4g); under %s "
		               "see what it earns now",
		               group_name(a), br->gain, a->doc.sc->payment->name);
	return r;
}

static int k_truth(app *a, int key)
{
	mt_scenario *n = app_begin(a);
	if (!n)
		return R_REDRAW;
	if (key == 'T') {
		for (size_t i = 0; i < n->n; i++)
			mt_group_tell_truth(n, i);
	} else {
		mt_group_tell_truth(n, app_group(a));
	}
	int r = app_commit(a, n);
	if (r & R_RESOLVE)
		app_set_status(a, false, "%s tell%s the truth",
		               key == 'T' ? "all groups" : group_name(a), key == 'T' ? "" : "");
	else if (!a->doc.status_error)
		app_set_status(a, false, "%s tell%s the truth already: nothing changed",
		               key == 'T' ? "all groups" : group_name(a), key == 'T' ? "" : "");
	return r;
}

static int k_iterate(app *a, int key)
{
	(void)key;
	const mt_analysis *an = app_rule_analysis(a);
	if (!an) {
		a->pending_key = key;
		app_set_status(a, false, "waiting for the best responses%s", a->g->ellipsis);
		return R_REDRAW;
	}
	const mt_ibr_result *ibr = &an->ibr;
	if (!ibr->sizes || !ibr->rewards) {
		app_set_status(a, true, "iterated best responses are not available");
		return R_REDRAW;
	}
	mt_scenario *n = app_begin(a);
	if (!n)
		return R_REDRAW;
	for (size_t i = 0; i < n->n; i++) {
		memcpy(n->groups[i].reported, ibr->rewards + i * n->m, n->m * sizeof(double));
		mt_normalize(n->normalization, n->m, n->groups[i].reported);
		n->groups[i].reported_size = fmin(fmax(ibr->sizes[i], 1e-9), n->max_size);
	}
	int r = app_commit(a, n);
	if ((r & R_RESOLVE) || !a->doc.status_error)
		app_set_status(a, false,
		               "iterated best responses under %s: %s after %zu round%s, welfare "
		               "%.4g %s %.4g%s",
		               a->doc.sc->payment->name, ibr->converged ? "converged" : "stopped",
		               ibr->rounds, ibr->rounds == 1 ? "" : "s", ibr->welfare_truthful,
		               a->g->arrow, ibr->welfare_final,
		               r & R_RESOLVE ? "" : "; nothing changed");
	return r;
}

/* C: the next partner of the selected group (index order, wrapping).  Up
 * to 8 groups every pair is computed already; above, the pair is asked
 * for (the analysis reruns). */
static int k_partner(app *a, int key)
{
	(void)key;
	const mt_scenario *sc = a->doc.sc;
	if (sc->n < 2) {
		app_set_status(a, true, "a coalition needs two groups: add one with a");
		return R_REDRAW;
	}
	coalition_view v;
	coalition_current(a, &v);
	size_t g = v.group, p = v.partner;
	do
		p = (p + 1) % sc->n;
	while (p == g);
	a->co_group = g;
	a->co_partner = p;
	a->co_n = sc->n;
	coalition_current(a, &v);
	char line[512];
	coalition_summary(a, &v, line, sizeof line);
	app_set_status(a, false, "coalition %s", line);
	if (sc->n > MT_COALITION_PAIR_MAX_GROUPS)
		return R_REDRAW | R_RESOLVE;
	return R_REDRAW;
}

/* J: both members report the coalition's joint misreport under the active
 * rule, as one edit. */
static int k_joint(app *a, int key)
{
	(void)key;
	coalition_view v;
	coalition_current(a, &v);
	if (!v.shown) {
		char line[512];
		coalition_summary(a, &v, line, sizeof line);
		app_set_status(a, v.res && v.res->status != MT_OK, "coalition %s", line);
		return R_REDRAW;
	}
	const mt_coalition *c = v.shown;
	const mt_scenario *sc = a->doc.sc;
	char g1[128], g2[128]; /* copies: the edit replaces the scenario */
	clip_text(sc->groups[c->members[0]].name, 40, a->g->ellipsis, g1, sizeof g1);
	clip_text(sc->groups[c->members[1]].name, 40, a->g->ellipsis, g2, sizeof g2);
	if (!(c->gain > 0.0)) {
		app_set_status(a, false, "no joint lie of %s and %s pays under %s: nothing changed",
		               g1, g2, c->rule->name);
		return R_REDRAW;
	}
	doc_result r = doc_set_reports(&a->doc, c->k, c->members, c->rewards, c->sizes);
	if (r == DOC_CHANGED) {
		char b1[32], b2[32], b3[32], b4[32];
		app_set_status(
		        a, false, "%s+%s joint lie under %s: util %s%s%s, %s%s%s (u undoes both)",
		        g1, g2, c->rule->name, doc_fmt_num(b1, sizeof b1, c->utilities_truthful[0]),
		        a->g->arrow, doc_fmt_num(b2, sizeof b2, c->utilities[0]),
		        doc_fmt_num(b3, sizeof b3, c->utilities_truthful[1]), a->g->arrow,
		        doc_fmt_num(b4, sizeof b4, c->utilities[1]));
	}
	return committed(a, r) | R_REDRAW;
}

static int k_coalition(app *a, int key)
{
	return key == 'J' ? k_joint(a, key) : k_partner(a, key);
}

/* ---- history, files, view ------------------------------------------------------- */

static int k_undo(app *a, int key)
{
	(void)key;
	return app_undo(a);
}

static int k_redo(app *a, int key)
{
	(void)key;
	return app_redo(a);
}

static int save_done(app *a, int r)
{
	if (a->quit_after_save && !app_modified(a))
		r |= R_QUIT;
	a->quit_after_save = false;
	return r;
}

static int save_answer(app *a, int choice)
{
	char *path = a->save_path;
	a->save_path = NULL;
	int r = R_REDRAW;
	if (choice == 'y' && path)
		r = app_save(a, path, a->save_flags);
	else if (path)
		app_set_status(a, false, "not saved: %s was left as it was", path);
	free(path);
	return save_done(a, r);
}

/* path names the file the document came from. */
static bool is_own_file(const app *a, const char *path)
{
	struct stat x, y;
	if (!a->doc.path)
		return false;
	if (!strcmp(a->doc.path, path))
		return true;
	return !stat(a->doc.path, &x) && !stat(path, &y) && x.st_dev == y.st_dev &&
	       x.st_ino == y.st_ino;
}

/* Save to path, first asking when that replaces a read-only file, or (save
 * as) a file other than the document's own. */
static int save_checked(app *a, const char *path, bool save_as)
{
	mt_save_target t;
	mt_save_target_probe(path, &t);
	bool other = save_as && t.exists && !is_own_file(a, path);
	if (!t.read_only && !other)
		return save_done(a, app_save(a, path, 0));
	char *p = strdup(path);
	if (!p) {
		app_set_status(a, true, "out of memory: not saved");
		return save_done(a, R_REDRAW);
	}
	free(a->save_path);
	a->save_path = p;
	a->save_flags = t.read_only ? MT_SAVE_READ_ONLY_OK : 0;
	const char *base = strrchr(path, '/');
	char name[256];
	clip_text(base && base[1] ? base + 1 : path, 48, a->g->ellipsis, name, sizeof name);
	if (t.read_only)
		confirm_start(a, "yn", save_answer, "%s is read-only: replace it anyway? (y/n)",
		              name);
	else
		confirm_start(a, "yn", save_answer, "%s already exists: overwrite it? (y/n)", name);
	return R_REDRAW;
}

static int finish_save_as(app *a, const char *text)
{
	if (!*text) {
		app_set_status(a, true, "no file name given: not saved");
		a->quit_after_save = false;
		return R_REDRAW;
	}
	return save_checked(a, text, true);
}

static void default_file_name(const app *a, char *buf, size_t len)
{
	if (a->doc.path) {
		snprintf(buf, len, "%s", a->doc.path);
		return;
	}
	size_t k = 0;
	for (const char *s = a->doc.sc->name; *s && k + 6 < len; s++) {
		char c = *s;
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')
			buf[k++] = c;
		else if (c >= 'A' && c <= 'Z')
			buf[k++] = (char)(c - 'A' + 'a');
		else if (k && buf[k - 1] != '-')
			buf[k++] = '-';
	}
	if (!k)
		buf[k++] = 's';
	snprintf(buf + k, len - k, ".yaml");
}

static int k_save_as(app *a, int key)
{
	(void)key;
	if (a->opt.read_only) {
		app_set_status(a, true, "read-only mode: saving is disabled");
		return R_REDRAW;
	}
	char name[1024];
	default_file_name(a, name, sizeof name);
	input_start(a, "save as: ", name, false, finish_save_as);
	return R_REDRAW;
}

static int k_save(app *a, int key)
{
	if (!a->doc.path || key == 'W')
		return k_save_as(a, key);
	return save_checked(a, a->doc.path, false);
}

static int open_confirmed(app *a, int choice)
{
	if (choice == 'y')
		picker_open(a);
	return R_REDRAW;
}

static int k_open(app *a, int key)
{
	(void)key;
	if (app_modified(a) && !a->opt.read_only) {
		confirm_start(a, "yn", open_confirmed,
		              "unsaved changes will be lost: open another scenario anyway? (y/n)");
		return R_REDRAW;
	}
	picker_open(a);
	return R_REDRAW;
}

static int quit_answer(app *a, int choice)
{
	if (choice == 'n')
		return R_QUIT;
	if (choice != 'y')
		return R_REDRAW;
	a->quit_after_save = true;
	if (!a->doc.path)
		return k_save_as(a, 'W');
	return save_checked(a, a->doc.path, false);
}

static int k_quit_saved(app *a)
{
	if (!app_modified(a) || a->opt.read_only)
		return R_QUIT;
	/* y is yes to the question asked, as in every question (Ctrl-C's too). */
	confirm_start(a, "ync", quit_answer,
	              "unsaved changes: save them first? y save+quit, n discard+quit, c cancel");
	return R_REDRAW;
}

static int class_quit_answer(app *a, int choice)
{
	return choice == 'y' ? k_quit_saved(a) : R_REDRAW;
}

static int k_quit(app *a, int key)
{
	(void)key;
	if (class_round_open(a)) {
		confirm_start(a, "yc", class_quit_answer,
		              "a round is open: y end the class now (no results for it), c cancel");
		return R_REDRAW;
	}
	return k_quit_saved(a);
}

static int k_class(app *a, int key)
{
	return class_key(a, key);
}

static int k_class_page(app *a, int key)
{
	return class_scroll(a, key == KEY_FN(KEY_PPAGE) ? -1000 : 1000);
}

static int k_plot(app *a, int key)
{
	view_kind want = key == 'e' ? VIEW_EXPLAIN : VIEW_PLOT;
	a->view = a->view == want ? VIEW_MAIN : want;
	a->explain_left = 0;
	if (a->view != VIEW_MAIN && a->doc.cur.row == 0) {
		a->doc.cur.row = doc_row(CELL_TRUTH, app_group(a));
		app_clamp_cursor(a);
	}
	return R_REDRAW | R_RESOLVE;
}

static int k_plot_curves(app *a, int key)
{
	(void)key;
	a->utility_only = !a->utility_only;
	app_set_status(a, false, "%s",
	               a->utility_only ? "plots: utility alone, on its own scale"
	                               : "plots: utility, w·v and payment");
	return R_REDRAW;
}

static int k_plot_style(app *a, int key)
{
	(void)key;
	if (!a->g->braille) {
		app_set_status(a, true, "braille plots need UTF-8 (not with --ascii)");
		return R_REDRAW;
	}
	a->braille = !a->braille;
	app_set_status(a, false, "plots drawn with %s",
	               a->braille ? "braille dots" : "letters u, v, p");
	return R_REDRAW;
}

static int finish_range(app *a, const char *text)
{
	int f = a->plot_family;
	double from, to;
	const char *why;
	if (!doc_parse_range(text, (mt_sweep_family)f, &from, &to, &why)) {
		app_set_status(a, true, "'%s': %s (the range is unchanged)", text, why);
		return R_REDRAW;
	}
	a->plot_from[f] = from;
	a->plot_to[f] = to;
	a->plot_point = -1;
	if (from == to)
		app_set_status(a, false, "%s plot: the default range",
		               mt_sweep_family_name((mt_sweep_family)f));
	else
		app_set_status(a, false, "%s plot from %g to %g",
		               mt_sweep_family_name((mt_sweep_family)f), from, to);
	return R_REDRAW | R_RESOLVE;
}

/* m c f z: the plot's style, curves, the cursor's panel and its range. */
static int k_plot_keys(app *a, int key)
{
	switch (key) {
	case 'c': return k_plot_curves(a, key);
	case 'f': return plot_cursor_family(a);
	case 'z': {
		char prompt[160];
		snprintf(prompt, sizeof prompt, "%s range (from to, e.g. 0.25 5; empty: default): ",
		         mt_sweep_family_name((mt_sweep_family)a->plot_family));
		input_start(a, prompt, "", false, finish_range);
		return R_REDRAW;
	}
	default: return k_plot_style(a, key);
	}
}

static int k_help(app *a, int key)
{
	(void)key;
	a->mode = MODE_HELP;
	a->help_top = 0;
	return R_REDRAW;
}

static int k_message(app *a, int key)
{
	(void)key;
	if (!a->doc.status[0]) {
		app_set_status(a, false, "no message to show");
		return R_REDRAW;
	}
	a->message_info = false;
	a->mode = MODE_MESSAGE;
	return R_REDRAW;
}

static int k_info(app *a, int key)
{
	(void)key;
	a->message_info = true;
	a->mode = MODE_MESSAGE;
	return R_REDRAW;
}

static int k_info_scroll(app *a, int key)
{
	if (a->info_max_top <= 0) {
		app_set_status(a, false,
		               "the lesson text shows in full already (I shows the panel)");
		return R_REDRAW;
	}
	a->info_top += key == '>' ? 1 : -1;
	if (a->info_top < 0)
		a->info_top = 0;
	if (a->info_top > a->info_max_top)
		a->info_top = a->info_max_top;
	return R_REDRAW;
}

static int k_redraw(app *a, int key)
{
	(void)key;
	(void)a;
	clearok(curscr, TRUE);
	return R_REDRAW;
}

static int lesson_confirmed(app *a, int choice)
{
	if (choice == 'y')
		picker_open_lessons(a);
	return R_REDRAW;
}

/* L opens the lesson picker, or leaves the running lesson; Esc leaves it. */
static int k_lesson(app *a, int key)
{
	if (a->lesson)
		return lesson_leave(a, false);
	if (key != 'L')
		return R_NONE; /* Esc outside a lesson: nothing to leave */
	if (app_modified(a) && !a->opt.read_only) {
		confirm_start(a, "yn", lesson_confirmed,
		              "unsaved changes will be lost: start a lesson anyway? (y/n)");
		return R_REDRAW;
	}
	picker_open_lessons(a);
	return R_REDRAW;
}

static int k_lesson_next(app *a, int key)
{
	(void)key;
	return lesson_next(a);
}

/* ---- the table ---------------------------------------------------------------------- */

#define F(k) KEY_FN(k)

static const key_binding bindings[] = {
        {
                .keys = {{F(KEY_UP), "up"}, {'k', "up"}},
                .label = "↑ k",
                .ascii = "Up k",
                .section = "Move",
                .help = "move up",
                .views = V_ALL | V_CLASS,
                .fn = k_up,
        },
        {
                .keys = {{F(KEY_DOWN), "down"}, {'j', "down"}},
                .label = "↓ j",
                .ascii = "Down j",
                .section = "Move",
                .help = "move down",
                .views = V_ALL | V_CLASS,
                .fn = k_down,
        },
        {
                .keys = {{F(KEY_LEFT), "left"}, {'h', "left"}},
                .label = "← h",
                .ascii = "Left h",
                .section = "Move",
                .help = "move left",
                .views = V_ALL,
                .fn = k_left,
        },
        {
                .keys = {{F(KEY_RIGHT), "right"}, {'l', "right"}},
                .label = "→ l",
                .ascii = "Right l",
                .section = "Move",
                .help = "move right",
                .views = V_ALL,
                .fn = k_right,
        },
        {
                .keys = {{'\t', "next_group"}, {F(KEY_BTAB), "prev_group"}},
                .label = "Tab S-Tab",
                .section = "Move",
                .help = "next / previous group",
                .views = V_ALL,
                .fn = k_next_group,
        },
        {
                .keys = {{F(KEY_HOME), "home"}, {F(KEY_END), "end"}},
                .label = "Home End",
                .section = "Move",
                .help = "first / last response",
                .views = V_MAIN,
                .fn = k_home_end,
        },
        {
                .keys = {{'g', "top"}, {'G', "bottom"}},
                .label = "g G",
                .section = "Move",
                .help = "first / last row",
                .doc = "The first row (the reference q) or the last (the last group's report); in "
                       "the plot view the first or last group.",
                .views = V_ALL,
                .fn = k_first_last,
        },
        {
                .keys = {{F(KEY_PPAGE), "page_up"}, {F(KEY_NPAGE), "page_down"}},
                .label = "PgUp PgDn",
                .section = "Move",
                .help = "a page up / down",
                .doc = "A screenful of grid rows up or down (the mouse wheel scrolls too). Panels "
                       "that do not show all their rows say which they show: `rows 5–12 of 65`, "
                       "`resp. 1–6 of 512`, `5–12 of 32`.",
                .views = V_ALL,
                .fn = k_page,
        },
        {
                .keys = {{'/', "search"}, {'N', "search_prev"}},
                .label = "/ N",
                .section = "Move",
                .help = "find a group / response",
                .doc = "Find a group or response by (part of) its name, ignoring case; the cursor "
                       "moves to the next match after it. The prompt keeps the last search, so `/` "
                       "and Enter go to the next match; N goes to the previous one (n is the "
                       "normalization).",
                .views = V_MAIN,
                .fn = k_search,
        },
        {
                .keys = {{'\r', "edit"}, {'\n', "edit"}, {F(KEY_ENTER), "edit"}, {'.', "edit"}},
                .label = "Enter 0-9",
                .section = "Edit",
                .help = "type a new value",
                .doc = "Type a new value for the cell: the entry starts empty (the prompt "
                       "shows the current value), what you type replaces the value and Enter "
                       "alone cancels; a digit starts the number; 1/3 is accepted; numbers are "
                       "spelled as in scenario files (no hex, inf or nan). The other entries of "
                       "the row are rescaled so that it stays "
                       "normalized, and the cells that changed are highlighted. Editing the truth "
                       "of a truthful group moves its report along.",
                .hint = "edit",
                .prio = 1,
                .views = V_MAIN | V_PLOT,
                .fn = k_edit,
        },
        {
                .keys = {{'+', "inc"}, {'=', "inc"}, {'-', "dec"}, {'_', "dec"}},
                .label = "+ -",
                .section = "Edit",
                .help = "nudge by the step",
                .doc = "Nudge the cell up or down by the step (sizes by 10 steps), renormalizing "
                       "the row.",
                .hint = "nudge",
                .prio = 2,
                .views = V_MAIN,
                .fn = k_nudge,
        },
        {
                .keys = {{'s', "step"}},
                .label = "s",
                .section = "Edit",
                .help = "change the step",
                .doc = "Cycle the step: 0.001, 0.01, 0.05, 0.1.",
                .views = V_MAIN,
                .fn = k_step,
        },
        {
                .keys = {{'a', "add_group"}},
                .label = "a",
                .section = "Edit",
                .help = "add a group",
                .views = V_MAIN,
                .fn = k_add_group,
        },
        {
                .keys = {{'x', "remove_group"}},
                .label = "x",
                .section = "Edit",
                .help = "remove the group",
                .doc = "Remove the group under the cursor (on its truth or report row; the "
                       "status line says u undoes it).",
                .views = V_MAIN,
                .fn = k_remove_group,
        },
        {
                .keys = {{'A', "add_response"}, {'X', "remove_response"}},
                .label = "A X",
                .section = "Edit",
                .help = "add / remove a response",
                .doc = "Add a response (reward 0 for everybody), or remove the one under the "
                       "cursor.",
                .views = V_MAIN,
                .fn = k_response,
        },
        {
                .keys = {{'r', "rename"}},
                .label = "r",
                .section = "Edit",
                .help = "rename group (scenario)",
                .doc = "Rename the group under the cursor (on the reference row: the scenario).",
                .views = V_MAIN,
                .fn = k_rename,
        },
        {
                .keys = {{'R', "rename_response"}},
                .label = "R",
                .section = "Edit",
                .help = "rename the response",
                .views = V_MAIN,
                .fn = k_rename,
        },
        {
                .keys = {{'[', "lambda_down"}, {']', "lambda_up"}},
                .label = "[ ]",
                .section = "Rules",
                .help = "lambda / 1.1, x 1.1 (fine)",
                .doc = "Divide or multiply the regularization strength lambda by 1.1.",
                .hint = "lambda",
                .prio = 5,
                .views = V_ALL,
                .fn = k_lambda,
        },
        {
                .keys = {{'{', "lambda_halve"}, {'}', "lambda_double"}},
                .label = "{ }",
                .section = "Rules",
                .help = "lambda / 2, x 2 (coarse)",
                .views = V_ALL,
                .fn = k_lambda,
        },
        {
                .keys = {{'d', "divergence"}},
                .label = "d",
                .section = "Rules",
                .help = "cycle the divergence",
                .doc = "Cycle ",
                .list = DOC_LIST_DIVERGENCES,
                .views = V_ALL,
                .fn = k_divergence,
        },
        {
                .keys = {{'p', "payment"}, {'P', "payment_back"}},
                .label = "p P",
                .section = "Rules",
                .help = "next / previous payment rule",
                .doc = "Cycle the payment rule forwards (p) or backwards (P): ",
                .list = DOC_LIST_PAYMENTS,
                .hint = "payment",
                .prio = 4,
                .views = V_ALL,
                .fn = k_payment,
        },
        {
                .keys = {{'n', "normalization"}},
                .label = "n",
                .section = "Rules",
                .help = "cycle the normalization",
                .doc = "Switch between sum and max normalization; every reward row is rescaled.",
                .views = V_ALL,
                .fn = k_normalization,
        },
        {
                .keys = {{'b', "lie"}},
                .label = "b",
                .section = "Strategy",
                .help = "lie: no-payment best reply",
                .doc = "Lie: the group under the cursor reports its best response as if there were "
                       "no payment (the instructive lie of Theorem 4.2). Without payment it gains; "
                       "under vcg the outcome table then shows that the same lie no longer pays.",
                .hint = "lie",
                .prio = 3,
                .views = V_ALL,
                .fn = k_lie,
        },
        {
                .keys = {{'B', "best_reply"}},
                .label = "B",
                .section = "Strategy",
                .help = "best reply under the rule",
                .doc = "The group reports its best response under the active payment rule (under "
                       "vcg that is the truth, up to solver tolerance).",
                .views = V_ALL,
                .fn = k_lie,
        },
        {
                .keys = {{'t', "truth"}, {'T', "all_truth"}},
                .label = "t T",
                .section = "Strategy",
                .help = "truth: the group / all",
                .doc = "The group under the cursor tells the truth (t); every group does (T).",
                .hint = "truth",
                .prio = 3,
                .views = V_ALL,
                .fn = k_truth,
        },
        {
                .keys = {{'i', "iterate"}},
                .label = "i",
                .section = "Strategy",
                .help = "iterated best responses",
                .doc = "Groups take turns playing their best response under the active rule until "
                       "nobody gains; the final reports are applied.",
                .views = V_ALL,
                .fn = k_iterate,
        },
        {
                .keys = {{'C', "coalition_partner"}, {'J', "joint_lie"}},
                .label = "C J",
                .section = "Strategy",
                .help = "coalition: partner / play",
                .doc = "The coalition lines under the outcome table show what the selected group "
                       "and a partner gain by lying together, without payment and under the "
                       "active rule (the numbers of `mechtune analyze --coalition A,B`), and the "
                       "members' utilities truthful and under the joint lie. C picks the next "
                       "partner (the most profitable one comes first); J makes both members "
                       "report the joint lie under the active rule, as one edit (u undoes both). "
                       "Up to 8 groups every pair is computed after the analysis; above 8 only "
                       "the pair picked with C, on demand.",
                .views = V_MAIN,
                .fn = k_coalition,
        },
        {
                .keys = {{'M', "misreport"}},
                .label = "M",
                .section = "Strategy",
                .help = "exact lie: eps, alpha, beta",
                .doc = "Apply one of the paper's exact misreports to the selected group, typed "
                       "on the status line: 'eps 0.05' polarizes by that step (Theorem 4.2; "
                       "clamped to the largest feasible one), 'alpha 2' reports twice the size "
                       "(size only), 'beta 0.5' mixes the true rewards with the others' mean, "
                       "'rewards' plays the best rewards-only lie without payment (size kept "
                       "true).  Undoable with u; an empty entry cancels.",
                .views = V_ALL,
                .fn = k_misreport,
        },
        {
                .keys = {{'u', "undo"}},
                .label = "u",
                .section = "History, files",
                .help = "undo",
                .doc = "Undo (every step; at most 64 MiB of history, the oldest steps go first).",
                .hint = "undo",
                .prio = 6,
                .views = V_ALL,
                .fn = k_undo,
        },
        {
                .keys = {{CTRL_KEY('r'), "redo"}, {'U', "redo"}},
                .label = "^R U",
                .section = "History, files",
                .help = "redo",
                .views = V_ALL,
                .fn = k_redo,
        },
        {
                .keys = {{'o', "open"}},
                .label = "o",
                .section = "History, files",
                .help = "open a scenario",
                .doc = "Open a scenario: a picker over the installed scenarios, the source tree's "
                       "scenarios/ and the current directory, or type a path.",
                .views = V_ALL,
                .fn = k_open,
        },
        {
                .keys = {{'w', "save"}, {'W', "save_as"}},
                .label = "w W",
                .section = "History, files",
                .help = "save / save as",
                .doc = "Save to the scenario's file (asks for a name the first time); W saves as.",
                .hint = "save",
                .prio = 8,
                .views = V_ALL,
                .fn = k_save,
        },
        {
                .keys = {{'v', "plot"}, {'e', "explain"}},
                .label = "v e",
                .section = "View",
                .help = "plot / explain view",
                .doc = "v toggles the plot view: utility, valuation and payment of the selected "
                       "group along alpha, beta, epsilon and lambda.  e toggles the explain "
                       "view: for the selected group, every number of its outcome row with its "
                       "formula and the values that produce it (valuation ⟨p*, rm⟩, payment = "
                       "pivot − ASW₋ᵢ(p*) with both terms, utility, IR) and t(x) of Theorem "
                       "B.2 per response; ↑ ↓ Tab change the group, ← → scroll t(x).",
                .hint = "plot/explain",
                .prio = 7,
                .views = V_ALL,
                .fn = k_plot,
        },

        {
                .keys = {{'m', "plot_style"},
                         {'c', "plot_curves"},
                         {'f', "plot_panel"},
                         {'z', "plot_range"}},
                .label = "m c f z",
                .section = "View",
                .help = "plot: dots/u/curve/range",
                .doc = "Plot view: m draws with braille dots or with the letters u, v, p; c "
                       "shows utility alone on its own scale (its peak at the truth under vcg "
                       "is easy to see), or utility, w·v and payment together; f moves the "
                       "cursor to the next panel (α, β, ε, λ), ← → move it along the curve "
                       "and the status line reads out u, w·v and pay there, Enter makes the "
                       "group report that misreport (or sets λ), undoable; z sets the "
                       "panel's range (from to, e.g. '0.25 5'; empty: the default).",
                .views = V_PLOT,
                .fn = k_plot_keys,
        },
        {
                .keys = {{'!', "message"}},
                .label = "!",
                .section = "View",
                .help = "the last message in full",
                .doc = "Show the last status message in full (a long one wraps into at most "
                       "three rows above the hint line and ends with \"! shows all\"); any key "
                       "closes it.",
                .views = V_ALL,
                .fn = k_message,
        },
        {
                .keys = {{'I', "info"}},
                .label = "I",
                .section = "View",
                .help = "info panel in full",
                .doc = "Show the info panel in full: the lesson step, or the scenario's "
                       "description and things to try; any key closes it.",
                .views = V_ALL,
                .fn = k_info,
        },
        {
                .keys = {{'>', "info_down"}, {'<', "info_up"}},
                .label = "< >",
                .section = "View",
                .help = "scroll the lesson text",
                .doc = "Scroll the lesson text when it does not fit (its last row then says "
                       "\"lines A–B of N\").",
                .views = V_ALL,
                .fn = k_info_scroll,
        },
        {
                .keys = {{CTRL_KEY('l'), "redraw"}},
                .label = "^L",
                .section = "View",
                .help = "redraw the screen",
                .views = V_ALL | V_CLASS,
                .fn = k_redraw,
        },
        {
                .keys = {{'?', "help"}, {F(KEY_F(1)), "help"}},
                .label = "? F1",
                .section = "View",
                .help = "this help",
                .hint = "help",
                .views = V_ALL | V_CLASS,
                .fn = k_help,
        },
        {
                .keys = {{'q', "quit"}, {F(KEY_F(10)), "quit"}},
                .label = "q",
                .section = "View",
                .help = "quit (asks if unsaved)",
                .hint = "quit",
                .prio = 99,
                .views = V_ALL | V_CLASS,
                .fn = k_quit,
        },
        {
                .keys = {{'y', "class_panel"}, {F(KEY_F(2)), "class_panel"}},
                .label = "y F2",
                .section = "Class",
                .help = "class panel (class host)",
                .doc = "With `mechtune class host FILE`: show or hide the class panel (shown at "
                       "start): the join line, the round, every table's seats and, after a "
                       "round, the reports (lies marked LIE), each seat's utility, its "
                       "utility had it told the truth and the gain, the welfare lost to "
                       "lying, the average gain of lying under none and vcg and the "
                       "leaderboard.  The class plays the scenario as loaded at start; "
                       "editing it in the explorer does not change the class.",
                .hint = "class",
                .prio = 6,
                .views = V_ALL | V_CLASS,
                .fn = k_class,
        },
        {
                .keys = {{'N', "class_start_none"}, {'V', "class_start_vcg"}, {'S', "class_start"}},
                .label = "N V S",
                .section = "Class",
                .help = "start a round: none/vcg/ask",
                .doc = "Class panel: start a round under the payment rule none (N) or vcg (V), "
                       "or type the rule and an optional deadline in seconds (S, e.g. "
                       "'vcg 90').",
                .hint = "none, V vcg",
                .prio = 1,
                .views = V_CLASS,
                .fn = k_class,
        },
        {
                .keys = {{'c', "class_close"}},
                .label = "c",
                .section = "Class",
                .help = "close the round",
                .doc = "Class panel: close the open round now (a seat that did not submit "
                       "reports the truth); it also closes by itself once every student here "
                       "has submitted.",
                .hint = "close",
                .prio = 2,
                .views = V_CLASS,
                .fn = k_class,
        },
        {
                .keys = {{'K', "class_kick"}},
                .label = "K",
                .section = "Class",
                .help = "kick a student (name)",
                .doc = "Class panel: remove a student (type the name as the panel shows it); "
                       "the seat is free for the next to join.",
                .hint = "kick",
                .prio = 3,
                .views = V_CLASS,
                .fn = k_class,
        },
        {
                .keys = {{F(KEY_PPAGE), "class_page_up"}, {F(KEY_NPAGE), "class_page_down"}},
                .label = "PgUp PgDn",
                .section = "Class",
                .help = "scroll the panel (and up/down)",
                .views = V_CLASS,
                .fn = k_class_page,
        },
        {
                .keys = {{'L', "lessons"}, {27, "leave"}},
                .label = "L Esc",
                .section = "Lessons",
                .help = "lessons / leave the lesson",
                .doc = "L opens the lesson picker (guided lessons, as `mechtune lesson NAME`). "
                       "While a lesson runs, L or Esc leaves it (the scenario stays as it is); "
                       "outside a lesson Esc does nothing.",
                .hint = "lessons",
                .prio = 9,
                .views = V_ALL,
                .fn = k_lesson,
        },
        {
                .keys = {{' ', "next"}},
                .label = "Space",
                .section = "Lessons",
                .help = "lesson: next step",
                .doc = "Go on to the next step of a lesson, when the step says so (the other steps "
                       "move on by themselves once you have done what they ask).",
                .hint = "next",
                .views = V_ALL,
                .fn = k_lesson_next,
        },
};

#define NBINDINGS (sizeof bindings / sizeof bindings[0])

static bool binds(const key_binding *b, int key)
{
	for (size_t k = 0; k < sizeof b->keys / sizeof b->keys[0] && b->keys[k].key; k++)
		if (b->keys[k].key == key)
			return true;
	return false;
}

int keys_dispatch(app *a, int key)
{
	/* The highlight of a renormalized row lasts until the next key. */
	free(a->hl_prev);
	a->hl_prev = NULL;
	a->doc.undo_note = 0; /* so is the note that undo steps were dropped */
	if (key >= '0' && key <= '9' && a->view == VIEW_MAIN)
		return k_edit(a, key);
	/* A key may mean one thing in one view and another in another (c). */
	for (size_t k = 0; k < NBINDINGS; k++)
		if (binds(&bindings[k], key) && (bindings[k].views & (1u << a->view)))
			return bindings[k].fn(a, key);
	for (size_t k = 0; k < NBINDINGS; k++) {
		const key_binding *b = &bindings[k];
		if (binds(b, key)) {
			if (a->view == VIEW_CLASS)
				app_set_status(a, true, "%s: not in the class panel (y leaves it)",
				               b->help);
			else if (!(b->views & V_ALL))
				app_set_status(a, true, "%s: only in the class panel (y)", b->help);
			else {
				bool plot = a->view == VIEW_PLOT;
				app_set_status(a, true, "%s: not in the %s view (%c returns)",
				               b->help, plot ? "plot" : "explain",
				               plot ? 'v' : 'e');
			}
			return R_REDRAW;
		}
	}
	if (key == F(KEY_RESIZE))
		return R_REDRAW;
	app_set_status(a, true, "unknown key: press ? for the list of keys");
	return R_REDRAW;
}

static const char *label_of(const app *a, const key_binding *b)
{
	return !b->ascii || a->g->utf8 ? b->label : b->ascii;
}

/* The key as the hint line shows it: the first key of the label, both
 * keys of a pair ("+-", "[]"), Enter as an arrow. */
static void hint_key(const app *a, const key_binding *b, char *buf, size_t len)
{
	const char *label = label_of(a, b);
	if (!strncmp(label, "Enter", 5)) {
		snprintf(buf, len, "%s", a->g->utf8 ? "↵" : "Enter");
		return;
	}
	size_t k = 0;
	bool pair = strlen(label) == 3 && label[1] == ' ';
	for (const char *s = label; *s && k + 1 < len; s++) {
		if (*s == ' ') {
			if (!pair)
				break;
			continue;
		}
		buf[k++] = *s;
	}
	buf[k] = 0;
}

/* ---- hint line --------------------------------------------------------------------- */

void keys_draw_hints(app *a, int y, int width)
{
	move(y, 0);
	clrtoeol();
	const key_binding *order[NBINDINGS];
	size_t n = 0;
	for (size_t k = 0; k < NBINDINGS; k++) {
		const key_binding *b = &bindings[k];
		if (!b->hint || !(b->views & (1u << a->view)))
			continue;
		if (b->fn == k_lesson_next && !lesson_waiting(a))
			continue; /* Space only when a lesson step waits for it */
		if (b->fn == k_class && !a->host)
			continue; /* the class keys only when hosting a class */
		order[n++] = b;
	}
	/* stable sort by priority */
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && order[j]->prio < order[j - 1]->prio; j--) {
			const key_binding *t = order[j];
			order[j] = order[j - 1];
			order[j - 1] = t;
		}
	int x = 0;
	for (size_t k = 0; k < n; k++) {
		char key[32];
		hint_key(a, order[k], key, sizeof key);
		const char *word = order[k]->hint;
		if (order[k]->fn == k_lesson && a->lesson)
			word = "leave lesson";
		if (order[k]->fn == k_edit && a->view == VIEW_PLOT)
			word = "apply"; /* Enter: the report at the plot's cursor */
		int need = text_width(key) + 1 + text_width(word) + 2;
		bool is_quit = order[k]->fn == k_quit;
		if (!is_quit && x + need > width - 8) /* keep room for "q quit" */
			continue;
		if (x + need > width)
			break;
		int x0 = x;
		x += put(y, x, width - x, a->attr[C_KEY], false, key);
		x += put(y, x, width - x, a->attr[C_NORMAL], false, " ");
		x += put(y, x, width - x, a->attr[C_DIM], false, word);
		add_hit(a, y, x0, x - x0, HIT_KEY, 0,
		        order[k]->keys[0].key); /* a click presses it */
		x += put(y, x, width - x, a->attr[C_NORMAL], false, "  ");
	}
}

/* ---- help screen --------------------------------------------------------------------- */

typedef struct {
	const char *section; /* heading, or NULL for an entry */
	const key_binding *b;
} help_line;

/* The Class section only while hosting a class (the explorer's own help
 * fits 80x24 without it). */
static size_t help_lines(const app *a, help_line *out)
{
	size_t n = 0;
	const char *last = NULL;
	for (size_t k = 0; k < NBINDINGS; k++) {
		if (!a->host && !strcmp(bindings[k].section, "Class"))
			continue;
		if (!last || strcmp(last, bindings[k].section)) {
			last = bindings[k].section;
			out[n++] = (help_line){last, NULL};
		}
		out[n++] = (help_line){NULL, &bindings[k]};
	}
	return n;
}

void keys_draw_help(app *a)
{
	help_line lines[2 * NBINDINGS];
	size_t n = help_lines(a, lines);
	int top = 1, height = LINES - 3;
	int ncols = COLS >= 76 ? 2 : 1;
	int colw = COLS / ncols;
	int per_col = height;
	int total_rows = (int)((n + (size_t)ncols - 1) / (size_t)ncols);
	if (total_rows < per_col)
		per_col = total_rows;
	/* Columns split at a section boundary when possible. */
	for (int y = top; y < top + height; y++) {
		move(y, 0);
		clrtoeol();
	}
	int max_top = (int)n - per_col * ncols;
	if (max_top < 0)
		max_top = 0;
	a->help_max_top = max_top;
	if (a->help_top > max_top)
		a->help_top = max_top;
	size_t idx = (size_t)a->help_top;
	for (int c = 0; c < ncols; c++) {
		for (int r = 0; r < per_col && idx < n; r++, idx++) {
			int y = top + r, x = c * colw;
			/* avoid a heading as the last line of a column */
			if (lines[idx].section && r == per_col - 1 && c + 1 < ncols)
				break;
			if (lines[idx].section) {
				put(y, x + 1, colw - 1, a->attr[C_TITLE], false,
				    lines[idx].section);
				continue;
			}
			const key_binding *b = lines[idx].b;
			put(y, x + 2, 9, a->attr[C_KEY], true, label_of(a, b));
			put(y, x + 12, colw - 12, a->attr[C_NORMAL], false, b->help);
		}
	}
	/* The text says what the keys do: they scroll only when there is
	 * something to scroll to (keys_help_key). */
	if (max_top > 0)
		putf(LINES - 2, 0, COLS, a->attr[C_DIM],
		     COLS >= 100  ? " mechtune explorer keys %d%s%zu of %zu: j/k, arrows, Space, "
		                    "PgUp/PgDn, Home/End scroll; any other key closes"
		     : COLS >= 76 ? " mechtune explorer keys %d%s%zu of %zu: j/k PgUp/PgDn scroll, "
		                    "any other "
		                    "key closes"
		                  : " %d%s%zu of %zu: j/k PgUp/PgDn scroll, any other key closes",
		     a->help_top + 1, a->g->utf8 ? "–" : "-", idx, n);
	else
		putf(LINES - 2, 0, COLS, a->attr[C_DIM],
		     " mechtune explorer keys: any key closes the help (docs/explorer.md has "
		     "more)");
}

/* Keys arrive as curses gives them (a function key's code, or a character).
 * When the help all fits, every key closes it, as its last line says;
 * otherwise the scrolling keys scroll and any other key closes it. */
int keys_help_key(app *a, int key)
{
	int page = LINES / 2 > 1 ? LINES / 2 : 1;
	int to = a->help_top;
	switch (key) {
	case KEY_DOWN:
	case 'j': to += 1; break;
	case KEY_NPAGE:
	case ' ': to += page; break;
	case KEY_UP:
	case 'k': to -= 1; break;
	case KEY_PPAGE: to -= page; break;
	case KEY_HOME: to = 0; break;
	case KEY_END: to = a->help_max_top; break;
	default: a->mode = MODE_NORMAL; return R_REDRAW;
	}
	if (a->help_max_top <= 0) { /* nothing to scroll: the key closes */
		a->mode = MODE_NORMAL;
		return R_REDRAW;
	}
	a->help_top = to < 0 ? 0 : to > a->help_max_top ? a->help_max_top : to;
	return R_REDRAW;
}

/* ---- actions by name (lesson texts) ------------------------------------------------ */

/* The name of one key as the screen shows it. */
static void key_display(const app *a, int key, char *buf, size_t len)
{
	bool u = a->g->utf8;
	switch (key) {
	case F(KEY_UP): snprintf(buf, len, "%s", u ? "↑" : "Up"); return;
	case F(KEY_DOWN): snprintf(buf, len, "%s", u ? "↓" : "Down"); return;
	case F(KEY_LEFT): snprintf(buf, len, "%s", u ? "←" : "Left"); return;
	case F(KEY_RIGHT): snprintf(buf, len, "%s", u ? "→" : "Right"); return;
	case F(KEY_BTAB): snprintf(buf, len, "S-Tab"); return;
	case F(KEY_ENTER):
	case '\r':
	case '\n': snprintf(buf, len, "Enter"); return;
	case '\t': snprintf(buf, len, "Tab"); return;
	case ' ': snprintf(buf, len, "Space"); return;
	case 27: snprintf(buf, len, "Esc"); return;
	default: break;
	}
	if (key >= F(KEY_F(1)) && key <= F(KEY_F(12)))
		snprintf(buf, len, "F%d", key - F(KEY_F(0)));
	else if (key > 0 && key < 32)
		snprintf(buf, len, "Ctrl-%c", (char)(key + 'A' - 1));
	else if (key > 32 && key < 127)
		snprintf(buf, len, "%c", (char)key);
	else
		snprintf(buf, len, "?");
}

bool keys_action_key(const app *a, const char *action, char *buf, size_t len)
{
	for (size_t k = 0; k < NBINDINGS; k++) {
		const key_action *ka = bindings[k].keys;
		for (size_t j = 0; j < sizeof bindings[k].keys / sizeof *ka && ka[j].key; j++)
			if (ka[j].action && !strcmp(ka[j].action, action)) {
				key_display(a, ka[j].key, buf, len);
				return true;
			}
	}
	return false;
}

/* ASCII stand-ins for the few non-ASCII characters lesson texts use. */
static const char *const ascii_subst[][2] = {
        {"Δ", "d"},  {"·", "*"},  {"ε", "eps"}, {"λ", "lambda"}, {"≤", "<="},   {"≥", ">="},
        {"✓", "ok"}, {"✗", "NO"}, {"◆", "*"},   {"—", "-"},      {"∅", "none"}, {"Σ", "sum "},
};

bool keys_expand(const app *a, const char *text, char *out, size_t len, char *bad, size_t badlen)
{
	bool ok = true;
	size_t k = 0;
	if (bad && badlen)
		bad[0] = 0;
	while (*text && k + 1 < len) {
		if (*text == '{') {
			const char *close = strchr(text, '}');
			char name[64], key[32];
			size_t n = close ? (size_t)(close - text - 1) : 0;
			if (close && n < sizeof name) {
				memcpy(name, text + 1, n);
				name[n] = 0;
				if (keys_action_key(a, name, key, sizeof key)) {
					k += (size_t)snprintf(out + k, len - k, "%s", key);
					if (k >= len)
						k = len - 1;
					text = close + 1;
					continue;
				}
				if (ok && bad)
					snprintf(bad, badlen, "%s", name);
			}
			ok = false;
		}
		if (!a->g->utf8 && (unsigned char)*text >= 0x80) {
			bool done = false;
			for (size_t s = 0; s < sizeof ascii_subst / sizeof ascii_subst[0]; s++) {
				size_t sl = strlen(ascii_subst[s][0]);
				if (!strncmp(text, ascii_subst[s][0], sl)) {
					k += (size_t)snprintf(out + k, len - k, "%s",
					                      ascii_subst[s][1]);
					if (k >= len)
						k = len - 1;
					text += sl;
					done = true;
					break;
				}
			}
			if (done)
				continue;
		}
		out[k++] = *text++;
	}
	out[k] = 0;
	return ok;
}

/* ---- documentation ---------------------------------------------------------------------- */

/* The names of a descriptor table, "kl, chi2, ... tv." (none: nothing). */
static void doc_list_write(FILE *f, doc_list list)
{
	if (list == DOC_LIST_DIVERGENCES)
		for (size_t i = 0; mt_divergences[i]; i++)
			fprintf(f, "%s%s", i ? ", " : "", mt_divergences[i]->name);
	else if (list == DOC_LIST_PAYMENTS)
		for (size_t i = 0; mt_payment_rules[i]; i++)
			fprintf(f, "%s%s", i ? ", " : "", mt_payment_rules[i]->name);
	if (list != DOC_LIST_NONE)
		fputc('.', f);
}

int tui_keys_check(FILE *f)
{
	int bad = 0;
	for (size_t k = 0; k < NBINDINGS; k++)
		for (size_t j = 0; j < sizeof bindings[k].keys / sizeof bindings[k].keys[0] &&
		                   bindings[k].keys[j].key;
		     j++) {
			int key = bindings[k].keys[j].key;
			if (key >= '0' && key <= '9') {
				fprintf(f,
				        "key %d of '%s' is a digit, which starts a number entry\n",
				        key, bindings[k].label);
				bad++;
			}
			/* keys_dispatch takes the first binding of the key in the
			 * current view: two in views apart (c in the plot and in the
			 * class panel) are fine, two in one view lose one */
			for (size_t l = 0; l < k; l++)
				if (binds(&bindings[l], key) &&
				    (bindings[l].views & bindings[k].views)) {
					fprintf(f,
					        "key %d is bound by '%s' and by '%s' in one view "
					        "(the "
					        "second never acts there)\n",
					        key, bindings[l].label, bindings[k].label);
					bad++;
				}
		}
	return bad;
}

void tui_keys_markdown(FILE *f)
{
	const char *last = NULL;
	for (size_t k = 0; k < NBINDINGS; k++) {
		const key_binding *b = &bindings[k];
		if (!last || strcmp(last, b->section)) {
			fprintf(f, "%s### %s\n\n| key | action |\n|---|---|\n", last ? "\n" : "",
			        b->section);
			last = b->section;
		}
		if (b->doc) {
			fprintf(f, "| `%s` | %s", b->label, b->doc);
			doc_list_write(f, b->list);
			fprintf(f, " |\n");
		} else /* the short help as a sentence */
			fprintf(f, "| `%s` | %c%s. |\n", b->label,
			        b->help[0] >= 'a' && b->help[0] <= 'z' ? b->help[0] - 'a' + 'A'
			                                               : b->help[0],
			        b->help + 1);
	}
}
