/* The coalition lines under the outcome table: the joint misreport of the
 * selected group and its partner (the worker's MT_STAGE_COALITION, the
 * numbers of `mechtune analyze --coalition A,B`).
 *
 *   coalition Alices+Carols: joint lie gains +1.232 (none) / +1.382 (vcg) ~search
 *     under vcg Alices 0.508→1.199  Carols 0.508→1.199   C partner  J play it
 *
 * The partner is the most profitable one for the selected group (every
 * pair is computed up to MT_COALITION_PAIR_MAX_GROUPS groups) or the one
 * the user picked with C; above that many groups only a picked pair is
 * computed, on demand. */
#include "app.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "mechtune/payment.h"
#include "mechtune/strbuf.h"

static bool picked(const app *a, size_t g)
{
	return a->co_n == a->doc.sc->n && a->co_group == g && a->co_partner < a->doc.sc->n &&
	       a->co_partner != g;
}

/* What the pair's ranking uses: the gain under the active rule. */
static const mt_coalition *under_rule(const mt_worker_pair *p)
{
	return p->have_rule ? &p->rule : &p->none;
}

static const mt_worker_pair *lookup_pair(const mt_stage_result *r, size_t g, size_t h)
{
	size_t lo = g < h ? g : h, hi = g < h ? h : g;
	for (size_t k = 0; r && k < r->npairs; k++)
		if (r->pairs[k].a == lo && r->pairs[k].b == hi)
			return &r->pairs[k];
	return NULL;
}

/* any: also a result of an older generation (drawn dimmed while the new
 * one computes); keys use only the current one. */
static void find_view(const app *a, coalition_view *v, bool any)
{
	const mt_scenario *sc = a->doc.sc;
	memset(v, 0, sizeof *v);
	size_t g = app_group(a);
	v->group = v->partner = g;
	if (sc->n < 2)
		return;
	v->on_demand = sc->n > MT_COALITION_PAIR_MAX_GROUPS;
	const mt_stage_result *r = app_result(a, MT_STAGE_COALITION);
	if (!r && any) {
		r = app_any_result(a, MT_STAGE_COALITION);
		v->stale = r != NULL;
	}
	v->res = r;
	bool ok = r && r->status == MT_OK;
	if (picked(a, g)) {
		v->picked = true;
		v->partner = a->co_partner;
		v->pair = ok ? lookup_pair(r, g, v->partner) : NULL;
	} else if (!v->on_demand) {
		/* The most profitable partner; ties to the lowest index, as
		 * best_pair breaks them. */
		v->partner = g == 0 ? 1 : 0;
		double best = -INFINITY;
		for (size_t k = 0; ok && k < r->npairs; k++) {
			const mt_worker_pair *p = &r->pairs[k];
			if (p->a != g && p->b != g)
				continue;
			size_t other = p->a == g ? p->b : p->a;
			double gain = under_rule(p)->gain;
			if (!v->pair || gain > best) { /* pairs come in index order */
				best = gain;
				v->partner = other;
				v->pair = p;
			}
		}
	}
	v->shown = v->pair ? under_rule(v->pair) : NULL;
}

void coalition_current(const app *a, coalition_view *v)
{
	find_view(a, v, false);
}

size_t coalition_request(const app *a, size_t *of)
{
	/* The pick stays asked for while the cursor visits other groups, so
	 * that it is there when the cursor comes back. */
	*of = a->co_group;
	if (a->doc.sc->n > MT_COALITION_PAIR_MAX_GROUPS && picked(a, a->co_group))
		return a->co_partner;
	return MT_WORKER_ALL_PAIRS;
}

bool coalition_pending(const app *a)
{
	const mt_scenario *sc = a->doc.sc;
	if (!a->needs.coalitions || sc->n < 2)
		return false;
	if (sc->n > MT_COALITION_PAIR_MAX_GROUPS && a->needs.partner >= sc->n)
		return false; /* nothing asked for */
	const mt_stage_result *an = app_result(a, MT_STAGE_ANALYSIS);
	if (!an || an->status != MT_OK)
		return false; /* the later stages do not run */
	return !app_result(a, MT_STAGE_COALITION);
}

static const char *method_word(mt_br_method m)
{
	return m == MT_BR_EXACT ? "exact" : "~search";
}

/* "Alices+Carols" with each name clipped to w columns, in index order (as
 * the worker computes the pair, `--coalition Alices,Carols`). */
static void pair_names(const app *a, const coalition_view *v, int w, mt_strbuf *sb)
{
	char n1[256], n2[256];
	const mt_scenario *sc = a->doc.sc;
	size_t lo = v->group < v->partner ? v->group : v->partner;
	size_t hi = v->group < v->partner ? v->partner : v->group;
	mt_strbuf_addf(sb, "%s+%s",
	               clip_text(sc->groups[lo].name, w, a->g->ellipsis, n1, sizeof n1),
	               clip_text(sc->groups[hi].name, w, a->g->ellipsis, n2, sizeof n2));
}

static void summary(const app *a, const coalition_view *v, int name_w, mt_strbuf *sb)
{
	const mt_worker_pair *p = v->pair;
	char b1[32], b2[32];
	pair_names(a, v, name_w, sb);
	/* One method word when both agree, else each gain says its own. */
	bool same = !p->have_rule || p->rule.method == p->none.method;
	mt_strbuf_addf(sb, ": joint lie gains %s (%s%s%s)",
	               doc_fmt_gain(b1, sizeof b1, p->none.gain), p->none.rule->name,
	               same ? "" : ", ", same ? "" : method_word(p->none.method));
	if (p->have_rule)
		mt_strbuf_addf(sb, " / %s (%s%s%s)", doc_fmt_gain(b2, sizeof b2, p->rule.gain),
		               p->rule.rule->name, same ? "" : ", ",
		               same ? "" : method_word(p->rule.method));
	if (same)
		mt_strbuf_addf(sb, " %s", method_word(p->none.method));
}

bool coalition_summary(const app *a, const coalition_view *v, char *buf, size_t len)
{
	mt_strbuf sb;
	mt_strbuf_init(&sb, buf, len);
	if (a->doc.sc->n < 2) {
		mt_strbuf_addf(&sb, "a coalition needs two groups");
	} else if (v->res && v->res->status != MT_OK) {
		mt_strbuf_addf(&sb, "coalitions not available: %s",
		               v->res->err.msg[0] ? v->res->err.msg
		                                  : mt_status_str(v->res->status));
	} else if (!v->pair && v->on_demand && !v->picked) {
		char key[32];
		if (!keys_action_key(a, "coalition_partner", key, sizeof key))
			snprintf(key, sizeof key, "?");
		mt_strbuf_addf(&sb, "above %d groups computed only on demand: %s picks a partner",
		               MT_COALITION_PAIR_MAX_GROUPS, key);
	} else if (!v->pair && !v->picked) {
		mt_strbuf_addf(&sb, "computing the most profitable partner%s", a->g->ellipsis);
	} else if (!v->pair) {
		pair_names(a, v, 24, &sb);
		mt_strbuf_addf(&sb, ": computing the joint lie%s", a->g->ellipsis);
	} else {
		summary(a, v, 24, &sb);
		mt_strbuf_finish(&sb, a->g->ellipsis);
		return true;
	}
	mt_strbuf_finish(&sb, a->g->ellipsis);
	return false;
}

int coalition_rows(const app *a)
{
	if (a->doc.sc->n < 2 || a->view != VIEW_MAIN)
		return 0;
	return 2;
}

/* "C partner  J play it" from the key table, right-aligned at y when it fits
 * after column x; returns the columns it takes from the right. */
static int draw_keys(app *a, int y, int x, bool play)
{
	char c[32], j[32], text[96];
	if (!keys_action_key(a, "coalition_partner", c, sizeof c) ||
	    !keys_action_key(a, "joint_lie", j, sizeof j))
		return 0;
	if (play)
		snprintf(text, sizeof text, "%s partner  %s plays it", c, j);
	else
		snprintf(text, sizeof text, "%s partner", c);
	int w = text_width(text);
	if (x + w + 2 > COLS)
		return 0;
	put(y, COLS - w - 1, w, a->attr[C_DIM], false, text);
	return w + 1;
}

void coalition_draw(app *a, int y, int rows)
{
	if (rows < 1)
		return;
	coalition_view v;
	find_view(a, &v, true);
	for (int k = 0; k < rows; k++) {
		move(y + k, 0);
		clrtoeol();
	}
	char line[1024];
	mt_strbuf sb;
	mt_strbuf_init(&sb, line, sizeof line);
	int name_w = COLS >= 100 ? 20 : 12;
	bool have = v.pair != NULL;
	attr_t at = have && !v.stale ? A_NORMAL : a->attr[C_DIM];
	if (have)
		summary(a, &v, name_w, &sb);
	else
		coalition_summary(a, &v, line, sizeof line);
	mt_strbuf_finish(&sb, a->g->ellipsis);
	int x = put(y, 0, COLS, a->attr[C_TITLE], false, "coalition ");
	put(y, x, COLS - x, at, false, line);
	if (rows < 2)
		return;
	y++;
	if (!have) {
		draw_keys(a, y, 2, false);
		return;
	}
	/* The members under the active rule: truthful -> joint lie. */
	const mt_coalition *c = v.shown;
	mt_strbuf_init(&sb, line, sizeof line);
	mt_strbuf_addf(&sb, "  under %s", c->rule->name);
	char b1[32], b2[32], nm[256];
	for (size_t j = 0; j < c->k; j++)
		mt_strbuf_addf(&sb, "  %s %s%s%s",
		               clip_text(a->doc.sc->groups[c->members[j]].name, name_w,
		                         a->g->ellipsis, nm, sizeof nm),
		               doc_fmt_num(b1, sizeof b1, c->utilities_truthful[j]), a->g->arrow,
		               doc_fmt_num(b2, sizeof b2, c->utilities[j]));
	mt_strbuf_addf(&sb, "%s", v.picked ? "" : " (best partner)");
	mt_strbuf_finish(&sb, a->g->ellipsis);
	int used = text_width(line);
	int kw = v.stale ? 0 : draw_keys(a, y, used, c->gain > 0.0);
	put(y, 0, COLS - kw, a->attr[C_DIM], false, line);
}
