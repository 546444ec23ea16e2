/* Early-stopped pivot (theory.md section 7): the leave-one-out model is
 * trained for only training.steps mirror-ascent steps,
 *   pay_i = ASW_{-i}(p^K_{-i}) - ASW_{-i}(p*).
 * The pivot still ignores group i's report, so DSIC survives, but it can
 * fall below ASW_{-i}(p*): payments can be negative.  On a finite menu,
 * training evaluates every candidate, so the pivot is exact (= vcg). */
#include <stdlib.h>

#include "mechtune/mirror.h"
#include "mechtune/alloc.h"

static mt_status charge(const mt_engine *e, double *pay, mt_error *err)
{
	const mt_scenario *sc = e->sc;
	size_t m = sc->m;
	if (sc->k)
		return mt_pay_vcg.charge(e, pay, err);
	mt_status st = MT_OK;
	double *Si = mt_malloc(4 * m * sizeof *Si);
	if (!Si)
		return mt_error_set(err, MT_ENOMEM, NULL, 0, 0, "out of memory while charging");
	double *pk = Si + m, *tmp = Si + 2 * m; /* tmp: 2m */
	for (size_t i = 0; i < sc->n; i++) {
		if (mt_cancelled(e->cancel)) {
			st = mt_error_set(err, MT_ECANCELED, NULL, 0, 0, "cancelled");
			goto out;
		}
		const mt_group *g = &sc->groups[i];
		for (size_t x = 0; x < m; x++)
			Si[x] = e->S[x] - g->reported_size * g->reported[x];
		double div;
		st = mt_mirror_ascent(&e->rule, Si, sc->training.steps, sc->training.step_size, pk,
		                      tmp, NULL, NULL, &div, e->cancel, err);
		if (st)
			goto out;
		/* the divergence of the log-domain iterate: finite even where a
		 * probability of pk underflows (reverse_kl) */
		pay[i] = mt_dot(m, pk, Si) - div - mt_engine_asw_without(e, i);
	}
out:
	free(Si);
	return st;
}

const mt_payment_rule mt_pay_early_stop = {
        .name = "early_stop",
        .label = "early",
        .summary = "vcg with an early-stopped leave-one-out model: DSIC, may pay groups",
        .dsic = true,
        .shape = MT_SHAPE_AFFINE,
        .charge = charge,
};
