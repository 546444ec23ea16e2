/* The table of payment rules (mechtune/payment.h). */
#include "mechtune/payment.h"

#include <string.h>

/* The table, in help-screen order (vcg, the default, first): one line per
 * rule, whose own file (pay_NAME.c) defines mt_pay_NAME with its flags
 * (dsic, charges_nothing, shape). */
#define MT_PAYMENT_TABLE(X)   \
	X(mt_pay_vcg)         \
	X(mt_pay_none)        \
	X(mt_pay_vcg_shifted) \
	X(mt_pay_checkpoint)  \
	X(mt_pay_early_stop)

#define DECLARE(r) extern const mt_payment_rule r;
MT_PAYMENT_TABLE(DECLARE)
#define ENTRY(r) &r,
const mt_payment_rule *const mt_payment_rules[] = {MT_PAYMENT_TABLE(ENTRY) NULL};

const mt_payment_rule *mt_payment_find(const char *name)
{
	for (size_t i = 0; name && mt_payment_rules[i]; i++)
		if (!strcmp(mt_payment_rules[i]->name, name))
			return mt_payment_rules[i];
	return NULL;
}

const mt_payment_rule *mt_payment_next(const mt_payment_rule *r)
{
	for (size_t i = 0; mt_payment_rules[i]; i++)
		if (mt_payment_rules[i] == r)
			return mt_payment_rules[i + 1] ? mt_payment_rules[i + 1]
			                               : mt_payment_rules[0];
	return mt_payment_rules[0];
}
