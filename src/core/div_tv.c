/* Total variation, f(t) = lambda |t - 1|.  Not strictly convex: every
 * response whose reward is more than 2 lambda below the best gives all of its
 * mass to the best response (lowest index among ties); the others keep q. */
#include <math.h>

#include "mechtune/divergence.h"

static double f(double t, double lambda)
{
	return lambda * fabs(t - 1.0);
}

static double fprime(double t, double lambda)
{
	return t > 1.0 ? lambda : -lambda;
}

static double fsecond(double t, double lambda)
{
	(void)t;
	(void)lambda;
	return 0.0;
}

/* S is shifted: the best response has S = 0, the first one found wins. */
static mt_status optimize(size_t m, const double *q, const double *S, double lambda, double *p,
                          double *value, mt_error *err)
{
	(void)err;
	size_t best = 0;
	for (size_t x = 1; x < m; x++)
		if (S[x] > S[best])
			best = x;
	double moved = 0.0, val = 0.0;
	for (size_t x = 0; x < m; x++) {
		if (x != best && S[x] < S[best] - 2.0 * lambda) {
			p[x] = 0.0;
			moved += q[x];
		} else {
			p[x] = q[x];
			val += q[x] * S[x];
		}
	}
	p[best] += moved;
	val += moved * S[best] - 2.0 * lambda * moved; /* |p-q| = moved twice */
	*value = val;
	return MT_OK;
}

const mt_divergence mt_div_tv = {
        .name = "tv",
        .formula = "lambda |t - 1|",
        .summary = "total variation: move mass of responses 2 lambda below the best onto it",
        .continuous = false,
        .exact = MT_EXACT_TV,
        .f = f,
        .fprime = fprime,
        .fsecond = fsecond,
        .optimize = optimize,
};
