/* Best responses on a finite candidate menu (theory.md section 9): a
 * candidate is inducible when some report makes it the argmax, a small
 * linear program per candidate (GLPK).  Internal to the analysis. */
#ifndef MT_BR_MENU_H
#define MT_BR_MENU_H

#include <stdbool.h>
#include <stddef.h>

#include "mechtune/cancel.h"
#include "mechtune/scenario.h"

/* The caller's utility of reporting y (the analysis' surrogate). */
typedef double (*mt_menu_eval)(void *ctx, const double *y);

/* For every inducible candidate, find a witness y in the report space
 * (full: rewards and size; otherwise the true size), rank it with
 * eval(ctx, y) and keep the best in best_y / *best_val (updated only when
 * better).  Sm = S_{-i}, cand_div[k] = D_f(p_k||q).  Checks cancel before
 * every candidate (MT_ECANCELED). */
mt_status mt_menu_best(mt_menu_eval eval, void *ctx, const mt_scenario *sc, size_t i, bool full,
                       const double *Sm, const double *cand_div, double *best_y, double *best_val,
                       const mt_cancel *cancel, mt_error *err);

#endif
