/* The vectorized kernels (mechtune/vec.h) against libm. */
#include <float.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mechtune/vec.h"
#include "testutil.h"

/* |a - b| in units in the last place of b (libm's exp, itself within 1 ulp);
 * subnormal results count in units of the smallest subnormal. */
static double ulps(double a, double b)
{
	if (a == b)
		return 0.0;
	double u = fabs(b) < DBL_MIN ? 0x1p-1074 : nextafter(fabs(b), INFINITY) - fabs(b);
	return fabs(a - b) / u;
}

static void test_vexp_against_libm(void **state)
{
	(void)state;
	enum { N = 20000 };
	static double x[N], y[N];
	tu_rng rng = {11};
	for (size_t i = 0; i < N; i++) {
		double u = tu_uniform(&rng);
		switch (i % 5) {
		case 0: x[i] = -760.0 + 1480.0 * u; break; /* the whole range and beyond */
		case 1: x[i] = -1.0 + 2.0 * u; break;      /* near 0 */
		case 2: x[i] = -50.0 * u; break;           /* KL's exponents: <= 0 */
		case 3: x[i] = -745.2 + 37.0 * u; break;   /* subnormal results */
		default: x[i] = 700.0 + 10.0 * u; break;   /* near overflow */
		}
	}
	mt_vexp(N, x, y);
	double worst = 0.0;
	for (size_t i = 0; i < N; i++) {
		double e = exp(x[i]);
		assert_int_equal(isinf(y[i]), isinf(e));
		if (isfinite(e))
			worst = fmax(worst, ulps(y[i], e));
	}
	assert_true(worst <= 2.0);
	/* lengths that leave a remainder after the vector loop, in place */
	for (size_t n = 0; n < 9; n++) {
		double v[9];
		for (size_t i = 0; i < n; i++)
			v[i] = x[i];
		mt_vexp(n, v, v);
		for (size_t i = 0; i < n; i++)
			assert_true(ulps(v[i], exp(x[i])) <= 2.0);
	}
}

static void test_vexp_special_values(void **state)
{
	(void)state;
	double x[] = {NAN,
	              INFINITY,
	              -INFINITY,
	              0.0,
	              -0.0,
	              709.78,
	              709.79,
	              1e308,
	              -745.13,
	              -745.14,
	              -1e308,
	              1e-300,
	              -708.39641853226408,
	              709.782712893384};
	size_t n = sizeof x / sizeof x[0];
	double y[sizeof x / sizeof x[0]];
	mt_vexp(n, x, y);
	assert_true(isnan(y[0]));
	assert_true(y[1] == INFINITY);
	assert_true(y[2] == 0.0);
	assert_true(y[3] == 1.0 && y[4] == 1.0);
	assert_true(isfinite(y[5]) && ulps(y[5], exp(x[5])) <= 2.0);
	assert_true(y[6] == INFINITY && y[7] == INFINITY);
	assert_true(y[8] > 0.0 && y[8] <= 0x1p-1073); /* the smallest subnormals */
	assert_true(y[9] == 0.0 && y[10] == 0.0);
	assert_true(y[11] == 1.0);
	for (size_t i = 12; i < n; i++)
		assert_true(ulps(y[i], exp(x[i])) <= 2.0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_vexp_against_libm),
	        cmocka_unit_test(test_vexp_special_values),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
