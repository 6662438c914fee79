/*
 * fetch.c - the live state in one pass of list queries.
 */
#include "fetch.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "call.h"
#include "documents.h"
#include "gql.h"
#include "page.h"
#include "../util/xalloc.h"
#include "../util/banned.h"

/* More than this many objects in one list is not a Prismatic org, it is an attack. */
#define MAX_LIST_TOTAL 1000000L
/* Nested lists (versions, config variables) are bounded likewise. */
#define MAX_NESTED_TOTAL 100000L

static const char *const list_ops[] = {"customers", "integrations", "instances"};
static const enum api_doc list_docs[] = {API_DOC_CUSTOMERS, API_DOC_INTEGRATIONS,
                                         API_DOC_INSTANCES};

/* A nested list that did not fit in the list query. */
struct more {
	enum fetch_kind kind; /* FETCH_INTEGRATIONS: versions; FETCH_INSTANCES: config */
	const char *id;       /* the object's id (in the state's arena) */
	char *cursor;
	long total;
	struct more *next;
};

/* ----------------------------------------------------------------------
 * Decoding
 */

static int decode_labels(const char ***out, size_t *nr, struct live_state *s,
                         struct json_object *node, const struct gql_ctx *ctx, struct error *err)
{
	struct json_object *arr = NULL;
	int rc = gql_get_array(&arr, node, "labels", true, ctx, err);
	*out = NULL;
	*nr = 0;
	if (rc || !arr)
		return rc;
	size_t n = json_object_array_length(arr);
	const char **labels = arena_alloc(&s->arena, (n ? n : 1) * sizeof(*labels));
	for (size_t i = 0; i < n; i++) {
		struct json_object *v = json_object_array_get_idx(arr, i);
		if (!v)
			continue;
		if (!json_object_is_type(v, json_type_string) ||
		    strlen(json_object_get_string(v)) != (size_t)json_object_get_string_len(v))
			return error_set(err, ERR_API, "%s: %s %ld: a label is not a string",
			                 ctx->op, ctx->kind, ctx->index);
		labels[(*nr)++] = live_strdup(s, json_object_get_string(v));
	}
	*out = labels;
	return 0;
}

/* A string field copied into the state; NULL (nullable) or "" (or_empty) when null. */
static int copy_string(const char **out, struct live_state *s, struct json_object *obj,
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

/* A connection's totalCount, nodes, and the cursor to continue from. */
static int decode_connection(struct json_object **nodes, long long *total, const char **cursor,
                             bool *has_next, struct json_object *conn, long long max_total,
                             const struct gql_ctx *ctx, struct error *err)
{
	struct json_object *pi = NULL;
	int rc;
	*cursor = NULL;
	*has_next = false;
	if ((rc = gql_get_int(total, NULL, conn, "totalCount", 0, max_total, ctx, err)) ||
	    (rc = gql_get_array(nodes, conn, "nodes", false, ctx, err)) ||
	    (rc = gql_get_object(&pi, conn, "pageInfo", false, ctx, err)) ||
	    (rc = gql_get_bool(has_next, pi, "hasNextPage", ctx, err)) ||
	    (rc = gql_get_string(cursor, pi, "endCursor", true, ctx, err)))
		return rc;
	if ((size_t)*total < json_object_array_length(*nodes))
		return error_set(err, ERR_API, "%s: %s %ld: more nodes than totalCount", ctx->op,
		                 ctx->kind ? ctx->kind : "list", ctx->index);
	if (*has_next && !*cursor)
		return error_set(err, ERR_API, "%s: hasNextPage without an endCursor", ctx->op);
	return 0;
}

static int decode_version(struct live_version *v, struct live_state *s, struct json_object *n,
                          const struct gql_ctx *ctx, struct error *err)
{
	long long num;
	int rc;
	if (!n || !json_object_is_type(n, json_type_object))
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
	struct json_object *attrs = NULL, *v = NULL;
	if (!it->latest_attributes)
		return;
	attrs = json_tokener_parse(it->latest_attributes);
	if (attrs && json_object_is_type(attrs, json_type_object)) {
		if (json_object_object_get_ex(attrs, "commitHash", &v) &&
		    json_object_is_type(v, json_type_string))
			it->latest_commit = live_strdup(s, json_object_get_string(v));
		if (json_object_object_get_ex(attrs, "dirty", &v) &&
		    json_object_is_type(v, json_type_boolean))
			it->latest_dirty = json_object_get_boolean(v);
	}
	json_object_put(attrs);
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

static int decode_integration(struct live_state *s, struct json_object *node,
                              const struct gql_ctx *ctx, struct more **more, struct error *err)
{
	struct live_integration *it = live_add_integration(s);
	struct json_object *seq = NULL, *nodes = NULL, *latest = NULL, *lnodes = NULL;
	long long num, total;
	const char *cursor;
	bool has_next;
	int rc;

	if ((rc = copy_string(&it->id, s, node, "id", false, false, ctx, err)) ||
	    (rc = copy_string(&it->name, s, node, "name", false, false, ctx, err)) ||
	    (rc = copy_string(&it->description, s, node, "description", false, true, ctx, err)) ||
	    (rc = copy_string(&it->category, s, node, "category", false, true, ctx, err)) ||
	    (rc = decode_labels(&it->labels, &it->labels_nr, s, node, ctx, err)) ||
	    (rc = gql_get_int(&num, NULL, node, "versionNumber", 0, INT_MAX, ctx, err)) ||
	    (rc = gql_get_bool(&it->has_unpublished_changes, node, "hasUnpublishedChanges", ctx,
	                       err)) ||
	    (rc = copy_string(&it->definition, s, node, "definition", false, false, ctx, err)) ||
	    (rc = gql_get_object(&seq, node, "versionSequence", false, ctx, err)) ||
	    (rc = decode_connection(&nodes, &total, &cursor, &has_next, seq, MAX_NESTED_TOTAL, ctx,
	                            err)) ||
	    (rc = gql_get_object(&latest, node, "latest", false, ctx, err)) ||
	    (rc = gql_get_array(&lnodes, latest, "nodes", false, ctx, err)))
		return rc;
	it->draft_version_number = (int)num;

	size_t n = json_object_array_length(nodes);
	it->versions = arena_alloc(&s->arena, (n + 1) * sizeof(*it->versions));
	for (size_t i = 0; i < n; i++)
		if ((rc = decode_version(&it->versions[it->versions_nr++], s,
		                         json_object_array_get_idx(nodes, i), ctx, err)))
			return rc;

	int latest_number = 0;
	if (json_object_array_length(lnodes) > 0) {
		struct json_object *l = json_object_array_get_idx(lnodes, 0);
		struct live_version lv = {NULL, 0, true};
		const char *def;
		if (!l || !json_object_is_type(l, json_type_object))
			return error_set(err, ERR_API,
			                 "%s: %s %ld: latest version is not an object", ctx->op,
			                 ctx->kind, ctx->index);
		if ((rc = copy_string(&lv.id, s, l, "id", false, false, ctx, err)) ||
		    (rc = gql_get_int(&num, NULL, l, "versionNumber", 1, INT_MAX, ctx, err)) ||
		    (rc = copy_string(&def, s, l, "definition", false, false, ctx, err)) ||
		    (rc = copy_string(&it->latest_attributes, s, l, "versionAttributes", true,
		                      false, ctx, err)))
			return rc;
		lv.number = (int)num;
		it->latest_definition = def;
		decode_provenance(it, s);
		latest_number = lv.number;
		/* Normally among the versions listed; keep it even when it is not. */
		it->versions[it->versions_nr++] = lv;
	}
	settle_versions(it, latest_number);
	if (has_next && more) {
		struct more *m = xcalloc(1, sizeof(*m));
		m->kind = FETCH_INTEGRATIONS;
		m->id = it->id;
		m->cursor = xstrdup(cursor);
		m->total = (long)total;
		m->next = *more;
		*more = m;
	}
	return 0;
}

static int decode_config_var(struct live_config_var *cv, struct live_state *s,
                             struct json_object *n, const struct gql_ctx *ctx, struct error *err)
{
	struct json_object *rcv = NULL;
	int rc;
	if (!n || !json_object_is_type(n, json_type_object))
		return error_set(err, ERR_API, "%s: %s %ld: a config variable is not an object",
		                 ctx->op, ctx->kind, ctx->index);
	if ((rc = copy_string(&cv->value, s, n, "value", true, false, ctx, err)) ||
	    (rc = gql_get_object(&rcv, n, "requiredConfigVariable", false, ctx, err)) ||
	    (rc = copy_string(&cv->key, s, rcv, "key", false, false, ctx, err)))
		return rc;
	return 0;
}

static int decode_instance(struct live_state *s, struct json_object *node,
                           const struct gql_ctx *ctx, struct more **more, struct error *err)
{
	struct live_instance *in = live_add_instance(s);
	struct json_object *cust = NULL, *integ = NULL, *conn = NULL, *nodes = NULL;
	long long num, total;
	bool present, has_next;
	const char *cursor;
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
	    (rc = decode_connection(&nodes, &total, &cursor, &has_next, conn, MAX_NESTED_TOTAL, ctx,
	                            err)))
		return rc;
	size_t n = json_object_array_length(nodes);
	in->config = arena_alloc(&s->arena, (n ? n : 1) * sizeof(*in->config));
	for (size_t i = 0; i < n; i++)
		if ((rc = decode_config_var(&in->config[in->config_nr++], s,
		                            json_object_array_get_idx(nodes, i), ctx, err)))
			return rc;
	if (has_next && more) {
		struct more *m = xcalloc(1, sizeof(*m));
		m->kind = FETCH_INSTANCES;
		m->id = in->id;
		m->cursor = xstrdup(cursor);
		m->total = (long)total;
		m->next = *more;
		*more = m;
	}
	return 0;
}

static int decode_customer(struct live_state *s, struct json_object *node,
                           const struct gql_ctx *ctx, struct error *err)
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

static int decode_node(struct live_state *s, enum fetch_kind kind, struct json_object *node,
                       long index, struct more **more, struct error *err)
{
	static const char *const kinds[] = {"customer", "integration", "instance"};
	const struct gql_ctx ctx = {list_ops[kind], kinds[kind], index};
	if (!node || !json_object_is_type(node, json_type_object))
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

int fetch_decode_node(struct live_state *s, enum fetch_kind kind, struct json_object *node,
                      long index, struct error *err)
{
	return decode_node(s, kind, node, index, NULL, err);
}

static int decode_page(struct live_state *s, enum fetch_kind kind, struct json_object *data,
                       long index_base, long *total, const char **end_cursor, bool *has_next,
                       size_t *count, struct more **more, struct error *err)
{
	const struct gql_ctx ctx = {list_ops[kind], NULL, -1};
	struct json_object *conn = NULL, *nodes = NULL;
	long long t;
	int rc;

	if ((rc = gql_get_object(&conn, data, list_ops[kind], false, &ctx, err)) ||
	    (rc = decode_connection(&nodes, &t, end_cursor, has_next, conn, MAX_LIST_TOTAL, &ctx,
	                            err)))
		return rc;
	*total = (long)t;
	size_t n = json_object_array_length(nodes);
	if (n > PAGE_SIZE)
		return error_set(err, ERR_API, "%s: %zu nodes in a page of %d", list_ops[kind], n,
		                 PAGE_SIZE);
	for (size_t i = 0; i < n; i++)
		if ((rc = decode_node(s, kind, json_object_array_get_idx(nodes, i),
		                      index_base + (long)i, more, err)))
			return rc;
	*count = n;
	return 0;
}

int fetch_decode_page(struct live_state *s, enum fetch_kind kind, struct json_object *data,
                      long *total, const char **end_cursor, bool *has_next, size_t *nodes,
                      struct error *err)
{
	struct more *more = NULL;
	int rc = decode_page(s, kind, data, 0, total, end_cursor, has_next, nodes, &more, err);
	while (more) {
		struct more *m = more;
		more = m->next;
		free(m->cursor);
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
	long pages;        /* pages requested in this read */
	struct more *more; /* nested lists to complete */
};

struct page {
	struct api_call call;
	struct list *list;
	unsigned gen;
	long offset; /* position of the first node */
	bool first;
	bool parallel;
	char *after;
	struct page *next;
};

struct fetch {
	struct api_client *client;
	struct live_state *state;
	struct list lists[3];
	struct page *pages; /* every page, freed at the end */
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

static const char *kind_id(const struct live_state *s, enum fetch_kind kind, size_t i)
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
		free(m->cursor);
		free(m);
		m = next;
	}
}

static void page_done(struct api_call *call, int rc, struct json_object *data, struct error *err);

static void start_page(struct list *l, const char *after, long offset, bool first, bool parallel)
{
	struct fetch *f = l->f;
	struct page *p = xcalloc(1, sizeof(*p));
	struct json_object *vars = json_object_new_object();

	l->pages++;
	p->list = l;
	p->gen = l->gen;
	p->offset = offset;
	p->first = first;
	p->parallel = parallel;
	p->after = after ? xstrdup(after) : NULL;
	p->next = f->pages;
	f->pages = p;
	json_object_object_add(vars, "first", json_object_new_int(PAGE_SIZE));
	json_object_object_add(vars, "after", p->after ? json_object_new_string(p->after) : NULL);
	api_call_init(&p->call, f->client, api_doc(list_docs[l->kind]), vars, page_done, p);
	json_object_put(vars);
	l->pending++;
	api_call_start(&p->call);
}

static void start_list(struct list *l)
{
	l->gen++;
	l->reads++;
	l->total = -1;
	l->changed = false;
	l->pages = 0;
	free_more(l->more);
	l->more = NULL;
	switch (l->kind) {
	case FETCH_CUSTOMERS:
		l->f->state->customers_nr = 0;
		break;
	case FETCH_INTEGRATIONS:
		l->f->state->integrations_nr = 0;
		break;
	case FETCH_INSTANCES:
		l->f->state->instances_nr = 0;
		break;
	}
	start_page(l, NULL, 0, true, false);
}

/* Puts the records in list order, without repeats, and checks the count. */
static void finish_list(struct list *l)
{
	struct live_state *s = l->f->state;
	size_t n = kind_count(s, l->kind);
	const char **ids = xmalloc((n ? n : 1) * sizeof(*ids));
	size_t *order = xmalloc((n ? n : 1) * sizeof(*order));

	for (size_t i = 0; i < n; i++)
		ids[i] = kind_id(s, l->kind, i);
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

	if (!l->changed && (long)kept == l->total)
		return;
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

static void page_done(struct api_call *call, int rc, struct json_object *data, struct error *err)
{
	struct page *p = call->userdata;
	struct list *l = p->list;
	struct fetch *f = l->f;
	struct live_state *s = f->state;
	struct error derr = ERROR_INIT;
	long total = 0;
	const char *end = NULL;
	bool has_next = false;
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
	if (decode_page(s, l->kind, data, p->offset, &total, &end, &has_next, &n, &l->more,
	                &derr)) {
		fail(f, derr.code, derr.message);
		error_release(&derr);
		return;
	}
	ALLOC_GROW(l->pos, before + n, l->pos_alloc);
	for (size_t i = 0; i < n; i++)
		l->pos[before + i] = p->offset + (long)i;

	if (p->first) {
		long off;
		l->total = total;
		if (has_next && n == PAGE_SIZE && page_cursor_offset(end, &off) &&
		    off == PAGE_SIZE - 1) {
			/* Offset cursors: ask for every remaining page at once. */
			for (long k = 1; k < page_count(total); k++) {
				char *after = page_cursor_after(k * PAGE_SIZE - 1);
				start_page(l, after, k * PAGE_SIZE, false, true);
				free(after);
			}
		} else if (has_next) {
			start_page(l, end, (long)n, false, false);
		}
	} else {
		if (total != l->total)
			l->changed = true;
		if (p->parallel) {
			long want = l->total - p->offset;
			if (want > PAGE_SIZE)
				want = PAGE_SIZE;
			if ((long)n != want)
				l->changed = true;
		} else if (has_next) {
			/* No progress, or more pages than the total needs: never loop. */
			if (n == 0 || l->pages > page_count(l->total) + 1)
				l->changed = true;
			else
				start_page(l, end, p->offset + (long)n, false, false);
		}
	}
	if (l->pending == 0)
		finish_list(l);
}

/* ----- nested lists longer than one page -------------------------------- */

struct more_call {
	struct api_call call;
	struct fetch *f;
	struct more *m;
	struct live_version *versions;
	size_t versions_nr, versions_alloc;
	struct live_config_var *config;
	size_t config_nr, config_alloc;
	int pages;
	bool done;
};

static void more_send(struct more_call *mc);

static void more_done(struct api_call *call, int rc, struct json_object *data, struct error *err)
{
	struct more_call *mc = call->userdata;
	struct fetch *f = mc->f;
	struct live_state *s = f->state;
	const bool versions = mc->m->kind == FETCH_INTEGRATIONS;
	const struct gql_ctx ctx = {versions ? "integration" : "instance",
	                            versions ? "versions of" : "config variables of", -1};
	struct json_object *obj = NULL, *conn = NULL, *nodes = NULL;
	struct error derr = ERROR_INIT;
	long long total;
	const char *cursor;
	bool has_next;

	if (f->rc)
		goto stop;
	if (rc) {
		fail(f, rc, err->message);
		goto stop;
	}
	if (gql_get_object(&obj, data, ctx.op, false, &ctx, &derr) ||
	    gql_get_object(&conn, obj, versions ? "versionSequence" : "configVariables", false,
	                   &ctx, &derr) ||
	    decode_connection(&nodes, &total, &cursor, &has_next, conn, MAX_NESTED_TOTAL, &ctx,
	                      &derr))
		goto bad;
	size_t n = json_object_array_length(nodes);
	for (size_t i = 0; i < n; i++) {
		struct json_object *node = json_object_array_get_idx(nodes, i);
		if (versions) {
			ALLOC_GROW(mc->versions, mc->versions_nr + 1, mc->versions_alloc);
			if (decode_version(&mc->versions[mc->versions_nr++], s, node, &ctx, &derr))
				goto bad;
		} else {
			ALLOC_GROW(mc->config, mc->config_nr + 1, mc->config_alloc);
			if (decode_config_var(&mc->config[mc->config_nr++], s, node, &ctx, &derr))
				goto bad;
		}
	}
	if (has_next && n > 0 && ++mc->pages < MAX_NESTED_TOTAL / PAGE_SIZE + 1) {
		free(mc->m->cursor);
		mc->m->cursor = xstrdup(cursor);
		more_send(mc);
		return;
	}
	mc->done = true;
	goto stop;
bad:
	fail(f, derr.code, derr.message);
	error_release(&derr);
stop:
	return;
}

static void more_send(struct more_call *mc)
{
	struct json_object *vars = json_object_new_object();
	json_object_object_add(vars, "id", json_object_new_string(mc->m->id));
	json_object_object_add(vars, "first", json_object_new_int(PAGE_SIZE));
	json_object_object_add(vars, "after", json_object_new_string(mc->m->cursor));
	api_call_release(&mc->call);
	api_call_init(
	    &mc->call, mc->f->client,
	    api_doc(mc->m->kind == FETCH_INTEGRATIONS ? API_DOC_VERSIONS : API_DOC_CONFIG), vars,
	    more_done, mc);
	json_object_put(vars);
	api_call_start(&mc->call);
}

/* Appends what the follow-up pages found to the records they belong to. */
static void more_merge(struct fetch *f, struct more_call *mc)
{
	struct live_state *s = f->state;
	if (mc->m->kind == FETCH_INTEGRATIONS) {
		struct live_integration *it =
		    (struct live_integration *)live_integration_by_id(s, mc->m->id);
		if (!it)
			return;
		int latest = it->latest ? it->latest->number : 0;
		struct live_version *v =
		    arena_alloc(&s->arena, (it->versions_nr + mc->versions_nr + 1) * sizeof(*v));
		memcpy(v, it->versions, it->versions_nr * sizeof(*v));
		if (mc->versions_nr)
			memcpy(v + it->versions_nr, mc->versions, mc->versions_nr * sizeof(*v));
		it->versions = v;
		it->versions_nr += mc->versions_nr;
		settle_versions(it, latest);
	} else {
		struct live_instance *in =
		    (struct live_instance *)live_instance_by_id(s, mc->m->id);
		if (!in)
			return;
		struct live_config_var *c =
		    arena_alloc(&s->arena, (in->config_nr + mc->config_nr + 1) * sizeof(*c));
		memcpy(c, in->config, in->config_nr * sizeof(*c));
		if (mc->config_nr)
			memcpy(c + in->config_nr, mc->config, mc->config_nr * sizeof(*c));
		in->config = c;
		in->config_nr += mc->config_nr;
	}
}

static int fetch_more(struct fetch *f, struct error *err)
{
	struct more_call *calls = NULL;
	size_t nr = 0, alloc = 0;
	int rc = 0;

	for (int k = 0; k < 3; k++)
		for (struct more *m = f->lists[k].more; m; m = m->next) {
			ALLOC_GROW(calls, nr + 1, alloc);
			memset(&calls[nr], 0, sizeof(calls[nr]));
			nr++;
		}
	if (!nr)
		return 0;
	size_t i = 0;
	for (int k = 0; k < 3; k++)
		for (struct more *m = f->lists[k].more; m; m = m->next) {
			calls[i].f = f;
			calls[i].m = m;
			http_xfer_init(&calls[i].call.xfer, 0);
			i++;
		}
	for (i = 0; i < nr; i++)
		more_send(&calls[i]);
	rc = api_client_run(f->client, err);
	for (i = 0; i < nr; i++) {
		if (!rc && !f->rc && calls[i].done)
			more_merge(f, &calls[i]);
		api_call_release(&calls[i].call);
		free(calls[i].versions);
		free(calls[i].config);
	}
	free(calls);
	return rc;
}

int api_fetch_live(struct live_state **out, struct api_client *c, struct error *err)
{
	struct fetch f;
	int rc;

	memset(&f, 0, sizeof(f));
	f.client = c;
	f.state = live_state_new();
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
		free(p->after);
		free(p);
	}
	for (int k = 0; k < 3; k++) {
		free(f.lists[k].pos);
		free_more(f.lists[k].more);
	}
	error_release(&f.err);
	live_state_free(f.state);
	return rc;
}
