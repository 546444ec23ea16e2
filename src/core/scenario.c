/* The scenario model (include/mechtune/scenario.h). */
#include "mechtune/scenario.h"
#include "mechtune/alloc.h"

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *dup_str(const char *s)
{
	size_t len = strlen(s) + 1;
	char *d = mt_malloc(len);
	if (d)
		memcpy(d, s, len);
	return d;
}

static double *dup_doubles(const double *v, size_t m)
{
	double *d = mt_malloc((m ? m : 1) * sizeof *d);
	if (d && m)
		memcpy(d, v, m * sizeof *d);
	return d;
}

struct name_ref {
	const char *s;
	size_t i;
};

static int cmp_name_ref(const void *a, const void *b)
{
	const struct name_ref *x = a, *y = b;
	int c = strcmp(x->s, y->s);
	return c ? c : (x->i > y->i) - (x->i < y->i);
}

bool mt_find_duplicate(char *const *names, size_t n, size_t *dup, size_t *orig, mt_status *st)
{
	struct name_ref *refs = mt_malloc((n ? n : 1) * sizeof *refs);
	bool found = false;
	*st = MT_OK;
	if (!refs) {
		*st = MT_ENOMEM;
		return false;
	}
	for (size_t i = 0; i < n; i++)
		refs[i] = (struct name_ref){.s = names[i], .i = i};
	qsort(refs, n, sizeof *refs, cmp_name_ref);
	for (size_t a = 0, b = 1; b < n; b++) {
		if (strcmp(refs[a].s, refs[b].s)) {
			a = b;
		} else if (!found || refs[b].i < *dup) {
			*dup = refs[b].i; /* refs[a] starts the run: the earliest equal name */
			*orig = refs[a].i;
			found = true;
		}
	}
	free(refs);
	return found;
}

/* Decode one UTF-8 sequence at s (shortest form, no surrogates, at most
 * U+10FFFF); returns its length, 0 when invalid. */
static size_t utf8_decode(const unsigned char *s, uint32_t *cp)
{
	size_t len;
	uint32_t c = s[0], min;
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2, c &= 0x1f, min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3, c &= 0x0f, min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4, c &= 0x07, min = 0x10000;
	} else {
		return 0;
	}
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3fu);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

static bool is_bidi_control(uint32_t c)
{
	return c == 0x061c || c == 0x200e || c == 0x200f || (c >= 0x202a && c <= 0x202e) ||
	       (c >= 0x2066 && c <= 0x2069);
}

const char *mt_text_problem(const char *s, bool name, size_t max)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t len = 0;
	if (name) {
		max = MT_NAME_MAX;
		if (!*u)
			return "must not be empty";
	}
	while (u[len]) {
		uint32_t c;
		size_t w = utf8_decode(u + len, &c);
		if (!w)
			return "is not valid utf-8 text";
		len += w;
		if (len > max)
			return "is too long";
		if (c == '\n' || c == '\t') {
			if (name)
				return "must be a single line without tabs";
		} else if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
			return "contains a control character";
		} else if (c == 0x2028 || c == 0x2029) {
			return "contains a unicode line or paragraph separator";
		} else if (is_bidi_control(c)) {
			return "contains a bidirectional text control (such as U+202E)";
		}
	}
	return NULL;
}

const char *mt_norm_name(mt_norm norm)
{
	return norm == MT_NORM_MAX ? "max" : "sum";
}

bool mt_norm_parse(const char *s, mt_norm *out)
{
	if (!strcmp(s, "sum"))
		*out = MT_NORM_SUM;
	else if (!strcmp(s, "max"))
		*out = MT_NORM_MAX;
	else
		return false;
	return true;
}

void mt_normalize(mt_norm norm, size_t m, double *v)
{
	double total = 0.0, top = 0.0;
	for (size_t x = 0; x < m; x++) {
		if (!(v[x] > 0.0)) /* also catches NaN */
			v[x] = 0.0;
		if (norm == MT_NORM_MAX && v[x] > 1.0)
			v[x] = 1.0;
		total += v[x];
		top = fmax(top, v[x]);
	}
	double scale = norm == MT_NORM_SUM ? total : top;
	for (size_t x = 0; x < m; x++) {
		if (scale > 0.0)
			v[x] /= scale;
		else
			v[x] = norm == MT_NORM_SUM ? 1.0 / (double)m : 1.0;
	}
}

bool mt_is_normalized(mt_norm norm, size_t m, const double *v)
{
	double total = 0.0, top = -INFINITY;
	for (size_t x = 0; x < m; x++) {
		if (!isfinite(v[x]) || v[x] < 0.0)
			return false;
		total += v[x];
		top = fmax(top, v[x]);
	}
	return fabs((norm == MT_NORM_SUM ? total : top) - 1.0) <= MT_NORM_TOL;
}

static void fill_default_rewards(const mt_scenario *sc, double *v)
{
	for (size_t x = 0; x < sc->m; x++)
		v[x] = sc->normalization == MT_NORM_SUM ? 1.0 / (double)sc->m : 1.0;
}

static mt_status init_group(mt_scenario *sc, mt_group *g, const char *name)
{
	memset(g, 0, sizeof *g);
	g->name = dup_str(name);
	g->rewards = mt_malloc(sc->m * sizeof *g->rewards);
	g->reported = mt_malloc(sc->m * sizeof *g->reported);
	if (!g->name || !g->rewards || !g->reported)
		return MT_ENOMEM;
	fill_default_rewards(sc, g->rewards);
	fill_default_rewards(sc, g->reported);
	g->size = g->reported_size = 1.0;
	return MT_OK;
}

static void release_group(mt_group *g)
{
	free(g->name);
	free(g->rewards);
	free(g->reported);
}

mt_scenario *mt_scenario_new(size_t m, size_t n)
{
	if (m == 0)
		return NULL;
	mt_scenario *sc = mt_calloc(1, sizeof *sc);
	if (!sc)
		return NULL;
	sc->m = m;
	sc->name = dup_str("untitled");
	sc->description = dup_str("");
	sc->responses = mt_calloc(m, sizeof *sc->responses);
	sc->reference = mt_malloc(m * sizeof *sc->reference);
	sc->groups = mt_calloc(n ? n : 1, sizeof *sc->groups);
	sc->normalization = MT_NORM_SUM;
	sc->divergence = &mt_div_kl;
	sc->lambda = 1.0;
	sc->payment = &mt_pay_vcg;
	sc->max_size = 10.0;
	sc->noise = (mt_noise){.epsilon = 0.0, .samples = 200, .seed = 1};
	sc->training = (mt_training){.steps = 20, .step_size = 0.5};
	if (!sc->name || !sc->description || !sc->responses || !sc->reference || !sc->groups)
		goto fail;
	for (size_t x = 0; x < m; x++) {
		char label[32];
		snprintf(label, sizeof label, "x%zu", x + 1);
		if (!(sc->responses[x] = dup_str(label)))
			goto fail;
		sc->reference[x] = 1.0 / (double)m;
	}
	for (size_t i = 0; i < n; i++) {
		char name[32];
		snprintf(name, sizeof name, "group %zu", i + 1);
		sc->n = i + 1;
		if (init_group(sc, &sc->groups[i], name))
			goto fail;
	}
	return sc;
fail:
	mt_scenario_free(sc);
	return NULL;
}

void mt_scenario_free(mt_scenario *sc)
{
	if (!sc)
		return;
	free(sc->name);
	free(sc->description);
	for (size_t t = 0; t < sc->ntry; t++)
		free(sc->try_list[t]);
	free(sc->try_list);
	for (size_t x = 0; sc->responses && x < sc->m; x++)
		free(sc->responses[x]);
	free(sc->responses);
	free(sc->reference);
	for (size_t i = 0; sc->groups && i < sc->n; i++)
		release_group(&sc->groups[i]);
	free(sc->groups);
	for (size_t c = 0; sc->candidates && c < sc->k; c++) {
		free(sc->candidates[c].name);
		free(sc->candidates[c].policy);
	}
	free(sc->candidates);
	free(sc);
}

static bool same_doubles(const double *a, const double *b, size_t len)
{
	return len == 0 || memcmp(a, b, len * sizeof *a) == 0;
}

static bool same_double(double a, double b)
{
	return memcmp(&a, &b, sizeof a) == 0;
}

bool mt_scenario_same_numbers(const mt_scenario *a, const mt_scenario *b)
{
	if (a->m != b->m || a->n != b->n || a->k != b->k || a->normalization != b->normalization ||
	    a->divergence != b->divergence || a->payment != b->payment ||
	    !same_double(a->lambda, b->lambda) ||
	    !same_double(a->pivot_fraction, b->pivot_fraction) ||
	    !same_double(a->max_size, b->max_size) ||
	    !same_double(a->noise.epsilon, b->noise.epsilon) ||
	    a->noise.samples != b->noise.samples || a->noise.seed != b->noise.seed ||
	    a->training.steps != b->training.steps ||
	    !same_double(a->training.step_size, b->training.step_size) ||
	    !same_doubles(a->reference, b->reference, a->m))
		return false;
	for (size_t i = 0; i < a->n; i++) {
		const mt_group *g = &a->groups[i], *h = &b->groups[i];
		if (!same_double(g->size, h->size) ||
		    !same_double(g->reported_size, h->reported_size) ||
		    !same_double(g->shift, h->shift) ||
		    !same_doubles(g->rewards, h->rewards, a->m) ||
		    !same_doubles(g->reported, h->reported, a->m))
			return false;
	}
	for (size_t c = 0; c < a->k; c++)
		if (!same_doubles(a->candidates[c].policy, b->candidates[c].policy, a->m))
			return false;
	return true;
}

mt_scenario *mt_scenario_clone(const mt_scenario *sc)
{
	mt_scenario *c = mt_calloc(1, sizeof *c);
	if (!c)
		return NULL;
	*c = *sc;
	/* Own nothing yet, so that a failure half-way frees only what was copied. */
	c->name = c->description = NULL;
	c->try_list = NULL;
	c->responses = NULL;
	c->reference = NULL;
	c->groups = NULL;
	c->candidates = NULL;
	c->ntry = c->n = c->k = 0;
	if (!(c->name = dup_str(sc->name)) || !(c->description = dup_str(sc->description)))
		goto fail;
	if (!(c->try_list = mt_calloc(sc->ntry ? sc->ntry : 1, sizeof *c->try_list)))
		goto fail;
	for (; c->ntry < sc->ntry; c->ntry++)
		if (!(c->try_list[c->ntry] = dup_str(sc->try_list[c->ntry])))
			goto fail;
	if (!(c->responses = mt_calloc(sc->m, sizeof *c->responses)))
		goto fail;
	for (size_t x = 0; x < sc->m; x++)
		if (!(c->responses[x] = dup_str(sc->responses[x])))
			goto fail;
	if (!(c->reference = dup_doubles(sc->reference, sc->m)))
		goto fail;
	if (!(c->groups = mt_calloc(sc->n ? sc->n : 1, sizeof *c->groups)))
		goto fail;
	for (; c->n < sc->n; c->n++) {
		const mt_group *g = &sc->groups[c->n];
		mt_group *d = &c->groups[c->n];
		*d = *g;
		d->name = dup_str(g->name);
		d->rewards = dup_doubles(g->rewards, sc->m);
		d->reported = dup_doubles(g->reported, sc->m);
		if (!d->name || !d->rewards || !d->reported) {
			c->n++;
			goto fail;
		}
	}
	if (!(c->candidates = mt_calloc(sc->k ? sc->k : 1, sizeof *c->candidates)))
		goto fail;
	for (; c->k < sc->k; c->k++) {
		mt_candidate *d = &c->candidates[c->k];
		d->name = dup_str(sc->candidates[c->k].name);
		d->policy = dup_doubles(sc->candidates[c->k].policy, sc->m);
		if (!d->name || !d->policy) {
			c->k++;
			goto fail;
		}
	}
	return c;
fail:
	mt_scenario_free(c);
	return NULL;
}

#define INVALID(...) mt_error_set(err, MT_EINVAL, NULL, 0, 0, __VA_ARGS__)

/* The first duplicate among the names (char * at offset off) of n records of
 * size stride: MT_EINVAL with *dup its index, MT_OK, or MT_ENOMEM. */
static mt_status duplicate_names(const void *records, size_t n, size_t stride, size_t off,
                                 size_t *dup)
{
	char **names = mt_malloc((n ? n : 1) * sizeof *names);
	size_t orig = 0;
	mt_status st = MT_OK;
	if (!names)
		return MT_ENOMEM;
	for (size_t i = 0; i < n; i++)
		memcpy(&names[i], (const char *)records + i * stride + off, sizeof *names);
	if (mt_find_duplicate(names, n, dup, &orig, &st))
		st = MT_EINVAL;
	free(names);
	return st;
}

/* mt_scenario_validate in parts, each returning the first problem it finds
 * (in the order the parts run). */

/* Counts, limits and the descriptors. */
static mt_status validate_size(const mt_scenario *sc, mt_error *err)
{
	if (sc->m < 1)
		return mt_error_set(err, MT_EINVAL, NULL, 0, 0,
		                    "a scenario needs at least one response");
	if (sc->n < 1)
		return mt_error_set(err, MT_EINVAL, NULL, 0, 0,
		                    "a scenario needs at least one group");
	if (!sc->divergence || !sc->payment)
		return mt_error_set(err, MT_EINVAL, NULL, 0, 0,
		                    "divergence or payment rule missing");
	if (sc->m > MT_MAX_RESPONSES || sc->n > MT_MAX_GROUPS || sc->k > MT_MAX_CANDIDATES ||
	    (sc->n + sc->k) * sc->m > MT_MAX_CELLS)
		return INVALID("the scenario is too large (%zu groups, %zu candidates, %zu "
		               "responses); the limits are %u groups, %u candidates, %u responses "
		               "and %u numbers per reward model table",
		               sc->n, sc->k, sc->m, MT_MAX_GROUPS, MT_MAX_CANDIDATES,
		               MT_MAX_RESPONSES, MT_MAX_CELLS);
	if (sc->ntry > MT_MAX_TRY)
		return INVALID("too many things to try (%zu, the limit is %u)", sc->ntry,
		               MT_MAX_TRY);
	return MT_OK;
}

/* Every text: the name, the description, the things to try, the labels. */
static mt_status validate_texts(const mt_scenario *sc, mt_error *err)
{
	const char *why;
#define NAME_HINT "; a name is one line of at most %u bytes of printable text"
	if (!sc->name || (why = mt_text_problem(sc->name, true, 0)))
		return INVALID("the scenario name %s" NAME_HINT, sc->name ? why : "is missing",
		               MT_NAME_MAX);
	if (!sc->description || (why = mt_text_problem(sc->description, false, MT_DESCRIPTION_MAX)))
		return INVALID("the description %s; it may have at most %u bytes of text",
		               sc->description ? why : "is missing", MT_DESCRIPTION_MAX);
	for (size_t t = 0; t < sc->ntry; t++)
		if ((why = mt_text_problem(sc->try_list[t], false, MT_TRY_TEXT_MAX)))
			return INVALID("thing to try %zu %s; it may have at most %u bytes of text",
			               t + 1, why, MT_TRY_TEXT_MAX);
	for (size_t x = 0; x < sc->m; x++)
		if ((why = mt_text_problem(sc->responses[x], true, 0)))
			return INVALID("response label %zu %s" NAME_HINT, x + 1, why, MT_NAME_MAX);
	for (size_t i = 0; i < sc->n; i++)
		if ((why = mt_text_problem(sc->groups[i].name, true, 0)))
			return INVALID("the name of group %zu %s" NAME_HINT, i + 1, why,
			               MT_NAME_MAX);
	for (size_t c = 0; c < sc->k; c++)
		if ((why = mt_text_problem(sc->candidates[c].name, true, 0)))
			return INVALID("the name of candidate %zu %s" NAME_HINT, c + 1, why,
			               MT_NAME_MAX);
#undef NAME_HINT
	return MT_OK;
}

/* lambda, max_size, pivot_fraction, the reference and the labels' uniqueness. */
static mt_status validate_numbers(const mt_scenario *sc, mt_error *err)
{
	if (!isfinite(sc->lambda) || !(sc->lambda > 0.0))
		return INVALID("%s must be positive and finite, got %g", "lambda", sc->lambda);
	if (!isfinite(sc->max_size) || !(sc->max_size > 0.0))
		return INVALID("%s must be positive and finite, got %g", "max_size", sc->max_size);
	if (!isfinite(sc->pivot_fraction) || sc->pivot_fraction < 0.0)
		return INVALID("%s must be >= 0, got %g", "pivot_fraction", sc->pivot_fraction);
	double qs = 0.0;
	for (size_t x = 0; x < sc->m; x++) {
		if (!isfinite(sc->reference[x]) || !(sc->reference[x] > 0.0))
			return INVALID("reference probability of '%s' must be positive, got %g",
			               sc->responses[x], sc->reference[x]);
		qs += sc->reference[x];
	}
	size_t dup = 0, orig = 0;
	mt_status st;
	if (mt_find_duplicate(sc->responses, sc->m, &dup, &orig, &st))
		return INVALID("duplicate response label '%s'", sc->responses[dup]);
	if (st)
		return mt_error_set(err, st, NULL, 0, 0, "out of memory while validating");
	if (fabs(qs - 1.0) > MT_NORM_TOL)
		return INVALID("%s must sum to 1, sums to %.17g", "reference", qs);
	return MT_OK;
}

/* Sizes, shifts and rewards of every group, and unique group names. */
static mt_status validate_groups(const mt_scenario *sc, mt_error *err)
{
	size_t dup = 0;
	for (size_t i = 0; i < sc->n; i++) {
		const mt_group *g = &sc->groups[i];
		if (!(g->size > 0.0) || g->size > sc->max_size)
			return INVALID("size of group '%s' must be in (0, max_size], got %g",
			               g->name, g->size);
		if (!(g->reported_size > 0.0) || g->reported_size > sc->max_size)
			return INVALID(
			        "reported size of group '%s' must be in (0, max_size], got %g",
			        g->name, g->reported_size);
		if (!isfinite(g->shift))
			return INVALID("shift of group '%s' must be finite, got %g", g->name,
			               g->shift);
		if (!mt_is_normalized(sc->normalization, sc->m, g->rewards))
			return INVALID("rewards of group '%s' are not %s-normalized", g->name,
			               mt_norm_name(sc->normalization));
		if (!mt_is_normalized(sc->normalization, sc->m, g->reported))
			return INVALID("reported rewards of group '%s' are not normalized",
			               g->name);
	}
	mt_status st = duplicate_names(sc->groups, sc->n, sizeof *sc->groups,
	                               offsetof(mt_group, name), &dup);
	if (st == MT_EINVAL)
		return INVALID("duplicate group name '%s'", sc->groups[dup].name);
	if (st)
		return mt_error_set(err, st, NULL, 0, 0, "out of memory while validating");
	return MT_OK;
}

/* The candidates, noise and training settings. */
static mt_status validate_rest(const mt_scenario *sc, mt_error *err)
{
	size_t dup = 0;
	for (size_t c = 0; c < sc->k; c++) {
		if (!mt_is_normalized(MT_NORM_SUM, sc->m, sc->candidates[c].policy))
			return INVALID("candidate '%s' is not a probability vector",
			               sc->candidates[c].name);
	}
	mt_status st = duplicate_names(sc->candidates, sc->k, sizeof *sc->candidates,
	                               offsetof(mt_candidate, name), &dup);
	if (st == MT_EINVAL)
		return INVALID("duplicate candidate name '%s'", sc->candidates[dup].name);
	if (st)
		return mt_error_set(err, st, NULL, 0, 0, "out of memory while validating");
	if (!isfinite(sc->noise.epsilon) || sc->noise.epsilon < 0.0 || sc->noise.samples < 1 ||
	    sc->noise.samples > MT_MAX_NOISE_SAMPLES)
		return INVALID("%s needs epsilon >= 0 and 1..%u samples (epsilon %g, %zu samples)",
		               "noise", MT_MAX_NOISE_SAMPLES, sc->noise.epsilon, sc->noise.samples);
	if (sc->training.steps < 1 || sc->training.steps > MT_MAX_TRAINING_STEPS ||
	    !isfinite(sc->training.step_size) || !(sc->training.step_size > 0.0))
		return INVALID("%s needs 1..%u steps and step_size > 0 (%zu steps, step_size %g)",
		               "training", MT_MAX_TRAINING_STEPS, sc->training.steps,
		               sc->training.step_size);
	return MT_OK;
}

mt_status mt_scenario_validate(const mt_scenario *sc, mt_error *err)
{
	mt_status st = validate_size(sc, err);
	if (!st)
		st = validate_texts(sc, err);
	if (!st)
		st = validate_numbers(sc, err);
	if (!st)
		st = validate_groups(sc, err);
	if (!st)
		st = validate_rest(sc, err);
	return st;
}

bool mt_group_lies(const mt_scenario *sc, size_t i)
{
	const mt_group *g = &sc->groups[i];
	if (fabs(g->size - g->reported_size) > MT_NORM_TOL)
		return true;
	for (size_t x = 0; x < sc->m; x++)
		if (fabs(g->rewards[x] - g->reported[x]) > MT_NORM_TOL)
			return true;
	return false;
}

void mt_group_tell_truth(mt_scenario *sc, size_t i)
{
	mt_group *g = &sc->groups[i];
	g->reported_size = g->size;
	memcpy(g->reported, g->rewards, sc->m * sizeof *g->reported);
}

mt_status mt_scenario_set_name(char **slot, const char *name)
{
	char *d = dup_str(name);
	if (!d)
		return MT_ENOMEM;
	free(*slot);
	*slot = d;
	return MT_OK;
}

mt_status mt_scenario_add_group(mt_scenario *sc, const char *name)
{
	mt_group *gs = mt_realloc(sc->groups, (sc->n + 1) * sizeof *gs);
	if (!gs)
		return MT_ENOMEM;
	sc->groups = gs;
	mt_group g;
	if (init_group(sc, &g, name)) {
		release_group(&g);
		return MT_ENOMEM;
	}
	g.size = g.reported_size = fmin(1.0, sc->max_size);
	sc->groups[sc->n++] = g;
	return MT_OK;
}

mt_status mt_scenario_remove_group(mt_scenario *sc, size_t i)
{
	if (sc->n <= 1 || i >= sc->n)
		return MT_EINVAL;
	release_group(&sc->groups[i]);
	memmove(&sc->groups[i], &sc->groups[i + 1], (sc->n - i - 1) * sizeof *sc->groups);
	sc->n--;
	return MT_OK;
}

/* Grow every per-response array by one entry; the new entry gets value. */
static bool grow(double **v, size_t m, double value)
{
	double *d = mt_realloc(*v, (m + 1) * sizeof *d);
	if (!d)
		return false;
	d[m] = value;
	*v = d;
	return true;
}

mt_status mt_scenario_add_response(mt_scenario *sc, const char *label)
{
	char *l = dup_str(label);
	char **labels = l ? mt_realloc(sc->responses, (sc->m + 1) * sizeof *labels) : NULL;
	if (!labels) {
		free(l);
		return MT_ENOMEM;
	}
	sc->responses = labels;
	/* New response: reference mass 1/(m+1) taken proportionally, reward 0
	 * (keeps every reward model normalized), candidates give it no mass. */
	double share = 1.0 / (double)(sc->m + 1);
	if (!grow(&sc->reference, sc->m, share))
		goto nomem;
	for (size_t i = 0; i < sc->n; i++)
		if (!grow(&sc->groups[i].rewards, sc->m, 0.0) ||
		    !grow(&sc->groups[i].reported, sc->m, 0.0))
			goto nomem;
	for (size_t c = 0; c < sc->k; c++)
		if (!grow(&sc->candidates[c].policy, sc->m, 0.0))
			goto nomem;
	for (size_t x = 0; x < sc->m; x++)
		sc->reference[x] *= 1.0 - share;
	sc->responses[sc->m++] = l;
	return MT_OK;
nomem:
	/* Arrays that grew keep a spare slot; m is unchanged, so nothing is lost. */
	free(l);
	return MT_ENOMEM;
}

static void drop(double *v, size_t m, size_t x)
{
	memmove(&v[x], &v[x + 1], (m - x - 1) * sizeof *v);
}

mt_status mt_scenario_remove_response(mt_scenario *sc, size_t x)
{
	if (sc->m <= 1 || x >= sc->m)
		return MT_EINVAL;
	free(sc->responses[x]);
	memmove(&sc->responses[x], &sc->responses[x + 1], (sc->m - x - 1) * sizeof *sc->responses);
	drop(sc->reference, sc->m, x);
	for (size_t i = 0; i < sc->n; i++) {
		drop(sc->groups[i].rewards, sc->m, x);
		drop(sc->groups[i].reported, sc->m, x);
	}
	for (size_t c = 0; c < sc->k; c++)
		drop(sc->candidates[c].policy, sc->m, x);
	sc->m--;
	mt_normalize(MT_NORM_SUM, sc->m, sc->reference);
	for (size_t i = 0; i < sc->n; i++) {
		mt_normalize(sc->normalization, sc->m, sc->groups[i].rewards);
		mt_normalize(sc->normalization, sc->m, sc->groups[i].reported);
	}
	for (size_t c = 0; c < sc->k; c++)
		mt_normalize(MT_NORM_SUM, sc->m, sc->candidates[c].policy);
	return MT_OK;
}
