/* Never lose a user's work: signals reach the main loop through a
 * self-pipe, a lost terminal or a terminating signal writes the unsaved
 * scenario to a recovery file (mechtune/recover.h) before the terminal is
 * restored, a fatal signal does the same from the handler with text
 * serialized in advance, and the next start offers the file back. */
#include "app.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "mechtune/yamlio.h"

/* How long the document must stay unchanged before it is serialized again
 * for the fatal-signal handler: a burst of edits costs one serialization. */
#define IMAGE_DELAY_MS 300

/* ---- signals -------------------------------------------------------------- */

/* Signals that end the explorer (SIGINT asks first, in the loop). */
static const int term_signals[] = {SIGHUP,  SIGINT,  SIGQUIT, SIGTERM,
                                   SIGUSR1, SIGUSR2, SIGALRM, SIGXCPU};
#define NTERM (sizeof term_signals / sizeof term_signals[0])
static const int fatal_signals[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
#define NFATAL (sizeof fatal_signals / sizeof fatal_signals[0])
static struct sigaction old_term[NTERM], old_fatal[NFATAL];
static int sig_pipe[2] = {-1, -1};

/* What the fatal handler needs, prepared by the UI thread: the terminal's
 * original mode and the bytes that leave the screen, and the image. */
static struct termios saved_tio;
static bool saved_tio_ok;
static char reset_seq[512];
static size_t reset_len;
static volatile sig_atomic_t curses_active;

typedef struct {
	mt_recover_places places;
	char owned[MT_RECOVER_PATH_MAX];
	char *text; /* the unsaved scenario as YAML */
	size_t len;
	unsigned long edit, places_gen; /* the app's edit_id and places_gen it shows */
} image;
/* Swapped whole: the handler takes it with an exchange, so the UI thread
 * never frees an image a handler is reading. */
static _Atomic(image *) current_image;

static const char *sig_name(int sig)
{
	switch (sig) {
	case SIGHUP: return "SIGHUP";
	case SIGINT: return "SIGINT";
	case SIGQUIT: return "SIGQUIT";
	case SIGTERM: return "SIGTERM";
	case SIGUSR1: return "SIGUSR1";
	case SIGUSR2: return "SIGUSR2";
	case SIGALRM: return "SIGALRM";
	case SIGXCPU: return "SIGXCPU";
	case SIGSEGV: return "SIGSEGV";
	case SIGBUS: return "SIGBUS";
	case SIGFPE: return "SIGFPE";
	case SIGILL: return "SIGILL";
	case SIGABRT: return "SIGABRT";
	default: return "a signal";
	}
}

static void on_term_signal(int sig)
{
	int e = errno;
	unsigned char b = (unsigned char)sig;
	ssize_t r = write(sig_pipe[1], &b, 1); /* full pipe: enough signals are pending */
	(void)r;
	errno = e;
}

static void put_err(const char *s)
{
	ssize_t r = write(STDERR_FILENO, s, strlen(s));
	(void)r;
}

static void reset_terminal_now(void)
{
	if (!curses_active)
		return;
	curses_active = 0;
	ssize_t r = write(STDOUT_FILENO, reset_seq, reset_len);
	(void)r;
	if (saved_tio_ok)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved_tio);
}

/* Only async-signal-safe calls: the terminal is put back with tcsetattr and
 * the prepared escape sequences, the image prepared by the UI thread is
 * written, then the previous disposition (default, or a sanitizer's) runs. */
static void on_fatal_signal(int sig)
{
	reset_terminal_now();
	image *im = atomic_exchange(&current_image, NULL);
	put_err("mechtune: caught ");
	put_err(sig_name(sig));
	if (im && im->text) {
		char path[MT_RECOVER_PATH_MAX];
		int e = mt_recover_write(&im->places, im->owned, im->text, im->len, path,
		                         sizeof path);
		put_err(e ? "; unsaved changes could not be written to a recovery file in "
		          : "; unsaved changes written to ");
		put_err(path);
	}
	put_err("\n");
	for (size_t k = 0; k < NFATAL; k++)
		if (fatal_signals[k] == sig)
			sigaction(sig, &old_fatal[k], NULL);
	raise(sig);
}

bool sig_install(void)
{
	if (pipe(sig_pipe) < 0)
		return false;
	for (int k = 0; k < 2; k++) {
		fcntl(sig_pipe[k], F_SETFD, FD_CLOEXEC);
		fcntl(sig_pipe[k], F_SETFL, fcntl(sig_pipe[k], F_GETFL) | O_NONBLOCK);
	}
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_term_signal;
	for (size_t k = 0; k < NTERM; k++)
		sigaction(term_signals[k], &sa, &old_term[k]);
	sa.sa_handler = on_fatal_signal;
	sa.sa_flags = (int)SA_RESETHAND;
	for (size_t k = 0; k < NFATAL; k++)
		sigaction(fatal_signals[k], &sa, &old_fatal[k]);
	signal(SIGPIPE, SIG_IGN);
	return true;
}

void sig_restore(void)
{
	for (size_t k = 0; k < NTERM; k++)
		sigaction(term_signals[k], &old_term[k], NULL);
	for (size_t k = 0; k < NFATAL; k++)
		sigaction(fatal_signals[k], &old_fatal[k], NULL);
	for (int k = 0; k < 2; k++) {
		if (sig_pipe[k] >= 0)
			close(sig_pipe[k]);
		sig_pipe[k] = -1;
	}
}

int sig_fd(void)
{
	return sig_pipe[0];
}

int sig_take(void)
{
	unsigned char b;
	ssize_t r;
	do
		r = read(sig_pipe[0], &b, 1);
	while (r < 0 && errno == EINTR);
	return r == 1 ? b : 0;
}

void sig_before_curses(void)
{
	saved_tio_ok = tcgetattr(STDIN_FILENO, &saved_tio) == 0;
}

static void add_cap(const char *cap)
{
	const char *s = tigetstr(cap);
	if (!s || s == (const char *)-1)
		return;
	size_t n = strlen(s);
	if (reset_len + n < sizeof reset_seq) {
		memcpy(reset_seq + reset_len, s, n);
		reset_len += n;
	}
}

void sig_after_curses(bool mouse)
{
	reset_len = 0;
	if (mouse) { /* xterm mouse reporting off (what mousemask turned on) */
		static const char off[] = "\033[?1006l\033[?1002l\033[?1000l";
		memcpy(reset_seq, off, sizeof off - 1);
		reset_len = sizeof off - 1;
	}
	add_cap("rmkx");
	add_cap("sgr0");
	add_cap("cnorm");
	add_cap("rmcup");
	curses_active = 1;
}

void sig_curses_ended(void)
{
	curses_active = 0;
}

/* ---- the terminal ----------------------------------------------------------- */

bool terminal_lost(app *a, short revents, bool got_key)
{
	if (revents & (POLLHUP | POLLERR | POLLNVAL))
		return true;
	if (got_key || !(revents & POLLIN)) {
		a->empty_reads = 0;
		return false;
	}
	/* Readable yet no key: a hung-up terminal refuses ioctls (EIO); at end
	 * of file the poll keeps saying readable while nothing is there. */
	int n = 0;
	if (ioctl(STDIN_FILENO, FIONREAD, &n) < 0)
		return true;
	if (n > 0) {
		a->empty_reads = 0;
		return false;
	}
	return ++a->empty_reads >= 8;
}

/* ---- the recovery file -------------------------------------------------------- */

/* Keep a->places for the document's current path. */
static void sync_places(app *a)
{
	if (a->places_gen && (a->doc.path ? a->places_path && !strcmp(a->doc.path, a->places_path)
	                                  : !a->places_path))
		return; /* computed (places_gen > 0) for this path */
	free(a->places_path);
	a->places_path = a->doc.path ? strdup(a->doc.path) : NULL;
	a->places_ok = (!a->doc.path || a->places_path) &&
	               mt_recover_places_init(&a->places, a->doc.path, NULL) == MT_OK;
	a->places_gen++;
}

static bool wants_recovery(const app *a)
{
	return app_modified(a) && !a->opt.read_only && a->places_ok;
}

/* ---- the image, serialized off the UI thread --------------------------------------- */

/* Serializing 64 x 4096 takes about half a second: a thread of its own
 * does it on a clone, so keys never wait for it.  Jobs run in order; a job
 * without a scenario withdraws the image (nothing unsaved any more). */
static struct {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	bool started, quit, pending;
	mt_scenario *sc; /* the pending job: its scenario (NULL: withdraw) */
	image *meta;     /* and the rest of its image */
} ser;

static void publish_image(image *im)
{
	image *old = atomic_exchange(&current_image, im);
	if (old)
		free(old->text);
	free(old);
}

static void *serializer_main(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&ser.lock);
	for (;;) {
		while (!ser.quit && !ser.pending)
			pthread_cond_wait(&ser.wake, &ser.lock);
		if (ser.quit)
			break;
		mt_scenario *sc = ser.sc;
		image *im = ser.meta;
		ser.sc = NULL;
		ser.meta = NULL;
		ser.pending = false;
		pthread_mutex_unlock(&ser.lock);
		/* Out of memory: no image rather than a stale one. */
		if (!sc || mt_scenario_emit(sc, &im->text, &im->len, NULL) != MT_OK) {
			free(im);
			im = NULL;
		}
		mt_scenario_free(sc);
		publish_image(im);
		pthread_mutex_lock(&ser.lock);
	}
	pthread_mutex_unlock(&ser.lock);
	return NULL;
}

/* Hand a job to the thread (ownership of sc and im moves in). */
static bool serialize(mt_scenario *sc, image *im)
{
	if (!ser.started) {
		pthread_mutex_init(&ser.lock, NULL);
		pthread_cond_init(&ser.wake, NULL);
		sigset_t all, old; /* like the worker: signals stay with the UI thread */
		sigfillset(&all);
		for (size_t k = 0; k < NFATAL; k++)
			sigdelset(&all, fatal_signals[k]);
		pthread_sigmask(SIG_BLOCK, &all, &old);
		ser.started = !pthread_create(&ser.thread, NULL, serializer_main, NULL);
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		if (!ser.started) {
			pthread_cond_destroy(&ser.wake);
			pthread_mutex_destroy(&ser.lock);
			mt_scenario_free(sc);
			free(im);
			return false;
		}
	}
	pthread_mutex_lock(&ser.lock);
	mt_scenario_free(ser.sc);
	free(ser.meta);
	ser.sc = sc;
	ser.meta = im;
	ser.pending = true;
	pthread_cond_signal(&ser.wake);
	pthread_mutex_unlock(&ser.lock);
	return true;
}

static void serializer_stop(void)
{
	if (!ser.started)
		return;
	pthread_mutex_lock(&ser.lock);
	ser.quit = true;
	pthread_cond_signal(&ser.wake);
	pthread_mutex_unlock(&ser.lock);
	pthread_join(ser.thread, NULL);
	mt_scenario_free(ser.sc);
	free(ser.meta);
	pthread_cond_destroy(&ser.wake);
	pthread_mutex_destroy(&ser.lock);
	memset(&ser, 0, sizeof ser);
	publish_image(NULL);
}

int recover_tick(app *a, double now)
{
	sync_places(a);
	/* The file restored from is done with once the document is saved or
	 * replaced. */
	if (a->recover_owned[0] && a->doc.saved_id != a->owned_saved_id) {
		unlink(a->recover_owned);
		a->recover_owned[0] = 0;
		a->places_gen++;
	}
	bool want = wants_recovery(a);
	bool fresh = want ? a->image_have && a->image_edit == a->doc.edit_id &&
	                             a->image_places == a->places_gen
	                  : !a->image_have;
	if (fresh) {
		a->image_due = 0;
		return -1;
	}
	if (a->image_due == 0)
		a->image_due = now + IMAGE_DELAY_MS / 1000.0;
	if (now < a->image_due)
		return (int)((a->image_due - now) * 1000.0) + 1;
	a->image_due = 0;
	mt_scenario *sc = NULL;
	image *im = NULL;
	if (want) {
		sc = mt_scenario_clone(a->doc.sc);
		im = malloc(sizeof *im);
		if (!sc || !im) {
			mt_scenario_free(sc);
			free(im);
			return -1; /* out of memory: the loop's own path still works */
		}
		im->places = a->places;
		memcpy(im->owned, a->recover_owned, sizeof im->owned);
		im->text = NULL;
		im->len = 0;
		im->edit = a->doc.edit_id;
		im->places_gen = a->places_gen;
	}
	if (serialize(sc, im)) {
		a->image_have = want;
		a->image_edit = a->doc.edit_id;
		a->image_places = a->places_gen;
	}
	return -1;
}

void recover_release(app *a)
{
	serializer_stop();
	free(a->places_path);
	a->places_path = NULL;
	mt_scenario_free(a->recovered);
	a->recovered = NULL;
}

int recover_leave(app *a, int sig, bool lost)
{
	char line[MT_RECOVER_PATH_MAX + 300];
	char path[MT_RECOVER_PATH_MAX] = "";
	const char *what = lost ? "the terminal was lost" : NULL;
	char head[64];
	if (!what) {
		snprintf(head, sizeof head, "caught %s", sig_name(sig));
		what = head;
	}
	mt_worker_submit(a->worker, NULL, &a->needs); /* stop computing: the CPU is ours */
	sync_places(a);
	if (!app_modified(a))
		snprintf(line, sizeof line, "mechtune: %s; no unsaved changes\n", what);
	else if (a->opt.read_only)
		snprintf(line, sizeof line,
		         "mechtune: %s; read-only mode: the edits are not kept\n", what);
	else if (!a->places_ok)
		snprintf(line, sizeof line,
		         "mechtune: %s; unsaved changes LOST: no folder for a recovery file (set "
		         "HOME)\n",
		         what);
	else {
		char *text = NULL;
		size_t len = 0;
		mt_error err = {0};
		int e = 0;
		/* The serialized image, when it shows the document as it is now,
		 * saves serializing it again (half a second on 64 x 4096). */
		image *im = atomic_exchange(&current_image, NULL);
		if (im && im->text && im->edit == a->doc.edit_id &&
		    im->places_gen == a->places_gen) {
			text = im->text;
			len = im->len;
			im->text = NULL;
		}
		if (im)
			free(im->text);
		free(im);
		if (!text && mt_scenario_emit(a->doc.sc, &text, &len, &err) != MT_OK)
			snprintf(line, sizeof line, "mechtune: %s; unsaved changes LOST: %s\n",
			         what, err.msg);
		else if ((e = mt_recover_write(&a->places, a->recover_owned, text, len, path,
		                               sizeof path)))
			snprintf(line, sizeof line,
			         "mechtune: %s; unsaved changes LOST: cannot write a recovery file "
			         "in %s: %s\n",
			         what, path, strerror(e));
		else
			snprintf(line, sizeof line,
			         "mechtune: %s; unsaved changes written to %s (offered back on the "
			         "next start)\n",
			         what, path);
		free(text);
	}
	/* The terminal first, then the line, so the screen does not wipe it. */
	if (curses_active) {
		endwin();
		curses_active = 0;
	}
	put_err(line);
	return 128 + sig;
}

void recover_clean_quit(app *a)
{
	if (a->recover_owned[0])
		unlink(a->recover_owned);
	a->recover_owned[0] = 0;
}

/* ---- offering it back ------------------------------------------------------------ */

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');
	return s && s[1] ? s + 1 : p;
}

static int offer_answer(app *a, int choice)
{
	mt_scenario *sc = a->recovered;
	a->recovered = NULL;
	const char *name = base_name(a->recover_offer);
	if (choice == 'r') {
		unsigned long saved = a->doc.saved_id;
		int r = app_commit(a, sc); /* undoable; the document is now modified */
		if (r & R_RESOLVE) {
			memcpy(a->recover_owned, a->recover_offer, sizeof a->recover_owned);
			a->owned_saved_id = saved;
			a->places_gen++;
			app_set_status(
			        a, false,
			        "restored the unsaved changes of %s (u undoes; saving removes it)",
			        name);
		}
		return r;
	}
	mt_scenario_free(sc);
	if (choice == 'd') {
		if (unlink(a->recover_offer) < 0)
			app_set_status(a, true, "cannot remove %s: %s", a->recover_offer,
			               strerror(errno));
		else
			app_set_status(a, false, "discarded %s", name);
	} else {
		app_set_status(a, false, "kept %s: it is offered again on the next start", name);
	}
	return R_REDRAW;
}

void recover_offer(app *a)
{
	sync_places(a);
	if (a->opt.read_only || !a->places_ok ||
	    !mt_recover_find(&a->places, NULL, a->recover_offer, sizeof a->recover_offer))
		return;
	const char *name = base_name(a->recover_offer);
	mt_error err = {0};
	mt_scenario *sc = NULL;
	if (mt_scenario_load_file(a->recover_offer, &sc, &err) != MT_OK) {
		char msg[1200];
		app_set_status(a, true, "recovery file does not load (kept): %s",
		               mt_error_format(&err, msg, sizeof msg));
		return;
	}
	struct stat rs, fs;
	char when[32] = "?";
	bool newer = false;
	if (!stat(a->recover_offer, &rs)) {
		struct tm tm;
		if (localtime_r(&rs.st_mtime, &tm))
			strftime(when, sizeof when, "%b %d %H:%M", &tm);
		newer = a->doc.path && !stat(a->doc.path, &fs) && fs.st_mtime > rs.st_mtime;
	}
	a->recovered = sc;
	confirm_start(a, "rdk", offer_answer,
	              "unsaved changes of %s%s in %s: r restore, d discard, k keep for later", when,
	              newer ? " (the file is newer)" : "", name);
}
