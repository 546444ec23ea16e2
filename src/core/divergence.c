/* The divergence table and D_f(p||q) (include/mechtune/divergence.h). */
#include "mechtune/divergence.h"

#include <math.h>
#include <string.h>

const mt_divergence *const mt_divergences[] = {
        &mt_div_kl, &mt_div_chi2, &mt_div_hellinger, &mt_div_reverse_kl, &mt_div_tv, NULL,
};

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
