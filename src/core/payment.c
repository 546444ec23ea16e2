/* The table of payment rules (mechtune/payment.h). */
#include "mechtune/payment.h"

#include <string.h>

const mt_payment_rule *const mt_payment_rules[] = {
        &mt_pay_vcg,        &mt_pay_none,       &mt_pay_vcg_shifted,
        &mt_pay_checkpoint, &mt_pay_early_stop, NULL,
};

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
