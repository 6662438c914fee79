#include "limit.h"

#include <stdlib.h>
#include <string.h>

#include "../util/xalloc.h"
#include "../util/banned.h"

static bool str_eq(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

static bool labels_eq(const struct m_integration *a, const struct m_integration *b)
{
	if (a->has_labels != b->has_labels || a->labels.nr != b->labels.nr)
		return false;
	for (size_t i = 0; i < a->labels.nr; i++)
		if (strcmp(a->labels.items[i], b->labels.items[i]))
			return false;
	return true;
}

static bool doc_eq(const struct ydoc *a, const struct ydoc *b)
{
	if (!a || !b)
		return a == b;
	return a->len == b->len && !memcmp(a->text, b->text, a->len);
}

/* The entry of old for g: the same definition path, or else the same effective name. */
static const struct m_integration *old_entry(const struct manifest *old,
                                             const struct m_integration *g)
{
	for (size_t i = 0; i < old->integrations_nr; i++)
		if (str_eq(old->integrations[i].definition, g->definition))
			return &old->integrations[i];
	for (size_t i = 0; i < old->integrations_nr; i++)
		if (str_eq(old->integrations[i].effective_name, g->effective_name))
			return &old->integrations[i];
	return NULL;
}

void limit_changed_integrations(const struct manifest *cur, const struct manifest *old,
                                bool *changed)
{
	for (size_t i = 0; i < cur->integrations_nr; i++) {
		const struct m_integration *g = &cur->integrations[i];
		const struct m_integration *o = old ? old_entry(old, g) : NULL;
		changed[i] =
		    !o || !str_eq(g->definition, o->definition) || !str_eq(g->name, o->name) ||
		    !str_eq(g->description, o->description) || !labels_eq(g, o) ||
		    g->publish != o->publish || !str_eq(g->comment, o->comment) ||
		    !str_eq(g->effective_name, o->effective_name) || !doc_eq(g->doc, o->doc);
	}
}

static bool kept_integration(const struct manifest *m, const bool *keep, const char *name)
{
	for (size_t i = 0; i < m->integrations_nr; i++)
		if (keep[i] && str_eq(m->integrations[i].effective_name, name))
			return true;
	return false;
}

static bool keeps_change(const struct plan_change *c, const struct manifest *m, const bool *keep)
{
	const char *key = strchr(c->address, '.') + 1;
	if (c->type == RES_INTEGRATION)
		return kept_integration(m, keep, key);
	if (c->type != RES_INSTANCE)
		return false;
	for (size_t i = 0; i < m->instances_nr; i++) {
		const struct m_instance *in = &m->instances[i];
		size_t n = strlen(in->customer);
		if (!strncmp(key, in->customer, n) && key[n] == '/' &&
		    !strcmp(key + n + 1, in->name))
			return kept_integration(m, keep, in->integration);
	}
	return false;
}

void plan_limit(struct plan *p, const struct manifest *m, const bool *keep, const char *since)
{
	bool *kept = xcalloc(p->nr + 1, sizeof(*kept));
	size_t *renum = xcalloc(p->nr + 1, sizeof(*renum));
	for (size_t i = 0; i < p->nr; i++)
		kept[i] = keeps_change(&p->changes[i], m, keep);
	/* Dependencies come earlier in the plan: one backward pass closes the set. */
	for (size_t i = p->nr; i-- > 0;)
		if (kept[i])
			for (size_t d = 0; d < p->changes[i].deps_nr; d++)
				kept[p->changes[i].deps[d]] = true;

	size_t k = 0;
	for (size_t i = 0; i < p->nr; i++) {
		if (!kept[i]) {
			plan_change_release(&p->changes[i]);
			continue;
		}
		renum[i] = k;
		p->changes[k++] = p->changes[i];
	}
	p->nr = k;
	for (size_t i = 0; i < p->nr; i++) {
		struct plan_change *c = &p->changes[i];
		for (size_t d = 0; d < c->deps_nr; d++)
			c->deps[d] = renum[c->deps[d]];
	}
	free(kept);
	free(renum);

	p->limited = true;
	free(p->limited_since);
	p->limited_since = since ? xstrdup(since) : NULL;
	for (size_t i = 0; i < m->integrations_nr; i++) {
		if (!keep[i])
			continue;
		ALLOC_GROW(p->limited_to, p->limited_to_nr + 1, p->limited_to_alloc);
		p->limited_to[p->limited_to_nr++] =
		    xstrdup(m->integrations[i].effective_name ? m->integrations[i].effective_name
		                                              : m->integrations[i].definition);
	}
}
