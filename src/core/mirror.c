/* Mirror ascent on the affine social welfare (mechtune/mirror.h). */
#include "mechtune/mirror.h"

#include <math.h>
#include <string.h>

mt_status mt_mirror_ascent(const mt_rule *r, const double *S, size_t steps, double eta, double *p,
                           double *scratch, mt_mirror_visit visit, void *ctx, mt_error *err)
{
	size_t m = r->m;
	memcpy(p, r->q, m * sizeof *p);
	if (visit)
		visit(0, p, 0.0, ctx);
	for (size_t t = 1; t <= steps; t++) {
		/* log p + eta * gradient, normalized with log-sum-exp */
		double top = -INFINITY;
		for (size_t x = 0; x < m; x++) {
			if (!(p[x] > 0.0)) {
				scratch[x] = -INFINITY;
				continue;
			}
			double grad = S[x] - r->div->fprime(p[x] / r->q[x], r->lambda);
			scratch[x] = log(p[x]) + eta * grad;
			top = fmax(top, scratch[x]);
		}
		if (!isfinite(top))
			return mt_error_set(
			        err, MT_ENUMERIC, NULL, 0, 0,
			        "mirror ascent diverged at step %zu; lower training.step_size", t);
		double z = 0.0;
		for (size_t x = 0; x < m; x++) {
			p[x] = exp(scratch[x] - top);
			z += p[x];
		}
		for (size_t x = 0; x < m; x++)
			p[x] /= z;
		if (visit)
			visit(t, p, mt_divergence_value(r->div, m, p, r->q, r->lambda), ctx);
	}
	return MT_OK;
}
