/* Squared Hellinger, f(t) = lambda (sqrt t - 1)^2:
 * p = q / (1 - (S - mu)/lambda)^2 with mu > max S - lambda. */
#include <math.h>

#include "div_root.h"

static double f(double t, double lambda)
{
	double r = sqrt(t) - 1.0;
	return lambda * r * r;
}

static double fprime(double t, double lambda)
{
	return lambda * (1.0 - 1.0 / sqrt(t));
}

static double fsecond(double t, double lambda)
{
	return 0.5 * lambda / (t * sqrt(t));
}

static double t_of(double y, double lambda)
{
	double r = 1.0 - y / lambda;
	return 1.0 / (r * r);
}

static double t_dt(double y, double lambda, double *dt)
{
	/* one division: t = (lambda a)^2, t' = 2 lambda^2 a^3 with a = 1/(lambda - y) */
	double a = 1.0 / (lambda - y), la = lambda * a;
	*dt = 2.0 * la * la * a;
	return la * la;
}

/* Newton on mass^-1/2, concave in mu (exactly linear for one response). */
static double newton_step(double mass, double dmass)
{
	return 2.0 * mass * (mass - 1.0) / ((sqrt(mass) + 1.0) * dmass);
}

static double mu_low(double qbest, double lambda)
{
	return lambda * (sqrt(qbest) - 1.0);
}

static double mu_high(double lambda)
{
	(void)lambda;
	return 0.0;
}

MT_ROOT_OPTIMIZER(mt_div_hellinger)

const mt_divergence mt_div_hellinger = {
        .name = "hellinger",
        .formula = "lambda (sqrt t - 1)^2",
        .summary = "squared Hellinger: p = q / (1 - (S - mu)/lambda)^2",
        .continuous = true,
        .f = f,
        .fprime = fprime,
        .fsecond = fsecond,
        .optimize = optimize,
};
