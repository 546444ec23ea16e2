/* Inducible candidates of a finite menu by linear programming (GLPK).
 *
 * In y coordinates (y = w~ rm~, the group's term of the aggregate reward)
 * candidate c is the argmax when, for every other candidate d,
 *   <p_c - p_d, S_{-i} + y> - (D_c - D_d) > 0,
 * linear in y.  The report space is {y >= 0, sum y <= W} (sum) or the box
 * [0, W]^m (max) for the full report; with the size fixed at w it is
 * {y >= 0, sum y = w} or the union over anchors a of {0 <= y <= w, y_a = w}.
 * Maximizing the smallest margin delta (capped at 1) tells whether c is
 * inducible (delta > tol) and gives a witness. */
#include "br_menu.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <glpk.h>

#include "mechtune/train.h"
#include "mechtune/alloc.h"

typedef struct {
	glp_prob *lp;
	int *ind;
	double *val;
} lp_state;

/* Build the margin LP of candidate c; false when c can never win (an
 * identical candidate with a lower index takes every tie). */
static bool build(lp_state *s, const mt_scenario *sc, size_t c, const double *Sm,
                  const double *cand_div, bool sum, bool full, double cap)
{
	size_t m = sc->m;
	const double *pc = sc->candidates[c].policy;
	glp_erase_prob(s->lp);
	glp_set_obj_dir(s->lp, GLP_MAX);
	glp_add_cols(s->lp, (int)m + 1);
	for (size_t x = 0; x < m; x++)
		glp_set_col_bnds(s->lp, (int)x + 1, sum ? GLP_LO : GLP_DB, 0.0, cap);
	glp_set_col_bnds(s->lp, (int)m + 1, GLP_UP, 0.0, 1.0);
	glp_set_obj_coef(s->lp, (int)m + 1, 1.0);
	for (size_t d = 0; d < sc->k; d++) {
		if (d == c)
			continue;
		const double *pd = sc->candidates[d].policy;
		double diff = 0.0, rhs = cand_div[c] - cand_div[d];
		for (size_t x = 0; x < m; x++) {
			s->ind[x + 1] = (int)x + 1;
			s->val[x + 1] = pc[x] - pd[x];
			diff = fmax(diff, fabs(pc[x] - pd[x]));
			rhs -= (pc[x] - pd[x]) * Sm[x];
		}
		if (diff < 1e-15 && fabs(cand_div[c] - cand_div[d]) < 1e-15) {
			if (d < c)
				return false; /* an identical earlier candidate wins every tie */
			continue;
		}
		s->ind[m + 1] = (int)m + 1;
		s->val[m + 1] = -1.0;
		int row = glp_add_rows(s->lp, 1);
		glp_set_row_bnds(s->lp, row, GLP_LO, rhs, 0.0);
		glp_set_mat_row(s->lp, row, (int)m + 1, s->ind, s->val);
	}
	if (sum) {
		for (size_t x = 0; x < m; x++) {
			s->ind[x + 1] = (int)x + 1;
			s->val[x + 1] = 1.0;
		}
		int row = glp_add_rows(s->lp, 1);
		glp_set_row_bnds(s->lp, row, full ? GLP_UP : GLP_FX, cap, cap);
		glp_set_mat_row(s->lp, row, (int)m, s->ind, s->val);
	}
	return true;
}

/* Solve; true with the witness in y when the margin exceeds tol. */
static bool solve(lp_state *s, size_t m, double tol, double *y)
{
	glp_smcp parm;
	glp_init_smcp(&parm);
	parm.msg_lev = GLP_MSG_OFF;
	parm.presolve = GLP_ON;
	if (glp_simplex(s->lp, &parm) != 0 || glp_get_status(s->lp) != GLP_OPT)
		return false;
	if (!(glp_get_obj_val(s->lp) > tol))
		return false;
	for (size_t x = 0; x < m; x++)
		y[x] = fmax(0.0, glp_get_col_prim(s->lp, (int)x + 1));
	return true;
}

mt_status mt_menu_best(mt_menu_eval eval, void *ctx, const mt_scenario *sc, size_t i, bool full,
                       const double *Sm, const double *cand_div, double *best_y, double *best_val,
                       const mt_cancel *cancel, mt_error *err)
{
	size_t m = sc->m;
	bool sum = sc->normalization == MT_NORM_SUM;
	double cap = full ? sc->max_size : sc->groups[i].size;
	double scale = cap;
	for (size_t x = 0; x < m; x++)
		scale = fmax(scale, fabs(Sm[x]));
	double tol = 1e-9 * (1.0 + scale);
	mt_status st = MT_OK;
	glp_term_out(GLP_OFF);
	lp_state s = {.lp = glp_create_prob(),
	              .ind = mt_malloc((m + 2) * sizeof(int)),
	              .val = mt_malloc((m + 2) * sizeof(double))};
	double *y = mt_malloc((m ? m : 1) * sizeof *y);
	if (!s.ind || !s.val || !y) {
		st = mt_error_set(err, MT_ENOMEM, NULL, 0, 0, "out of memory in the menu search");
		goto out;
	}
	for (size_t c = 0; c < sc->k; c++) {
		if (mt_cancelled(cancel)) {
			st = mt_error_set(err, MT_ECANCELED, NULL, 0, 0, "cancelled");
			goto out;
		}
		if (!build(&s, sc, c, Sm, cand_div, sum, full, cap))
			continue;
		bool found = false;
		if (sum || full) {
			found = solve(&s, m, tol, y);
		} else if (solve(&s, m, tol, y)) {
			/* max normalization, size fixed: some coordinate must equal
			 * the size; try each anchor (the relaxation was feasible) */
			for (size_t a = 0; a < m && !found; a++) {
				glp_set_col_bnds(s.lp, (int)a + 1, GLP_FX, cap, cap);
				found = solve(&s, m, tol, y);
				glp_set_col_bnds(s.lp, (int)a + 1, GLP_DB, 0.0, cap);
			}
		}
		if (!found)
			continue;
		if (full) { /* y = 0 is no report: shift by a constant (changes no margin) */
			double tot = 0.0;
			for (size_t x = 0; x < m; x++)
				tot = sum ? tot + y[x] : fmax(tot, y[x]);
			if (tot < 1e-6 * cap)
				for (size_t x = 0; x < m; x++)
					y[x] += 1e-3 * cap / (sum ? (double)m : 1.0);
		}
		double v = eval(ctx, y);
		if (v > *best_val) {
			*best_val = v;
			memcpy(best_y, y, m * sizeof *y);
		}
	}
out:
	glp_delete_prob(s.lp);
	free(s.ind);
	free(s.val);
	free(y);
	glp_free_env(); /* GLPK keeps per-thread state: release it with the thread's work */
	return st;
}
