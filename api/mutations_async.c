/*
 * mutations_async.c - every mutation as an operation in flight: the input
 * builders and the payload checks (the documents are in documents.c). mutations.c runs
 * these to completion for the synchronous API.
 */
#include "mutations_async.h"

#include <json-c/json.h>
#include <limits.h>
#include <stdio.h>
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
	struct api_client *client;
	enum api_doc doc;
	struct json_object *vars; /* of the single request; a batch takes its value from here */
	struct mut *next;         /* waiting for its batch */
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

static int read_version(struct api_version *out, const struct jval *obj, const struct gql_ctx *ctx,
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
	json_object_put(m->vars);
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
                           const struct jval *data, struct error *err)
{
	const struct gql_ctx ctx = {m->op, m->what, -1};
	const struct jval *payload = NULL, *obj = NULL;
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
static int decode_poll(struct api_version *v, struct mut *m, const struct jval *data,
                       struct error *err)
{
	const struct gql_ctx ctx = {"integration", "version", m->number};
	const struct jval *obj = NULL, *seq = NULL, *nodes = NULL;
	int rc;
	if ((rc = gql_get_object(&obj, data, "integration", false, &ctx, err)) ||
	    (rc = gql_get_object(&seq, obj, "versionSequence", false, &ctx, err)) ||
	    (rc = gql_get_array(&nodes, seq, "nodes", false, &ctx, err)))
		return rc;
	if (jval_count(nodes) == 0)
		return 0;
	return read_version(v, jval_at(nodes, 0), &ctx, err);
}

/* A deploy-state read's answer. */
static int decode_deployed(struct api_deploy_state *st, struct mut *m, const struct jval *data,
                           struct error *err)
{
	const struct gql_ctx ctx = {"instance", m->what, -1};
	const struct jval *obj = NULL;
	long long n;
	int rc;
	if ((rc = gql_get_object(&obj, data, "instance", false, &ctx, err)) ||
	    (rc = gql_get_bool(&st->needs_deploy, obj, "needsDeploy", &ctx, err)) ||
	    (rc = gql_get_int(&n, NULL, obj, "deployedVersion", 0, INT_MAX, &ctx, err)))
		return rc;
	st->deployed_version = (int)n;
	return 0;
}

/* A successful answer (data holds the operation's root field): what the caller wants from it. */
static void mut_decode_finish(struct mut *m, const struct jval *data)
{
	struct api_mut_result res = {NULL, NULL, NULL};
	struct api_version v = {NULL, 0, false};
	struct api_deploy_state st = {false, 0};
	struct error err = ERROR_INIT;
	int rc;

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

static void mut_call_done(struct api_call *call, int rc, const struct jval *data,
                          struct error *call_err)
{
	struct mut *m = call->userdata;
	struct api_client *c = m->client;

	api_mut_hold(c); /* what the callback starts may go out together */
	if (rc)
		mut_finish(m, rc, NULL, call_err);
	else
		mut_decode_finish(m, data);
	api_mut_release(c);
}

static struct mut *mut_new(struct api_client *c, enum api_doc doc, enum mut_kind kind,
                           const char *op, const char *object_key, char *what, api_mut_done_fn done,
                           void *ctx)
{
	struct mut *m = xcalloc(1, sizeof(*m));
	m->client = c;
	m->doc = doc;
	m->vars = json_object_new_object();
	m->kind = kind;
	m->op = op;
	m->object_key = object_key;
	m->what = what;
	m->done = done;
	m->ctx = ctx;
	return m;
}

/* ---- batches: several operations of one kind in one request ---- */

struct mut_batcher {
	size_t max;   /* operations in one request at most; below 2: one each */
	int holds;    /* api_mut_hold() calls not yet released */
	bool refused; /* the server refused a batch: one operation per request from then on */
	api_notice_fn notice;
	void *notice_ctx;
	struct mut *first[API_DOC_NR], *last[API_DOC_NR]; /* waiting to go out, by kind */
	size_t nr[API_DOC_NR];
};

/* One request carrying several operations; freed after their done callbacks. */
struct mut_batch {
	struct api_call call;
	struct api_client *client;
	size_t nr;
	struct mut *members[]; /* members[k] is the answer's alias mk */
};

static void mut_free(struct mut *m);

/* Operations still waiting (none once every hold is released) are dropped unanswered. */
void mut_batcher_free(struct mut_batcher *b)
{
	if (!b)
		return;
	for (size_t d = 0; d < API_DOC_NR; d++)
		while (b->first[d]) {
			struct mut *m = b->first[d];
			b->first[d] = m->next;
			mut_free(m);
		}
	free(b);
}

static struct mut_batcher *batcher_of(struct api_client *c)
{
	return *api_client_batcher(c);
}

void api_mut_batching(struct api_client *c, size_t max, api_notice_fn notice, void *ctx)
{
	struct mut_batcher **slot = api_client_batcher(c);
	if (!*slot)
		*slot = xcalloc(1, sizeof(**slot));
	(*slot)->max = max;
	(*slot)->notice = notice;
	(*slot)->notice_ctx = ctx;
}

static void send_single(struct mut *m, long delay_ms)
{
	api_call_init(&m->call, m->client, api_doc(m->doc), m->vars, mut_call_done, m);
	api_call_start_delayed(&m->call, delay_ms);
}

static void batch_done(struct api_call *call, int rc, const struct jval *root,
                       struct error *call_err);

/* Sends the first (up to max) operations of kind doc that wait, in one request. */
static void send_batch(struct mut_batcher *b, enum api_doc doc)
{
	size_t n = b->nr[doc] < b->max ? b->nr[doc] : b->max;
	struct mut *m = b->first[doc];
	struct mut_batch *bt;
	struct json_object *vars;
	char *text;

	if (n == 1) {
		b->first[doc] = m->next;
		b->nr[doc]--;
		m->next = NULL;
		send_single(m, 0);
		return;
	}
	bt = xcalloc(1, sizeof(*bt) + n * sizeof(bt->members[0]));
	bt->client = m->client;
	bt->nr = n;
	vars = json_object_new_object();
	for (size_t k = 0; k < n; k++, m = m->next) {
		bt->members[k] = m;
		json_object_object_foreach(m->vars, name, value)
		{
			char *renamed = xasprintf("%s%zu", name, k);
			json_object_object_add(vars, renamed, json_object_get(value));
			free(renamed);
		}
	}
	b->first[doc] = m;
	b->nr[doc] -= n;
	for (size_t k = 0; k < n; k++)
		bt->members[k]->next = NULL;
	text = api_doc_batch(doc, n);
	api_call_init(&bt->call, bt->client, text, vars, batch_done, bt);
	bt->call.keep_errors = true;
	snprintf(bt->call.op, sizeof(bt->call.op), "%s (%zu in one request)", bt->members[0]->op,
	         n);
	free(text);
	json_object_put(vars);
	api_call_start(&bt->call);
}

static void flush(struct mut_batcher *b)
{
	for (size_t d = 0; d < API_DOC_NR; d++)
		while (b->first[d])
			send_batch(b, (enum api_doc)d);
}

void api_mut_hold(struct api_client *c)
{
	struct mut_batcher *b = batcher_of(c);
	if (b)
		b->holds++;
}

void api_mut_release(struct api_client *c)
{
	struct mut_batcher *b = batcher_of(c);
	if (b && b->holds > 0 && --b->holds == 0)
		flush(b);
}

/* Sends m now, or queues it to go out with others of its kind. */
static void mut_submit(struct mut *m)
{
	struct mut_batcher *b = batcher_of(m->client);
	enum api_doc d = m->doc;
	if (!b || b->max < 2 || b->refused || !api_doc_batchable(d)) {
		send_single(m, 0);
		return;
	}
	if (b->first[d])
		b->last[d]->next = m;
	else
		b->first[d] = m;
	b->last[d] = m;
	b->nr[d]++;
	if (b->nr[d] >= b->max)
		send_batch(b, d);
	else if (!b->holds)
		flush(b);
}

/*
 * The server refused the batch as a whole (nothing ran): every operation
 * goes out alone, now and for the rest of the run, and the caller hears of
 * it once.
 */
static void batch_refused(struct mut_batcher *b, struct mut_batch *bt, const struct jval *root)
{
	if (!b->refused && b->notice) {
		struct error why = ERROR_INIT;
		gql_batch_error(root, "", bt->members[0]->op, &why);
		char *msg = xasprintf("the server refused %zu changes in one request (%s); sending "
		                      "one change per request from now on",
		                      bt->nr, why.message ? why.message : "no reason given");
		b->notice(b->notice_ctx, msg);
		free(msg);
		error_release(&why);
	}
	b->refused = true;
	for (size_t k = 0; k < bt->nr; k++)
		send_single(bt->members[k], 0);
}

/*
 * One operation's part of a batch answer: the top-level errors whose path
 * names its alias (or that name none), else its field of data, decoded as
 * a single answer would be. An answer without data after the document ran
 * tells nothing about any mutation of it: each outcome is unknown.
 */
static void batch_member_done(struct mut *m, const struct jval *root, size_t k)
{
	const struct jval *data = jval_get(root, "data"), *field;
	struct error err = ERROR_INIT;
	char alias[32];
	int rc;

	snprintf(alias, sizeof(alias), "m%zu", k);
	if (!jval_is(data, JOBJECT)) {
		struct error why = ERROR_INIT;
		gql_batch_error(root, alias, m->op, &why);
		if (m->kind < MUT_POLL)
			rc = error_set(
			    &err, ERR_UNKNOWN_OUTCOME,
			    "%s %s: the answer holds no data (%s); the change may or may "
			    "not have been made",
			    m->op, m->what ? m->what : "", why.message ? why.message : "");
		else
			rc = error_set(&err, ERR_API, "%s", why.message ? why.message : "no data");
		error_release(&why);
		mut_finish(m, rc, NULL, &err);
	} else if ((rc = gql_batch_error(root, alias, m->op, &err))) {
		mut_finish(m, rc, NULL, &err);
	} else {
		/* {op: the alias's field}, as a single request would have it */
		field = jval_get(data, alias);
		struct jmember member = {m->op, (uint32_t)strlen(m->op), {.type = JNULL}};
		if (field)
			member.val = *field;
		const struct jval one = {.type = JOBJECT, .len = 1, .u.members = &member};
		mut_decode_finish(m, &one);
	}
	error_release(&err);
}

static void batch_done(struct api_call *call, int rc, const struct jval *root,
                       struct error *call_err)
{
	struct mut_batch *bt = call->userdata;
	struct api_client *c = bt->client;
	struct mut_batcher *b = batcher_of(c);

	api_mut_hold(c); /* what the callbacks start goes out together */
	if (rc)
		for (size_t k = 0; k < bt->nr; k++)
			mut_finish(bt->members[k], rc, NULL, call_err);
	else if (gql_batch_refused(root))
		batch_refused(b, bt, root);
	else
		for (size_t k = 0; k < bt->nr; k++)
			batch_member_done(bt->members[k], root, k);
	api_call_release(&bt->call);
	free(bt);
	api_mut_release(c);
}

/* Sends mutation doc with {"input": input} (input is consumed). what is taken over. */
static void mutate_start(struct api_client *c, enum mut_kind kind, enum api_doc doc, const char *op,
                         struct json_object *input, const char *object_key, char *what,
                         api_mut_done_fn done, void *ctx)
{
	struct mut *m = mut_new(c, doc, kind, op, object_key, what, done, ctx);
	json_object_object_add(m->vars, "input", input);
	mut_submit(m);
}

void api_customer_create_start(struct api_client *c, const struct api_customer_input *in,
                               api_mut_done_fn done, void *ctx)
{
	struct json_object *input = json_object_new_object();
	add_string(input, "name", in->name);
	add_string(input, "externalId", in->external_id);
	add_string(input, "description", in->description);
	add_labels(input, &in->labels);
	mutate_start(c, MUT_ID, API_DOC_CREATE_CUSTOMER, "createCustomer", input, "customer",
	             describe("customer", in->external_id ? in->external_id : in->name), done, ctx);
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
	mutate_start(c, MUT_CHECK, API_DOC_UPDATE_CUSTOMER, "updateCustomer", input, "customer",
	             describe("customer", in->external_id ? in->external_id : id), done, ctx);
}

void api_integration_import_start(struct api_client *c, const char *integration_id,
                                  const char *definition, api_mut_done_fn done, void *ctx)
{
	struct json_object *input = json_object_new_object();
	add_string(input, "definition", definition);
	add_string(input, "integrationId", integration_id);
	mutate_start(c, MUT_ID, API_DOC_IMPORT_INTEGRATION, "importIntegration", input,
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
	mutate_start(c, MUT_CHECK, API_DOC_UPDATE_INTEGRATION, "updateIntegration", input,
	             "integration", describe("integration", in->name ? in->name : id), done, ctx);
}

void api_integration_publish_start(struct api_client *c, const char *id, const char *comment,
                                   const char *attributes_json, api_mut_done_fn done, void *ctx)
{
	struct json_object *input = json_object_new_object();
	add_string(input, "id", id);
	add_string(input, "comment", comment);
	add_string(input, "attributes", attributes_json);
	mutate_start(c, MUT_VERSION, API_DOC_PUBLISH_INTEGRATION, "publishIntegration", input,
	             "integration", describe("integration", id), done, ctx);
}

void api_version_poll_start(struct api_client *c, const char *id, int number, long delay_ms,
                            api_mut_done_fn done, void *ctx)
{
	struct mut *m =
	    mut_new(c, API_DOC_VERSION_AVAILABLE, MUT_POLL, "integration", NULL, NULL, done, ctx);
	m->number = number;
	json_object_object_add(m->vars, "id", json_object_new_string(id));
	json_object_object_add(m->vars, "number", json_object_new_int(number));
	send_single(m, delay_ms);
}

void api_integration_delete_start(struct api_client *c, const char *id, api_mut_done_fn done,
                                  void *ctx)
{
	struct json_object *input = json_object_new_object();
	add_string(input, "id", id);
	mutate_start(c, MUT_CHECK, API_DOC_DELETE_INTEGRATION, "deleteIntegration", input,
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
	mutate_start(c, MUT_ID, API_DOC_CREATE_INSTANCE, "createInstance", input, "instance",
	             describe("instance", in->name), done, ctx);
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
	mutate_start(c, MUT_CHECK, API_DOC_UPDATE_INSTANCE, "updateInstance", input, "instance",
	             describe("instance", in->name ? in->name : id), done, ctx);
}

void api_instance_set_config_start(struct api_client *c, const char *id,
                                   const struct api_config_value *values, size_t nr,
                                   api_mut_done_fn done, void *ctx)
{
	struct json_object *input = json_object_new_object();
	add_string(input, "id", id);
	json_object_object_add(input, "configVariables", config_list(values, nr));
	mutate_start(c, MUT_CHECK, API_DOC_SET_CONFIG, "updateInstanceConfigVariables", input,
	             "instance", describe("instance", id), done, ctx);
}

void api_instance_deploy_start(struct api_client *c, const char *id, api_mut_done_fn done,
                               void *ctx)
{
	struct json_object *input = json_object_new_object();
	add_string(input, "id", id);
	mutate_start(c, MUT_CHECK, API_DOC_DEPLOY_INSTANCE, "deployInstance", input, "instance",
	             describe("instance", id), done, ctx);
}

void api_instance_deploy_state_start(struct api_client *c, const char *id, long delay_ms,
                                     api_mut_done_fn done, void *ctx)
{
	struct mut *m = mut_new(c, API_DOC_DEPLOY_STATE, MUT_DEPLOYED, "instance", NULL,
	                        describe("instance", id), done, ctx);
	json_object_object_add(m->vars, "id", json_object_new_string(id));
	if (delay_ms > 0)
		send_single(m, delay_ms); /* a re-read on a timer goes out alone */
	else
		mut_submit(m);
}

void api_instance_set_enabled_start(struct api_client *c, const char *id, bool enabled,
                                    api_mut_done_fn done, void *ctx)
{
	struct json_object *input = json_object_new_object();
	add_string(input, "id", id);
	json_object_object_add(input, "enabled", json_object_new_boolean(enabled));
	mutate_start(c, MUT_CHECK, API_DOC_UPDATE_INSTANCE, "updateInstance", input, "instance",
	             describe("instance", id), done, ctx);
}

void api_instance_delete_start(struct api_client *c, const char *id, api_mut_done_fn done,
                               void *ctx)
{
	struct json_object *input = json_object_new_object();
	add_string(input, "id", id);
	mutate_start(c, MUT_CHECK, API_DOC_DELETE_INSTANCE, "deleteInstance", input, "instance",
	             describe("instance", id), done, ctx);
}
