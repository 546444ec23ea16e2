/* mechtune/payment.h — payment rules.  One descriptor per rule
 * (src/core/pay_*.c), looked up by the name used in YAML and on the CLI. */
#ifndef MECHTUNE_PAYMENT_H
#define MECHTUNE_PAYMENT_H

#include <stdbool.h>
#include <stddef.h>

#include "mechtune/error.h"

struct mt_engine;

/* How a rule's payment depends on the report of the group that moves; the
 * analysis picks its search by it.  NONE: nothing is charged.  AFFINE:
 * pay_i = (report-independent) - ASW_{-i}(p*), so utility = w_i v_i +
 * ASW_{-i}(p*) - const (vcg, vcg_shifted, early_stop).  OTHER (the default
 * of a descriptor that says nothing): anything else, evaluated through the
 * rule itself. */
typedef enum { MT_SHAPE_OTHER = 0, MT_SHAPE_NONE, MT_SHAPE_AFFINE } mt_pay_shape;

typedef struct mt_payment_rule {
	const char *name;
	const char *label; /* at most 7 characters, for narrow table headers */
	const char *summary;
	bool dsic; /* DSIC in theory (the analysis checks it numerically anyway) */
	/* Every payment is 0 whatever the reports: the explorer hides the
	 * rule's best-response column, the worker skips the second analysis. */
	bool charges_nothing;
	mt_pay_shape shape;
	/* Fill pay[n] for the trained outcome held by the engine. */
	mt_status (*charge)(const struct mt_engine *e, double *pay, mt_error *err);
} mt_payment_rule;

extern const mt_payment_rule *const mt_payment_rules[];
const mt_payment_rule *mt_payment_find(const char *name);
const mt_payment_rule *mt_payment_next(const mt_payment_rule *r);

extern const mt_payment_rule mt_pay_none, mt_pay_vcg;
/* theory.md sections 5 and 7 (src/core/pay_vcg_shifted.c, pay_checkpoint.c, pay_early_stop.c) */
extern const mt_payment_rule mt_pay_vcg_shifted, mt_pay_checkpoint, mt_pay_early_stop;

#endif
