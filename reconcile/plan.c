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

static void labels_release(struct plan_labels *l)
{
	for (size_t i = 0; i < l->nr; i++)
		free(l->items[i]);
	free(l->items);
}

static void value_release(struct plan_value *v)
{
	free(v->text);
	free(v->env);
}

static void version_release(struct plan_version *v)
{
	free(v->integration);
	free(v->id);
}

static void config_release(struct plan_config_var *v)
{
	free(v->key);
	value_release(&v->value);
	for (size_t i = 0; i < v->inputs_nr; i++) {
		free(v->inputs[i].name);
		value_release(&v->inputs[i].value);
	}
	free(v->inputs);
	free(v->customer_connection);
	free(v->customer_var_id);
	free(v->time_zone);
}

static void inputs_release(struct plan_inputs *in)
{
	switch (in->kind) {
	case PI_NONE:
		break;
	case PI_CUSTOMER:
		free(in->customer.external_id);
		free(in->customer.name);
		free(in->customer.description);
		labels_release(&in->customer.labels);
		break;
	case PI_DEFINITION:
		free(in->definition);
		break;
	case PI_INTEGRATION:
		free(in->integration.description);
		labels_release(&in->integration.labels);
		break;
	case PI_PUBLISH:
		free(in->publish.comment);
		free(in->publish.attributes);
		break;
	case PI_INSTANCE:
		free(in->instance.name);
		free(in->instance.customer);
		free(in->instance.customer_id);
		free(in->instance.description);
		labels_release(&in->instance.labels);
		version_release(&in->instance.version);
		for (size_t i = 0; i < in->instance.config_nr; i++)
			config_release(&in->instance.config[i]);
		free(in->instance.config);
		break;
	case PI_DEPLOY:
		version_release(&in->deploy);
		break;
	}
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
	inputs_release(&c->in);
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
	c->in.kind = plan_input_kind(type, action);
	return p->nr++;
}

enum plan_input_kind plan_input_kind(enum res_type type, enum plan_action action)
{
	switch (action) {
	case PA_CREATE:
	case PA_UPDATE:
		if (type == RES_CUSTOMER)
			return PI_CUSTOMER;
		if (type == RES_INSTANCE)
			return PI_INSTANCE;
		return action == PA_CREATE ? PI_DEFINITION : PI_INTEGRATION;
	case PA_IMPORT:
		return type == RES_INTEGRATION ? PI_DEFINITION : PI_NONE;
	case PA_PUBLISH:
		return type == RES_INTEGRATION ? PI_PUBLISH : PI_NONE;
	case PA_DEPLOY:
		return type == RES_INSTANCE ? PI_DEPLOY : PI_NONE;
	default:
		return PI_NONE;
	}
}

char *plan_strdup(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

void plan_labels_set(struct plan_labels *l, const char *const *items, size_t n)
{
	labels_release(l);
	l->set = true;
	l->items = xcalloc(n + 1, sizeof(*l->items));
	for (size_t i = 0; i < n; i++)
		l->items[i] = xstrdup(items[i]);
	l->nr = n;
}

struct plan_config_var *plan_config_add(struct plan_instance_in *in)
{
	ALLOC_GROW(in->config, in->config_nr + 1, in->config_alloc);
	struct plan_config_var *v = &in->config[in->config_nr++];
	memset(v, 0, sizeof(*v));
	return v;
}

struct plan_config_input *plan_config_input_add(struct plan_config_var *v)
{
	ALLOC_GROW(v->inputs, v->inputs_nr + 1, v->inputs_alloc);
	struct plan_config_input *in = &v->inputs[v->inputs_nr++];
	memset(in, 0, sizeof(*in));
	return in;
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

/* The one table of actions: in enum plan_action's order. */
static const struct {
	const char *name;
	const char *done;
	char symbol; /* Terraform's */
} actions[] = {
    [PA_CREATE] = {"create", "created", '+'},    [PA_UPDATE] = {"update", "updated", '~'},
    [PA_IMPORT] = {"import", "imported", '~'},   [PA_PUBLISH] = {"publish", "published", '^'},
    [PA_DEPLOY] = {"deploy", "deployed", '>'},   [PA_ENABLE] = {"enable", "enabled", '~'},
    [PA_DISABLE] = {"disable", "disabled", '~'}, [PA_DELETE] = {"delete", "deleted", '-'},
};

static const char *const type_names[] = {
    [RES_CUSTOMER] = "customer",
    [RES_INTEGRATION] = "integration",
    [RES_INSTANCE] = "instance",
};

const char *plan_action_name(enum plan_action a)
{
	return actions[a].name;
}

const char *plan_action_done(enum plan_action a)
{
	return actions[a].done;
}

int plan_action_parse(const char *s)
{
	for (size_t i = 0; s && i < sizeof(actions) / sizeof(actions[0]); i++)
		if (!strcmp(s, actions[i].name))
			return (int)i;
	return -1;
}

const char *res_type_name(enum res_type t)
{
	return type_names[t];
}

int res_type_parse(const char *s)
{
	for (size_t i = 0; s && i < sizeof(type_names) / sizeof(type_names[0]); i++)
		if (!strcmp(s, type_names[i]))
			return (int)i;
	return -1;
}

char plan_action_symbol(enum plan_action a)
{
	return actions[a].symbol;
}

char *plan_change_id(const struct plan_change *c)
{
	return xasprintf("%s#%s", c->address, plan_action_name(c->action));
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
