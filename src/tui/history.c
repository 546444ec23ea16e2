/* Undo and redo by differences (history.h). */
#include "history.h"

#include <stdlib.h>
#include <string.h>

/* What one change slot refers to in a scenario. */
typedef enum {
	CH_REFERENCE,  /* reference vector */
	CH_REWARDS,    /* groups[i].rewards */
	CH_REPORTED,   /* groups[i].reported */
	CH_POLICY,     /* candidates[i].policy */
	CH_NAME,       /* name */
	CH_DESC,       /* description */
	CH_RESPONSE,   /* responses[i] */
	CH_GROUP_NAME, /* groups[i].name */
	CH_CAND_NAME,  /* candidates[i].name */
	CH_TRY,        /* try_list and ntry */
	CH_GROUP,      /* the scalars of groups[i] */
} ch_kind;

typedef struct {
	ch_kind kind;
	size_t i;
	union {
		double *vec;
		char *str;
		struct {
			char **list;
			size_t n;
		} try_list;
		mt_group group; /* only the scalars are meaningful */
	} u;
} hist_change;

static bool is_vector(ch_kind k)
{
	return k == CH_REFERENCE || k == CH_REWARDS || k == CH_REPORTED || k == CH_POLICY;
}

struct hist_entry {
	unsigned long id;  /* the edit id of the state this entry holds */
	mt_scenario *full; /* the whole other state (a shape change), or NULL */
	mt_scenario top;   /* the other state's scalars (pointers unused) */
	hist_change *ch;   /* the other state's differing parts */
	size_t nch;
	size_t bytes; /* what the entry holds, for the budget */
};

/* Malloc's own overhead per block, roughly. */
#define BLOCK 16

static size_t str_bytes(const char *s)
{
	return s ? strlen(s) + 1 + BLOCK : 0;
}

static size_t scenario_bytes(const mt_scenario *sc)
{
	size_t b = sizeof *sc + BLOCK + str_bytes(sc->name) + str_bytes(sc->description);
	for (size_t t = 0; t < sc->ntry; t++)
		b += sizeof(char *) + str_bytes(sc->try_list[t]);
	size_t row = sc->m * sizeof(double) + BLOCK;
	for (size_t x = 0; x < sc->m; x++)
		b += sizeof(char *) + str_bytes(sc->responses[x]);
	b += row;
	for (size_t i = 0; i < sc->n; i++)
		b += sizeof(mt_group) + 2 * row + str_bytes(sc->groups[i].name);
	for (size_t c = 0; c < sc->k; c++)
		b += sizeof(mt_candidate) + row + str_bytes(sc->candidates[c].name);
	return b;
}

static size_t entry_bytes(const hist_entry *e, size_t m)
{
	size_t b = sizeof *e + BLOCK + e->nch * sizeof *e->ch + BLOCK;
	if (e->full)
		return b + scenario_bytes(e->full);
	for (size_t k = 0; k < e->nch; k++) {
		const hist_change *c = &e->ch[k];
		switch (c->kind) {
		case CH_REFERENCE:
		case CH_REWARDS:
		case CH_REPORTED:
		case CH_POLICY: b += m * sizeof(double) + BLOCK; break;
		case CH_NAME:
		case CH_DESC:
		case CH_RESPONSE:
		case CH_GROUP_NAME:
		case CH_CAND_NAME: b += str_bytes(c->u.str); break;
		case CH_TRY:
			for (size_t t = 0; t < c->u.try_list.n; t++)
				b += sizeof(char *) + str_bytes(c->u.try_list.list[t]);
			b += BLOCK;
			break;
		case CH_GROUP: break;
		}
	}
	return b;
}

/* The pointer slot a vector or text change refers to. */
static void **slot(mt_scenario *sc, const hist_change *c)
{
	switch (c->kind) {
	case CH_REFERENCE: return (void **)&sc->reference;
	case CH_REWARDS: return (void **)&sc->groups[c->i].rewards;
	case CH_REPORTED: return (void **)&sc->groups[c->i].reported;
	case CH_POLICY: return (void **)&sc->candidates[c->i].policy;
	case CH_NAME: return (void **)&sc->name;
	case CH_DESC: return (void **)&sc->description;
	case CH_RESPONSE: return (void **)&sc->responses[c->i];
	case CH_GROUP_NAME: return (void **)&sc->groups[c->i].name;
	case CH_CAND_NAME: return (void **)&sc->candidates[c->i].name;
	case CH_TRY:
	case CH_GROUP: break;
	}
	return NULL;
}

/* Copy the scalars of src into dst, keeping dst's shape and pointers.
 * Every member not listed here is treated as a scalar and swapped by value:
 * a new pointer member of mt_scenario (or of mt_group, below) must be
 * listed, and get a change kind of its own. */
static void put_scalars(mt_scenario *dst, const mt_scenario *src)
{
	mt_scenario keep = *dst;
	*dst = *src;
	dst->name = keep.name;
	dst->description = keep.description;
	dst->ntry = keep.ntry;
	dst->try_list = keep.try_list;
	dst->m = keep.m;
	dst->responses = keep.responses;
	dst->reference = keep.reference;
	dst->n = keep.n;
	dst->groups = keep.groups;
	dst->k = keep.k;
	dst->candidates = keep.candidates;
}

/* Only the scalars of an entry's top are ever read. */
static void forget_pointers(mt_scenario *s)
{
	mt_scenario z = {0};
	put_scalars(&z, s);
	*s = z;
}

static void put_group_scalars(mt_group *dst, const mt_group *src)
{
	mt_group keep = *dst;
	*dst = *src;
	dst->name = keep.name;
	dst->rewards = keep.rewards;
	dst->reported = keep.reported;
}

/* Scalars that differ bit for bit (an undo must give back exactly the
 * numbers of before, -0.0 and all). */
static bool group_scalars_differ(const mt_group *a, const mt_group *b)
{
	mt_group x = *a, y = *b;
	x.name = y.name = NULL;
	x.rewards = y.rewards = x.reported = y.reported = NULL;
	return memcmp(&x, &y, sizeof x) != 0;
}

static void free_change(hist_change *c)
{
	if (c->kind == CH_TRY) {
		for (size_t t = 0; t < c->u.try_list.n; t++)
			free(c->u.try_list.list[t]);
		free(c->u.try_list.list);
	} else if (c->kind != CH_GROUP) {
		if (is_vector(c->kind))
			free(c->u.vec);
		else
			free(c->u.str);
	}
}

static void entry_free(hist_entry *e)
{
	if (!e)
		return;
	mt_scenario_free(e->full);
	for (size_t k = 0; k < e->nch; k++)
		free_change(&e->ch[k]);
	free(e->ch);
	free(e);
}

static bool same_shape(const mt_scenario *a, const mt_scenario *b)
{
	return a->m == b->m && a->n == b->n && a->k == b->k;
}

static bool same_try(const mt_scenario *a, const mt_scenario *b)
{
	if (a->ntry != b->ntry)
		return false;
	for (size_t t = 0; t < a->ntry; t++)
		if (strcmp(a->try_list[t], b->try_list[t]))
			return false;
	return true;
}

static bool same_bits(double x, double y)
{
	return memcmp(&x, &y, sizeof x) == 0;
}

/* The scalars of the scenario itself (not its groups'), bit for bit. */
static bool same_top_scalars(const mt_scenario *a, const mt_scenario *b)
{
	return a->normalization == b->normalization && a->divergence == b->divergence &&
	       same_bits(a->lambda, b->lambda) && a->payment == b->payment &&
	       same_bits(a->pivot_fraction, b->pivot_fraction) &&
	       same_bits(a->max_size, b->max_size) &&
	       same_bits(a->noise.epsilon, b->noise.epsilon) &&
	       a->noise.samples == b->noise.samples && a->noise.seed == b->noise.seed &&
	       a->training.steps == b->training.steps &&
	       same_bits(a->training.step_size, b->training.step_size);
}

/* The vector and text slots of a shape, numbered 0 .. nslots(sc) - 1. */
static size_t nslots(const mt_scenario *sc)
{
	return 3 + sc->m + 3 * sc->n + 2 * sc->k;
}

static hist_change slot_at(const mt_scenario *sc, size_t s)
{
	static const ch_kind fixed[] = {CH_REFERENCE, CH_NAME, CH_DESC};
	static const ch_kind per_group[] = {CH_REWARDS, CH_REPORTED, CH_GROUP_NAME};
	static const ch_kind per_cand[] = {CH_POLICY, CH_CAND_NAME};
	if (s < 3)
		return (hist_change){.kind = fixed[s]};
	s -= 3;
	if (s < sc->m)
		return (hist_change){.kind = CH_RESPONSE, .i = s};
	s -= sc->m;
	if (s < 3 * sc->n)
		return (hist_change){.kind = per_group[s % 3], .i = s / 3};
	s -= 3 * sc->n;
	return (hist_change){.kind = per_cand[s % 2], .i = s / 2};
}

static const void *slot_value(const mt_scenario *sc, const hist_change *c)
{
	switch (c->kind) {
	case CH_REFERENCE: return sc->reference;
	case CH_REWARDS: return sc->groups[c->i].rewards;
	case CH_REPORTED: return sc->groups[c->i].reported;
	case CH_POLICY: return sc->candidates[c->i].policy;
	case CH_NAME: return sc->name;
	case CH_DESC: return sc->description;
	case CH_RESPONSE: return sc->responses[c->i];
	case CH_GROUP_NAME: return sc->groups[c->i].name;
	case CH_CAND_NAME: return sc->candidates[c->i].name;
	case CH_TRY:
	case CH_GROUP: break;
	}
	return NULL;
}

static bool slot_differs(const mt_scenario *a, const mt_scenario *b, const hist_change *c)
{
	const void *x = slot_value(a, c), *y = slot_value(b, c);
	if (is_vector(c->kind))
		return memcmp(x, y, a->m * sizeof(double)) != 0;
	return strcmp(x, y) != 0;
}

bool history_same(const mt_scenario *a, const mt_scenario *b)
{
	if (!same_shape(a, b) || !same_top_scalars(a, b) || !same_try(a, b))
		return false;
	size_t ns = nslots(a);
	for (size_t s = 0; s < ns; s++) {
		hist_change c = slot_at(a, s);
		if (slot_differs(a, b, &c))
			return false;
	}
	for (size_t i = 0; i < a->n; i++)
		if (group_scalars_differ(&a->groups[i], &b->groups[i]))
			return false;
	return true;
}

/* An entry that turns next back into old, taking old's differing parts.
 * NULL when out of memory (old is then untouched). */
static hist_entry *make_delta(mt_scenario *old, const mt_scenario *next)
{
	hist_entry *e = calloc(1, sizeof *e);
	if (!e)
		return NULL;
	size_t n = 0, ns = nslots(old);
	for (size_t s = 0; s < ns; s++) {
		hist_change c = slot_at(old, s);
		if (slot_differs(old, next, &c))
			n++;
	}
	for (size_t i = 0; i < old->n; i++)
		if (group_scalars_differ(&old->groups[i], &next->groups[i]))
			n++;
	if (!same_try(old, next))
		n++;
	e->ch = malloc((n ? n : 1) * sizeof *e->ch);
	if (!e->ch) {
		free(e);
		return NULL;
	}
	/* Nothing can fail from here: move old's parts into the entry. */
	for (size_t s = 0; s < ns; s++) {
		hist_change c = slot_at(old, s);
		if (!slot_differs(old, next, &c))
			continue;
		void **p = slot(old, &c);
		if (is_vector(c.kind))
			c.u.vec = *p;
		else
			c.u.str = *p;
		*p = NULL;
		e->ch[e->nch++] = c;
	}
	for (size_t i = 0; i < old->n; i++) {
		if (!group_scalars_differ(&old->groups[i], &next->groups[i]))
			continue;
		hist_change *c = &e->ch[e->nch++];
		*c = (hist_change){.kind = CH_GROUP, .i = i};
		put_group_scalars(&c->u.group, &old->groups[i]); /* no pointers */
	}
	if (!same_try(old, next)) {
		hist_change *c = &e->ch[e->nch++];
		*c = (hist_change){.kind = CH_TRY};
		c->u.try_list.list = old->try_list;
		c->u.try_list.n = old->ntry;
		old->try_list = NULL;
		old->ntry = 0;
	}
	e->top = *old;
	forget_pointers(&e->top); /* they were old's, freed next */
	mt_scenario_free(old);
	return e;
}

/* Swap the entry with the document: afterwards each holds the other's
 * state. */
static void swap_entry(hist_entry *e, mt_scenario **doc, unsigned long *id)
{
	unsigned long t = e->id;
	e->id = *id;
	*id = t;
	if (e->full) {
		mt_scenario *s = e->full;
		e->full = *doc;
		*doc = s;
		return;
	}
	mt_scenario *sc = *doc, cur = *sc;
	put_scalars(sc, &e->top);
	e->top = cur;
	forget_pointers(&e->top); /* they stay the document's */
	for (size_t k = 0; k < e->nch; k++) {
		hist_change *c = &e->ch[k];
		if (c->kind == CH_TRY) {
			char **l = sc->try_list;
			size_t n = sc->ntry;
			sc->try_list = c->u.try_list.list;
			sc->ntry = c->u.try_list.n;
			c->u.try_list.list = l;
			c->u.try_list.n = n;
		} else if (c->kind == CH_GROUP) {
			mt_group g = {0};
			put_group_scalars(&g, &sc->groups[c->i]);
			put_group_scalars(&sc->groups[c->i], &c->u.group);
			c->u.group = g;
		} else {
			void **s = slot(sc, c), *p = *s;
			if (is_vector(c->kind)) {
				*s = c->u.vec;
				c->u.vec = p;
			} else {
				*s = c->u.str;
				c->u.str = p;
			}
		}
	}
}

static bool reserve(hist_stack *s, size_t more)
{
	if (s->len + more <= s->cap)
		return true;
	size_t cap = s->cap ? 2 * s->cap : 32;
	while (cap < s->len + more)
		cap *= 2;
	hist_entry **items = realloc(s->items, cap * sizeof *items);
	if (!items)
		return false;
	s->items = items;
	s->cap = cap;
	return true;
}

static void stack_clear(history *h, hist_stack *s)
{
	for (size_t k = 0; k < s->len; k++) {
		h->bytes -= s->items[k]->bytes;
		entry_free(s->items[k]);
	}
	s->len = 0;
}

void history_clear(history *h)
{
	stack_clear(h, &h->undo);
	stack_clear(h, &h->redo);
	h->bytes = 0;
}

void history_release(history *h)
{
	history_clear(h);
	free(h->undo.items);
	free(h->redo.items);
	memset(h, 0, sizeof *h);
}

bool history_push(history *h, mt_scenario *old, unsigned long old_id, const mt_scenario *next,
                  size_t *dropped)
{
	*dropped = 0;
	if (!reserve(&h->undo, 1))
		return false;
	hist_entry *e;
	if (same_shape(old, next)) {
		e = make_delta(old, next);
		if (!e)
			return false;
	} else {
		e = calloc(1, sizeof *e);
		if (!e)
			return false;
		e->full = old;
	}
	e->id = old_id;
	e->bytes = entry_bytes(e, next->m);
	stack_clear(h, &h->redo);
	h->undo.items[h->undo.len++] = e;
	h->bytes += e->bytes;
	size_t budget = h->budget ? h->budget : HISTORY_BUDGET, drop = 0;
	while (h->bytes > budget && h->undo.len - drop > 1) {
		h->bytes -= h->undo.items[drop]->bytes;
		entry_free(h->undo.items[drop]);
		drop++;
	}
	if (drop) {
		memmove(h->undo.items, h->undo.items + drop,
		        (h->undo.len - drop) * sizeof *h->undo.items);
		h->undo.len -= drop;
	}
	*dropped = drop;
	return true;
}

int history_step(history *h, bool undo, mt_scenario **doc, unsigned long *id)
{
	hist_stack *from = undo ? &h->undo : &h->redo, *to = undo ? &h->redo : &h->undo;
	if (!from->len)
		return 0;
	if (!reserve(to, 1))
		return -1;
	hist_entry *e = from->items[--from->len];
	swap_entry(e, doc, id);
	/* Texts may have changed length: account again. */
	h->bytes -= e->bytes;
	e->bytes = entry_bytes(e, (*doc)->m);
	h->bytes += e->bytes;
	to->items[to->len++] = e;
	return 1;
}

size_t history_undo_len(const history *h)
{
	return h->undo.len;
}

size_t history_redo_len(const history *h)
{
	return h->redo.len;
}
