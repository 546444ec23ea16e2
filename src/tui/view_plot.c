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

static void draw_panel(app *a, int y, int x, int h, int w, mt_sweep_family f,
                       const mt_stage_result *res, bool stale)
{
	put(y, x, w - 1, a->attr[C_TITLE], false, family_title(f, a->g));
	if (!res || !res->have_sweep[f]) {
		const char *why = !res ? "computing"
		                  : f == MT_SWEEP_EPSILON
		                          ? "no polarizing misreport (equal rewards or "
		                            "a zero minimum)"
		                          : "not available";
		put(y + 2, x + 2, w - 3, a->attr[C_DIM], false, why);
		return;
	}
	const mt_sweep *sw = &res->sweeps[f];
	if (sw->nrows < 2) {
		put(y + 2, x + 2, w - 3, a->attr[C_DIM], false, "not enough points");
		return;
	}
	/* The parameter where utility peaks: under vcg it is the truth. */
	size_t best = 0;
	for (size_t k = 1; k < sw->nrows; k++)
		if (sw->rows[k].utility > sw->rows[best].utility + 1e-12)
			best = k;
	char peak[64];
	snprintf(peak, sizeof peak, "max u at %.3g", sw->rows[best].param);
	int tw = text_width(family_title(f, a->g));
	if (tw + 2 + text_width(peak) < w)
		put(y, x + w - 1 - text_width(peak), text_width(peak), a->attr[C_DIM], false, peak);

	int lw = 7; /* y labels */
	int pw = w - lw - 1, ph = h - 2;
	if (pw < 4 || ph < 2)
		return;
	double lo = INFINITY, hi = -INFINITY;
	for (size_t k = 0; k < sw->nrows; k++)
		for (int s = 0; s < NSERIES; s++) {
			if (!shown(a, s))
				continue;
			double v = series_value(&sw->rows[k], s);
			if (isfinite(v)) {
				lo = fmin(lo, v);
				hi = fmax(hi, v);
			}
		}
	if (!(hi > lo)) {
		lo -= 0.5;
		hi += 0.5;
	}
	double pad = (hi - lo) * 0.05;
	lo -= pad;
	hi += pad;
	bool braille = a->braille;
	canvas c = {pw, ph, calloc((size_t)pw * (size_t)ph, 1), calloc((size_t)pw * (size_t)ph, 1)};
	if (!c.bits || !c.series) {
		free(c.bits);
		free(c.series);
		return;
	}
	int W = braille ? 2 * pw : pw, H = braille ? 4 * ph : ph;
	double p0 = sw->rows[0].param, p1 = sw->rows[sw->nrows - 1].param;
	double span = p1 - p0 > 0 ? p1 - p0 : 1.0;
#define PX(p) (((p)-p0) / span * (W - 1))
#define PY(v) ((hi - (v)) / (hi - lo) * (H - 1))
	for (int s = 0; s < NSERIES; s++) {
		if (!shown(a, s))
			continue;
		for (size_t k = 0; k + 1 < sw->nrows; k++) {
			double v0 = series_value(&sw->rows[k], s),
			       v1 = series_value(&sw->rows[k + 1], s);
			if (!isfinite(v0) || !isfinite(v1))
				continue;
			if (braille)
				segment(&c, PX(sw->rows[k].param), PY(v0),
				        PX(sw->rows[k + 1].param), PY(v1), s, true);
			else
				segment(&c, PX(sw->rows[k].param), PY(v0),
				        PX(sw->rows[k + 1].param), PY(v1), s, false);
		}
	}
	int truth_col = -1;
	if (sw->truth_param >= p0 - 1e-12 && sw->truth_param <= p1 + 1e-12)
		truth_col = (int)lround((sw->truth_param - p0) / span * (pw - 1));
	attr_t dim = a->attr[C_DIM];
	for (int r = 0; r < ph; r++) {
		int yy = y + 1 + r;
		if (r == 0 || r == ph - 1 || r == ph / 2) {
			double v = hi - (hi - lo) * (double)r / (ph - 1);
			char b[32];
			putf(yy, x, lw - 1, dim, "%6s", doc_fmt_num(b, sizeof b, v));
		}
		put(yy, x + lw - 1, 1, dim, false, a->g->vline);
		move(yy, x + lw);
		for (int cx = 0; cx < pw; cx++) {
			size_t k = (size_t)r * (size_t)pw + (size_t)cx;
			if (c.series[k]) {
				attr_t at = a->attr[series_role[c.series[k] - 1]];
				if (stale)
					at = dim;
				attrset((int)(at));
				if (braille)
					put_codepoint(0x2800u + c.bits[k]);
				else
					addch((chtype)c.bits[k]);
				attrset((int)(A_NORMAL));
			} else if (cx == truth_col) {
				attrset((int)(dim));
				addstr(a->g->dots);
				attrset((int)(A_NORMAL));
			} else {
				addch(' ');
			}
		}
	}
	/* x axis: from, truth, to */
	int yy = y + h - 1;
	char b0[32], b1[32], bt[48];
	snprintf(b0, sizeof b0, "%.3g", p0);
	snprintf(b1, sizeof b1, "%.3g", p1);
	put(yy, x + lw, pw, dim, false, b0);
	put(yy, x + lw + pw - text_width(b1), text_width(b1), dim, false, b1);
	if (truth_col >= 0) {
		snprintf(bt, sizeof bt, "%s%.3g", a->g->truth_mark, sw->truth_param);
		int tx = x + lw + truth_col;
		int bw = text_width(bt);
		if (tx + bw > x + lw + pw)
			tx = x + lw + pw - bw;
		put(yy, tx, bw, a->attr[C_KEY], false, bt);
	}
	free(c.bits);
	free(c.series);
#undef PX
#undef PY
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
