/*
 * fetch.c - the live state: three lists read page by page in parallel, and
 * the definitions the plan needs, in batches sent as the pages of
 * integrations that name them arrive.
 */
#include "fetch.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "call.h"
#include "configvars.h"
#include "documents.h"
#include "gql.h"
#include "page.h"
#include "../util/strmap.h"
#include "../util/xalloc.h"
#include "../util/banned.h"

/* More than this many objects in one list is not a Prismatic org, it is an attack. */
#define MAX_LIST_TOTAL 1000000L
/* Nested lists (versions, config variables) are bounded likewise. */
#define MAX_NESTED_TOTAL 100000L

static const char *const list_ops[] = {"customers", "integrations", "instances"};
static const enum api_doc list_docs[] = {API_DOC_CUSTOMERS, API_DOC_INTEGRATIONS,
                                         API_DOC_INSTANCES};

/* Integrations per definitions request: see fetch.h for why 250. */
#define DEFINITIONS_BATCH 250

/* A nested list that did not fit in the list query. */
struct more {
	enum fetch_kind kind; /* FETCH_INTEGRATIONS: versions; FETCH_INSTANCES: config */
	const char *id;       /* the object's id (in the state's arena) */
	long total;
	struct more *next;
};

/* ----------------------------------------------------------------------
 * Decoding
 */

static int decode_labels(const char ***out, size_t *nr, struct live_state *s,
                         const struct jval *node, const struct gql_ctx *ctx, struct error *err)
{
	const struct jval *arr = NULL;
	int rc = gql_get_array(&arr, node, "labels", true, ctx, err);
	*out = NULL;
	*nr = 0;
	if (rc || !arr)
		return rc;
	size_t n = jval_count(arr);
	const char **labels = arena_alloc_array(&s->arena, n ? n : 1, sizeof(*labels));
	for (size_t i = 0; i < n; i++) {
		const struct jval *v = jval_at(arr, i);
		if (jval_type(v) == JNULL)
			continue;
		if (!jval_is(v, JSTRING) || strlen(jval_str(v)) != jval_strlen(v))
			return error_set(err, ERR_API, "%s: %s %ld: a label is not a string",
			                 ctx->op, ctx->kind, ctx->index);
		labels[(*nr)++] = live_strdup(s, jval_str(v));
	}
	*out = labels;
	return 0;
}

/* A string field copied into the state; NULL (nullable) or "" (or_empty) when null. */
static int copy_string(const char **out, struct live_state *s, const struct jval *obj,
                       const char *key, bool nullable, bool or_empty, const struct gql_ctx *ctx,
                       struct error *err)
{
	const char *v = NULL;
	int rc = gql_get_string(&v, obj, key, nullable || or_empty, ctx, err);
	if (rc)
		return rc;
	*out = v ? live_strdup(s, v) : or_empty ? "" : NULL;
	return 0;
}

/*
 * A string field borrowed from the answer it was decoded from, which the
 * state keeps (for texts too large to copy: definitions); NULL when null.
 */
static int borrow_string(const char **out, const struct jval *obj, const char *key,
                         const struct gql_ctx *ctx, struct error *err)
{
	return gql_get_string(out, obj, key, true, ctx, err);
}

/* A connection's totalCount and nodes. */
static int decode_connection(const struct jval **nodes, long long *total, const struct jval *conn,
                             long long max_total, const struct gql_ctx *ctx, struct error *err)
{
	int rc;
	if ((rc = gql_get_int(total, NULL, conn, "totalCount", 0, max_total, ctx, err)) ||
	    (rc = gql_get_array(nodes, conn, "nodes", false, ctx, err)))
		return rc;
	if ((size_t)*total < jval_count(*nodes))
		return error_set(err, ERR_API, "%s: %s %ld: more nodes than totalCount", ctx->op,
		                 ctx->kind ? ctx->kind : "list", ctx->index);
	if (jval_count(*nodes) > PAGE_SIZE)
		return error_set(err, ERR_API, "%s: %s %ld: %zu nodes in a page of %d", ctx->op,
		                 ctx->kind ? ctx->kind : "list", ctx->index, jval_count(*nodes),
		                 PAGE_SIZE);
	return 0;
}

/* Records that a nested list holds total nodes of which the first page brought n. */
static void add_more(struct more **more, enum fetch_kind kind, const char *id, long long total,
                     size_t n)
{
	if (!more || total <= (long long)n)
		return;
	struct more *m = xcalloc(1, sizeof(*m));
	m->kind = kind;
	m->id = id;
	m->total = (long)total;
	m->next = *more;
	*more = m;
}

static int decode_version(struct live_version *v, struct live_state *s, const struct jval *n,
                          const struct gql_ctx *ctx, struct error *err)
{
	long long num;
	int rc;
	if (!n || !jval_is(n, JOBJECT))
		return error_set(err, ERR_API, "%s: %s %ld: a version is not an object", ctx->op,
		                 ctx->kind, ctx->index);
	if ((rc = copy_string(&v->id, s, n, "id", false, false, ctx, err)) ||
	    (rc = gql_get_int(&num, NULL, n, "versionNumber", 1, INT_MAX, ctx, err)) ||
	    (rc = gql_get_bool(&v->available, n, "versionIsAvailable", ctx, err)))
		return rc;
	v->number = (int)num;
	return 0;
}

static int by_number(const void *a, const void *b)
{
	const struct live_version *x = a, *y = b;
	return x->number < y->number ? -1 : x->number > y->number;
}

/*
 * The commit a version was published from, when its attributes (JSON text,
 * written by prismsync or by Prismatic's own tools) name one.
 */
static void decode_provenance(struct live_integration *it, struct live_state *s)
{
	struct jdoc *doc = NULL;
	struct error err = ERROR_INIT;
	const struct jval *attrs, *v;
	if (!it->latest_attributes ||
	    jdoc_parse(&doc, it->latest_attributes, strlen(it->latest_attributes), "attributes",
	               &err)) {
		error_release(&err); /* attributes that are not JSON tell nothing */
		return;
	}
	attrs = jdoc_root(doc);
	if (jval_is((v = jval_get(attrs, "commitHash")), JSTRING))
		it->latest_commit = live_strdup(s, jval_str(v));
	if (jval_is((v = jval_get(attrs, "dirty")), JBOOL))
		it->latest_dirty = jval_bool(v);
	jdoc_free(doc);
}

/* Sorts the versions, drops repeated numbers, and points latest at the newest available one. */
static void settle_versions(struct live_integration *it, int latest_number)
{
	qsort(it->versions, it->versions_nr, sizeof(*it->versions), by_number);
	size_t k = 0;
	for (size_t i = 0; i < it->versions_nr; i++)
		if (!k || it->versions[k - 1].number != it->versions[i].number)
			it->versions[k++] = it->versions[i];
	it->versions_nr = k;
	it->latest = latest_number > 0 ? live_version_by_number(it, latest_number) : NULL;
}

static int decode_integration(struct live_state *s, const struct jval *node,
                              const struct gql_ctx *ctx, struct more **more, struct error *err)
{
	struct live_integration *it = live_add_integration(s);
	const struct jval *seq = NULL, *nodes = NULL, *latest = NULL, *lnodes = NULL;
	long long num, total;
	int rc;

	if ((rc = copy_string(&it->id, s, node, "id", false, false, ctx, err)) ||
	    (rc = copy_string(&it->name, s, node, "name", false, false, ctx, err)) ||
	    (rc = copy_string(&it->description, s, node, "description", false, true, ctx, err)) ||
	    (rc = copy_string(&it->category, s, node, "category", false, true, ctx, err)) ||
	    (rc = decode_labels(&it->labels, &it->labels_nr, s, node, ctx, err)) ||
	    (rc = gql_get_int(&num, NULL, node, "versionNumber", 0, INT_MAX, ctx, err)) ||
	    (rc = gql_get_bool(&it->has_unpublished_changes, node, "hasUnpublishedChanges", ctx,
	                       err)) ||
	    (rc = gql_get_bool(&it->is_code_native, node, "isCodeNative", ctx, err)) ||
	    (rc = copy_string(&it->updated_at, s, node, "updatedAt", true, false, ctx, err)) ||
	    (rc = gql_get_object(&seq, node, "versionSequence", false, ctx, err)) ||
	    (rc = decode_connection(&nodes, &total, seq, MAX_NESTED_TOTAL, ctx, err)) ||
	    (rc = gql_get_object(&latest, node, "latest", false, ctx, err)) ||
	    (rc = gql_get_array(&lnodes, latest, "nodes", false, ctx, err)))
		return rc;
	it->draft_version_number = (int)num;

	size_t n = jval_count(nodes);
	it->versions = arena_alloc_array(&s->arena, n + 1, sizeof(*it->versions));
	for (size_t i = 0; i < n; i++)
		if ((rc = decode_version(&it->versions[it->versions_nr++], s, jval_at(nodes, i),
		                         ctx, err)))
			return rc;

	int latest_number = 0;
	if (jval_count(lnodes) > 0) {
		const struct jval *l = jval_at(lnodes, 0);
		struct live_version lv = {NULL, 0, true};
		if (!l || !jval_is(l, JOBJECT))
			return error_set(err, ERR_API,
			                 "%s: %s %ld: latest version is not an object", ctx->op,
			                 ctx->kind, ctx->index);
		if ((rc = copy_string(&lv.id, s, l, "id", false, false, ctx, err)) ||
		    (rc = gql_get_int(&num, NULL, l, "versionNumber", 1, INT_MAX, ctx, err)) ||
		    (rc = copy_string(&it->latest_attributes, s, l, "versionAttributes", true,
		                      false, ctx, err)))
			return rc;
		lv.number = (int)num;
		decode_provenance(it, s);
		latest_number = lv.number;
		/* Normally among the versions listed; keep it even when it is not. */
		it->versions[it->versions_nr++] = lv;
	}
	settle_versions(it, latest_number);
	add_more(more, FETCH_INTEGRATIONS, it->id, total, n);
	return 0;
}

static int decode_config_var(struct live_config_var *cv, struct live_state *s, const struct jval *n,
                             const struct gql_ctx *ctx, struct error *err)
{
	return api_decode_config_var(cv, s, n, ctx, err);
}

static int decode_instance(struct live_state *s, const struct jval *node, const struct gql_ctx *ctx,
                           struct more **more, struct error *err)
{
	struct live_instance *in = live_add_instance(s);
	const struct jval *cust = NULL, *integ = NULL, *conn = NULL, *nodes = NULL;
	long long num, total;
	bool present;
	int rc;

	if ((rc = copy_string(&in->id, s, node, "id", false, false, ctx, err)) ||
	    (rc = copy_string(&in->name, s, node, "name", false, false, ctx, err)) ||
	    (rc = copy_string(&in->description, s, node, "description", false, true, ctx, err)) ||
	    (rc = decode_labels(&in->labels, &in->labels_nr, s, node, ctx, err)) ||
	    (rc = gql_get_bool(&in->enabled, node, "enabled", ctx, err)) ||
	    (rc = gql_get_int(&num, &present, node, "deployedVersion", 0, INT_MAX, ctx, err)) ||
	    (rc = gql_get_bool(&in->needs_deploy, node, "needsDeploy", ctx, err)) ||
	    (rc = copy_string(&in->config_state, s, node, "configState", true, false, ctx, err)) ||
	    (rc = gql_get_object(&cust, node, "customer", false, ctx, err)) ||
	    (rc = copy_string(&in->customer_id, s, cust, "id", false, false, ctx, err)) ||
	    (rc = copy_string(&in->customer_external_id, s, cust, "externalId", true, false, ctx,
	                      err)) ||
	    (rc = copy_string(&in->customer_name, s, cust, "name", false, false, ctx, err)))
		return rc;
	/* deployedVersion is Int! in the real API: 0 means never deployed. */
	in->has_deployed_version = present && num > 0;
	in->deployed_version = in->has_deployed_version ? (int)num : 0;
	if ((rc = gql_get_object(&integ, node, "integration", false, ctx, err)) ||
	    (rc = copy_string(&in->version_id, s, integ, "id", false, false, ctx, err)) ||
	    (rc = copy_string(&in->integration_name, s, integ, "name", false, false, ctx, err)) ||
	    (rc = gql_get_int(&num, NULL, integ, "versionNumber", 0, INT_MAX, ctx, err)))
		return rc;
	in->version_number = (int)num;
	if ((rc = gql_get_object(&conn, node, "configVariables", false, ctx, err)) ||
	    (rc = decode_connection(&nodes, &total, conn, MAX_NESTED_TOTAL, ctx, err)))
		return rc;
	size_t n = jval_count(nodes);
	in->config = arena_alloc_array(&s->arena, n ? n : 1, sizeof(*in->config));
	for (size_t i = 0; i < n; i++)
		if ((rc = decode_config_var(&in->config[in->config_nr++], s, jval_at(nodes, i), ctx,
		                            err)))
			return rc;
	add_more(more, FETCH_INSTANCES, in->id, total, n);
	return 0;
}

static int decode_customer(struct live_state *s, const struct jval *node, const struct gql_ctx *ctx,
                           struct error *err)
{
	struct live_customer *c = live_add_customer(s);
	int rc;
	if ((rc = copy_string(&c->id, s, node, "id", false, false, ctx, err)) ||
	    (rc = copy_string(&c->external_id, s, node, "externalId", true, false, ctx, err)) ||
	    (rc = copy_string(&c->name, s, node, "name", false, false, ctx, err)) ||
	    (rc = copy_string(&c->description, s, node, "description", false, true, ctx, err)) ||
	    (rc = decode_labels(&c->labels, &c->labels_nr, s, node, ctx, err)))
		return rc;
	return 0;
}

static int decode_node(struct live_state *s, enum fetch_kind kind, const struct jval *node,
                       long index, struct more **more, struct error *err)
{
	static const char *const kinds[] = {"customer", "integration", "instance"};
	const struct gql_ctx ctx = {list_ops[kind], kinds[kind], index};
	if (!node || !jval_is(node, JOBJECT))
		return error_set(err, ERR_API, "%s: %s %ld is not an object", ctx.op, ctx.kind,
		                 index);
	switch (kind) {
	case FETCH_CUSTOMERS:
		return decode_customer(s, node, &ctx, err);
	case FETCH_INTEGRATIONS:
		return decode_integration(s, node, &ctx, more, err);
	case FETCH_INSTANCES:
		return decode_instance(s, node, &ctx, more, err);
	}
	return error_set(err, ERR_GENERIC, "unknown list");
}

int fetch_decode_node(struct live_state *s, enum fetch_kind kind, const struct jval *node,
                      long index, struct error *err)
{
	return decode_node(s, kind, node, index, NULL, err);
}

static int decode_page(struct live_state *s, enum fetch_kind kind, const struct jval *data,
                       long index_base, long *total, size_t *count, struct more **more,
                       struct error *err)
{
	const struct gql_ctx ctx = {list_ops[kind], NULL, -1};
	const struct jval *conn = NULL, *nodes = NULL;
	long long t;
	int rc;

	if ((rc = gql_get_object(&conn, data, list_ops[kind], false, &ctx, err)) ||
	    (rc = decode_connection(&nodes, &t, conn, MAX_LIST_TOTAL, &ctx, err)))
		return rc;
	*total = (long)t;
	size_t n = jval_count(nodes);
	for (size_t i = 0; i < n; i++)
		if ((rc = decode_node(s, kind, jval_at(nodes, i), index_base + (long)i, more, err)))
			return rc;
	*count = n;
	return 0;
}

int fetch_decode_page(struct live_state *s, enum fetch_kind kind, const struct jval *data,
                      long *total, size_t *nodes, struct error *err)
{
	struct more *more = NULL;
	int rc = decode_page(s, kind, data, 0, total, nodes, &more, err);
	while (more) {
		struct more *m = more;
		more = m->next;
		free(m);
	}
	return rc;
}

/* ----------------------------------------------------------------------
 * Fetching
 */

struct fetch;

struct list {
	struct fetch *f;
	enum fetch_kind kind;
	unsigned gen; /* pages of an earlier read are ignored */
	int reads;    /* how many times the list was read from the start */
	long total;   /* from the first page */
	bool changed; /* a page disagreed with the first */
	long *pos;    /* position in the list of each record of the state */
	size_t pos_alloc;
	int pending;       /* pages in flight */
	struct more *more; /* nested lists to complete */
};

/* An integration whose definitions are to be read, and whether its latest version's too. */
struct wanted {
	const char *id;
	bool latest;
};

/* One request in flight: a page of a list or of a nested list, or a batch of definitions. */
struct page {
	struct api_call call;
	struct fetch *f;
	struct list *list; /* a page of a list; else NULL */
	unsigned gen;
	long offset; /* position of the first node */
	bool first;
	struct more *more; /* a page of a nested list; else NULL */
	struct live_version *versions;
	size_t versions_nr, versions_alloc;
	struct live_config_var *config;
	size_t config_nr, config_alloc;
	bool done;
	struct wanted *batch; /* a batch of definitions: the integrations in it */
	size_t batch_nr;
	struct jdoc *deferred_doc;   /* its answer, until the integrations are in order */
	const struct jval *deferred; /* its data, borrowed from deferred_doc */
	struct page *next;
};

struct fetch {
	struct api_client *client;
	struct live_state *state;
	const struct api_fetch_scope *scope;
	struct list lists[3];
	struct page *pages; /* every request, freed at the end */
	/* Definitions: the scope's names (a set); ids in scope not yet in a batch, of
	 * the integrations read so far; how many of those were looked at; and, once the
	 * list is in order, each integration by id. */
	struct strmap names;
	struct wanted *want;
	size_t want_nr, want_alloc, considered;
	bool integrations_done;
	struct strmap by_id;
	int rc;
	struct error err;
};

static size_t kind_count(const struct live_state *s, enum fetch_kind kind)
{
	switch (kind) {
	case FETCH_CUSTOMERS:
		return s->customers_nr;
	case FETCH_INTEGRATIONS:
		return s->integrations_nr;
	default:
		return s->instances_nr;
	}
}

const char *fetch_record_id(const struct live_state *s, enum fetch_kind kind, size_t i)
{
	switch (kind) {
	case FETCH_CUSTOMERS:
		return s->customers[i].id;
	case FETCH_INTEGRATIONS:
		return s->integrations[i].id;
	default:
		return s->instances[i].id;
	}
}

static void fail(struct fetch *f, int rc, const char *message)
{
	if (f->rc)
		return;
	f->rc = rc;
	error_set(&f->err, rc, "%s", message);
}

static void free_more(struct more *m)
{
	while (m) {
		struct more *next = m->next;
		free(m);
		m = next;
	}
}

static struct page *new_page(struct fetch *f)
{
	struct page *p = xcalloc(1, sizeof(*p));
	p->f = f;
	p->next = f->pages;
	f->pages = p;
	return p;
}

/* Sends p's request: doc with vars (consumed). */
static void send_page(struct page *p, const char *doc, struct json_object *vars,
                      api_call_done_fn done)
{
	api_call_init(&p->call, p->f->client, doc, vars, done, p);
	json_object_put(vars);
	api_call_start(&p->call);
}

static struct json_object *page_vars(long offset)
{
	struct json_object *vars = json_object_new_object();
	json_object_object_add(vars, "first", json_object_new_int(PAGE_SIZE));
	json_object_object_add(vars, "offset", json_object_new_int64(offset));
	return vars;
}

/* ----- the three lists ----------------------------------------------------- */

static void page_done(struct api_call *call, int rc, const struct jval *data, struct error *err);
static void queue_definitions(struct fetch *f, bool last);
static void definitions_ready(struct fetch *f);

static void start_page(struct list *l, long offset, bool first)
{
	struct page *p = new_page(l->f);
	p->list = l;
	p->gen = l->gen;
	p->offset = offset;
	p->first = first;
	l->pending++;
	send_page(p, api_doc(list_docs[l->kind]), page_vars(offset), page_done);
}

static void start_list(struct list *l)
{
	l->gen++;
	l->reads++;
	l->total = -1;
	l->changed = false;
	free_more(l->more);
	l->more = NULL;
	switch (l->kind) {
	case FETCH_CUSTOMERS:
		l->f->state->customers_nr = 0;
		break;
	case FETCH_INTEGRATIONS:
		l->f->state->integrations_nr = 0;
		/* Batches of an earlier read are ignored (their gen). */
		l->f->want_nr = 0;
		l->f->considered = 0;
		l->f->integrations_done = false;
		strmap_release(&l->f->by_id);
		break;
	case FETCH_INSTANCES:
		l->f->state->instances_nr = 0;
		break;
	}
	start_page(l, 0, true);
}

/* Puts the records in list order, without repeats, and checks the count. */
static void finish_list(struct list *l)
{
	struct live_state *s = l->f->state;
	if (l->kind == FETCH_INTEGRATIONS)
		queue_definitions(l->f, true); /* before the records move */
	size_t n = kind_count(s, l->kind);
	const char **ids = xmalloc((n ? n : 1) * sizeof(*ids));
	size_t *order = xmalloc((n ? n : 1) * sizeof(*order));

	for (size_t i = 0; i < n; i++)
		ids[i] = fetch_record_id(s, l->kind, i);
	size_t kept = page_merge(l->pos, ids, n, order);
#define REORDER(arr)                                                                               \
	do {                                                                                       \
		if (!kept)                                                                         \
			break;                                                                     \
		void *copy = xmalloc((kept ? kept : 1) * sizeof(*(arr)));                          \
		for (size_t i_ = 0; i_ < kept; i_++)                                               \
			memcpy((char *)copy + i_ * sizeof(*(arr)), &(arr)[order[i_]],              \
			       sizeof(*(arr)));                                                    \
		memcpy((arr), copy, kept * sizeof(*(arr)));                                        \
		free(copy);                                                                        \
	} while (0)
	switch (l->kind) {
	case FETCH_CUSTOMERS:
		REORDER(s->customers);
		s->customers_nr = kept;
		break;
	case FETCH_INTEGRATIONS:
		REORDER(s->integrations);
		s->integrations_nr = kept;
		break;
	case FETCH_INSTANCES:
		REORDER(s->instances);
		s->instances_nr = kept;
		break;
	}
#undef REORDER
	free(ids);
	free(order);

	if (!l->changed && (long)kept == l->total) {
		if (l->kind == FETCH_INTEGRATIONS)
			definitions_ready(l->f);
		return;
	}
	if (l->reads < 2) {
		start_list(l);
		return;
	}
	char *msg = xasprintf("%s: the list changed while it was read (totalCount %ld, %zu read); "
	                      "run again",
	                      list_ops[l->kind], l->total, kept);
	fail(l->f, ERR_API, msg);
	free(msg);
}

static void page_done(struct api_call *call, int rc, const struct jval *data, struct error *err)
{
	struct page *p = call->userdata;
	struct list *l = p->list;
	struct fetch *f = l->f;
	struct live_state *s = f->state;
	struct error derr = ERROR_INIT;
	long total = 0;
	size_t n = 0;

	if (p->gen != l->gen)
		return;
	l->pending--;
	if (f->rc)
		return;
	if (rc) {
		fail(f, rc, err->message);
		return;
	}
	size_t before = kind_count(s, l->kind);
	if (decode_page(s, l->kind, data, p->offset, &total, &n, &l->more, &derr)) {
		fail(f, derr.code, derr.message);
		error_release(&derr);
		return;
	}
	ALLOC_GROW(l->pos, before + n, l->pos_alloc);
	for (size_t i = 0; i < n; i++)
		l->pos[before + i] = p->offset + (long)i;

	if (p->first) {
		/* The total is known: every other page at once. */
		l->total = total;
		for (long k = 1; k < page_count(total); k++)
			start_page(l, page_offset(k), false);
	} else if (total != l->total) {
		l->changed = true;
	}
	if ((long)n != page_expected(l->total, p->offset))
		l->changed = true;
	if (l->kind == FETCH_INTEGRATIONS && l->pending)
		queue_definitions(f, false);
	if (l->pending == 0)
		finish_list(l);
}

/* ----- definitions, in batches, for the integrations in scope ---------------- */

/* names: the scope's names (a set), so that 1,000 managed integrations are not 1,000,000 strcmp. */
static bool in_scope(const struct api_fetch_scope *scope, const struct strmap *names,
                     const struct live_integration *it)
{
	if (it->is_code_native)
		return false;
	if (!scope)
		return false; /* as fetch.h says: no scope, no definitions */
	if (scope->all)
		return true;
	return strmap_contains(names, it->name);
}

/*
 * One integration's part of a batch answer: its definitions (the latest
 * version's when latest), checked against what the list said of it.
 */
static int decode_definitions(struct live_integration *it, const struct jval *obj, bool latest,
                              const struct gql_ctx *ctx, struct error *err)
{
	const struct jval *lv = NULL, *nodes = NULL, *l = NULL;
	const char *id = NULL, *lid = NULL;
	long long number;
	bool unpublished;
	int rc;
	if ((rc = gql_get_string(&id, obj, "id", false, ctx, err)) ||
	    (rc = gql_get_int(&number, NULL, obj, "versionNumber", 0, INT_MAX, ctx, err)) ||
	    (rc = gql_get_bool(&unpublished, obj, "hasUnpublishedChanges", ctx, err)) ||
	    (rc = borrow_string(&it->definition, obj, "definition", ctx, err)))
		return rc;
	if ((rc = gql_get_object(&lv, obj, "latest", false, ctx, err)) ||
	    (rc = gql_get_array(&nodes, lv, "nodes", false, ctx, err)))
		return rc;
	if (jval_count(nodes) > 0) {
		l = jval_at(nodes, 0);
		if (!l || !jval_is(l, JOBJECT))
			return error_set(err, ERR_API,
			                 "%s: the latest version of '%s' is not an object", ctx->op,
			                 it->name);
		if ((rc = gql_get_string(&lid, l, "id", false, ctx, err)))
			return rc;
	}
	/* A publish or an import since the list was read: the list's view is stale. */
	if (strcmp(id, it->id) || number != it->draft_version_number ||
	    unpublished != it->has_unpublished_changes || (lid == NULL) != (it->latest == NULL) ||
	    (lid && strcmp(lid, it->latest->id)))
		return error_set(err, ERR_API,
		                 "integration '%s' was published or changed while it was read; "
		                 "run again",
		                 it->name);
	if (latest && l && (rc = borrow_string(&it->latest_definition, l, "definition", ctx, err)))
		return rc;
	return 0;
}

static void release_answer(void *doc)
{
	jdoc_free(doc);
}

/*
 * A batch's answer, once the integrations are in list order: each one's
 * definitions, which the state borrows from doc (taken here: the state keeps it).
 */
static void decode_batch(struct page *p, struct jdoc *doc, const struct jval *data)
{
	struct fetch *f = p->f;
	struct live_state *s = f->state;
	struct error derr = ERROR_INIT;
	char alias[32];

	live_state_keep(s, doc, release_answer);

	for (size_t i = 0; i < p->batch_nr && !f->rc; i++) {
		struct live_integration *it = strmap_get(&f->by_id, p->batch[i].id);
		if (!it) {
			fail(f, ERR_API,
			     "an integration was deleted while the list was read; run again");
			return;
		}
		const struct gql_ctx ctx = {"integration", "definitions of",
		                            (long)(it - s->integrations)};
		const struct jval *obj = NULL;
		snprintf(alias, sizeof(alias), "i%zu", i);
		if (gql_get_object(&obj, data, alias, false, &ctx, &derr) ||
		    decode_definitions(it, obj, p->batch[i].latest, &ctx, &derr)) {
			fail(f, derr.code, derr.message);
			error_release(&derr);
		}
	}
}

static void batch_done(struct api_call *call, int rc, const struct jval *data, struct error *err)
{
	struct page *p = call->userdata;
	struct fetch *f = p->f;

	if (f->rc || p->gen != f->lists[FETCH_INTEGRATIONS].gen)
		return;
	if (rc) {
		char *msg = xasprintf("reading integration definitions: %s", err->message);
		fail(f, rc, msg);
		free(msg);
		return;
	}
	if (f->integrations_done) {
		decode_batch(p, api_call_take_answer(call), data);
	} else {
		p->deferred_doc = api_call_take_answer(call); /* kept past this call */
		p->deferred = data;
	}
}

/* Sends a batch of the first n ids waiting for one. */
static void send_batch(struct fetch *f, size_t n)
{
	struct page *p = new_page(f);
	struct json_object *vars = json_object_new_object();
	bool *latest = xmalloc(n * sizeof(*latest));
	char alias[32];
	p->gen = f->lists[FETCH_INTEGRATIONS].gen;
	p->batch = xmalloc(n * sizeof(*p->batch));
	p->batch_nr = n;
	for (size_t i = 0; i < n; i++) {
		p->batch[i] = f->want[i];
		latest[i] = f->want[i].latest;
		snprintf(alias, sizeof(alias), "i%zu", i);
		json_object_object_add(vars, alias, json_object_new_string(f->want[i].id));
	}
	f->want_nr -= n;
	memmove(f->want, f->want + n, f->want_nr * sizeof(*f->want));
	char *doc = api_doc_definitions_batch(n, latest);
	send_page(p, doc, vars, batch_done);
	free(doc);
	free(latest);
}

/*
 * Sends the definitions of the integrations in scope read so far,
 * DEFINITIONS_BATCH to a request, as soon as a batch is full, so that they
 * are read while the rest of the lists are; last: the list is read, the
 * rest goes too. Ids, not positions: finish_list puts the records in order.
 */
static void queue_definitions(struct fetch *f, bool last)
{
	struct live_state *s = f->state;
	for (; f->considered < s->integrations_nr; f->considered++) {
		const struct live_integration *it = &s->integrations[f->considered];
		if (in_scope(f->scope, &f->names, it)) {
			ALLOC_GROW(f->want, f->want_nr + 1, f->want_alloc);
			f->want[f->want_nr].id = it->id;
			f->want[f->want_nr++].latest =
			    f->scope->latest_always || !live_draft_is_latest(it);
		}
	}
	while (f->want_nr >= DEFINITIONS_BATCH || (last && f->want_nr))
		send_batch(f, f->want_nr < DEFINITIONS_BATCH ? f->want_nr : DEFINITIONS_BATCH);
}

/* The integrations are read and in order: answers that came before now find theirs. */
static void definitions_ready(struct fetch *f)
{
	struct live_state *s = f->state;
	unsigned gen = f->lists[FETCH_INTEGRATIONS].gen;
	strmap_init_size(&f->by_id, s->integrations_nr);
	for (size_t i = 0; i < s->integrations_nr; i++)
		strmap_add(&f->by_id, s->integrations[i].id, &s->integrations[i]);
	f->integrations_done = true;
	for (struct page *p = f->pages; p && !f->rc; p = p->next)
		if (p->batch && p->deferred && p->gen == gen) {
			decode_batch(p, p->deferred_doc, p->deferred);
			p->deferred_doc = NULL;
			p->deferred = NULL;
		}
}

/* ----- nested lists longer than one page -------------------------------- */

static void more_done(struct api_call *call, int rc, const struct jval *data, struct error *err)
{
	struct page *p = call->userdata;
	struct fetch *f = p->f;
	struct live_state *s = f->state;
	const bool versions = p->more->kind == FETCH_INTEGRATIONS;
	const struct gql_ctx ctx = {versions ? "integration" : "instance",
	                            versions ? "versions of" : "config variables of", -1};
	const struct jval *obj = NULL, *conn = NULL, *nodes = NULL;
	struct error derr = ERROR_INIT;
	long long total;

	if (f->rc)
		return;
	if (rc) {
		fail(f, rc, err->message);
		return;
	}
	if (gql_get_object(&obj, data, ctx.op, false, &ctx, &derr) ||
	    gql_get_object(&conn, obj, versions ? "versionSequence" : "configVariables", false,
	                   &ctx, &derr) ||
	    decode_connection(&nodes, &total, conn, MAX_NESTED_TOTAL, &ctx, &derr))
		goto bad;
	size_t n = jval_count(nodes);
	if (total != p->more->total || (long)n != page_expected(total, p->offset)) {
		error_set(&derr, ERR_API, "the %s %s changed while they were read; run again",
		          ctx.kind, p->more->id);
		goto bad;
	}
	for (size_t i = 0; i < n; i++) {
		const struct jval *node = jval_at(nodes, i);
		if (versions) {
			ALLOC_GROW(p->versions, p->versions_nr + 1, p->versions_alloc);
			if (decode_version(&p->versions[p->versions_nr++], s, node, &ctx, &derr))
				goto bad;
		} else {
			ALLOC_GROW(p->config, p->config_nr + 1, p->config_alloc);
			if (decode_config_var(&p->config[p->config_nr++], s, node, &ctx, &derr))
				goto bad;
		}
	}
	p->done = true;
	return;
bad:
	fail(f, derr.code, derr.message);
	error_release(&derr);
}

/* Appends what a follow-up page found to the record it belongs to. */
static void more_merge(struct fetch *f, struct page *p)
{
	struct live_state *s = f->state;
	if (p->more->kind == FETCH_INTEGRATIONS) {
		struct live_integration *it =
		    (struct live_integration *)live_integration_by_id(s, p->more->id);
		if (!it)
			return;
		int latest = it->latest ? it->latest->number : 0;
		struct live_version *v =
		    arena_alloc_array(&s->arena, it->versions_nr + p->versions_nr + 1, sizeof(*v));
		memcpy(v, it->versions, it->versions_nr * sizeof(*v));
		if (p->versions_nr)
			memcpy(v + it->versions_nr, p->versions, p->versions_nr * sizeof(*v));
		it->versions = v;
		it->versions_nr += p->versions_nr;
		settle_versions(it, latest);
	} else {
		struct live_instance *in =
		    (struct live_instance *)live_instance_by_id(s, p->more->id);
		if (!in)
			return;
		struct live_config_var *c =
		    arena_alloc_array(&s->arena, in->config_nr + p->config_nr + 1, sizeof(*c));
		memcpy(c, in->config, in->config_nr * sizeof(*c));
		if (p->config_nr)
			memcpy(c + in->config_nr, p->config, p->config_nr * sizeof(*c));
		in->config = c;
		in->config_nr += p->config_nr;
	}
}

/* Reads every further page of every nested list, all at once. */
static int fetch_more(struct fetch *f, struct error *err)
{
	struct page *first = NULL;
	int rc;

	for (int k = 0; k < 3; k++)
		for (struct more *m = f->lists[k].more; m; m = m->next)
			for (long pg = 1; pg < page_count(m->total); pg++) {
				struct page *p = new_page(f);
				struct json_object *vars = page_vars(page_offset(pg));
				p->more = m;
				p->offset = page_offset(pg);
				json_object_object_add(vars, "id", json_object_new_string(m->id));
				send_page(p,
				          api_doc(m->kind == FETCH_INTEGRATIONS ? API_DOC_VERSIONS
				                                                : API_DOC_CONFIG),
				          vars, more_done);
				if (!first)
					first = p;
			}
	if (!first)
		return 0;
	rc = api_client_run(f->client, err);
	for (struct page *p = f->pages; !rc && !f->rc && p; p = p->next)
		if (p->more && p->done)
			more_merge(f, p);
	return rc;
}

int api_fetch_live(struct live_state **out, struct api_client *c,
                   const struct api_fetch_scope *scope, struct error *err)
{
	struct fetch f;
	int rc;

	memset(&f, 0, sizeof(f));
	f.client = c;
	f.state = live_state_new();
	f.scope = scope;
	for (size_t i = 0; scope && i < scope->names_nr; i++)
		strmap_add(&f.names, scope->names[i], NULL);
	error_init(&f.err);
	for (int k = 0; k < 3; k++) {
		f.lists[k].f = &f;
		f.lists[k].kind = (enum fetch_kind)k;
	}
	for (int k = 0; k < 3; k++)
		start_list(&f.lists[k]);
	rc = api_client_run(c, err);
	if (!rc && !f.rc) {
		live_state_index(f.state);
		rc = fetch_more(&f, err);
	}
	if (!rc && f.rc)
		rc = error_set(err, f.rc, "%s", f.err.message);
	if (!rc) {
		live_state_index(f.state);
		*out = f.state;
		f.state = NULL;
	}
	while (f.pages) {
		struct page *p = f.pages;
		f.pages = p->next;
		api_call_release(&p->call);
		free(p->versions);
		free(p->config);
		free(p->batch);
		jdoc_free(p->deferred_doc);
		free(p);
	}
	strmap_release(&f.names);
	strmap_release(&f.by_id);
	free(f.want);
	for (int k = 0; k < 3; k++) {
		free(f.lists[k].pos);
		free_more(f.lists[k].more);
	}
	error_release(&f.err);
	live_state_free(f.state);
	return rc;
}
