/* Scenario files: YAML in and out with libyaml (include/mechtune/yamlio.h,
 * format in docs/scenario-format.md).
 *
 * Loading runs in two passes.  The libyaml event stream is first turned into
 * a small tree of nodes that remember their line and column (aliases, anchors
 * and tags are refused here), then the tree is walked in dependency order
 * (version, responses, groups, normalization, max_size before the numbers that
 * depend on them) so every check can point at the offending node wherever the
 * keys appear in the file.  Nothing is stored in the caller's pointer unless
 * the whole file is valid.
 *
 * Numbers are parsed and printed in the "C" locale (uselocale), so a TUI that
 * called setlocale(LC_ALL, "") still reads and writes "0.5".
 *
 * This file: the arena and YAML tree, the scenario model and loading;
 * yamlio_emit.c writes scenarios, yamlio_save.c saves them atomically. */
#define _DEFAULT_SOURCE /* madvise(MADV_HUGEPAGE) */
#include "mechtune/yamlio.h"
#include "mechtune/alloc.h"
#include "yamlio_internal.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <locale.h>
#include <sys/mman.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

#if defined(__GNUC__)
#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))
#else
#define PRINTF_LIKE(f, a)
#endif

/* The format needs 5 levels (root, groups, group, report, rewards). */
#define MAX_DEPTH 16
/* Longest list in a scenario is MT_MAX_RESPONSES long (no count limit of
 * scenario.h is larger); longer lists, and mappings with more than LIST_MAX
 * keys and values, are refused while the tree is built. */
#define LIST_MAX (2u * MT_MAX_RESPONSES)
/* Most nodes a valid scenario can have: 2 (n + k) m + m numbers, m labels,
 * at most 16 other nodes per group and 8 per candidate.  A larger tree is refused while it is
 * built, so memory stays proportional to what a valid file may need. */
#define NODES_MAX                                                          \
	(2u * MT_MAX_CELLS + 2u * MT_MAX_RESPONSES + 16u * MT_MAX_GROUPS + \
	 8u * MT_MAX_CANDIDATES + 4096u)
_Static_assert(MT_MAX_GROUPS <= MT_MAX_RESPONSES && MT_MAX_CANDIDATES <= MT_MAX_RESPONSES &&
                       MT_MAX_TRY <= MT_MAX_RESPONSES,
               "the tree's list limit must allow every count limit");
/* Longest piece of user text quoted in an error message. */
#define SHOW_MAX 40

/* ------------------------------------------------------------------ tree */

enum kind { SCALAR, SEQ, MAP };

/* 32 bytes: the largest file has millions of nodes. */
struct node {
	int line, col;      /* 1-based */
	uint32_t n, cap;    /* SEQ, MAP: kids used and allocated; SCALAR: 0 */
	unsigned char kind; /* enum kind */
	bool plain;         /* SCALAR: written without quotes */
	union {
		char *text;         /* SCALAR: NUL-terminated value */
		struct node **kids; /* SEQ: items; MAP: key, value, key, value, ... */
	};
};

/* Nodes and their text live in an arena, freed at once after loading: a
 * scenario of 64 groups x 4096 responses has half a million scalars, and
 * one malloc each was most of the load time. */
#define ARENA_CHUNK (4u * 1024u * 1024u)
#define HUGE_PAGE (2u * 1024u * 1024u)

struct chunk {
	struct chunk *next;
	size_t used, cap;
	max_align_t data[];
};

struct arena {
	struct chunk *head;
	size_t chunk; /* size of the next chunk: grows to ARENA_CHUNK */
};

/* malloc for big blocks: aligned to and advised as transparent huge pages.
 * A big file builds a tree of tens of megabytes, and with 4 KiB pages its
 * page faults were a quarter of the load time.  The advice is only advice;
 * free() releases the block. */
static void *big_alloc(size_t size)
{
	void *mem = NULL;
	if (size < HUGE_PAGE)
		return mt_malloc(size);
	if (mt_posix_memalign(&mem, HUGE_PAGE, size))
		return NULL;
#ifdef MADV_HUGEPAGE
	if (size >= HUGE_PAGE)
		madvise(mem, size, MADV_HUGEPAGE);
#endif
	return mem;
}

static void *arena_alloc(struct arena *a, size_t size)
{
	const size_t align = sizeof(void *); /* nodes hold pointers and ints, text chars */
	size = (size + align - 1) / align * align;
	struct chunk *c = a->head;
	if (!c || c->cap - c->used < size) {
		/* small files get small chunks: a fresh 4 MiB huge page block
		 * costs more to clear than a small file costs to parse */
		if (a->chunk < 16384)
			a->chunk = 16384;
		size_t cap = size > a->chunk ? size : a->chunk;
		if (a->chunk < ARENA_CHUNK)
			a->chunk *= 2;
		if (!(c = big_alloc(sizeof *c + cap)))
			return NULL;
		c->next = a->head;
		c->used = 0;
		c->cap = cap;
		a->head = c;
	}
	void *p = (char *)c->data + c->used;
	c->used += size;
	return p;
}

static void arena_release(struct arena *a)
{
	while (a->head) {
		struct chunk *next = a->head->next;
		free(a->head);
		a->head = next;
	}
}

/* Free what the nodes own outside the arena: their child arrays. */
static void free_node(struct node *nd)
{
	if (!nd)
		return;
	if (nd->kind == SCALAR)
		return;
	for (size_t i = 0; i < nd->n; i++)
		free_node(nd->kids[i]);
	free(nd->kids);
}

struct ld {
	const char *file;
	mt_error *err;
	const char *text;
	size_t len;
	yaml_parser_t parser;
	struct arena arena;
	size_t nodes; /* built so far, at most NODES_MAX */
};

static mt_status vfail(const struct ld *ld, int line, int col, const char *fmt, va_list ap)
        PRINTF_LIKE(4, 0);
static mt_status vfail(const struct ld *ld, int line, int col, const char *fmt, va_list ap)
{
	char msg[MT_ERROR_MSG_MAX];
	vsnprintf(msg, sizeof msg, fmt, ap);
	return mt_error_set(ld->err, MT_EINVAL, ld->file, line, col, "%s", msg);
}

/* Fail with an MT_EINVAL message at line:col. */
static mt_status fail_at(const struct ld *ld, int line, int col, const char *fmt, ...)
        PRINTF_LIKE(4, 5);
static mt_status fail_at(const struct ld *ld, int line, int col, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	mt_status st = vfail(ld, line, col, fmt, ap);
	va_end(ap);
	return st;
}

/* Fail with an MT_EINVAL message at the position of nd. */
static mt_status fail(const struct ld *ld, const struct node *nd, const char *fmt, ...)
        PRINTF_LIKE(3, 4);
static mt_status fail(const struct ld *ld, const struct node *nd, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	mt_status st = vfail(ld, nd->line, nd->col, fmt, ap);
	va_end(ap);
	return st;
}
#ifdef __clang_analyzer__
/* clang's analyzer does not step into variadic functions: tell it that
 * these two always return MT_EINVAL (else it follows impossible paths on
 * which a failed parse returns MT_OK with its output unset). */
#define fail(ld, nd, ...) (fail(ld, nd, __VA_ARGS__), (mt_status)MT_EINVAL)
#define fail_at(ld, line, col, ...) (fail_at(ld, line, col, __VA_ARGS__), (mt_status)MT_EINVAL)
#endif

static mt_status oom(const struct ld *ld, int line, int col)
{
	return mt_error_set(
	        ld->err, MT_ENOMEM, ld->file, line, col,
	        "out of memory while reading the scenario; close other programs and retry");
}

/* Quote user text in a message: at most SHOW_MAX bytes, control characters
 * replaced so that the message stays on one line. */
struct shown {
	char s[SHOW_MAX + 4];
};

/* Length of a UTF-8 sequence at t that must not reach a terminal: C1
 * controls, U+061C, U+200E, U+200F, U+2028..U+202E, U+2066..U+2069. */
static size_t hidden_len(const unsigned char *t)
{
	if (t[0] == 0xc2 && t[1] >= 0x80 && t[1] <= 0x9f)
		return 2;
	if (t[0] == 0xd8 && t[1] == 0x9c)
		return 2;
	if (t[0] == 0xe2 && t[1] == 0x80 &&
	    (t[2] == 0x8e || t[2] == 0x8f || (t[2] >= 0xa8 && t[2] <= 0xae)))
		return 3;
	if (t[0] == 0xe2 && t[1] == 0x81 && t[2] >= 0xa6 && t[2] <= 0xa9)
		return 3;
	return 0;
}

static struct shown show(const char *text)
{
	struct shown out;
	size_t i = 0;
	while (text && text[i] && i < SHOW_MAX) {
		unsigned char c = (unsigned char)text[i];
		size_t h = hidden_len((const unsigned char *)text + i);
		if (h) { /* one '?' per byte: i stays the offset into text */
			for (size_t j = 0; j < h && i < SHOW_MAX; j++)
				out.s[i++] = '?';
			continue;
		}
		out.s[i++] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
	}
	if (text && text[i]) {
		/* do not cut a UTF-8 sequence in half */
		while (i > 0 && ((unsigned char)out.s[i - 1] & 0xc0) == 0x80)
			i--;
		if (i > 0 && ((unsigned char)out.s[i - 1] & 0xc0) == 0xc0)
			i--;
		memcpy(out.s + i, "...", 4);
	} else {
		out.s[i] = '\0';
	}
	return out;
}

static const char *kind_name(const struct node *nd)
{
	switch (nd->kind) {
	case SEQ: return "a list";
	case MAP: return "a mapping";
	case SCALAR: break;
	}
	return "a single value";
}

static mt_status syntax_error(struct ld *ld)
{
	const yaml_parser_t *p = &ld->parser;
	int line = (int)p->problem_mark.line + 1;
	int col = (int)p->problem_mark.column + 1;

	if (p->error == YAML_MEMORY_ERROR)
		return oom(ld, 0, 0);
	if (p->error == YAML_READER_ERROR) {
		/* reader errors only know a byte offset, which may point past the
		 * first byte of a bad utf-8 sequence: back up to its lead byte */
		const unsigned char *t = (const unsigned char *)ld->text;
		size_t off = p->problem_offset < ld->len ? p->problem_offset : ld->len;
		while (off > 0 && (off == ld->len || (t[off] & 0xc0) != 0xc0) &&
		       (t[off - 1] & 0x80))
			off--;
		line = 1;
		col = 1;
		for (size_t i = 0; i < off; i++) {
			if (ld->text[i] == '\n') {
				line++;
				col = 1;
			} else if (((unsigned char)ld->text[i] & 0xc0) != 0x80) {
				col++;
			}
		}
		return fail_at(ld, line, col,
		               "cannot read the file: %s; save it as utf-8 text without control "
		               "characters",
		               p->problem ? p->problem : "invalid text");
	}
	return fail_at(ld, line, col,
	               "yaml syntax error: %s%s%s; check the indentation, colons and quoting here",
	               p->problem ? p->problem : "invalid yaml", p->context ? " " : "",
	               p->context ? p->context : "");
}

static mt_status next_event(struct ld *ld, yaml_event_t *ev)
{
	if (!yaml_parser_parse(&ld->parser, ev))
		return syntax_error(ld);
	return MT_OK;
}

static mt_status check_props(const struct ld *ld, const struct node *nd, const yaml_char_t *anchor,
                             const yaml_char_t *tag)
{
	if (anchor)
		return fail(ld, nd,
		            "anchors (&%s) are not supported in scenario files; remove the anchor "
		            "and write "
		            "the values out in full",
		            show((const char *)anchor).s);
	if (tag)
		return fail(ld, nd,
		            "yaml tags (%s) are not supported in scenario files; remove the tag",
		            show((const char *)tag).s);
	return MT_OK;
}

static mt_status append(const struct ld *ld, struct node *parent, struct node *kid)
{
	if (parent->n == parent->cap) {
		uint32_t cap = parent->cap ? 2 * parent->cap : 8;
		struct node **kids = mt_realloc(parent->kids, cap * sizeof *kids);
		if (!kids)
			return oom(ld, kid->line, kid->col);
		parent->kids = kids;
		parent->cap = cap;
	}
	parent->kids[parent->n++] = kid;
	return MT_OK;
}

/* The scalar node nd of event *ev: its text, copied into the arena. */
static mt_status build_scalar(struct ld *ld, const yaml_event_t *ev, struct node *nd)
{
	nd->kind = SCALAR;
	nd->text = NULL;
	mt_status st = check_props(ld, nd, ev->data.scalar.anchor, ev->data.scalar.tag);
	if (st)
		return st;
	if (memchr(ev->data.scalar.value, '\0', ev->data.scalar.length))
		return fail(ld, nd, "text contains a nul character; remove the \\0 escape");
	nd->text = arena_alloc(&ld->arena, ev->data.scalar.length + 1);
	if (!nd->text)
		return oom(ld, nd->line, nd->col);
	memcpy(nd->text, ev->data.scalar.value, ev->data.scalar.length);
	nd->text[ev->data.scalar.length] = '\0';
	nd->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
	return MT_OK;
}

static mt_status build(struct ld *ld, yaml_event_t *ev, int depth, struct node **out);

/* The list or mapping node nd that starts with *ev: its entries, up to the
 * matching end event, each built (build) and appended. */
static mt_status build_collection(struct ld *ld, const yaml_event_t *ev, int depth, struct node *nd)
{
	bool seq = ev->type == YAML_SEQUENCE_START_EVENT;
	yaml_event_type_t end = seq ? YAML_SEQUENCE_END_EVENT : YAML_MAPPING_END_EVENT;
	nd->kind = seq ? SEQ : MAP;
	mt_status st = seq ? check_props(ld, nd, ev->data.sequence_start.anchor,
	                                 ev->data.sequence_start.tag)
	                   : check_props(ld, nd, ev->data.mapping_start.anchor,
	                                 ev->data.mapping_start.tag);
	if (st)
		return st;
	if (depth >= MAX_DEPTH)
		return fail(ld, nd,
		            "lists and mappings are nested too deeply; a scenario needs at "
		            "most 5 levels");
	for (;;) {
		yaml_event_t kev;
		struct node *kid;
		st = next_event(ld, &kev);
		if (st)
			return st;
		if (kev.type == end) {
			yaml_event_delete(&kev);
			return MT_OK;
		}
		if (nd->n >= (seq ? MT_MAX_RESPONSES : LIST_MAX)) {
			st = fail(ld, nd,
			          "this %s has more than %u entries, more than any part of a "
			          "scenario may have; check that this is a scenario file",
			          seq ? "list" : "mapping", seq ? MT_MAX_RESPONSES : LIST_MAX);
			yaml_event_delete(&kev);
			return st;
		}
		st = build(ld, &kev, depth + 1, &kid);
		if (st)
			return st;
		st = append(ld, nd, kid);
		if (st) {
			free_node(kid);
			return st;
		}
	}
}

/* Build the node that starts with *ev (always consumed) and everything under it. */
static mt_status build(struct ld *ld, yaml_event_t *ev, int depth, struct node **out)
{
	mt_status st = MT_OK;
	struct node *nd = NULL;

	*out = NULL;
	if (++ld->nodes > NODES_MAX) {
		st = fail_at(ld, (int)ev->start_mark.line + 1, (int)ev->start_mark.column + 1,
		             "the file has more than %u values, more than any scenario within the "
		             "limits may have; check that this is a scenario file",
		             NODES_MAX);
		goto out;
	}
	nd = arena_alloc(&ld->arena, sizeof *nd);
	if (nd)
		memset(nd, 0, sizeof *nd);
	if (!nd) {
		st = oom(ld, (int)ev->start_mark.line + 1, (int)ev->start_mark.column + 1);
		goto out;
	}
	nd->line = (int)ev->start_mark.line + 1;
	nd->col = (int)ev->start_mark.column + 1;
	switch (ev->type) {
	case YAML_ALIAS_EVENT:
		st = fail(ld, nd,
		          "aliases (*%s) are not supported in scenario files; write the value out "
		          "in full",
		          show((const char *)ev->data.alias.anchor).s);
		goto out;
	case YAML_SCALAR_EVENT: st = build_scalar(ld, ev, nd); break;
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT: st = build_collection(ld, ev, depth, nd); break;
	default:
		st = fail(ld, nd, "unexpected yaml structure; write one mapping of keys per file");
		goto out;
	}
out:
	yaml_event_delete(ev);
	if (st)
		free_node(nd);
	else
		*out = nd;
	return st;
}

/* Parse the whole stream: exactly one document. */
static mt_status parse_tree(struct ld *ld, struct node **root)
{
	mt_status st;
	yaml_event_t ev;

	*root = NULL;
	st = next_event(ld, &ev); /* stream start */
	if (st)
		goto out;
	yaml_event_delete(&ev);
	st = next_event(ld, &ev);
	if (st)
		goto out;
	if (ev.type == YAML_STREAM_END_EVENT) {
		yaml_event_delete(&ev);
		st = fail_at(ld, 1, 1,
		             "the scenario is empty; start it with `mechtune: 1` and add name, "
		             "responses and groups");
		goto out;
	}
	yaml_event_delete(&ev); /* document start */
	st = next_event(ld, &ev);
	if (st)
		goto out;
	st = build(ld, &ev, 0, root);
	if (st)
		goto out;
	st = next_event(ld, &ev); /* document end */
	if (st)
		goto out;
	yaml_event_delete(&ev);
	st = next_event(ld, &ev);
	if (st)
		goto out;
	if (ev.type != YAML_STREAM_END_EVENT) {
		st = fail_at(
		        ld, (int)ev.start_mark.line + 1, (int)ev.start_mark.column + 1,
		        "a second yaml document starts here; keep one scenario per file and remove "
		        "the `---` separator");
		yaml_event_delete(&ev);
		goto out;
	}
	yaml_event_delete(&ev);
out:
	if (st) {
		free_node(*root);
		*root = NULL;
	}
	return st;
}

/* -------------------------------------------------------------- mappings */

struct fields {
	const char *const *keys; /* NULL-terminated */
	const struct node *key[16];
	struct node *val[16];
};

/* Match the keys of map against f->keys: unknown and duplicate keys fail. */
static mt_status collect(const struct ld *ld, const struct node *map, const char *what,
                         struct fields *f)
{
	if (map->kind != MAP)
		return fail(ld, map,
		            "%s: expected a mapping, got %s; write one `key: value` per line", what,
		            kind_name(map));
	for (size_t i = 0; i + 1 < map->n; i += 2) {
		const struct node *k = map->kids[i];
		size_t j;
		if (k->kind != SCALAR)
			return fail(
			        ld, k,
			        "%s: keys must be plain words, got %s; write `key: value` lines",
			        what, kind_name(k));
		for (j = 0; f->keys[j]; j++)
			if (!strcmp(f->keys[j], k->text))
				break;
		if (!f->keys[j]) {
			char allowed[MT_ERROR_MSG_MAX / 2] = "";
			size_t used = 0;
			for (size_t a = 0; f->keys[a]; a++) {
				int w = snprintf(allowed + used, sizeof allowed - used, "%s%s",
				                 a ? ", " : "", f->keys[a]);
				if (w < 0 || (size_t)w >= sizeof allowed - used)
					break;
				used += (size_t)w;
			}
			return fail(ld, k, "unknown key `%s` in %s; allowed keys: %s",
			            show(k->text).s, what, allowed);
		}
		if (f->key[j])
			return fail(ld, k,
			            "duplicate key `%s` in %s (first set at line %d); remove one "
			            "of them",
			            k->text, what, f->key[j]->line);
		f->key[j] = k;
		f->val[j] = map->kids[i + 1];
	}
	return MT_OK;
}

static mt_status require(const struct ld *ld, const struct node *map, const struct fields *f,
                         size_t idx, const char *what, const char *hint)
{
	if (f->val[idx])
		return MT_OK;
	return fail(ld, map, "%s: missing required key `%s`; %s", what, f->keys[idx], hint);
}

/* --------------------------------------------------------------- scalars */

bool mt_yio_nonfinite_spelling(const char *s)
{
	static const char *const words[] = {".inf", "inf", "infinity", ".nan", "nan", NULL};
	if (*s == '+' || *s == '-')
		s++;
	return mt_yio_word_in(s, words);
}

bool mt_yio_word_in(const char *s, const char *const *words)
{
	for (size_t i = 0; words[i]; i++) {
		size_t j = 0;
		while (s[j] && tolower((unsigned char)s[j]) == words[i][j])
			j++;
		if (!s[j] && !words[i][j])
			return true;
	}
	return false;
}

bool mt_parse_decimal(const char *s, double *out)
{
	if (!*s || mt_yio_nonfinite_spelling(s))
		return false;
	for (const char *c = s; *c; c++)
		if (!isdigit((unsigned char)*c) && !strchr("+-.eE", *c))
			return false;
	struct c_locale loc;
	if (!mt_yio_c_locale_enter(&loc))
		return false;
	char *end;
	double v = strtod(s, &end);
	mt_yio_c_locale_leave(&loc);
	if (end == s || *end || !isfinite(v))
		return false;
	*out = v;
	return true;
}

static mt_status get_number(const struct ld *ld, const struct node *nd, const char *what,
                            double *out)
{
	char *end;
	double v;

	if (nd->kind != SCALAR)
		return fail(ld, nd,
		            "%s: expected a number, got %s; write a single number such as 0.5",
		            what, kind_name(nd));
	if (!nd->plain)
		return fail(ld, nd,
		            "%s: expected a number, got the quoted text \"%s\"; remove the quotes",
		            what, show(nd->text).s);
	if (!nd->text[0])
		return fail(ld, nd, "%s: the value is missing; write a number such as 0.5", what);
	if (mt_yio_nonfinite_spelling(nd->text))
		return fail(ld, nd, "%s: %s is not a finite number; use an ordinary decimal number",
		            what, show(nd->text).s);
	for (const char *c = nd->text; *c; c++)
		if (!isdigit((unsigned char)*c) && !strchr("+-.eE", *c))
			return fail(ld, nd,
			            "%s: expected a number, got `%s`; write a decimal number such "
			            "as 0.5",
			            what, show(nd->text).s);
	errno = 0;
	v = strtod(nd->text, &end);
	if (end == nd->text || *end)
		return fail(ld, nd,
		            "%s: expected a number, got `%s`; write a decimal number such as 0.5",
		            what, show(nd->text).s);
	if (!isfinite(v))
		return fail(ld, nd, "%s: %s is too large; use a finite number", what,
		            show(nd->text).s);
	*out = v;
	return MT_OK;
}

/* A whole number in [min, max]. */
static mt_status get_uint(const struct ld *ld, const struct node *nd, const char *what,
                          uint64_t min, uint64_t max, uint64_t *out)
{
	double d;
	mt_status st;
	unsigned long long v;
	char *end;

	st = get_number(ld, nd, what, &d);
	if (st)
		return st;
	for (const char *c = nd->text; *c; c++)
		if (!isdigit((unsigned char)*c) && !(c == nd->text && *c == '+'))
			return fail(ld, nd,
			            "%s: expected a whole number, got %s; write digits only, such "
			            "as 20",
			            what, show(nd->text).s);
	errno = 0;
	v = strtoull(nd->text, &end, 10);
	if (errno == ERANGE || v > max)
		return fail(ld, nd, "%s: %s is too large; the largest allowed value is %" PRIu64,
		            what, show(nd->text).s, max);
	if (v < min)
		return fail(ld, nd, "%s: must be at least %" PRIu64 ", got %s; raise it", what, min,
		            show(nd->text).s);
	*out = (uint64_t)v;
	return MT_OK;
}

enum range { ANY, NONNEG, POSITIVE };

static mt_status get_ranged(const struct ld *ld, const struct node *nd, const char *what,
                            enum range r, double *out)
{
	mt_status st = get_number(ld, nd, what, out);
	if (st)
		return st;
	if (r == NONNEG && *out < 0)
		return fail(ld, nd, "%s: must not be negative, got %s; use 0 or a positive number",
		            what, show(nd->text).s);
	if (r == POSITIVE && !(*out > 0))
		return fail(ld, nd, "%s: must be greater than 0, got %s; use a positive number",
		            what, show(nd->text).s);
	return MT_OK;
}

/* A piece of text.  Names (name == true) must be non-empty single lines of
 * at most MT_NAME_MAX bytes; other text is at most max bytes
 * (mt_text_problem says what else is refused). */
static mt_status get_text(const struct ld *ld, struct node *nd, const char *what, bool name,
                          size_t max, char **out)
{
	if (nd->kind != SCALAR)
		return fail(ld, nd, "%s: expected text, got %s; write the text after the colon",
		            what, kind_name(nd));
	if (name && !nd->text[0])
		return fail(ld, nd, "%s: must not be empty; write a short name", what);
	const char *why = mt_text_problem(nd->text, name, max);
	if (why && !strcmp(why, "is too long"))
		return fail(ld, nd, "%s: is too long (%zu bytes, the limit is %zu); shorten it",
		            what, strlen(nd->text), name ? (size_t)MT_NAME_MAX : max);
	if (why && name)
		return fail(ld, nd,
		            "%s: %s; a name must be a single line of printable text, shorten it "
		            "to one line without control characters",
		            what, why);
	if (why)
		return fail(ld, nd, "%s: %s; remove it", what, why);
	size_t len = strlen(nd->text) + 1;
	if (!(*out = mt_malloc(len)))
		return oom(ld, nd->line, nd->col);
	memcpy(*out, nd->text, len);
	return MT_OK;
}

/* ---------------------------------------------------------------- model */

/* Every reward model and policy is a list of m numbers: m lists of
 * 2 numbers and n groups would otherwise allocate n * m numbers that
 * the file does not hold. */
static mt_status check_length(const struct ld *ld, const struct node *nd, const char *what,
                              size_t m)
{
	if (nd->kind != SEQ)
		return fail(
		        ld, nd,
		        "%s: expected a list of numbers, got %s; write one number per response, "
		        "e.g. [0.2, 0.3, 0.5]",
		        what, kind_name(nd));
	if (nd->n != m)
		return fail(ld, nd,
		            "%s: has %zu number%s but there %s %zu response%s; give one number per "
		            "response, in the order of `responses`",
		            what, (size_t)nd->n, nd->n == 1 ? "" : "s", m == 1 ? "is" : "are", m,
		            m == 1 ? "" : "s");
	return MT_OK;
}

enum vec { REFERENCE, REWARDS, POLICY };

/* Fill dst[m] from a list of numbers and check it according to kind. */
static mt_status get_vector(const struct ld *ld, const struct node *nd, const char *what,
                            enum vec kind, mt_norm norm, size_t m, double *dst)
{
	double sum = 0, max = 0;
	mt_status st = check_length(ld, nd, what, m);
	if (st)
		return st;
	for (size_t x = 0; x < m; x++) {
		st = get_ranged(ld, nd->kids[x], what, kind == REFERENCE ? POSITIVE : NONNEG,
		                &dst[x]);
		if (st)
			return st;
		sum += dst[x];
		if (dst[x] > max)
			max = dst[x];
	}
	if (kind == REWARDS && norm == MT_NORM_MAX) {
		if (fabs(max - 1.0) > MT_NORM_TOL)
			return fail(ld, nd,
			            "%s: the largest reward is %.10g but `normalization: max` "
			            "needs it to be 1; "
			            "divide every reward by %.10g",
			            what, max, max);
	} else if (fabs(sum - 1.0) > MT_NORM_TOL) {
		return fail(ld, nd,
		            "%s: sums to %.10g but must sum to 1%s; divide every number by %.10g",
		            what, sum, kind == REWARDS ? " (normalization: sum)" : "", sum);
	}
	return MT_OK;
}

static mt_status check_size(const struct ld *ld, const struct node *nd, const char *what,
                            double size, double max_size)
{
	if (size > max_size)
		return fail(
		        ld, nd,
		        "%s: %s is larger than max_size (%.10g); lower the size or raise max_size",
		        what, show(nd->text).s, max_size);
	return MT_OK;
}

enum { G_NAME, G_SIZE, G_REWARDS, G_SHIFT, G_REPORT };
static const char *const group_keys[] = {"name", "size", "rewards", "shift", "report", NULL};
enum { R_SIZE, R_REWARDS };
static const char *const report_keys[] = {"size", "rewards", NULL};

static mt_status load_group(const struct ld *ld, mt_scenario *sc, size_t i, struct node *nd)
{
	mt_status st;
	struct fields f = {.keys = group_keys};
	struct fields r = {.keys = report_keys};
	mt_group *g = &sc->groups[i];
	char what[96];
	char *name;

	snprintf(what, sizeof what, "group %zu", i + 1);
	st = collect(ld, nd, what, &f);
	if (st)
		return st;
	if ((st = require(ld, nd, &f, G_NAME, what, "give every group a unique name")) ||
	    (st = require(ld, nd, &f, G_SIZE, what, "add its size, e.g. `size: 3`")) ||
	    (st = require(
	             ld, nd, &f, G_REWARDS, what,
	             "add its reward model, one number per response, e.g. `rewards: [0.2, 0.8]`")))
		return st;

	snprintf(what, sizeof what, "group %zu name", i + 1);
	st = get_text(ld, f.val[G_NAME], what, true, 0, &name);
	if (st)
		return st;
	free(g->name);
	g->name = name;

	snprintf(what, sizeof what, "group `%s` size", show(name).s);
	if ((st = get_ranged(ld, f.val[G_SIZE], what, POSITIVE, &g->size)) ||
	    (st = check_size(ld, f.val[G_SIZE], what, g->size, sc->max_size)))
		return st;
	g->reported_size = g->size;

	snprintf(what, sizeof what, "group `%s` rewards", show(name).s);
	st = get_vector(ld, f.val[G_REWARDS], what, REWARDS, sc->normalization, sc->m, g->rewards);
	if (st)
		return st;
	memcpy(g->reported, g->rewards, sc->m * sizeof *g->reported);

	if (f.val[G_SHIFT]) {
		snprintf(what, sizeof what, "group `%s` shift", show(name).s);
		st = get_ranged(ld, f.val[G_SHIFT], what, ANY, &g->shift);
		if (st)
			return st;
	}
	if (f.val[G_REPORT]) {
		snprintf(what, sizeof what, "group `%s` report", show(name).s);
		st = collect(ld, f.val[G_REPORT], what, &r);
		if (st)
			return st;
		if (r.val[R_SIZE]) {
			snprintf(what, sizeof what, "group `%s` report size", show(name).s);
			if ((st = get_ranged(ld, r.val[R_SIZE], what, POSITIVE,
			                     &g->reported_size)) ||
			    (st = check_size(ld, r.val[R_SIZE], what, g->reported_size,
			                     sc->max_size)))
				return st;
		}
		if (r.val[R_REWARDS]) {
			snprintf(what, sizeof what, "group `%s` report rewards", show(name).s);
			st = get_vector(ld, r.val[R_REWARDS], what, REWARDS, sc->normalization,
			                sc->m, g->reported);
			if (st)
				return st;
		}
	}
	return MT_OK;
}

enum { C_NAME, C_POLICY };
static const char *const candidate_keys[] = {"name", "policy", NULL};

/* The names (char * at offset off in n records of size stride) loaded from
 * the maps of list must differ: O(n log n), the error points at the second
 * of the first pair of equal names. */
static mt_status unique_names(const struct ld *ld, const struct node *list, const char *const *keys,
                              size_t key, const char *kind, const void *records, size_t n,
                              size_t stride, size_t off)
{
	char **names = mt_malloc((n ? n : 1) * sizeof *names);
	size_t dup = 0, orig = 0;
	mt_status st = MT_OK;
	if (!names)
		return oom(ld, list->line, list->col);
	for (size_t i = 0; i < n; i++)
		memcpy(&names[i], (const char *)records + i * stride + off, sizeof *names);
	if (mt_find_duplicate(names, n, &dup, &orig, &st)) {
		struct fields f = {.keys = keys};
		collect(ld, list->kids[dup], kind, &f); /* succeeded before */
		st = fail(
		        ld, f.val[key],
		        "%s %zu name: `%s` is already the name of %s %zu; %s names must be unique",
		        kind, dup + 1, show(names[dup]).s, kind, orig + 1, kind);
	} else if (st) {
		st = oom(ld, list->line, list->col);
	}
	free(names);
	return st;
}

static mt_status load_candidates(const struct ld *ld, mt_scenario *sc, const struct node *list)
{
	mt_status st;
	char what[96];

	if (list->kind != SEQ)
		return fail(ld, list,
		            "candidates: expected a list, got %s; write one `- name: ...` entry "
		            "with a `policy:` per candidate",
		            kind_name(list));
	if (!list->n)
		return MT_OK;
	sc->candidates = mt_calloc(list->n, sizeof *sc->candidates);
	if (!sc->candidates)
		return oom(ld, list->line, list->col);
	for (size_t c = 0; c < list->n; c++) {
		struct fields f = {.keys = candidate_keys};
		mt_candidate *cand = &sc->candidates[c];
		sc->k = c + 1; /* so that mt_scenario_free releases what is filled so far */
		snprintf(what, sizeof what, "candidate %zu", c + 1);
		st = collect(ld, list->kids[c], what, &f);
		if (st)
			return st;
		if ((st = require(ld, list->kids[c], &f, C_NAME, what,
		                  "give every candidate a unique name")) ||
		    (st = require(ld, list->kids[c], &f, C_POLICY, what,
		                  "add its policy, a probability per response, e.g. `policy: [0.5, "
		                  "0.5]`")))
			return st;
		snprintf(what, sizeof what, "candidate %zu name", c + 1);
		st = get_text(ld, f.val[C_NAME], what, true, 0, &cand->name);
		if (st)
			return st;
		cand->policy = mt_malloc(sc->m * sizeof *cand->policy);
		if (!cand->policy)
			return oom(ld, f.val[C_POLICY]->line, f.val[C_POLICY]->col);
		snprintf(what, sizeof what, "candidate `%s` policy", show(cand->name).s);
		st = get_vector(ld, f.val[C_POLICY], what, POLICY, sc->normalization, sc->m,
		                cand->policy);
		if (st)
			return st;
	}
	return unique_names(ld, list, candidate_keys, C_NAME, "candidate", sc->candidates, sc->k,
	                    sizeof *sc->candidates, offsetof(mt_candidate, name));
}

enum { N_EPSILON, N_SAMPLES, N_SEED };
static const char *const noise_keys[] = {"epsilon", "samples", "seed", NULL};
enum { K_STEPS, K_STEP_SIZE };
static const char *const training_keys[] = {"steps", "step_size", NULL};

static mt_status load_noise(const struct ld *ld, mt_scenario *sc, const struct node *nd)
{
	struct fields f = {.keys = noise_keys};
	uint64_t v;
	mt_status st = collect(ld, nd, "noise", &f);
	if (st)
		return st;
	if (f.val[N_EPSILON] &&
	    (st = get_ranged(ld, f.val[N_EPSILON], "noise epsilon", NONNEG, &sc->noise.epsilon)))
		return st;
	if (f.val[N_SAMPLES]) {
		if ((st = get_uint(ld, f.val[N_SAMPLES], "noise samples", 1, MT_MAX_NOISE_SAMPLES,
		                   &v)))
			return st;
		sc->noise.samples = (size_t)v;
	}
	if (f.val[N_SEED] &&
	    (st = get_uint(ld, f.val[N_SEED], "noise seed", 0, UINT64_MAX, &sc->noise.seed)))
		return st;
	return MT_OK;
}

static mt_status load_training(const struct ld *ld, mt_scenario *sc, const struct node *nd)
{
	struct fields f = {.keys = training_keys};
	uint64_t v;
	mt_status st = collect(ld, nd, "training", &f);
	if (st)
		return st;
	if (f.val[K_STEPS]) {
		if ((st = get_uint(ld, f.val[K_STEPS], "training steps", 1, MT_MAX_TRAINING_STEPS,
		                   &v)))
			return st;
		sc->training.steps = (size_t)v;
	}
	if (f.val[K_STEP_SIZE] && (st = get_ranged(ld, f.val[K_STEP_SIZE], "training step_size",
	                                           POSITIVE, &sc->training.step_size)))
		return st;
	return MT_OK;
}

/* A list of names (responses) or free text (try), stolen from the tree. */
static mt_status get_text_list(const struct ld *ld, struct node *nd, const char *what, bool names,
                               size_t max, char **dst)
{
	for (size_t i = 0; i < nd->n; i++) {
		char *s;
		mt_status st = get_text(ld, nd->kids[i], what, names, max, &s);
		if (st)
			return st;
		free(dst[i]);
		dst[i] = s;
	}
	size_t dup = 0, orig = 0;
	mt_status st = MT_OK;
	if (names && mt_find_duplicate(dst, nd->n, &dup, &orig, &st))
		return fail(ld, nd->kids[dup],
		            "%s: `%s` appears twice (first at line %d, column %d); labels must be "
		            "unique",
		            what, show(dst[dup]).s, nd->kids[orig]->line, nd->kids[orig]->col);
	return st ? oom(ld, nd->line, nd->col) : MT_OK;
}

/* Check the counts and the shape of every list before anything is allocated
 * for them: the limits of scenario.h, and every list of numbers of length m. */
static mt_status check_shapes(const struct ld *ld, const struct node *resp,
                              const struct node *groups, const struct node *cands,
                              const struct node *try)
{
	size_t m = resp->n, n = groups->n, k = cands && cands->kind == SEQ ? cands->n : 0;
	char what[96];
	mt_status st;

	if (m > MT_MAX_RESPONSES)
		return fail(ld, resp, "responses: %zu labels, the limit is %u; use fewer responses",
		            m, MT_MAX_RESPONSES);
	if (n > MT_MAX_GROUPS)
		return fail(ld, groups, "groups: %zu groups, the limit is %u; use fewer groups", n,
		            MT_MAX_GROUPS);
	if (k > MT_MAX_CANDIDATES)
		return fail(ld, cands,
		            "candidates: %zu candidates, the limit is %u; use fewer candidates", k,
		            MT_MAX_CANDIDATES);
	if ((n + k) * m > MT_MAX_CELLS)
		return fail(ld, groups,
		            "the scenario is too large: %zu groups and %zu candidates times %zu "
		            "responses is more than %u numbers; use fewer groups or responses",
		            n, k, m, MT_MAX_CELLS);
	if (try && try->kind == SEQ && try->n > MT_MAX_TRY)
		return fail(ld, try, "try: %zu entries, the limit is %u; keep the best ones",
		            (size_t)try->n, MT_MAX_TRY);
	for (size_t i = 0; i < n; i++) {
		struct fields f = {.keys = group_keys};
		char label[64];
		snprintf(label, sizeof label, "group %zu", i + 1);
		if ((st = collect(ld, groups->kids[i], label, &f)))
			return st;
		/* name the group as load_group will */
		if (f.val[G_NAME] && f.val[G_NAME]->kind == SCALAR && f.val[G_NAME]->text[0])
			snprintf(label, sizeof label, "group `%s`", show(f.val[G_NAME]->text).s);
		snprintf(what, sizeof what, "%s rewards", label);
		if (f.val[G_REWARDS] && (st = check_length(ld, f.val[G_REWARDS], what, m)))
			return st;
		if (f.val[G_REPORT]) {
			struct fields r = {.keys = report_keys};
			snprintf(what, sizeof what, "%s report", label);
			if ((st = collect(ld, f.val[G_REPORT], what, &r)))
				return st;
			snprintf(what, sizeof what, "%s report rewards", label);
			if (r.val[R_REWARDS] && (st = check_length(ld, r.val[R_REWARDS], what, m)))
				return st;
		}
	}
	for (size_t c = 0; c < k; c++) {
		struct fields f = {.keys = candidate_keys};
		snprintf(what, sizeof what, "candidate %zu", c + 1);
		if ((st = collect(ld, cands->kids[c], what, &f)))
			return st;
		if (f.val[C_NAME] && f.val[C_NAME]->kind == SCALAR && f.val[C_NAME]->text[0])
			snprintf(what, sizeof what, "candidate `%s` policy",
			         show(f.val[C_NAME]->text).s);
		else
			snprintf(what, sizeof what, "candidate %zu policy", c + 1);
		if (f.val[C_POLICY] && (st = check_length(ld, f.val[C_POLICY], what, m)))
			return st;
	}
	return MT_OK;
}

enum {
	T_MECHTUNE,
	T_NAME,
	T_DESCRIPTION,
	T_TRY,
	T_RESPONSES,
	T_REFERENCE,
	T_NORMALIZATION,
	T_DIVERGENCE,
	T_LAMBDA,
	T_PAYMENT,
	T_PIVOT_FRACTION,
	T_MAX_SIZE,
	T_GROUPS,
	T_CANDIDATES,
	T_NOISE,
	T_TRAINING,
};
static const char *const top_keys[] = {
        "mechtune",  "name",       "description",    "try",
        "responses", "reference",  "normalization",  "divergence",
        "lambda",    "payment",    "pivot_fraction", "max_size",
        "groups",    "candidates", "noise",          "training",
        NULL,
};

/* "kl, chi2, ..." from a NULL-terminated descriptor table. */
#define NAME_LIST(buf, table)                                                         \
	do {                                                                          \
		size_t used_ = 0;                                                     \
		(buf)[0] = '\0';                                                      \
		for (size_t i_ = 0; (table)[i_]; i_++) {                              \
			int w_ = snprintf((buf) + used_, sizeof(buf) - used_, "%s%s", \
			                  i_ ? ", " : "", (table)[i_]->name);         \
			if (w_ < 0 || (size_t)w_ >= sizeof(buf) - used_)              \
				break;                                                \
			used_ += (size_t)w_;                                          \
		}                                                                     \
	} while (0)

/* The root is a mapping whose format version (read first: another version
 * may have other keys) is MT_FORMAT_VERSION. */
static mt_status check_version(const struct ld *ld, const struct node *root)
{
	uint64_t version;
	const struct node *vnode = NULL;

	if (root->kind != MAP)
		return fail(ld, root,
		            "the scenario must be a mapping of `key: value` lines, got %s; start "
		            "the file with `mechtune: 1`",
		            kind_name(root));
	for (size_t i = 0; i + 1 < root->n; i += 2)
		if (root->kids[i]->kind == SCALAR && !strcmp(root->kids[i]->text, "mechtune")) {
			vnode = root->kids[i + 1];
			break;
		}
	if (!vnode)
		return fail(ld, root,
		            "missing the format version; add `mechtune: %d` as the first line",
		            MT_FORMAT_VERSION);
	mt_status st = get_uint(ld, vnode, "mechtune (format version)", 0, UINT64_MAX, &version);
	if (st)
		return st;
	if (version != MT_FORMAT_VERSION)
		return fail(ld, vnode,
		            "unsupported format version %" PRIu64
		            "; this mechtune reads version %d, "
		            "use a newer mechtune or write `mechtune: %d`",
		            version, MT_FORMAT_VERSION, MT_FORMAT_VERSION);
	return MT_OK;
}

/* The top-level keys (unknown and duplicate ones fail, the required ones
 * are there) and the shapes of the lists under them. */
static mt_status check_top(const struct ld *ld, struct node *root, struct fields *f)
{
	mt_status st = collect(ld, root, "the scenario", f);
	if (st)
		return st;
	if ((st = require(ld, root, f, T_NAME, "the scenario",
	                  "add a title, e.g. `name: Alices and Bobs`")) ||
	    (st = require(ld, root, f, T_RESPONSES, "the scenario",
	                  "list the response labels, e.g. `responses: [refuse, hedge, answer]`")) ||
	    (st = require(ld, root, f, T_GROUPS, "the scenario",
	                  "add a `groups:` list with at least one group")))
		return st;

	struct node *resp = f->val[T_RESPONSES], *groups = f->val[T_GROUPS];
	if (resp->kind != SEQ || !resp->n)
		return fail(ld, resp,
		            "responses: expected a non-empty list of labels, got %s; write e.g. "
		            "`responses: [refuse, answer]`",
		            resp->kind == SEQ ? "an empty list" : kind_name(resp));
	if (groups->kind != SEQ || !groups->n)
		return fail(ld, groups,
		            "groups: expected a non-empty list, got %s; add at least one "
		            "`- name: ...` entry",
		            groups->kind == SEQ ? "an empty list" : kind_name(groups));
	return check_shapes(ld, resp, groups, f->val[T_CANDIDATES], f->val[T_TRY]);
}

/* The texts: name, description, things to try and response labels. */
static mt_status load_texts(const struct ld *ld, const struct fields *f, mt_scenario *sc)
{
	mt_status st;
	{
		char *name;
		st = get_text(ld, f->val[T_NAME], "name", true, 0, &name);
		if (st)
			return st;
		free(sc->name);
		sc->name = name;
	}
	if (f->val[T_DESCRIPTION]) {
		char *d;
		st = get_text(ld, f->val[T_DESCRIPTION], "description", false, MT_DESCRIPTION_MAX,
		              &d);
		if (st)
			return st;
		if (d[0]) {
			free(sc->description);
			sc->description = d;
		} else {
			free(d);
		}
	}
	if (f->val[T_TRY]) {
		struct node *t = f->val[T_TRY];
		if (t->kind != SEQ)
			return fail(
			        ld, t,
			        "try: expected a list, got %s; write one `- hint` line per entry",
			        kind_name(t));
		if (t->n) {
			char **tl = mt_calloc(t->n, sizeof *tl);
			if (!tl)
				return oom(ld, t->line, t->col);
			for (size_t i = 0; i < sc->ntry; i++)
				free(sc->try_list[i]);
			free(sc->try_list);
			sc->try_list = tl;
			sc->ntry = t->n;
			st = get_text_list(ld, t, "try", false, MT_TRY_TEXT_MAX, sc->try_list);
			if (st)
				return st;
		}
	}
	return get_text_list(ld, f->val[T_RESPONSES], "responses", true, 0, sc->responses);
}

/* The settings: normalization, divergence, payment, lambda, pivot_fraction,
 * max_size and the reference. */
static mt_status load_settings(const struct ld *ld, const struct fields *f, mt_scenario *sc)
{
	mt_status st = MT_OK;
	char list[MT_ERROR_MSG_MAX / 2];
	if (f->val[T_NORMALIZATION]) {
		const struct node *nd = f->val[T_NORMALIZATION];
		if (nd->kind != SCALAR || !mt_norm_parse(nd->text, &sc->normalization))
			return fail(ld, nd, "normalization: unknown value `%s`; use sum or max",
			            nd->kind == SCALAR ? show(nd->text).s : kind_name(nd));
	}
	if (f->val[T_DIVERGENCE]) {
		const struct node *nd = f->val[T_DIVERGENCE];
		const mt_divergence *d = nd->kind == SCALAR ? mt_divergence_find(nd->text) : NULL;
		if (!d) {
			NAME_LIST(list, mt_divergences);
			return fail(ld, nd, "divergence: unknown divergence `%s`; use one of: %s",
			            nd->kind == SCALAR ? show(nd->text).s : kind_name(nd), list);
		}
		sc->divergence = d;
	}
	if (f->val[T_PAYMENT]) {
		const struct node *nd = f->val[T_PAYMENT];
		const mt_payment_rule *p = nd->kind == SCALAR ? mt_payment_find(nd->text) : NULL;
		if (!p) {
			NAME_LIST(list, mt_payment_rules);
			return fail(ld, nd, "payment: unknown payment rule `%s`; use one of: %s",
			            nd->kind == SCALAR ? show(nd->text).s : kind_name(nd), list);
		}
		sc->payment = p;
	}
	if (f->val[T_LAMBDA] &&
	    (st = get_ranged(ld, f->val[T_LAMBDA], "lambda", POSITIVE, &sc->lambda)))
		return st;
	if (f->val[T_PIVOT_FRACTION] &&
	    (st = get_ranged(ld, f->val[T_PIVOT_FRACTION], "pivot_fraction", NONNEG,
	                     &sc->pivot_fraction)))
		return st;
	if (f->val[T_MAX_SIZE] &&
	    (st = get_ranged(ld, f->val[T_MAX_SIZE], "max_size", POSITIVE, &sc->max_size)))
		return st;
	if (f->val[T_REFERENCE] && (st = get_vector(ld, f->val[T_REFERENCE], "reference", REFERENCE,
	                                            sc->normalization, sc->m, sc->reference)))
		return st;
	return MT_OK;
}

/* The groups (with unique names), the candidates, noise and training. */
static mt_status load_parts(const struct ld *ld, const struct fields *f, mt_scenario *sc)
{
	struct node *groups = f->val[T_GROUPS];
	mt_status st;
	for (size_t i = 0; i < sc->n; i++) {
		st = load_group(ld, sc, i, groups->kids[i]);
		if (st)
			return st;
	}
	st = unique_names(ld, groups, group_keys, G_NAME, "group", sc->groups, sc->n,
	                  sizeof *sc->groups, offsetof(mt_group, name));
	if (st)
		return st;
	if (f->val[T_CANDIDATES] && (st = load_candidates(ld, sc, f->val[T_CANDIDATES])))
		return st;
	if (f->val[T_NOISE] && (st = load_noise(ld, sc, f->val[T_NOISE])))
		return st;
	if (f->val[T_TRAINING] && (st = load_training(ld, sc, f->val[T_TRAINING])))
		return st;
	return MT_OK;
}

static mt_status load_root(const struct ld *ld, struct node *root, mt_scenario **out)
{
	struct fields f = {.keys = top_keys};
	mt_scenario *sc = NULL;
	mt_error verr;

	mt_status st = check_version(ld, root);
	if (!st)
		st = check_top(ld, root, &f);
	if (st)
		goto out;
	sc = mt_scenario_new(f.val[T_RESPONSES]->n, f.val[T_GROUPS]->n);
	if (!sc) {
		st = oom(ld, root->line, root->col);
		goto out;
	}
	if ((st = load_texts(ld, &f, sc)) || (st = load_settings(ld, &f, sc)) ||
	    (st = load_parts(ld, &f, sc)))
		goto out;

	/* Cross-field safety net; every check above already points at a node. */
	st = mt_scenario_validate(sc, &verr);
	if (st) {
		st = mt_error_set(ld->err, st, ld->file, root->line, root->col, "%s", verr.msg);
		goto out;
	}
	*out = sc;
	sc = NULL;
out:
	mt_scenario_free(sc);
	return st;
}

/* ---------------------------------------------------------------- loading */

/* The libraries' own allocations (newlocale, libyaml) count as one
 * allocation each for mt_alloc_fail_after, so that their failure paths are
 * tested too. */
bool mt_yio_c_locale_enter(struct c_locale *l)
{
	l->c = mt_alloc_inject() ? (locale_t)0 : newlocale(LC_ALL_MASK, "C", (locale_t)0);
	if (!l->c)
		return false;
	l->old = uselocale(l->c);
	return true;
}

void mt_yio_c_locale_leave(struct c_locale *l)
{
	uselocale(l->old);
	freelocale(l->c);
}

/* The format is UTF-8 (a UTF-8 byte order mark is allowed).  UTF-16 and
 * UTF-32 text, with a byte order mark or without one (a nul byte among the
 * first four), gets its own message rather than a syntax error. */
static mt_status check_encoding(const struct ld *ld)
{
	const unsigned char *t = (const unsigned char *)ld->text;
	size_t n = ld->len;
	const char *enc = NULL;
	if (n >= 4 && ((t[0] == 0 && t[1] == 0 && t[2] == 0xfe && t[3] == 0xff) ||
	               (t[0] == 0xff && t[1] == 0xfe && t[2] == 0 && t[3] == 0)))
		enc = "utf-32";
	else if (n >= 2 && ((t[0] == 0xfe && t[1] == 0xff) || (t[0] == 0xff && t[1] == 0xfe)))
		enc = "utf-16";
	else if (n >= 2 && (memchr(t, 0, n < 4 ? n : 4)))
		enc = "utf-16 or utf-32";
	if (!enc)
		return MT_OK;
	return fail_at(ld, 1, 1,
	               "the file is %s text; scenario files are utf-8, save it as utf-8 (for "
	               "example with `iconv -t utf-8`)",
	               enc);
}

mt_status mt_scenario_load_buffer(const char *text, size_t len, const char *name, mt_scenario **out,
                                  mt_error *err)
{
	mt_status st;
	struct ld ld = {.file = name ? name : "<buffer>", .err = err, .text = text, .len = len};
	struct node *root = NULL;
	struct c_locale loc;
	bool parser = false, locale = false;

	*out = NULL;
	if (!text && len) {
		st = mt_error_set(err, MT_EINVAL, ld.file, 0, 0, "no scenario text given");
		goto out;
	}
	if (len > MT_SCENARIO_MAX_BYTES) {
		st = mt_error_set(
		        err, MT_EINVAL, ld.file, 0, 0,
		        "the scenario is too large (%zu bytes, the limit is %u); check that "
		        "this is a scenario file",
		        len, MT_SCENARIO_MAX_BYTES);
		goto out;
	}
	if (mt_alloc_inject() || !yaml_parser_initialize(&ld.parser)) {
		st = oom(&ld, 0, 0);
		goto out;
	}
	parser = true;
	st = check_encoding(&ld);
	if (st)
		goto out;
	/* UTF-8 only: libyaml would otherwise decode UTF-16 after a byte order
	 * mark.  Told the encoding, it no longer skips a UTF-8 mark itself. */
	if (ld.len >= 3 && !memcmp(ld.text, "\xef\xbb\xbf", 3)) {
		ld.text += 3;
		ld.len -= 3;
	}
	yaml_parser_set_input_string(&ld.parser, (const unsigned char *)(ld.text ? ld.text : ""),
	                             ld.len);
	yaml_parser_set_encoding(&ld.parser, YAML_UTF8_ENCODING);
	if (!mt_yio_c_locale_enter(&loc)) {
		st = oom(&ld, 0, 0);
		goto out;
	}
	locale = true;
	st = parse_tree(&ld, &root);
	if (st)
		goto out;
	st = load_root(&ld, root, out);
out:
	if (locale)
		mt_yio_c_locale_leave(&loc);
	if (parser)
		yaml_parser_delete(&ld.parser);
	free_node(root);
	arena_release(&ld.arena);
	return st;
}

mt_status mt_scenario_load_file(const char *path, mt_scenario **out, mt_error *err)
{
	mt_status st = MT_OK;
	int fd = -1;
	char *buf = NULL;
	size_t len = 0;
	struct stat sb;

	*out = NULL;
	/* O_NONBLOCK: opening a FIFO (or a tty) must not wait for a writer before
	 * the file type is checked; it is cleared again for the read. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0) {
		st = mt_error_set(err, MT_EIO, path, 0, 0,
		                  "cannot open the scenario: %s; check the path", strerror(errno));
		goto out;
	}
	if (fstat(fd, &sb) < 0) {
		st = mt_error_set(err, MT_EIO, path, 0, 0, "cannot read the scenario: %s",
		                  strerror(errno));
		goto out;
	}
	if (!S_ISREG(sb.st_mode)) {
		st = mt_error_set(err, MT_EIO, path, 0, 0,
		                  "not a regular file; give the path of a .yaml scenario file");
		goto out;
	}
	int flags = fcntl(fd, F_GETFL);
	if (flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) < 0) {
		st = mt_error_set(err, MT_EIO, path, 0, 0, "cannot read the scenario: %s",
		                  strerror(errno));
		goto out;
	}
	if (sb.st_size > (off_t)MT_SCENARIO_MAX_BYTES) {
		st = mt_error_set(
		        err, MT_EINVAL, path, 0, 0,
		        "the file is too large (%jd bytes, the limit is %u); check that this "
		        "is a scenario file",
		        (intmax_t)sb.st_size, MT_SCENARIO_MAX_BYTES);
		goto out;
	}
	/* One byte more than the limit, in case the file grows while we read. */
	buf = big_alloc((size_t)sb.st_size + 2);
	if (!buf) {
		st = mt_error_set(err, MT_ENOMEM, path, 0, 0, "out of memory reading the scenario");
		goto out;
	}
	for (;;) {
		size_t want = (size_t)sb.st_size + 1 - len;
		ssize_t got;
		if (!want)
			break;
		got = read(fd, buf + len, want);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			st = mt_error_set(err, MT_EIO, path, 0, 0, "cannot read the scenario: %s",
			                  strerror(errno));
			goto out;
		}
		if (!got)
			break;
		len += (size_t)got;
	}
	if (len > (size_t)sb.st_size) {
		st = mt_error_set(err, MT_EIO, path, 0, 0,
		                  "the file changed while it was being read; try again");
		goto out;
	}
	buf[len] = '\0';
	st = mt_scenario_load_buffer(buf, len, path, out, err);
out:
	if (fd >= 0)
		close(fd);
	free(buf);
	return st;
}

mt_status mt_scenario_default(mt_scenario **out, mt_error *err)
{
	return mt_scenario_load_embedded("default.yaml", out, err);
}

mt_status mt_scenario_load_embedded(const char *file, mt_scenario **out, mt_error *err)
{
	for (const struct mt_embedded_scenario *e = mt_embedded_scenarios; e->file; e++) {
		if (strcmp(e->file, file))
			continue;
		char name[128];
		snprintf(name, sizeof name, "scenarios/%s (built in)", file);
		return mt_scenario_load_buffer(e->text, strlen(e->text), name, out, err);
	}
	*out = NULL;
	return mt_error_set(err, MT_EINVAL, NULL, 0, 0,
	                    "no built-in scenario '%s'; give the path of a scenario file", file);
}
