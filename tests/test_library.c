/* mt_library_init: after it a GSL error is a status returned to the caller,
 * not an abort (GSL's default handler prints and calls abort()). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_sf_log.h>

#include "mechtune/library.h"

static void gsl_error_is_a_status(void **state)
{
	(void)state;
	gsl_sf_result r;
	/* log of a negative number: a domain error, reported through the handler */
	assert_int_equal(gsl_sf_log_e(-1.0, &r), GSL_EDOM);
	mt_library_init(); /* a second call is harmless */
	assert_int_equal(gsl_sf_log_e(-1.0, &r), GSL_EDOM);
}

int main(void)
{
	mt_library_init();
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(gsl_error_is_a_status),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
