/* Checkpoint pivot (theory.md section 7): instead of training without group
 * i, take the best, for the others, of the checkpoints saved while training
 * the real model: the mirror-ascent iterates p^0 = q .. p^K on the full
 * aggregate S, and the final model p* itself.
 *   pay_i = max_t ASW_{-i}(p^t) ∨ ASW_{-i}(p*) - ASW_{-i}(p*)  >= 0.
 * The checkpoints depend on group i's report, so DSIC can fail.  On a
 * finite menu, training evaluates every candidate, so the checkpoints are
 * the whole menu and the pivot is exact (= vcg). */
#include <math.h>
#include <stdlib.h>

#include "mechtune/mirror.h"
#include "mechtune/alloc.h"

typedef struct {
	const mt_engine *e;
	double *best; /* n: best ASW_{-i} over the checkpoints so far */
} visit_ctx;

static void visit(size_t t, const double *p, double div, void *arg)
{
	(void)t;
	visit_ctx *c = arg;
	const mt_scenario *sc = c->e->sc;
	double total = mt_dot(sc->m, p, c->e->S) - div;
	for (size_t i = 0; i < sc->n; i++) {
		const mt_group *g = &sc->groups[i];
		double a = total - g->reported_size * mt_dot(sc->m, p, g->reported);
		c->best[i] = fmax(c->best[i], a);
	}
}

static mt_status charge(const mt_engine *e, double *pay, mt_error *err)
{
	const mt_scenario *sc = e->sc;
	if (sc->k)
		return mt_pay_vcg.charge(e, pay, err);
	mt_status st = MT_OK;
	double *buf = mt_malloc((3 * sc->m + sc->n) * sizeof *buf); /* p, 2m scratch, best */
	if (!buf)
		return mt_error_set(err, MT_ENOMEM, NULL, 0, 0, "out of memory while charging");
	visit_ctx c = {.e = e, .best = buf + 3 * sc->m};
	for (size_t i = 0; i < sc->n; i++)
		c.best[i] = mt_engine_asw_without(e, i); /* the final model p* */
	st = mt_mirror_ascent(&e->rule, e->S, sc->training.steps, sc->training.step_size, buf,
	                      buf + sc->m, visit, &c, NULL, e->cancel, err);
	if (!st)
		for (size_t i = 0; i < sc->n; i++)
			pay[i] = c.best[i] - mt_engine_asw_without(e, i);
	free(buf);
	return st;
}

const mt_payment_rule mt_pay_checkpoint = {
        .name = "checkpoint",
        .label = "ckpoint",
        .summary = "pivot = best saved checkpoint for the others: cheap, >= 0, not DSIC",
        .dsic = false,
        .charge = charge,
};
