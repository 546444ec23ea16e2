/* mechtune/scenario.h — the model of theory.md section 1: responses, the
 * reference model q, groups with true and reported reward models and sizes,
 * the training rule (divergence, lambda, optional candidate menu) and the
 * payment rule.
 *
 * A scenario owns all of its memory.  Scenarios handed to another thread are
 * clones (mt_scenario_clone) and are never modified afterwards. */
#ifndef MECHTUNE_SCENARIO_H
#define MECHTUNE_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mechtune/divergence.h"
#include "mechtune/error.h"
#include "mechtune/payment.h"

#define MT_FORMAT_VERSION 1
/* Tolerance for "normalized" rewards and a reference that sums to 1. */
#define MT_NORM_TOL 1e-9

/* Limits on everything a scenario file (or a typed value) can ask for; the
 * loader refuses larger values before it allocates anything for them, and
 * mt_scenario_validate refuses them too (docs/scenario-format.md, "Limits"). */
#define MT_NAME_MAX 128u          /* bytes in a name or a response label */
#define MT_DESCRIPTION_MAX 16384u /* bytes in the description */
#define MT_TRY_TEXT_MAX 1024u     /* bytes in one "things to try" hint */
#define MT_MAX_TRY 64u            /* "things to try" hints */
#define MT_MAX_RESPONSES 65536u   /* m */
#define MT_MAX_GROUPS 65536u      /* n */
#define MT_MAX_CANDIDATES 4096u   /* k */
/* (n + k) * m: entries of the reward models and candidate policies (so a
 * scenario's numbers take at most 24 MiB); 128 groups x 4096 responses is
 * half of it. */
#define MT_MAX_CELLS (1024u * 1024u)
#define MT_MAX_TRAINING_STEPS 10000u /* training.steps */
#define MT_MAX_NOISE_SAMPLES 10000u  /* noise.samples */

typedef enum { MT_NORM_SUM = 0, MT_NORM_MAX = 1 } mt_norm;

typedef struct {
	char *name;
	double size;          /* true w_i, 0 < size <= max_size */
	double *rewards;      /* true rm_i, m entries */
	double reported_size; /* w~_i */
	double *reported;     /* reported rm~_i, m entries */
	double shift;         /* report-independent extra charge (vcg_shifted) */
} mt_group;

typedef struct {
	char *name;
	double *policy; /* m entries, a probability vector */
} mt_candidate;

typedef struct {
	double epsilon; /* noise half-width; 0 = no noise */
	size_t samples; /* Monte Carlo samples */
	uint64_t seed;
} mt_noise;

typedef struct {
	size_t steps;     /* mirror-ascent steps K */
	double step_size; /* eta */
} mt_training;

typedef struct {
	char *name;
	char *description;
	size_t ntry;
	char **try_list; /* "things to try", may be empty */

	size_t m;
	char **responses;  /* m labels */
	double *reference; /* q, m entries, positive, sums to 1 */
	mt_norm normalization;
	const mt_divergence *divergence;
	double lambda;
	const mt_payment_rule *payment;
	double pivot_fraction; /* vcg_shifted: extra charge = fraction * pivot (0 = off) */
	double max_size;

	size_t n;
	mt_group *groups;

	size_t k;                 /* 0 = optimize over the whole simplex */
	mt_candidate *candidates; /* k entries */

	mt_noise noise;
	mt_training training;
} mt_scenario;

/* Allocate an empty scenario with m responses and n groups: uniform
 * reference, rewards all 1/m (sum) or 1 (max), sizes 1, truthful reports,
 * kl, lambda 1, vcg, max_size 10.  Labels "x1".., names "group 1"...
 * Returns NULL when out of memory. */
mt_scenario *mt_scenario_new(size_t m, size_t n);
void mt_scenario_free(mt_scenario *sc); /* NULL is a no-op */
mt_scenario *mt_scenario_clone(const mt_scenario *sc);

/* true when a and b hold the same numbers, bit for bit: everything a solve,
 * an analysis, a sweep or a noise analysis reads (reference, rules, lambda,
 * sizes, rewards and reports, candidates, noise, training); names, labels
 * and texts are not compared.  The worker's stage cache keys on it: exact
 * equality is the point, so no tolerance. */
bool mt_scenario_same_numbers(const mt_scenario *a, const mt_scenario *b);

/* Validate everything the loader validates (normalization, ranges, names,
 * finiteness).  On failure err->msg names the offending field. */
mt_status mt_scenario_validate(const mt_scenario *sc, mt_error *err);

/* Structural edits, used by the explorer.  Each keeps the scenario valid. */
mt_status mt_scenario_add_group(mt_scenario *sc, const char *name);
mt_status mt_scenario_remove_group(mt_scenario *sc, size_t i);
mt_status mt_scenario_add_response(mt_scenario *sc, const char *label);
mt_status mt_scenario_remove_response(mt_scenario *sc, size_t x);
mt_status mt_scenario_set_name(char **slot, const char *name);

/* Project v (m entries) onto the report space of the normalization: for sum,
 * clamp to >= 0 and scale to sum 1 (uniform if all zero); for max, clamp to
 * [0, 1] and scale so that the max is 1 (all ones if all zero). */
void mt_normalize(mt_norm norm, size_t m, double *v);
/* true when v is normalized within MT_NORM_TOL. */
bool mt_is_normalized(mt_norm norm, size_t m, const double *v);

/* true when group i reports something other than the truth. */
bool mt_group_lies(const mt_scenario *sc, size_t i);
/* Make group i report the truth. */
void mt_group_tell_truth(mt_scenario *sc, size_t i);

/* The first name, in order, equal to an earlier one: *dup is its index and
 * *orig the earlier one's.  O(n log n), for thousands of responses.
 * Returns false when all names differ, or when out of memory (then *st is
 * MT_ENOMEM, otherwise MT_OK). */
bool mt_find_duplicate(char *const *names, size_t n, size_t *dup, size_t *orig, mt_status *st);

/* Why text s may not be a name (name == true: one line, at most MT_NAME_MAX
 * bytes) or a free text of at most max bytes (name == false: newlines and
 * tabs allowed), or NULL when it is fine.  Refused everywhere: invalid UTF-8,
 * C0 and C1 control characters, DEL, U+2028, U+2029 and the bidirectional
 * controls U+061C, U+200E, U+200F, U+202A..U+202E, U+2066..U+2069, which
 * would break lines or reorder what a terminal shows.  The answer is a
 * static string such as "contains a control character". */
const char *mt_text_problem(const char *s, bool name, size_t max);

const char *mt_norm_name(mt_norm norm);
bool mt_norm_parse(const char *s, mt_norm *out);

#endif
