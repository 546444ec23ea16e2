/* No payment: the plain SW-Max rule, under which lying pays (Thm 4.2). */
#include <string.h>

#include "mechtune/train.h"

static mt_status charge(const mt_engine *e, double *pay, mt_error *err)
{
	(void)err;
	memset(pay, 0, e->sc->n * sizeof *pay);
	return MT_OK;
}

const mt_payment_rule mt_pay_none = {
        .name = "none",
        .label = "none",
        .summary = "no payment: the SW-Max rule alone (lying pays)",
        .dsic = false,
        .charges_nothing = true,
        .shape = MT_SHAPE_NONE,
        .charge = charge,
};
