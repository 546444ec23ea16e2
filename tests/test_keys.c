/* The explorer's key table: every key is bound once in each view and no
 * binding takes a digit.  keys_dispatch acts on the first binding of a key
 * in the current view, so a key bound twice in one view (M was, after two
 * branches met) silently loses one of its actions there. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "mechtune/library.h"
#include "tui.h"

static void every_key_bound_once(void **state)
{
	(void)state;
	assert_int_equal(tui_keys_check(stderr), 0);
}

int main(void)
{
	mt_library_init();
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(every_key_bound_once),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
