/* Chi-squared, f(t) = lambda (t - 1)^2: p = q max(0, 1 + (S - mu)/(2 lambda)). */
#include <math.h>

#include "div_root.h"

static double f(double t, double lambda)
{
	return lambda * (t - 1.0) * (t - 1.0);
}

static double fprime(double t, double lambda)
{
	return 2.0 * lambda * (t - 1.0);
}

static double fsecond(double t, double lambda)
{
	(void)t;
	return 2.0 * lambda;
}

static double t_of(double y, double lambda)
{
	double t = 1.0 + y / (2.0 * lambda);
	return t > 0.0 ? t : 0.0; /* not fmax: this is the solver's hot loop */
}

static double t_dt(double y, double lambda, double *dt)
{
	double h = 0.5 / lambda, t = 1.0 + y * h;
	*dt = t > 0.0 ? h : 0.0;
	return t > 0.0 ? t : 0.0;
}

/* Newton on the mass itself: convex, piecewise linear in mu. */
static double newton_step(double mass, double dmass)
{
	return (mass - 1.0) / dmass;
}

static double mu_low(double qbest, double lambda)
{
	return 2.0 * lambda * (1.0 - 1.0 / qbest);
}

static double mu_high(double lambda)
{
	(void)lambda;
	return 0.0;
}

MT_ROOT_OPTIMIZER(mt_div_chi2)

const mt_divergence mt_div_chi2 = {
        .name = "chi2",
        .formula = "lambda (t - 1)^2",
        .summary = "Pearson chi-squared: p = q max(0, 1 + (S - mu)/(2 lambda))",
        .continuous = true,
        .exact = MT_EXACT_CHI2,
        .f = f,
        .fprime = fprime,
        .fsecond = fsecond,
        .optimize = optimize,
};
