/* vcg plus a report-independent term per group (payment equivalence,
 * theory.md section 5): pay_i = pay_i^vcg + shift_i + fraction * pivot_i.
 * The extra term ignores group i's report, so DSIC survives; IR and
 * non-negative payments may not (the analysis says which). */
#include "mechtune/train.h"

static mt_status charge(const mt_engine *e, double *pay, mt_error *err)
{
	for (size_t i = 0; i < e->sc->n; i++) {
		if (mt_cancelled(e->cancel))
			return mt_error_set(err, MT_ECANCELED, NULL, 0, 0, "cancelled");
		double pivot;
		mt_status st = mt_engine_pivot(e, i, &pivot, err);
		if (st)
			return st;
		pay[i] = pivot - mt_engine_asw_without(e, i) + e->sc->groups[i].shift +
		         e->sc->pivot_fraction * pivot;
	}
	return MT_OK;
}

const mt_payment_rule mt_pay_vcg_shifted = {
        .name = "vcg_shifted",
        .summary = "vcg plus a report-independent shift (per-group shift, pivot_fraction)",
        .dsic = true,
        .charge = charge,
};
