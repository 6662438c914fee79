/*
 * page.h - the arithmetic of Relay pagination, kept apart so that it can be
 * tested without a server.
 *
 * Prismatic's cursors are offsets into a sorted list (base64 of
 * "arrayconnection:N", as graphene makes them). When the first page's
 * endCursor has that form, the remaining pages of a list can be requested
 * in parallel with cursors made here; when it does not, pages are followed
 * one after another with each page's endCursor. Either way the pages are
 * merged back in list order and de-duplicated by id, and the count is
 * checked against totalCount.
 */
#ifndef PRISMSYNC_PAGE_H
#define PRISMSYNC_PAGE_H

#include <stdbool.h>
#include <stddef.h>

#define PAGE_SIZE 100

/* Reads the offset of an offset cursor. Returns false when cursor is not one. */
bool page_cursor_offset(const char *cursor, long *offset);

/* The cursor that makes a page start right after offset (a new string). */
char *page_cursor_after(long offset);

/* How many pages a list of total objects takes (at least one, to learn the total). */
long page_count(long total);

/*
 * Merges records that arrived page by page: pos[i] is record i's position
 * in the list and ids[i] its id. Writes to order[] the indices of the
 * records to keep, sorted by position, keeping the first record of each id.
 * Returns how many were kept. order must hold n entries.
 */
size_t page_merge(const long *pos, const char *const *ids, size_t n, size_t *order);

#endif
