/* Reverse KL, f(t) = -lambda log t: p = lambda q / (mu - S), mu > max S. */
#include <math.h>

#include "div_root.h"

static double f(double t, double lambda)
{
	return t > 0.0 ? -lambda * log(t) : INFINITY;
}

static double fprime(double t, double lambda)
{
	return -lambda / t;
}

static double fsecond(double t, double lambda)
{
	return lambda / (t * t);
}

static double t_of(double y, double lambda)
{
	return -lambda / y;
}

static double mu_low(double qbest, double lambda)
{
	return lambda * qbest;
}

static double mu_high(double lambda)
{
	return lambda;
}

MT_ROOT_MASS(t_of)

static const mt_root_div root;

static mt_status optimize(size_t m, const double *q, const double *S, double lambda, double *p,
                          double *value, mt_error *err)
{
	return mt_root_optimize(&root, m, q, S, lambda, p, value, err);
}

const mt_divergence mt_div_reverse_kl = {
        .name = "reverse_kl",
        .formula = "-lambda log t",
        .summary = "reverse KL(q||p): p = lambda q / (mu - S)",
        .continuous = true,
        .f = f,
        .fprime = fprime,
        .fsecond = fsecond,
        .optimize = optimize,
};

static const mt_root_div root = {.div = &mt_div_reverse_kl,
                                 .t_of = t_of,
                                 .mass = mass,
                                 .mu_low = mu_low,
                                 .mu_high = mu_high};
