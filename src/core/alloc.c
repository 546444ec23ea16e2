/* The core's allocator and its failure-injection hook (mechtune/alloc.h). */
#include "mechtune/alloc.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>

static atomic_long countdown = -1; /* < 0: off */
static atomic_ulong injected;

void mt_alloc_fail_after(long n)
{
	atomic_store(&injected, 0);
	atomic_store(&countdown, n < 0 ? -1 : n);
}

unsigned long mt_alloc_injected(void)
{
	return atomic_load(&injected);
}

bool mt_alloc_inject(void)
{
	if (atomic_load_explicit(&countdown, memory_order_relaxed) < 0)
		return false;
	long left = atomic_load(&countdown);
	while (left > 0 && !atomic_compare_exchange_weak(&countdown, &left, left - 1))
		;
	if (left > 0)
		return false;
	if (left < 0) /* turned off meanwhile */
		return false;
	atomic_fetch_add(&injected, 1);
	return true;
}

void *mt_malloc(size_t size)
{
	return mt_alloc_inject() ? NULL : malloc(size);
}

void *mt_calloc(size_t n, size_t size)
{
	return mt_alloc_inject() ? NULL : calloc(n, size);
}

void *mt_realloc(void *p, size_t size)
{
	return mt_alloc_inject() ? NULL : realloc(p, size);
}

int mt_posix_memalign(void **p, size_t align, size_t size)
{
	if (mt_alloc_inject())
		return ENOMEM;
	return posix_memalign(p, align, size);
}
