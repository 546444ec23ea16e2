/* The worker thread blocks every asynchronous signal (worker.h), so SIGTERM,
 * SIGINT, SIGWINCH... always reach the UI thread's poll(); faults stay
 * deliverable; the caller's own mask is unchanged.  Read from the kernel's
 * view of each thread (/proc/self/task/TID/status, SigBlk). */
#include <dirent.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "mechtune/library.h"
#include "mechtune/worker.h"

/* The SigBlk masks of the threads other than the calling one. */
static size_t other_masks(uint64_t *out, size_t max)
{
	char self[32];
	snprintf(self, sizeof self, "%ld", (long)getpid());
	DIR *d = opendir("/proc/self/task");
	assert_non_null(d);
	size_t n = 0;
	struct dirent *e;
	while ((e = readdir(d)) && n < max) {
		if (e->d_name[0] == '.' || !strcmp(e->d_name, self))
			continue;
		char path[300], line[256];
		snprintf(path, sizeof path, "/proc/self/task/%s/status", e->d_name);
		FILE *f = fopen(path, "r");
		if (!f)
			continue;
		while (fgets(line, sizeof line, f))
			if (!strncmp(line, "SigBlk:", 7))
				out[n++] = strtoull(line + 7, NULL, 16);
		fclose(f);
	}
	closedir(d);
	return n;
}

static bool has(uint64_t mask, int sig)
{
	return mask >> (sig - 1) & 1;
}

static void test_worker_blocks_signals(void **state)
{
	(void)state;
	mt_worker *w = NULL;
	mt_error err = {0};
	assert_int_equal(mt_worker_start(&w, &err), MT_OK);
	/* The new thread runs with everything blocked until glibc's start-up
	 * code installs its own mask: wait for that. */
	const int async[] = {SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGWINCH, SIGALRM, SIGCHLD};
	const int faults[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
	bool found = false;
	for (int tries = 0; tries < 400 && !found; tries++) {
		uint64_t masks[16];
		size_t n = other_masks(masks, 16);
		for (size_t k = 0; k < n; k++) {
			bool ok = true;
			for (size_t s = 0; s < sizeof async / sizeof async[0]; s++)
				ok = ok && has(masks[k], async[s]);
			for (size_t s = 0; s < sizeof faults / sizeof faults[0]; s++)
				ok = ok && !has(masks[k], faults[s]);
			found = found || ok;
		}
		if (!found)
			nanosleep(&(struct timespec){.tv_nsec = 5000000}, NULL);
	}
	assert_true(found);
	/* The caller's mask is what it was. */
	sigset_t cur;
	pthread_sigmask(SIG_BLOCK, NULL, &cur);
	assert_false(sigismember(&cur, SIGTERM));
	assert_false(sigismember(&cur, SIGINT));
	mt_worker_stop(w);
}

int main(void)
{
	mt_library_init();
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_worker_blocks_signals),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
