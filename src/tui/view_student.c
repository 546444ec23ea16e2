/* The student's screen (student.h): who and where the student is, the
 * round's state, the public scenario, the own group's truth and the report
 * being edited, the last result with what the truth would have given, the
 * history of rounds, the status line and the keys. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "mechtune/class.h"
#include "student.h"

#define LABEL_W 13
#define COL_W 9

static const char *phase_text(const mt_class_student_state *st, char *buf, size_t len)
{
	switch (st->phase) {
	case MT_STUDENT_WAITING:
		snprintf(buf, len, "waiting for the teacher to start a round");
		break;
	case MT_STUDENT_OPEN:
	case MT_STUDENT_SUBMITTED: {
		char left[64] = "";
		if (st->deadline_at) {
			int64_t ms = st->deadline_at - mt_class_student_now_ms();
			long s = ms > 0 ? (long)((ms + 999) / 1000) : 0;
			snprintf(left, sizeof left, ", %ld:%02ld left", s / 60, s % 60);
		}
		snprintf(buf, len, "round %lld open under %s%s%s", st->round, st->rule, left,
		         st->phase == MT_STUDENT_SUBMITTED
		                 ? ": report accepted, waiting for the others"
		                 : ": edit your report, Enter submits");
		break;
	}
	case MT_STUDENT_CLOSED:
		snprintf(buf, len, "round %lld (%s) closed: waiting for the teacher's next round",
		         st->round, st->rule);
		break;
	}
	return buf;
}

static void draw_header(student_ui *u, const mt_class_student_state *st)
{
	attr_t h = u->at[C_HEADER];
	move(0, 0);
	attrset((int)h);
	hline(' ', COLS);
	attrset(A_NORMAL);
	char right[96];
	snprintf(right, sizeof right, " %s ",
	         st->link == MT_STUDENT_SEATED       ? "connected"
	         : st->link == MT_STUDENT_CONNECTING ? "connecting..."
	                                             : "CONNECTION LOST");
	int rw = text_width(right);
	if (st->name[0])
		putf(0, 0, COLS - rw, h | A_BOLD,
		     " mechtune class %s %s %s table %lld seat %lld %s %s", u->g->sep, st->name,
		     u->g->sep, st->table, st->seat, u->g->sep, st->group_name);
	else
		putf(0, 0, COLS - rw, h | A_BOLD, " mechtune class %s %s", u->g->sep, u->host);
	put(0, COLS - rw, rw, st->link == MT_STUDENT_LOST ? u->at[C_ERROR] | A_BOLD : h, false,
	    right);
}

static void draw_cell(int y, int x, double v, attr_t at)
{
	char num[32];
	putf(y, x, COL_W, at, "%*s", COL_W - 1, doc_fmt_num(num, sizeof num, v));
}

/* The grid: responses, reference, the truth, the report; returns the next row. */
static int draw_grid(student_ui *u, const mt_class_student_state *st, int y)
{
	const mt_scenario *sc = u->d.sc;
	size_t m = sc->m, gi = st->group;
	const mt_group *g = &sc->groups[gi];
	int avail = (COLS - LABEL_W - COL_W - 14) / COL_W;
	size_t shown = avail < 1 ? 1 : (size_t)avail;
	if (shown > m)
		shown = m;
	if (u->col < m && u->col < u->first_col)
		u->first_col = u->col;
	if (u->col < m && u->col >= u->first_col + shown)
		u->first_col = u->col + 1 - shown;
	if (u->first_col + shown > m)
		u->first_col = m - shown;
	size_t f = u->first_col;
	int sx = LABEL_W + (int)shown * COL_W;
	char buf[64];
	put(y, 0, LABEL_W, u->at[C_DIM], true, f ? u->g->ellipsis : "");
	for (size_t k = 0; k < shown; k++)
		putf(y, LABEL_W + (int)k * COL_W, COL_W, u->at[C_TITLE] | A_BOLD, "%*s", COL_W - 1,
		     clip_text(sc->responses[f + k], COL_W - 1, u->g->ellipsis, buf, sizeof buf));
	putf(y, sx, COL_W, u->at[C_TITLE] | A_BOLD, "%*s", COL_W - 1, "size");
	if (f + shown < m)
		put(y, sx + COL_W, 3, u->at[C_DIM], false, u->g->ellipsis);
	y++;
	put(y, 0, LABEL_W, u->at[C_NORMAL], true, "reference");
	for (size_t k = 0; k < shown; k++)
		draw_cell(y, LABEL_W + (int)k * COL_W, sc->reference[f + k], u->at[C_DIM]);
	y++;
	put(y, 0, LABEL_W, u->at[C_NORMAL], true, "your truth");
	for (size_t k = 0; k < shown; k++)
		draw_cell(y, LABEL_W + (int)k * COL_W, g->rewards[f + k], u->at[C_NORMAL]);
	draw_cell(y, sx, g->size, u->at[C_NORMAL]);
	put(y, sx + COL_W, COLS - sx - COL_W, u->at[C_DIM], false, " private: only you see it");
	y++;
	bool lies = mt_group_lies(sc, gi);
	put(y, 0, LABEL_W, lies ? u->at[C_LIE] | A_BOLD : u->at[C_NORMAL], true, "your report");
	for (size_t k = 0; k <= shown; k++) {
		size_t c = k < shown ? f + k : m;
		double v = c < m ? g->reported[c] : g->reported_size;
		double t = c < m ? g->rewards[c] : g->size;
		attr_t at = fabs(v - t) > 1e-9 ? u->at[C_LIE] : u->at[C_NORMAL];
		if (c == u->col)
			at = u->at[C_CURSOR];
		int x = k < shown ? LABEL_W + (int)k * COL_W : sx;
		if (c == u->col && u->typing)
			putf(y, x, COL_W, at, "%*s_", COL_W - 2, u->typed);
		else
			draw_cell(y, x, v, at);
	}
	double sum = 0, top = 0;
	for (size_t x = 0; x < m; x++) {
		sum += g->reported[x];
		top = fmax(top, g->reported[x]);
	}
	bool norm_sum = sc->normalization == MT_NORM_SUM;
	putf(y, sx + COL_W, COLS - sx - COL_W, u->at[C_GOOD], " %s %.3f %s",
	     norm_sum ? "sum" : "max", norm_sum ? sum : top, u->g->check);
	y++;
	putf(y, 0, COLS, u->at[C_DIM], "%s",
	     lies ? "your report differs from the truth (marked); t resets it"
	          : "your report is the truth");
	return y + 1;
}

static void fmt_gain(char *buf, size_t len, double gain)
{
	if (gain >= 0)
		snprintf(buf, len, "your report gained +%.3f", gain);
	else
		snprintf(buf, len, "your report cost you %.3f", -gain);
}

static int draw_result(student_ui *u, const mt_class_student_state *st, int y, int bottom)
{
	if (!st->nresults || y >= bottom)
		return y;
	const mt_class_student_result *r = &st->results[st->nresults - 1];
	const mt_scenario *sc = u->d.sc;
	putf(y++, 0, COLS, u->at[C_TITLE] | A_BOLD, "round %lld under %s: the result", r->round,
	     r->rule);
	if (y < bottom) {
		char line[1024];
		int off = snprintf(line, sizeof line, "trained model:");
		for (size_t x = 0; x < sc->m && off < (int)sizeof line - 40; x++) {
			char num[32];
			off += snprintf(line + off, sizeof line - (size_t)off, " %s %s",
			                sc->responses[x],
			                doc_fmt_num(num, sizeof num, r->policy[x]));
		}
		put(y++, 2, COLS - 2, u->at[C_NORMAL], true, line);
	}
	if (y < bottom)
		putf(y++, 2, COLS - 2, u->at[C_NORMAL],
		     "valuation %.3f %s w%sv %.3f %s payment %.3f %s utility %.3f%s", r->valuation,
		     u->g->sep, u->g->utf8 ? "·" : "*", sc->groups[st->group].size * r->valuation,
		     u->g->sep, r->payment, u->g->sep, r->utility,
		     r->lied ? "  (you lied)" : "  (you told the truth)");
	if (y < bottom) /* utility = w·v - payment, w the group's true size */
		putf(y++, 2, COLS - 2, u->at[C_DIM],
		     "(w = %g, your group's true size; utility = w%sv %s payment)",
		     sc->groups[st->group].size, u->g->utf8 ? "·" : "*", u->g->utf8 ? "−" : "-");
	if (y < bottom) {
		char g[96];
		fmt_gain(g, sizeof g, r->gain);
		attr_t at = r->gain > 1e-9    ? u->at[C_LIE]
		            : r->gain < -1e-9 ? u->at[C_GOOD]
		                              : u->at[C_NORMAL];
		putf(y++, 2, COLS - 2, at | A_BOLD, "the truth would have given %.3f: %s",
		     r->truthful_utility, g);
	}
	return y;
}

static int draw_history(student_ui *u, const mt_class_student_state *st, int y, int bottom)
{
	if (st->nresults < 1 || y + 2 > bottom)
		return y;
	putf(y++, 0, COLS, u->at[C_TITLE] | A_BOLD, "%-7s %-12s %-5s %9s %9s %9s", "round", "rule",
	     "lied", "utility", "truthful", "gain");
	size_t rows = (size_t)(bottom - y);
	size_t from = st->nresults > rows ? st->nresults - rows : 0;
	for (size_t i = st->nresults; i-- > from && y < bottom;) {
		const mt_class_student_result *r = &st->results[i];
		putf(y++, 0, COLS, r->lied ? u->at[C_LIE] : u->at[C_NORMAL],
		     "%-7lld %-12s %-5s %9.3f %9.3f %+9.3f", r->round, r->rule,
		     r->lied ? "yes" : "no", r->utility, r->truthful_utility, r->gain);
	}
	return y;
}

void student_draw(student_ui *u)
{
	erase();
	const mt_class_student_state *st = mt_class_student_get(u->cl);
	if (COLS < 60 || LINES < 16) {
		putf(0, 0, COLS, A_BOLD, "terminal too small (%dx%d): mechtune class needs 60x16",
		     COLS, LINES);
		refresh();
		return;
	}
	draw_header(u, st);
	int y = 1;
	char buf[256];
	if (!u->have_doc) {
		put(2, 2, COLS - 4, A_NORMAL, false,
		    st->link == MT_STUDENT_LOST ? "not seated." : "joining the class...");
	} else {
		const mt_scenario *sc = u->d.sc;
		attr_t pa = st->phase == MT_STUDENT_OPEN        ? u->at[C_BAD] | A_BOLD
		            : st->phase == MT_STUDENT_SUBMITTED ? u->at[C_GOOD] | A_BOLD
		            : st->phase == MT_STUDENT_CLOSED    ? u->at[C_TITLE] | A_BOLD
		                                                : u->at[C_NORMAL] | A_BOLD;
		putf(y++, 0, COLS, pa, " %s", phase_text(st, buf, sizeof buf));
		putf(y++, 0, COLS, u->at[C_DIM],
		     " %s %s divergence %s %s %s %g %s %s normalization %s max size %g %s %zu "
		     "groups",
		     sc->name, u->g->sep, sc->divergence->name, u->g->sep, u->g->lambda, sc->lambda,
		     u->g->sep, mt_norm_name(sc->normalization), u->g->sep, sc->max_size, u->g->sep,
		     sc->n);
		y++;
		y = draw_grid(u, st, y);
		y++;
		int bottom = LINES - 2;
		y = draw_result(u, st, y, bottom);
		if (y < bottom)
			y++;
		draw_history(u, st, y, bottom);
	}
	/* the status line and the keys */
	if (u->confirm)
		put(LINES - 2, 0, COLS, u->at[C_KEY] | A_BOLD, true, u->status);
	else
		put(LINES - 2, 0, COLS, u->status_error ? u->at[C_ERROR] : u->at[C_NORMAL], true,
		    u->status);
	const char *keys = st->link == MT_STUDENT_LOST ? "r reconnect (your seat is kept)  q quit"
	                                               : "<-/-> column  +/- nudge  0-9 type  t "
	                                                 "truth  u undo  Enter/s submit  q quit";
	put(LINES - 1, 0, COLS, u->at[C_KEY], true, keys);
	refresh();
}
