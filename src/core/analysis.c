/* Strategic analysis (mechtune/analysis.h, theory.md sections 3 and 9):
 * the whole analyses: every group's best responses, polarizing misreport
 * and sign function t(x), iterated best responses and the DSIC / IR
 * checks, shared out between two threads.  The search is br_search.c, the
 * report helpers br_report.c. */
#include "mechtune/analysis.h"
#include "mechtune/alloc.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "br_internal.h"

/* ------------------------------------------------------ whole analyses */

static mt_status sign_function(const mt_scenario *sc, size_t i, double *t, const mt_cancel *cancel,
                               mt_error *err)
{
	mt_engine e;
	mt_status st = mt_engine_init(&e, sc, cancel, err);
	if (!st) {
		size_t m = sc->m;
		const double *rm = sc->groups[i].rewards;
		double H = 0.0, hr = 0.0;
		for (size_t x = 0; x < m; x++) {
			double h = 0.0;
			if (e.p[x] > 0.0) {
				double f2 = sc->divergence->fsecond(e.p[x] / sc->reference[x],
				                                    sc->lambda);
				h = f2 > 0.0 && isfinite(f2) ? sc->reference[x] / f2 : 0.0;
			}
			H += h;
			hr += h * rm[x];
		}
		for (size_t x = 0; x < m; x++)
			t[x] = rm[x] * H - hr;
	}
	mt_engine_release(&e);
	return st;
}

void mt_ibr_release(mt_ibr_result *r)
{
	if (!r)
		return;
	free(r->sizes);
	free(r->rewards);
	memset(r, 0, sizeof *r);
}

static mt_status welfare_of(const mt_scenario *sc, double *w, const mt_cancel *cancel,
                            mt_error *err)
{
	mt_outcome o;
	mt_status st = mt_solve(sc, &o, cancel, err);
	if (!st)
		*w = o.welfare;
	mt_outcome_release(&o);
	return st;
}

mt_status mt_iterated_best_response(const mt_scenario *sc, double tol, size_t max_rounds,
                                    mt_ibr_result *out, const mt_cancel *cancel, mt_error *err)
{
	size_t m = sc->m, n = sc->n;
	memset(out, 0, sizeof *out);
	mt_scenario *work = mt_scenario_clone(sc);
	out->sizes = mt_malloc(n * sizeof *out->sizes);
	out->rewards = mt_malloc(n * m * sizeof *out->rewards);
	mt_status st = MT_OK;
	if (!work || !out->sizes || !out->rewards) {
		st = mt_error_set(err, MT_ENOMEM, NULL, 0, 0,
		                  "out of memory in iterated best responses");
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		mt_group_tell_truth(work, i);
	if ((st = welfare_of(work, &out->welfare_truthful, cancel, err)))
		goto out;
	for (size_t i = 0; i < n; i++) {
		work->groups[i].reported_size = sc->groups[i].reported_size;
		memcpy(work->groups[i].reported, sc->groups[i].reported, m * sizeof(double));
	}
	for (out->rounds = 0; out->rounds < max_rounds && !out->converged;) {
		bool moved = false;
		out->rounds++;
		for (size_t i = 0; i < n; i++) {
			if (mt_cancelled(cancel)) {
				st = mt_error_set(err, MT_ECANCELED, NULL, 0, 0, "cancelled");
				goto out;
			}
			mt_group *g = &work->groups[i];
			mt_report_outcome cur = {0}, br = {0};
			st = mt_eval_raw(work, i, g->reported, g->reported_size, &cur, NULL, cancel,
			                 err);
			if (!st)
				st = mt_br_search(work, i, MT_BR_FULL, g->reported,
				                  g->reported_size, &br, cancel, err);
			if (st) {
				mt_report_outcome_release(&br);
				goto out;
			}
			if (br.utility - cur.utility > tol * (1.0 + fabs(cur.utility))) {
				memcpy(g->reported, br.rewards, m * sizeof(double));
				g->reported_size = br.size;
				moved = true;
			}
			mt_report_outcome_release(&br);
		}
		out->converged = !moved;
	}
	for (size_t i = 0; i < n; i++) {
		out->sizes[i] = work->groups[i].reported_size;
		memcpy(out->rewards + i * m, work->groups[i].reported, m * sizeof(double));
	}
	if ((st = welfare_of(work, &out->welfare_final, cancel, err)))
		goto out;
	out->welfare_loss = out->welfare_truthful - out->welfare_final;
out:
	mt_scenario_free(work);
	return st;
}

void mt_analysis_release(mt_analysis *a)
{
	if (!a)
		return;
	for (size_t i = 0; a->groups && i < a->n; i++) {
		mt_group_analysis *g = &a->groups[i];
		for (int k = 0; k < 3; k++)
			mt_report_outcome_release(&g->best[k]);
		mt_report_outcome_release(&g->polarize);
		free(g->t);
	}
	free(a->groups);
	mt_ibr_release(&a->ibr);
	memset(a, 0, sizeof *a);
}

void mt_analysis_opts_default(mt_analysis_opts *o)
{
	*o = (mt_analysis_opts){.ibr = true, .ibr_tol = 1e-9, .ibr_rounds = 20};
}

/* The boundary where a non-finite number would become a result: every
 * number comes from real solves, which are finite, but differences of
 * huge ones may not be. */
static mt_status check_group_finite(const mt_scenario *sc, size_t i, const mt_group_analysis *ga,
                                    mt_error *err)
{
	bool ok = isfinite(ga->truthful_utility);
	for (int k = 0; k < 3; k++)
		ok = ok && isfinite(ga->best[k].gain) && isfinite(ga->best[k].utility);
	ok = ok && isfinite(ga->polarize.gain);
	for (size_t x = 0; x < sc->m; x++)
		ok = ok && isfinite(ga->t[x]);
	if (ok)
		return MT_OK;
	return mt_error_set(err, MT_ENUMERIC, NULL, 0, 0,
	                    "the analysis of group '%s' failed: a gain or t(x) is not a finite "
	                    "number (%s, lambda %g); move lambda towards 1 or lower the sizes",
	                    sc->groups[i].name, sc->divergence->name, sc->lambda);
}

/* Task `task` of group i: 0 is the truthful outcome, the polarizing
 * misreport and t(x), 1 + k the best response of kind k.  Reads `work`
 * only, so tasks can run in parallel (check_group_finite runs after all). */
static mt_status analyze_group(const mt_scenario *work, size_t i, size_t task,
                               const mt_analysis_opts *opts, mt_group_analysis *ga,
                               double *truth_payment, const mt_cancel *cancel, mt_error *err)
{
	if (task > 0)
		return mt_br_search(work, i, (mt_br_kind)(task - 1), NULL, 0.0, &ga->best[task - 1],
		                    cancel, err);
	size_t m = work->m;
	const mt_group *g = &work->groups[i];
	mt_status st = MT_OK;
	double *r = mt_malloc(m * sizeof *r);
	if (!(ga->t = mt_malloc(m * sizeof *ga->t)) || !r) {
		st = mt_error_set(err, MT_ENOMEM, NULL, 0, 0, "out of memory in the analysis");
		goto out;
	}
	mt_report_outcome truth = {0};
	if ((st = mt_eval_raw(work, i, g->rewards, g->size, &truth, NULL, cancel, err)))
		goto out;
	ga->truthful_utility = truth.utility;
	ga->ir = truth.utility >= -MT_DSIC_TOL * (1.0 + fabs(truth.utility));
	*truth_payment = truth.payment;
	double eps;
	if (mt_polarize(work, i, opts->polarize_epsilon, r, &eps)) {
		mt_report_outcome pol = {0};
		if ((st = mt_eval_raw(work, i, r, g->size, &pol, NULL, cancel, err)))
			goto out;
		pol.gain = pol.utility - truth.utility;
		ga->polarize_epsilon = eps;
		st = mt_report_set(&ga->polarize, m, r, g->size, &pol);
	} else {
		truth.gain = 0.0;
		ga->polarize_epsilon = 0.0;
		st = mt_report_set(&ga->polarize, m, g->rewards, g->size, &truth);
	}
	if (!st)
		st = sign_function(work, i, ga->t, cancel, err);
out:
	free(r);
	return st;
}

/* The tasks (four per group: analyze_group) are shared out between the
 * calling thread and one helper (the machine mechtune targets has two
 * cores) through an atomic counter; tasks, not whole groups, so that one
 * costly group does not leave the other core idle.
 * Finite menus stay on one thread: GLPK keeps per-thread state. */
#define GROUP_TASKS 4
/* n * m below this: one thread.  The whole analysis then takes at most
 * about 1.5 ms of CPU (4 x 8, README Speed), and a helper that a busy
 * machine deschedules while it holds a task can add several. */
#define PARALLEL_MIN_WORK 64

typedef struct {
	const mt_scenario *work;
	const mt_analysis_opts *opts;
	mt_analysis *out;
	double *truth_payment;
	const mt_cancel *cancel;
	atomic_uchar *tasks_done; /* per group: its tasks done (all: one progress step) */
	atomic_size_t next;
	atomic_int failed; /* a thread stopped: the others stop too */
} group_pool;

typedef struct {
	group_pool *pool;
	mt_status st;
	mt_error err;
} pool_worker;

static void *pool_run(void *arg)
{
	pool_worker *w = arg;
	group_pool *p = w->pool;
	w->st = MT_OK;
	for (;;) {
		size_t t = atomic_fetch_add(&p->next, 1), i = t / GROUP_TASKS;
		if (i >= p->work->n || atomic_load(&p->failed))
			break;
		if (mt_cancelled(p->cancel)) {
			w->st = mt_error_set(&w->err, MT_ECANCELED, NULL, 0, 0, "cancelled");
			atomic_store(&p->failed, 1);
			break;
		}
		w->st = analyze_group(p->work, i, t % GROUP_TASKS, p->opts, &p->out->groups[i],
		                      &p->truth_payment[i], p->cancel, &w->err);
		if (w->st) {
			atomic_store(&p->failed, 1);
			break;
		}
		if (atomic_fetch_add(&p->tasks_done[i], 1) + 1 == GROUP_TASKS)
			mt_progress_step(p->cancel); /* the group's best responses are done */
	}
	return NULL;
}

static mt_status analyze_groups(group_pool *pool, mt_error *err)
{
	pool_worker self = {.pool = pool}, helper = {.pool = pool};
	pthread_t thread;
	bool parallel = pool->work->k == 0 && pool->work->n >= 2 &&
	                pool->work->n * pool->work->m >= PARALLEL_MIN_WORK &&
	                pthread_create(&thread, NULL, pool_run, &helper) == 0;
	pool_run(&self);
	if (parallel)
		pthread_join(thread, NULL);
	pool_worker *bad = self.st ? &self : parallel && helper.st ? &helper : NULL;
	if (!bad)
		return MT_OK;
	if (err)
		*err = bad->err;
	return bad->st;
}

mt_status mt_analyze_ex(const mt_scenario *sc, const mt_payment_rule *rule,
                        const mt_analysis_opts *opts, mt_analysis *out, const mt_cancel *cancel,
                        mt_error *err)
{
	mt_analysis_opts def;
	if (!opts) {
		mt_analysis_opts_default(&def);
		opts = &def;
	}
	size_t m = sc->m, n = sc->n;
	memset(out, 0, sizeof *out);
	out->m = m;
	out->n = n;
	out->rule = rule ? rule : sc->payment;
	mt_scenario *work = mt_scenario_clone(sc);
	double *truth_payment = mt_calloc(n ? n : 1, sizeof *truth_payment);
	atomic_uchar *tasks_done = mt_calloc(n ? n : 1, sizeof *tasks_done);
	mt_status st = MT_OK;
	out->groups = mt_calloc(n ? n : 1, sizeof *out->groups);
	if (!work || !out->groups || !truth_payment || !tasks_done) {
		st = mt_error_set(err, MT_ENOMEM, NULL, 0, 0, "out of memory in the analysis");
		goto out;
	}
	work->payment = out->rule;
	group_pool pool = {.work = work,
	                   .opts = opts,
	                   .out = out,
	                   .truth_payment = truth_payment,
	                   .cancel = cancel,
	                   .tasks_done = tasks_done};
	for (size_t i = 0; i < n; i++)
		atomic_init(&tasks_done[i], 0);
	atomic_init(&pool.next, 0);
	atomic_init(&pool.failed, 0);
	if ((st = analyze_groups(&pool, err)))
		goto out;
	for (size_t i = 0; i < n; i++)
		if ((st = check_group_finite(work, i, &out->groups[i], err)))
			goto out;
	out->dsic = out->ir = out->nonnegative_payments = true;
	out->max_gain = -INFINITY;
	for (size_t i = 0; i < n; i++) {
		const mt_group_analysis *ga = &out->groups[i];
		double tol = MT_DSIC_TOL * (1.0 + fabs(ga->truthful_utility));
		out->ir = out->ir && ga->ir;
		double wv = ga->truthful_utility + truth_payment[i]; /* w_i v_i */
		if (truth_payment[i] < -MT_DSIC_TOL * (1.0 + fabs(wv)))
			out->nonnegative_payments = false;
		for (int k = 0; k < 3; k++)
			if (ga->best[k].gain > tol)
				out->dsic = false;
		out->max_gain = fmax(out->max_gain, ga->best[MT_BR_FULL].gain);
	}
	if (opts->ibr)
		st = mt_iterated_best_response(work, opts->ibr_tol, opts->ibr_rounds, &out->ibr,
		                               cancel, err);
out:
	if (st == MT_ENOMEM && err && !err->msg[0])
		mt_error_set(err, st, NULL, 0, 0, "out of memory in the analysis");
	free(truth_payment);
	free(tasks_done);
	mt_scenario_free(work);
	return st;
}

mt_status mt_analyze(const mt_scenario *sc, const mt_payment_rule *rule, mt_analysis *out,
                     const mt_cancel *cancel, mt_error *err)
{
	return mt_analyze_ex(sc, rule, NULL, out, cancel, err);
}
