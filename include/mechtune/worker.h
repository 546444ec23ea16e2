/* mechtune/worker.h — the solver worker thread behind the explorer.
 *
 * The UI submits an immutable clone of its scenario together with what the
 * current view needs.  The worker solves it unlocked, in stages, and
 * publishes each stage as soon as it is done: the policy and payments
 * first, the best-response analyses after, then the noisy-input analysis
 * (scenarios with noise.epsilon > 0), then the coalitions of two groups,
 * the sweeps of the plot view last.  Publishing is a pointer swap under a
 * mutex plus one byte written to
 * a pipe whose read end the UI poll()s (redis bio.c, cmus job_fd).
 *
 * Every submission bumps an atomic generation counter; computations of an
 * older generation notice it between steps (mt_cancel) and stop, and their
 * results are never published.  Only pointers cross threads: a submitted
 * scenario belongs to the worker, a taken result belongs to the caller.
 *
 * Process-wide setup (mt_library_init, setlocale, signal
 * dispositions) must happen before mt_worker_start.  The worker thread
 * blocks every asynchronous signal (all but SIGSEGV, SIGBUS, SIGFPE, SIGILL,
 * SIGABRT, SIGTRAP, SIGSYS), so signals sent to the process are handled by
 * the caller's threads. */
#ifndef MECHTUNE_WORKER_H
#define MECHTUNE_WORKER_H

#include <stdbool.h>
#include <stddef.h>

#include "mechtune/analysis.h"
#include "mechtune/coalition.h"
#include "mechtune/error.h"
#include "mechtune/noise.h"
#include "mechtune/scenario.h"
#include "mechtune/sweep.h"
#include "mechtune/train.h"

typedef struct mt_worker mt_worker;

typedef enum {
	MT_STAGE_SOLVE = 0,     /* outcome (+ the all-truthful outcome after a lie) */
	MT_STAGE_ANALYSIS = 1,  /* analyses under none and under the active rule */
	MT_STAGE_SWEEPS = 2,    /* sweeps of the selected group */
	MT_STAGE_NOISE = 3,     /* noisy-input analysis (runs before the sweeps) */
	MT_STAGE_COALITION = 4, /* coalitions of two groups (after the noise, before the sweeps) */
	MT_STAGE_COUNT
} mt_stage;

#define MT_WORKER_SWEEP_STEPS 41
#define MT_WORKER_NSWEEPS 4 /* alpha, beta, epsilon, lambda (mt_sweep_family order) */

/* What the view needs besides the solve. */
typedef struct {
	bool analysis;      /* best responses under `none` and under the active rule */
	bool noise;         /* the noisy-input analysis, when sc->noise.epsilon > 0 */
	bool sweeps;        /* the four sweeps of the plot view, for `group` */
	size_t group;       /* the selected group */
	size_t sweep_steps; /* points per sweep; 0 picks MT_WORKER_SWEEP_STEPS */
	/* Coalitions of two groups, after the analysis and the noise (so they
	 * never delay those): when partner_of and partner are two different
	 * groups (< n), the one pair {partner_of, partner}, at any number of
	 * groups; otherwise (partner MT_WORKER_ALL_PAIRS) every pair when the
	 * scenario has 2 to MT_COALITION_PAIR_MAX_GROUPS groups, and nothing
	 * above. */
	bool coalitions;
	size_t partner_of, partner;
	/* The generation of the result of each stage the caller holds (0:
	 * none).  A stage the worker already computed for a scenario with the
	 * same numbers (mt_scenario_same_numbers) and, for the sweeps, the same
	 * group and steps, and published with that generation, is not computed
	 * again: the worker publishes a record with `reused` set instead (the
	 * coalition stage is always computed). */
	unsigned long have[MT_STAGE_COUNT];
	/* The sweeps' ranges by family; from == to: mt_worker_sweep_range's. */
	double sweep_from[MT_WORKER_NSWEEPS], sweep_to[MT_WORKER_NSWEEPS];
} mt_job_needs;

#define MT_WORKER_ALL_PAIRS ((size_t)-1)

/* One published stage.  Only the members of its stage are filled; a stage
 * whose status is not MT_OK carries the reason in err and the stages after
 * it are not run for that generation, except after the noise and the
 * coalition stages: their failure (a payment rule the analysis does not
 * support) only concerns themselves, and the stages after still run. */
typedef struct {
	unsigned long generation;
	mt_stage stage;
	mt_status status;
	mt_error err;
	double seconds; /* wall time of this stage */
	/* Nothing else is filled: the caller's result of generation
	 * reused_from (mt_job_needs.have) is still right for this generation. */
	bool reused;
	unsigned long reused_from;

	/* MT_STAGE_SOLVE */
	bool have_outcome;
	mt_outcome outcome;  /* the scenario as reported */
	bool lies;           /* some group reports something other than the truth */
	bool have_truthful;  /* lies and the all-truthful solve succeeded */
	mt_outcome truthful; /* what everybody telling the truth would have given */

	/* MT_STAGE_ANALYSIS */
	bool have_none, have_rule;
	mt_analysis none; /* under the `none` payment: the instructive lie */
	mt_analysis rule; /* under the scenario's rule (a copy of `none` is not
			     made: when the rule is none, have_rule is false and
			     callers use `none`) */

	/* MT_STAGE_SWEEPS */
	size_t group;
	bool have_sweep[MT_WORKER_NSWEEPS];
	mt_sweep sweeps[MT_WORKER_NSWEEPS]; /* indexed by mt_sweep_family */

	/* MT_STAGE_NOISE */
	bool have_noise;
	mt_noise_analysis noise; /* everybody truthful, under the scenario's rule */

	/* MT_STAGE_COALITION: pairs[k] for k < npairs, each {a, b} with a < b,
	 * in index order (every pair, or the one asked for).  rule is the
	 * joint misreport under the scenario's rule (have_rule false when that
	 * rule charges nothing: use none), none the one without payment; the
	 * numbers are those of `mechtune analyze --coalition A,B`. */
	size_t co_n; /* groups of the scenario analysed */
	size_t npairs;
	bool all_pairs; /* every pair (else only the one asked for) */
	struct mt_worker_pair {
		size_t a, b;
		bool have_rule;
		mt_coalition rule, none;
	} * pairs;
} mt_stage_result;

typedef struct mt_worker_pair mt_worker_pair;

/* Start the worker thread.  On failure *out is NULL and err says why. */
mt_status mt_worker_start(mt_worker **out, mt_error *err);

/* Cancel whatever runs, join the thread and free everything, including
 * results never taken.  NULL is a no-op. */
void mt_worker_stop(mt_worker *w);

/* The read end of the wake-up pipe, for poll(POLLIN).  Readable when at
 * least one stage was published since the last mt_worker_take. */
int mt_worker_fd(const mt_worker *w);

/* How far the worker is: the generation and stage running, and each
 * stage's steps (the analysis: one per group and analysis, the sweeps one
 * per family, the coalitions one per pair; 0 of 0: not counted).  Any
 * thread may call it: the worker publishes the numbers through atomics.
 * Returns false when no stage runs (out->stage is then 0). */
typedef struct {
	unsigned long generation;
	mt_stage stage;
	size_t done[MT_STAGE_COUNT], total[MT_STAGE_COUNT];
	double stage_seconds; /* since the stage (the last one, when none runs) began */
} mt_worker_progress_info;
bool mt_worker_progress(mt_worker *w, mt_worker_progress_info *out);

/* Hand sc (ownership moves to the worker; it is never modified) and the
 * view's needs to the worker.  Cancels the computation in progress and any
 * job still waiting.  Returns the new generation.  If sc is NULL nothing is
 * computed but the running job is still cancelled. */
unsigned long mt_worker_submit(mt_worker *w, mt_scenario *sc, const mt_job_needs *needs);

/* Drain the wake-up pipe and move the published stages out: out[stage] is
 * the newest result of that stage (the caller owns it and frees it with
 * mt_stage_result_free) or NULL.  Results may belong to an older generation
 * than the last submission; compare ->generation. */
void mt_worker_take(mt_worker *w, mt_stage_result *out[MT_STAGE_COUNT]);

void mt_stage_result_free(mt_stage_result *r); /* NULL is a no-op */

/* How many times the worker computed stage s (reused stages not counted),
 * for tests.  Any thread. */
unsigned long mt_worker_stage_runs(const mt_worker *w, mt_stage s);

/* The parameter range the plot view sweeps for family f and group i of sc
 * in `steps` evenly spaced points: alpha from about 0.25 to
 * min(3, max_size / size), beta 0..2, epsilon from 0 to the largest
 * polarizing step, lambda from about lambda/5 to 3 lambda.  The start is
 * moved (by less than one step) so that the truthful parameter (1, 1, 0,
 * lambda) is one of the points: the plot's "max u at" then names the truth
 * itself when truth-telling is optimal.  Returns false when the family has
 * nothing to sweep (no polarizing misreport). */
bool mt_worker_sweep_range(const mt_scenario *sc, mt_sweep_family f, size_t i, size_t steps,
                           double *from, double *to);

#endif
