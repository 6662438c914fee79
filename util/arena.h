/*
 * arena.h - a bump allocator for objects that live and die together.
 *
 * A parsed YAML document and the manifest model built from it consist of
 * many small nodes and strings that are all freed at once. Allocating them
 * from an arena makes parsing a large manifest fast and makes freeing it a
 * walk over a handful of chunks.
 *
 * arena_init() allocates nothing; arena_release() frees every allocation
 * made from the arena at once and leaves it empty and reusable. Memory from
 * arena_alloc() is zeroed and aligned to 8 bytes: enough for pointers,
 * 64-bit integers and double, which is all prismsync stores there (not for
 * long double or SIMD types: the 16 bytes max_align_t would cost a sixth of
 * a parsed manifest's memory in padding). It must never be passed to free().
 */
#ifndef PRISMSYNC_ARENA_H
#define PRISMSYNC_ARENA_H

#include <stddef.h>

struct arena_chunk;

struct arena {
	struct arena_chunk *head;
	size_t total; /* bytes handed out, for statistics */
};

#define ARENA_INIT                                                                                 \
	{                                                                                          \
		NULL, 0                                                                            \
	}

void arena_init(struct arena *a);
void arena_release(struct arena *a);
void *arena_alloc(struct arena *a, size_t size);

/* Zeroed memory for an array of n elements of size bytes; aborts when n * size overflows. */
void *arena_alloc_array(struct arena *a, size_t n, size_t size);

/* Copies len bytes of s into the arena and NUL terminates the copy. */
char *arena_strndup(struct arena *a, const char *s, size_t len);
char *arena_strdup(struct arena *a, const char *s);

#endif
