/* The solver worker thread (include/mechtune/worker.h). */
#include "mechtune/worker.h"
#include "mechtune/alloc.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mechtune/cancel.h"
#include "mechtune/payment.h"

struct mt_worker {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	atomic_ulong generation;
	int pipe_rd, pipe_wr;

	/* Progress, written by the worker thread, read by any (atomics):
	 * the generation and stage running (-1: none) and each stage's steps. */
	atomic_ulong prog_generation;
	atomic_int prog_stage;
	atomic_ulong prog_started_ns; /* CLOCK_MONOTONIC when the stage began */
	mt_progress prog[MT_STAGE_COUNT];

	/* Under lock. */
	bool quit;
	mt_scenario *job; /* waiting job, owned */
	mt_job_needs job_needs;
	unsigned long job_generation;
	mt_stage_result *slot[MT_STAGE_COUNT]; /* published, not yet taken */

	/* The worker thread's own: a result record kept in reserve, so that a
	 * stage whose record cannot be allocated still publishes "out of
	 * memory" and the UI never waits for a result that will not come.
	 * Refilled before every job. */
	mt_stage_result *spare;

	/* The stage cache, the worker thread's own: the scenario of the last
	 * job and, per stage, the generation its result was published with
	 * for those numbers (0: none); the sweeps' group and steps. */
	mt_scenario *cache_sc;
	unsigned long cache_gen[MT_STAGE_COUNT];
	size_t cache_group, cache_steps;
	double cache_from[MT_WORKER_NSWEEPS], cache_to[MT_WORKER_NSWEEPS];

	atomic_ulong runs[MT_STAGE_COUNT]; /* stages computed (mt_worker_stage_runs) */
};

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void mt_stage_result_free(mt_stage_result *r)
{
	if (!r)
		return;
	if (r->have_outcome)
		mt_outcome_release(&r->outcome);
	if (r->have_truthful)
		mt_outcome_release(&r->truthful);
	if (r->have_none)
		mt_analysis_release(&r->none);
	if (r->have_rule)
		mt_analysis_release(&r->rule);
	for (size_t f = 0; f < MT_WORKER_NSWEEPS; f++)
		if (r->have_sweep[f])
			mt_sweep_release(&r->sweeps[f]);
	if (r->have_noise)
		mt_noise_release(&r->noise);
	for (size_t k = 0; k < r->npairs; k++) {
		mt_coalition_release(&r->pairs[k].rule);
		mt_coalition_release(&r->pairs[k].none);
	}
	free(r->pairs);
	free(r);
}

/* Move *from (keeping *to) so that truth is a point of the grid of `steps`
 * points; truth outside [from, to] or at an end needs nothing.  A positive
 * *from stays at least half what it was (*to moves instead). */
static void align_to_truth(double truth, size_t steps, double *from, double *to)
{
	if (steps < 3 || !(truth > *from && truth < *to))
		return;
	double span = *to - *from;
	double k = round((truth - *from) / span * (double)(steps - 1));
	if (k < 1.0)
		k = 1.0;
	if (k > (double)(steps - 2))
		k = (double)(steps - 2);
	double h = (*to - truth) / ((double)(steps - 1) - k);
	if (*from <= 0.0 || truth - k * h >= 0.5 * *from) {
		*from = truth - k * h;
		return;
	}
	/* On a coarse grid, moving the start would take a positive range
	 * (sizes, lambda) to 0 or below it: move the end instead. */
	h = (truth - *from) / k;
	*to = truth + ((double)(steps - 1) - k) * h;
}

bool mt_worker_sweep_range(const mt_scenario *sc, mt_sweep_family f, size_t i, size_t steps,
                           double *from, double *to)
{
	switch (f) {
	case MT_SWEEP_ALPHA: {
		double top = sc->max_size / sc->groups[i].size;
		*from = 0.25;
		*to = fmax(1.0, fmin(3.0, top));
		align_to_truth(1.0, steps, from, to);
		return true;
	}
	case MT_SWEEP_BETA:
		*from = 0.0;
		*to = 2.0;
		align_to_truth(1.0, steps, from, to);
		return true;
	case MT_SWEEP_EPSILON: {
		double *buf = mt_malloc(sc->m * sizeof *buf);
		double eps = 0.0;
		bool ok = buf && mt_polarize(sc, i, 0.0, buf, &eps) && eps > 0.0;
		free(buf);
		*from = 0.0; /* the truth: already a point */
		*to = ok ? eps : 0.0;
		return ok;
	}
	case MT_SWEEP_LAMBDA:
		*from = sc->lambda / 5.0;
		*to = sc->lambda * 3.0;
		align_to_truth(sc->lambda, steps, from, to);
		return true;
	}
	return false;
}

/* Move r into its slot; an older result nobody took is freed.  One byte on
 * the pipe wakes the UI (EAGAIN means the pipe already holds wake-ups). */
static void publish(mt_worker *w, mt_stage_result *r)
{
	pthread_mutex_lock(&w->lock);
	mt_stage_result *old = w->slot[r->stage];
	w->slot[r->stage] = r;
	pthread_mutex_unlock(&w->lock);
	mt_stage_result_free(old);
	ssize_t wr;
	do
		wr = write(w->pipe_wr, "x", 1);
	while (wr < 0 && errno == EINTR);
}

/* A new result record of this stage; when none can be allocated, the spare
 * one, already failed with MT_ENOMEM (the stage then only publishes it).
 * NULL only when the spare is gone too (its refill failed). */
static mt_stage_result *stage_new(mt_worker *w, unsigned long gen, mt_stage stage)
{
	mt_stage_result *r = mt_calloc(1, sizeof *r);
	if (!r && w->spare) {
		r = w->spare;
		w->spare = NULL;
		r->status = mt_error_set(&r->err, MT_ENOMEM, NULL, 0, 0,
		                         "out of memory: the solver could not keep its result; "
		                         "close other programs or make the scenario smaller");
	}
	if (r) {
		r->generation = gen;
		r->stage = stage;
	}
	return r;
}

/* A stage either publishes (ok or failed for a reason the user should see,
 * out of memory included) or, when cancelled, is dropped.
 * Returns false when the later stages must not run. */
static bool finish(mt_worker *w, mt_stage_result *r, const mt_cancel *cancel, double t0)
{
	r->seconds = now_seconds() - t0;
	if (r->status == MT_ECANCELED || mt_cancelled(cancel)) {
		mt_stage_result_free(r);
		return false;
	}
	bool ok = r->status == MT_OK;
	publish(w, r);
	return ok;
}

/* Publish "your result of cache_gen[stage] still holds" when the caller has
 * it; returns false when it must be computed. */
static bool reuse(mt_worker *w, mt_stage stage, const mt_job_needs *needs, const mt_cancel *cancel)
{
	unsigned long had = w->cache_gen[stage];
	if (!had || needs->have[stage] != had)
		return false;
	mt_stage_result *r = stage_new(w, cancel->mine, stage);
	if (!r)
		return false; /* out of memory: compute it, maybe that works */
	if (r->status) {      /* the spare, failed: say so */
		finish(w, r, cancel, now_seconds());
		w->cache_gen[stage] = 0;
		return true;
	}
	r->reused = true;
	r->reused_from = had;
	if (finish(w, r, cancel, now_seconds()))
		w->cache_gen[stage] = cancel->mine;
	return true;
}

/* Remember it when it was published fine. */
static bool computed(mt_worker *w, mt_stage stage, bool published_ok, const mt_cancel *cancel)
{
	w->cache_gen[stage] = published_ok ? cancel->mine : 0;
	return published_ok;
}

static bool stage_solve(mt_worker *w, const mt_scenario *sc, const mt_cancel *cancel)
{
	mt_stage_result *r = stage_new(w, cancel->mine, MT_STAGE_SOLVE);
	if (!r)
		return false;
	double t0 = now_seconds();
	if (r->status)
		return finish(w, r, cancel, t0);
	r->status = mt_solve(sc, &r->outcome, cancel, &r->err);
	r->have_outcome = true;
	for (size_t i = 0; i < sc->n; i++)
		r->lies = r->lies || mt_group_lies(sc, i);
	if (r->status == MT_OK && r->lies) {
		mt_scenario *truth = mt_scenario_clone(sc);
		if (!truth) {
			r->status =
			        mt_error_set(&r->err, MT_ENOMEM, NULL, 0, 0,
			                     "out of memory while solving the truthful reports");
		} else {
			for (size_t i = 0; i < truth->n; i++)
				mt_group_tell_truth(truth, i);
			mt_error terr = {0};
			mt_status st = mt_solve(truth, &r->truthful, cancel, &terr);
			/* The truthful solve only adds a comparison: its failure
			 * does not hide the real outcome. */
			if (st == MT_OK)
				r->have_truthful = true;
			else
				mt_outcome_release(&r->truthful);
			if (st == MT_ECANCELED)
				r->status = st;
			mt_scenario_free(truth);
		}
	}
	return finish(w, r, cancel, t0);
}

static bool stage_analysis(mt_worker *w, const mt_scenario *sc, const mt_cancel *cancel)
{
	mt_stage_result *r = stage_new(w, cancel->mine, MT_STAGE_ANALYSIS);
	if (!r)
		return false;
	double t0 = now_seconds();
	if (r->status)
		return finish(w, r, cancel, t0);
	r->status = mt_analyze(sc, &mt_pay_none, &r->none, cancel, &r->err);
	r->have_none = true;
	if (r->status == MT_OK && !sc->payment->charges_nothing) {
		r->status = mt_analyze(sc, NULL, &r->rule, cancel, &r->err);
		r->have_rule = true;
	}
	return finish(w, r, cancel, t0);
}

static bool stage_sweeps(mt_worker *w, const mt_scenario *sc, const mt_job_needs *needs,
                         const mt_cancel *cancel)
{
	mt_stage_result *r = stage_new(w, cancel->mine, MT_STAGE_SWEEPS);
	if (!r)
		return false;
	double t0 = now_seconds();
	if (r->status)
		return finish(w, r, cancel, t0);
	size_t steps = needs->sweep_steps ? needs->sweep_steps : MT_WORKER_SWEEP_STEPS;
	r->group = needs->group < sc->n ? needs->group : 0;
	for (int f = 0; f < MT_WORKER_NSWEEPS && r->status == MT_OK; f++) {
		double from, to;
		if (!mt_worker_sweep_range(sc, (mt_sweep_family)f, r->group, steps, &from, &to)) {
			mt_progress_step(cancel);
			continue;
		}
		if (needs->sweep_to[f] != needs->sweep_from[f]) { /* the caller's range */
			from = needs->sweep_from[f];
			to = needs->sweep_to[f];
		}
		r->status = mt_sweep_run(sc, (mt_sweep_family)f, r->group, from, to, steps,
		                         &r->sweeps[f], cancel, &r->err);
		r->have_sweep[f] = true;
		mt_progress_step(cancel);
	}
	return finish(w, r, cancel, t0);
}

/* Publishes even a failed analysis (the UI shows why); returns false only
 * when cancelled, so that a rule the analysis does not support does not
 * stop the sweeps. */
static bool stage_noise(mt_worker *w, const mt_scenario *sc, const mt_cancel *cancel, bool *ok)
{
	mt_stage_result *r = stage_new(w, cancel->mine, MT_STAGE_NOISE);
	if (!r)
		return false;
	double t0 = now_seconds();
	if (r->status)
		return finish(w, r, cancel, t0);
	r->status = mt_noise_analyze(sc, &r->noise, cancel, &r->err);
	r->have_noise = true;
	*ok = finish(w, r, cancel, t0);
	return !mt_cancelled(cancel);
}

/* The pairs the needs ask for: {group, partner} (*one set, the pair in
 * *first < *second), or every pair of a scenario of at most
 * MT_COALITION_PAIR_MAX_GROUPS groups.  0: none. */
static size_t coalition_pairs(const mt_scenario *sc, const mt_job_needs *needs, bool *one,
                              size_t *first, size_t *second)
{
	size_t g = needs->partner_of, p = needs->partner;
	*one = g < sc->n && p < sc->n && p != g;
	if (*one) {
		*first = g < p ? g : p;
		*second = g < p ? p : g;
		return 1;
	}
	if (sc->n < 2 || sc->n > MT_COALITION_PAIR_MAX_GROUPS)
		return 0;
	return sc->n * (sc->n - 1) / 2;
}

/* Like the noise stage, a failure only concerns this stage: returns false
 * only when cancelled. */
static bool stage_coalition(mt_worker *w, const mt_scenario *sc, const mt_job_needs *needs,
                            const mt_cancel *cancel)
{
	size_t a0 = 0, b0 = 0;
	bool one;
	size_t npairs = coalition_pairs(sc, needs, &one, &a0, &b0);
	if (!npairs)
		return true;
	mt_stage_result *r = stage_new(w, cancel->mine, MT_STAGE_COALITION);
	if (!r)
		return false;
	double t0 = now_seconds();
	if (r->status) {
		finish(w, r, cancel, t0);
		return !mt_cancelled(cancel);
	}
	r->co_n = sc->n;
	r->all_pairs = !one;
	if (cancel->progress)
		atomic_store_explicit(&cancel->progress->total, npairs, memory_order_relaxed);
	r->pairs = mt_calloc(npairs, sizeof *r->pairs);
	if (!r->pairs)
		r->status = mt_error_set(&r->err, MT_ENOMEM, NULL, 0, 0,
		                         "out of memory: no room for the coalitions");
	bool rule = !sc->payment->charges_nothing;
	for (size_t a = 0; a < sc->n && r->status == MT_OK && r->npairs < npairs; a++)
		for (size_t b = a + 1; b < sc->n && r->status == MT_OK && r->npairs < npairs; b++) {
			if (one && (a != a0 || b != b0))
				continue;
			mt_worker_pair *pr = &r->pairs[r->npairs++];
			size_t mem[2] = {a, b};
			pr->a = a;
			pr->b = b;
			/* Both are initialized by the call, even when it fails. */
			r->status = mt_coalition_best(sc, &mt_pay_none, mem, 2, &pr->none, cancel,
			                              &r->err);
			mt_progress_step(cancel);
			if (r->status == MT_OK && rule) {
				r->status = mt_coalition_best(sc, NULL, mem, 2, &pr->rule, cancel,
				                              &r->err);
				pr->have_rule = true;
			}
		}
	finish(w, r, cancel, t0);
	return !mt_cancelled(cancel);
}

/* The stage s of cancel->mine starts, with total steps to count (0: none). */
static void progress_begin(mt_worker *w, mt_cancel *cancel, mt_stage s, size_t total)
{
	atomic_store_explicit(&w->prog_stage, -1, memory_order_relaxed);
	atomic_store_explicit(&w->prog[s].done, 0, memory_order_relaxed);
	atomic_store_explicit(&w->prog[s].total, total, memory_order_relaxed);
	atomic_store_explicit(&w->prog_started_ns, (unsigned long)(now_seconds() * 1e9),
	                      memory_order_relaxed);
	atomic_store_explicit(&w->prog_generation, cancel->mine, memory_order_relaxed);
	/* release: a reader that sees the stage sees its generation and totals */
	atomic_store_explicit(&w->prog_stage, (int)s, memory_order_release);
	cancel->progress = &w->prog[s];
}

bool mt_worker_progress(mt_worker *w, mt_worker_progress_info *out)
{
	memset(out, 0, sizeof *out);
	int s = atomic_load_explicit(&w->prog_stage, memory_order_acquire);
	out->generation = atomic_load_explicit(&w->prog_generation, memory_order_relaxed);
	for (int k = 0; k < MT_STAGE_COUNT; k++) {
		out->done[k] = atomic_load_explicit(&w->prog[k].done, memory_order_relaxed);
		out->total[k] = atomic_load_explicit(&w->prog[k].total, memory_order_relaxed);
	}
	double started =
	        (double)atomic_load_explicit(&w->prog_started_ns, memory_order_relaxed) * 1e-9;
	out->stage_seconds = started > 0.0 ? now_seconds() - started : 0.0;
	if (s < 0 || s >= MT_STAGE_COUNT)
		return false;
	out->stage = (mt_stage)s;
	return true;
}

/* A stage is reused or computed; returns false when the later ones must
 * not run. */
static bool run_stage(mt_worker *w, mt_stage stage, const mt_scenario *sc,
                      const mt_job_needs *needs, mt_cancel *cancel)
{
	if (reuse(w, stage, needs, cancel))
		return !mt_cancelled(cancel);
	/* counted steps: the analysis one per group and analysis (none, and the
	 * rule's), the sweeps one per family, the coalitions one per pair */
	size_t total = stage == MT_STAGE_ANALYSIS ? sc->n * (sc->payment->charges_nothing ? 1 : 2)
	               : stage == MT_STAGE_SWEEPS ? MT_WORKER_NSWEEPS
	                                          : 0;
	progress_begin(w, cancel, stage, total);
	atomic_fetch_add(&w->runs[stage], 1); /* before it is published */
	switch (stage) {
	case MT_STAGE_SOLVE: return computed(w, stage, stage_solve(w, sc, cancel), cancel);
	case MT_STAGE_ANALYSIS: return computed(w, stage, stage_analysis(w, sc, cancel), cancel);
	case MT_STAGE_NOISE: {
		/* A failed noise analysis lets the sweeps run but is not kept. */
		bool ok = false;
		bool go = stage_noise(w, sc, cancel, &ok);
		computed(w, stage, ok, cancel);
		return go;
	}
	case MT_STAGE_COALITION:
		/* Not kept: its pairs follow the cursor (needs->partner_of). */
		computed(w, stage, false, cancel);
		return stage_coalition(w, sc, needs, cancel);
	case MT_STAGE_SWEEPS:
		if (!computed(w, stage, stage_sweeps(w, sc, needs, cancel), cancel))
			return false;
		w->cache_group = needs->group;
		w->cache_steps = needs->sweep_steps;
		memcpy(w->cache_from, needs->sweep_from, sizeof w->cache_from);
		memcpy(w->cache_to, needs->sweep_to, sizeof w->cache_to);
		return true;
	case MT_STAGE_COUNT: break;
	}
	return false;
}

/* Runs the stages of sc, which run_job takes: it becomes the cache's key. */
static void run_job(mt_worker *w, mt_scenario *sc, const mt_job_needs *needs, unsigned long gen)
{
	mt_cancel cancel = {.generation = &w->generation, .mine = gen, .progress = NULL};
	if (!w->spare)
		w->spare = mt_calloc(1, sizeof *w->spare);
	if (!w->cache_sc || !mt_scenario_same_numbers(w->cache_sc, sc))
		memset(w->cache_gen, 0, sizeof w->cache_gen);
	if (needs->group != w->cache_group || needs->sweep_steps != w->cache_steps ||
	    memcmp(needs->sweep_from, w->cache_from, sizeof w->cache_from) ||
	    memcmp(needs->sweep_to, w->cache_to, sizeof w->cache_to))
		w->cache_gen[MT_STAGE_SWEEPS] = 0;
	mt_scenario_free(w->cache_sc);
	w->cache_sc = sc;
	if (!run_stage(w, MT_STAGE_SOLVE, sc, needs, &cancel))
		return;
	if (needs->analysis && !run_stage(w, MT_STAGE_ANALYSIS, sc, needs, &cancel))
		return;
	if (needs->noise && sc->noise.epsilon > 0.0 &&
	    !run_stage(w, MT_STAGE_NOISE, sc, needs, &cancel))
		return;
	if (needs->coalitions && !run_stage(w, MT_STAGE_COALITION, sc, needs, &cancel))
		return;
	if (needs->sweeps)
		run_stage(w, MT_STAGE_SWEEPS, sc, needs, &cancel);
}

unsigned long mt_worker_stage_runs(const mt_worker *w, mt_stage s)
{
	return s < MT_STAGE_COUNT ? atomic_load(&w->runs[s]) : 0;
}

static void *worker_main(void *arg)
{
	mt_worker *w = arg;
	for (;;) {
		pthread_mutex_lock(&w->lock);
		while (!w->quit && !w->job)
			pthread_cond_wait(&w->wake, &w->lock);
		if (w->quit) {
			pthread_mutex_unlock(&w->lock);
			break;
		}
		mt_scenario *sc = w->job;
		mt_job_needs needs = w->job_needs;
		unsigned long gen = w->job_generation;
		w->job = NULL;
		pthread_mutex_unlock(&w->lock);
		run_job(w, sc, &needs, gen);
		atomic_store_explicit(&w->prog_stage, -1, memory_order_release); /* idle */
	}
	return NULL;
}

mt_status mt_worker_start(mt_worker **out, mt_error *err)
{
	*out = NULL;
	mt_worker *w = mt_calloc(1, sizeof *w);
	if (!w)
		return mt_error_set(err, MT_ENOMEM, NULL, 0, 0,
		                    "out of memory starting the solver");
	int fds[2];
	if (pipe(fds) < 0) {
		int e = errno;
		free(w);
		return mt_error_set(err, MT_EIO, NULL, 0, 0, "cannot create the solver pipe: %s",
		                    strerror(e));
	}
	w->pipe_rd = fds[0];
	w->pipe_wr = fds[1];
	w->spare = mt_calloc(1, sizeof *w->spare);
	if (!w->spare) {
		close(fds[0]);
		close(fds[1]);
		free(w);
		return mt_error_set(err, MT_ENOMEM, NULL, 0, 0,
		                    "out of memory starting the solver");
	}
	for (int k = 0; k < 2; k++) {
		fcntl(fds[k], F_SETFD, FD_CLOEXEC);
		fcntl(fds[k], F_SETFL, fcntl(fds[k], F_GETFL) | O_NONBLOCK);
	}
	atomic_init(&w->generation, 0);
	atomic_init(&w->prog_generation, 0);
	atomic_init(&w->prog_stage, -1);
	atomic_init(&w->prog_started_ns, 0);
	for (int k = 0; k < MT_STAGE_COUNT; k++) {
		atomic_init(&w->prog[k].done, 0);
		atomic_init(&w->prog[k].total, 0);
	}
	for (int s = 0; s < MT_STAGE_COUNT; s++)
		atomic_init(&w->runs[s], 0);
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->wake, NULL);
	/* The thread inherits a mask that blocks every asynchronous signal, so
	 * they all reach the caller's thread, whose poll() they must wake
	 * (SIGTERM, SIGWINCH, ...).  Faults stay deliverable to the thread that
	 * causes them. */
	sigset_t all, old;
	sigfillset(&all);
	static const int faults[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGTRAP, SIGSYS};
	for (size_t k = 0; k < sizeof faults / sizeof faults[0]; k++)
		sigdelset(&all, faults[k]);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	int rc = pthread_create(&w->thread, NULL, worker_main, w);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc) {
		pthread_cond_destroy(&w->wake);
		pthread_mutex_destroy(&w->lock);
		close(fds[0]);
		close(fds[1]);
		free(w->spare);
		free(w);
		return mt_error_set(err, MT_EIO, NULL, 0, 0, "cannot start the solver thread: %s",
		                    strerror(rc));
	}
	*out = w;
	return MT_OK;
}

void mt_worker_stop(mt_worker *w)
{
	if (!w)
		return;
	pthread_mutex_lock(&w->lock);
	w->quit = true;
	atomic_fetch_add(&w->generation, 1);
	pthread_cond_signal(&w->wake);
	pthread_mutex_unlock(&w->lock);
	pthread_join(w->thread, NULL);
	mt_scenario_free(w->job);
	mt_scenario_free(w->cache_sc);
	for (int s = 0; s < MT_STAGE_COUNT; s++)
		mt_stage_result_free(w->slot[s]);
	free(w->spare);
	pthread_cond_destroy(&w->wake);
	pthread_mutex_destroy(&w->lock);
	close(w->pipe_rd);
	close(w->pipe_wr);
	free(w);
}

int mt_worker_fd(const mt_worker *w)
{
	return w->pipe_rd;
}

unsigned long mt_worker_submit(mt_worker *w, mt_scenario *sc, const mt_job_needs *needs)
{
	pthread_mutex_lock(&w->lock);
	unsigned long gen = atomic_fetch_add(&w->generation, 1) + 1;
	mt_scenario *old = w->job;
	w->job = sc;
	w->job_generation = gen;
	if (needs)
		w->job_needs = *needs;
	else
		memset(&w->job_needs, 0, sizeof w->job_needs);
	pthread_cond_signal(&w->wake);
	pthread_mutex_unlock(&w->lock);
	mt_scenario_free(old);
	return gen;
}

void mt_worker_take(mt_worker *w, mt_stage_result *out[MT_STAGE_COUNT])
{
	char buf[64];
	while (read(w->pipe_rd, buf, sizeof buf) > 0)
		;
	pthread_mutex_lock(&w->lock);
	for (int s = 0; s < MT_STAGE_COUNT; s++) {
		out[s] = w->slot[s];
		w->slot[s] = NULL;
	}
	pthread_mutex_unlock(&w->lock);
}
