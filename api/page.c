/*
 * page.c - offset page arithmetic and the merge of pages.
 */
#include "page.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

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

static const long *sort_pos;

static int by_pos(const void *a, const void *b)
{
	long pa = sort_pos[*(const size_t *)a], pb = sort_pos[*(const size_t *)b];
	if (pa != pb)
		return pa < pb ? -1 : 1;
	size_t ia = *(const size_t *)a, ib = *(const size_t *)b;
	return ia < ib ? -1 : ia > ib;
}

static uint64_t hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

size_t page_merge(const long *pos, const char *const *ids, size_t n, size_t *order)
{
	size_t size = 16, kept = 0;
	while (size < n * 2)
		size *= 2;
	const char **seen = xcalloc(size, sizeof(*seen));
	size_t *all = xmalloc((n ? n : 1) * sizeof(*all));

	for (size_t i = 0; i < n; i++)
		all[i] = i;
	sort_pos = pos;
	qsort(all, n, sizeof(*all), by_pos);
	sort_pos = NULL;
	for (size_t k = 0; k < n; k++) {
		const char *id = ids[all[k]];
		size_t h = (size_t)hash(id) & (size - 1);
		bool dup = false;
		while (seen[h]) {
			if (!strcmp(seen[h], id)) {
				dup = true;
				break;
			}
			h = (h + 1) & (size - 1);
		}
		if (dup)
			continue;
		seen[h] = id;
		order[kept++] = all[k];
	}
	free(seen);
	free(all);
	return kept;
}
