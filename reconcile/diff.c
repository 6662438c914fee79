#include "diff.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../schema/yaml_emit.h"
#include "../util/sha256.h"
#include "../util/strutil.h"
#include "../util/xalloc.h"
#include "configdiff.h"
#include "defdiff.h"
#include "../util/banned.h"

/* Top-level definition keys compared as integration metadata, not as definition content. */
static const char *const metadata_keys[] = {"name", "description", "labels", NULL};

struct differ {
	struct plan *p;
	const struct manifest *m;
	const struct live_state *live;
	const struct diff_opts *o;
	struct diag_list *diags;
	char *owner_label;
	size_t errors;
	size_t *customer_create;     /* per manifest customer: its create change or PLAN_NONE */
	size_t *integration_last;    /* per manifest integration: its last create/import/update */
	size_t *integration_publish; /* per manifest integration: its publish or PLAN_NONE */
	bool *wants_publish;         /* per manifest integration: publish in the publish phase */
	int *integration_next;       /* per manifest integration: number its publish will get */
	struct configdiff cfg;       /* config variables (configdiff.h); its errors count too */
};

static void error_at(struct differ *d, struct mpos pos, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void error_at(struct differ *d, struct mpos pos, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = xvasprintf(fmt, ap);
	va_end(ap);
	diag_error(d->diags, d->m->path, pos.line, pos.col, "%s", msg);
	free(msg);
	d->errors++;
}

/* JSON text helpers: every value in a plan is JSON. */
static void jstr(struct buf *b, const char *s)
{
	if (!s)
		buf_adds(b, "null");
	else
		json_quote(b, s, strlen(s));
}

static char *jstr_new(const char *s)
{
	struct buf b = BUF_INIT;
	jstr(&b, s);
	return buf_detach(&b, NULL);
}

static void jlabels(struct buf *b, const char *const *labels, size_t n)
{
	buf_addch(b, '[');
	for (size_t i = 0; i < n; i++) {
		if (i)
			buf_addch(b, ',');
		jstr(b, labels[i]);
	}
	buf_addch(b, ']');
}

static char *jlabels_new(const char *const *labels, size_t n)
{
	struct buf b = BUF_INIT;
	jlabels(&b, labels, n);
	return buf_detach(&b, NULL);
}

static void field_str(struct differ *d, size_t c, const char *name, const char *before,
                      const char *after)
{
	char *b = before ? jstr_new(before) : NULL, *a = after ? jstr_new(after) : NULL;
	plan_field(d->p, c, name, b, a, false);
	free(b);
	free(a);
}

static void field_labels(struct differ *d, size_t c, const char *const *before, size_t nb,
                         bool has_before, const char *const *after, size_t na)
{
	char *b = has_before ? jlabels_new(before, nb) : NULL, *a = jlabels_new(after, na);
	plan_field(d->p, c, "labels", b, a, false);
	free(b);
	free(a);
}

static bool str_eq(const char *a, const char *b)
{
	return !strcmp(a ? a : "", b ? b : "");
}

static bool has_label(const char *const *labels, size_t n, const char *label)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(labels[i], label))
			return true;
	return false;
}

static bool labels_same_set(const char *const *a, size_t na, const char *const *b, size_t nb)
{
	for (size_t i = 0; i < na; i++)
		if (!has_label(b, nb, a[i]))
			return false;
	for (size_t i = 0; i < nb; i++)
		if (!has_label(a, na, b[i]))
			return false;
	return true;
}

/*
 * The labels an object should carry: the manifest's (or, when it does not
 * manage labels, the live ones), plus the owner label, plus the protected
 * label when someone set it by hand. Returns a new array of borrowed strings.
 */
static const char **desired_labels(struct differ *d, const char *const *managed, size_t nm,
                                   bool manages, const char *const *live, size_t nl, size_t *out_n)
{
	const char **out = xcalloc(nm + nl + 2, sizeof(*out));
	size_t n = 0;
	const char *const *src = manages ? managed : live;
	size_t ns = manages ? nm : nl;
	for (size_t i = 0; i < ns; i++)
		if (!has_label(out, n, src[i]) && !(str_starts_with(src[i], OWNER_LABEL_PREFIX) &&
		                                    strcmp(src[i], d->owner_label)))
			out[n++] = src[i];
	if (has_label(live, nl, PROTECTED_LABEL) && !has_label(out, n, PROTECTED_LABEL))
		out[n++] = PROTECTED_LABEL;
	if (!has_label(out, n, d->owner_label))
		out[n++] = d->owner_label;
	*out_n = n;
	return out;
}

/* ---- customers ---- */

static void diff_customer(struct differ *d, size_t idx)
{
	const struct m_customer *mc = &d->m->customers[idx];
	const struct live_customer *lc = live_customer_by_external_id(d->live, mc->external_id);
	char *addr = xasprintf("customer.%s", mc->external_id);
	size_t nl;
	bool manages = mc->has_labels && !(lc && manifest_ignores(&mc->ignore, "labels"));
	const char **labels = desired_labels(d, mc->labels.items, mc->labels.nr, manages,
	                                     lc ? lc->labels : NULL, lc ? lc->labels_nr : 0, &nl);
	struct buf payload = BUF_INIT;

	if (!lc) {
		for (size_t i = 0; i < d->live->customers_nr; i++) {
			const struct live_customer *other = &d->live->customers[i];
			if (!strcmp(other->name, mc->name))
				error_at(
				    d, mc->pos,
				    "customer name '%s' is already taken by the customer with "
				    "externalId '%s'; customer names are unique in an organization",
				    mc->name, other->external_id ? other->external_id : "(none)");
		}
		size_t c = plan_add(d->p, RES_CUSTOMER, PA_CREATE, addr);
		d->customer_create[idx] = c;
		field_str(d, c, "externalId", NULL, mc->external_id);
		field_str(d, c, "name", NULL, mc->name);
		if (mc->description)
			field_str(d, c, "description", NULL, mc->description);
		field_labels(d, c, NULL, 0, false, labels, nl);
		buf_adds(&payload, "{\"externalId\":");
		jstr(&payload, mc->external_id);
		buf_adds(&payload, ",\"name\":");
		jstr(&payload, mc->name);
		buf_adds(&payload, ",\"description\":");
		jstr(&payload, mc->description);
		buf_adds(&payload, ",\"labels\":");
		jlabels(&payload, labels, nl);
		buf_addch(&payload, '}');
		plan_set_payload(d->p, c, payload.data);
		goto done;
	}

	bool name = strcmp(lc->name, mc->name) != 0;
	bool desc = mc->description && !manifest_ignores(&mc->ignore, "description") &&
	            !str_eq(lc->description, mc->description);
	bool lab = !labels_same_set(lc->labels, lc->labels_nr, labels, nl);
	if (!name && !desc && !lab)
		goto done;
	size_t c = plan_add(d->p, RES_CUSTOMER, PA_UPDATE, addr);
	char fp[65];
	live_fingerprint_customer(lc, fp);
	plan_set_live(d->p, c, lc->id, fp);
	buf_addch(&payload, '{');
	if (name) {
		field_str(d, c, "name", lc->name, mc->name);
		buf_adds(&payload, "\"name\":");
		jstr(&payload, mc->name);
	}
	if (desc) {
		field_str(d, c, "description", lc->description, mc->description);
		buf_adds(&payload, payload.len > 1 ? ",\"description\":" : "\"description\":");
		jstr(&payload, mc->description);
	}
	if (lab) {
		field_labels(d, c, lc->labels, lc->labels_nr, true, labels, nl);
		buf_adds(&payload, payload.len > 1 ? ",\"labels\":" : "\"labels\":");
		jlabels(&payload, labels, nl);
	}
	buf_addch(&payload, '}');
	plan_set_payload(d->p, c, payload.data);
done:
	buf_release(&payload);
	free(labels);
	free(addr);
}

/* ---- integrations ---- */

static struct ydoc *parse_live_definition(struct differ *d, const char *name, const char *what,
                                          const char *text, struct mpos pos)
{
	struct diag_list scratch;
	struct ydoc *doc = NULL;
	diag_list_init(&scratch);
	if (ydoc_parse(&doc, what, text, strlen(text), &scratch)) {
		error_at(d, pos,
		         "the %s of integration '%s' in the organization is not valid YAML: %s",
		         what, name, scratch.nr ? scratch.items[0].message : "unreadable");
		doc = NULL;
	}
	diag_list_release(&scratch);
	return doc;
}

/* The definition's own labels, when it lists them (borrowed from its document). */
static const char **definition_labels(const struct m_integration *g, size_t *n, bool *has)
{
	const struct ynode *l = g->doc ? ymap_get(g->doc->root, "labels") : NULL;
	*n = 0;
	*has = l && l->kind == YNODE_SEQ;
	if (!*has)
		return NULL;
	const char **out = xcalloc(l->u.seq.nr + 1, sizeof(*out));
	for (size_t i = 0; i < l->u.seq.nr; i++)
		if (l->u.seq.items[i]->kind == YNODE_SCALAR)
			out[(*n)++] = l->u.seq.items[i]->u.scalar.value;
	return out;
}

/* The YAML to import: the definition with the manifest's name, description and labels. */
static char *definition_to_import(struct differ *d, const struct m_integration *g,
                                  const char *description, const char *const *labels, size_t nl)
{
	struct yemit_override ov[3] = {
	    {"name", YEMIT_STRING, g->effective_name, NULL, 0},
	    {"labels", YEMIT_STRING_LIST, NULL, labels, nl},
	    {"description", YEMIT_STRING, description, NULL, 0},
	};
	struct buf out = BUF_INIT;
	struct error err = ERROR_INIT;
	if (ydoc_emit(g->doc->root, ov, description ? 3 : 2, &out, &err)) {
		error_at(d, g->definition_pos, "cannot write the definition of '%s' for import: %s",
		         g->effective_name, err.message);
		error_release(&err);
	}
	return buf_detach(&out, NULL);
}

static void definition_fields(struct differ *d, size_t c, const struct defdiff *dd)
{
	struct buf before = BUF_INIT, after = BUF_INIT;
	for (size_t i = 0; i < dd->nr; i++) {
		char *name = xasprintf("definition.%s", dd->items[i].path);
		buf_reset(&before);
		buf_reset(&after);
		if (dd->items[i].before)
			ynode_to_json(dd->items[i].before, &before);
		if (dd->items[i].after)
			ynode_to_json(dd->items[i].after, &after);
		plan_field(d->p, c, name, dd->items[i].before ? before.data : NULL,
		           dd->items[i].after ? after.data : NULL, false);
		free(name);
	}
	buf_release(&before);
	buf_release(&after);
}

/* Whether the live draft differs from the latest published version. */
static bool draft_differs_from_latest(struct differ *d, const struct live_integration *li,
                                      struct mpos pos)
{
	if (!li || !li->latest || !li->latest_definition || !li->definition)
		return true;
	struct ydoc *draft =
	    parse_live_definition(d, li->name, "draft definition", li->definition, pos);
	struct ydoc *pub =
	    parse_live_definition(d, li->name, "published definition", li->latest_definition, pos);
	bool differs = true;
	if (draft && pub) {
		struct defdiff dd = DEFDIFF_INIT;
		/* Name, description and labels are metadata: never a reason to publish. */
		differs = defdiff_compare(draft->root, pub->root, metadata_keys, &dd) ||
		          defdiff_compare(pub->root, draft->root, metadata_keys, &dd);
		defdiff_release(&dd);
	}
	ydoc_free(draft);
	ydoc_free(pub);
	return differs;
}

/*
 * The version an earlier run published whose availability it did not see
 * (killed while waiting): the newest version, not yet available, with the
 * draft unchanged since. 0 when there is none. Publishing again would make
 * a second version of the same definition: a re-run waits for this one.
 */
static int published_not_available(const struct live_integration *li)
{
	if (!li || !li->versions_nr || li->has_unpublished_changes)
		return 0;
	const struct live_version *newest = &li->versions[li->versions_nr - 1];
	if (newest->available || newest->number + 1 != li->draft_version_number)
		return 0;
	return newest->number;
}

static void publish_payload(struct differ *d, const struct m_integration *g, int expected,
                            struct buf *out)
{
	const struct diff_opts *o = d->o;
	struct buf comment = BUF_INIT, attrs = BUF_INIT;
	if (g->comment)
		buf_adds(&comment, g->comment);
	else if (o->commit)
		buf_addf(&comment, "prismsync: %.7s %s", o->commit,
		         o->commit_subject ? o->commit_subject : "");
	else
		buf_addf(&comment, "prismsync: %s", d->m->path);
	while (comment.len && comment.data[comment.len - 1] == ' ')
		buf_truncate(&comment, comment.len - 1);

	buf_adds(&attrs, "{\"manifest\":");
	jstr(&attrs, d->m->path);
	buf_adds(&attrs, ",\"owner\":");
	jstr(&attrs, d->m->owner);
	if (o->commit) {
		buf_adds(&attrs, ",\"commitHash\":");
		jstr(&attrs, o->commit);
	}
	if (o->repo_url) {
		buf_adds(&attrs, ",\"repoUrl\":");
		jstr(&attrs, o->repo_url);
	}
	buf_addf(&attrs, ",\"dirty\":%s}", o->dirty ? "true" : "false");

	buf_addf(out, "{\"expectedVersion\":%d,\"comment\":", expected);
	jstr(out, comment.data);
	buf_adds(out, ",\"attributes\":");
	jstr(out, attrs.data); /* a JSONString: JSON encoded as a string */
	buf_addch(out, '}');
	buf_release(&comment);
	buf_release(&attrs);
}

static void diff_integration(struct differ *d, size_t idx)
{
	const struct m_integration *g = &d->m->integrations[idx];
	const struct live_integration *li = live_integration_by_name(d->live, g->effective_name);
	char *addr = xasprintf("integration.%s", g->effective_name);
	size_t ndl;
	bool def_has_labels;
	const char **def_labels = definition_labels(g, &ndl, &def_has_labels);
	size_t nl;
	const char **labels = desired_labels(
	    d, g->has_labels ? g->labels.items : def_labels, g->has_labels ? g->labels.nr : ndl,
	    (g->has_labels || def_has_labels) && !(li && manifest_ignores(&g->ignore, "labels")),
	    li ? li->labels : NULL, li ? li->labels_nr : 0, &nl);
	const char *description = g->effective_description;
	char *yaml = NULL;
	struct buf payload = BUF_INIT;
	size_t last = PLAN_NONE;
	bool content_changes = false;

	if (!g->doc)
		goto done;
	if (li && li->is_code_native) {
		error_at(d, g->pos,
		         "integration '%s' is code-native: it cannot be imported from a YAML "
		         "definition; remove it from integrations: (its instances can still be "
		         "managed)",
		         g->effective_name);
		goto done;
	}
	yaml = definition_to_import(d, g, description, labels, nl);
	if (!li) {
		last = plan_add(d->p, RES_INTEGRATION, PA_CREATE, addr);
		field_str(d, last, "name", NULL, g->effective_name);
		if (description)
			field_str(d, last, "description", NULL, description);
		field_labels(d, last, NULL, 0, false, labels, nl);
		field_str(d, last, "definition", NULL, g->definition);
		buf_adds(&payload, "{\"definition\":");
		jstr(&payload, yaml);
		buf_addch(&payload, '}');
		plan_set_payload(d->p, last, payload.data);
		content_changes = true;
	} else {
		char fp[65];
		live_fingerprint_integration(li, fp);
		/* A draft without a definition is imported over, like any that differs. */
		struct ydoc *live_doc = li->definition
		                            ? parse_live_definition(d, li->name, "draft definition",
		                                                    li->definition, g->pos)
		                            : NULL;
		struct defdiff dd = DEFDIFF_INIT;
		if (!li->definition || (live_doc && defdiff_compare(g->doc->root, live_doc->root,
		                                                    metadata_keys, &dd))) {
			last = plan_add(d->p, RES_INTEGRATION, PA_IMPORT, addr);
			plan_set_live(d->p, last, li->id, fp);
			definition_fields(d, last, &dd);
			buf_adds(&payload, "{\"definition\":");
			jstr(&payload, yaml);
			buf_addch(&payload, '}');
			plan_set_payload(d->p, last, payload.data);
			content_changes = true;
		}
		defdiff_release(&dd);
		ydoc_free(live_doc);

		bool desc = description && !manifest_ignores(&g->ignore, "description") &&
		            !str_eq(li->description, description);
		bool lab = !labels_same_set(li->labels, li->labels_nr, labels, nl);
		if (desc || lab) {
			size_t c = plan_add(d->p, RES_INTEGRATION, PA_UPDATE, addr);
			plan_set_live(d->p, c, li->id, fp);
			plan_depend(d->p, c, last);
			buf_reset(&payload);
			buf_addch(&payload, '{');
			if (desc) {
				field_str(d, c, "description", li->description, description);
				buf_adds(&payload, "\"description\":");
				jstr(&payload, description);
			}
			if (lab) {
				field_labels(d, c, li->labels, li->labels_nr, true, labels, nl);
				buf_adds(&payload, desc ? ",\"labels\":" : "\"labels\":");
				jlabels(&payload, labels, nl);
			}
			buf_addch(&payload, '}');
			plan_set_payload(d->p, c, payload.data);
			/*
			 * A metadata update alone publishes nothing: adopting an
			 * organization (adding the owner label) must not make new
			 * versions of every integration.
			 */
			last = c;
		}
	}
	d->integration_last[idx] = last;
	d->integration_next[idx] = li ? li->draft_version_number : 1;
	if (g->publish && (content_changes || draft_differs_from_latest(d, li, g->pos))) {
		/* Published after every integration's import, in the publish phase. */
		d->wants_publish[idx] = true;
		if (!content_changes && published_not_available(li))
			d->integration_next[idx] = published_not_available(li); /* wait for it */
	}
done:
	buf_release(&payload);
	free(yaml);
	free(labels);
	free(def_labels);
	free(addr);
}

static void add_publishes(struct differ *d)
{
	struct buf payload = BUF_INIT;
	for (size_t i = 0; i < d->m->integrations_nr; i++) {
		if (!d->wants_publish[i])
			continue;
		const struct m_integration *g = &d->m->integrations[i];
		const struct live_integration *li =
		    live_integration_by_name(d->live, g->effective_name);
		char *addr = xasprintf("integration.%s", g->effective_name);
		size_t c = plan_add(d->p, RES_INTEGRATION, PA_PUBLISH, addr);
		bool published = li && published_not_available(li) == d->integration_next[i];
		char *note = xasprintf("as version %d%s", d->integration_next[i],
		                       published ? " (already published by an earlier run: waits "
		                                   "until it is available)"
		                                 : "");
		plan_set_note(d->p, c, note);
		plan_depend(d->p, c, d->integration_last[i]);
		if (li) {
			char fp[65];
			live_fingerprint_integration(li, fp);
			plan_set_live(d->p, c, li->id, fp);
		}
		buf_reset(&payload);
		publish_payload(d, g, d->integration_next[i], &payload);
		if (published) { /* apply waits for the version instead of publishing */
			buf_truncate(&payload, payload.len - 1);
			buf_adds(&payload, ",\"published\":true}");
		}
		plan_set_payload(d->p, c, payload.data);
		d->integration_publish[i] = c;
		free(note);
		free(addr);
	}
	buf_release(&payload);
}

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
		error_at(d, mn->version_pos.line ? mn->version_pos : mn->pos,
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
		error_at(d, mn->version_pos,
		         "version %ld of integration '%s' is published but not available yet; run "
		         "again once Prismatic has made it available",
		         mn->version, mn->integration);
		return -1;
	}
	char latest[32];
	if (li && li->latest)
		snprintf(latest, sizeof(latest), "the latest is %d", li->latest->number);
	else
		snprintf(latest, sizeof(latest), "it has none yet");
	if (v->publish != PLAN_NONE)
		error_at(d, mn->version_pos,
		         "integration '%s' has no published version %ld (%s; this apply publishes "
		         "version %d)",
		         mn->integration, mn->version, latest, next);
	else
		error_at(d, mn->version_pos, "integration '%s' has no published version %ld (%s)",
		         mn->integration, mn->version, latest);
	return -1;
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
	char fp[65];
	if (ln)
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
		struct buf payload = BUF_INIT;
		buf_adds(&payload, "{\"integration\":");
		jstr(&payload, v->integration);
		if (v->is_new)
			buf_adds(&payload, ",\"version\":null}");
		else
			buf_addf(&payload, ",\"version\":%d}", v->number);
		plan_set_payload(d->p, c, payload.data);
		buf_release(&payload);
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
		plan_set_payload(d->p, c,
		                 mn->enabled ? "{\"enabled\":true}" : "{\"enabled\":false}");
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
	    desired_labels(d, mn->labels.items, mn->labels.nr, mn->has_labels, NULL, 0, &nl);
	struct buf payload = BUF_INIT;
	size_t c = plan_add(d->p, RES_INSTANCE, PA_CREATE, addr);
	plan_depend(d->p, c, cust_create);
	plan_depend(d->p, c, v->int_last);
	plan_depend(d->p, c, v->publish);
	field_str(d, c, "name", NULL, mn->name);
	field_str(d, c, "customer", NULL, mn->customer);
	field_str(d, c, "integration", NULL, mn->integration);
	char *vj = version_json(v);
	plan_field(d->p, c, "version", NULL, vj, false);
	if (mn->description)
		field_str(d, c, "description", NULL, mn->description);
	field_labels(d, c, NULL, 0, false, labels, nl);
	buf_adds(&payload, "{\"name\":");
	jstr(&payload, mn->name);
	buf_adds(&payload, ",\"customer\":");
	jstr(&payload, mn->customer);
	buf_adds(&payload, ",\"integration\":");
	jstr(&payload, mn->integration);
	buf_adds(&payload, ",\"customerId\":");
	jstr(&payload, customer_id);
	if (v->is_new)
		buf_adds(&payload, ",\"version\":null,\"versionId\":null");
	else
		buf_addf(&payload, ",\"version\":%d", v->number);
	if (!v->is_new) {
		buf_adds(&payload, ",\"versionId\":");
		jstr(&payload, v->id);
	}
	buf_adds(&payload, ",\"description\":");
	jstr(&payload, mn->description);
	buf_adds(&payload, ",\"labels\":");
	jlabels(&payload, labels, nl);
	buf_adds(&payload, ",\"configVariables\":[");
	for (size_t i = 0; i < mn->config_nr; i++) {
		configdiff_fields(&d->cfg, c, &mn->config[i], NULL, customer_id);
		if (i)
			buf_addch(&payload, ',');
		configdiff_payload(&d->cfg, &payload, &mn->config[i], customer_id);
	}
	buf_adds(&payload, "]}");
	plan_set_payload(d->p, c, payload.data);
	char *why = NULL;
	bool hold =
	    configdiff_predict(&d->cfg, mn, config_definition(d, mn, v), NULL, customer_id, &why);
	if (why)
		plan_set_note(d->p, c, why);
	free(why);
	add_deploy_and_state(d, mn, addr, NULL, c, !hold, v);
	buf_release(&payload);
	free(vj);
	free(labels);
}

/* An instance's ignore: [configVariables.<key>] leaves that variable alone once it exists. */
static bool config_ignored(const struct m_instance *mn, const struct m_configvar *cv)
{
	char *field = xasprintf("configVariables.%s", cv->key);
	bool ignored = manifest_ignores(&mn->ignore, field);
	free(field);
	return ignored;
}

static void diff_instance_update(struct differ *d, const struct m_instance *mn, const char *addr,
                                 const struct live_instance *ln, const struct version_choice *v)
{
	size_t nl;
	const char **labels =
	    desired_labels(d, mn->labels.items, mn->labels.nr,
	                   mn->has_labels && !manifest_ignores(&mn->ignore, "labels"), ln->labels,
	                   ln->labels_nr, &nl);
	struct buf payload = BUF_INIT, config = BUF_INIT;
	bool desc = mn->description && !manifest_ignores(&mn->ignore, "description") &&
	            !str_eq(ln->description, mn->description);
	bool lab = !labels_same_set(ln->labels, ln->labels_nr, labels, nl);
	bool ver = v->is_new || !ln->version_id || strcmp(ln->version_id, v->id);
	const char *customer_id = ln->customer_id;
	size_t nconf = 0;
	for (size_t i = 0; i < mn->config_nr; i++) {
		if (config_ignored(mn, &mn->config[i]) ||
		    !configdiff_differs(&d->cfg, &mn->config[i], ln, customer_id))
			continue;
		configdiff_payload(&d->cfg, &config, &mn->config[i], customer_id);
		buf_addch(&config, ',');
		nconf++;
	}
	size_t c = PLAN_NONE;
	char fp[65];
	live_fingerprint_instance(ln, fp);
	if (desc || lab || ver || nconf) {
		c = plan_add(d->p, RES_INSTANCE, PA_UPDATE, addr);
		plan_set_live(d->p, c, ln->id, fp);
		plan_depend(d->p, c, v->publish);
		buf_addch(&payload, '{');
		const char *sep = "";
		if (desc) {
			field_str(d, c, "description", ln->description, mn->description);
			buf_adds(&payload, "\"description\":");
			jstr(&payload, mn->description);
			sep = ",";
		}
		if (lab) {
			field_labels(d, c, ln->labels, ln->labels_nr, true, labels, nl);
			buf_addf(&payload, "%s\"labels\":", sep);
			jlabels(&payload, labels, nl);
			sep = ",";
		}
		if (ver) {
			char *before = xasprintf("%d", ln->version_number);
			char *after = version_json(v);
			plan_field(d->p, c, "version", before, after, false);
			free(before);
			free(after);
			buf_addf(&payload, "%s\"integration\":", sep);
			jstr(&payload, mn->integration);
			if (v->is_new) {
				buf_adds(&payload, ",\"version\":null,\"versionId\":null");
			} else {
				buf_addf(&payload, ",\"version\":%d,\"versionId\":", v->number);
				jstr(&payload, v->id);
			}
			sep = ",";
		}
		if (nconf) {
			for (size_t i = 0; i < mn->config_nr; i++)
				if (!config_ignored(mn, &mn->config[i]) &&
				    configdiff_differs(&d->cfg, &mn->config[i], ln, customer_id))
					configdiff_fields(&d->cfg, c, &mn->config[i], ln,
					                  customer_id);
			buf_truncate(&config, config.len - 1);
			buf_addf(&payload, "%s\"configVariables\":[%s]", sep, config.data);
		}
		/* Description and labels alone leave what runs as it is: no deploy follows. */
		if (!ver && !nconf)
			buf_adds(&payload, ",\"preserveDeployState\":true");
		buf_addch(&payload, '}');
		plan_set_payload(d->p, c, payload.data);
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
	buf_release(&payload);
	buf_release(&config);
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

static void diff_instance(struct differ *d, size_t idx)
{
	const struct m_instance *mn = &d->m->instances[idx];
	const struct m_customer *mc = manifest_find_customer(d->m, mn->customer);
	const struct live_customer *lc = live_customer_by_external_id(d->live, mn->customer);
	const struct m_integration *mi = manifest_find_integration(d->m, mn->integration);
	const struct live_integration *li = live_integration_by_name(d->live, mn->integration);
	struct version_choice v;

	if (!mc && !lc) {
		const char *near = nearest_reference(d, mn->customer, true);
		error_at(d, mn->customer_pos,
		         "customer '%s' is neither in the manifest nor in the organization%s%s%s",
		         mn->customer, near ? "; did you mean '" : "", near ? near : "",
		         near ? "'?" : "");
		return;
	}
	if (!mi && !li) {
		const char *near = nearest_reference(d, mn->integration, false);
		error_at(
		    d, mn->integration_pos,
		    "integration '%s' is neither in the manifest nor in the organization%s%s%s",
		    mn->integration, near ? "; did you mean '" : "", near ? near : "",
		    near ? "'?" : "");
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
			error_at(
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

/* ---- prune ---- */

static bool owned(const struct differ *d, const char *const *labels, size_t n)
{
	return has_label(labels, n, d->owner_label) && !has_label(labels, n, PROTECTED_LABEL);
}

static bool manifest_has_instance(const struct manifest *m, const char *external_id,
                                  const char *name)
{
	for (size_t i = 0; i < m->instances_nr; i++)
		if (!strcmp(m->instances[i].customer, external_id) &&
		    !strcmp(m->instances[i].name, name))
			return true;
	return false;
}

static void add_prunes(struct differ *d)
{
	const struct live_state *live = d->live;
	size_t *remaining = xcalloc(live->integrations_nr + 1, sizeof(*remaining));
	size_t first_delete = d->p->nr;

	for (size_t i = 0; i < live->instances_nr; i++) {
		const struct live_instance *ln = &live->instances[i];
		const struct live_integration *li =
		    ln->integration_id ? live_integration_by_id(live, ln->integration_id) : NULL;
		size_t gi = li ? (size_t)(li - live->integrations) : PLAN_NONE;
		const char *eid = ln->customer_external_id;
		bool keep = !owned(d, ln->labels, ln->labels_nr) || !eid ||
		            manifest_has_instance(d->m, eid, ln->name);
		if (keep) {
			if (gi != PLAN_NONE)
				remaining[gi]++;
			continue;
		}
		char *addr = xasprintf("instance.%s/%s", eid, ln->name);
		size_t c = plan_add(d->p, RES_INSTANCE, PA_DELETE, addr);
		char fp[65];
		live_fingerprint_instance(ln, fp);
		plan_set_live(d->p, c, ln->id, fp);
		field_str(d, c, "name", ln->name, NULL);
		plan_set_payload(d->p, c, "{}");
		free(addr);
	}
	for (size_t i = 0; i < live->integrations_nr; i++) {
		const struct live_integration *li = &live->integrations[i];
		if (!owned(d, li->labels, li->labels_nr) ||
		    manifest_find_integration(d->m, li->name))
			continue;
		if (remaining[i]) {
			diag_warning(d->diags, d->m->path, 0, 0,
			             "not deleting integration '%s': %zu instance%s of it %s not "
			             "managed by this manifest",
			             li->name, remaining[i], remaining[i] == 1 ? "" : "s",
			             remaining[i] == 1 ? "is" : "are");
			continue;
		}
		char *addr = xasprintf("integration.%s", li->name);
		size_t c = plan_add(d->p, RES_INTEGRATION, PA_DELETE, addr);
		char fp[65];
		live_fingerprint_integration(li, fp);
		plan_set_live(d->p, c, li->id, fp);
		field_str(d, c, "name", li->name, NULL);
		plan_set_payload(d->p, c, "{}");
		/* After the deletes of its instances. */
		for (size_t j = first_delete; j < c; j++) {
			const struct live_instance *ln =
			    live_instance_by_id(live, d->p->changes[j].live_id);
			if (d->p->changes[j].type == RES_INSTANCE && ln && ln->integration_id &&
			    !strcmp(ln->integration_id, li->id))
				plan_depend(d->p, c, j);
		}
		free(addr);
	}
	free(remaining);
}

/*
 * Without prune: records in d->p->prunable what prune would delete, so that
 * a plan can say so. The deletes are worked out as prune would (with its
 * warnings dropped) and kept only as addresses.
 */
static int cmp_address(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void note_prunable(struct differ *d)
{
	struct plan scratch, *p = d->p;
	struct diag_list quiet, *diags = d->diags;
	plan_init(&scratch);
	diag_list_init(&quiet);
	d->p = &scratch;
	d->diags = &quiet;
	add_prunes(d);
	d->p = p;
	d->diags = diags;
	p->prunable = xcalloc(scratch.nr + 1, sizeof(*p->prunable));
	for (size_t i = 0; i < scratch.nr; i++)
		p->prunable[p->prunable_nr++] = xstrdup(scratch.changes[i].address);
	qsort(p->prunable, p->prunable_nr, sizeof(*p->prunable), cmp_address);
	plan_release(&scratch);
	diag_list_release(&quiet);
}

/* ---- fingerprints ---- */

static void hash_str(struct sha256 *h, const char *s)
{
	if (s)
		sha256_update(h, s, strlen(s) + 1);
	else
		sha256_update(h, "\xff", 1);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void hash_labels(struct sha256 *h, const char *const *labels, size_t n)
{
	const char **sorted = xcalloc(n + 1, sizeof(*sorted));
	memcpy(sorted, labels, n * sizeof(*sorted));
	qsort(sorted, n, sizeof(*sorted), cmp_str);
	for (size_t i = 0; i < n; i++)
		hash_str(h, sorted[i]);
	hash_str(h, NULL);
	free(sorted);
}

static void finish_hex(struct sha256 *h, char hex[65])
{
	unsigned char digest[32];
	static const char digits[] = "0123456789abcdef";
	sha256_final(h, digest);
	for (int i = 0; i < 32; i++) {
		hex[2 * i] = digits[digest[i] >> 4];
		hex[2 * i + 1] = digits[digest[i] & 15];
	}
	hex[64] = '\0';
}

void live_fingerprint_customer(const struct live_customer *c, char hex[65])
{
	struct sha256 h;
	sha256_init(&h);
	hash_str(&h, "customer");
	hash_str(&h, c->id);
	hash_str(&h, c->external_id);
	hash_str(&h, c->name);
	hash_str(&h, c->description);
	hash_labels(&h, c->labels, c->labels_nr);
	finish_hex(&h, hex);
}

void live_fingerprint_integration(const struct live_integration *g, char hex[65])
{
	struct sha256 h;
	char num[32];
	sha256_init(&h);
	hash_str(&h, "integration");
	hash_str(&h, g->id);
	hash_str(&h, g->name);
	hash_str(&h, g->description);
	hash_labels(&h, g->labels, g->labels_nr);
	snprintf(num, sizeof(num), "%d/%d/%d", g->draft_version_number,
	         g->latest ? g->latest->number : 0, g->is_code_native);
	hash_str(&h, num);
	/* Definitions are not read for every integration: when the draft last changed stands for
	 * them. */
	hash_str(&h, g->updated_at);
	finish_hex(&h, hex);
}

static int cmp_config(const void *a, const void *b)
{
	return strcmp(((const struct live_config_var *)a)->key,
	              ((const struct live_config_var *)b)->key);
}

void live_fingerprint_instance(const struct live_instance *in, char hex[65])
{
	struct sha256 h;
	char num[64];
	sha256_init(&h);
	hash_str(&h, "instance");
	hash_str(&h, in->id);
	hash_str(&h, in->name);
	hash_str(&h, in->description);
	hash_labels(&h, in->labels, in->labels_nr);
	hash_str(&h, in->customer_id);
	hash_str(&h, in->version_id);
	snprintf(num, sizeof(num), "%d/%d/%d/%d", in->enabled, in->needs_deploy,
	         in->has_deployed_version, in->has_deployed_version ? in->deployed_version : 0);
	hash_str(&h, num);
	struct live_config_var *cfg = xcalloc(in->config_nr + 1, sizeof(*cfg));
	memcpy(cfg, in->config, in->config_nr * sizeof(*cfg));
	qsort(cfg, in->config_nr, sizeof(*cfg), cmp_config);
	for (size_t i = 0; i < in->config_nr; i++) {
		hash_str(&h, cfg[i].key);
		hash_str(&h, cfg[i].value);
		hash_str(&h, cfg[i].status);
		hash_str(&h, cfg[i].time_zone);
		hash_str(&h, cfg[i].customer_var_id);
		for (size_t k = 0; k < cfg[i].inputs_nr; k++) {
			hash_str(&h, cfg[i].inputs[k].name);
			hash_str(&h, cfg[i].inputs[k].value);
			hash_str(&h, cfg[i].inputs[k].has_value ? "set" : "unset");
		}
	}
	free(cfg);
	finish_hex(&h, hex);
}

void plan_fingerprint(const struct plan *p, char hex[65])
{
	char **lines = xcalloc(p->nr + 1, sizeof(*lines));
	for (size_t i = 0; i < p->nr; i++) {
		const struct plan_change *c = &p->changes[i];
		struct buf b = BUF_INIT;
		buf_addf(&b, "%s#%s", c->address, plan_action_name(c->action));
		for (size_t f = 0; f < c->fields_nr; f++) {
			const struct plan_field *fl = &c->fields[f];
			buf_addf(&b, "\n%s=", fl->name);
			if (fl->sensitive)
				buf_adds(&b, "(sensitive)");
			else
				buf_addf(&b, "%s>%s", fl->before ? fl->before : "~",
				         fl->after ? fl->after : "~");
		}
		lines[i] = buf_detach(&b, NULL);
	}
	qsort(lines, p->nr, sizeof(*lines), cmp_str);
	struct sha256 h;
	sha256_init(&h);
	for (size_t i = 0; i < p->nr; i++) {
		hash_str(&h, lines[i]);
		free(lines[i]);
	}
	free(lines);
	finish_hex(&h, hex);
}

/* ---- the whole plan ---- */

int diff_build(struct plan *p, const struct manifest *m, const struct live_state *live,
               const struct diff_opts *opts, struct diag_list *diags)
{
	struct differ d;
	memset(&d, 0, sizeof(d));
	d.p = p;
	d.m = m;
	d.live = live;
	d.o = opts;
	d.diags = diags;
	d.owner_label = xasprintf(OWNER_LABEL_PREFIX "%s", m->owner);
	d.cfg.p = p;
	d.cfg.m = m;
	d.cfg.live = live;
	d.cfg.o = opts;
	d.cfg.diags = diags;
	d.customer_create = xcalloc(m->customers_nr + 1, sizeof(size_t));
	d.integration_last = xcalloc(m->integrations_nr + 1, sizeof(size_t));
	d.integration_publish = xcalloc(m->integrations_nr + 1, sizeof(size_t));
	d.integration_next = xcalloc(m->integrations_nr + 1, sizeof(int));
	d.wants_publish = xcalloc(m->integrations_nr + 1, sizeof(bool));
	for (size_t i = 0; i < m->customers_nr; i++)
		d.customer_create[i] = PLAN_NONE;
	for (size_t i = 0; i < m->integrations_nr; i++) {
		d.integration_last[i] = PLAN_NONE;
		d.integration_publish[i] = PLAN_NONE;
	}

	free(p->manifest);
	free(p->owner);
	free(p->commit);
	free(p->repo_url);
	p->manifest = xstrdup(m->path);
	p->owner = xstrdup(m->owner);
	p->commit = opts->commit ? xstrdup(opts->commit) : NULL;
	p->repo_url = opts->repo_url ? xstrdup(opts->repo_url) : NULL;
	p->dirty = opts->dirty;
	p->prune = opts->prune;

	for (size_t i = 0; i < m->customers_nr; i++)
		diff_customer(&d, i);
	for (size_t i = 0; i < m->integrations_nr; i++)
		diff_integration(&d, i);
	add_publishes(&d);
	for (size_t i = 0; i < m->instances_nr; i++)
		diff_instance(&d, i);
	if (opts->prune)
		add_prunes(&d);
	else
		note_prunable(&d);

	free(d.owner_label);
	free(d.customer_create);
	free(d.integration_last);
	free(d.integration_publish);
	free(d.integration_next);
	free(d.wants_publish);
	return d.errors || d.cfg.errors ? ERR_INVALID : 0;
}
