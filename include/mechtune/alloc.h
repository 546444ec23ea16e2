/* mechtune/alloc.h — every heap allocation of the core goes through these,
 * so that tests can make the n-th one fail (allocation-failure injection)
 * and check that each out-of-memory path returns MT_ENOMEM cleanly.
 *
 * The hook is always compiled and inert until mt_alloc_fail_after is
 * called: one relaxed atomic load per allocation.  libyaml's, GSL's and
 * GLPK's own allocations inside those libraries are not covered; the core
 * checks mt_alloc_inject() before allocating GSL objects. */
#ifndef MECHTUNE_ALLOC_H
#define MECHTUNE_ALLOC_H

#include <stdbool.h>
#include <stddef.h>

void *mt_malloc(size_t size);
void *mt_calloc(size_t n, size_t size);
void *mt_realloc(void *p, size_t size);
int mt_posix_memalign(void **p, size_t align, size_t size);

/* Test hook: the next n allocations succeed, every one after them fails
 * (until the next call); n < 0 turns injection off.  Resets the count of
 * injected failures. */
void mt_alloc_fail_after(long n);
/* Allocation failures injected since the last mt_alloc_fail_after. */
unsigned long mt_alloc_injected(void);
/* true when the current allocation is to fail (counts as one allocation):
 * for allocations that do not go through mt_malloc (gsl_vector_alloc). */
bool mt_alloc_inject(void);

#endif
