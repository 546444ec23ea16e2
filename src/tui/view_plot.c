/* The plot view: utility, valuation (w·v) and payment of the selected
 * group along the misreport families alpha, beta, epsilon and against
 * lambda, four small plots drawn with braille dots (2x4 per cell) or with
 * the letters u, v, p (monochrome and ASCII terminals), the truth marked. */
#include "app.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mechtune/sweep.h"

enum { SERIES_PAY = 0, SERIES_VAL = 1, SERIES_UTIL = 2, NSERIES = 3 };
static const role series_role[NSERIES] = {C_CURVE_P, C_CURVE_V, C_CURVE_U};
static const char series_letter[NSERIES] = {'p', 'v', 'u'};

/* Series drawn: all three on one scale, or utility alone on its own, where
 * its peak at the truth (under vcg) is plain to see. */
static bool shown(const app *a, int s)
{
	return !a->utility_only || s == SERIES_UTIL;
}

static double series_value(const mt_sweep_row *r, int s)
{
	switch (s) {
	case SERIES_PAY: return r->payment;
	case SERIES_VAL: return r->utility + r->payment; /* w·v */
	default: return r->utility;
	}
}

static void put_codepoint(unsigned cp)
{
	char b[5];
	if (cp < 0x80) {
		b[0] = (char)cp;
		b[1] = 0;
	} else if (cp < 0x800) {
		b[0] = (char)(0xC0 | (cp >> 6));
		b[1] = (char)(0x80 | (cp & 0x3F));
		b[2] = 0;
	} else {
		b[0] = (char)(0xE0 | (cp >> 12));
		b[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		b[2] = (char)(0x80 | (cp & 0x3F));
		b[3] = 0;
	}
	addstr(b);
}

typedef struct {
	int w, h;        /* cells */
	uint8_t *bits;   /* braille dots per cell, or the letter in letter mode */
	uint8_t *series; /* which series painted the cell last (+1), 0 = empty */
} canvas;

static const uint8_t braille_bit[2][4] = {{0x01, 0x02, 0x04, 0x40}, {0x08, 0x10, 0x20, 0x80}};

static void dot(canvas *c, int dx, int dy, int s, bool braille)
{
	int W = braille ? 2 * c->w : c->w, H = braille ? 4 * c->h : c->h;
	if (dx < 0 || dy < 0 || dx >= W || dy >= H)
		return;
	int cx = braille ? dx / 2 : dx, cy = braille ? dy / 4 : dy;
	size_t k = (size_t)cy * (size_t)c->w + (size_t)cx;
	if (braille)
		c->bits[k] |= braille_bit[dx % 2][dy % 4];
	else
		c->bits[k] = (uint8_t)series_letter[s];
	c->series[k] = (uint8_t)(s + 1);
}

/* A straight segment in dot coordinates. */
static void segment(canvas *c, double x0, double y0, double x1, double y1, int s, bool braille)
{
	double len = fmax(fabs(x1 - x0), fabs(y1 - y0));
	int steps = (int)ceil(len) + 1;
	for (int k = 0; k <= steps; k++) {
		double t = (double)k / steps;
		dot(c, (int)lround(x0 + t * (x1 - x0)), (int)lround(y0 + t * (y1 - y0)), s,
		    braille);
	}
}

static const char *family_title(mt_sweep_family f, const glyph_set *g)
{
	bool u = g->utf8;
	switch (f) {
	case MT_SWEEP_ALPHA: return u ? "α: report size α·w" : "alpha: report size alpha*w";
	case MT_SWEEP_BETA:
		return u ? "β: mix β·rm+(1-β)·others" : "beta: mix beta*rm+(1-beta)*others";
	case MT_SWEEP_EPSILON: return u ? "ε: polarize by ε" : "eps: polarize by eps";
	case MT_SWEEP_LAMBDA:
		return u ? "λ: all truthful, vary λ" : "lambda: all truthful, vary lambda";
	}
	return "";
}

/* What a panel says when it has no curve to draw; false when it has one. */
static bool panel_missing(app *a, int y, int x, int w, mt_sweep_family f,
                          const mt_stage_result *res)
{
	const char *why = NULL;
	if (!res || !res->have_sweep[f])
		why = !res ? "computing"
		      : f == MT_SWEEP_EPSILON
		              ? "no polarizing misreport (equal rewards or a zero minimum)"
		              : "not available";
	else if (res->sweeps[f].nrows < 2)
		why = "not enough points";
	if (why)
		put(y + 2, x + 2, w - 3, a->attr[C_DIM], false, why);
	return why != NULL;
}

/* The title, marked when the cursor is in this panel, and where u peaks. */
static void panel_title(app *a, int y, int x, int w, mt_sweep_family f, const mt_sweep *sw)
{
	bool cur = (int)f == a->plot_family;
	char title[96];
	snprintf(title, sizeof title, "%s%s", cur ? (a->g->utf8 ? "▸" : ">") : "",
	         family_title(f, a->g));
	put(y, x, w - 1, a->attr[C_TITLE] | (cur ? A_UNDERLINE : 0), false, title);
	/* The parameter where utility peaks: under vcg it is the truth. */
	size_t best = 0;
	for (size_t k = 1; k < sw->nrows; k++)
		if (sw->rows[k].utility > sw->rows[best].utility + 1e-12)
			best = k;
	char peak[64];
	snprintf(peak, sizeof peak, "max u at %.3g", sw->rows[best].param);
	if (text_width(title) + 2 + text_width(peak) < w)
		put(y, x + w - 1 - text_width(peak), text_width(peak), a->attr[C_DIM], false, peak);
}

/* The value range of the series shown, padded by 5%. */
static void panel_scale(const app *a, const mt_sweep *sw, double *lo, double *hi)
{
	*lo = INFINITY;
	*hi = -INFINITY;
	for (size_t k = 0; k < sw->nrows; k++)
		for (int s = 0; s < NSERIES; s++) {
			double v = series_value(&sw->rows[k], s);
			if (shown(a, s) && isfinite(v)) {
				*lo = fmin(*lo, v);
				*hi = fmax(*hi, v);
			}
		}
	if (!(*hi > *lo)) {
		*lo -= 0.5;
		*hi += 0.5;
	}
	double pad = (*hi - *lo) * 0.05;
	*lo -= pad;
	*hi += pad;
}

/* The curves on the canvas, in dot coordinates. */
static void panel_paint(const app *a, canvas *c, const mt_sweep *sw, double lo, double hi)
{
	bool braille = a->braille;
	int W = braille ? 2 * c->w : c->w, H = braille ? 4 * c->h : c->h;
	double p0 = sw->rows[0].param, p1 = sw->rows[sw->nrows - 1].param;
	double span = p1 - p0 > 0 ? p1 - p0 : 1.0;
	for (int s = 0; s < NSERIES; s++) {
		if (!shown(a, s))
			continue;
		for (size_t k = 0; k + 1 < sw->nrows; k++) {
			double v0 = series_value(&sw->rows[k], s),
			       v1 = series_value(&sw->rows[k + 1], s);
			if (!isfinite(v0) || !isfinite(v1))
				continue;
			segment(c, (sw->rows[k].param - p0) / span * (W - 1),
			        (hi - v0) / (hi - lo) * (H - 1),
			        (sw->rows[k + 1].param - p0) / span * (W - 1),
			        (hi - v1) / (hi - lo) * (H - 1), s, braille);
		}
	}
}

/* Column of parameter t in a plot pw cells wide, -1 outside it. */
static int param_col(const mt_sweep *sw, double t, int pw)
{
	double p0 = sw->rows[0].param, p1 = sw->rows[sw->nrows - 1].param;
	double span = p1 - p0 > 0 ? p1 - p0 : 1.0;
	if (!(t >= p0 - 1e-12 && t <= p1 + 1e-12))
		return -1;
	return (int)lround((t - p0) / span * (pw - 1));
}

typedef struct {
	int y, x, lw, pw, ph; /* top row, left column, label width, plot cells */
	int truth_col, cursor_col;
	double lo, hi;
	bool stale;
} panel_geom;

/* The canvas rows with their y labels, the truth and cursor columns. */
static void panel_rows(app *a, const panel_geom *G, const canvas *c)
{
	attr_t dim = a->attr[C_DIM];
	for (int r = 0; r < G->ph; r++) {
		int yy = G->y + 1 + r;
		if (r == 0 || r == G->ph - 1 || r == G->ph / 2) {
			double v = G->hi - (G->hi - G->lo) * (double)r / (G->ph - 1);
			char b[32];
			putf(yy, G->x, G->lw - 1, dim, "%6s", doc_fmt_num(b, sizeof b, v));
		}
		put(yy, G->x + G->lw - 1, 1, dim, false, a->g->vline);
		move(yy, G->x + G->lw);
		for (int cx = 0; cx < G->pw; cx++) {
			size_t k = (size_t)r * (size_t)G->pw + (size_t)cx;
			bool cur = cx == G->cursor_col;
			if (c->series[k]) {
				attr_t at = G->stale ? dim : a->attr[series_role[c->series[k] - 1]];
				attrset((int)(cur ? at | A_REVERSE : at));
				if (a->braille)
					put_codepoint(0x2800u + c->bits[k]);
				else
					addch((chtype)c->bits[k]);
			} else if (cur || cx == G->truth_col) {
				attrset((int)(cur ? a->attr[C_CURSOR] : dim));
				addstr(cur ? a->g->vline : a->g->dots);
			} else {
				attrset((int)(A_NORMAL));
				addch(' ');
			}
			attrset((int)(A_NORMAL));
		}
	}
}

/* x axis: from, truth, to. */
static void panel_axis(app *a, const panel_geom *G, int h, const mt_sweep *sw)
{
	attr_t dim = a->attr[C_DIM];
	int yy = G->y + h - 1, x = G->x + G->lw, pw = G->pw;
	char b0[32], b1[32], bt[48];
	snprintf(b0, sizeof b0, "%.3g", sw->rows[0].param);
	snprintf(b1, sizeof b1, "%.3g", sw->rows[sw->nrows - 1].param);
	put(yy, x, pw, dim, false, b0);
	put(yy, x + pw - text_width(b1), text_width(b1), dim, false, b1);
	if (G->truth_col >= 0) {
		snprintf(bt, sizeof bt, "%s%.3g", a->g->truth_mark, sw->truth_param);
		int tx = x + G->truth_col, bw = text_width(bt);
		if (tx + bw > x + pw)
			tx = x + pw - bw;
		put(yy, tx, bw, a->attr[C_KEY], false, bt);
	}
}

static void draw_panel(app *a, int y, int x, int h, int w, mt_sweep_family f,
                       const mt_stage_result *res, bool stale)
{
	if (panel_missing(a, y, x, w, f, res)) {
		put(y, x, w - 1, a->attr[C_TITLE], false, family_title(f, a->g));
		return;
	}
	const mt_sweep *sw = &res->sweeps[f];
	panel_title(a, y, x, w, f, sw);
	panel_geom G = {.y = y, .x = x, .lw = 7, .stale = stale};
	G.pw = w - G.lw - 1;
	G.ph = h - 2;
	if (G.pw < 4 || G.ph < 2)
		return;
	panel_scale(a, sw, &G.lo, &G.hi);
	canvas c = {G.pw, G.ph, calloc((size_t)G.pw * (size_t)G.ph, 1),
	            calloc((size_t)G.pw * (size_t)G.ph, 1)};
	if (c.bits && c.series) {
		panel_paint(a, &c, sw, G.lo, G.hi);
		G.truth_col = param_col(sw, sw->truth_param, G.pw);
		size_t k;
		G.cursor_col = (int)f == a->plot_family && plot_cursor_row(a, NULL, &k)
		                       ? param_col(sw, sw->rows[k].param, G.pw)
		                       : -1;
		panel_rows(a, &G, &c);
		panel_axis(a, &G, h, sw);
	}
	free(c.bits);
	free(c.series);
}

/* ---- the cursor along a curve ------------------------------------------------- */

static const mt_stage_result *sweeps_of_group(const app *a)
{
	const mt_stage_result *res = app_any_result(a, MT_STAGE_SWEEPS);
	return res && res->group == app_group(a) && res->status == MT_OK ? res : NULL;
}

bool plot_cursor_row(const app *a, const mt_sweep **out, size_t *k)
{
	const mt_stage_result *res = sweeps_of_group(a);
	int f = a->plot_family;
	if (!res || f < 0 || f >= MT_WORKER_NSWEEPS || !res->have_sweep[f] ||
	    res->sweeps[f].nrows < 1)
		return false;
	const mt_sweep *sw = &res->sweeps[f];
	size_t at = 0;
	if (a->plot_point < 0) { /* the point nearest the truth */
		for (size_t r = 1; r < sw->nrows; r++)
			if (fabs(sw->rows[r].param - sw->truth_param) <
			    fabs(sw->rows[at].param - sw->truth_param))
				at = r;
	} else {
		at = (size_t)a->plot_point < sw->nrows ? (size_t)a->plot_point : sw->nrows - 1;
	}
	if (out)
		*out = sw;
	*k = at;
	return true;
}

static const char *family_symbol(const app *a, int f)
{
	static const char *u[] = {"α", "β", "ε", "λ"},
	                  *ascii[] = {"alpha", "beta", "eps", "lambda"};
	return a->g->utf8 ? u[f] : ascii[f];
}

/* The values at the cursor on the status line. */
static void readout(app *a)
{
	const mt_sweep *sw;
	size_t k;
	if (!plot_cursor_row(a, &sw, &k)) {
		app_set_status(a, false, "%s: no curve yet", family_symbol(a, a->plot_family));
		return;
	}
	const mt_sweep_row *r = &sw->rows[k];
	char b1[32], b2[32], b3[32];
	app_set_status(a, false, "%s = %.4g: u %s  w%sv %s  pay %s  (Enter: %s)",
	               family_symbol(a, a->plot_family), r->param,
	               doc_fmt_num(b1, sizeof b1, r->utility), a->g->utf8 ? "·" : "*",
	               doc_fmt_num(b2, sizeof b2, r->utility + r->payment),
	               doc_fmt_num(b3, sizeof b3, r->payment),
	               a->plot_family == MT_SWEEP_LAMBDA ? "set lambda to it" : "report it");
}

int plot_cursor_move(app *a, int delta)
{
	const mt_sweep *sw;
	size_t k;
	if (plot_cursor_row(a, &sw, &k)) {
		long at = (long)k + delta;
		at = at < 0 ? 0 : at >= (long)sw->nrows ? (long)sw->nrows - 1 : at;
		a->plot_point = (int)at;
	}
	readout(a);
	return R_REDRAW;
}

int plot_cursor_family(app *a)
{
	a->plot_family = (a->plot_family + 1) % MT_WORKER_NSWEEPS;
	a->plot_point = -1;
	readout(a);
	return R_REDRAW;
}

int plot_cursor_apply(app *a)
{
	const mt_sweep *sw;
	size_t k;
	if (!plot_cursor_row(a, &sw, &k)) {
		app_set_status(a, true, "no curve yet to take a point from");
		return R_REDRAW;
	}
	double t = sw->rows[k].param;
	doc_result r;
	if (sw->family == MT_SWEEP_LAMBDA) {
		mt_scenario *n = app_begin(a);
		if (!n)
			return R_REDRAW;
		n->lambda = t;
		return app_commit(a, n);
	}
	r = doc_misreport(&a->doc, app_group(a), sw->family, t);
	return r == DOC_CHANGED ? R_REDRAW | R_RESOLVE : R_REDRAW;
}

void plot_draw(app *a, int top, int height)
{
	const mt_scenario *sc = a->doc.sc;
	size_t i = app_group(a);
	const mt_stage_result *res = app_any_result(a, MT_STAGE_SWEEPS);
	if (res && (res->group != i || res->status != MT_OK))
		res = NULL;
	bool stale = res && res->generation != a->gen;
	/* Title and legend. */
	int x = 0;
	x += put_name(a, top, x, COLS / 2, A_BOLD, sc->groups[i].name);
	x += put(top, x, COLS - x, A_NORMAL, false, " (Tab: next group)  ");
	static const char *names[NSERIES] = {"payment", "w*v", "utility"};
	for (int s = NSERIES - 1; s >= 0; s--) {
		if (!shown(a, s))
			continue;
		char item[48];
		if (a->braille)
			snprintf(item, sizeof item, "%s %s  ", a->g->bar_full,
			         s == SERIES_VAL ? "w·v" : names[s]);
		else
			snprintf(item, sizeof item, "%c %s  ", series_letter[s], names[s]);
		x += put(top, x, COLS - x, a->attr[series_role[s]], false, item);
	}
	char truth[64];
	snprintf(truth, sizeof truth, "%s truth", a->g->truth_mark);
	put(top, x, COLS - x, a->attr[C_KEY], false, truth);
	int ph = (height - 1) / 2, pw = COLS / 2;
	for (int f = 0; f < MT_WORKER_NSWEEPS; f++) {
		int py = top + 1 + (f / 2) * ph, px = (f % 2) * pw;
		draw_panel(a, py, px, ph, pw, (mt_sweep_family)f, res, stale);
	}
}
