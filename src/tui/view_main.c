/* Drawing: colors, the header, the preferences grid, the policy bars, the
 * outcome table, the info panel, the status and hint lines.  Everything is
 * redrawn from the model on each frame; ncurses sends only the difference. */
#include "app.h"

#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mechtune/analysis.h"
#include "mechtune/noise.h"
#include "mechtune/payment.h"
#include "mechtune/strbuf.h"

/* ---- text helpers ------------------------------------------------------------ */

int put_name(const app *a, int y, int x, int w, attr_t at, const char *s)
{
	char buf[1024];
	return put(y, x, w, at, false, clip_text(s, w, a->g->ellipsis, buf, sizeof buf));
}

/* v in at most `width` characters: `decimals` places when they fit and do
 * not round a non-zero v to 0, otherwise as many significant digits as fit
 * (1e+06 rather than a cut-off 100000, 1e-06 rather than 0.00).  For what
 * the user entered and for probabilities, which are never noise: a tiny
 * positive probability is shown as such. */
static const char *fmt_fit(char *buf, size_t len, double v, int width, int decimals)
{
	if (!isfinite(v) || len < 2)
		return doc_fmt_num(buf, len, v);
	/* Small values get two significant digits when they fit, so that
	 * 0.0018 and 0.0021 do not both read 0.002. */
	if (v != 0.0 && fabs(v) < 0.01) {
		int sig = (int)ceil(-log10(fabs(v))) + 1;
		if (sig > decimals)
			decimals = sig;
	}
	for (int d = decimals; d >= 0; d--) {
		int n = snprintf(buf, len, "%.*f", d, v);
		if (n > width)
			continue;
		if (v == 0.0 || strtod(buf, NULL) != 0.0)
			return buf;
		break; /* rounds to 0: fewer places would not help */
	}
	for (int p = width; p > 1; p--)
		if (snprintf(buf, len, "%.*g", p, v) <= width)
			return buf;
	snprintf(buf, len, "%.0e", v);
	return buf;
}

/* A gain is a difference of two utilities: below this fraction of them it
 * is floating-point noise (-9e-16), shown as 0. */
#define GAIN_NOISE 1e-12

void add_hit(app *a, int y, int x, int w, hit_kind k, int row, int col)
{
	if (a->nhits < sizeof a->hits / sizeof a->hits[0])
		a->hits[a->nhits++] = (hit_box){y, x, w, k, row, col};
}

/* ---- header ------------------------------------------------------------------------ */

static double total_seconds(const app *a)
{
	double s = 0.0;
	for (int k = 0; k < MT_STAGE_COUNT; k++) {
		const mt_stage_result *r = app_result(a, (mt_stage)k);
		if (r)
			s += r->seconds;
	}
	return s;
}

/* What runs, for the header: "best responses 12/32 3.4 s" (the count when
 * the stage counts its steps, the time since the edit was submitted). */
static void running(const app *a, mt_stage s, const char *what, char *buf, size_t len)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	double el = (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9 - a->submitted_at;
	mt_worker_progress_info pi;
	char count[64] = "";
	if (a->worker && mt_worker_progress(a->worker, &pi) && pi.generation == a->gen &&
	    pi.stage == s && pi.total[s] > 0)
		snprintf(count, sizeof count, " %zu/%zu", pi.done[s], pi.total[s]);
	if (el >= 0.5)
		snprintf(buf, len, "%s%s %.1f s", what, count, el);
	else
		snprintf(buf, len, "%s%s%s", what, count, a->g->ellipsis);
}

/* The solver state: "computing…", "up to date (3 ms)" or the error. */
static void solver_state(const app *a, char *buf, size_t len, bool *error)
{
	*error = false;
	const mt_stage_result *solve = app_result(a, MT_STAGE_SOLVE);
	const mt_stage_result *an = app_result(a, MT_STAGE_ANALYSIS);
	const mt_stage_result *sw = app_result(a, MT_STAGE_SWEEPS);
	const mt_stage_result *nz = app_result(a, MT_STAGE_NOISE);
	bool want_noise = a->needs.noise && a->doc.sc->noise.epsilon > 0.0;
	for (int k = 0; k < MT_STAGE_COUNT; k++) {
		const mt_stage_result *r = app_result(a, (mt_stage)k);
		if (k == MT_STAGE_NOISE || k == MT_STAGE_COALITION) /* their lines say why */
			continue;
		if (r && r->status != MT_OK) {
			*error = true;
			const char *msg = r->err.msg[0] ? r->err.msg : mt_status_str(r->status);
			/* cut to fit by hand: snprintf's %s trips gcc's truncation check */
			snprintf(buf, len, "solver: ");
			size_t used = strlen(buf), n = strlen(msg);
			if (n > len - used - 1)
				n = len - used - 1;
			memcpy(buf + used, msg, n);
			buf[used + n] = '\0';
			return;
		}
	}
	if (!solve)
		running(a, MT_STAGE_SOLVE, "computing", buf, len);
	else if (a->needs.analysis && !an)
		running(a, MT_STAGE_ANALYSIS, "best responses", buf, len);
	else if (want_noise && !nz && an->status == MT_OK)
		running(a, MT_STAGE_NOISE, "noisy input", buf, len);
	else if (coalition_pending(a))
		running(a, MT_STAGE_COALITION, "coalitions", buf, len);
	else if (a->needs.sweeps && !sw)
		running(a, MT_STAGE_SWEEPS, "sweeps", buf, len);
	else {
		double s = total_seconds(a);
		if (s < 1.0)
			snprintf(buf, len, "up to date %.0f ms", s * 1000.0);
		else
			snprintf(buf, len, "up to date %.1f s", s);
	}
}

static void draw_header(app *a)
{
	const mt_scenario *sc = a->doc.sc;
	char right[256], state[200], lam[32];
	bool err;
	solver_state(a, state, sizeof state, &err);
	snprintf(lam, sizeof lam, "%.4g", sc->lambda);
	snprintf(right, sizeof right, " %s %s=%s %s pay:%s ", sc->divergence->name, a->g->lambda,
	         lam, mt_norm_name(sc->normalization), sc->payment->name);
	move(0, 0);
	attrset((int)(a->attr[C_HEADER]));
	for (int x = 0; x < COLS; x++)
		addch(' ');
	attrset((int)(A_NORMAL));
	int sw = text_width(state) + 2;
	int rw = text_width(right);
	char lesson_file[96], marks[64];
	const char *file = a->doc.path ? a->doc.path : "(embedded default)";
	if (!a->doc.path && a->lesson) {
		snprintf(lesson_file, sizeof lesson_file, "lesson %s", a->lesson->name);
		file = lesson_file;
	}
	const char *base = strrchr(file, '/');
	base = base ? base + 1 : file;
	/* The marks right after the name; when space is short the file goes
	 * first, then the name is clipped, the marks stay. */
	snprintf(marks, sizeof marks, "%s%s", app_modified(a) ? " [+]" : "",
	         a->opt.read_only ? " [read-only]" : "");
	int lw = COLS - rw - sw;
	int mw = text_width(marks), nw = text_width(sc->name) + 1;
	int fw = text_width(base) + 3 + text_width(a->g->sep);
	attr_t hat = a->attr[C_HEADER] | A_BOLD;
	int x = 0;
	if (nw + mw + fw <= lw) {
		x += putf(0, x, lw - x, hat, " %s", sc->name);
		x += put(0, x, lw - x, hat, false, marks);
		putf(0, x, lw - x, hat, " %s %s", a->g->sep, base);
	} else {
		int room = lw - mw - 1;
		x += put(0, x, room, hat, false, " ");
		x += put_name(a, 0, x, room - 1, hat, sc->name);
		put(0, x, lw - x, hat, false, marks);
	}
	put(0, COLS - rw - sw, rw, a->attr[C_HEADER], false, right);
	put(0, COLS - sw, sw, err ? a->attr[C_HEADER] | A_BOLD : a->attr[C_HEADER], false, " ");
	put(0, COLS - sw + 1, sw - 1, a->attr[C_HEADER] | (err ? A_BOLD : 0), false, state);
}

/* ---- layout -------------------------------------------------------------------------- */

typedef struct {
	int grid_top, grid_rows; /* visible body rows of the grid (reference + 2 per group) */
	int pol_top, pol_rows;   /* visible responses */
	int pol_h;               /* screen rows per response (2: presenter's tall bars) */
	int out_top, out_rows;   /* visible groups */
	int detail_y;            /* -1: none */
	int coal_y, coal_rows;   /* the coalition lines (view_coalition.c), 0 rows: none */
	int noise_y, noise_rows; /* the noisy-input section, noise_rows 0: none */
	int info_top, info_rows; /* the panel at the bottom (description or lesson) */
} layout;

static bool presenter(const app *a)
{
	return a->opt.presenter;
}

static int noise_lines(const app *a, int width);

/* The lesson panel needs its title and a few lines of text. */
#define LESSON_MIN_ROWS 4

static void compute_layout(const app *a, layout *L)
{
	int n = (int)a->doc.sc->n, m = (int)a->doc.sc->m;
	int avail = LINES - 3; /* header, status, hints */
	int g = doc_rows(a->doc.sc), p = m, o = n;
	int noise = a->doc.sc->noise.epsilon > 0.0 ? noise_lines(a, COLS) : 0;
	int fixed = 1 + 1 + 2 + noise; /* titles of grid, policy, outcome; totals */
	/* The detail line gives way to the noise section and, in class, to air. */
	bool detail = !noise && !presenter(a);
	int keep = a->lesson ? LESSON_MIN_ROWS : 0; /* rows the info panel keeps */
	if (fixed + g + p + o + 1 + keep > avail)
		detail = false;
	while (fixed + g + p + o + keep > avail) {
		if (g >= p && g >= o && g > 3)
			g--;
		else if (p >= o && p > 1)
			p--;
		else if (o > 1)
			o--;
		else if (g > 1)
			g--;
		else if (keep > 0)
			keep--;
		else
			break;
	}
	int spare = avail - (fixed + g + p + o + (detail ? 1 : 0));
	/* The coalition lines come before tall bars and air. */
	int coal = coalition_rows(a);
	if (coal > spare - keep)
		coal = spare - keep > 0 ? spare - keep : 0;
	spare -= coal;
	/* Presenter: tall bars when the whole policy shows and room is left for
	 * the info panel. */
	int ph = 1;
	if (presenter(a) && p == m && spare - p >= 8 + keep) {
		ph = 2;
		spare -= p;
	}
	/* Air between the panels on big terminals. */
	int gap = spare - 1 >= (presenter(a) ? 6 : 12) ? 1 : 0;
	if (presenter(a) && spare - 1 - keep >= 10)
		gap = 2;
	int y = 1;
	L->grid_top = y + 1;
	L->grid_rows = g;
	y += 1 + g + gap;
	L->pol_top = y + 1;
	L->pol_rows = p;
	L->pol_h = ph;
	y += 1 + p * ph + gap;
	L->out_top = y + 1;
	L->out_rows = o;
	y += 1 + o + 1;
	L->detail_y = detail ? y : -1;
	y += detail ? 1 : 0;
	L->coal_y = y;
	L->coal_rows = coal;
	y += coal;
	L->noise_y = noise ? y + gap : -1;
	L->noise_rows = noise;
	y += noise ? noise + gap : 0;
	L->info_top = y + (noise ? 0 : gap);
	L->info_rows = LINES - 2 - L->info_top; /* up to the status row, never on it */
}

/* First index of a window of `rows` over `total` items that shows `want`. */
static int scroll_to(int top, int rows, int total, int want)
{
	if (want < top)
		top = want;
	if (want >= top + rows)
		top = want - rows + 1;
	if (top > total - rows)
		top = total - rows;
	return top < 0 ? 0 : top;
}

/* "5–12 of 40": what a panel that does not show all its rows shows; empty
 * when it shows them all. */
static const char *range_text(const app *a, char *buf, size_t len, int first, int shown, int total)
{
	if (shown >= total || total <= 0) {
		buf[0] = 0;
		return buf;
	}
	if (first + shown > total)
		shown = total - first;
	snprintf(buf, len, "%d%s%d of %d", first + 1, a->g->utf8 ? "–" : "-", first + shown, total);
	return buf;
}

/* ---- preferences grid ------------------------------------------------------------------- */

#define NAME_W 14

static int cell_w(const app *a)
{
	return a->opt.presenter ? (COLS >= 110 ? 12 : 10) : 8;
}

/* What the grid shows when it does not show everything: "rows 5–12 of 65
 * resp. 1–6 of 512" at the right of the title row y; when that does not
 * fit, the compact rows ("rows 5–12/65") or else responses ("506–512/512")
 * range, at the right or, failing that, instead of the title (drawn here).
 * note gets the full text; returns whether it fits at the right. */
static bool grid_ranges(app *a, const layout *L, int y, int vis, char *note, size_t len)
{
	const mt_scenario *sc = a->doc.sc;
	int m = (int)sc->m, cw = cell_w(a);
	char rr[48], cr[48];
	range_text(a, rr, sizeof rr, a->grid_top, L->grid_rows, doc_rows(sc));
	range_text(a, cr, sizeof cr, a->grid_left, vis, m);
	snprintf(note, len, "%s%s%s%s%s", *rr ? "rows " : "", rr, *rr && *cr ? "  " : "",
	         *cr ? "resp. " : "", cr);
	int right_x = NAME_W + (vis + 1) * cw;
	bool note_right = *note && right_x + 2 + text_width(note) < COLS;
	if (*note && !note_right) {
		char compact[48];
		const char *dash = a->g->utf8 ? "–" : "-";
		if (*rr) {
			int last = a->grid_top + L->grid_rows;
			snprintf(compact, sizeof compact, "rows %d%s%d/%d", a->grid_top + 1, dash,
			         last < doc_rows(sc) ? last : doc_rows(sc), doc_rows(sc));
		} else {
			int last = a->grid_left + vis;
			snprintf(compact, sizeof compact, "%d%s%d/%d", a->grid_left + 1, dash,
			         last < m ? last : m, m);
		}
		if (right_x + 2 + text_width(compact) < COLS) /* the title can stay */
			put(y, COLS - text_width(compact) - 1, text_width(compact), a->attr[C_DIM],
			    false, compact);
		else
			put(y, 0, NAME_W - 2, a->attr[C_DIM], true, compact);
	}
	return note_right;
}

/* The grid's title row y: the responses shown, scroll marks, "size", and
 * the ranges or the nudge step at the right. */
static void grid_header(app *a, const layout *L, int y, int vis)
{
	const mt_scenario *sc = a->doc.sc;
	int m = (int)sc->m, cw = cell_w(a);
	put(y, 0, NAME_W, a->attr[C_TITLE], true, "Preferences");
	char note[120];
	bool note_right = grid_ranges(a, L, y, vis, note, sizeof note);
	int x = NAME_W;
	for (int c = a->grid_left; c < a->grid_left + vis; c++, x += cw) {
		char lab[64], cut[48];
		int wlab = text_width(sc->responses[c]);
		if (wlab > cw - 2) /* clipped, with an ellipsis */
			snprintf(lab, sizeof lab, " %s",
			         clip_text(sc->responses[c], cw - 2, a->g->ellipsis, cut,
			                   sizeof cut));
		else
			snprintf(lab, sizeof lab, "%*s", cw - 2, sc->responses[c]);
		put(y, x, cw - 1, a->attr[C_TITLE], true, lab);
		add_hit(a, y, x, cw, HIT_POLICY_RESPONSE, 0, c);
	}
	if (a->grid_left > 0)
		put(y, NAME_W - 2, 2, a->attr[C_DIM], false, "<");
	if (a->grid_left + vis < m)
		put(y, x - 1, 1, a->attr[C_DIM], false, ">");
	put(y, x, cw, a->attr[C_TITLE], false, "   size");
	char step[48];
	snprintf(step, sizeof step, "step %g", app_step(a));
	if (note_right)
		put(y, COLS - text_width(note) - 1, text_width(note), a->attr[C_DIM], false, note);
	else if (!*note && x + cw + 2 + text_width(step) < COLS)
		put(y, COLS - text_width(step) - 1, text_width(step), a->attr[C_DIM], false, step);
}

/* One cell of a grid row at x: the value, its colour (cursor, just changed,
 * a report differing from the truth) and the lie mark. */
static void grid_cell(app *a, int yy, int x, int row, int col, const mt_group *g, bool truth_row)
{
	int m = (int)a->doc.sc->m, cw = cell_w(a);
	bool ok;
	double v = doc_cell_value(a->doc.sc, row, col, &ok);
	char num[32], txt[40];
	snprintf(txt, sizeof txt, "%*s", cw - 2,
	         fmt_fit(num, sizeof num, v, cw - 2, col == m ? 2 : 3));
	attr_t at = row == 0 ? a->attr[C_DIM] : a->attr[C_NORMAL];
	if (a->hl_prev && row == a->hl_row && col < m && fabs(a->hl_prev[col] - v) > 1e-12)
		at = a->attr[C_CHANGED];
	bool differs = false;
	if (g && !truth_row) {
		double t = col == m ? g->size : g->rewards[col];
		differs = fabs(t - v) > MT_NORM_TOL;
		if (differs)
			at = a->attr[C_LIE];
	}
	if (row == a->doc.cur.row && col == a->doc.cur.col)
		at = a->attr[C_CURSOR] | (at & A_BOLD);
	put(yy, x, 1, a->attr[C_NORMAL], false, " ");
	put(yy, x + 1, cw - 2, at, true, txt);
	if (differs)
		put(yy, x + cw - 1, 1, a->attr[C_LIE], false, a->g->lie);
	add_hit(a, yy, x, cw, HIT_CELL, row, col);
}

/* Grid row `row` on screen row yy: its label and its cells; false when the
 * grid has no such row. */
static bool grid_row(app *a, int yy, int row, int vis)
{
	const mt_scenario *sc = a->doc.sc;
	int m = (int)sc->m, cw = cell_w(a);
	cell_ref rc;
	if (!doc_cell(sc, row, 0, &rc))
		return false;
	move(yy, 0);
	clrtoeol();
	const mt_group *g = rc.kind == CELL_REFERENCE ? NULL : &sc->groups[rc.group];
	bool truth_row = rc.kind == CELL_TRUTH;
	bool lies = g && mt_group_lies(sc, rc.group);
	bool selected = g && rc.group == app_group(a);
	char label[128];
	if (!g)
		snprintf(label, sizeof label, "reference q");
	else if (truth_row)
		clip_text(g->name, NAME_W - 3, a->g->ellipsis, label, sizeof label);
	else
		snprintf(label, sizeof label, "  report");
	attr_t lat = !g ? a->attr[C_DIM] : truth_row ? A_BOLD : a->attr[C_NORMAL];
	if (selected && truth_row)
		lat |= A_UNDERLINE;
	int lw = put(yy, 0, NAME_W - 3, lat, false, label);
	if (!truth_row && lies)
		put(yy, lw + 1, 2, a->attr[C_LIE], false, a->g->lie);
	int x = NAME_W;
	for (int c = a->grid_left; c < a->grid_left + vis + 1; c++, x += cw) {
		int col = c == a->grid_left + vis ? m : c;
		if (col == m && row == 0)
			break;
		if (col == m)
			x = NAME_W + vis * cw;
		grid_cell(a, yy, x, row, col, g, truth_row);
	}
	return true;
}

static void draw_grid(app *a, const layout *L)
{
	const mt_scenario *sc = a->doc.sc;
	int m = (int)sc->m, cw = cell_w(a);
	int vis = (COLS - NAME_W - cw - 1) / cw;
	if (vis > m)
		vis = m;
	if (vis < 1)
		vis = 1;
	int focus = a->doc.cur.col < m ? a->doc.cur.col : m - 1;
	a->grid_left = scroll_to(a->grid_left, vis, m, focus);
	a->grid_top = scroll_to(a->grid_top, L->grid_rows, doc_rows(sc), a->doc.cur.row);
	a->grid_page = L->grid_rows;
	grid_header(a, L, L->grid_top - 1, vis);
	for (int r = 0; r < L->grid_rows; r++)
		if (!grid_row(a, L->grid_top + r, a->grid_top + r, vis))
			break;
}

/* ---- policy bars ---------------------------------------------------------------------------- */

static void bar(app *a, int y, int x, int w, double frac, role r)
{
	if (!(frac > 0.0))
		frac = 0.0;
	if (frac > 1.0)
		frac = 1.0;
	int eighths = (int)lround(frac * w * 8);
	int full = eighths / 8, part = eighths % 8;
	attrset((int)(a->attr[r]));
	move(y, x);
	for (int k = 0; k < full && k < w; k++)
		addstr(a->g->bar_full);
	if (full < w && part && *a->g->bar_part[part])
		addstr(a->g->bar_part[part]);
	attrset((int)(A_NORMAL));
}

static void draw_policy(app *a, const layout *L)
{
	const mt_scenario *sc = a->doc.sc;
	const mt_stage_result *res = app_any_result(a, MT_STAGE_SOLVE);
	bool stale = res && res->generation != a->gen;
	const mt_outcome *o = res && res->status == MT_OK ? &res->outcome : NULL;
	const mt_outcome *t =
	        res && res->status == MT_OK && res->have_truthful ? &res->truthful : NULL;
	int ncol = t ? 3 : 2;
	int lab = 10;
	int colw = (COLS - lab) / ncol;
	int bw = colw - 8;
	int y = L->pol_top - 1;
	move(y, 0);
	clrtoeol();
	put(y, 0, lab, a->attr[C_TITLE], true, "Policy");
	static const char *heads[] = {"q reference", "p trained", "p if all truthful"};
	static const role roles[] = {C_BAR_Q, C_BAR_P, C_BAR_T};
	for (int c = 0; c < ncol; c++) {
		int x = lab + c * colw;
		char head[160];
		const mt_outcome *po = c == 1 ? o : c == 2 ? t : NULL;
		/* On a finite menu the trained model is one of its candidates: name it. */
		if (po && sc->k && po->choice < sc->k) {
			snprintf(head, sizeof head, "%s = %s", heads[c],
			         sc->candidates[po->choice].name);
			if (text_width(head) > colw - 6) /* the name matters more than "trained" */
				snprintf(head, sizeof head, "%s = %s", c == 1 ? "p" : "truth",
				         sc->candidates[po->choice].name);
		} else
			snprintf(head, sizeof head, "%s", heads[c]);
		put_name(a, y, x + 6, colw - 6, a->attr[roles[c]] | A_BOLD, head);
	}
	double top = 0.0;
	for (size_t k = 0; k < sc->m; k++) {
		top = fmax(top, sc->reference[k]);
		if (o)
			top = fmax(top, o->policy[k]);
		if (t)
			top = fmax(top, t->policy[k]);
	}
	int focus = a->doc.cur.col < (int)sc->m ? a->doc.cur.col : 0;
	a->pol_first = scroll_to(a->pol_first, L->pol_rows, (int)sc->m, focus);
	char pr[48];
	if (*range_text(a, pr, sizeof pr, a->pol_first, L->pol_rows, (int)sc->m)) {
		/* the range replaces the title: "5–12 of 512" */
		move(y, 0);
		put(y, 0, lab + 6, a->attr[C_DIM], true, pr);
	}
	for (int r = 0; r < L->pol_rows; r++) {
		int x = a->pol_first + r;
		int yy = L->pol_top + r * L->pol_h;
		move(yy, 0);
		clrtoeol();
		if (x >= (int)sc->m)
			break;
		put_name(a, yy, 0, lab - 1, x == a->doc.cur.col ? A_BOLD : A_NORMAL,
		         sc->responses[x]);
		add_hit(a, yy, 0, lab, HIT_POLICY_RESPONSE, 0, x);
		for (int c = 0; c < ncol; c++) {
			const double *v = c == 0   ? sc->reference
			                  : c == 1 ? (o ? o->policy : NULL)
			                           : t->policy;
			int xx = lab + c * colw;
			if (!v) {
				put(yy, xx, 6, a->attr[C_DIM], false, a->g->ellipsis);
				continue;
			}
			char num[32];
			attr_t at = c > 0 && stale ? a->attr[C_DIM] : A_NORMAL;
			putf(yy, xx, 6, at, "%5s", fmt_fit(num, sizeof num, v[x], 5, 3));
			for (int h = 0; h < L->pol_h; h++)
				bar(a, yy + h, xx + 6, bw, top > 0.0 ? v[x] / top : 0.0, roles[c]);
		}
	}
}

/* ---- outcome table ------------------------------------------------------------------------------ */

/* The same criterion as the analysis's DSIC check. */
static bool truthful_is_best(double gain, double u)
{
	return gain <= MT_DSIC_TOL * (1.0 + fabs(u));
}

static void mark(const app *a, int y, int x, bool good)
{
	put(y, x, 2, a->attr[good ? C_GOOD : C_BAD], false, good ? a->g->check : a->g->cross);
}

/* Columns of the outcome table; x < 0: hidden (the presenter layout shows
 * fewer, wider columns). */
enum { OC_V, OC_WV, OC_PAY, OC_UTIL, OC_IR, OC_LIE, OC_BRN, OC_BRR, OC_N };

static void outcome_columns(const app *a, int colx[OC_N], int *name_w)
{
	static const int normal[OC_N] = {10, 17, 24, 31, 38, 42, 51, 62};
	if (!presenter(a)) {
		memcpy(colx, normal, sizeof normal);
		*name_w = 9;
		return;
	}
	int extra = (COLS - 80) / 8;
	extra = extra < 0 ? 0 : extra > 4 ? 4 : extra;
	int step = 10 + extra, x = 12 + extra;
	*name_w = x - 1;
	/* The group's w·v, not the member's v: util = w·v − pay must add up. */
	colx[OC_V] = colx[OC_IR] = -1;
	colx[OC_WV] = x;
	colx[OC_PAY] = x += step;
	colx[OC_UTIL] = x += step;
	colx[OC_LIE] = x += step;
	colx[OC_BRN] = x += step + 1;
	colx[OC_BRR] = x + step + 2;
}

/* One group's row: its numbers, the mark of its IR, what its lie earns and
 * its best responses' gains. */
static void outcome_row(app *a, int yy, int i, const int colx[OC_N], int name_w,
                        const mt_outcome *o, bool stale)
{
	const mt_scenario *sc = a->doc.sc;
	const mt_analysis *none = app_none_analysis(a), *rule = app_rule_analysis(a);
	attr_t num_at = stale ? a->attr[C_DIM] : A_NORMAL;
	const mt_group *g = &sc->groups[i];
	bool sel = (size_t)i == app_group(a);
	put_name(a, yy, 0, name_w, sel ? A_BOLD | A_UNDERLINE : A_NORMAL, g->name);
	add_hit(a, yy, 0, COLS, HIT_OUTCOME_GROUP, i, 0);
	if (!o) {
		put(yy, colx[OC_PAY], 6, a->attr[C_DIM], false, a->g->ellipsis);
		return;
	}
	const mt_group_outcome *go = &o->groups[i];
	char b[32];
	if (colx[OC_V] >= 0)
		putf(yy, colx[OC_V], 7, num_at, "%6s", doc_fmt_num(b, sizeof b, go->valuation));
	if (colx[OC_WV] >= 0)
		putf(yy, colx[OC_WV], 7, num_at, "%6s",
		     doc_fmt_num(b, sizeof b, go->group_valuation));
	putf(yy, colx[OC_PAY], 7, num_at, "%6s", doc_fmt_num(b, sizeof b, go->payment));
	putf(yy, colx[OC_UTIL], 7, num_at | A_BOLD, "%6s", doc_fmt_num(b, sizeof b, go->utility));
	const mt_analysis *an = rule ? rule : none;
	/* IR of this row: the utility beside it is not negative (the same
	 * tolerance as the analysis' IR check at the truth). */
	if (colx[OC_IR] >= 0)
		mark(a, yy, colx[OC_IR], go->utility >= -MT_DSIC_TOL * (1.0 + fabs(go->utility)));
	/* What the current lie earns the group compared with its truth. */
	if (mt_group_lies(sc, (size_t)i)) {
		if (an && !stale) {
			double tu = an->groups[i].truthful_utility;
			double du = go->utility - tu;
			if (fabs(du) < GAIN_NOISE * (1.0 + fabs(tu)))
				du = 0.0;
			bool pays = du > 5e-7;
			putf(yy, colx[OC_LIE], 8, a->attr[pays ? C_BAD : C_GOOD], "%8s",
			     doc_fmt_gain(b, sizeof b, du));
		} else {
			put(yy, colx[OC_LIE] + 5, 3, a->attr[C_DIM], false, a->g->ellipsis);
		}
	}
	for (int k = 0; k < 2; k++) {
		const mt_analysis *x = k == 0 ? none : rule;
		int cx = colx[OC_BRN + k];
		if (cx < 0)
			continue;
		if (!x) {
			put(yy, cx + 4, 3, a->attr[C_DIM], false, a->g->ellipsis);
			continue;
		}
		double gain = x->groups[i].best[MT_BR_FULL].gain;
		putf(yy, cx, 7, A_NORMAL, "%7s", doc_fmt_gain(b, sizeof b, gain));
		mark(a, yy, cx + 8, truthful_is_best(gain, x->groups[i].truthful_utility));
		/* "~": found by a search, not proved best (the best-lie line says so) */
		if (x->groups[i].best[MT_BR_FULL].method != MT_BR_EXACT)
			put(yy, cx + 10, 1, a->attr[C_DIM], false, "~");
	}
}

/* The totals under the table: welfare, revenue, the objective and the
 * analysis' checks. */
static void outcome_totals(app *a, int yy, const mt_stage_result *res, const mt_outcome *o,
                           bool stale)
{
	attr_t num_at = stale ? a->attr[C_DIM] : A_NORMAL;
	const mt_analysis *rule = app_rule_analysis(a);
	move(yy, 0);
	clrtoeol();
	if (!o)
		return;
	/* Welfare, the objective and the checks (24 columns) always show; the
	 * all-truthful welfare, the revenue and the all-truthful objective
	 * follow, in that order, as far as the line has room.  The objective
	 * is evaluated at the reports: a lie makes it jump, so it says so. */
	char b1[32], wel[64], wt[48], rev[64], asw[64], rt[48];
	snprintf(wel, sizeof wel, "welfare %s", doc_fmt_num(b1, sizeof b1, o->welfare));
	snprintf(rev, sizeof rev, "  revenue %s", doc_fmt_num(b1, sizeof b1, o->revenue));
	snprintf(asw, sizeof asw, "  %s %s", res->lies ? "ASW@reports" : "ASW",
	         doc_fmt_num(b1, sizeof b1, o->objective));
	wt[0] = rt[0] = '\0';
	if (res->have_truthful) {
		snprintf(wt, sizeof wt, " (truth %s)",
		         doc_fmt_num(b1, sizeof b1, res->truthful.welfare));
		snprintf(rt, sizeof rt, " (truth %s)",
		         doc_fmt_num(b1, sizeof b1, res->truthful.objective));
	}
	int room = COLS - text_width(wel) - text_width(asw) - 2 - 24;
	const char *opt[3] = {wt, rev, rt};
	bool show[3];
	for (int k = 0; k < 3; k++) {
		show[k] = *opt[k] && text_width(opt[k]) <= room;
		room -= show[k] ? text_width(opt[k]) : 0;
	}
	int x = put(yy, 0, COLS, num_at, false, wel);
	if (show[0])
		x += put(yy, x, COLS - x, a->attr[C_BAR_T], false, wt);
	if (show[1])
		x += put(yy, x, COLS - x, num_at, false, rev);
	x += put(yy, x, COLS - x, num_at, false, asw);
	if (show[2])
		x += put(yy, x, COLS - x, a->attr[C_BAR_T], false, rt);
	x += put(yy, x, COLS - x, num_at, false, "  ");
	const mt_analysis *an = rule;
	if (!an) {
		put(yy, x, COLS - x, a->attr[C_DIM], false, a->g->ellipsis);
		return;
	}
	x += put(yy, x, COLS - x, A_NORMAL, false, "DSIC ");
	mark(a, yy, x, an->dsic);
	x += 2;
	x += put(yy, x, COLS - x, A_NORMAL, false, " IR ");
	mark(a, yy, x, an->ir);
	x += 2;
	x += putf(yy, x, COLS - x, A_NORMAL, " pay%s0 ", a->g->ge);
	mark(a, yy, x, an->nonnegative_payments);
}

static void draw_outcome(app *a, const layout *L)
{
	const mt_scenario *sc = a->doc.sc;
	const mt_stage_result *res = app_any_result(a, MT_STAGE_SOLVE);
	bool stale = res && res->generation != a->gen;
	const mt_outcome *o = res && res->status == MT_OK ? &res->outcome : NULL;
	int y = L->out_top - 1;
	move(y, 0);
	clrtoeol();
	char rulehead[32];
	snprintf(rulehead, sizeof rulehead, " BR %s", sc->payment->label);
	int colx[OC_N], name_w;
	outcome_columns(a, colx, &name_w);
	put(y, 0, name_w + 1, a->attr[C_TITLE], true, "Outcome");
	/* Right-aligned over 6-character numbers; the names match the lesson texts. */
	const char *heads[OC_N] = {"    v", "  w*v",    "  pay",    " util",
	                           "IR",    "  lie du", " BR none", rulehead};
	if (a->g->utf8) {
		heads[OC_WV] = "  w·v";
		heads[OC_LIE] = "  lie Δu";
	}
	/* Under `none` the rule's column would repeat 'BR none'. */
	if (sc->payment->charges_nothing)
		colx[OC_BRR] = -1;
	for (int k = 0; k < OC_N; k++)
		if (colx[k] >= 0)
			put(y, colx[k], k == OC_BRR ? 12 : 10, a->attr[C_TITLE], false, heads[k]);
	a->out_first = scroll_to(a->out_first, L->out_rows, (int)sc->n, (int)app_group(a));
	char orr[48];
	if (L->out_rows < (int)sc->n) { /* instead of "Outcome": "34–40/40" */
		int last = a->out_first + L->out_rows;
		snprintf(orr, sizeof orr, "%d%s%d/%zu", a->out_first + 1, a->g->utf8 ? "–" : "-",
		         last < (int)sc->n ? last : (int)sc->n, sc->n);
		put(y, 0, name_w + 1, a->attr[C_DIM], true, orr);
	}
	for (int r = 0; r < L->out_rows; r++) {
		int i = a->out_first + r, yy = L->out_top + r;
		move(yy, 0);
		clrtoeol();
		if (i >= (int)sc->n)
			break;
		outcome_row(a, yy, i, colx, name_w, o, stale);
	}
	outcome_totals(a, L->out_top + L->out_rows, res, o, stale);
}

/* The selected group's best lie without payment, spelled out. */
static void draw_detail(app *a, int y)
{
	move(y, 0);
	clrtoeol();
	const mt_analysis *none = app_none_analysis(a);
	size_t i = app_group(a);
	const mt_scenario *sc = a->doc.sc;
	if (!none) {
		put(y, 0, COLS, a->attr[C_DIM], false, "");
		return;
	}
	const mt_report_outcome *br = &none->groups[i].best[MT_BR_FULL];
	if (!br->rewards)
		return;
	char line[1024], b[32], name[256];
	/* "Alices' best lie", "Solo's best lie"; a long name is clipped so the
	 * numbers still show. */
	const char *full = sc->groups[i].name;
	size_t len = strlen(full);
	bool plural_s = len && (full[len - 1] == 's' || full[len - 1] == 'S');
	clip_text(full, COLS / 3 > 12 ? COLS / 3 : 12, a->g->ellipsis, name, sizeof name);
	mt_strbuf sb;
	mt_strbuf_init(&sb, line, sizeof line);
	if (truthful_is_best(br->gain, none->groups[i].truthful_utility)) {
		mt_strbuf_addf(&sb,
		               "%s: no lie gains w/o payment, the truth is %s best report (%s)",
		               name, plural_s ? "their" : "its",
		               br->method == MT_BR_EXACT ? "exact" : "~ search");
	} else {
		bool playing = doc_reports_equal(sc, i, br->rewards, br->size);
		mt_strbuf_addf(&sb, "%s'%s best lie w/o payment (%s):", name, plural_s ? "" : "s",
		               br->method == MT_BR_EXACT ? "exact" : "~ search");
		for (size_t x = 0; x < sc->m && !sb.truncated; x++)
			mt_strbuf_addf(&sb, " %s", doc_fmt_num(b, sizeof b, br->rewards[x]));
		mt_strbuf_addf(&sb, ", size %.3g", br->size);
		/* what the lie's state is, shortened when the line is full */
		char tail[96];
		if (playing) /* BR none then is the gain of this very lie */
			snprintf(tail, sizeof tail, " (played now: BR none %s is its gain)",
			         doc_fmt_gain(b, sizeof b, br->gain));
		else
			snprintf(tail, sizeof tail, " (b plays it)");
		if (!sb.truncated && text_width(line) + text_width(tail) > COLS)
			snprintf(tail, sizeof tail, "%s", playing ? " (played now)" : " (b plays)");
		if (!sb.truncated && text_width(line) + text_width(tail) <= COLS)
			mt_strbuf_addf(&sb, "%s", tail); /* else the numbers keep the room */
	}
	mt_strbuf_finish(&sb, a->g->ellipsis);
	put(y, 0, COLS, a->attr[C_DIM], false, line);
}

/* ---- noisy input ------------------------------------------------------------------------------------ */

/* "Noisy input ε=0.05  objective lost 0.015 ≤ 2ε·Σw 0.800 ✓", then each
 * group's best lie gain under noise next to 2·w·ε, as many per line as fit. */

#define NOISE_NAME_W 10

static const char *noise_label(const app *a)
{
	return a->g->utf8 ? "best lie gain ≤ 2·w·ε:" : "best lie gain <= 2*w*eps:";
}

/* Where the group items start: after "  LABEL  ". */
static int noise_label_w(const app *a)
{
	return 2 + text_width(noise_label(a)) + 2;
}

static int noise_item_width(const app *a, size_t i)
{
	int w = text_width(a->doc.sc->groups[i].name);
	if (w > NOISE_NAME_W)
		w = NOISE_NAME_W;
	return w + 1 + 7 + (a->g->utf8 ? 3 : 4) + 5 + 1 + 2;
}

/* Lines the section needs in `width` columns; draws them from y when y >= 0. */
static int noise_group_lines(const app *a, int y, int width, const mt_noise_analysis *nz, attr_t at)
{
	int label_w = noise_label_w(a);
	int lines = 1, x = label_w;
	for (size_t i = 0; i < a->doc.sc->n; i++) {
		int w = noise_item_width(a, i);
		if (x > label_w && x + w > width) {
			lines++;
			x = label_w;
		}
		if (y >= 0 && nz) {
			int yy = y + lines - 1;
			const mt_noise_group *g = &nz->groups[i];
			char b1[32], b2[32];
			int xx = x;
			xx += put_name(a, yy, xx, NOISE_NAME_W, A_NORMAL,
			               a->doc.sc->groups[i].name);
			/* the relation that holds: > when the bound fails */
			const char *rel = g->within_bound ? (a->g->utf8 ? "≤" : "<=") : ">";
			xx += putf(yy, xx, width - xx, at, " %7s %s %s ",
			           doc_fmt_gain(b1, sizeof b1, g->gain), rel,
			           doc_fmt_num(b2, sizeof b2, g->bound));
			mark(a, yy, xx, g->within_bound);
		}
		x += w + 3;
	}
	return lines;
}

static int noise_lines(const app *a, int width)
{
	return 1 + noise_group_lines(a, -1, width, NULL, A_NORMAL);
}

static void draw_noise(app *a, const layout *L)
{
	const mt_scenario *sc = a->doc.sc;
	int y = L->noise_y;
	bool u = a->g->utf8;
	const mt_stage_result *res = app_any_result(a, MT_STAGE_NOISE);
	bool stale = res && res->generation != a->gen;
	attr_t at = stale ? a->attr[C_DIM] : A_NORMAL;
	char eps[32];
	snprintf(eps, sizeof eps, "%g", sc->noise.epsilon);
	int x = putf(y, 0, COLS, a->attr[C_TITLE], "Noisy input %s=%s", u ? "ε" : "eps", eps);
	x += 2;
	if (!res) {
		put(y, x, COLS - x, a->attr[C_DIM], false, a->g->ellipsis);
		return;
	}
	if (res->status != MT_OK) {
		putf(y, x, COLS - x, a->attr[C_DIM], "not available: %s",
		     res->err.msg[0] ? res->err.msg : mt_status_str(res->status));
		return;
	}
	const mt_noise_analysis *nz = &res->noise;
	char b1[32], b2[32];
	x += putf(y, x, COLS - x, at, "objective lost %s %s %s %s ",
	          doc_fmt_num(b1, sizeof b1, nz->asw_loss),
	          !nz->asw_within_bound ? ">"
	          : u                   ? "≤"
	                                : "<=",
	          u ? "2ε·Σw" : "2*eps*sum(w)", doc_fmt_num(b2, sizeof b2, nz->welfare_bound));
	mark(a, y, x, nz->asw_within_bound);
	x += 3;
	char samples[48];
	snprintf(samples, sizeof samples, "%zu samples", nz->samples);
	if (x + text_width(samples) + 1 < COLS)
		put(y, COLS - text_width(samples) - 1, text_width(samples), a->attr[C_DIM], false,
		    samples);
	put(y + 1, 2, COLS - 2, A_NORMAL, false, noise_label(a));
	noise_group_lines(a, y + 1, COLS, nz, at);
}

/* ---- info panel (description, things to try, or a lesson) ------------------------------------------ */

/* The bytes of s on one wrapped row of width w: what fits, cut back to the
 * last space when the row does not end the text and has one. */
static size_t wrap_line(const char *s, int w)
{
	int cols;
	size_t bytes = screen_fit(s, w, &cols);
	if (bytes < strlen(s)) {
		size_t cut = bytes;
		while (cut > 0 && s[cut] != ' ')
			cut--;
		if (cut > 0)
			bytes = cut;
	}
	return bytes;
}

/* Word-wrap s into rows of width w starting at y; returns rows used.
 * Draws nothing when y < 0 (to count rows). */
static int wrap(int y, int x, int w, int rows, attr_t at, const char *s)
{
	int used = 0;
	while (*s && used < rows) {
		while (*s == ' ')
			s++;
		size_t bytes = wrap_line(s, w);
		char buf[1024];
		snprintf(buf, sizeof buf, "%.*s", (int)bytes, s);
		if (y >= 0)
			put(y + used, x, w, at, false, buf);
		if (!bytes)
			break;
		s += bytes;
		used++;
	}
	return used;
}

/* Where the text after the first rows rows of wrap(.., w, ..) starts. */
static const char *wrap_skip(const char *s, int w, int rows)
{
	for (int r = 0; r < rows && *s; r++) {
		while (*s == ' ')
			s++;
		size_t bytes = wrap_line(s, w);
		if (!bytes)
			break;
		s += bytes;
	}
	return s;
}

/* The lesson text in rows [y, end): when it does not all fit it scrolls
 * (< >); *more then says which lines show ("lines 1–3 of 5 < > I"), for the
 * panel's heading, and is empty otherwise. */
static void draw_lesson_text(app *a, int y, int end, char *more, size_t morelen)
{
	more[0] = 0;
	if (a->info_step != a->lesson_step + 1) { /* a new step starts at its top */
		a->info_step = a->lesson_step + 1;
		a->info_top = 0;
	}
	int avail = end - y, w = COLS - 3;
	int need = wrap(-1, 2, w, 1000, A_NORMAL, a->lesson_text);
	if (need <= avail || avail < 2) {
		a->info_top = a->info_max_top = 0;
		wrap(y, 2, w, avail, A_NORMAL, a->lesson_text);
		return;
	}
	int rows = avail;
	a->info_max_top = need - rows;
	if (a->info_top > a->info_max_top)
		a->info_top = a->info_max_top;
	if (a->info_top < 0)
		a->info_top = 0;
	wrap(y, 2, w, rows, A_NORMAL, wrap_skip(a->lesson_text, w, a->info_top));
	snprintf(more, morelen, "lines %d%s%d of %d < > I", a->info_top + 1, a->g->utf8 ? "–" : "-",
	         a->info_top + rows, need);
}

static void draw_info(app *a, const layout *L)
{
	if (L->info_rows < 2)
		return;
	const mt_scenario *sc = a->doc.sc;
	int y = L->info_top, end = L->info_top + L->info_rows;
	move(y, 0);
	clrtoeol();
	if (a->lesson) {
		const mt_lesson *l = a->lesson;
		char head[256], step[64];
		snprintf(head, sizeof head, "Lesson: %s", l->title);
		snprintf(step, sizeof step, "  step %zu of %zu", a->lesson_step + 1, l->nsteps);
		/* the text first: whether it scrolls goes into the heading */
		char more[96];
		draw_lesson_text(a, y + 1, end, more, sizeof more);
		char keys[160];
		snprintf(keys, sizeof keys, "%s%s%s", more, *more ? "  " : "",
		         lesson_waiting(a) ? "Space next  Esc leave" : "Esc leave");
		int kw = text_width(keys), sw = text_width(step);
		int hw = COLS - kw - sw - 2;
		if (text_width(head) > hw) /* the title alone, without "Lesson: " */
			snprintf(head, sizeof head, "%s", l->title);
		if (hw < 8) { /* narrow: the step number gives way */
			sw = 0;
			hw = COLS - kw - 2;
		}
		int x = put(y, 0, hw, a->attr[C_TITLE], false, head);
		if (sw)
			put(y, x, sw, a->attr[C_TITLE], false, step);
		put(y, COLS - kw - 1 > 0 ? COLS - kw - 1 : 0, kw, a->attr[C_KEY], false, keys);
		return;
	}
	if (!*sc->description && !sc->ntry)
		return;
	if (L->noise_rows == 0 || L->info_rows > 4)
		y++; /* one blank line of air */
	/* The things to try matter most in class: the description gets what
	 * they leave. */
	int try_rows = 0;
	for (size_t k = 0; k < sc->ntry; k++)
		try_rows += wrap(-1, 2, COLS - 3, 1000, A_NORMAL, sc->try_list[k]);
	int desc_rows = end - y - try_rows;
	if (desc_rows < 1 && end - y >= 4)
		desc_rows = 1;
	if (*sc->description && desc_rows > 0) {
		int ew = text_width(a->g->ellipsis), w = COLS - 2 - ew;
		int need = wrap(-1, 0, w, 1000, A_NORMAL, sc->description);
		y += wrap(y, 0, w, desc_rows, a->attr[C_DIM], sc->description);
		if (need > desc_rows) /* say that the description goes on */
			put(y - 1, w + 1, ew, a->attr[C_DIM], false, a->g->ellipsis);
	}
	for (size_t k = 0; k < sc->ntry && y < end; k++) {
		put(y, 0, 2, a->attr[C_KEY], false, a->g->utf8 ? "▸" : ">");
		y += wrap(y, 2, COLS - 3, end - y, A_NORMAL, sc->try_list[k]);
	}
}

/* ---- status, too small, everything ---------------------------------------------------------------- */

static void draw_status(app *a)
{
	int y = LINES - 2;
	move(y, 0);
	clrtoeol();
	if (a->mode == MODE_INPUT) {
		input_draw(a, y);
		return;
	}
	if (a->mode == MODE_CONFIRM) {
		put(y, 0, COLS, a->attr[C_CHANGED] | A_BOLD, false, a->confirm.question);
		return;
	}
	attr_t at = a->doc.status_error ? a->attr[C_ERROR] : A_NORMAL;
	if (text_width(a->doc.status) <= COLS) {
		put(y, 0, COLS, at, false, a->doc.status);
		return;
	}
	/* A long message (a file error with its path) wraps upwards into at
	 * most STATUS_MAX_ROWS rows; one longer still says ! shows it all. */
	char more[64];
	snprintf(more, sizeof more, " %s ! shows all", a->g->ellipsis);
	int need = wrap(-1, 0, COLS, 1000, at, a->doc.status);
	int rows = need < STATUS_MAX_ROWS ? need : STATUS_MAX_ROWS;
	int mw = text_width(more);
	for (int r = 0; r < rows; r++) {
		move(y - rows + 1 + r, 0);
		clrtoeol();
	}
	if (need <= rows) {
		wrap(y - rows + 1, 0, COLS, rows, at, a->doc.status);
		return;
	}
	wrap(y - rows + 1, 0, COLS, rows - 1, at, a->doc.status);
	/* the last row: as much as fits before the note */
	const char *s = wrap_skip(a->doc.status, COLS, rows - 1);
	while (*s == ' ')
		s++;
	int x = put(y, 0, COLS - mw, at, false, s);
	put(y, x, mw, a->attr[C_KEY], false, more);
}

/* !: the last status message in full, wrapped over the screen; I: the info
 * panel (the lesson step, or the description and things to try) in full. */
static void draw_message(app *a)
{
	for (int y = 1; y < LINES - 1; y++) {
		move(y, 0);
		clrtoeol();
	}
	if (!a->message_info) {
		put(1, 0, COLS, a->attr[C_TITLE], false, "The last message (any key closes it):");
		wrap(3, 0, COLS, LINES - 5, a->doc.status_error ? a->attr[C_ERROR] : A_NORMAL,
		     a->doc.status);
		return;
	}
	const mt_scenario *sc = a->doc.sc;
	int y = 1, end = LINES - 1;
	char head[300];
	if (a->lesson)
		snprintf(head, sizeof head,
		         "Lesson: %s, step %zu of %zu (any key closes):", a->lesson->title,
		         a->lesson_step + 1, a->lesson->nsteps);
	else
		snprintf(head, sizeof head, "%s (any key closes):", sc->name);
	put(y++, 0, COLS, a->attr[C_TITLE], false, head);
	y++;
	if (a->lesson) {
		wrap(y, 2, COLS - 3, end - y, A_NORMAL, a->lesson_text);
		return;
	}
	if (*sc->description)
		y += wrap(y, 0, COLS - 1, end - y, A_NORMAL, sc->description) + 1;
	for (size_t k = 0; k < sc->ntry && y < end; k++) {
		put(y, 0, 2, a->attr[C_KEY], false, a->g->utf8 ? "▸" : ">");
		y += wrap(y, 2, COLS - 3, end - y, A_NORMAL, sc->try_list[k]);
	}
}

static void draw_too_small(app *a)
{
	erase();
	char l[3][80];
	snprintf(l[0], sizeof l[0], "terminal too small: %dx%d", COLS, LINES);
	snprintf(l[1], sizeof l[1], "need at least %dx%d; enlarge it or press q", MIN_COLS,
	         MIN_LINES);
	int n = 2;
	if (text_width(l[1]) > COLS) { /* 40 columns: split the advice in two */
		snprintf(l[1], sizeof l[1], "need at least %dx%d;", MIN_COLS, MIN_LINES);
		snprintf(l[2], sizeof l[2], "enlarge it or press q");
		n = 3;
	}
	int y = LINES / 2 - 1;
	for (int k = 0; k < n; k++) {
		int x = (COLS - text_width(l[k])) / 2;
		put(y + k, x > 0 ? x : 0, COLS, k ? A_NORMAL : A_BOLD, false, l[k]);
	}
	if (a->mode == MODE_CONFIRM) /* a question is answered here, so it shows */
		wrap(y + n + 1, 0, COLS, LINES - (y + n + 1), a->attr[C_CHANGED] | A_BOLD,
		     a->confirm.question);
}

void draw_all(app *a)
{
	a->nhits = 0;
	if (COLS < MIN_COLS || LINES < MIN_LINES) {
		draw_too_small(a);
		refresh();
		return;
	}
	erase();
	draw_header(a);
	if (a->mode == MODE_HELP) {
		keys_draw_help(a);
	} else if (a->mode == MODE_MESSAGE) {
		draw_message(a);
	} else if (a->mode == MODE_PICKER) {
		picker_draw(a);
	} else if (a->view == VIEW_PLOT) {
		plot_draw(a, 1, LINES - 3);
	} else if (a->view == VIEW_EXPLAIN) {
		explain_draw(a, 1, LINES - 3);
	} else if (a->view == VIEW_CLASS) {
		class_draw(a, 1, LINES - 3);
	} else {
		layout L;
		compute_layout(a, &L);
		draw_grid(a, &L);
		draw_policy(a, &L);
		draw_outcome(a, &L);
		if (L.detail_y >= 0)
			draw_detail(a, L.detail_y);
		coalition_draw(a, L.coal_y, L.coal_rows);
		if (L.noise_rows)
			draw_noise(a, &L);
		draw_info(a, &L);
	}
	if (a->mode != MODE_HELP && a->mode != MODE_MESSAGE)
		draw_status(a);
	keys_draw_hints(a, LINES - 1, COLS);
	refresh();
}
