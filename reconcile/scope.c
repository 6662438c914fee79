#include "scope.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "../util/buf.h"
#include "../util/strutil.h"
#include "../util/xalloc.h"
#include "../util/banned.h"

/* Every object the manifest or the organization has: its address and labels. */
struct object {
	char *address;
	const char *const *labels;
	size_t labels_nr;
};

struct objects {
	struct object *items;
	size_t nr, alloc;
};

static void add(struct objects *o, char *address, const char *const *labels, size_t n)
{
	if (o->nr == o->alloc) {
		o->alloc = o->alloc ? 2 * o->alloc : 64;
		o->items = xrealloc(o->items, o->alloc * sizeof(*o->items));
	}
	o->items[o->nr++] = (struct object){address, labels, n};
}

/* Manifest objects first: their labels are the ones wanted. */
static void collect(struct objects *o, const struct manifest *m, const struct live_state *live)
{
	for (size_t i = 0; i < m->customers_nr; i++) {
		const struct m_customer *c = &m->customers[i];
		add(o, xasprintf("customer.%s", c->external_id), c->labels.items, c->labels.nr);
	}
	for (size_t i = 0; i < m->integrations_nr; i++) {
		const struct m_integration *g = &m->integrations[i];
		if (g->effective_name)
			add(o, xasprintf("integration.%s", g->effective_name), g->labels.items,
			    g->labels.nr);
	}
	for (size_t i = 0; i < m->instances_nr; i++) {
		const struct m_instance *n = &m->instances[i];
		add(o, xasprintf("instance.%s/%s", n->customer, n->name), n->labels.items,
		    n->labels.nr);
	}
	for (size_t i = 0; live && i < live->customers_nr; i++) {
		const struct live_customer *c = &live->customers[i];
		if (c->external_id)
			add(o, xasprintf("customer.%s", c->external_id), c->labels, c->labels_nr);
	}
	for (size_t i = 0; live && i < live->integrations_nr; i++) {
		const struct live_integration *g = &live->integrations[i];
		add(o, xasprintf("integration.%s", g->name), g->labels, g->labels_nr);
	}
	for (size_t i = 0; live && i < live->instances_nr; i++) {
		const struct live_instance *n = &live->instances[i];
		if (n->customer_external_id)
			add(o, xasprintf("instance.%s/%s", n->customer_external_id, n->name),
			    n->labels, n->labels_nr);
	}
}

static void objects_release(struct objects *o)
{
	for (size_t i = 0; i < o->nr; i++)
		free(o->items[i].address);
	free(o->items);
}

bool plan_scope_active(const struct plan_scope *s)
{
	return s && (s->targets_nr || s->labels_nr);
}

static bool matches_target(const struct plan_scope *s, const char *address)
{
	if (!s->targets_nr)
		return true;
	for (size_t i = 0; i < s->targets_nr; i++)
		if (!fnmatch(s->targets[i], address, 0))
			return true;
	return false;
}

/* Whether the object at address (its first record: the manifest's) carries a select label. */
static bool selected(const struct plan_scope *s, const struct objects *o, const char *address)
{
	if (!s->labels_nr)
		return true;
	for (size_t i = 0; i < o->nr; i++) {
		if (strcmp(o->items[i].address, address))
			continue;
		for (size_t l = 0; l < s->labels_nr; l++)
			for (size_t k = 0; k < o->items[i].labels_nr; k++)
				if (!strcmp(o->items[i].labels[k], s->labels[l]))
					return true;
		/* The manifest lists it without labels: fall back to the organization's. */
		if (o->items[i].labels_nr)
			return false;
	}
	return false;
}

static bool in_scope(const struct plan_scope *s, const struct objects *o, const char *address)
{
	return matches_target(s, address) && selected(s, o, address);
}

int plan_scope_check(const struct plan_scope *s, const struct manifest *m,
                     const struct live_state *live, struct error *err)
{
	struct objects o = {NULL, 0, 0};
	int rc = 0;
	collect(&o, m, live);
	for (size_t t = 0; t < s->targets_nr && !rc; t++) {
		bool hit = false;
		for (size_t i = 0; i < o.nr && !hit; i++)
			hit = !fnmatch(s->targets[t], o.items[i].address, 0);
		if (hit)
			continue;
		const char **names = xcalloc(o.nr + 1, sizeof(*names));
		for (size_t i = 0; i < o.nr; i++)
			names[i] = o.items[i].address;
		const char *near = nearest_word(s->targets[t], names, o.nr);
		rc = error_set(err, ERR_NOTFOUND,
		               "--target '%s' matches no object of the manifest or the "
		               "organization%s%s%s",
		               s->targets[t], near ? "; the closest is '" : "", near ? near : "",
		               near ? "'" : "");
		free(names);
	}
	objects_release(&o);
	return rc;
}

void plan_scope_limit(struct plan *p, const struct plan_scope *s, const struct manifest *m,
                      const struct live_state *live)
{
	struct objects o = {NULL, 0, 0};
	bool *kept = xcalloc(p->nr + 1, sizeof(*kept));
	collect(&o, m, live);
	for (size_t i = 0; i < p->nr; i++)
		kept[i] = in_scope(s, &o, p->changes[i].address);
	plan_keep(p, kept);
	size_t k = 0;
	for (size_t i = 0; i < p->prunable_nr; i++) {
		if (in_scope(s, &o, p->prunable[i]))
			p->prunable[k++] = p->prunable[i];
		else
			free(p->prunable[i]);
	}
	p->prunable_nr = k;
	p->scope_targets = xcalloc(s->targets_nr + 1, sizeof(char *));
	for (size_t i = 0; i < s->targets_nr; i++)
		p->scope_targets[p->scope_targets_nr++] = xstrdup(s->targets[i]);
	p->scope_labels = xcalloc(s->labels_nr + 1, sizeof(char *));
	for (size_t i = 0; i < s->labels_nr; i++)
		p->scope_labels[p->scope_labels_nr++] = xstrdup(s->labels[i]);
	p->scoped = true;
	free(kept);
	objects_release(&o);
}
