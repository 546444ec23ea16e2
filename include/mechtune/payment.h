/* mechtune/payment.h — payment rules.  One descriptor per rule
 * (src/core/pay_*.c), looked up by the name used in YAML and on the CLI. */
#ifndef MECHTUNE_PAYMENT_H
#define MECHTUNE_PAYMENT_H

#include <stdbool.h>
#include <stddef.h>

#include "mechtune/error.h"

struct mt_engine;

typedef struct mt_payment_rule {
	const char *name;
	const char *label; /* at most 7 characters, for narrow table headers */
	const char *summary;
	bool dsic; /* DSIC in theory (the analysis checks it numerically anyway) */
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
