/* KL divergence, f(t) = lambda t log t: closed-form optimum
 * p(x) ∝ q(x) exp(S(x)/lambda), max ASW = lambda log sum_x q e^{S/lambda}. */
#include <float.h>
#include <math.h>

#include "mechtune/divergence.h"
#include "mechtune/vec.h"

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

static double fprime_log(double u, double lambda)
{
	return lambda * (u + 1.0);
}

static double f_log(double u, double lambda)
{
	double t = exp(u);
	return t > 0.0 ? lambda * t * u : 0.0;
}

static mt_status normalizer_failed(double z, double lambda, mt_error *err)
{
	if (isfinite(z))
		return mt_error_set(err, MT_ENUMERIC, NULL, 0, 0,
		                    "kl training failed: the normalizer sum q exp(S/lambda) is %g, "
		                    "not positive (lambda %g); move lambda towards 1",
		                    z, lambda);
	return mt_error_set(err, MT_ENUMERIC, NULL, 0, 0,
	                    "kl training failed: the normalizer sum q exp(S/lambda) is not a "
	                    "finite number (lambda %g); move lambda towards 1",
	                    lambda);
}

/* S is shifted (max S = 0), so every exponent is <= 0 and the sum is at
 * least q(argmax) > 0: the log-sum-exp is safe without a further shift. */
static mt_status optimize(size_t m, const double *q, const double *S, double lambda, double *p,
                          double *value, mt_error *err)
{
	const double inv = 1.0 / lambda;
	double z = 0.0;
	for (size_t x = 0; x < m; x++)
		p[x] = S[x] * inv;
	mt_vexp(m, p, p);
	for (size_t x = 0; x < m; x++) {
		p[x] *= q[x];
		z += p[x];
	}
	if (!(z > 0.0) || !isfinite(z))
		return normalizer_failed(z, lambda, err);
	const double iz = 1.0 / z;
	for (size_t x = 0; x < m; x++)
		p[x] *= iz;
	*value = lambda * log(z);
	return MT_OK;
}

static double lse_without(size_t m, const double *q, const double *S, double w, const double *r,
                          double top, double inv)
{
	enum { CHUNK = 256 }; /* exponents on the stack, a chunk at a time */
	double e[CHUNK], z = 0.0;
	for (size_t x0 = 0; x0 < m; x0 += CHUNK) {
		size_t len = m - x0 < CHUNK ? m - x0 : CHUNK;
		for (size_t k = 0; k < len; k++)
			e[k] = (S[x0 + k] - w * r[x0 + k] - top) * inv;
		mt_vexp(len, e, e);
		for (size_t k = 0; k < len; k++)
			z += q[x0 + k] * e[k];
	}
	return z;
}

/* One pass with the cheap shift top >= max; only when every term underflows
 * (top far above the true maximum) is the exact maximum found and used. */
static mt_status max_value_without(size_t m, const double *q, const double *S, double w,
                                   const double *r, double top, double lambda, double *value,
                                   mt_error *err)
{
	const double inv = 1.0 / lambda;
	double z = lse_without(m, q, S, w, r, top, inv);
	if (!(z >= DBL_MIN)) {
		top = S[0] - w * r[0];
		for (size_t x = 1; x < m; x++)
			top = S[x] - w * r[x] > top ? S[x] - w * r[x] : top;
		z = lse_without(m, q, S, w, r, top, inv);
	}
	if (!(z > 0.0) || !isfinite(z))
		return normalizer_failed(z, lambda, err);
	*value = top + lambda * log(z);
	return MT_OK;
}

const mt_divergence mt_div_kl = {
        .name = "kl",
        .formula = "lambda t log t",
        .summary = "Kullback-Leibler KL(p||q): p ∝ q exp(S/lambda)",
        .continuous = true,
        .exact = MT_EXACT_KL,
        .f = f,
        .fprime = fprime,
        .fsecond = fsecond,
        .fprime_log = fprime_log,
        .f_log = f_log,
        .optimize = optimize,
        .max_value_without = max_value_without,
};
