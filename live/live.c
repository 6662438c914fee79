#include "live.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../util/strmap.h"
#include "../util/strutil.h"
#include "../util/xalloc.h"
#include "../util/banned.h"

struct live_index {
	struct strmap customer_id, customer_ext, integration_id, integration_name;
	struct strmap instance_id, instance_identity, version_id;
	struct arena keys;      /* composite keys */
	bool shared_identities; /* two records of a kind share an identity */
	/* instance_id is filled on its first use: a plan with nothing to change makes none. */
	bool instance_id_built;
};

struct live_state *live_state_new(void)
{
	struct live_state *s = xcalloc(1, sizeof(*s));
	arena_init(&s->arena);
	return s;
}

static void index_free(struct live_index *ix)
{
	if (!ix)
		return;
	strmap_release(&ix->customer_id);
	strmap_release(&ix->customer_ext);
	strmap_release(&ix->integration_id);
	strmap_release(&ix->integration_name);
	strmap_release(&ix->instance_id);
	strmap_release(&ix->instance_identity);
	strmap_release(&ix->version_id);
	arena_release(&ix->keys);
	free(ix);
}

void live_state_free(struct live_state *s)
{
	if (!s)
		return;
	index_free(s->index);
	free(s->customers);
	free(s->integrations);
	free(s->instances);
	free(s->customer_vars);
	arena_release(&s->arena);
	for (size_t i = 0; i < s->kept_nr; i++)
		s->kept[i].release(s->kept[i].block);
	free(s->kept);
	free(s);
}

void live_state_keep(struct live_state *s, void *block, void (*release)(void *))
{
	if (!block)
		return;
	ALLOC_GROW(s->kept, s->kept_nr + 1, s->kept_alloc);
	s->kept[s->kept_nr++] = (struct live_kept){block, release};
}

const char *live_strdup(struct live_state *s, const char *str)
{
	return str ? arena_strdup(&s->arena, str) : NULL;
}

struct live_customer *live_add_customer(struct live_state *s)
{
	ALLOC_GROW(s->customers, s->customers_nr + 1, s->customers_alloc);
	struct live_customer *c = &s->customers[s->customers_nr++];
	memset(c, 0, sizeof(*c));
	return c;
}

struct live_integration *live_add_integration(struct live_state *s)
{
	ALLOC_GROW(s->integrations, s->integrations_nr + 1, s->integrations_alloc);
	struct live_integration *it = &s->integrations[s->integrations_nr++];
	memset(it, 0, sizeof(*it));
	return it;
}

struct live_instance *live_add_instance(struct live_state *s)
{
	ALLOC_GROW(s->instances, s->instances_nr + 1, s->instances_alloc);
	struct live_instance *in = &s->instances[s->instances_nr++];
	memset(in, 0, sizeof(*in));
	return in;
}

struct live_customer_var *live_add_customer_var(struct live_state *s)
{
	ALLOC_GROW(s->customer_vars, s->customer_vars_nr + 1, s->customer_vars_alloc);
	struct live_customer_var *v = &s->customer_vars[s->customer_vars_nr++];
	memset(v, 0, sizeof(*v));
	return v;
}

/* An instance's identity as one key: its customer's id and its name (str_pair_key()). */
static const char *identity_key(struct arena *a, const char *customer_id, const char *name)
{
	return str_pair_key_into(arena_alloc(a, str_pair_key_size(customer_id, name)), customer_id,
	                         name);
}

void live_state_index(struct live_state *s)
{
	size_t versions = 0;
	index_free(s->index);
	struct live_index *ix = xcalloc(1, sizeof(*ix));
	arena_init(&ix->keys);
	for (size_t i = 0; i < s->integrations_nr; i++)
		versions += s->integrations[i].versions_nr;
	strmap_init_size(&ix->customer_id, s->customers_nr);
	strmap_init_size(&ix->customer_ext, s->customers_nr);
	strmap_init_size(&ix->integration_id, s->integrations_nr);
	strmap_init_size(&ix->integration_name, s->integrations_nr);
	strmap_init_size(&ix->instance_identity, s->instances_nr);
	strmap_init_size(&ix->version_id, versions);

	for (size_t i = 0; i < s->customers_nr; i++) {
		const struct live_customer *c = &s->customers[i];
		strmap_add(&ix->customer_id, c->id, (void *)c);
		if (c->external_id && !strmap_add(&ix->customer_ext, c->external_id, (void *)c))
			ix->shared_identities = true;
	}
	for (size_t i = 0; i < s->integrations_nr; i++) {
		const struct live_integration *it = &s->integrations[i];
		strmap_add(&ix->integration_id, it->id, (void *)it);
		if (it->name && !strmap_add(&ix->integration_name, it->name, (void *)it))
			ix->shared_identities = true;
		for (size_t v = 0; v < it->versions_nr; v++)
			strmap_add(&ix->version_id, it->versions[v].id, (void *)it);
	}
	for (size_t i = 0; i < s->instances_nr; i++) {
		struct live_instance *in = &s->instances[i];
		if (in->customer_id && in->name &&
		    !strmap_add(&ix->instance_identity,
		                identity_key(&ix->keys, in->customer_id, in->name), in))
			ix->shared_identities = true;
		const struct live_integration *it = strmap_get(&ix->version_id, in->version_id);
		in->integration_id = it ? it->id : NULL;
	}
	s->index = ix;
}

bool live_shares_identities(const struct live_state *s)
{
	return !s->index || s->index->shared_identities;
}

const struct live_customer *live_customer_by_id(const struct live_state *s, const char *id)
{
	return s->index ? strmap_get(&s->index->customer_id, id) : NULL;
}

const struct live_customer *live_customer_by_external_id(const struct live_state *s,
                                                         const char *external_id)
{
	return s->index ? strmap_get(&s->index->customer_ext, external_id) : NULL;
}

const struct live_integration *live_integration_by_id(const struct live_state *s, const char *id)
{
	return s->index ? strmap_get(&s->index->integration_id, id) : NULL;
}

const struct live_integration *live_integration_by_name(const struct live_state *s,
                                                        const char *name)
{
	return s->index ? strmap_get(&s->index->integration_name, name) : NULL;
}

const struct live_instance *live_instance_by_id(const struct live_state *s, const char *id)
{
	struct live_index *ix = s->index;
	if (!ix)
		return NULL;
	if (!ix->instance_id_built) {
		strmap_init_size(&ix->instance_id, s->instances_nr);
		for (size_t i = 0; i < s->instances_nr; i++)
			strmap_add(&ix->instance_id, s->instances[i].id, &s->instances[i]);
		ix->instance_id_built = true;
	}
	return strmap_get(&ix->instance_id, id);
}

const struct live_instance *live_instance_by_identity(const struct live_state *s,
                                                      const char *customer_id, const char *name)
{
	if (!s->index || !customer_id || !name)
		return NULL;
	/* The key on the stack when it fits: a plan looks up every instance this way. */
	char small[256];
	size_t size = str_pair_key_size(customer_id, name);
	char *key = size <= sizeof(small) ? small : xmalloc(size);
	const struct live_instance *in =
	    strmap_get(&s->index->instance_identity, str_pair_key_into(key, customer_id, name));
	if (key != small)
		free(key);
	return in;
}

bool live_draft_is_latest(const struct live_integration *it)
{
	return it->latest && !it->has_unpublished_changes &&
	       it->latest->number + 1 == it->draft_version_number;
}

const struct live_version *live_version_by_number(const struct live_integration *it, int number)
{
	/* versions are ascending: binary search */
	size_t lo = 0, hi = it->versions_nr;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (it->versions[mid].number == number)
			return &it->versions[mid];
		if (it->versions[mid].number < number)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const struct live_version *live_version_by_id(const struct live_state *s, const char *version_id,
                                              const struct live_integration **out_integration)
{
	const struct live_integration *it =
	    s->index ? strmap_get(&s->index->version_id, version_id) : NULL;
	if (!it)
		return NULL;
	for (size_t v = 0; v < it->versions_nr; v++) {
		if (!strcmp(it->versions[v].id, version_id)) {
			if (out_integration)
				*out_integration = it;
			return &it->versions[v];
		}
	}
	return NULL;
}

const char *live_instance_config(const struct live_instance *in, const char *key, bool *found)
{
	for (size_t i = 0; i < in->config_nr; i++) {
		if (!strcmp(in->config[i].key, key)) {
			if (found)
				*found = true;
			return in->config[i].value;
		}
	}
	if (found)
		*found = false;
	return NULL;
}

const struct live_config_var *live_instance_config_var(const struct live_instance *in,
                                                       const char *key)
{
	for (size_t i = 0; i < in->config_nr; i++)
		if (!strcmp(in->config[i].key, key))
			return &in->config[i];
	return NULL;
}

const struct live_config_input *live_config_input(const struct live_config_var *cv,
                                                  const char *name)
{
	for (size_t i = 0; cv && i < cv->inputs_nr; i++)
		if (!strcmp(cv->inputs[i].name, name))
			return &cv->inputs[i];
	return NULL;
}

const struct live_customer_var *live_customer_var(const struct live_state *s,
                                                  const char *customer_id, const char *key)
{
	for (size_t i = 0; customer_id && key && i < s->customer_vars_nr; i++) {
		const struct live_customer_var *v = &s->customer_vars[i];
		if (v->key && v->customer_id && !strcmp(v->key, key) &&
		    !strcmp(v->customer_id, customer_id))
			return v;
	}
	return NULL;
}
