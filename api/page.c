/*
 * page.c - offset page arithmetic and the merge of pages.
 */
#include "page.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../util/sort.h"
#include "../util/strmap.h"
#include "../util/xalloc.h"
#include "../util/banned.h"

long page_count(long total)
{
	if (total <= 0)
		return 1;
	return (total + PAGE_SIZE - 1) / PAGE_SIZE;
}

long page_offset(long k)
{
	return k * PAGE_SIZE;
}

long page_expected(long total, long offset)
{
	long left = total - offset;
	if (left <= 0)
		return 0;
	return left < PAGE_SIZE ? left : PAGE_SIZE;
}

/* Rows by position, then by index (the order they were read in). */
static int by_pos(const void *a, const void *b, void *ctx)
{
	const long *pos = ctx;
	size_t ia = *(const size_t *)a, ib = *(const size_t *)b;
	if (pos[ia] != pos[ib])
		return pos[ia] < pos[ib] ? -1 : 1;
	return ia < ib ? -1 : ia > ib;
}

size_t page_merge(const long *pos, const char *const *ids, size_t n, size_t *order)
{
	size_t kept = 0;
	struct strmap seen;
	size_t *all = xreallocarray(NULL, n ? n : 1, sizeof(*all));

	strmap_init_size(&seen, n);
	for (size_t i = 0; i < n; i++)
		all[i] = i;
	sort_ctx(all, n, sizeof(*all), by_pos, (void *)pos);
	for (size_t k = 0; k < n; k++)
		if (strmap_add(&seen, ids[all[k]], NULL))
			order[kept++] = all[k];
	strmap_release(&seen);
	free(all);
	return kept;
}
