/* Process set-up of a program that uses the core (mechtune/library.h). */
#include "mechtune/library.h"

#include <gsl/gsl_errno.h>

void mt_library_init(void)
{
	gsl_set_error_handler_off();
}
