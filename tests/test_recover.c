/* Recovery files (mechtune/recover.h): where they go, that a write never
 * replaces another session's file (only the owned one), the fallback to the
 * state folder when the file's folder cannot be written, and finding them. */
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700 /* realpath */
#endif
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "mechtune/library.h"
#include "mechtune/recover.h"

static char dir[64];

static int setup(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/mt_recover_XXXXXX");
	assert_non_null(mkdtemp(dir));
	char st[128];
	snprintf(st, sizeof st, "%s/state", dir);
	setenv("XDG_STATE_HOME", st, 1);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	return 0;
}

static void touch(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static void expect_content(const char *path, const char *text)
{
	char buf[256] = "";
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = 0;
	assert_string_equal(buf, text);
}

static void test_places(void **state)
{
	(void)state;
	mt_recover_places p;
	char path[MT_RECOVER_PATH_MAX], want[MT_RECOVER_PATH_MAX * 2];
	char file[128];
	snprintf(file, sizeof file, "%s/x.yaml", dir);
	touch(file, "x");

	assert_int_equal(mt_recover_places_init(&p, file, NULL), MT_OK);
	assert_int_equal(p.nloc, 2);
	assert_true(mt_recover_slot(&p, 0, 0, path, sizeof path));
	snprintf(want, sizeof want, "%s/.x.yaml.mtrecover", dir);
	assert_string_equal(path, want);
	assert_true(mt_recover_slot(&p, 0, 1, path, sizeof path));
	snprintf(want, sizeof want, "%s/.x.yaml.2.mtrecover", dir);
	assert_string_equal(path, want);
	assert_false(mt_recover_slot(&p, 0, MT_RECOVER_SLOTS, path, sizeof path));
	assert_false(mt_recover_slot(&p, 2, 0, path, sizeof path));
	assert_false(mt_recover_slot(&p, 0, 0, path, 8)); /* does not fit */

	/* The state folder: the absolute path with '/' as '%'. */
	char *abs = realpath(file, NULL);
	assert_non_null(abs);
	for (char *c = abs; *c; c++)
		if (*c == '/')
			*c = '%';
	assert_true(mt_recover_slot(&p, 1, 0, path, sizeof path));
	snprintf(want, sizeof want, "%s/state/mechtune/%s.mtrecover", dir, abs);
	assert_string_equal(path, want);
	free(abs);

	/* A bare name: next to it in the current folder. */
	char cwd[PATH_MAX];
	assert_non_null(getcwd(cwd, sizeof cwd));
	assert_int_equal(chdir(dir), 0);
	assert_int_equal(mt_recover_places_init(&p, "x.yaml", NULL), MT_OK);
	assert_true(mt_recover_slot(&p, 0, 0, path, sizeof path));
	assert_string_equal(path, ".x.yaml.mtrecover");
	assert_string_equal(p.loc[0].dir, ".");
	assert_int_equal(chdir(cwd), 0);

	/* No file: the state folder only. */
	assert_int_equal(mt_recover_places_init(&p, NULL, NULL), MT_OK);
	assert_int_equal(p.nloc, 1);
	assert_true(mt_recover_slot(&p, 0, 0, path, sizeof path));
	snprintf(want, sizeof want, "%s/state/mechtune/embedded-default.mtrecover", dir);
	assert_string_equal(path, want);

	/* A relative XDG_STATE_HOME is ignored (XDG spec): HOME is used. */
	char *xdg = strdup(getenv("XDG_STATE_HOME"));
	char *home = getenv("HOME") ? strdup(getenv("HOME")) : NULL;
	setenv("XDG_STATE_HOME", "relative", 1);
	setenv("HOME", dir, 1);
	assert_int_equal(mt_recover_places_init(&p, NULL, NULL), MT_OK);
	snprintf(want, sizeof want, "%s/.local/state/mechtune/embedded-default", dir);
	assert_string_equal(p.loc[0].stem, want);
	/* Neither: nowhere to go for the embedded default, the file's folder
	 * still works for a file. */
	unsetenv("XDG_STATE_HOME");
	unsetenv("HOME");
	mt_error err = {0};
	assert_int_equal(mt_recover_places_init(&p, NULL, &err), MT_EINVAL);
	assert_non_null(strstr(err.msg, "HOME"));
	assert_int_equal(mt_recover_places_init(&p, file, NULL), MT_OK);
	assert_int_equal(p.nloc, 1);
	setenv("XDG_STATE_HOME", xdg, 1);
	if (home)
		setenv("HOME", home, 1);
	free(xdg);
	free(home);
}

static void test_long_name(void **state)
{
	(void)state;
	char file[512];
	int n = snprintf(file, sizeof file, "%s/", dir);
	memset(file + n, 'a', 250);
	strcpy(file + n + 250, ".yaml");
	touch(file, "x");
	mt_recover_places p;
	assert_int_equal(mt_recover_places_init(&p, file, NULL), MT_OK);
	/* .NAME.9.mtrecover would not fit in 255 bytes: only the state folder,
	 * under a name that fits. */
	assert_int_equal(p.nloc, 1);
	assert_true(p.loc[0].state);
	char path[MT_RECOVER_PATH_MAX];
	assert_true(mt_recover_slot(&p, 0, MT_RECOVER_SLOTS - 1, path, sizeof path));
	assert_true(strlen(strrchr(path, '/') + 1) <= 255);
	char written[MT_RECOVER_PATH_MAX];
	assert_int_equal(mt_recover_write(&p, NULL, "t", 1, written, sizeof written), 0);
	expect_content(written, "t");
}

static void test_write(void **state)
{
	(void)state;
	mt_recover_places p;
	char file[128], slot[MT_RECOVER_SLOTS][MT_RECOVER_PATH_MAX];
	char written[MT_RECOVER_PATH_MAX];
	snprintf(file, sizeof file, "%s/w.yaml", dir);
	touch(file, "x");
	assert_int_equal(mt_recover_places_init(&p, file, NULL), MT_OK);
	for (unsigned k = 0; k < MT_RECOVER_SLOTS; k++)
		assert_true(mt_recover_slot(&p, 0, k, slot[k], sizeof slot[k]));
	assert_false(mt_recover_find(&p, NULL, written, sizeof written));

	assert_int_equal(mt_recover_write(&p, NULL, "one", 3, written, sizeof written), 0);
	assert_string_equal(written, slot[0]);
	expect_content(slot[0], "one");
	struct stat sb;
	assert_int_equal(stat(slot[0], &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);

	/* Another session: the first file stays, the second slot is used. */
	assert_int_equal(mt_recover_write(&p, NULL, "two", 3, written, sizeof written), 0);
	assert_string_equal(written, slot[1]);
	expect_content(slot[0], "one");
	expect_content(slot[1], "two");

	/* The owned one is replaced in place. */
	assert_int_equal(mt_recover_write(&p, slot[0], "one'", 4, written, sizeof written), 0);
	assert_string_equal(written, slot[0]);
	expect_content(slot[0], "one'");
	assert_int_equal(access(slot[2], F_OK), -1);

	/* find: the first in order, skipping one. */
	char found[MT_RECOVER_PATH_MAX];
	assert_true(mt_recover_find(&p, NULL, found, sizeof found));
	assert_string_equal(found, slot[0]);
	assert_true(mt_recover_find(&p, slot[0], found, sizeof found));
	assert_string_equal(found, slot[1]);

	/* Every slot next to the file taken: the state folder. */
	for (unsigned k = 2; k < MT_RECOVER_SLOTS; k++) {
		assert_int_equal(mt_recover_write(&p, NULL, "n", 1, written, sizeof written), 0);
		assert_string_equal(written, slot[k]);
	}
	assert_int_equal(mt_recover_write(&p, NULL, "state", 5, written, sizeof written), 0);
	char want[MT_RECOVER_PATH_MAX];
	assert_true(mt_recover_slot(&p, 1, 0, want, sizeof want));
	assert_string_equal(written, want);
	expect_content(want, "state");
	assert_int_equal(stat(p.loc[1].dir, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0700);

	/* No temporary file is left behind. */
	char cmd[MT_RECOVER_PATH_MAX + 256];
	snprintf(cmd, sizeof cmd, "ls -A '%s' '%s' | grep -q '[.]tmp$'", dir, p.loc[1].dir);
	assert_int_not_equal(system(cmd), 0);
}

static void test_unwritable(void **state)
{
	(void)state;
	/* A folder nobody can create files in, even root: the state folder. */
	mt_recover_places p;
	char written[MT_RECOVER_PATH_MAX];
	assert_int_equal(mt_recover_places_init(&p, "/proc/self/status", NULL), MT_OK);
	assert_int_equal(p.nloc, 2);
	assert_int_equal(mt_recover_write(&p, NULL, "proc", 4, written, sizeof written), 0);
	assert_non_null(strstr(written, "/state/mechtune/%proc%"));
	expect_content(written, "proc");

	/* And a state folder that cannot be made either: the errno, and the
	 * folder that failed. */
	setenv("XDG_STATE_HOME", "/proc/self/none", 1);
	assert_int_equal(mt_recover_places_init(&p, "/proc/self/status", NULL), MT_OK);
	int e = mt_recover_write(&p, NULL, "x", 1, written, sizeof written);
	assert_int_not_equal(e, 0);
	assert_string_equal(written, "/proc/self/none/mechtune");
	char st[128];
	snprintf(st, sizeof st, "%s/state", dir);
	setenv("XDG_STATE_HOME", st, 1);
}

int main(void)
{
	mt_library_init();
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_places),
	        cmocka_unit_test(test_long_name),
	        cmocka_unit_test(test_write),
	        cmocka_unit_test(test_unwritable),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
