/* The affine-maximizer (extended VCG) payment, Proposition 4.4:
 * pay_i = max_p ASW_{-i}(p) - ASW_{-i}(p*). */
#include <math.h>

#include "mechtune/train.h"

/* The payment is a difference of two maxima that agree exactly when group
 * i does not move the policy; rounding can leave a few ulps below zero.
 * Proposition 4.4 says pay_i >= 0, so such residue is snapped to 0. */
#define ROUNDING_TOL 1e-12

mt_status mt_vcg_payment(const mt_engine *e, size_t i, double *pay, double *pivot, mt_error *err)
{
	if (mt_cancelled(e->cancel))
		return mt_error_set(err, MT_ECANCELED, NULL, 0, 0, "cancelled");
	mt_status st = mt_engine_pivot(e, i, pivot, err);
	if (st)
		return st;
	*pay = *pivot - mt_engine_asw_without(e, i);
	if (*pay < 0.0 && *pay > -ROUNDING_TOL * (1.0 + fabs(*pivot)))
		*pay = 0.0;
	return MT_OK;
}

static mt_status charge(const mt_engine *e, double *pay, mt_error *err)
{
	for (size_t i = 0; i < e->sc->n; i++) {
		double pivot;
		mt_status st = mt_vcg_payment(e, i, &pay[i], &pivot, err);
		if (st)
			return st;
	}
	return MT_OK;
}

const mt_payment_rule mt_pay_vcg = {
        .name = "vcg",
        .label = "vcg",
        .summary = "affine maximizer (extended VCG): pay the welfare your report costs the others",
        .dsic = true,
        .shape = MT_SHAPE_AFFINE,
        .charge = charge,
};
