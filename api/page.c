#include "page.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "../util/strutil.h"
#include "../util/xalloc.h"
#include "../util/banned.h"

#define CURSOR_PREFIX "arrayconnection:"

bool page_cursor_offset(const char *cursor, long *offset)
{
	size_t len = 0;
	bool ok = false;
	if (!cursor)
		return false;
	char *raw = auth_base64url_decode(cursor, strlen(cursor), &len);
	if (raw && strlen(raw) == len && str_starts_with(raw, CURSOR_PREFIX) &&
	    raw[strlen(CURSOR_PREFIX)] >= '0' && raw[strlen(CURSOR_PREFIX)] <= '9')
		ok = parse_long(raw + strlen(CURSOR_PREFIX), 0, 1L << 40, offset) == 0;
	free(raw);
	return ok;
}

char *page_cursor_after(long offset)
{
	static const char alphabet[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char *raw = xasprintf(CURSOR_PREFIX "%ld", offset);
	size_t len = strlen(raw);
	char *out = xmalloc((len + 2) / 3 * 4 + 1);
	size_t o = 0;
	for (size_t i = 0; i < len; i += 3) {
		uint32_t v = (uint32_t)(unsigned char)raw[i] << 16;
		if (i + 1 < len)
			v |= (uint32_t)(unsigned char)raw[i + 1] << 8;
		if (i + 2 < len)
			v |= (unsigned char)raw[i + 2];
		out[o++] = alphabet[(v >> 18) & 63];
		out[o++] = alphabet[(v >> 12) & 63];
		out[o++] = i + 1 < len ? alphabet[(v >> 6) & 63] : '=';
		out[o++] = i + 2 < len ? alphabet[v & 63] : '=';
	}
	out[o] = '\0';
	free(raw);
	return out;
}

long page_count(long total)
{
	if (total <= 0)
		return 1;
	return (total + PAGE_SIZE - 1) / PAGE_SIZE;
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
