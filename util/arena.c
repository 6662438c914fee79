#include "arena.h"

#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"
#include "banned.h"

#define ARENA_CHUNK_SIZE (64 * 1024)
#define ARENA_ALIGN      alignof(uint64_t)

struct arena_chunk {
	struct arena_chunk *next;
	size_t size;
	size_t used;
	alignas(max_align_t) unsigned char data[];
};

void arena_init(struct arena *a)
{
	a->head = NULL;
	a->total = 0;
}

void arena_release(struct arena *a)
{
	struct arena_chunk *c = a->head;
	while (c) {
		struct arena_chunk *next = c->next;
		free(c);
		c = next;
	}
	arena_init(a);
}

/* size bytes, aligned, not cleared. */
static void *alloc_raw(struct arena *a, size_t size)
{
	if (size > SIZE_MAX - ARENA_ALIGN - sizeof(struct arena_chunk))
		return xmalloc(SIZE_MAX); /* aborts with a message */
	size = (size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	struct arena_chunk *c = a->head;
	if (!c || c->size - c->used < size) {
		size_t want = size > ARENA_CHUNK_SIZE / 4 ? size : ARENA_CHUNK_SIZE;
		struct arena_chunk *n = xmalloc(sizeof(*n) + want);
		n->size = want;
		n->used = 0;
		if (c && want != ARENA_CHUNK_SIZE) {
			/* A large block: keep filling the current chunk afterwards. */
			n->next = c->next;
			c->next = n;
			c = n;
		} else {
			n->next = c;
			a->head = n;
			c = n;
		}
	}
	void *p = c->data + c->used;
	c->used += size;
	a->total += size;
	return p;
}

void *arena_alloc(struct arena *a, size_t size)
{
	void *p = alloc_raw(a, size);
	memset(p, 0, size);
	return p;
}

void *arena_alloc_array(struct arena *a, size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		return xmalloc(SIZE_MAX); /* aborts with a message */
	return arena_alloc(a, n * size);
}

char *arena_strndup(struct arena *a, const char *s, size_t len)
{
	/* Every byte is written: no clearing first. */
	char *p = alloc_raw(a, len + 1);
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}
