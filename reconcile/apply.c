#include "apply.h"

#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../api/live.h"
#include "../api/lookup.h"
#include "../api/mutations.h"
#include "../util/xalloc.h"
#include "../util/banned.h"

/* A name learned during the run: an address or identity and the id it has. */
struct known {
	char *key;
	char *id;
	int number; /* for published versions */
	struct known *next;
};

struct run {
	const struct plan *p;
	struct api_client *client;
	const struct apply_opts *o;
	struct apply_result *r;
	struct known *ids; /* "customer.<eid>", "integration.<name>", "instance.<eid>/<name>" */
	struct known *versions; /* "<integration name>" -> version published in this run */
};

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void remember(struct known **list, const char *key, const char *id, int number)
{
	struct known *k = xcalloc(1, sizeof(*k));
	k->key = xstrdup(key);
	k->id = xstrdup(id);
	k->number = number;
	k->next = *list;
	*list = k;
}

static const struct known *recall(const struct known *list, const char *key)
{
	for (; list; list = list->next)
		if (!strcmp(list->key, key))
			return list;
	return NULL;
}

static void forget_all(struct known *k)
{
	while (k) {
		struct known *next = k->next;
		free(k->key);
		free(k->id);
		free(k);
		k = next;
	}
}

/* Payload accessors: a missing member or JSON null reads as NULL. */
static const char *pstr(struct json_object *o, const char *key)
{
	struct json_object *v;
	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static bool phas(struct json_object *o, const char *key)
{
	struct json_object *v;
	return json_object_object_get_ex(o, key, &v);
}

static int pint(struct json_object *o, const char *key, int dflt)
{
	struct json_object *v;
	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_int))
		return dflt;
	return json_object_get_int(v);
}

/* Labels from the payload; items borrowed from it, the array is new. */
static struct api_labels plabels(struct json_object *o, const char ***hold)
{
	struct api_labels l = {false, NULL, 0};
	struct json_object *a;
	*hold = NULL;
	if (!json_object_object_get_ex(o, "labels", &a) || !json_object_is_type(a, json_type_array))
		return l;
	size_t n = json_object_array_length(a);
	const char **items = xcalloc(n + 1, sizeof(*items));
	for (size_t i = 0; i < n; i++)
		items[i] = json_object_get_string(json_object_array_get_idx(a, i));
	l.set = true;
	l.items = items;
	l.nr = n;
	*hold = items;
	return l;
}

/* Config values, with ${env:NAME} references resolved now. */
static int pconfig(struct run *run, struct json_object *o, struct api_config_value **out,
                   size_t *nr, struct error *err)
{
	struct json_object *a;
	*out = NULL;
	*nr = 0;
	if (!json_object_object_get_ex(o, "configVariables", &a) ||
	    !json_object_is_type(a, json_type_array))
		return 0;
	size_t n = json_object_array_length(a);
	struct api_config_value *v = xcalloc(n + 1, sizeof(*v));
	for (size_t i = 0; i < n; i++) {
		struct json_object *e = json_object_array_get_idx(a, i);
		v[i].key = pstr(e, "key");
		const char *env = pstr(e, "env");
		if (env) {
			v[i].value = run->o->getenv ? run->o->getenv(env) : getenv(env);
			if (!v[i].value) {
				error_set(
				    err, ERR_INVALID,
				    "environment variable %s (config variable '%s') is not set",
				    env, v[i].key ? v[i].key : "?");
				free(v);
				return ERR_INVALID;
			}
		} else {
			v[i].value = pstr(e, "value");
		}
	}
	*out = v;
	*nr = n;
	return 0;
}

/* The part of an address after "<type>.": the externalId, the name, or "<eid>/<name>". */
static const char *address_key(const struct plan_change *c)
{
	const char *dot = strchr(c->address, '.');
	return dot ? dot + 1 : c->address;
}

/* The id of the object change c acts on: from the plan, or created earlier in this run. */
static const char *object_id(struct run *run, const struct plan_change *c)
{
	if (c->live_id)
		return c->live_id;
	const struct known *k = recall(run->ids, c->address);
	return k ? k->id : NULL;
}

static int need_id(const char *id, const struct plan_change *c, struct error *err)
{
	if (id)
		return 0;
	return error_set(err, ERR_INVALID, "%s: no id known for it (was it created?)", c->address);
}

/* ---- one function per kind of change ---- */

static int customer_change(struct run *run, const struct plan_change *c, struct json_object *pl,
                           struct error *err)
{
	const char **hold;
	struct api_customer_input in = {pstr(pl, "name"), pstr(pl, "externalId"),
	                                pstr(pl, "description"), plabels(pl, &hold)};
	int rc;
	if (c->action == PA_CREATE) {
		char *id = NULL;
		rc = api_customer_create(&id, run->client, &in, err);
		if (rc == ERR_UNKNOWN_OUTCOME) {
			/* Did it happen? Look for the customer before anything else. */
			struct live_state *s = live_state_new();
			bool found = false;
			struct error e2 = ERROR_INIT;
			if (!api_find_customer(s, run->client, address_key(c), &found, &e2) &&
			    found) {
				id = xstrdup(s->customers[0].id);
				error_release(err);
				rc = 0;
			} else if (!e2.code) {
				error_release(err);
				rc = api_customer_create(&id, run->client, &in, err);
			}
			error_release(&e2);
			live_state_free(s);
		}
		if (!rc)
			remember(&run->ids, c->address, id, 0);
		free(id);
	} else {
		const char *id = object_id(run, c);
		if (!(rc = need_id(id, c, err))) {
			rc = api_customer_update(run->client, id, &in, err);
			if (rc == ERR_UNKNOWN_OUTCOME) {
				error_release(err);
				rc = api_customer_update(run->client, id, &in, err);
			}
		}
	}
	free(hold);
	return rc;
}

static int integration_change(struct run *run, const struct plan_change *c, struct json_object *pl,
                              struct error *err)
{
	const char *name = address_key(c);
	const char *id = object_id(run, c);
	int rc;
	switch (c->action) {
	case PA_CREATE: {
		char *new_id = NULL;
		rc =
		    api_integration_import(&new_id, run->client, NULL, pstr(pl, "definition"), err);
		if (rc == ERR_UNKNOWN_OUTCOME) {
			struct live_state *s = live_state_new();
			bool found = false;
			struct error e2 = ERROR_INIT;
			if (!api_find_integration(s, run->client, name, &found, &e2) && found) {
				new_id = xstrdup(s->integrations[0].id);
				error_release(err);
				rc = 0;
			} else if (!e2.code) {
				error_release(err);
				rc = api_integration_import(&new_id, run->client, NULL,
				                            pstr(pl, "definition"), err);
			}
			error_release(&e2);
			live_state_free(s);
		}
		if (!rc)
			remember(&run->ids, c->address, new_id, 0);
		free(new_id);
		return rc;
	}
	case PA_IMPORT:
		if ((rc = need_id(id, c, err)))
			return rc;
		rc = api_integration_import(NULL, run->client, id, pstr(pl, "definition"), err);
		if (rc == ERR_UNKNOWN_OUTCOME) {
			error_release(err);
			rc = api_integration_import(NULL, run->client, id, pstr(pl, "definition"),
			                            err);
		}
		return rc;
	case PA_UPDATE: {
		const char **hold;
		struct api_integration_input in = {NULL, pstr(pl, "description"), NULL,
		                                   plabels(pl, &hold)};
		if (!(rc = need_id(id, c, err))) {
			rc = api_integration_update(run->client, id, &in, err);
			if (rc == ERR_UNKNOWN_OUTCOME) {
				error_release(err);
				rc = api_integration_update(run->client, id, &in, err);
			}
		}
		free(hold);
		return rc;
	}
	case PA_PUBLISH: {
		struct api_version v = {NULL, 0, false}, avail = {NULL, 0, false};
		int expected = pint(pl, "expectedVersion", 0);
		if ((rc = need_id(id, c, err)))
			return rc;
		rc = api_integration_publish(&v, run->client, id, pstr(pl, "comment"),
		                             pstr(pl, "attributes"), err);
		if (rc == ERR_UNKNOWN_OUTCOME) {
			/* A publish must not happen twice: see whether the version exists. */
			struct live_state *s = live_state_new();
			bool found = false;
			struct error e2 = ERROR_INIT;
			if (!api_read_integration(s, run->client, id, &found, &e2) && found) {
				const struct live_integration *g = &s->integrations[0];
				if (expected && g->draft_version_number > expected) {
					v.number = expected;
					error_release(err);
					rc = 0;
				} else {
					error_release(err);
					rc = api_integration_publish(&v, run->client, id,
					                             pstr(pl, "comment"),
					                             pstr(pl, "attributes"), err);
				}
			}
			error_release(&e2);
			live_state_free(s);
		}
		if (!rc)
			rc = api_integration_wait_available(&avail, run->client, id, v.number,
			                                    run->o->publish_timeout_ms, err);
		if (!rc)
			remember(&run->versions, name, avail.id, avail.number);
		api_version_release(&v);
		api_version_release(&avail);
		return rc;
	}
	case PA_DELETE:
		if ((rc = need_id(id, c, err)))
			return rc;
		rc = api_integration_delete(run->client, id, err);
		if (rc == ERR_UNKNOWN_OUTCOME || rc == ERR_NOTFOUND) {
			error_release(err);
			rc = api_integration_delete(run->client, id, err);
			if (rc == ERR_NOTFOUND) {
				error_release(err);
				rc = 0;
			}
		}
		return rc;
	default:
		return error_set(err, ERR_INVALID, "%s: cannot %s an integration", c->address,
		                 plan_action_name(c->action));
	}
}

/* The published version an instance change asks for: named in the payload, or new in this run. */
static int version_for(struct run *run, struct json_object *pl, const char **version_id,
                       struct error *err)
{
	*version_id = NULL;
	if (!phas(pl, "versionId"))
		return 0; /* the version does not change */
	if ((*version_id = pstr(pl, "versionId")))
		return 0;
	const char *integration = pstr(pl, "integration");
	const struct known *k = integration ? recall(run->versions, integration) : NULL;
	if (!k)
		return error_set(err, ERR_INVALID,
		                 "the new version of integration '%s' is not known: it was not "
		                 "published in this run",
		                 integration ? integration : "?");
	*version_id = k->id;
	return 0;
}

static int instance_create(struct run *run, const struct plan_change *c, struct json_object *pl,
                           struct error *err)
{
	const char **hold = NULL;
	struct api_config_value *cfg = NULL;
	size_t ncfg = 0;
	const char *customer_id = pstr(pl, "customerId");
	const char *version_id = NULL;
	char *id = NULL;
	int rc;

	if (!customer_id) {
		char *key =
		    xasprintf("customer.%s", pstr(pl, "customer") ? pstr(pl, "customer") : "");
		const struct known *k = recall(run->ids, key);
		free(key);
		if (!k)
			return error_set(err, ERR_INVALID, "%s: its customer was not created",
			                 c->address);
		customer_id = k->id;
	}
	if ((rc = version_for(run, pl, &version_id, err)) ||
	    (rc = pconfig(run, pl, &cfg, &ncfg, err)))
		return rc;
	struct api_instance_input in = {
	    pstr(pl, "name"),   customer_id, version_id, pstr(pl, "description"),
	    plabels(pl, &hold), cfg,         ncfg};
	rc = api_instance_create(&id, run->client, &in, err);
	if (rc == ERR_UNKNOWN_OUTCOME) {
		struct live_state *s = live_state_new();
		bool found = false;
		struct error e2 = ERROR_INIT;
		if (!api_find_instance(s, run->client, customer_id, in.name, &found, &e2) &&
		    found) {
			id = xstrdup(s->instances[0].id);
			error_release(err);
			rc = 0;
		} else if (!e2.code) {
			error_release(err);
			rc = api_instance_create(&id, run->client, &in, err);
		}
		error_release(&e2);
		live_state_free(s);
	}
	if (!rc)
		remember(&run->ids, c->address, id, 0);
	free(id);
	free(hold);
	free(cfg);
	return rc;
}

/* Sends an idempotent instance mutation, once more when its outcome is unknown. */
#define ONCE_MORE(rc, err, call)                                                                   \
	do {                                                                                       \
		(rc) = (call);                                                                     \
		if ((rc) == ERR_UNKNOWN_OUTCOME) {                                                 \
			error_release(err);                                                        \
			(rc) = (call);                                                             \
		}                                                                                  \
	} while (0)

static int instance_update(struct run *run, const struct plan_change *c, const char *id,
                           struct json_object *pl, struct error *err)
{
	const char **hold = NULL;
	struct api_config_value *cfg = NULL;
	size_t ncfg = 0;
	const char *version_id = NULL;
	int rc;
	if ((rc = version_for(run, pl, &version_id, err)) ||
	    (rc = pconfig(run, pl, &cfg, &ncfg, err)))
		return rc;
	struct api_instance_input in = {
	    NULL, NULL, version_id, pstr(pl, "description"), plabels(pl, &hold), NULL, 0};
	bool meta = version_id || in.description || in.labels.set;
	if (meta)
		ONCE_MORE(rc, err, api_instance_update(run->client, id, &in, err));
	if (!rc && ncfg)
		ONCE_MORE(rc, err, api_instance_set_config(run->client, id, cfg, ncfg, err));
	(void)c;
	free(hold);
	free(cfg);
	return rc;
}

static int instance_change(struct run *run, const struct plan_change *c, struct json_object *pl,
                           struct error *err)
{
	if (c->action == PA_CREATE)
		return instance_create(run, c, pl, err);
	const char *id = object_id(run, c);
	int rc = need_id(id, c, err);
	if (rc)
		return rc;
	switch (c->action) {
	case PA_UPDATE:
		return instance_update(run, c, id, pl, err);
	case PA_DEPLOY:
		ONCE_MORE(rc, err, api_instance_deploy(run->client, id, err));
		return rc;
	case PA_ENABLE:
	case PA_DISABLE:
		ONCE_MORE(rc, err,
		          api_instance_set_enabled(run->client, id, c->action == PA_ENABLE, err));
		return rc;
	case PA_DELETE:
		ONCE_MORE(rc, err, api_instance_delete(run->client, id, err));
		if (rc == ERR_NOTFOUND) {
			error_release(err);
			rc = 0; /* already gone */
		}
		return rc;
	default:
		return error_set(err, ERR_INVALID, "%s: cannot %s an instance", c->address,
		                 plan_action_name(c->action));
	}
}

static int run_change(struct run *run, const struct plan_change *c, struct error *err)
{
	enum json_tokener_error jerr = json_tokener_success;
	struct json_object *pl = json_tokener_parse_verbose(c->payload ? c->payload : "{}", &jerr);
	int rc;
	if (!pl || !json_object_is_type(pl, json_type_object)) {
		json_object_put(pl);
		return error_set(err, ERR_INVALID, "%s: the plan holds no valid payload for it",
		                 c->address);
	}
	switch (c->type) {
	case RES_CUSTOMER:
		rc = customer_change(run, c, pl, err);
		break;
	case RES_INTEGRATION:
		rc = integration_change(run, c, pl, err);
		break;
	default:
		rc = instance_change(run, c, pl, err);
		break;
	}
	json_object_put(pl);
	return rc;
}

static void report(struct run *run, size_t i, double started)
{
	const struct apply_opts *o = run->o;
	struct apply_result *r = run->r;
	if (!o->progress)
		return;
	struct apply_event ev = {&run->p->changes[i], r->status[i],
	                         r->message[i],       r->done + r->failed + r->blocked,
	                         run->p->nr,          now_s() - started};
	o->progress(o->progress_ctx, &ev);
}

int apply_run(struct apply_result *r, const struct plan *p, struct api_client *client,
              const struct apply_opts *o)
{
	struct run run = {p, client, o, r, NULL, NULL};
	memset(r, 0, sizeof(*r));
	r->status = xcalloc(p->nr + 1, sizeof(*r->status));
	r->message = xcalloc(p->nr + 1, sizeof(*r->message));
	r->nr = p->nr;

	for (size_t i = 0; i < p->nr; i++) {
		const struct plan_change *c = &p->changes[i];
		double started = now_s();
		size_t blocker = PLAN_NONE;
		for (size_t d = 0; d < c->deps_nr && blocker == PLAN_NONE; d++)
			if (r->status[c->deps[d]] != CS_DONE)
				blocker = c->deps[d];
		if (blocker != PLAN_NONE) {
			const struct plan_change *b = &p->changes[blocker];
			r->status[i] = CS_BLOCKED;
			r->message[i] = xasprintf("%s %s did not succeed", b->address,
			                          plan_action_name(b->action));
			r->blocked++;
			report(&run, i, started);
			continue;
		}
		struct error err = ERROR_INIT;
		if (run_change(&run, c, &err)) {
			r->status[i] = CS_FAILED;
			r->message[i] = xstrdup(err.message ? err.message : "failed");
			r->failed++;
		} else {
			r->status[i] = CS_DONE;
			r->done++;
		}
		error_release(&err);
		report(&run, i, started);
	}
	forget_all(run.ids);
	forget_all(run.versions);
	return r->failed || r->blocked ? ERR_API : 0;
}

void apply_result_release(struct apply_result *r)
{
	for (size_t i = 0; r->message && i < r->nr; i++)
		free(r->message[i]);
	free(r->message);
	free(r->status);
	memset(r, 0, sizeof(*r));
}
