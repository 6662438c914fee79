/*
 * mutations_async.c - every mutation as an operation in flight: the input
 * builders and the payload checks (the documents are in documents.c). mutations.c runs
 * these to completion for the synchronous API.
 */
#include "mutations_async.h"

#include <json-c/json.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "call.h"
#include "documents.h"
#include "gql.h"
#include "http.h"
#include "../util/xalloc.h"
#include "../util/banned.h"

/* What the answer holds that the caller wants. */
enum mut_kind {
	MUT_CHECK,    /* only that the payload's object is there */
	MUT_ID,       /* the object's id */
	MUT_VERSION,  /* the object as a version (publish) */
	MUT_POLL,     /* a query: is a version available? */
	MUT_DEPLOYED, /* a query: the instance's deploy state */
};

/* One operation in flight; freed after its done callback. */
struct mut {
	struct api_call call;
	enum mut_kind kind;
	const char *op;         /* the root field; a literal */
	const char *object_key; /* the payload member holding the object; a literal */
	char *what;             /* "customer 'acme'", for messages */
	api_mut_done_fn done;
	void *ctx;

	int number; /* MUT_POLL: the version asked for */
};

static void add_string(struct json_object *o, const char *key, const char *value)
{
	if (value)
		json_object_object_add(o, key, json_object_new_string(value));
}

static void add_labels(struct json_object *o, const struct api_labels *l)
{
	if (!l->set)
		return;
	struct json_object *a = json_object_new_array();
	for (size_t i = 0; i < l->nr; i++)
		json_object_array_add(a, json_object_new_string(l->items[i]));
	json_object_object_add(o, "labels", a);
}

/* A connection's inputs as the JSON string `values` takes. */
static struct json_object *config_inputs(const struct api_config_value *v)
{
	struct json_object *a = json_object_new_array();
	for (size_t i = 0; i < v->inputs_nr; i++) {
		struct json_object *e = json_object_new_object();
		json_object_object_add(e, "name", json_object_new_string(v->inputs[i].name));
		json_object_object_add(e, "type", json_object_new_string("value"));
		json_object_object_add(e, "value", json_object_new_string(v->inputs[i].value));
		json_object_array_add(a, e);
	}
	struct json_object *text = json_object_new_string(gql_to_json(a, NULL));
	json_object_put(a);
	return text;
}

static struct json_object *config_list(const struct api_config_value *v, size_t nr)
{
	struct json_object *a = json_object_new_array();
	for (size_t i = 0; i < nr; i++) {
		struct json_object *e = json_object_new_object();
		json_object_object_add(e, "key", json_object_new_string(v[i].key));
		if (v[i].is_connection) {
			json_object_object_add(e, "values", config_inputs(&v[i]));
		} else if (v[i].customer_var_id) {
			json_object_object_add(e, "customerConfigVariableId",
			                       json_object_new_string(v[i].customer_var_id));
		} else {
			json_object_object_add(
			    e, "value", v[i].value ? json_object_new_string(v[i].value) : NULL);
			add_string(e, "scheduleType", v[i].schedule_type);
			add_string(e, "timeZone", v[i].time_zone);
		}
		json_object_array_add(a, e);
	}
	return a;
}

static char *describe(const char *kind, const char *name)
{
	return xasprintf("%s '%s'", kind, name ? name : "?");
}

static int read_version(struct api_version *out, struct json_object *obj, const struct gql_ctx *ctx,
                        struct error *err)
{
	const char *id;
	long long n;
	bool avail;
	int rc;
	if ((rc = gql_get_string(&id, obj, "id", false, ctx, err)) ||
	    (rc = gql_get_int(&n, NULL, obj, "versionNumber", 1, INT_MAX, ctx, err)) ||
	    (rc = gql_get_bool(&avail, obj, "versionIsAvailable", ctx, err)))
		return rc;
	out->id = xstrdup(id);
	out->number = (int)n;
	out->available = avail;
	return 0;
}

static void mut_free(struct mut *m)
{
	api_call_release(&m->call);
	free(m->what);
	free(m);
}

/* Hands the outcome to the caller and ends the operation. */
static void mut_finish(struct mut *m, int rc, const struct api_mut_result *res, struct error *err)
{
	const struct api_mut_result none = {NULL, NULL, NULL};
	m->done(m->ctx, rc, res ? res : &none, err);
	mut_free(m);
}

/* The mutation's answer: both error layers, then what the caller wants from the payload. */
static int decode_mutation(struct api_mut_result *res, struct api_version *v, struct mut *m,
                           struct json_object *data, struct error *err)
{
	const struct gql_ctx ctx = {m->op, m->what, -1};
	struct json_object *payload = NULL, *obj = NULL;
	const char *id;
	int rc;
	if ((rc = gql_check_payload(&payload, data, m->op, m->what, err)) ||
	    (rc = gql_get_object(&obj, payload, m->object_key, false, &ctx, err)))
		return rc;
	if (m->kind == MUT_ID) {
		if ((rc = gql_get_string(&id, obj, "id", false, &ctx, err)))
			return rc;
		res->id = id;
	} else if (m->kind == MUT_VERSION) {
		if ((rc = read_version(v, obj, &ctx, err)))
			return rc;
		res->version = v;
	}
	return 0;
}

/*
 * A poll's answer: 0 with v filled when the version is available, 0 with v
 * empty when it is not yet, or an error.
 */
static int decode_poll(struct api_version *v, struct mut *m, struct json_object *data,
                       struct error *err)
{
	const struct gql_ctx ctx = {"integration", "version", m->number};
	struct json_object *obj = NULL, *seq = NULL, *nodes = NULL;
	int rc;
	if ((rc = gql_get_object(&obj, data, "integration", false, &ctx, err)) ||
	    (rc = gql_get_object(&seq, obj, "versionSequence", false, &ctx, err)) ||
	    (rc = gql_get_array(&nodes, seq, "nodes", false, &ctx, err)))
		return rc;
	if (json_object_array_length(nodes) == 0)
		return 0;
	return read_version(v, json_object_array_get_idx(nodes, 0), &ctx, err);
}

/* A deploy-state read's answer. */
static int decode_deployed(struct api_deploy_state *st, struct mut *m, struct json_object *data,
                           struct error *err)
{
	const struct gql_ctx ctx = {"instance", m->what, -1};
	struct json_object *obj = NULL;
	long long n;
	int rc;
	if ((rc = gql_get_object(&obj, data, "instance", false, &ctx, err)) ||
	    (rc = gql_get_bool(&st->needs_deploy, obj, "needsDeploy", &ctx, err)) ||
	    (rc = gql_get_int(&n, NULL, obj, "deployedVersion", 0, INT_MAX, &ctx, err)))
		return rc;
	st->deployed_version = (int)n;
	return 0;
}

static void mut_call_done(struct api_call *call, int rc, struct json_object *data,
                          struct error *call_err)
{
	struct mut *m = call->userdata;
	struct api_mut_result res = {NULL, NULL, NULL};
	struct api_version v = {NULL, 0, false};
	struct api_deploy_state st = {false, 0};
	struct error err = ERROR_INIT;

	if (rc) {
		mut_finish(m, rc, NULL, call_err);
		return;
	}
	switch (m->kind) {
	case MUT_POLL:
		if ((rc = decode_poll(&v, m, data, &err)) == 0 && v.id)
			res.version = &v;
		break;
	case MUT_DEPLOYED:
		if ((rc = decode_deployed(&st, m, data, &err)) == 0)
			res.deploy = &st;
		break;
	default:
		rc = decode_mutation(&res, &v, m, data, &err);
		break;
	}
	mut_finish(m, rc, &res, &err);
	api_version_release(&v);
	error_release(&err);
}

static struct mut *mut_new(enum mut_kind kind, const char *op, const char *object_key, char *what,
                           api_mut_done_fn done, void *ctx)
{
	struct mut *m = xcalloc(1, sizeof(*m));
	m->kind = kind;
	m->op = op;
	m->object_key = object_key;
	m->what = what;
	m->done = done;
	m->ctx = ctx;
	return m;
}

/* Sends mutation doc with {"input": input} (input is consumed). what is taken over. */
static void mutate_start(struct api_client *c, enum mut_kind kind, const char *doc, const char *op,
                         struct json_object *input, const char *object_key, char *what,
                         api_mut_done_fn done, void *ctx)
{
	struct mut *m = mut_new(kind, op, object_key, what, done, ctx);
	struct json_object *vars = json_object_new_object();
	json_object_object_add(vars, "input", input);
	api_call_init(&m->call, c, doc, vars, mut_call_done, m);
	json_object_put(vars);
	api_call_start(&m->call);
}

void api_customer_create_start(struct api_client *c, const struct api_customer_input *in,
                               api_mut_done_fn done, void *ctx)
{
	struct json_object *input = json_object_new_object();
	add_string(input, "name", in->name);
	add_string(input, "externalId", in->external_id);
	add_string(input, "description", in->description);
	add_labels(input, &in->labels);
	mutate_start(c, MUT_ID, api_doc(API_DOC_CREATE_CUSTOMER), "createCustomer", input,
	             "customer", describe("customer", in->external_id ? in->external_id : in->name),
	             done, ctx);
}

void api_customer_update_start(struct api_client *c, const char *id,
                               const struct api_customer_input *in, api_mut_done_fn done, void *ctx)
{
	struct json_object *input = json_object_new_object();
	add_string(input, "id", id);
	add_string(input, "name", in->name);
	add_string(input, "externalId", in->external_id);
	add_string(input, "description", in->description);
	add_labels(input, &in->labels);
	mutate_start(c, MUT_CHECK, api_doc(API_DOC_UPDATE_CUSTOMER), "updateCustomer", input,
	             "customer", describe("customer", in->external_id ? in->external_id : id), done,
	             ctx);
}

void api_integration_import_start(struct api_client *c, const char *integration_id,
                                  const char *definition, api_mut_done_fn done, void *ctx)
{
	struct json_object *input = json_object_new_object();
	add_string(input, "definition", definition);
	add_string(input, "integrationId", integration_id);
	mutate_start(c, MUT_ID, api_doc(API_DOC_IMPORT_INTEGRATION), "importIntegration", input,
	             "integration",
	             describe("integration", integration_id ? integration_id : "(new)"), done, ctx);
}

void api_integration_update_start(struct api_client *c, const char *id,
                                  const struct api_integration_input *in, api_mut_done_fn done,
                                  void *ctx)
{
	struct json_object *input = json_object_new_object();
	add_string(input, "id", id);
	add_string(input, "name", in->name);
	add_string(input, "description", in->description);
	add_string(input, "category", in->category);
	add_labels(input, &in->labels);
	mutate_start(c, MUT_CHECK, api_doc(API_DOC_UPDATE_INTEGRATION), "updateIntegration", input,
	             "integration", describe("integration", in->name ? in->name : id), done, ctx);
}

void api_integration_publish_start(struct api_client *c, const char *id, const char *comment,
                                   const char *attributes_json, api_mut_done_fn done, void *ctx)
{
	struct json_object *input = json_object_new_object();
	add_string(input, "id", id);
	add_string(input, "comment", comment);
	add_string(input, "attributes", attributes_json);
	mutate_start(c, MUT_VERSION, api_doc(API_DOC_PUBLISH_INTEGRATION), "publishIntegration",
	             input, "integration", describe("integration", id), done, ctx);
}

void api_version_poll_start(struct api_client *c, const char *id, int number, long delay_ms,
                            api_mut_done_fn done, void *ctx)
{
	struct mut *m = mut_new(MUT_POLL, "integration", NULL, NULL, done, ctx);
	struct json_object *vars = json_object_new_object();
	m->number = number;
	json_object_object_add(vars, "id", json_object_new_string(id));
	json_object_object_add(vars, "number", json_object_new_int(number));
	api_call_init(&m->call, c, api_doc(API_DOC_VERSION_AVAILABLE), vars, mut_call_done, m);
	json_object_put(vars);
	api_call_start_delayed(&m->call, delay_ms);
}

void api_integration_delete_start(struct api_client *c, const char *id, api_mut_done_fn done,
                                  void *ctx)
{
	struct json_object *input = json_object_new_object();
	add_string(input, "id", id);
	mutate_start(c, MUT_CHECK, api_doc(API_DOC_DELETE_INTEGRATION), "deleteIntegration", input,
	             "integration", describe("integration", id), done, ctx);
}

void api_instance_create_start(struct api_client *c, const struct api_instance_input *in,
                               api_mut_done_fn done, void *ctx)
{
	struct json_object *input = json_object_new_object();
	add_string(input, "name", in->name);
	add_string(input, "customer", in->customer_id);
	add_string(input, "integration", in->version_id);
	add_string(input, "description", in->description);
	add_labels(input, &in->labels);
	if (in->config_nr)
		json_object_object_add(input, "configVariables",
		                       config_list(in->config, in->config_nr));
	mutate_start(c, MUT_ID, api_doc(API_DOC_CREATE_INSTANCE), "createInstance", input,
	             "instance", describe("instance", in->name), done, ctx);
}

void api_instance_update_start(struct api_client *c, const char *id,
                               const struct api_instance_input *in, api_mut_done_fn done, void *ctx)
{
	struct json_object *input = json_object_new_object();
	add_string(input, "id", id);
	add_string(input, "name", in->name);
	add_string(input, "integration", in->version_id);
	add_string(input, "description", in->description);
	add_labels(input, &in->labels);
	if (in->preserve_deploy_state)
		json_object_object_add(input, "preserveDeployState", json_object_new_boolean(1));
	mutate_start(c, MUT_CHECK, api_doc(API_DOC_UPDATE_INSTANCE), "updateInstance", input,
	             "instance", describe("instance", in->name ? in->name : id), done, ctx);
}

void api_instance_set_config_start(struct api_client *c, const char *id,
                                   const struct api_config_value *values, size_t nr,
                                   api_mut_done_fn done, void *ctx)
{
	struct json_object *input = json_object_new_object();
	add_string(input, "id", id);
	json_object_object_add(input, "configVariables", config_list(values, nr));
	mutate_start(c, MUT_CHECK, api_doc(API_DOC_SET_CONFIG), "updateInstanceConfigVariables",
	             input, "instance", describe("instance", id), done, ctx);
}

void api_instance_deploy_start(struct api_client *c, const char *id, api_mut_done_fn done,
                               void *ctx)
{
	struct json_object *input = json_object_new_object();
	add_string(input, "id", id);
	mutate_start(c, MUT_CHECK, api_doc(API_DOC_DEPLOY_INSTANCE), "deployInstance", input,
	             "instance", describe("instance", id), done, ctx);
}

void api_instance_deploy_state_start(struct api_client *c, const char *id, long delay_ms,
                                     api_mut_done_fn done, void *ctx)
{
	struct mut *m =
	    mut_new(MUT_DEPLOYED, "instance", NULL, describe("instance", id), done, ctx);
	struct json_object *vars = json_object_new_object();
	json_object_object_add(vars, "id", json_object_new_string(id));
	api_call_init(&m->call, c, api_doc(API_DOC_DEPLOY_STATE), vars, mut_call_done, m);
	json_object_put(vars);
	api_call_start_delayed(&m->call, delay_ms);
}

void api_instance_set_enabled_start(struct api_client *c, const char *id, bool enabled,
                                    api_mut_done_fn done, void *ctx)
{
	struct json_object *input = json_object_new_object();
	add_string(input, "id", id);
	json_object_object_add(input, "enabled", json_object_new_boolean(enabled));
	mutate_start(c, MUT_CHECK, api_doc(API_DOC_UPDATE_INSTANCE), "updateInstance", input,
	             "instance", describe("instance", id), done, ctx);
}

void api_instance_delete_start(struct api_client *c, const char *id, api_mut_done_fn done,
                               void *ctx)
{
	struct json_object *input = json_object_new_object();
	add_string(input, "id", id);
	mutate_start(c, MUT_CHECK, api_doc(API_DOC_DELETE_INSTANCE), "deleteInstance", input,
	             "instance", describe("instance", id), done, ctx);
}
