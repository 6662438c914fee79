/*
 * page.h - the arithmetic of offset pagination, kept apart so that it can
 * be tested without a server.
 *
 * A list is read with `first: PAGE_SIZE, offset: 0`, which also tells its
 * totalCount; every further page is then known at once (offset k *
 * PAGE_SIZE) and requested in parallel. The pages are merged back in list
 * order and de-duplicated by id, and the count is checked against
 * totalCount: an object inserted or removed while the list was read shifts
 * the pages, which shows as a repeat or a short page.
 */
#ifndef PRISMSYNC_PAGE_H
#define PRISMSYNC_PAGE_H

#include <stdbool.h>
#include <stddef.h>

#define PAGE_SIZE 100

/* How many pages a list of total objects takes (at least one, to learn the total). */
long page_count(long total);

/* The offset of page k (0 for the first). */
long page_offset(long k);

/* How many nodes the page at offset holds in a list of total: PAGE_SIZE, fewer at the end. */
long page_expected(long total, long offset);

/*
 * Merges records that arrived page by page: pos[i] is record i's position
 * in the list and ids[i] its id. Writes to order[] the indices of the
 * records to keep, sorted by position, keeping the first record of each id.
 * Returns how many were kept. order must hold n entries.
 */
size_t page_merge(const long *pos, const char *const *ids, size_t n, size_t *order);

#endif
