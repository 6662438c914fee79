/*
 * identity.c - two live objects with one identity: see identity.h.
 *
 * The live objects of each kind are sorted by identity once; runs of two or
 * more are the duplicates, looked up by binary search for each identity the
 * manifest uses. Each duplicated identity is reported once, at the first
 * manifest entry that uses it: N log N for any org and manifest.
 */
#include "identity.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "../util/buf.h"
#include "../util/strutil.h"
#include "../util/xalloc.h"
#include "../util/banned.h"

/* Ids listed in a message; the rest are counted. */
#define SHOWN_IDS 5

struct entry {
	char *key;
	const char *id;
};

/* The live objects of one kind that share an identity with another: sorted runs. */
struct dups {
	struct entry *e;
	size_t nr;
	bool *reported; /* per entry: its run was reported (set on the run's first) */
};

static int entry_cmp(const void *pa, const void *pb)
{
	const struct entry *a = pa, *b = pb;
	int c = strcmp(a->key, b->key);
	return c ? c : strcmp(a->id, b->id);
}

/* Keeps only the entries whose key is shared by another; takes e (sorted here). */
static void dups_init(struct dups *d, struct entry *e, size_t n)
{
	size_t k = 0;
	bool prev_shared = false; /* e[i - 1] shares its key with e[i] (read before it moves) */
	qsort(e, n, sizeof(*e), entry_cmp);
	for (size_t i = 0; i < n; i++) {
		bool next_shared = i + 1 < n && !strcmp(e[i + 1].key, e[i].key);
		if (prev_shared || next_shared)
			e[k++] = e[i];
		else
			free(e[i].key);
		prev_shared = next_shared;
	}
	d->e = e;
	d->nr = k;
	d->reported = xcalloc(k + 1, sizeof(*d->reported));
}

static void dups_release(struct dups *d)
{
	for (size_t i = 0; i < d->nr; i++)
		free(d->e[i].key);
	free(d->e);
	free(d->reported);
}

/* The first entry of key's run, or d->nr when key is not duplicated. */
static size_t dups_find(const struct dups *d, const char *key)
{
	size_t lo = 0, hi = d->nr;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(d->e[mid].key, key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < d->nr && !strcmp(d->e[lo].key, key) ? lo : d->nr;
}

/* "ids A and B", "ids A, B and C", "ids A, B, C, D, E and 3 more". */
static void add_ids(struct buf *b, const struct dups *d, size_t first, size_t *count)
{
	size_t n = 0;
	while (first + n < d->nr && !strcmp(d->e[first + n].key, d->e[first].key))
		n++;
	*count = n;
	buf_adds(b, "ids ");
	size_t shown = n > SHOWN_IDS ? SHOWN_IDS : n;
	for (size_t i = 0; i < shown; i++) {
		if (i)
			buf_adds(b, i + 1 == shown && shown == n ? " and " : ", ");
		buf_adds(b, d->e[first + i].id);
	}
	if (shown < n)
		buf_addf(b, " and %zu more", n - shown);
}

struct checker {
	const struct manifest *m;
	struct diag_list *diags;
	size_t errors;
	struct dups customers, integrations, instances;
};

static void report(struct checker *ck, struct dups *d, const char *key, struct mpos pos,
                   const char *what, const char *hint)
{
	size_t at = dups_find(d, key), n = 0;
	if (at == d->nr || d->reported[at])
		return;
	d->reported[at] = true;
	struct buf ids = BUF_INIT;
	add_ids(&ids, d, at, &n);
	diag_error(ck->diags, ck->m->path, pos.line, pos.col,
	           "%zu %s (%s); prismsync does not pick one of them: %s, then run again", n, what,
	           ids.data, hint);
	buf_release(&ids);
	ck->errors++;
}

/* Whether key is a duplicate not reported yet: only then is a message worth writing. */
static bool unreported(const struct dups *d, const char *key)
{
	size_t at = dups_find(d, key);
	return at < d->nr && !d->reported[at];
}

static void check_customer(struct checker *ck, const char *external_id, struct mpos pos)
{
	if (!unreported(&ck->customers, external_id))
		return;
	char *what =
	    xasprintf("customers in the organization have the externalId '%s'", external_id);
	report(ck, &ck->customers, external_id, pos, what,
	       "in Prismatic, change the externalId of all but one (or delete the extra "
	       "customers)");
	free(what);
}

static void check_integration(struct checker *ck, const char *name, struct mpos pos)
{
	if (!unreported(&ck->integrations, name))
		return;
	char *what = xasprintf("integrations in the organization are named '%s'", name);
	report(ck, &ck->integrations, name, pos, what,
	       "in Prismatic, rename all but one (or delete the extra integrations, once no "
	       "instance uses them)");
	free(what);
}

static void check_instance(struct checker *ck, const struct live_state *live,
                           const struct m_instance *in)
{
	const struct live_customer *c = live_customer_by_external_id(live, in->customer);
	if (!c)
		return;
	char *key = str_pair_key(c->id, in->name);
	if (unreported(&ck->instances, key)) {
		char *what =
		    xasprintf("instances of customer '%s' in the organization are named '%s'",
		              in->customer, in->name);
		report(ck, &ck->instances, key, in->pos, what,
		       "in Prismatic, delete the extra instances (or rename all but one)");
		free(what);
	}
	free(key);
}

static void collect(struct checker *ck, const struct live_state *live)
{
	struct entry *e = xcalloc(live->customers_nr + 1, sizeof(*e));
	size_t n = 0;
	for (size_t i = 0; i < live->customers_nr; i++)
		if (live->customers[i].external_id)
			e[n++] = (struct entry){xstrdup(live->customers[i].external_id),
			                        live->customers[i].id};
	dups_init(&ck->customers, e, n);

	e = xcalloc(live->integrations_nr + 1, sizeof(*e));
	for (size_t i = 0; i < live->integrations_nr; i++)
		e[i] =
		    (struct entry){xstrdup(live->integrations[i].name), live->integrations[i].id};
	dups_init(&ck->integrations, e, live->integrations_nr);

	e = xcalloc(live->instances_nr + 1, sizeof(*e));
	for (size_t i = 0; i < live->instances_nr; i++)
		e[i] = (struct entry){
		    str_pair_key(live->instances[i].customer_id, live->instances[i].name),
		    live->instances[i].id};
	dups_init(&ck->instances, e, live->instances_nr);
}

size_t identity_check(const struct manifest *m, const struct live_state *live,
                      struct diag_list *diags)
{
	struct checker ck = {m, diags, 0, {NULL, 0, NULL}, {NULL, 0, NULL}, {NULL, 0, NULL}};
	if (!live_shares_identities(live))
		return 0; /* the usual case, known from the index: nothing to sort */
	collect(&ck, live);
	for (size_t i = 0; i < m->customers_nr; i++)
		if (m->customers[i].external_id)
			check_customer(&ck, m->customers[i].external_id,
			               m->customers[i].external_id_pos);
	for (size_t i = 0; i < m->integrations_nr; i++) {
		const struct m_integration *g = &m->integrations[i];
		if (g->effective_name)
			check_integration(&ck, g->effective_name, g->name ? g->name_pos : g->pos);
	}
	for (size_t i = 0; i < m->instances_nr; i++) {
		const struct m_instance *in = &m->instances[i];
		if (!in->customer || !in->name || !in->integration)
			continue;
		check_customer(&ck, in->customer, in->customer_pos);
		check_integration(&ck, in->integration, in->integration_pos);
		check_instance(&ck, live, in);
	}
	dups_release(&ck.customers);
	dups_release(&ck.integrations);
	dups_release(&ck.instances);
	return ck.errors;
}
