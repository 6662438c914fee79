/*
 * strmap.h - a hash map from NUL-terminated strings to pointers.
 *
 * Open addressing with linear probing over a power-of-two table that is
 * never more than half full; each slot keeps its key's hash, so a probe
 * compares strings only when the hashes agree. Lookups by name are what
 * the live model, the page merge and the executor do tens of thousands of
 * times on a large organization; this is the one table they share.
 *
 * Keys and values are borrowed: the map stores the pointers it is given
 * and never copies or frees what they point to, so a key must stay valid
 * and unchanged while it is in the map. strmap_init() allocates nothing;
 * strmap_release() frees the table (not the keys or values) and leaves an
 * empty map that can be used again. A NULL key is never stored and never
 * found.
 */
#ifndef PRISMSYNC_STRMAP_H
#define PRISMSYNC_STRMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct strmap_entry {
	const char *key; /* NULL: an empty slot */
	void *value;
	uint64_t hash; /* strhash(key) */
};

struct strmap {
	struct strmap_entry *slots;
	size_t size; /* a power of two, or 0 before the first insertion */
	size_t nr;   /* keys stored */
};

#define STRMAP_INIT                                                                                \
	{                                                                                          \
		NULL, 0, 0                                                                         \
	}

/* A 64-bit hash of s for tables in memory (not stable across versions: never store it). */
uint64_t strhash(const char *s);

void strmap_init(struct strmap *m);

/* Sizes the table for expected keys up front, so filling it never rehashes. */
void strmap_init_size(struct strmap *m, size_t expected);

void strmap_release(struct strmap *m);

/* The value stored under key, or NULL when key is absent (or NULL). */
void *strmap_get(const struct strmap *m, const char *key);

bool strmap_contains(const struct strmap *m, const char *key);

/*
 * Stores key -> value unless key is present already: the first value stored
 * under a key wins. Returns true when it stored the pair.
 */
bool strmap_add(struct strmap *m, const char *key, void *value);

/*
 * Stores key -> value, replacing any value stored under an equal key (the
 * key pointer kept is then the new one). Returns the value it replaced, or
 * NULL.
 */
void *strmap_put(struct strmap *m, const char *key, void *value);

/*
 * Iteration in table order (unspecified, stable while the map is not
 * changed): start with *pos = 0; each call returns the next entry and
 * advances *pos, or NULL at the end.
 *
 *     size_t pos = 0;
 *     for (const struct strmap_entry *e; (e = strmap_next(&m, &pos));)
 *             free(e->value);
 */
const struct strmap_entry *strmap_next(const struct strmap *m, size_t *pos);

#endif
