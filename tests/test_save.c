/* Saving as a careful editor does (issue 8): through symbolic links to
 * their target, keeping hard links, the mode and the owner, honouring the
 * umask for new files, refusing read-only files unless confirmed, any file
 * name length, and a failed save (a full disk) leaves the old file intact. */
#define _GNU_SOURCE /* unshare, CLONE_NEWNS */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "mechtune/library.h"
#include "mechtune/yamlio.h"

static char dir[64];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/mt_save_XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof cmd, "%s/small", dir);
	umount2(cmd, MNT_DETACH); /* the full-disk test's file system, if any */
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static char *in_dir(const char *name)
{
	static char buf[4][1024];
	static int k;
	k = (k + 1) % 4;
	snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
	return buf[k];
}

static void write_all(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_true(fputs(text, f) >= 0);
	assert_int_equal(fclose(f), 0);
}

static char *read_all(const char *path)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	char *buf = calloc(1, 1 << 20);
	size_t n = fread(buf, 1, (1 << 20) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static int count_entries(const char *d)
{
	DIR *dd = opendir(d);
	struct dirent *e;
	int n = 0;
	assert_non_null(dd);
	while ((e = readdir(dd)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(dd);
	return n;
}

static mt_scenario *scenario(double lambda)
{
	mt_scenario *sc = NULL;
	mt_error err;
	assert_int_equal(mt_scenario_default(&sc, &err), MT_OK);
	sc->lambda = lambda;
	return sc;
}

/* The file at path loads and has this lambda. */
static void assert_lambda(const char *path, double lambda)
{
	mt_scenario *sc = NULL;
	mt_error err;
	assert_int_equal(mt_scenario_load_file(path, &sc, &err), MT_OK);
	assert_true(sc->lambda == lambda);
	mt_scenario_free(sc);
}

static void save_ok(const mt_scenario *sc, const char *path)
{
	mt_error err = {0};
	mt_status st = mt_scenario_save(sc, path, &err);
	if (st)
		fail_msg("save %s: %s", path, err.msg);
}

static bool is_link(const char *path)
{
	struct stat sb;
	return lstat(path, &sb) == 0 && S_ISLNK(sb.st_mode);
}

static void test_symlink_target_written(void **state)
{
	(void)state;
	mt_scenario *sc = scenario(2.0);
	write_all(in_dir("real.yaml"), "original\n");
	assert_int_equal(symlink("real.yaml", in_dir("link.yaml")), 0);
	assert_int_equal(symlink(in_dir("link.yaml"), in_dir("link2.yaml")), 0);
	mt_save_target t;
	mt_save_target_probe(in_dir("link2.yaml"), &t);
	assert_true(t.exists && t.regular && t.symlink && !t.read_only && !t.hard_linked);
	save_ok(sc, in_dir("link2.yaml")); /* a chain: link2 -> link -> real */
	assert_true(is_link(in_dir("link.yaml")));
	assert_true(is_link(in_dir("link2.yaml")));
	assert_lambda(in_dir("real.yaml"), 2.0);
	/* a link into another folder, relative to the link's own folder */
	assert_int_equal(mkdir(in_dir("sub"), 0755), 0);
	write_all(in_dir("sub/inner.yaml"), "original\n");
	assert_int_equal(symlink("sub/inner.yaml", in_dir("rel.yaml")), 0);
	sc->lambda = 3.0;
	save_ok(sc, in_dir("rel.yaml"));
	assert_true(is_link(in_dir("rel.yaml")));
	assert_lambda(in_dir("sub/inner.yaml"), 3.0);
	assert_int_equal(count_entries(in_dir("sub")), 1);
	/* a dangling link: its target is created */
	assert_int_equal(symlink("sub/new.yaml", in_dir("dangling.yaml")), 0);
	mt_save_target_probe(in_dir("dangling.yaml"), &t);
	assert_true(t.symlink && !t.exists);
	save_ok(sc, in_dir("dangling.yaml"));
	assert_true(is_link(in_dir("dangling.yaml")));
	assert_lambda(in_dir("sub/new.yaml"), 3.0);
	/* a loop is an error, not a hang */
	assert_int_equal(symlink("loop2.yaml", in_dir("loop1.yaml")), 0);
	assert_int_equal(symlink("loop1.yaml", in_dir("loop2.yaml")), 0);
	mt_error err;
	assert_int_equal(mt_scenario_save(sc, in_dir("loop1.yaml"), &err), MT_EIO);
	assert_non_null(strstr(err.msg, "symbolic link"));
	mt_scenario_free(sc);
}

static void test_hard_links_kept(void **state)
{
	(void)state;
	mt_scenario *sc = scenario(2.5);
	write_all(in_dir("one.yaml"), "original\n");
	assert_int_equal(link(in_dir("one.yaml"), in_dir("two.yaml")), 0);
	struct stat before, after;
	assert_int_equal(stat(in_dir("one.yaml"), &before), 0);
	mt_save_target t;
	mt_save_target_probe(in_dir("one.yaml"), &t);
	assert_true(t.hard_linked);
	save_ok(sc, in_dir("one.yaml"));
	assert_int_equal(stat(in_dir("two.yaml"), &after), 0);
	assert_int_equal(after.st_ino, before.st_ino);
	assert_int_equal(after.st_nlink, 2);
	assert_lambda(in_dir("two.yaml"), 2.5);
	/* shorter text than before: no old bytes are left at the end */
	char *text = NULL;
	mt_error err;
	assert_int_equal(mt_scenario_emit(sc, &text, NULL, &err), MT_OK);
	write_all(in_dir("one.yaml"), text);
	size_t big = strlen(text);
	mt_scenario *small = scenario(2.5);
	small->description[0] = '\0';
	save_ok(small, in_dir("two.yaml"));
	char *now = read_all(in_dir("one.yaml"));
	assert_true(strlen(now) < big);
	assert_lambda(in_dir("one.yaml"), 2.5);
	free(now);
	free(text);
	mt_scenario_free(small);
	mt_scenario_free(sc);
}

static void test_mode_and_umask(void **state)
{
	(void)state;
	mt_scenario *sc = scenario(1.5);
	struct stat sb;
	write_all(in_dir("mode.yaml"), "original\n");
	assert_int_equal(chmod(in_dir("mode.yaml"), 0604), 0);
	save_ok(sc, in_dir("mode.yaml"));
	assert_int_equal(stat(in_dir("mode.yaml"), &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0604);
	mode_t old = umask(027);
	save_ok(sc, in_dir("new027.yaml"));
	umask(0);
	save_ok(sc, in_dir("new000.yaml"));
	umask(old);
	assert_int_equal(stat(in_dir("new027.yaml"), &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0640);
	assert_int_equal(stat(in_dir("new000.yaml"), &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0666);
	mt_scenario_free(sc);
}

static void test_owner_kept(void **state)
{
	(void)state;
	if (geteuid() != 0)
		skip(); /* only root can give a file to someone else */
	mt_scenario *sc = scenario(1.5);
	write_all(in_dir("owned.yaml"), "original\n");
	assert_int_equal(chown(in_dir("owned.yaml"), 1234, 4321), 0);
	save_ok(sc, in_dir("owned.yaml"));
	struct stat sb;
	assert_int_equal(stat(in_dir("owned.yaml"), &sb), 0);
	assert_int_equal(sb.st_uid, 1234);
	assert_int_equal(sb.st_gid, 4321);
	mt_scenario_free(sc);
}

static void test_read_only_refused(void **state)
{
	(void)state;
	mt_scenario *sc = scenario(4.0);
	const char *path = in_dir("ro.yaml");
	write_all(path, "original\n");
	assert_int_equal(chmod(path, 0444), 0);
	mt_save_target t;
	mt_save_target_probe(path, &t);
	assert_true(t.exists && t.read_only);
	mt_error err;
	assert_int_equal(mt_scenario_save(sc, path, &err), MT_EIO);
	assert_string_equal(err.file, path);
	assert_non_null(strstr(err.msg, "read-only"));
	char *now = read_all(path);
	assert_string_equal(now, "original\n");
	free(now);
	assert_int_equal(count_entries(dir), 1);
	/* confirmed: replaced, and still read-only */
	assert_int_equal(mt_scenario_save_flags(sc, path, MT_SAVE_READ_ONLY_OK, &err), MT_OK);
	assert_lambda(path, 4.0);
	struct stat sb;
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0444);
	mt_scenario_free(sc);
}

static void test_long_file_name(void **state)
{
	(void)state;
	mt_scenario *sc = scenario(1.25);
	char name[256];
	memset(name, 'n', 250);
	memcpy(name + 250, ".yaml", 6); /* 255 bytes, the longest Linux allows */
	save_ok(sc, in_dir(name));
	assert_lambda(in_dir(name), 1.25);
	sc->lambda = 1.5;
	save_ok(sc, in_dir(name)); /* and over the existing file */
	assert_lambda(in_dir(name), 1.5);
	assert_int_equal(count_entries(dir), 1);
	mt_scenario_free(sc);
}

/* A scenario whose YAML takes several pages. */
static mt_scenario *big_scenario(void)
{
	mt_scenario *sc = mt_scenario_new(200, 20);
	assert_non_null(sc);
	for (size_t i = 0; i < sc->n; i++)
		for (size_t x = 0; x < sc->m; x++)
			sc->groups[i].rewards[x] = sc->groups[i].reported[x] =
			        (double)(x + 1) / (double)(sc->m * (sc->m + 1) / 2);
	return sc;
}

/* A full disk: a small tmpfs of our own (root only, in a private mount
 * namespace that ends with the test; skipped where mounting is not
 * allowed). */
static void test_full_disk_keeps_file(void **state)
{
	(void)state;
	if (geteuid() != 0 || unshare(CLONE_NEWNS) < 0 ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		skip();
	const char *mnt = in_dir("small");
	assert_int_equal(mkdir(mnt, 0755), 0);
	if (mount("tmpfs", mnt, "tmpfs", 0, "size=512k") < 0)
		skip();
	char path[1100], twin[1100], fill[1100];
	snprintf(path, sizeof path, "%s/keep.yaml", mnt);
	snprintf(twin, sizeof twin, "%s/twin.yaml", mnt);
	snprintf(fill, sizeof fill, "%s/filler", mnt);
	write_all(path, "original\n");
	/* fill the file system to the last block */
	int fd = open(fill, O_WRONLY | O_CREAT, 0644);
	assert_true(fd >= 0);
	char block[4096] = {0};
	while (write(fd, block, sizeof block) > 0)
		;
	while (write(fd, block, 1) > 0)
		;
	close(fd);
	mt_scenario *sc = big_scenario();
	mt_error err;
	char *text = NULL;
	size_t len = 0;
	assert_int_equal(mt_scenario_emit(sc, &text, &len, &err), MT_OK);
	assert_true(len > 8192 && len < 256 * 1024);
	free(text);
	assert_int_equal(mt_scenario_save(sc, path, &err), MT_EIO);
	char *now = read_all(path);
	assert_string_equal(now, "original\n");
	free(now);
	assert_int_equal(count_entries(mnt), 2); /* no temporary file left */
	/* hard-linked: rewritten in place, but the space is reserved first */
	assert_int_equal(link(path, twin), 0);
	assert_int_equal(mt_scenario_save(sc, path, &err), MT_EIO);
	now = read_all(twin);
	assert_string_equal(now, "original\n");
	free(now);
	/* with room again, it saves */
	unlink(fill);
	unlink(twin);
	save_ok(sc, path);
	mt_scenario *back = NULL;
	assert_int_equal(mt_scenario_load_file(path, &back, &err), MT_OK);
	assert_int_equal(back->m, 200);
	mt_scenario_free(back);
	mt_scenario_free(sc);
}

int main(void)
{
	mt_library_init();
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(test_symlink_target_written, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_hard_links_kept, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_mode_and_umask, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_owner_kept, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_read_only_refused, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_long_file_name, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_full_disk_keeps_file, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
