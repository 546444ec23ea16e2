/* vcg plus a report-independent term per group (payment equivalence,
 * theory.md section 5): pay_i = pay_i^vcg + shift_i + fraction * pivot_i.
 * The extra term ignores group i's report, so DSIC survives; IR and
 * non-negative payments may not (the analysis says which). */
#include "mechtune/train.h"

static mt_status charge(const mt_engine *e, double *pay, mt_error *err)
{
	for (size_t i = 0; i < e->sc->n; i++) {
		double pivot;
		mt_status st = mt_vcg_payment(e, i, &pay[i], &pivot, err);
		if (st)
			return st;
		pay[i] += e->sc->groups[i].shift + e->sc->pivot_fraction * pivot;
	}
	return MT_OK;
}

const mt_payment_rule mt_pay_vcg_shifted = {
        .name = "vcg_shifted",
        .label = "shifted",
        .summary = "vcg plus a report-independent shift (per-group shift, pivot_fraction)",
        .dsic = true,
        .shape = MT_SHAPE_AFFINE,
        .charge = charge,
};
