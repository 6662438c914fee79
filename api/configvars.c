/*
 * configvars.c - decoding instance config variables of every kind, and
 * reading the organization's customer-level config variables.
 */
#include "configvars.h"

#include <stdlib.h>
#include <string.h>

#include "call.h"
#include "documents.h"
#include "page.h"
#include "../util/xalloc.h"
#include "../util/banned.h"

/* More customer-level variables than this is not an organization, it is an attack. */
#define MAX_CUSTOMER_VARS 100000L
/* A connection with more inputs than one page holds is not one the API makes. */
#define MAX_INPUTS 1000

/* A string member copied into s; nullable members give NULL, or "" when or_empty. */
static int copy(const char **out, struct live_state *s, const struct jval *obj, const char *key,
                bool nullable, bool or_empty, const struct gql_ctx *ctx, struct error *err)
{
	const char *v = NULL;
	int rc = gql_get_string(&v, obj, key, nullable || or_empty, ctx, err);
	if (rc)
		return rc;
	*out = v ? live_strdup(s, v) : or_empty ? "" : NULL;
	return 0;
}

static int decode_input(struct live_config_input *in, struct live_state *s, const struct jval *n,
                        const struct gql_ctx *ctx, struct error *err)
{
	int rc;
	if (!n || !jval_is(n, JOBJECT))
		return error_set(err, ERR_API, "%s: %s %ld: a connection input is not an object",
		                 ctx->op, ctx->kind ? ctx->kind : "node", ctx->index);
	if ((rc = copy(&in->name, s, n, "name", false, false, ctx, err)) ||
	    (rc = copy(&in->type, s, n, "type", true, false, ctx, err)) ||
	    (rc = copy(&in->value, s, n, "value", false, true, ctx, err)) ||
	    (rc = gql_get_bool(&in->has_value, n, "hasValue", ctx, err)))
		return rc;
	in->write_only = in->has_value && !*in->value;
	return 0;
}

static int decode_inputs(struct live_config_var *cv, struct live_state *s, const struct jval *n,
                         const struct gql_ctx *ctx, struct error *err)
{
	const struct jval *conn = NULL, *nodes = NULL;
	int rc;
	if ((rc = gql_get_object(&conn, n, "inputs", true, ctx, err)))
		return rc;
	if (!conn)
		return 0;
	if ((rc = gql_get_array(&nodes, conn, "nodes", false, ctx, err)))
		return rc;
	size_t nr = jval_count(nodes);
	if (nr > MAX_INPUTS)
		return error_set(err, ERR_API, "%s: %s %ld: %zu connection inputs", ctx->op,
		                 ctx->kind ? ctx->kind : "node", ctx->index, nr);
	cv->inputs = arena_alloc_array(&s->arena, nr ? nr : 1, sizeof(*cv->inputs));
	memset(cv->inputs, 0, (nr ? nr : 1) * sizeof(*cv->inputs));
	for (size_t i = 0; i < nr; i++)
		if ((rc = decode_input(&cv->inputs[cv->inputs_nr++], s, jval_at(nodes, i), ctx,
		                       err)))
			return rc;
	return 0;
}

int api_decode_config_var(struct live_config_var *cv, struct live_state *s, const struct jval *n,
                          const struct gql_ctx *ctx, struct error *err)
{
	const struct jval *rcv = NULL, *ccv = NULL;
	int rc;
	memset(cv, 0, sizeof(*cv));
	if (!n || !jval_is(n, JOBJECT))
		return error_set(err, ERR_API, "%s: %s %ld: a config variable is not an object",
		                 ctx->op, ctx->kind ? ctx->kind : "node", ctx->index);
	if ((rc = copy(&cv->value, s, n, "value", true, false, ctx, err)) ||
	    (rc = copy(&cv->status, s, n, "status", true, false, ctx, err)) ||
	    (rc = copy(&cv->schedule_type, s, n, "scheduleType", true, false, ctx, err)) ||
	    (rc = copy(&cv->time_zone, s, n, "timeZone", true, false, ctx, err)) ||
	    (rc = gql_get_object(&ccv, n, "customerConfigVariable", true, ctx, err)) ||
	    (rc = decode_inputs(cv, s, n, ctx, err)) ||
	    (rc = gql_get_object(&rcv, n, "requiredConfigVariable", false, ctx, err)) ||
	    (rc = copy(&cv->key, s, rcv, "key", false, false, ctx, err)) ||
	    (rc = copy(&cv->data_type, s, rcv, "dataType", true, false, ctx, err)))
		return rc;
	if (ccv && ((rc = copy(&cv->customer_var_id, s, ccv, "id", false, false, ctx, err)) ||
	            (rc = copy(&cv->customer_var_key, s, ccv, "key", true, false, ctx, err))))
		return rc;
	return 0;
}

/* ---- customer-level config variables ---- */

static int decode_customer_var(struct live_state *s, const struct jval *n, long index,
                               struct error *err)
{
	const struct gql_ctx ctx = {"customerConfigVariables", "node", index};
	const struct jval *cust = NULL;
	int rc;
	if (!n || !jval_is(n, JOBJECT))
		return error_set(err, ERR_API, "%s: node %ld is not an object", ctx.op, index);
	struct live_customer_var *v = live_add_customer_var(s);
	if ((rc = copy(&v->id, s, n, "id", false, false, &ctx, err)) ||
	    (rc = copy(&v->key, s, n, "key", true, false, &ctx, err)) ||
	    (rc = copy(&v->status, s, n, "status", true, false, &ctx, err)) ||
	    (rc = gql_get_object(&cust, n, "customer", true, &ctx, err)))
		return rc;
	if (!cust)
		return 0; /* an org-level variable: kept for the count, never matched */
	return copy(&v->customer_id, s, cust, "id", false, false, &ctx, err);
}

int api_decode_customer_vars_page(struct live_state *s, const struct jval *data, long *total,
                                  size_t *nodes, struct error *err)
{
	const struct gql_ctx ctx = {"customerConfigVariables", NULL, -1};
	const struct jval *conn = NULL, *arr = NULL;
	long long t;
	int rc;
	if ((rc = gql_get_object(&conn, data, "customerConfigVariables", false, &ctx, err)) ||
	    (rc = gql_get_int(&t, NULL, conn, "totalCount", 0, MAX_CUSTOMER_VARS, &ctx, err)) ||
	    (rc = gql_get_array(&arr, conn, "nodes", false, &ctx, err)))
		return rc;
	size_t n = jval_count(arr);
	if (n > PAGE_SIZE)
		return error_set(err, ERR_API, "%s: %zu nodes in a page of %d", ctx.op, n,
		                 PAGE_SIZE);
	for (size_t i = 0; i < n; i++)
		if ((rc = decode_customer_var(s, jval_at(arr, i), (long)i, err)))
			return rc;
	*total = (long)t;
	*nodes = n;
	return 0;
}

struct cv_page {
	struct api_call call;
	struct live_state *s;
	int *rc;
	struct error *err;
};

static void cv_page_done(struct api_call *call, int rc, const struct jval *data,
                         struct error *call_err)
{
	struct cv_page *p = call->userdata;
	long total;
	size_t n = 0;
	if (*p->rc)
		return;
	if (rc) {
		*p->rc =
		    error_set(p->err, rc, "%s", call_err->message ? call_err->message : "failed");
		return;
	}
	if ((rc = api_decode_customer_vars_page(p->s, data, &total, &n, p->err)))
		*p->rc = rc;
}

static struct json_object *page_vars(long offset)
{
	struct json_object *vars = json_object_new_object();
	json_object_object_add(vars, "first", json_object_new_int(PAGE_SIZE));
	json_object_object_add(vars, "offset", json_object_new_int64(offset));
	return vars;
}

/* Keeps the first variable of each id (pages may overlap when the list moves). */
/* For qsort: by id, then by position, so the first of each id sorts first. */
static int by_id_then_position(const void *a, const void *b)
{
	const struct live_customer_var *const *x = a, *const *y = b;
	int c = strcmp((*x)->id, (*y)->id);
	return c ? c : (*x < *y ? -1 : *x > *y);
}

/* Keeps the first variable of each id, in list order: O(n log n) for any page count. */
static void dedupe_customer_vars(struct live_state *s)
{
	size_t n = s->customer_vars_nr, k = 0;
	if (n < 2)
		return;
	struct live_customer_var **sorted = xcalloc(n, sizeof(*sorted));
	bool *drop = xcalloc(n, sizeof(*drop));
	for (size_t i = 0; i < n; i++)
		sorted[i] = &s->customer_vars[i];
	qsort(sorted, n, sizeof(*sorted), by_id_then_position);
	for (size_t i = 1; i < n; i++)
		if (!strcmp(sorted[i]->id, sorted[i - 1]->id))
			drop[sorted[i] - s->customer_vars] = true;
	for (size_t i = 0; i < n; i++)
		if (!drop[i])
			s->customer_vars[k++] = s->customer_vars[i];
	s->customer_vars_nr = k;
	free(sorted);
	free(drop);
}

int api_fetch_customer_vars(struct live_state *s, struct api_client *c, struct error *err)
{
	struct json_object *vars = page_vars(0);
	struct jdoc *doc = NULL;
	const struct jval *data = NULL;
	struct cv_page *pages = NULL;
	long total = 0, npages = 0;
	size_t n = 0;
	int rc, prc = 0;

	s->customer_vars_nr = 0;
	rc = api_request(&doc, &data, c, api_doc(API_DOC_CUSTOMER_CONFIG_VARS), vars, err);
	json_object_put(vars);
	if (rc || (rc = api_decode_customer_vars_page(s, data, &total, &n, err)))
		goto done;
	npages = page_count(total);
	if (npages > 1) {
		pages = xcalloc((size_t)npages, sizeof(*pages));
		for (long k = 1; k < npages; k++) {
			struct cv_page *p = &pages[k];
			p->s = s;
			p->rc = &prc;
			p->err = err;
			vars = page_vars(k * PAGE_SIZE);
			api_call_init(&p->call, c, api_doc(API_DOC_CUSTOMER_CONFIG_VARS), vars,
			              cv_page_done, p);
			json_object_put(vars);
			api_call_start(&p->call);
		}
		rc = api_client_run(c, err);
		if (!rc)
			rc = prc;
		for (long k = 1; k < npages; k++)
			api_call_release(&pages[k].call);
	}
	if (rc)
		goto done;
	dedupe_customer_vars(s);
	if ((long)s->customer_vars_nr < total)
		rc = error_set(err, ERR_API,
		               "customerConfigVariables: the list changed while it was read "
		               "(totalCount %ld, %zu read); run again",
		               total, s->customer_vars_nr);
done:
	if (rc)
		s->customer_vars_nr = 0;
	else
		s->has_customer_vars = true;
	free(pages);
	jdoc_free(doc);
	return rc;
}
