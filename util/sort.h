/*
 * sort.h - a stable sort whose comparison function gets a context pointer.
 *
 * qsort(3) passes its comparison function nothing but the two elements, so
 * a comparison that needs more (the plan whose addresses it compares, the
 * positions of page rows, the order of source files) ends up reading a
 * global. sort_ctx() hands ctx to every call instead, so sorting is
 * reentrant. It is a merge sort: elements that compare equal keep their
 * order, and the worst case is O(n log n). It allocates one buffer of
 * n * size bytes (aborting on overflow or when memory runs out) and frees
 * it before returning.
 */
#ifndef PRISMSYNC_SORT_H
#define PRISMSYNC_SORT_H

#include <stddef.h>

typedef int (*sort_ctx_cmp)(const void *a, const void *b, void *ctx);

void sort_ctx(void *base, size_t n, size_t size, sort_ctx_cmp cmp, void *ctx);

#endif
