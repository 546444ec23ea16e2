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

static double f_log(double u, double lambda)
{
	return -lambda * u;
}

static double t_of(double y, double lambda)
{
	return -lambda / y;
}

static double t_dt(double y, double lambda, double *dt)
{
	double iy = 1.0 / y;
	*dt = lambda * iy * iy;
	return -lambda * iy;
}

/* Newton on 1/mass, concave in mu (exactly linear for one response). */
static double newton_step(double mass, double dmass)
{
	return mass * (mass - 1.0) / dmass;
}

static double mu_low(double qbest, double lambda)
{
	return lambda * qbest;
}

static double mu_high(double lambda)
{
	return lambda;
}

MT_ROOT_OPTIMIZER(mt_div_reverse_kl)

const mt_divergence mt_div_reverse_kl = {
        .name = "reverse_kl",
        .formula = "-lambda log t",
        .summary = "reverse KL(q||p): p = lambda q / (mu - S)",
        .continuous = true,
        .f = f,
        .fprime = fprime,
        .fsecond = fsecond,
        .f_log = f_log,
        .optimize = optimize,
};
