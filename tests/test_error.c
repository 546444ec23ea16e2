/* The error record: long paths and messages are kept as far as they fit and
 * end in "..." when cut, never in half a UTF-8 character. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "mechtune/error.h"
#include "mechtune/library.h"

static void test_path_of_pathmax_kept_whole(void **state)
{
	(void)state;
	static char path[MT_ERROR_FILE_MAX];
	memset(path, 'a', sizeof path - 1);
	path[sizeof path - 1] = '\0';
	mt_error err;
	mt_error_set(&err, MT_EIO, path, 2, 3, "cannot open");
	assert_string_equal(err.file, path);
	static char line[MT_ERROR_TEXT_MAX];
	mt_error_format(&err, line, sizeof line);
	assert_int_equal(strlen(line), strlen(path) + strlen(":2:3: cannot open"));
}

static void test_overlong_path_and_message_end_in_dots(void **state)
{
	(void)state;
	static char path[2 * MT_ERROR_FILE_MAX];
	/* "é" is two bytes: a cut at an odd place would split it */
	for (size_t i = 0; i + 2 < sizeof path; i += 2)
		memcpy(path + i, "\xc3\xa9", 2);
	path[sizeof path - 2] = '\0';
	mt_error err;
	mt_error_set(&err, MT_EINVAL, path, 0, 0, "%s", path);
	size_t lf = strlen(err.file), lm = strlen(err.msg);
	assert_true(lf < MT_ERROR_FILE_MAX && lf > MT_ERROR_FILE_MAX - 8);
	assert_string_equal(err.file + lf - 3, "...");
	assert_string_equal(err.msg + lm - 3, "...");
	assert_int_equal((lf - 3) % 2, 0); /* whole characters before the dots */
	assert_int_equal((lm - 3) % 2, 0);
}

static void test_short_texts_untouched(void **state)
{
	(void)state;
	mt_error err;
	assert_int_equal(mt_error_set(&err, MT_EINVAL, NULL, 0, 0, "bad %d", 7), MT_EINVAL);
	char line[64];
	assert_string_equal(mt_error_format(&err, line, sizeof line), "bad 7");
}

int main(void)
{
	mt_library_init();
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_path_of_pathmax_kept_whole),
	        cmocka_unit_test(test_overlong_path_and_message_end_in_dots),
	        cmocka_unit_test(test_short_texts_untouched),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
