#include "stale.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "../live/live.h"
#include "../api/lookup.h"
#include "../reconcile/diff.h"
#include "../util/xalloc.h"
#include "../util/banned.h"

/* One object re-read: what the lookup found, in a state of its own. */
struct probe {
	const struct plan_change *c;
	struct live_state *s;
	struct error *first_err; /* shared: the first lookup that failed */
	int rc;
	bool found;
	bool started;
};

static void on_probe(void *ctx, int rc, bool found, struct error *err)
{
	struct probe *pr = ctx;
	pr->rc = rc;
	pr->found = found;
	if (rc && !pr->first_err->code)
		error_set(pr->first_err, rc, "%s", err && err->message ? err->message : "failed");
}

/* A live id and the first change that names it: each object is read once. */
struct by_id {
	const char *id;
	size_t change;
};

static int cmp_by_id(const void *a, const void *b)
{
	const struct by_id *x = a, *y = b;
	int c = strcmp(x->id, y->id);
	return c ? c : (x->change > y->change) - (x->change < y->change);
}

/* Per change: whether it is the first to name its live object. */
static bool *first_of_each_object(const struct plan *p)
{
	struct by_id *ids = xcalloc(p->nr + 1, sizeof(*ids));
	bool *first = xcalloc(p->nr + 1, sizeof(*first));
	size_t n = 0;
	for (size_t i = 0; i < p->nr; i++)
		if (p->changes[i].live_id)
			ids[n++] = (struct by_id){p->changes[i].live_id, i};
	qsort(ids, n, sizeof(*ids), cmp_by_id);
	for (size_t k = 0; k < n; k++)
		first[ids[k].change] = !k || strcmp(ids[k - 1].id, ids[k].id);
	free(ids);
	return first;
}

/* Queues the lookup of change c's object, or of the object it creates. */
static void start_probe(struct probe *pr, struct api_client *client)
{
	const struct plan_change *c = pr->c;
	const char *dot = strchr(c->address, '.');
	const char *key = dot ? dot + 1 : c->address;
	pr->s = live_state_new();
	pr->started = true;
	if (c->live_id) {
		if (c->type == RES_CUSTOMER)
			api_read_customer_start(pr->s, client, c->live_id, on_probe, pr);
		else if (c->type == RES_INTEGRATION)
			api_read_integration_start(pr->s, client, c->live_id, on_probe, pr);
		else
			api_read_instance_start(pr->s, client, c->live_id, on_probe, pr);
	} else if (c->type == RES_CUSTOMER) {
		api_find_customer_start(pr->s, client, key, on_probe, pr);
	} else if (c->type == RES_INTEGRATION) {
		api_find_integration_start(pr->s, client, key, on_probe, pr);
	} else {
		api_find_instance_start(pr->s, client, c->in.instance.customer_id,
		                        c->in.instance.name, on_probe, pr);
	}
}

/* Whether the change's object is no longer as planned; *what says how. */
static bool probe_stale(const struct probe *pr, const char **what)
{
	const struct plan_change *c = pr->c;
	const struct live_state *s = pr->s;
	char fp[65] = "";
	if (!c->live_id) {
		*what = "was created since the plan was made";
		return pr->found;
	}
	*what = "was deleted since the plan was made";
	if (!pr->found)
		return true;
	if (c->type == RES_CUSTOMER && s->customers_nr)
		live_fingerprint_customer(&s->customers[s->customers_nr - 1], fp);
	else if (c->type == RES_INTEGRATION && s->integrations_nr)
		live_fingerprint_integration(&s->integrations[s->integrations_nr - 1], fp);
	else if (c->type == RES_INSTANCE && s->instances_nr)
		live_fingerprint_instance(&s->instances[s->instances_nr - 1], fp);
	*what = "changed since the plan was made";
	return c->fingerprint && strcmp(fp, c->fingerprint);
}

int check_stale(const struct plan *p, struct api_client *client, bool *stale)
{
	struct probe *probes = xcalloc(p->nr + 1, sizeof(*probes));
	bool *first = first_of_each_object(p);
	struct error err = ERROR_INIT, first_err = ERROR_INIT;
	int rc;

	*stale = false;
	for (size_t i = 0; i < p->nr; i++) {
		const struct plan_change *c = &p->changes[i];
		bool probe = c->live_id ? first[i]
		                        : c->action == PA_CREATE && (c->type != RES_INSTANCE ||
		                                                     c->in.instance.customer_id);
		probes[i].c = c;
		probes[i].first_err = &first_err;
		if (probe)
			start_probe(&probes[i], client);
	}
	rc = api_client_run(client, &err);
	if (!rc && first_err.code)
		rc = error_set(&err, first_err.code, "%s", first_err.message);
	for (size_t i = 0; i < p->nr && !rc; i++) {
		const char *what;
		if (probes[i].started && probe_stale(&probes[i], &what)) {
			fprintf(stderr, "  %s %s\n", probes[i].c->address, what);
			*stale = true;
		}
	}
	if (rc)
		cmd_print_api_error("apply", &err);
	for (size_t i = 0; i < p->nr; i++)
		live_state_free(probes[i].s);
	free(probes);
	free(first);
	error_release(&first_err);
	error_release(&err);
	return rc ? EXIT_ERROR : EXIT_OK;
}
