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

static bool list_eq(const struct mstrlist *a, const struct mstrlist *b)
{
	if (a->nr != b->nr)
		return false;
	for (size_t i = 0; i < a->nr; i++)
		if (strcmp(a->items[i], b->items[i]))
			return false;
	return true;
}

static bool config_eq(const struct m_configvar *a, const struct m_configvar *b)
{
	if (!str_eq(a->key, b->key) || a->kind != b->kind || !str_eq(a->value, b->value) ||
	    !str_eq(a->customer_connection, b->customer_connection) ||
	    !str_eq(a->time_zone, b->time_zone) || a->inputs_nr != b->inputs_nr)
		return false;
	for (size_t i = 0; i < a->inputs_nr; i++)
		if (!str_eq(a->inputs[i].name, b->inputs[i].name) ||
		    !str_eq(a->inputs[i].value, b->inputs[i].value))
			return false;
	return true;
}

static bool instance_eq(const struct m_instance *a, const struct m_instance *b)
{
	if (!str_eq(a->integration, b->integration) || a->version_latest != b->version_latest ||
	    (!a->version_latest && a->version != b->version) ||
	    !str_eq(a->description, b->description) || a->enabled != b->enabled ||
	    a->deploy != b->deploy || a->has_labels != b->has_labels ||
	    !list_eq(&a->labels, &b->labels) || a->has_config != b->has_config ||
	    a->config_nr != b->config_nr || !list_eq(&a->ignore, &b->ignore))
		return false;
	for (size_t i = 0; i < a->config_nr; i++)
		if (!config_eq(&a->config[i], &b->config[i]))
			return false;
	return true;
}

static const struct m_instance *find_instance(const struct manifest *m, const char *customer,
                                              const char *name)
{
	for (size_t i = 0; i < m->instances_nr; i++)
		if (!strcmp(m->instances[i].customer, customer) &&
		    !strcmp(m->instances[i].name, name))
			return &m->instances[i];
	return NULL;
}

static void push(char ***out, size_t *nr, char *s)
{
	*out = xrealloc(*out, (*nr + 1) * sizeof(**out));
	(*out)[(*nr)++] = s;
}

char **limit_changed_others(const struct manifest *cur, const struct manifest *old, size_t *nr)
{
	char **out = NULL;
	*nr = 0;
	if (!old)
		return NULL;
	for (size_t i = 0; i < cur->instances_nr; i++) {
		const struct m_instance *n = &cur->instances[i];
		const struct m_instance *o = find_instance(old, n->customer, n->name);
		if (!o || !instance_eq(n, o))
			push(&out, nr, xasprintf("instance.%s/%s", n->customer, n->name));
	}
	for (size_t i = 0; i < old->instances_nr; i++) {
		const struct m_instance *o = &old->instances[i];
		if (!find_instance(cur, o->customer, o->name))
			push(&out, nr, xasprintf("instance.%s/%s", o->customer, o->name));
	}
	for (size_t i = 0; i < old->integrations_nr; i++) {
		const char *name = old->integrations[i].effective_name;
		if (name && !manifest_find_integration(cur, name))
			push(&out, nr, xasprintf("integration.%s", name));
	}
	return out;
}

static bool in_also(char *const *also, size_t n, const char *address)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(also[i], address))
			return true;
	return false;
}

void plan_limit_also(struct plan *p, const struct manifest *m, const bool *keep, char *const *also,
                     size_t also_nr, const char *since)
{
	bool *extra = xcalloc(p->nr + 1, sizeof(*extra));
	for (size_t i = 0; i < p->nr; i++)
		extra[i] = in_also(also, also_nr, p->changes[i].address);
	p->limit_extra = extra;
	plan_limit(p, m, keep, since);
	p->limit_extra = NULL;
	free(extra);
	p->limited_also = xcalloc(also_nr + 1, sizeof(*p->limited_also));
	for (size_t i = 0; i < also_nr; i++)
		p->limited_also[p->limited_also_nr++] = xstrdup(also[i]);
}

void plan_limit(struct plan *p, const struct manifest *m, const bool *keep, const char *since)
{
	bool *kept = xcalloc(p->nr + 1, sizeof(*kept));
	for (size_t i = 0; i < p->nr; i++)
		kept[i] =
		    keeps_change(&p->changes[i], m, keep) || (p->limit_extra && p->limit_extra[i]);
	plan_keep(p, kept);
	free(kept);

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
