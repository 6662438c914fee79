#include "strmap.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"
#include "banned.h"

#define STRMAP_MIN_SIZE 16

uint64_t strhash(const char *s)
{
	/* Eight bytes a step (identifiers are long and share prefixes), then a final mix so
	 * the low bits the table uses depend on every byte. */
	size_t len = strlen(s);
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ (len * 0xff51afd7ed558ccdULL);
	uint64_t w;
	for (; len >= 8; s += 8, len -= 8) {
		memcpy(&w, s, 8);
		h = (h ^ w) * 0xc4ceb9fe1a85ec53ULL;
		h ^= h >> 29;
	}
	w = 0;
	memcpy(&w, s, len);
	h = (h ^ w) * 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 32;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 29;
	return h;
}

void strmap_init(struct strmap *m)
{
	m->slots = NULL;
	m->size = 0;
	m->nr = 0;
}

/* The smallest table that holds n keys at most half full. */
static size_t size_for(size_t n)
{
	size_t size = STRMAP_MIN_SIZE;
	while (size / 2 < n) {
		if (size > SIZE_MAX / 4)
			abort(); /* cannot happen: n keys already fill memory */
		size *= 2;
	}
	return size;
}

void strmap_init_size(struct strmap *m, size_t expected)
{
	strmap_init(m);
	m->size = size_for(expected);
	m->slots = xcalloc(m->size, sizeof(*m->slots));
}

void strmap_release(struct strmap *m)
{
	free(m->slots);
	strmap_init(m);
}

/* The slot holding key, or the empty slot where it would go. */
static struct strmap_entry *probe(struct strmap_entry *slots, size_t size, const char *key,
                                  uint64_t h)
{
	size_t i = (size_t)h & (size - 1);
	while (slots[i].key && (slots[i].hash != h || strcmp(slots[i].key, key)))
		i = (i + 1) & (size - 1);
	return &slots[i];
}

static void grow(struct strmap *m)
{
	size_t size = size_for(m->nr + 1);
	if (size <= m->size)
		return;
	struct strmap_entry *slots = xcalloc(size, sizeof(*slots));
	for (size_t i = 0; i < m->size; i++) {
		if (!m->slots[i].key)
			continue;
		/* Keys are distinct: the first free slot from the hash's. */
		size_t j = (size_t)m->slots[i].hash & (size - 1);
		while (slots[j].key)
			j = (j + 1) & (size - 1);
		slots[j] = m->slots[i];
	}
	free(m->slots);
	m->slots = slots;
	m->size = size;
}

void *strmap_get(const struct strmap *m, const char *key)
{
	if (!key || !m->size)
		return NULL;
	return probe(m->slots, m->size, key, strhash(key))->value;
}

bool strmap_contains(const struct strmap *m, const char *key)
{
	if (!key || !m->size)
		return false;
	return probe(m->slots, m->size, key, strhash(key))->key != NULL;
}

bool strmap_add(struct strmap *m, const char *key, void *value)
{
	if (!key)
		return false;
	grow(m);
	uint64_t h = strhash(key);
	struct strmap_entry *e = probe(m->slots, m->size, key, h);
	if (e->key)
		return false;
	e->key = key;
	e->value = value;
	e->hash = h;
	m->nr++;
	return true;
}

void *strmap_put(struct strmap *m, const char *key, void *value)
{
	if (!key)
		return NULL;
	grow(m);
	uint64_t h = strhash(key);
	struct strmap_entry *e = probe(m->slots, m->size, key, h);
	void *old = e->key ? e->value : NULL;
	if (!e->key)
		m->nr++;
	e->key = key;
	e->value = value;
	e->hash = h;
	return old;
}

const struct strmap_entry *strmap_next(const struct strmap *m, size_t *pos)
{
	for (; *pos < m->size; (*pos)++)
		if (m->slots[*pos].key)
			return &m->slots[(*pos)++];
	return NULL;
}
