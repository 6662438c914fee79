#include "lookup.h"

#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "call.h"
#include "documents.h"
#include "fetch.h"
#include "gql.h"
#include "../util/xalloc.h"
#include "../util/banned.h"

/* One lookup in flight; freed after its done callback. */
struct lookup {
	struct api_call call;
	struct live_state *s;
	const char *op; /* by id: the root field; NULL for a search */
	enum fetch_kind kind;
	api_lookup_done_fn done;
	void *ctx;
};

static int decode_by_id(bool *found, struct lookup *l, const struct jval *data, struct error *err)
{
	const struct jval *node = NULL;
	int rc = 0;
	if (jval_is((node = jval_get(data, l->op)), JOBJECT)) {
		rc = fetch_decode_node(l->s, l->kind, node, 0, err);
		*found = rc == 0;
	}
	return rc;
}

/*
 * A search by identity: found when there is one object. Two objects with one
 * identity are an error naming both, never a silent pick of either.
 */
static int decode_search(bool *found, struct lookup *l, const struct jval *data, struct error *err)
{
	static const char *const kinds[] = {"customers", "integrations", "instances"};
	long total;
	size_t nodes = 0;
	int rc = fetch_decode_page(l->s, l->kind, data, &total, &nodes, err);
	if (!rc && nodes > 1)
		return error_set(
		    err, ERR_API,
		    "two %s have this identity (ids %s and %s): prismsync does not pick "
		    "one; delete or rename one of them in Prismatic, then run again",
		    kinds[l->kind], fetch_record_id(l->s, l->kind, 0),
		    fetch_record_id(l->s, l->kind, 1));
	*found = rc == 0 && nodes > 0;
	return rc;
}

static void lookup_done(struct api_call *call, int rc, const struct jval *data,
                        struct error *call_err)
{
	struct lookup *l = call->userdata;
	struct error err = ERROR_INIT;
	bool found = false;

	if (rc == ERR_NOTFOUND && l->op) {
		rc = 0; /* a missing object is an answer, not an error */
	} else if (rc) {
		error_set(&err, rc, "%s", call_err->message ? call_err->message : "failed");
	} else {
		rc = l->op ? decode_by_id(&found, l, data, &err)
		           : decode_search(&found, l, data, &err);
	}
	l->done(l->ctx, rc, found, &err);
	error_release(&err);
	api_call_release(&l->call);
	free(l);
}

/* Starts doc with vars (consumed); op names the root field of a read by id. */
static void lookup_start(struct live_state *s, struct api_client *c, const char *doc,
                         const char *op, enum fetch_kind kind, struct json_object *vars,
                         api_lookup_done_fn done, void *ctx)
{
	struct lookup *l = xcalloc(1, sizeof(*l));
	l->s = s;
	l->op = op;
	l->kind = kind;
	l->done = done;
	l->ctx = ctx;
	api_call_init(&l->call, c, doc, vars, lookup_done, l);
	json_object_put(vars);
	api_call_start(&l->call);
}

static struct json_object *one_var(const char *name, const char *value)
{
	struct json_object *vars = json_object_new_object();
	json_object_object_add(vars, name, json_object_new_string(value));
	return vars;
}

void api_read_customer_start(struct live_state *s, struct api_client *c, const char *id,
                             api_lookup_done_fn done, void *ctx)
{
	lookup_start(s, c, api_doc(API_DOC_CUSTOMER_BY_ID), "customer", FETCH_CUSTOMERS,
	             one_var("id", id), done, ctx);
}

void api_read_integration_start(struct live_state *s, struct api_client *c, const char *id,
                                api_lookup_done_fn done, void *ctx)
{
	lookup_start(s, c, api_doc(API_DOC_INTEGRATION_BY_ID), "integration", FETCH_INTEGRATIONS,
	             one_var("id", id), done, ctx);
}

void api_read_instance_start(struct live_state *s, struct api_client *c, const char *id,
                             api_lookup_done_fn done, void *ctx)
{
	lookup_start(s, c, api_doc(API_DOC_INSTANCE_BY_ID), "instance", FETCH_INSTANCES,
	             one_var("id", id), done, ctx);
}

void api_find_customer_start(struct live_state *s, struct api_client *c, const char *external_id,
                             api_lookup_done_fn done, void *ctx)
{
	lookup_start(s, c, api_doc(API_DOC_CUSTOMER_BY_IDENTITY), NULL, FETCH_CUSTOMERS,
	             one_var("externalId", external_id), done, ctx);
}

void api_find_integration_start(struct live_state *s, struct api_client *c, const char *name,
                                api_lookup_done_fn done, void *ctx)
{
	lookup_start(s, c, api_doc(API_DOC_INTEGRATION_BY_IDENTITY), NULL, FETCH_INTEGRATIONS,
	             one_var("name", name), done, ctx);
}

void api_find_instance_start(struct live_state *s, struct api_client *c, const char *customer_id,
                             const char *name, api_lookup_done_fn done, void *ctx)
{
	struct json_object *vars = one_var("customer", customer_id);
	json_object_object_add(vars, "name", json_object_new_string(name));
	lookup_start(s, c, api_doc(API_DOC_INSTANCE_BY_IDENTITY), NULL, FETCH_INSTANCES, vars, done,
	             ctx);
}

/* Where a finished lookup leaves its outcome, for the synchronous functions. */
struct waiter {
	bool finished;
	int rc;
	bool *found;
	struct error *err;
};

static void waiter_done(void *ctx, int rc, bool found, struct error *err)
{
	struct waiter *w = ctx;
	w->finished = true;
	w->rc = rc;
	*w->found = found;
	if (rc)
		error_set(w->err, rc, "%s", err->message ? err->message : "failed");
}

static int wait_for(struct api_client *c, struct waiter *w)
{
	int rc = api_client_run(c, w->err);
	if (rc)
		return rc;
	if (!w->finished)
		return error_set(w->err, ERR_GENERIC, "a request did not finish");
	return w->rc;
}

int api_read_customer(struct live_state *s, struct api_client *c, const char *id, bool *found,
                      struct error *err)
{
	struct waiter w = {false, 0, found, err};
	*found = false;
	api_read_customer_start(s, c, id, waiter_done, &w);
	return wait_for(c, &w);
}

int api_read_integration(struct live_state *s, struct api_client *c, const char *id, bool *found,
                         struct error *err)
{
	struct waiter w = {false, 0, found, err};
	*found = false;
	api_read_integration_start(s, c, id, waiter_done, &w);
	return wait_for(c, &w);
}

int api_read_instance(struct live_state *s, struct api_client *c, const char *id, bool *found,
                      struct error *err)
{
	struct waiter w = {false, 0, found, err};
	*found = false;
	api_read_instance_start(s, c, id, waiter_done, &w);
	return wait_for(c, &w);
}

int api_find_customer(struct live_state *s, struct api_client *c, const char *external_id,
                      bool *found, struct error *err)
{
	struct waiter w = {false, 0, found, err};
	*found = false;
	api_find_customer_start(s, c, external_id, waiter_done, &w);
	return wait_for(c, &w);
}

int api_find_integration(struct live_state *s, struct api_client *c, const char *name, bool *found,
                         struct error *err)
{
	struct waiter w = {false, 0, found, err};
	*found = false;
	api_find_integration_start(s, c, name, waiter_done, &w);
	return wait_for(c, &w);
}

int api_find_instance(struct live_state *s, struct api_client *c, const char *customer_id,
                      const char *name, bool *found, struct error *err)
{
	struct waiter w = {false, 0, found, err};
	*found = false;
	api_find_instance_start(s, c, customer_id, name, waiter_done, &w);
	return wait_for(c, &w);
}
