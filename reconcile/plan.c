#include "plan.h"

#include <stdlib.h>
#include <string.h>

#include "rollout.h"
#include "../util/xalloc.h"
#include "../util/banned.h"

void plan_init(struct plan *p)
{
	memset(p, 0, sizeof(*p));
}

void plan_change_release(struct plan_change *c)
{
	for (size_t i = 0; i < c->fields_nr; i++) {
		free(c->fields[i].name);
		free(c->fields[i].before);
		free(c->fields[i].after);
	}
	free(c->fields);
	free(c->deps);
	free(c->address);
	free(c->live_id);
	free(c->fingerprint);
	free(c->note);
	free(c->payload);
}

void plan_release(struct plan *p)
{
	for (size_t i = 0; i < p->nr; i++)
		plan_change_release(&p->changes[i]);
	free(p->changes);
	plan_rollouts_free(p->rollouts);
	free(p->manifest);
	free(p->owner);
	free(p->commit);
	free(p->repo_url);
	free(p->environment);
	free(p->organization);
	free(p->limited_since);
	for (size_t i = 0; i < p->limited_to_nr; i++)
		free(p->limited_to[i]);
	free(p->limited_to);
	for (size_t i = 0; i < p->limited_also_nr; i++)
		free(p->limited_also[i]);
	free(p->limited_also);
	for (size_t i = 0; i < p->prunable_nr; i++)
		free(p->prunable[i]);
	free(p->prunable);
	for (size_t i = 0; i < p->scope_targets_nr; i++)
		free(p->scope_targets[i]);
	free(p->scope_targets);
	for (size_t i = 0; i < p->scope_labels_nr; i++)
		free(p->scope_labels[i]);
	free(p->scope_labels);
	plan_init(p);
}

size_t plan_add(struct plan *p, enum res_type type, enum plan_action action, const char *address)
{
	ALLOC_GROW(p->changes, p->nr + 1, p->alloc);
	struct plan_change *c = &p->changes[p->nr];
	memset(c, 0, sizeof(*c));
	c->address = xstrdup(address);
	c->type = type;
	c->action = action;
	c->desired = PLAN_NONE;
	c->live = PLAN_NONE;
	return p->nr++;
}

void plan_field(struct plan *p, size_t c, const char *name, const char *before, const char *after,
                bool sensitive)
{
	struct plan_change *ch = &p->changes[c];
	ALLOC_GROW(ch->fields, ch->fields_nr + 1, ch->fields_alloc);
	struct plan_field *f = &ch->fields[ch->fields_nr++];
	f->name = xstrdup(name);
	f->before = before ? xstrdup(before) : NULL;
	f->after = after ? xstrdup(after) : NULL;
	f->sensitive = sensitive;
}

void plan_depend(struct plan *p, size_t c, size_t on)
{
	struct plan_change *ch = &p->changes[c];
	if (on == PLAN_NONE || on == c)
		return;
	for (size_t i = 0; i < ch->deps_nr; i++)
		if (ch->deps[i] == on)
			return;
	ALLOC_GROW(ch->deps, ch->deps_nr + 1, ch->deps_alloc);
	ch->deps[ch->deps_nr++] = on;
}

void plan_set_live(struct plan *p, size_t c, const char *live_id, const char *fingerprint)
{
	struct plan_change *ch = &p->changes[c];
	free(ch->live_id);
	free(ch->fingerprint);
	ch->live_id = live_id ? xstrdup(live_id) : NULL;
	ch->fingerprint = fingerprint ? xstrdup(fingerprint) : NULL;
}

void plan_set_note(struct plan *p, size_t c, const char *note)
{
	free(p->changes[c].note);
	p->changes[c].note = note ? xstrdup(note) : NULL;
}

void plan_set_payload(struct plan *p, size_t c, const char *payload_json)
{
	free(p->changes[c].payload);
	p->changes[c].payload = payload_json ? xstrdup(payload_json) : NULL;
}

struct plan_summary plan_summarize(const struct plan *p)
{
	struct plan_summary s = {0, 0, 0, 0, 0};
	for (size_t i = 0; i < p->nr; i++) {
		switch (p->changes[i].action) {
		case PA_CREATE:
			s.create++;
			break;
		case PA_UPDATE:
		case PA_IMPORT:
		case PA_ENABLE:
		case PA_DISABLE:
			s.update++;
			break;
		case PA_PUBLISH:
			s.publish++;
			break;
		case PA_DEPLOY:
			s.deploy++;
			break;
		case PA_DELETE:
			s.delete ++;
			break;
		}
	}
	return s;
}

const char *plan_action_name(enum plan_action a)
{
	static const char *const names[] = {"create", "update", "import",  "publish",
	                                    "deploy", "enable", "disable", "delete"};
	return names[a];
}

const char *res_type_name(enum res_type t)
{
	static const char *const names[] = {"customer", "integration", "instance"};
	return names[t];
}

char plan_action_symbol(enum plan_action a)
{
	switch (a) {
	case PA_CREATE:
		return '+';
	case PA_PUBLISH:
		return '^';
	case PA_DEPLOY:
		return '>';
	case PA_DELETE:
		return '-';
	default:
		return '~';
	}
}

bool plan_is_ordered(const struct plan *p)
{
	for (size_t i = 0; i < p->nr; i++)
		for (size_t d = 0; d < p->changes[i].deps_nr; d++)
			if (p->changes[i].deps[d] >= i)
				return false;
	return true;
}

void plan_keep(struct plan *p, bool *kept)
{
	size_t *renum = xcalloc(p->nr + 1, sizeof(*renum));
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
	for (size_t i = 0; i < p->nr; i++)
		for (size_t d = 0; d < p->changes[i].deps_nr; d++)
			p->changes[i].deps[d] = renum[p->changes[i].deps[d]];
	free(renum);
}
