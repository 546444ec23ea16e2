/* The divergence table and D_f(p||q) (include/mechtune/divergence.h). */
#include "mechtune/divergence.h"

#include <math.h>
#include <string.h>

/* The table, in help-screen order: one line per divergence, whose own file
 * (div_NAME.c) defines mt_div_NAME.  Everything else (the loader, the
 * command line's usage and the explorer's key help, the `d` key) reads
 * the table. */
#define MT_DIVERGENCE_TABLE(X) \
	X(mt_div_kl)           \
	X(mt_div_chi2)         \
	X(mt_div_hellinger)    \
	X(mt_div_reverse_kl)   \
	X(mt_div_tv)

#define DECLARE(d) extern const mt_divergence d;
MT_DIVERGENCE_TABLE(DECLARE)
#define ENTRY(d) &d,
const mt_divergence *const mt_divergences[] = {MT_DIVERGENCE_TABLE(ENTRY) NULL};

const mt_divergence *mt_divergence_find(const char *name)
{
	for (size_t i = 0; name && mt_divergences[i]; i++)
		if (!strcmp(mt_divergences[i]->name, name))
			return mt_divergences[i];
	return NULL;
}

const mt_divergence *mt_divergence_next(const mt_divergence *d)
{
	for (size_t i = 0; mt_divergences[i]; i++)
		if (mt_divergences[i] == d)
			return mt_divergences[i + 1] ? mt_divergences[i + 1] : mt_divergences[0];
	return mt_divergences[0];
}

double mt_divergence_value(const mt_divergence *d, size_t m, const double *p, const double *q,
                           double lambda)
{
	double sum = 0.0;
	for (size_t x = 0; x < m; x++)
		sum += q[x] * d->f(p[x] / q[x], lambda);
	return sum;
}
