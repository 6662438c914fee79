#include "diff_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/strutil.h"
#include "../util/xalloc.h"
#include "../util/banned.h"

/* ---- instances ---- */

struct version_choice {
	bool is_new;     /* the version the publish of this apply creates */
	int number;      /* known number (also for is_new: the expected one) */
	const char *id;  /* live version id; NULL when is_new */
	size_t publish;  /* the publish change to wait for, or PLAN_NONE */
	size_t int_last; /* the integration's create/import/update, or PLAN_NONE */
	const char *integration;
};

static size_t manifest_integration_index(const struct manifest *m, const char *name)
{
	const struct m_integration *g = manifest_find_integration(m, name);
	return g ? (size_t)(g - m->integrations) : PLAN_NONE;
}

static int choose_version(struct differ *d, const struct m_instance *mn,
                          const struct live_integration *li, struct version_choice *v)
{
	size_t gi = manifest_integration_index(d->m, mn->integration);
	memset(v, 0, sizeof(*v));
	v->publish = gi != PLAN_NONE ? d->integration_publish[gi] : PLAN_NONE;
	v->int_last = gi != PLAN_NONE ? d->integration_last[gi] : PLAN_NONE;
	v->integration = mn->integration;
	int next = gi != PLAN_NONE ? d->integration_next[gi] : 0;
	if (mn->version_latest) {
		if (v->publish != PLAN_NONE) {
			v->is_new = true;
			v->number = next;
			return 0;
		}
		if (li && li->latest) {
			v->number = li->latest->number;
			v->id = li->latest->id;
			return 0;
		}
		diff_error_at(
		    d, mn->version_pos.line ? mn->version_pos : mn->pos,
		    "integration '%s' has no published version to run; publish it (publish: "
		    "true in the manifest) or name an existing version",
		    mn->integration);
		return -1;
	}
	const struct live_version *lv = li ? live_version_by_number(li, (int)mn->version) : NULL;
	if (lv && lv->available) {
		v->number = lv->number;
		v->id = lv->id;
		return 0;
	}
	if (v->publish != PLAN_NONE && mn->version == next) {
		v->is_new = true;
		v->number = next;
		return 0;
	}
	if (lv) {
		diff_error_at(d, mn->version_pos,
		              "version %ld of integration '%s' is published but not available yet; "
		              "run again once Prismatic has made it available",
		              mn->version, mn->integration);
		return -1;
	}
	char latest[32];
	if (li && li->latest)
		snprintf(latest, sizeof(latest), "the latest is %d", li->latest->number);
	else
		snprintf(latest, sizeof(latest), "it has none yet");
	if (v->publish != PLAN_NONE)
		diff_error_at(
		    d, mn->version_pos,
		    "integration '%s' has no published version %ld (%s; this apply publishes "
		    "version %d)",
		    mn->integration, mn->version, latest, next);
	else
		diff_error_at(d, mn->version_pos,
		              "integration '%s' has no published version %ld (%s)", mn->integration,
		              mn->version, latest);
	return -1;
}

/* The version a change records: the number and id, or "the one this apply publishes". */
static void set_version(struct plan_version *out, const struct version_choice *v)
{
	out->integration = plan_strdup(v->integration);
	out->is_new = v->is_new;
	out->number = v->is_new ? 0 : v->number;
	out->id = v->is_new ? NULL : plan_strdup(v->id);
}

static char *version_json(const struct version_choice *v)
{
	if (v->is_new)
		return xasprintf("\"(new version %d)\"", v->number);
	return xasprintf("%d", v->number);
}

static void add_deploy_and_state(struct differ *d, const struct m_instance *mn, const char *addr,
                                 const struct live_instance *ln, size_t after, bool need_deploy,
                                 const struct version_choice *v)
{
	size_t last = after;
	char fp[65] = ""; /* computed for the first change that needs it */
	if (ln && ((mn->deploy && need_deploy) || mn->enabled != ln->enabled))
		live_fingerprint_instance(ln, fp);
	if (mn->deploy && need_deploy) {
		size_t c = plan_add(d->p, RES_INSTANCE, PA_DEPLOY, addr);
		plan_depend(d->p, c, after);
		plan_depend(d->p, c, v->publish);
		if (ln)
			plan_set_live(d->p, c, ln->id, fp);
		/* deployedVersion 0: the instance has never run anything. */
		const char *never = ln && !ln->has_deployed_version ? ", never deployed" : "";
		char *note = v->is_new ? xasprintf("version %d (new%s)", v->number, never)
		             : *never  ? xasprintf("version %d (never deployed)", v->number)
		                       : xasprintf("version %d", v->number);
		plan_set_note(d->p, c, note);
		free(note);
		/* What the deploy must leave running, checked by a re-read after it. */
		set_version(&d->p->changes[c].in.deploy, v);
		last = c;
	}
	bool live_enabled = ln ? ln->enabled : true;
	if (mn->enabled != live_enabled && !(ln && manifest_ignores(&mn->ignore, "enabled"))) {
		size_t c = plan_add(d->p, RES_INSTANCE, mn->enabled ? PA_ENABLE : PA_DISABLE, addr);
		plan_depend(d->p, c, last);
		if (ln)
			plan_set_live(d->p, c, ln->id, fp);
		plan_field(d->p, c, "enabled", live_enabled ? "true" : "false",
		           mn->enabled ? "true" : "false", false);
	}
}

/*
 * The definition an instance's configuration is checked against: the
 * manifest's, when the instance runs the version the manifest makes (the
 * new one or the latest); NULL otherwise (the live variables tell).
 */
static const struct ynode *config_definition(struct differ *d, const struct m_instance *mn,
                                             const struct version_choice *v)
{
	const struct m_integration *mi = manifest_find_integration(d->m, mn->integration);
	if (!mi || !mi->doc || !(v->is_new || mn->version_latest))
		return NULL;
	return mi->doc->root;
}

static void diff_instance_create(struct differ *d, const struct m_instance *mn, const char *addr,
                                 const struct version_choice *v, size_t cust_create,
                                 const char *customer_id)
{
	size_t nl;
	const char **labels =
	    diff_desired_labels(d, mn->labels.items, mn->labels.nr, mn->has_labels, NULL, 0, &nl);
	size_t c = plan_add(d->p, RES_INSTANCE, PA_CREATE, addr);
	plan_depend(d->p, c, cust_create);
	plan_depend(d->p, c, v->int_last);
	plan_depend(d->p, c, v->publish);
	diff_field_str(d, c, "name", NULL, mn->name);
	diff_field_str(d, c, "customer", NULL, mn->customer);
	diff_field_str(d, c, "integration", NULL, mn->integration);
	char *vj = version_json(v);
	plan_field(d->p, c, "version", NULL, vj, false);
	if (mn->description)
		diff_field_str(d, c, "description", NULL, mn->description);
	diff_field_labels(d, c, NULL, 0, false, labels, nl);
	struct plan_instance_in *in = &d->p->changes[c].in.instance;
	in->name = plan_strdup(mn->name);
	in->customer = plan_strdup(mn->customer);
	in->customer_id = plan_strdup(customer_id);
	in->description = plan_strdup(mn->description);
	plan_labels_set(&in->labels, labels, nl);
	in->has_version = true;
	set_version(&in->version, v);
	in->has_config = true;
	for (size_t i = 0; i < mn->config_nr; i++) {
		configdiff_fields(&d->cfg, c, &mn->config[i], NULL, customer_id);
		configdiff_input(&d->cfg, plan_config_add(in), &mn->config[i], customer_id);
	}
	char *why = NULL;
	bool hold =
	    configdiff_predict(&d->cfg, mn, config_definition(d, mn, v), NULL, customer_id, &why);
	if (why)
		plan_set_note(d->p, c, why);
	free(why);
	add_deploy_and_state(d, mn, addr, NULL, c, !hold, v);
	free(vj);
	free(labels);
}

/* An instance's ignore: [configVariables.<key>] leaves that variable alone once it exists. */
static bool config_ignored(const struct m_instance *mn, const struct m_configvar *cv)
{
	if (!mn->ignore.nr)
		return false; /* most instances ignore nothing: no name to build */
	char *field = xasprintf("configVariables.%s", cv->key);
	bool ignored = manifest_ignores(&mn->ignore, field);
	free(field);
	return ignored;
}

/* Whether an update of live instance ln writes config variable cv. */
static bool config_writes(struct differ *d, const struct m_instance *mn,
                          const struct m_configvar *cv, const struct live_instance *ln)
{
	return !config_ignored(mn, cv) && configdiff_differs(&d->cfg, cv, ln, ln->customer_id);
}

/* The fields and inputs of update c: what differs of description, labels, version and config. */
static void instance_update_inputs(struct differ *d, size_t c, const struct m_instance *mn,
                                   const struct live_instance *ln, const struct version_choice *v,
                                   const char *const *labels, size_t nl, bool desc, bool lab,
                                   bool ver)
{
	struct plan_instance_in *in = &d->p->changes[c].in.instance;
	if (desc)
		diff_update_str(d, c, "description", ln->description, mn->description,
		                &in->description);
	if (lab)
		diff_update_labels(d, c, ln->labels, ln->labels_nr, labels, nl, &in->labels);
	if (ver) {
		char *before = xasprintf("%d", ln->version_number);
		char *after = version_json(v);
		plan_field(d->p, c, "version", before, after, false);
		free(before);
		free(after);
		in->has_version = true;
		set_version(&in->version, v);
	}
	for (size_t i = 0; i < mn->config_nr; i++) {
		if (!config_writes(d, mn, &mn->config[i], ln))
			continue;
		configdiff_fields(&d->cfg, c, &mn->config[i], ln, ln->customer_id);
		configdiff_input(&d->cfg, plan_config_add(in), &mn->config[i], ln->customer_id);
		in->has_config = true;
	}
	/* Description and labels alone leave what runs as it is: no deploy follows. */
	in->preserve_deploy_state = !ver && !in->has_config;
}

static void diff_instance_update(struct differ *d, const struct m_instance *mn, const char *addr,
                                 const struct live_instance *ln, const struct version_choice *v)
{
	size_t nl;
	const char **labels =
	    diff_desired_labels(d, mn->labels.items, mn->labels.nr,
	                        mn->has_labels && !manifest_ignores(&mn->ignore, "labels"),
	                        ln->labels, ln->labels_nr, &nl);
	bool desc = mn->description && !manifest_ignores(&mn->ignore, "description") &&
	            !diff_str_eq(ln->description, mn->description);
	bool lab = !diff_labels_same_set(ln->labels, ln->labels_nr, labels, nl);
	bool ver = v->is_new || !ln->version_id || strcmp(ln->version_id, v->id);
	const char *customer_id = ln->customer_id;
	size_t nconf = 0;
	for (size_t i = 0; i < mn->config_nr; i++)
		if (config_writes(d, mn, &mn->config[i], ln))
			nconf++;
	size_t c = PLAN_NONE;
	if (desc || lab || ver || nconf) {
		char fp[65];
		live_fingerprint_instance(ln, fp);
		c = plan_add(d->p, RES_INSTANCE, PA_UPDATE, addr);
		plan_set_live(d->p, c, ln->id, fp);
		plan_depend(d->p, c, v->publish);
		instance_update_inputs(d, c, mn, ln, v, labels, nl, desc, lab, ver);
	}
	bool need_deploy = ver || nconf || ln->needs_deploy || !ln->has_deployed_version ||
	                   ln->deployed_version != v->number;
	/*
	 * Without the definition of the version it will run, only the live
	 * variables tell, and they describe the version it runs now.
	 */
	const struct ynode *definition = config_definition(d, mn, v);
	char *why = NULL;
	bool hold = (definition || !ver) &&
	            configdiff_predict(&d->cfg, mn, definition, ln, customer_id, &why);
	if (why && c != PLAN_NONE)
		plan_set_note(d->p, c, why);
	free(why);
	add_deploy_and_state(d, mn, addr, ln, c, need_deploy && !hold, v);
	free(labels);
}

/*
 * The customer externalId or integration name, among the manifest's and the
 * organization's, nearest to a reference found in neither; NULL when none
 * is a plausible typo. Borrowed from the manifest or the live state.
 */
static const char *nearest_reference(const struct differ *d, const char *ref, bool customer)
{
	size_t n = customer ? d->m->customers_nr + d->live->customers_nr
	                    : d->m->integrations_nr + d->live->integrations_nr;
	const char **names = xcalloc(n + 1, sizeof(*names));
	size_t k = 0;
	if (customer) {
		for (size_t i = 0; i < d->m->customers_nr; i++)
			names[k++] = d->m->customers[i].external_id;
		for (size_t i = 0; i < d->live->customers_nr; i++)
			if (d->live->customers[i].external_id)
				names[k++] = d->live->customers[i].external_id;
	} else {
		for (size_t i = 0; i < d->m->integrations_nr; i++)
			if (d->m->integrations[i].effective_name)
				names[k++] = d->m->integrations[i].effective_name;
		for (size_t i = 0; i < d->live->integrations_nr; i++)
			names[k++] = d->live->integrations[i].name;
	}
	const char *near = nearest_word(ref, names, k);
	free(names);
	return near;
}

/* Reports ref, a customer or integration found neither in the manifest nor in the org. */
static void unknown_reference(struct differ *d, struct mpos pos, const char *ref, bool customer)
{
	const char *near = nearest_reference(d, ref, customer);
	diff_error_at(d, pos, "%s '%s' is neither in the manifest nor in the organization%s%s%s",
	              customer ? "customer" : "integration", ref, near ? "; did you mean '" : "",
	              near ? near : "", near ? "'?" : "");
}

void diff_instance(struct differ *d, size_t idx)
{
	const struct m_instance *mn = &d->m->instances[idx];
	const struct m_customer *mc = manifest_find_customer(d->m, mn->customer);
	const struct live_customer *lc = live_customer_by_external_id(d->live, mn->customer);
	const struct m_integration *mi = manifest_find_integration(d->m, mn->integration);
	const struct live_integration *li = live_integration_by_name(d->live, mn->integration);
	struct version_choice v;

	if (!mc && !lc) {
		unknown_reference(d, mn->customer_pos, mn->customer, true);
		return;
	}
	if (!mi && !li) {
		unknown_reference(d, mn->integration_pos, mn->integration, false);
		return;
	}
	if (mi && !mi->doc)
		return; /* its definition could not be loaded: already reported */
	if (choose_version(d, mn, li, &v))
		return;
	char *addr = xasprintf("instance.%s/%s", mn->customer, mn->name);
	const struct live_instance *ln =
	    lc ? live_instance_by_identity(d->live, lc->id, mn->name) : NULL;
	configdiff_check(&d->cfg, mn, lc ? lc->id : NULL);
	if (!ln) {
		size_t cust_create = mc ? d->customer_create[mc - d->m->customers] : PLAN_NONE;
		diff_instance_create(d, mn, addr, &v, cust_create, lc ? lc->id : NULL);
	} else {
		if (ln->integration_name && strcmp(ln->integration_name, mn->integration))
			diff_error_at(
			    d, mn->integration_pos,
			    "instance '%s' of customer '%s' runs integration '%s' in the "
			    "organization, not '%s'; an instance cannot change integration (rename "
			    "it to create a new one)",
			    mn->name, mn->customer, ln->integration_name, mn->integration);
		else
			diff_instance_update(d, mn, addr, ln, &v);
	}
	free(addr);
}
