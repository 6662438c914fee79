#include "plan_io.h"

#include <json-c/json.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../schema/yaml_tree.h"
#include "../util/strmap.h"
#include "../util/xalloc.h"
#include "../util/banned.h"

/* ---- writing ---- */

static void put_str(struct buf *out, const char *s)
{
	if (!s)
		buf_adds(out, "null");
	else
		json_quote(out, s, strlen(s));
}

static void put_str_list(struct buf *out, const char *const *items, size_t n)
{
	buf_addch(out, '[');
	for (size_t i = 0; i < n; i++) {
		if (i)
			buf_addch(out, ',');
		put_str(out, items[i]);
	}
	buf_addch(out, ']');
}

char *plan_json_str(const char *s)
{
	struct buf b = BUF_INIT;
	put_str(&b, s);
	return buf_detach(&b, NULL);
}

char *plan_json_str_list(const char *const *items, size_t n)
{
	struct buf b = BUF_INIT;
	put_str_list(&b, items, n);
	return buf_detach(&b, NULL);
}

/* Members of an object written one at a time: the comma goes before every member but the first. */
struct members {
	struct buf *out;
	bool any;
};

static void member(struct members *m, const char *key)
{
	buf_addf(m->out, "%s\"%s\":", m->any ? "," : "", key);
	m->any = true;
}

static void member_str(struct members *m, const char *key, const char *s)
{
	member(m, key);
	put_str(m->out, s);
}

/* "key": [...] for one of the plan's lists of names. */
static void member_names(struct members *m, const char *key, char *const *names, size_t n)
{
	member(m, key);
	put_str_list(m->out, (const char *const *)names, n);
}

static void member_labels(struct members *m, const struct plan_labels *l)
{
	member_names(m, "labels", l->items, l->nr);
}

/* "value": TEXT, or "env": NAME for a secret (resolved only when applied). */
static void member_value(struct members *m, const struct plan_value *v)
{
	if (v->env)
		member_str(m, "env", v->env);
	else
		member_str(m, "value", v->text);
}

static void put_config_var(struct buf *out, const struct plan_config_var *v)
{
	struct members m = {out, false};
	buf_addch(out, '{');
	member_str(&m, "key", v->key);
	switch (v->kind) {
	case PLAN_CV_VALUE:
		member_value(&m, &v->value);
		break;
	case PLAN_CV_CONNECTION:
		member(&m, "inputs");
		buf_addch(out, '[');
		for (size_t i = 0; i < v->inputs_nr; i++) {
			struct members im = {out, false};
			buf_adds(out, i ? ",{" : "{");
			member_str(&im, "name", v->inputs[i].name);
			member_value(&im, &v->inputs[i].value);
			buf_addch(out, '}');
		}
		buf_addch(out, ']');
		break;
	case PLAN_CV_CUSTOMER_CONNECTION:
		member_str(&m, "customerConnection", v->customer_connection);
		member_str(&m, "customerConfigVariableId", v->customer_var_id);
		break;
	case PLAN_CV_SCHEDULE:
		/* A cron expression is a CUSTOM schedule. */
		member_value(&m, &v->value);
		member_str(&m, "scheduleType", "CUSTOM");
		member_str(&m, "timeZone", v->time_zone);
		break;
	}
	buf_addch(out, '}');
}

/* "integration", "version" and (for instances) "versionId": null for a version of this apply. */
static void members_version(struct members *m, const struct plan_version *v, bool with_id)
{
	member_str(m, "integration", v->integration);
	member(m, "version");
	if (v->is_new)
		buf_adds(m->out, "null");
	else
		buf_addf(m->out, "%d", v->number);
	if (with_id)
		member_str(m, "versionId", v->is_new ? NULL : v->id);
}

static void members_instance(struct members *m, const struct plan_change *c)
{
	const struct plan_instance_in *in = &c->in.instance;
	bool create = c->action == PA_CREATE;
	if (create) {
		member_str(m, "name", in->name);
		member_str(m, "customer", in->customer);
		member_str(m, "integration", in->version.integration);
		member_str(m, "customerId", in->customer_id);
		member(m, "version");
		if (in->version.is_new)
			buf_adds(m->out, "null");
		else
			buf_addf(m->out, "%d", in->version.number);
		member_str(m, "versionId", in->version.is_new ? NULL : in->version.id);
	}
	if (create || in->description)
		member_str(m, "description", in->description);
	if (create || in->labels.set)
		member_labels(m, &in->labels);
	if (!create && in->has_version)
		members_version(m, &in->version, true);
	if (in->has_config) {
		member(m, "configVariables");
		buf_addch(m->out, '[');
		for (size_t i = 0; i < in->config_nr; i++) {
			if (i)
				buf_addch(m->out, ',');
			put_config_var(m->out, &in->config[i]);
		}
		buf_addch(m->out, ']');
	}
	if (in->preserve_deploy_state) {
		member(m, "preserveDeployState");
		buf_adds(m->out, "true");
	}
}

void plan_write_inputs(const struct plan_change *c, struct buf *out)
{
	const struct plan_inputs *in = &c->in;
	struct members m = {out, false};
	buf_addch(out, '{');
	switch (in->kind) {
	case PI_NONE:
		if (c->action == PA_ENABLE || c->action == PA_DISABLE)
			buf_adds(out,
			         c->action == PA_ENABLE ? "\"enabled\":true" : "\"enabled\":false");
		break;
	case PI_CUSTOMER: {
		bool create = c->action == PA_CREATE;
		if (create)
			member_str(&m, "externalId", in->customer.external_id);
		if (create || in->customer.name)
			member_str(&m, "name", in->customer.name);
		if (create || in->customer.description)
			member_str(&m, "description", in->customer.description);
		if (create || in->customer.labels.set)
			member_labels(&m, &in->customer.labels);
		break;
	}
	case PI_DEFINITION:
		member_str(&m, "definition", in->definition);
		break;
	case PI_INTEGRATION:
		if (in->integration.description)
			member_str(&m, "description", in->integration.description);
		if (in->integration.labels.set)
			member_labels(&m, &in->integration.labels);
		break;
	case PI_PUBLISH:
		member(&m, "expectedVersion");
		buf_addf(out, "%d", in->publish.expected_version);
		member_str(&m, "comment", in->publish.comment);
		member_str(&m, "attributes", in->publish.attributes); /* a JSONString */
		if (in->publish.published) {
			member(&m, "published");
			buf_adds(out, "true");
		}
		break;
	case PI_INSTANCE:
		members_instance(&m, c);
		break;
	case PI_DEPLOY:
		members_version(&m, &in->deploy, false);
		break;
	}
	buf_addch(out, '}');
}

char *plan_provenance_json(const struct plan_provenance *pv)
{
	struct buf out = BUF_INIT;
	struct members m = {&out, false};
	buf_addch(&out, '{');
	member_str(&m, "manifest", pv->manifest);
	member_str(&m, "owner", pv->owner);
	if (pv->commit)
		member_str(&m, "commitHash", pv->commit);
	if (pv->repo_url)
		member_str(&m, "repoUrl", pv->repo_url);
	member(&m, "dirty");
	buf_adds(&out, pv->dirty ? "true}" : "false}");
	return buf_detach(&out, NULL);
}

static void write_source(const struct plan *p, struct buf *out)
{
	struct members m = {out, false};
	buf_adds(out, "\"source\":{");
	member_str(&m, "manifest", p->manifest);
	member_str(&m, "owner", p->owner);
	member_str(&m, "commit", p->commit);
	member_str(&m, "repository", p->repo_url);
	buf_addf(out, ",\"dirty\":%s,\"prune\":%s", p->dirty ? "true" : "false",
	         p->prune ? "true" : "false");
	if (p->environment)
		member_str(&m, "environment", p->environment);
	if (p->organization)
		member_str(&m, "organization", p->organization);
	if (p->limited) {
		member_names(&m, "limited_to", p->limited_to, p->limited_to_nr);
		member_names(&m, "limited_also", p->limited_also, p->limited_also_nr);
	}
	buf_addch(out, '}');
}

static void write_fields(const struct plan_change *c, struct buf *out)
{
	buf_addch(out, '{');
	for (size_t f = 0; f < c->fields_nr; f++) {
		const struct plan_field *fl = &c->fields[f];
		if (f)
			buf_addch(out, ',');
		put_str(out, fl->name);
		if (fl->sensitive) {
			buf_adds(out, ":{\"before\":");
			buf_adds(out, fl->before ? "\"" PLAN_SENSITIVE "\"" : "null");
			buf_adds(out, ",\"after\":");
			buf_adds(out, fl->after ? "\"" PLAN_SENSITIVE "\"" : "null");
			buf_adds(out, ",\"sensitive\":true}");
		} else {
			buf_adds(out, ":{\"before\":");
			buf_adds(out, fl->before ? fl->before : "null");
			buf_adds(out, ",\"after\":");
			buf_adds(out, fl->after ? fl->after : "null");
			buf_adds(out, "}");
		}
	}
	buf_addch(out, '}');
}

static void write_change(const struct plan *p, const struct plan_change *c, bool with_inputs,
                         struct buf *out)
{
	struct members m = {out, false};
	char *id = plan_change_id(c);
	buf_addch(out, '{');
	member_str(&m, "id", id);
	free(id);
	member_str(&m, "address", c->address);
	buf_addf(out, ",\"type\":\"%s\",\"action\":\"%s\",\"fields\":", res_type_name(c->type),
	         plan_action_name(c->action));
	write_fields(c, out);
	buf_adds(out, ",\"depends_on\":[");
	for (size_t d = 0; d < c->deps_nr; d++) {
		char *dep = plan_change_id(&p->changes[c->deps[d]]);
		if (d)
			buf_addch(out, ',');
		put_str(out, dep);
		free(dep);
	}
	buf_addch(out, ']');
	member_str(&m, "live_id", c->live_id);
	member_str(&m, "fingerprint", c->fingerprint);
	member_str(&m, "note", c->note);
	if (with_inputs) {
		member(&m, "payload");
		plan_write_inputs(c, out);
	}
	buf_addch(out, '}');
}

void plan_write_json(const struct plan *p, const struct plan_json_opts *o, struct buf *out)
{
	struct plan_summary s = plan_summarize(p);
	struct members m = {out, true}; /* after "format_version" */
	buf_addf(out, "{\"format_version\":\"1\",\"kind\":\"%s\",", o->drift ? "drift" : "plan");
	write_source(p, out);
	buf_adds(out, ",\"changes\":[");
	for (size_t i = 0; i < p->nr; i++) {
		if (i)
			buf_addch(out, ',');
		write_change(p, &p->changes[i], o->with_inputs, out);
	}
	buf_addf(out,
	         "],\"summary\":{\"create\":%zu,\"update\":%zu,\"publish\":%zu,\"deploy\":%zu,"
	         "\"delete\":%zu,\"total\":%zu}",
	         s.create, s.update, s.publish, s.deploy, s.delete, p->nr);
	if (o->fingerprint)
		member_str(&m, "fingerprint", o->fingerprint);
	if (p->limited)
		buf_adds(out, ",\"limited\":true");
	if (p->scoped) {
		struct members scope = {out, false};
		member(&m, "scope");
		buf_addch(out, '{');
		member_names(&scope, "targets", p->scope_targets, p->scope_targets_nr);
		member_names(&scope, "select", p->scope_labels, p->scope_labels_nr);
		buf_addch(out, '}');
	}
	if (!p->prune) {
		buf_adds(out, ",\"prunable\":");
		put_str_list(out, (const char *const *)p->prunable, p->prunable_nr);
	}
	if (o->more)
		o->more(p, out);
	buf_adds(out, "}\n");
}

/* ---- reading ---- */

struct reader {
	const char *path;
	struct error *err;
	size_t change;       /* 1-based number of the change being read; 0: none */
	const char *address; /* its address once known */
};

static int bad(struct reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Sets the error, naming the file and the change being read. Returns ERR_INVALID. */
static int bad(struct reader *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = xvasprintf(fmt, ap);
	va_end(ap);
	if (r->address)
		error_set(r->err, ERR_INVALID, "%s: change %zu (%s): %s", r->path, r->change,
		          r->address, msg);
	else if (r->change)
		error_set(r->err, ERR_INVALID, "%s: change %zu: %s", r->path, r->change, msg);
	else
		error_set(r->err, ERR_INVALID, "%s: %s", r->path, msg);
	free(msg);
	return ERR_INVALID;
}

/* Refuses members of o not named in keys (a NULL-terminated list). */
static int known_members(struct reader *r, struct json_object *o, const char *what,
                         const char *const *keys)
{
	json_object_object_foreach(o, key, v)
	{
		size_t i = 0;
		(void)v;
		while (keys[i] && strcmp(keys[i], key))
			i++;
		if (!keys[i])
			return bad(r, "%s has an unknown member '%s'", what, key);
	}
	return 0;
}

static struct json_object *get(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;
	return json_object_object_get_ex(o, key, &v) ? v : NULL;
}

enum presence { OPTIONAL, REQUIRED };

/*
 * *out receives o's string member key (borrowed from o): NULL when absent
 * or null, which is an error when required.
 */
static int get_str(struct reader *r, struct json_object *o, const char *key, enum presence need,
                   const char **out)
{
	struct json_object *v = get(o, key);
	*out = NULL;
	if (!v)
		return need == REQUIRED ? bad(r, "'%s' is missing", key) : 0;
	if (!json_object_is_type(v, json_type_string))
		return bad(r, "'%s' must be a string", key);
	*out = json_object_get_string(v);
	if (strlen(*out) != (size_t)json_object_get_string_len(v))
		return bad(r, "'%s' holds a NUL character", key);
	return 0;
}

/* Like get_str(), into a new string. */
static int dup_str(struct reader *r, struct json_object *o, const char *key, enum presence need,
                   char **out)
{
	const char *s;
	int rc = get_str(r, o, key, need, &s);
	*out = rc ? NULL : plan_strdup(s);
	return rc;
}

/* An integer member from min to INT_MAX; null reads as 0 when allow_null. */
static int get_int(struct reader *r, struct json_object *o, const char *key, int min,
                   bool allow_null, int *out)
{
	struct json_object *v = get(o, key);
	*out = 0;
	if (!v && json_object_object_get_ex(o, key, NULL) && allow_null)
		return 0;
	if (!v || !json_object_is_type(v, json_type_int))
		return bad(r, "'%s' must be a whole number%s", key, allow_null ? " or null" : "");
	int64_t n = json_object_get_int64(v);
	if (n < min || n > INT_MAX)
		return bad(r, "'%s' is out of range", key);
	*out = (int)n;
	return 0;
}

static int get_bool(struct reader *r, struct json_object *o, const char *key, bool *out)
{
	struct json_object *v = get(o, key);
	*out = false;
	if (!v)
		return 0;
	if (!json_object_is_type(v, json_type_boolean))
		return bad(r, "'%s' must be true or false", key);
	*out = json_object_get_boolean(v);
	return 0;
}

static int get_labels(struct reader *r, struct json_object *o, enum presence need,
                      struct plan_labels *l)
{
	struct json_object *a = get(o, "labels");
	if (!a)
		return need == REQUIRED ? bad(r, "'labels' is missing") : 0;
	if (!json_object_is_type(a, json_type_array))
		return bad(r, "'labels' must be a list of strings");
	size_t n = json_object_array_length(a);
	l->set = true;
	l->items = xcalloc(n + 1, sizeof(*l->items));
	for (size_t i = 0; i < n; i++) {
		struct json_object *e = json_object_array_get_idx(a, i);
		if (!json_object_is_type(e, json_type_string))
			return bad(r, "'labels' must be a list of strings");
		l->items[l->nr++] = xstrdup(json_object_get_string(e));
	}
	return 0;
}

/* {"value": TEXT} or {"env": NAME}, exactly one (value may be null). */
static int get_value(struct reader *r, struct json_object *o, struct plan_value *v)
{
	bool has_value = json_object_object_get_ex(o, "value", NULL);
	bool has_env = json_object_object_get_ex(o, "env", NULL);
	if (has_value == has_env)
		return bad(r, "a config value needs either 'value' or 'env'");
	if (has_env)
		return dup_str(r, o, "env", REQUIRED, &v->env);
	return dup_str(r, o, "value", OPTIONAL, &v->text);
}

static int read_config_input(struct reader *r, struct json_object *o, struct plan_config_var *v)
{
	static const char *const keys[] = {"name", "value", "env", NULL};
	struct plan_config_input *in = plan_config_input_add(v);
	int rc;
	if (!json_object_is_type(o, json_type_object))
		return bad(r, "an input of config variable '%s' is not an object", v->key);
	if ((rc = known_members(r, o, "a connection input", keys)) ||
	    (rc = dup_str(r, o, "name", REQUIRED, &in->name)))
		return rc;
	return get_value(r, o, &in->value);
}

static int read_config_var(struct reader *r, struct json_object *o, struct plan_instance_in *in)
{
	static const char *const value_keys[] = {"key", "value", "env", NULL};
	static const char *const connection_keys[] = {"key", "inputs", NULL};
	static const char *const customer_keys[] = {"key", "customerConnection",
	                                            "customerConfigVariableId", NULL};
	static const char *const schedule_keys[] = {"key", "value", "scheduleType", "timeZone",
	                                            NULL};
	struct plan_config_var *v = plan_config_add(in);
	struct json_object *inputs;
	const char *type;
	int rc;

	if (!json_object_is_type(o, json_type_object))
		return bad(r, "'configVariables' must be a list of objects");
	if ((rc = dup_str(r, o, "key", REQUIRED, &v->key)))
		return rc;
	if ((inputs = get(o, "inputs"))) {
		v->kind = PLAN_CV_CONNECTION;
		if ((rc = known_members(r, o, "a connection", connection_keys)))
			return rc;
		if (!json_object_is_type(inputs, json_type_array))
			return bad(r, "'inputs' of config variable '%s' must be a list", v->key);
		for (size_t i = 0; i < json_object_array_length(inputs); i++)
			if ((rc = read_config_input(r, json_object_array_get_idx(inputs, i), v)))
				return rc;
		return 0;
	}
	if (json_object_object_get_ex(o, "customerConnection", NULL)) {
		v->kind = PLAN_CV_CUSTOMER_CONNECTION;
		if ((rc = known_members(r, o, "a customer connection", customer_keys)) ||
		    (rc = dup_str(r, o, "customerConnection", REQUIRED, &v->customer_connection)))
			return rc;
		return dup_str(r, o, "customerConfigVariableId", OPTIONAL, &v->customer_var_id);
	}
	if (json_object_object_get_ex(o, "scheduleType", NULL)) {
		v->kind = PLAN_CV_SCHEDULE;
		if ((rc = known_members(r, o, "a schedule", schedule_keys)) ||
		    (rc = get_str(r, o, "scheduleType", REQUIRED, &type)) ||
		    (rc = dup_str(r, o, "timeZone", OPTIONAL, &v->time_zone)) ||
		    (rc = dup_str(r, o, "value", REQUIRED, &v->value.text)))
			return rc;
		if (strcmp(type, "CUSTOM"))
			return bad(r, "schedule '%s' has scheduleType '%s', not CUSTOM", v->key,
			           type);
		return 0;
	}
	v->kind = PLAN_CV_VALUE;
	if ((rc = known_members(r, o, "a config variable", value_keys)))
		return rc;
	return get_value(r, o, &v->value);
}

/* "integration", "version" (a number, or null for the version this apply publishes), "versionId".
 */
static int read_version(struct reader *r, struct json_object *o, bool with_id,
                        struct plan_version *v)
{
	int rc;
	if ((rc = dup_str(r, o, "integration", REQUIRED, &v->integration)) ||
	    (rc = get_int(r, o, "version", 1, true, &v->number)))
		return rc;
	v->is_new = !v->number;
	if (!with_id)
		return 0;
	if ((rc = dup_str(r, o, "versionId", OPTIONAL, &v->id)))
		return rc;
	if (v->is_new != !v->id)
		return bad(r, "'version' and 'versionId' must both be set, or both null");
	return 0;
}

static int read_instance(struct reader *r, struct json_object *o, struct plan_change *c)
{
	static const char *const create_keys[] = {
	    "name",      "customer",    "integration", "customerId",      "version",
	    "versionId", "description", "labels",      "configVariables", NULL};
	static const char *const update_keys[] = {
	    "description", "labels",          "integration",         "version",
	    "versionId",   "configVariables", "preserveDeployState", NULL};
	struct plan_instance_in *in = &c->in.instance;
	bool create = c->action == PA_CREATE;
	struct json_object *config;
	int rc;

	if ((rc = known_members(r, o, "the payload", create ? create_keys : update_keys)) ||
	    (rc = dup_str(r, o, "description", OPTIONAL, &in->description)) ||
	    (rc = get_labels(r, o, create ? REQUIRED : OPTIONAL, &in->labels)) ||
	    (rc = get_bool(r, o, "preserveDeployState", &in->preserve_deploy_state)))
		return rc;
	if (create) {
		if ((rc = dup_str(r, o, "name", REQUIRED, &in->name)) ||
		    (rc = dup_str(r, o, "customer", REQUIRED, &in->customer)) ||
		    (rc = dup_str(r, o, "customerId", OPTIONAL, &in->customer_id)))
			return rc;
		/* The address is the instance's identity: the inputs must create that one. */
		size_t nc = strlen(in->customer);
		const char *key = c->address + strlen("instance.");
		if (strncmp(key, in->customer, nc) || key[nc] != '/' ||
		    strcmp(key + nc + 1, in->name))
			return bad(r,
			           "the payload creates instance '%s' of customer '%s', not the "
			           "one its address names",
			           in->name, in->customer);
	}
	in->has_version = create || json_object_object_get_ex(o, "versionId", NULL) ||
	                  json_object_object_get_ex(o, "version", NULL) ||
	                  json_object_object_get_ex(o, "integration", NULL);
	if (in->has_version && (rc = read_version(r, o, true, &in->version)))
		return rc;
	if ((config = get(o, "configVariables"))) {
		if (!json_object_is_type(config, json_type_array))
			return bad(r, "'configVariables' must be a list");
		in->has_config = true;
		for (size_t i = 0; i < json_object_array_length(config); i++)
			if ((rc = read_config_var(r, json_object_array_get_idx(config, i), in)))
				return rc;
	} else if (create) {
		return bad(r, "'configVariables' is missing");
	}
	return 0;
}

static int read_customer(struct reader *r, struct json_object *o, struct plan_change *c)
{
	static const char *const keys[] = {"externalId", "name", "description", "labels", NULL};
	struct plan_customer_in *in = &c->in.customer;
	bool create = c->action == PA_CREATE;
	int rc;
	if ((rc = known_members(r, o, "the payload", keys + (create ? 0 : 1))) ||
	    (rc = dup_str(r, o, "externalId", create ? REQUIRED : OPTIONAL, &in->external_id)) ||
	    (rc = dup_str(r, o, "name", create ? REQUIRED : OPTIONAL, &in->name)) ||
	    (rc = dup_str(r, o, "description", OPTIONAL, &in->description)) ||
	    (rc = get_labels(r, o, create ? REQUIRED : OPTIONAL, &in->labels)))
		return rc;
	if (create && strcmp(in->external_id, c->address + strlen("customer.")))
		return bad(r, "the payload creates customer '%s', not the one its address names",
		           in->external_id);
	return 0;
}

/* The inputs of change c from its "payload" object, as its kind calls for. */
static int read_inputs(struct reader *r, struct json_object *o, struct plan_change *c)
{
	static const char *const definition_keys[] = {"definition", NULL};
	static const char *const integration_keys[] = {"description", "labels", NULL};
	static const char *const publish_keys[] = {"expectedVersion", "comment", "attributes",
	                                           "published", NULL};
	static const char *const deploy_keys[] = {"integration", "version", NULL};
	static const char *const state_keys[] = {"enabled", NULL};
	static const char *const no_keys[] = {NULL};
	struct plan_inputs *in = &c->in;
	int rc;

	if (!o || !json_object_is_type(o, json_type_object))
		return bad(r,
		           "'payload' must be an object; save plans with 'prismsync plan --out'");
	switch (in->kind) {
	case PI_NONE:
		if (c->action == PA_ENABLE || c->action == PA_DISABLE) {
			bool enabled;
			if ((rc = known_members(r, o, "the payload", state_keys)) ||
			    (rc = get_bool(r, o, "enabled", &enabled)))
				return rc;
			if (get(o, "enabled") && enabled != (c->action == PA_ENABLE))
				return bad(r, "the payload says enabled: %s, the action %s",
				           enabled ? "true" : "false", plan_action_name(c->action));
			return 0;
		}
		return known_members(r, o, "the payload", no_keys);
	case PI_CUSTOMER:
		return read_customer(r, o, c);
	case PI_DEFINITION:
		if ((rc = known_members(r, o, "the payload", definition_keys)))
			return rc;
		return dup_str(r, o, "definition", REQUIRED, &in->definition);
	case PI_INTEGRATION:
		if ((rc = known_members(r, o, "the payload", integration_keys)) ||
		    (rc = dup_str(r, o, "description", OPTIONAL, &in->integration.description)))
			return rc;
		return get_labels(r, o, OPTIONAL, &in->integration.labels);
	case PI_PUBLISH:
		if ((rc = known_members(r, o, "the payload", publish_keys)) ||
		    (rc = get_int(r, o, "expectedVersion", 1, false,
		                  &in->publish.expected_version)) ||
		    (rc = dup_str(r, o, "comment", OPTIONAL, &in->publish.comment)) ||
		    (rc = get_bool(r, o, "published", &in->publish.published)))
			return rc;
		return dup_str(r, o, "attributes", OPTIONAL, &in->publish.attributes);
	case PI_INSTANCE:
		return read_instance(r, o, c);
	case PI_DEPLOY:
		if ((rc = known_members(r, o, "the payload", deploy_keys)))
			return rc;
		return read_version(r, o, false, &in->deploy);
	}
	return 0;
}

/* Whether a plan can hold this action on this type of object. */
static bool action_fits(enum res_type type, enum plan_action action)
{
	switch (type) {
	case RES_CUSTOMER:
		return action == PA_CREATE || action == PA_UPDATE;
	case RES_INTEGRATION:
		return action == PA_CREATE || action == PA_UPDATE || action == PA_IMPORT ||
		       action == PA_PUBLISH || action == PA_DELETE;
	case RES_INSTANCE:
		return action == PA_CREATE || action == PA_UPDATE || action == PA_DEPLOY ||
		       action == PA_ENABLE || action == PA_DISABLE || action == PA_DELETE;
	}
	return false;
}

/* Whether address fits type: "<type>.<key>", and for an instance "<externalId>/<name>". */
static bool address_fits(const char *address, enum res_type type)
{
	const char *name = res_type_name(type);
	size_t n = strlen(name);
	if (strncmp(address, name, n) || address[n] != '.' || !address[n + 1])
		return false;
	if (type != RES_INSTANCE)
		return true;
	const char *slash = strchr(address + n + 1, '/');
	return slash && slash > address + n + 1 && slash[1];
}

static int read_field(struct reader *r, struct plan *p, size_t ci, const char *name,
                      struct json_object *f)
{
	static const char *const keys[] = {"before", "after", "sensitive", NULL};
	struct json_object *before = get(f, "before"), *after = get(f, "after");
	bool sensitive;
	int rc;
	if (!json_object_is_type(f, json_type_object))
		return bad(r, "field '%s' is not an object", name);
	if ((rc = known_members(r, f, "a field", keys)) ||
	    (rc = get_bool(r, f, "sensitive", &sensitive)))
		return rc;
	char *b = before ? xstrdup(json_object_to_json_string_ext(
	                       before, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE))
	                 : NULL;
	char *a = after ? xstrdup(json_object_to_json_string_ext(
	                      after, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE))
	                : NULL;
	plan_field(p, ci, name, b, a, sensitive);
	free(b);
	free(a);
	return 0;
}

/* One entry of "changes", appended to p; its dependencies are resolved later. */
static int read_change(struct reader *r, struct plan *p, struct json_object *o)
{
	const char *address, *type_name, *action_name, *id, *s;
	struct json_object *fields, *deps;
	int rc;

	if (!json_object_is_type(o, json_type_object))
		return bad(r, "not an object");
	if ((rc = get_str(r, o, "address", REQUIRED, &address)) ||
	    (rc = get_str(r, o, "type", REQUIRED, &type_name)) ||
	    (rc = get_str(r, o, "action", REQUIRED, &action_name)) ||
	    (rc = get_str(r, o, "id", REQUIRED, &id)))
		return rc;
	r->address = address;
	int type = res_type_parse(type_name), action = plan_action_parse(action_name);
	if (type < 0)
		return bad(r, "unknown type '%s'", type_name);
	if (action < 0)
		return bad(r, "unknown action '%s'", action_name);
	if (!address_fits(address, (enum res_type)type))
		return bad(r, "the address does not name %s (%s)",
		           type == RES_CUSTOMER      ? "a customer"
		           : type == RES_INTEGRATION ? "an integration"
		                                     : "an instance",
		           type == RES_CUSTOMER      ? "customer.EXTERNALID"
		           : type == RES_INTEGRATION ? "integration.NAME"
		                                     : "instance.EXTERNALID/NAME");
	if (!action_fits((enum res_type)type, (enum plan_action)action))
		return bad(r, "%s %s cannot be %s", type == RES_INTEGRATION ? "an" : "a", type_name,
		           plan_action_done((enum plan_action)action));
	size_t ci = plan_add(p, (enum res_type)type, (enum plan_action)action, address);
	struct plan_change *c = &p->changes[ci];
	char *want = plan_change_id(c);
	bool same = !strcmp(want, id);
	free(want);
	if (!same)
		return bad(r, "its id '%s' is not '%s#%s'", id, address, action_name);
	if ((rc = get_str(r, o, "live_id", OPTIONAL, &s)))
		return rc;
	c->live_id = plan_strdup(s);
	if ((rc = get_str(r, o, "fingerprint", OPTIONAL, &s)))
		return rc;
	c->fingerprint = plan_strdup(s);
	if ((rc = get_str(r, o, "note", OPTIONAL, &s)))
		return rc;
	c->note = plan_strdup(s);
	if (action == PA_CREATE && c->live_id)
		return bad(r, "a create cannot name a live object");
	if ((rc = read_inputs(r, get(o, "payload"), c)))
		return rc;
	fields = get(o, "fields");
	if (!fields || !json_object_is_type(fields, json_type_object))
		return bad(r, "'fields' must be an object");
	json_object_object_foreach(fields, name, f)
	{
		if ((rc = read_field(r, p, ci, name, f)))
			return rc;
	}
	deps = get(o, "depends_on");
	if (!deps || !json_object_is_type(deps, json_type_array))
		return bad(r, "'depends_on' must be a list");
	for (size_t d = 0; d < json_object_array_length(deps); d++)
		if (!json_object_is_type(json_object_array_get_idx(deps, d), json_type_string))
			return bad(r, "'depends_on' must be a list of change ids");
	return 0;
}

/* The index of the change whose id is id, or PLAN_NONE: the map holds index + 1. */
static size_t find_id(const struct strmap *ids, const char *id)
{
	uintptr_t v = (uintptr_t)strmap_get(ids, id);
	return v ? (size_t)(v - 1) : PLAN_NONE;
}

/*
 * Refuses a change that appears twice, resolves every dependency to an
 * earlier change, and requires of each change other than a create that it
 * names its live object or comes after the create of that object.
 */
static int link_changes(struct reader *r, struct plan *p, struct json_object *changes)
{
	/* Linear: one hash map from change id to index (an 8,000-change plan reads in well under a
	 * second). */
	char **id = xcalloc(p->nr + 1, sizeof(*id));
	struct strmap ids;
	size_t *listed =
	    xcalloc(p->nr + 1, sizeof(*listed)); /* per change: 1 + the last to list it */
	int rc = 0;
	strmap_init_size(&ids, p->nr);
	for (size_t i = 0; i < p->nr && !rc; i++) {
		id[i] = plan_change_id(&p->changes[i]);
		if (strmap_add(&ids, id[i], (void *)(uintptr_t)(i + 1)))
			continue;
		r->change = i + 1;
		r->address = p->changes[i].address;
		rc = bad(r, "it repeats change %zu: a change appears once in a plan",
		         find_id(&ids, id[i]) + 1);
	}
	for (size_t i = 0; i < p->nr && !rc; i++) {
		struct plan_change *c = &p->changes[i];
		struct json_object *deps = get(json_object_array_get_idx(changes, i), "depends_on");
		r->change = i + 1;
		r->address = c->address;
		size_t n = json_object_array_length(deps);
		c->deps = xcalloc(n + 1, sizeof(*c->deps));
		c->deps_alloc = n + 1;
		for (size_t d = 0; d < n && !rc; d++) {
			const char *dep =
			    json_object_get_string(json_object_array_get_idx(deps, d));
			size_t j = find_id(&ids, dep);
			if (j == PLAN_NONE || j >= i)
				rc = bad(r, "it depends on '%s', which is not an earlier change",
				         dep);
			else if (listed[j] == i + 1)
				rc = bad(r, "it lists '%s' twice in depends_on", dep);
			else
				c->deps[c->deps_nr++] = j;
			if (!rc)
				listed[j] = i + 1;
		}
		if (!rc && !c->live_id && c->action != PA_CREATE) {
			char *create = xasprintf("%s#create", c->address);
			size_t j = find_id(&ids, create);
			free(create);
			if (j == PLAN_NONE || j >= i)
				rc = bad(
				    r, "it names no live object, and the plan does not create one "
				       "before it");
		}
	}
	strmap_release(&ids);
	for (size_t i = 0; i < p->nr; i++)
		free(id[i]);
	free(id);
	free(listed);
	return rc;
}

static int read_source(struct reader *r, struct plan *p, struct json_object *source)
{
	int rc;
	if (!source)
		return 0;
	if (!json_object_is_type(source, json_type_object))
		return bad(r, "'source' must be an object");
	if ((rc = dup_str(r, source, "manifest", OPTIONAL, &p->manifest)) ||
	    (rc = dup_str(r, source, "owner", OPTIONAL, &p->owner)) ||
	    (rc = dup_str(r, source, "commit", OPTIONAL, &p->commit)) ||
	    (rc = dup_str(r, source, "repository", OPTIONAL, &p->repo_url)) ||
	    (rc = dup_str(r, source, "environment", OPTIONAL, &p->environment)) ||
	    (rc = dup_str(r, source, "organization", OPTIONAL, &p->organization)) ||
	    (rc = get_bool(r, source, "dirty", &p->dirty)))
		return rc;
	return get_bool(r, source, "prune", &p->prune);
}

/* Parses the whole of text as one JSON value: nothing but white space may follow it. */
static int parse_json(struct json_object **out, const char *path, const char *text, size_t len,
                      struct error *err)
{
	struct json_tokener *tok = json_tokener_new_ex(64);
	struct json_object *root = NULL;
	int rc = 0;
	*out = NULL;
	if (len > INT_MAX) {
		rc = error_set(err, ERR_TOO_LARGE, "%s: too large for a saved plan", path);
		goto done;
	}
	root = json_tokener_parse_ex(tok, text, (int)len);
	enum json_tokener_error jerr = json_tokener_get_error(tok);
	size_t end = json_tokener_get_parse_end(tok);
	if (!root || jerr != json_tokener_success) {
		if (jerr == json_tokener_continue)
			rc = error_set(err, ERR_PARSE, "%s: not a saved plan: it ends too early",
			               path);
		else
			rc = error_set(err, ERR_PARSE, "%s: not a saved plan: %s at byte %zu", path,
			               json_tokener_error_desc(jerr), end);
		goto done;
	}
	while (end < len && strchr(" \t\r\n", text[end]) && text[end])
		end++;
	if (end < len) {
		rc = error_set(err, ERR_PARSE,
		               "%s: not a saved plan: more data after the plan, at "
		               "byte %zu",
		               path, end);
		goto done;
	}
	*out = root;
	root = NULL;
done:
	json_object_put(root);
	json_tokener_free(tok);
	return rc;
}

int plan_read(struct plan *p, const char *path, const char *text, size_t len, struct error *err)
{
	struct json_object *root = NULL, *changes;
	struct reader r = {path, err, 0, NULL};
	const char *version, *kind;
	struct plan tmp;
	int rc;

	plan_init(&tmp);
	if ((rc = parse_json(&root, path, text, len, err)))
		goto done;
	if (!json_object_is_type(root, json_type_object)) {
		rc = bad(&r, "not a saved plan: not a JSON object");
		goto done;
	}
	if ((rc = get_str(&r, root, "format_version", OPTIONAL, &version)))
		goto done;
	if (!version || strcmp(version, "1")) {
		rc = error_set(err, ERR_INVALID,
		               "%s: format_version %s is not one this prismsync reads (1)", path,
		               version ? version : "(missing)");
		goto done;
	}
	if ((rc = get_str(&r, root, "kind", OPTIONAL, &kind)))
		goto done;
	if (!kind || strcmp(kind, "plan")) {
		rc = error_set(err, ERR_INVALID, "%s: this is a %s report, not a plan", path,
		               kind ? kind : "(unknown)");
		goto done;
	}
	if ((rc = read_source(&r, &tmp, get(root, "source"))))
		goto done;
	changes = get(root, "changes");
	if (!changes || !json_object_is_type(changes, json_type_array)) {
		rc = bad(&r, "'changes' must be a list");
		goto done;
	}
	for (size_t i = 0; i < json_object_array_length(changes) && !rc; i++) {
		r.change = i + 1;
		r.address = NULL;
		rc = read_change(&r, &tmp, json_object_array_get_idx(changes, i));
	}
	if (!rc)
		rc = link_changes(&r, &tmp, changes);
done:
	if (rc) {
		plan_release(&tmp);
	} else {
		plan_release(p);
		*p = tmp;
	}
	json_object_put(root);
	return rc;
}
