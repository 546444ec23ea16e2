/* mechtune/sweep.h — the paper's misreport families (theory.md section 8)
 * and a lambda sweep: one row per parameter value. */
#ifndef MECHTUNE_SWEEP_H
#define MECHTUNE_SWEEP_H

#include <stdbool.h>
#include <stddef.h>

#include "mechtune/cancel.h"
#include "mechtune/scenario.h"

typedef enum {
	MT_SWEEP_ALPHA = 0,   /* size overstatement: w~ = alpha w (clamped to max_size) */
	MT_SWEEP_BETA = 1,    /* strategic mixing: beta rm_i + (1-beta) mean(others), projected */
	MT_SWEEP_EPSILON = 2, /* polarization step eps */
	MT_SWEEP_LAMBDA = 3,  /* regularization strength, everybody truthful as in sc */
} mt_sweep_family;

typedef struct {
	double param;
	double valuation; /* of the swept group */
	double payment;
	double utility;
	double welfare; /* true social welfare */
	/* for MT_SWEEP_LAMBDA: per-group utilities, n entries (owned) else NULL */
	double *utilities;
} mt_sweep_row;

typedef struct {
	mt_sweep_family family;
	size_t group;
	size_t nrows;
	mt_sweep_row *rows;
	double truth_param; /* parameter value of truthful reporting (1, 1, 0, sc->lambda) */
} mt_sweep;

const char *mt_sweep_family_name(mt_sweep_family f);

/* The report of group i at parameter t of family f (alpha, beta, epsilon),
 * everything else as in sc: the one mt_sweep_run evaluates.  Fills
 * rewards (m) and *size; returns false for MT_SWEEP_LAMBDA (not a report),
 * a non-positive alpha, or a positive epsilon of a group with no polarizing
 * misreport (then the truth is filled in).  A too large epsilon is clamped
 * to the largest feasible step. */
bool mt_sweep_report(const mt_scenario *sc, mt_sweep_family f, size_t i, double t, double *rewards,
                     double *size);
bool mt_sweep_family_parse(const char *s, mt_sweep_family *out);

/* Sweep `family` for group `group` from `from` to `to` in `steps` >= 2
 * evenly spaced values (steps = 1: just `from`).  Other groups report as
 * in sc.  out is initialized here; release with mt_sweep_release. */
mt_status mt_sweep_run(const mt_scenario *sc, mt_sweep_family family, size_t group, double from,
                       double to, size_t steps, mt_sweep *out, const mt_cancel *cancel,
                       mt_error *err);
void mt_sweep_release(mt_sweep *s);

#endif
