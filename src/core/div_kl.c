/* KL divergence, f(t) = lambda t log t: closed-form optimum
 * p(x) ∝ q(x) exp(S(x)/lambda), max ASW = lambda log sum_x q e^{S/lambda}. */
#include <math.h>

#include "mechtune/divergence.h"

static double f(double t, double lambda)
{
	return t > 0.0 ? lambda * t * log(t) : 0.0;
}

static double fprime(double t, double lambda)
{
	return lambda * (log(t) + 1.0);
}

static double fsecond(double t, double lambda)
{
	return lambda / t;
}

/* S is shifted (max S = 0), so every exponent is <= 0 and the sum is at
 * least q(argmax) > 0: the log-sum-exp is safe without a further shift. */
static mt_status optimize(size_t m, const double *q, const double *S, double lambda, double *p,
                          double *value, mt_error *err)
{
	const double inv = 1.0 / lambda;
	double z = 0.0;
	for (size_t x = 0; x < m; x++) {
		p[x] = q[x] * exp(S[x] * inv);
		z += p[x];
	}
	if (!(z > 0.0) || !isfinite(z))
		return mt_error_set(err, MT_ENUMERIC, NULL, 0, 0,
		                    "kl training failed: normalizer %g is not positive", z);
	const double iz = 1.0 / z;
	for (size_t x = 0; x < m; x++)
		p[x] *= iz;
	*value = lambda * log(z);
	return MT_OK;
}

static mt_status max_value(size_t m, const double *q, const double *S, double smax, double lambda,
                           double *value, mt_error *err)
{
	const double inv = 1.0 / lambda;
	double z = 0.0;
	for (size_t x = 0; x < m; x++)
		z += q[x] * exp((S[x] - smax) * inv);
	if (!(z > 0.0) || !isfinite(z))
		return mt_error_set(err, MT_ENUMERIC, NULL, 0, 0,
		                    "kl training failed: normalizer %g is not positive", z);
	*value = lambda * log(z);
	return MT_OK;
}

const mt_divergence mt_div_kl = {
        .name = "kl",
        .formula = "lambda t log t",
        .summary = "Kullback-Leibler KL(p||q): p ∝ q exp(S/lambda)",
        .continuous = true,
        .f = f,
        .fprime = fprime,
        .fsecond = fsecond,
        .optimize = optimize,
        .max_value = max_value,
};
