#include "configdiff.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../schema/yaml_tree.h"
#include "../util/error.h"
#include "../util/xalloc.h"
#include "plan_io.h"
#include "../util/banned.h"

#define SENSITIVE_TEXT "(sensitive)"

static void report(struct configdiff *cd, enum diag_severity sev, struct mpos pos, const char *fmt,
                   ...) __attribute__((format(printf, 4, 5)));

static void report(struct configdiff *cd, enum diag_severity sev, struct mpos pos, const char *fmt,
                   ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = xvasprintf(fmt, ap);
	va_end(ap);
	diag_add(cd->diags, sev, cd->m->path, pos.line, pos.col, "%s", msg);
	free(msg);
	if (sev == DIAG_ERROR)
		cd->errors++;
}

/* The value of an environment variable the manifest names: a secret from now on. */
static const char *env_value(const struct configdiff *cd, const char *name)
{
	const char *v = cd->o->getenv ? cd->o->getenv(name) : getenv(name);
	error_add_secret(v);
	return v;
}

/* What a value of the manifest stands for: itself, or its environment variable (NULL: unset). */
static const char *resolve(const struct configdiff *cd, const char *value, const char *env_name)
{
	return env_name ? env_value(cd, env_name) : value;
}

static bool same(const char *a, const char *b)
{
	return !strcmp(a ? a : "", b ? b : "");
}

static struct mpos pos_or(struct mpos a, struct mpos b)
{
	return a.line ? a : b;
}

/* The customer-level variable a customerConnection names, or NULL. */
static const struct live_customer_var *
customer_var(const struct configdiff *cd, const struct m_configvar *cv, const char *customer_id)
{
	return customer_id ? live_customer_var(cd->live, customer_id, cv->customer_connection)
	                   : NULL;
}

/* The keys of customer_id's customer-level variables, for a message (a new string). */
static char *customer_keys(const struct configdiff *cd, const char *customer_id)
{
	struct buf b = BUF_INIT;
	for (size_t i = 0; customer_id && i < cd->live->customer_vars_nr; i++) {
		const struct live_customer_var *v = &cd->live->customer_vars[i];
		if (!v->key || !v->customer_id || strcmp(v->customer_id, customer_id))
			continue;
		buf_adds(&b, b.len ? ", '" : "'");
		buf_adds(&b, v->key);
		buf_addch(&b, '\'');
	}
	if (!b.len)
		buf_adds(&b, "none");
	return buf_detach(&b, NULL);
}

/* Two customer-level variables of one customer with one key: an error naming both, no pick. */
static void check_one_customer_var(struct configdiff *cd, const struct m_instance *mn,
                                   const struct m_configvar *cv,
                                   const struct live_customer_var *found)
{
	for (size_t i = 0; i < cd->live->customer_vars_nr; i++) {
		const struct live_customer_var *v = &cd->live->customer_vars[i];
		if (v == found || !v->key || !v->customer_id || strcmp(v->key, found->key) ||
		    strcmp(v->customer_id, found->customer_id))
			continue;
		report(cd, DIAG_ERROR, pos_or(cv->form_pos, cv->value_pos),
		       "customer '%s' has two customer-level connections '%s' (ids %s and %s): "
		       "prismsync does not pick one; delete or rename one of them in Prismatic",
		       mn->customer, cv->customer_connection, found->id, v->id);
		return;
	}
}

void configdiff_check(struct configdiff *cd, const struct m_instance *mn, const char *customer_id)
{
	for (size_t i = 0; i < mn->config_nr; i++) {
		const struct m_configvar *cv = &mn->config[i];
		if (cv->env_name && !env_value(cd, cv->env_name))
			report(cd, DIAG_ERROR, cv->value_pos,
			       "environment variable %s is not set (config variable '%s' of "
			       "instance '%s')",
			       cv->env_name, cv->key, mn->name);
		for (size_t k = 0; k < cv->inputs_nr; k++) {
			const struct m_cv_input *in = &cv->inputs[k];
			if (in->env_name && !env_value(cd, in->env_name))
				report(cd, DIAG_ERROR, pos_or(in->value_pos, in->pos),
				       "environment variable %s is not set (input '%s' of config "
				       "variable '%s' of instance '%s')",
				       in->env_name, in->name, cv->key, mn->name);
		}
		if (cv->kind != M_CV_CUSTOMER_CONNECTION)
			continue;
		const struct live_customer_var *found = customer_var(cd, cv, customer_id);
		if (found) {
			check_one_customer_var(cd, mn, cv, found);
			continue;
		}
		if (!customer_id) {
			report(cd, DIAG_ERROR, pos_or(cv->form_pos, cv->value_pos),
			       "customer '%s' is created by this plan and has no customer-level "
			       "connection '%s' yet (config variable '%s' of instance '%s'); "
			       "create the connection for the customer in Prismatic first",
			       mn->customer, cv->customer_connection, cv->key, mn->name);
			continue;
		}
		char *keys = customer_keys(cd, customer_id);
		report(cd, DIAG_ERROR, pos_or(cv->form_pos, cv->value_pos),
		       "customer '%s' has no customer-level connection '%s' (config variable "
		       "'%s' of instance '%s'); the customer has: %s",
		       mn->customer, cv->customer_connection, cv->key, mn->name, keys);
		free(keys);
	}
}

/* Whether input in of a connection must be written over live input li (NULL: absent). */
static bool input_differs(const struct configdiff *cd, const struct m_cv_input *in,
                          const struct live_config_input *li)
{
	const char *want = resolve(cd, in->value, in->env_name);
	if (!want)
		return false; /* reported by configdiff_check */
	if (li && li->write_only)
		return cd->o->push_secrets; /* cannot be compared: written only on purpose */
	return !li || !same(li->value, want);
}

bool configdiff_differs(struct configdiff *cd, const struct m_configvar *cv,
                        const struct live_instance *ln, const char *customer_id)
{
	const struct live_config_var *lcv = ln ? live_instance_config_var(ln, cv->key) : NULL;
	switch (cv->kind) {
	case M_CV_VALUE: {
		const char *want = resolve(cd, cv->value, cv->env_name);
		/* An unset variable differs from "" too: the prediction counts "" as set. */
		return want && (!lcv || !lcv->value || strcmp(lcv->value, want));
	}
	case M_CV_CONNECTION:
		if (!lcv || lcv->customer_var_id)
			return true;
		for (size_t i = 0; i < cv->inputs_nr; i++)
			if (input_differs(cd, &cv->inputs[i],
			                  live_config_input(lcv, cv->inputs[i].name)))
				return true;
		return false;
	case M_CV_CUSTOMER_CONNECTION: {
		const struct live_customer_var *target = customer_var(cd, cv, customer_id);
		if (!target)
			return false; /* reported by configdiff_check */
		return !lcv || !lcv->customer_var_id || strcmp(lcv->customer_var_id, target->id);
	}
	case M_CV_SCHEDULE:
		return !lcv || !same(lcv->value, cv->value) || !same(lcv->time_zone, cv->time_zone);
	}
	return false;
}

/* Adds field configVariables.<key><suffix>; before and after are plain text (NULL: absent). */
static void field(struct configdiff *cd, size_t c, const struct m_configvar *cv, const char *suffix,
                  const char *before, const char *after, bool sensitive)
{
	char *name = xasprintf("configVariables.%s%s", cv->key, suffix);
	char *b = before ? plan_json_str(before) : NULL;
	char *a = after ? plan_json_str(sensitive ? SENSITIVE_TEXT : after) : NULL;
	plan_field(cd->p, c, name, b, a, sensitive);
	free(name);
	free(b);
	free(a);
}

static void connection_fields(struct configdiff *cd, size_t c, const struct m_configvar *cv,
                              const struct live_config_var *lcv)
{
	bool all = !lcv || lcv->customer_var_id;
	if (lcv && lcv->customer_var_id)
		field(cd, c, cv, ".customerConnection",
		      lcv->customer_var_key ? lcv->customer_var_key : lcv->customer_var_id, NULL,
		      false);
	for (size_t i = 0; i < cv->inputs_nr; i++) {
		const struct m_cv_input *in = &cv->inputs[i];
		const struct live_config_input *li = all ? NULL : live_config_input(lcv, in->name);
		if (!all && !input_differs(cd, in, li))
			continue;
		char *suffix = xasprintf(".inputs.%s", in->name);
		bool sensitive = in->env_name || (li && li->write_only);
		field(cd, c, cv, suffix, li ? li->value : NULL, in->value, sensitive);
		free(suffix);
	}
}

void configdiff_fields(struct configdiff *cd, size_t c, const struct m_configvar *cv,
                       const struct live_instance *ln, const char *customer_id)
{
	const struct live_config_var *lcv = ln ? live_instance_config_var(ln, cv->key) : NULL;
	switch (cv->kind) {
	case M_CV_VALUE:
		field(cd, c, cv, "", lcv ? (lcv->value ? lcv->value : "") : NULL, cv->value,
		      cv->env_name != NULL);
		break;
	case M_CV_CONNECTION:
		connection_fields(cd, c, cv, lcv);
		break;
	case M_CV_CUSTOMER_CONNECTION: {
		const struct live_customer_var *target = customer_var(cd, cv, customer_id);
		const char *before = NULL;
		if (lcv && lcv->customer_var_id)
			before =
			    lcv->customer_var_key ? lcv->customer_var_key : lcv->customer_var_id;
		if (!lcv || !lcv->customer_var_id || !target ||
		    strcmp(lcv->customer_var_id, target->id))
			field(cd, c, cv, ".customerConnection", before, cv->customer_connection,
			      false);
		break;
	}
	case M_CV_SCHEDULE:
		if (!lcv || !same(lcv->value, cv->value))
			field(cd, c, cv, ".schedule", lcv ? (lcv->value ? lcv->value : "") : NULL,
			      cv->value, false);
		if (!lcv || !same(lcv->time_zone, cv->time_zone))
			field(cd, c, cv, ".timeZone",
			      lcv ? (lcv->time_zone ? lcv->time_zone : "") : NULL, cv->time_zone,
			      false);
		break;
	}
}

/* Literal text, or the name of the variable that holds a secret (resolved only when applied). */
static void set_value(struct plan_value *out, const char *value, const char *env_name)
{
	if (env_name)
		out->env = plan_strdup(env_name);
	else
		out->text = plan_strdup(value);
}

void configdiff_input(struct configdiff *cd, struct plan_config_var *out,
                      const struct m_configvar *cv, const char *customer_id)
{
	out->key = plan_strdup(cv->key);
	switch (cv->kind) {
	case M_CV_VALUE:
		out->kind = PLAN_CV_VALUE;
		set_value(&out->value, cv->value, cv->env_name);
		break;
	case M_CV_CONNECTION:
		out->kind = PLAN_CV_CONNECTION;
		for (size_t i = 0; i < cv->inputs_nr; i++) {
			struct plan_config_input *in = plan_config_input_add(out);
			in->name = plan_strdup(cv->inputs[i].name);
			set_value(&in->value, cv->inputs[i].value, cv->inputs[i].env_name);
		}
		break;
	case M_CV_CUSTOMER_CONNECTION: {
		const struct live_customer_var *target = customer_var(cd, cv, customer_id);
		out->kind = PLAN_CV_CUSTOMER_CONNECTION;
		out->customer_connection = plan_strdup(cv->customer_connection);
		out->customer_var_id = plan_strdup(target ? target->id : NULL);
		break;
	}
	case M_CV_SCHEDULE:
		out->kind = PLAN_CV_SCHEDULE;
		set_value(&out->value, cv->value, NULL);
		out->time_zone = plan_strdup(cv->time_zone);
		break;
	}
}

/* ---- the configuration state an apply leaves ---- */

static const struct m_configvar *manifest_var(const struct m_instance *mn, const char *key)
{
	for (size_t i = 0; i < mn->config_nr; i++)
		if (!strcmp(mn->config[i].key, key))
			return &mn->config[i];
	return NULL;
}

static bool set_in_manifest(const struct m_configvar *cv)
{
	if (!cv)
		return false;
	switch (cv->kind) {
	case M_CV_VALUE:
		return true; /* even an empty value: the user chose it */
	case M_CV_CONNECTION:
		return cv->inputs_nr > 0;
	default:
		return true;
	}
}

/* A plain variable is set when it has a value (an empty one too); a connection when any input is.
 */
static bool set_live(const struct live_config_var *lcv)
{
	if (!lcv)
		return false;
	bool connection = lcv->data_type && !strcasecmp(lcv->data_type, "CONNECTION");
	if (!connection && lcv->value)
		return true;
	if ((lcv->value && *lcv->value) || lcv->customer_var_id)
		return true;
	for (size_t i = 0; i < lcv->inputs_nr; i++)
		if (lcv->inputs[i].has_value)
			return true;
	return false;
}

static const char *scalar(const struct ynode *map, const char *key)
{
	const struct ynode *n = ymap_get(map, key);
	return n && n->kind == YNODE_SCALAR && yscalar_type(n) != YTYPE_NULL ? n->u.scalar.value
	                                                                     : NULL;
}

/*
 * Whether the definition's defaults set the variable: any defaultValue of a
 * plain variable (an empty string is a value, as for a variable set to ""),
 * every input's default of a connection (an empty input is not set).
 */
static bool set_by_default(const struct ynode *item, bool connection)
{
	if (!connection)
		return scalar(item, "defaultValue") != NULL;
	const struct ynode *inputs = ymap_get(item, "inputs");
	if (!inputs || inputs->kind != YNODE_MAP || !inputs->u.map.nr)
		return false;
	for (size_t i = 0; i < inputs->u.map.nr; i++) {
		const struct ynode *in = inputs->u.map.pairs[i].value;
		const char *v = in && in->kind == YNODE_MAP ? scalar(in, "value") : NULL;
		if (!v || !*v)
			return false;
	}
	return true;
}

/*
 * Whether a connection will await a person's OAuth 2.0 authorization after
 * this apply: the manifest writes the inputs of an OAuth 2.0 connection
 * (which then needs authorizing again), or it is set, pending and not
 * rewritten, or it points at a customer-level connection that is pending.
 */
static bool awaits_authorization(struct configdiff *cd, const struct m_configvar *cv,
                                 const struct live_config_var *lcv, const struct live_instance *ln,
                                 bool oauth, const char *customer_id)
{
	if (cv && cv->kind == M_CV_CUSTOMER_CONNECTION) {
		const struct live_customer_var *target = customer_var(cd, cv, customer_id);
		return target && target->status && !strcmp(target->status, "PENDING");
	}
	if (cv && cv->kind == M_CV_CONNECTION && configdiff_differs(cd, cv, ln, customer_id))
		return oauth;
	/* PENDING also describes a connection nothing was set on: that one is unset. */
	return lcv && lcv->status && !strcmp(lcv->status, "PENDING") && set_live(lcv);
}

struct prediction {
	struct buf unset;   /* 'A', 'B' */
	struct buf pending; /* 'C' */
	size_t unset_nr, pending_nr;
};

static void add_name(struct buf *b, size_t *nr, const char *key)
{
	buf_adds(b, (*nr)++ ? ", '" : "'");
	buf_adds(b, key);
	buf_addch(b, '\'');
}

static void predict_from_definition(struct configdiff *cd, struct prediction *pr,
                                    const struct m_instance *mn, const struct ynode *definition,
                                    const struct live_instance *ln, const char *customer_id)
{
	const struct ynode *vars = ymap_get(definition, "requiredConfigVars");
	if (!vars || vars->kind != YNODE_SEQ)
		return;
	for (size_t i = 0; i < vars->u.seq.nr; i++) {
		const struct ynode *item = vars->u.seq.items[i];
		const char *key = item && item->kind == YNODE_MAP ? scalar(item, "key") : NULL;
		if (!key)
			continue;
		const char *type = scalar(item, "dataType");
		bool connection = type && !strcasecmp(type, "connection");
		const struct m_configvar *cv = manifest_var(mn, key);
		const struct live_config_var *lcv = ln ? live_instance_config_var(ln, key) : NULL;
		if (!set_in_manifest(cv) && !set_live(lcv) && !set_by_default(item, connection))
			add_name(&pr->unset, &pr->unset_nr, key);
		if (!connection)
			continue;
		/*
		 * Assumed: a connection whose definition names an OAuth connection
		 * (its connection.key starts with "oauth", as oauth2 and oauth do)
		 * is OAuth 2.0 with authorization code, which a person authorizes.
		 * The definition does not say so otherwise; the component would.
		 */
		const struct ynode *conn = ymap_get(item, "connection");
		const char *ckey = conn && conn->kind == YNODE_MAP ? scalar(conn, "key") : NULL;
		bool oauth = ckey && !strncasecmp(ckey, "oauth", 5);
		if (awaits_authorization(cd, cv, lcv, ln, oauth, customer_id))
			add_name(&pr->pending, &pr->pending_nr, key);
	}
}

static void predict_from_live(struct configdiff *cd, struct prediction *pr,
                              const struct m_instance *mn, const struct live_instance *ln,
                              const char *customer_id)
{
	for (size_t i = 0; i < ln->config_nr; i++) {
		const struct live_config_var *lcv = &ln->config[i];
		const struct m_configvar *cv = manifest_var(mn, lcv->key);
		if (!set_in_manifest(cv) && !set_live(lcv))
			add_name(&pr->unset, &pr->unset_nr, lcv->key);
		bool connection = lcv->data_type && !strcasecmp(lcv->data_type, "CONNECTION");
		if (connection && awaits_authorization(cd, cv, lcv, ln, false, customer_id))
			add_name(&pr->pending, &pr->pending_nr, lcv->key);
	}
}

bool configdiff_predict(struct configdiff *cd, const struct m_instance *mn,
                        const struct ynode *definition, const struct live_instance *ln,
                        const char *customer_id, char **why)
{
	struct prediction pr = {BUF_INIT, BUF_INIT, 0, 0};
	bool hold = false;
	*why = NULL;
	if (definition)
		predict_from_definition(cd, &pr, mn, definition, ln, customer_id);
	else if (ln)
		predict_from_live(cd, &pr, mn, ln, customer_id);

	if (pr.unset_nr && mn->deploy)
		report(cd, DIAG_ERROR, mn->pos,
		       "instance '%s' of customer '%s' would be left with required config "
		       "variable%s %s unset (not in the manifest, not set in the organization, no "
		       "default): it could not be deployed; set %s under configVariables, or add "
		       "deploy: false to create it without deploying",
		       mn->name, mn->customer, pr.unset_nr == 1 ? "" : "s", pr.unset.data,
		       pr.unset_nr == 1 ? "it" : "them");
	if (pr.pending_nr) {
		report(cd, DIAG_WARNING, mn->pos,
		       "instance '%s' of customer '%s': connection%s %s await%s OAuth 2.0 "
		       "authorization by a person in Prismatic (the instance's configuration "
		       "page); the instance is not deployed until then, and the next apply after "
		       "it deploys it",
		       mn->name, mn->customer, pr.pending_nr == 1 ? "" : "s", pr.pending.data,
		       pr.pending_nr == 1 ? "s" : "");
		if (mn->deploy) {
			hold = true;
			*why = xasprintf("not deployed: %s await%s OAuth 2.0 authorization",
			                 pr.pending.data, pr.pending_nr == 1 ? "s" : "");
		}
	}
	buf_release(&pr.unset);
	buf_release(&pr.pending);
	return hold;
}

bool configdiff_uses_customer_connections(const struct manifest *m)
{
	for (size_t i = 0; i < m->instances_nr; i++)
		for (size_t k = 0; k < m->instances[i].config_nr; k++)
			if (m->instances[i].config[k].kind == M_CV_CUSTOMER_CONNECTION)
				return true;
	return false;
}
