/* The explain view (e): where every number of the selected group's outcome
 * row comes from — valuation, payment with both of its terms, utility, IR —
 * and the sign function t(x) of Theorem B.2 per response.  The numbers are
 * the solve's and the analysis' (the same the CLI prints); only sums of
 * displayed terms are formed here. */
#include "app.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mechtune/analysis.h"
#include "mechtune/payment.h"
#include "mechtune/strbuf.h"

/* The formula column and the "= value" column. */
#define EX_LABEL_W 12

typedef struct {
	app *a;
	int y, end; /* next row, first row not ours */
	bool u;     /* UTF-8 glyphs */
} ex_page;

static const char *tx(const ex_page *p, const char *utf8, const char *ascii)
{
	return p->u ? utf8 : ascii;
}

/* One line "label  text", clipped to the screen; returns false when the
 * page is full. */
static bool ex_line(ex_page *p, attr_t lat, const char *label, attr_t at, const char *text)
{
	if (p->y >= p->end)
		return false;
	move(p->y, 0);
	clrtoeol();
	put(p->y, 0, EX_LABEL_W, lat, false, label);
	put(p->y, EX_LABEL_W, COLS - EX_LABEL_W, at, false, text);
	p->y++;
	return true;
}

/* The explain lines' relations: a − b, a × b and a − b × c. */
typedef enum { REL_SUB, REL_MUL, REL_SUBMUL } rel_kind;

static double rel_eval(rel_kind k, const double *v)
{
	return k == REL_SUB ? v[0] - v[1] : k == REL_MUL ? v[0] * v[1] : v[0] - v[1] * v[2];
}

/* v written with d decimals, or as doc_fmt_num writes it when d < 0. */
static const char *rel_num(char *buf, size_t len, double v, int d)
{
	if (d < 0)
		return doc_fmt_num(buf, len, v);
	snprintf(buf, len, "%.*f", d, v);
	return buf;
}

/* Whether the operands as written with d decimals give the result as
 * written: what a reader checking the line by hand finds. */
static bool rel_shows(rel_kind k, const double *v, size_t n, double r, int d)
{
	char b[32], want[32], got[32];
	double shown[3];
	for (size_t j = 0; j < n; j++)
		shown[j] = strtod(rel_num(b, sizeof b, v[j], d), NULL);
	rel_num(want, sizeof want, r, d);
	rel_num(got, sizeof got, rel_eval(k, shown), d);
	return !strcmp(want, got);
}

/* "A − B = R" (or "A × B", "A − B × C") with the fewest decimals, 3 to 6,
 * at which the line adds up as written; "≈" instead of "=" when none does
 * (or a number is too small or too large for plain decimals), so that no
 * line reads as false arithmetic.  Returns buf. */
static const char *ex_rel(const ex_page *p, char *buf, size_t len, rel_kind k, const double *v,
                          double r)
{
	size_t n = k == REL_SUBMUL ? 3 : 2;
	bool plain = fabs(r) < 100.0 && (r == 0.0 || fabs(r) >= 5e-4);
	for (size_t j = 0; j < n; j++)
		plain = plain && fabs(v[j]) < 100.0 && (v[j] == 0.0 || fabs(v[j]) >= 5e-4);
	int d = -1;
	for (int t = 3; plain && t <= 6 && d < 0; t++)
		if (rel_shows(k, v, n, r, t))
			d = t;
	const char *eq = d >= 0 || rel_shows(k, v, n, r, -1) ? "=" : tx(p, "≈", "~=");
	const char *minus = tx(p, "−", "-"), *times = tx(p, "×", "x");
	char b0[32], b1[32], b2[32], br[32];
	rel_num(b0, sizeof b0, v[0], d);
	rel_num(b1, sizeof b1, v[1], d);
	rel_num(br, sizeof br, r, d);
	if (k == REL_SUBMUL)
		snprintf(buf, len, "%s %s %s %s %s %s %s", b0, minus, b1, times,
		         rel_num(b2, sizeof b2, v[2], d), eq, br);
	else
		snprintf(buf, len, "%s %s %s %s %s", b0, k == REL_SUB ? minus : times, b1, eq, br);
	return buf;
}

/* <p*, rm> spelled out term by term when that fits on one line. */
static void valuation_terms(const ex_page *p, const mt_outcome *o, const mt_group *g, char *buf,
                            size_t len)
{
	const mt_scenario *sc = p->a->doc.sc;
	mt_strbuf sb;
	mt_strbuf_init(&sb, buf, len);
	mt_strbuf_addf(&sb, "= ");
	char b1[32], b2[32];
	for (size_t x = 0; x < sc->m && !sb.truncated; x++)
		mt_strbuf_addf(&sb, "%s%s%s%s", x ? " + " : "",
		               doc_fmt_num(b1, sizeof b1, o->policy[x]), tx(p, "·", "*"),
		               doc_fmt_num(b2, sizeof b2, g->rewards[x]));
	mt_strbuf_finish(&sb, p->a->g->ellipsis);
	if (sb.truncated || text_width(buf) > COLS - EX_LABEL_W - 2)
		snprintf(buf, len,
		         "%s over the %zu responses (p* in the Policy panel, rm in the grid)",
		         tx(p, "= Σ p*(x)·rm(x)", "= sum p*(x)*rm(x)"), sc->m);
}

static void ex_valuation(ex_page *p, const mt_outcome *o, size_t i)
{
	const mt_scenario *sc = p->a->doc.sc;
	const mt_group *g = &sc->groups[i];
	const mt_group_outcome *go = &o->groups[i];
	char line[1024], b1[32];
	attr_t t = p->a->attr[C_TITLE];
	snprintf(line, sizeof line, "%s = %s   (p* trained, rm the true rewards)",
	         tx(p, "v = ⟨p*, rm⟩", "v = <p*, rm>"), doc_fmt_num(b1, sizeof b1, go->valuation));
	ex_line(p, t, "valuation", A_NORMAL, line);
	valuation_terms(p, o, g, line, sizeof line);
	ex_line(p, A_NORMAL, "", p->a->attr[C_DIM], line);
	char rel[256];
	snprintf(line, sizeof line, "w%sv = %s   (w the true size)", tx(p, "·", "*"),
	         ex_rel(p, rel, sizeof rel, REL_MUL, (double[]){g->size, go->valuation},
	                go->group_valuation));
	ex_line(p, t, "group value", A_NORMAL, line);
	if (sc->k && o->choice < sc->k) {
		snprintf(line, sizeof line, "p* = candidate %s, the best of the menu's %zu",
		         sc->candidates[o->choice].name, sc->k);
		ex_line(p, A_NORMAL, "", p->a->attr[C_DIM], line);
	}
}

static void ex_payment(ex_page *p, const mt_outcome *o, size_t i)
{
	const mt_scenario *sc = p->a->doc.sc;
	const mt_group *g = &sc->groups[i];
	const mt_group_outcome *go = &o->groups[i];
	char line[1024], rel[256];
	attr_t t = p->a->attr[C_TITLE], dim = p->a->attr[C_DIM];
	const char *without = tx(p, "ASW₋ᵢ(p*)", "ASW_-i(p*)");
	if (sc->payment->charges_nothing) {
		snprintf(line, sizeof line, "pay = 0   (pay:%s charges nothing)",
		         sc->payment->name);
		ex_line(p, t, "payment", A_NORMAL, line);
	} else {
		snprintf(line, sizeof line, "pay = pivot %s %s = %s", tx(p, "−", "-"), without,
		         ex_rel(p, rel, sizeof rel, REL_SUB,
		                (double[]){go->pivot_term, go->asw_without}, go->payment));
		ex_line(p, t, "payment", A_NORMAL, line);
		snprintf(
		        line, sizeof line, "pivot = %s",
		        !strcmp(sc->payment->name, "vcg")
		                ? tx(p,
		                     "max_p ASW₋ᵢ(p): what the others would get without this group",
		                     "max_p ASW_-i(p): what the others would get without this "
		                     "group")
		                : sc->payment->summary);
		ex_line(p, A_NORMAL, "", dim, line);
	}
	ex_rel(p, rel, sizeof rel, REL_SUBMUL,
	       (double[]){o->objective, g->reported_size, mt_dot(sc->m, o->policy, g->reported)},
	       go->asw_without);
	snprintf(line, sizeof line, "%s = ASW(p*) %s %s", without, tx(p, "−", "-"),
	         tx(p, "w̃·⟨p*, r̃m⟩", "w~*<p*, rm~>"));
	size_t at = strlen(line);
	if (text_width(line) + 3 + text_width(rel) <= COLS - EX_LABEL_W) {
		snprintf(line + at, sizeof line - at, " = %s", rel);
	} else { /* the numbers on a line of their own */
		ex_line(p, A_NORMAL, "", dim, line);
		snprintf(line, sizeof line, "  = %s", rel);
	}
	ex_line(p, A_NORMAL, "", dim, line);
	ex_line(p, A_NORMAL, "", dim,
	        tx(p, "  the others' ASW at the reports (˜: reported; full regularizer)",
	           "  the others' ASW at the reports (~: reported; full regularizer)"));
}

static void ex_utility(ex_page *p, const mt_outcome *o, size_t i)
{
	const mt_group_outcome *go = &o->groups[i];
	char line[512];
	attr_t t = p->a->attr[C_TITLE];
	char rel[256];
	snprintf(line, sizeof line, "u = w%sv %s pay = %s", tx(p, "·", "*"), tx(p, "−", "-"),
	         ex_rel(p, rel, sizeof rel, REL_SUB, (double[]){go->group_valuation, go->payment},
	                go->utility));
	ex_line(p, t, "utility", A_BOLD, line);
	bool ir = go->utility >= -MT_DSIC_TOL * (1.0 + fabs(go->utility));
	snprintf(line, sizeof line,
	         "u %s 0 %s   (at the reports shown; the totals' IR is at the truth)",
	         ir ? p->a->g->ge : "<", ir ? p->a->g->check : p->a->g->cross);
	ex_line(p, t, "IR", A_NORMAL, line);
}

/* lie Δu of the row and its best-response columns. */
static void ex_lies(ex_page *p, const mt_outcome *o, size_t i)
{
	app *a = p->a;
	const mt_scenario *sc = a->doc.sc;
	const mt_analysis *none = app_none_analysis(a), *rule = app_rule_analysis(a);
	const mt_analysis *an = rule ? rule : none;
	char line[512], b1[32], b2[32], b3[32];
	attr_t t = a->attr[C_TITLE];
	if (mt_group_lies(sc, i) && an) {
		double tu = an->groups[i].truthful_utility, u = o->groups[i].utility;
		snprintf(line, sizeof line, "%s = u %s u(truth) = %s %s %s = %s", tx(p, "Δu", "du"),
		         tx(p, "−", "-"), doc_fmt_num(b1, sizeof b1, u), tx(p, "−", "-"),
		         doc_fmt_num(b2, sizeof b2, tu),
		         doc_fmt_gain(b3, sizeof b3,
		                      fabs(u - tu) < 1e-12 * (1.0 + fabs(tu)) ? 0.0 : u - tu));
		ex_line(p, t, "lie", A_NORMAL, line);
	}
	for (int k = 0; k < 2; k++) {
		const mt_analysis *x = k == 0 ? none : rule;
		if (!x || (k == 1 && sc->payment->charges_nothing))
			continue;
		const mt_report_outcome *br = &x->groups[i].best[MT_BR_FULL];
		snprintf(line, sizeof line, "%s: the best report gains %s over the truth (%s)",
		         k == 0 ? "w/o payment" : sc->payment->name,
		         doc_fmt_gain(b1, sizeof b1, br->gain),
		         br->method == MT_BR_EXACT ? "exact" : "~ search");
		ex_line(p, t, k == 0 ? "BR none" : "BR rule", A_NORMAL, line);
	}
}

/* t(x) per response, as many per line as fit, from the first one that
 * explain_left asks for. */
static void ex_t(ex_page *p, const mt_analysis *none, size_t i)
{
	app *a = p->a;
	const mt_scenario *sc = a->doc.sc;
	char line[512];
	if (p->y + 2 > p->end)
		return;
	ex_line(p, a->attr[C_TITLE], "t(x)", A_NORMAL,
	        tx(p, "Σₓ' (rm(x) − rm(x'))·h(x') (Theorem B.2); sign: where lies pay",
	           "sum_x' (rm(x) - rm(x'))*h(x') (Theorem B.2); sign: where lies pay"));
	if (!none || !none->groups[i].t) {
		ex_line(p, A_NORMAL, "", a->attr[C_DIM], a->g->ellipsis);
		return;
	}
	const double *t = none->groups[i].t;
	int item = 10 + 1 + 8 + 2, per = (COLS - 2) / item;
	if (per < 1)
		per = 1;
	int rows = p->end - p->y - 1, cap = rows * per;
	if (cap < per)
		return;
	int total = (int)sc->m;
	if (a->explain_left > total - cap)
		a->explain_left = total - cap;
	if (a->explain_left < 0)
		a->explain_left = 0;
	int first = a->explain_left, last = first + cap < total ? first + cap : total;
	for (int x = first; x < last; x += per) {
		move(p->y, 0);
		clrtoeol();
		for (int k = 0; k < per && x + k < last; k++) {
			char b[32];
			int xx = 2 + k * item;
			put_name(a, p->y, xx, 10, A_NORMAL, sc->responses[x + k]);
			double v = t[x + k];
			snprintf(b, sizeof b, "%+8.3f", fabs(v) < 5e-4 && v != 0.0 ? 0.0 : v);
			if (fabs(v) < 5e-4 && v != 0.0)
				snprintf(b, sizeof b, "%+8.0e", v);
			put(p->y, xx + 11, 8, a->attr[v > 0 ? C_BAD : C_NORMAL], false, b);
		}
		p->y++;
	}
	if (first > 0 || last < total) {
		snprintf(line, sizeof line, "responses %d%s%d of %d (%s scroll)", first + 1,
		         tx(p, "–", "-"), last, total, tx(p, "← →", "Left Right"));
		ex_line(p, A_NORMAL, "", a->attr[C_DIM], line);
	}
}

void explain_draw(app *a, int top, int height)
{
	ex_page p = {.a = a, .y = top, .end = top + height, .u = a->g->utf8};
	const mt_scenario *sc = a->doc.sc;
	size_t i = app_group(a);
	const mt_stage_result *res = app_result(a, MT_STAGE_SOLVE);
	const mt_outcome *o = res && res->status == MT_OK ? &res->outcome : NULL;
	char head[512];
	snprintf(head, sizeof head, "Explain: %s", sc->groups[i].name);
	move(p.y, 0);
	clrtoeol();
	int x = put(p.y, 0, COLS / 2, a->attr[C_TITLE] | A_BOLD, false, head);
	char where[128];
	snprintf(where, sizeof where, "  group %zu of %zu, %s", i + 1, sc->n,
	         mt_group_lies(sc, i) ? "reporting a lie" : "truthful");
	put(p.y, x, COLS - x, a->attr[C_DIM], false, where);
	p.y += 2;
	if (!o) {
		ex_line(&p, A_NORMAL, "", a->attr[C_DIM],
		        res ? "the solve failed: see the header" : a->g->ellipsis);
		return;
	}
	ex_valuation(&p, o, i);
	ex_payment(&p, o, i);
	ex_utility(&p, o, i);
	ex_lies(&p, o, i);
	p.y++;
	ex_t(&p, app_none_analysis(a), i);
}
