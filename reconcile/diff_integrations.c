#include "diff_internal.h"

#include <stdlib.h>
#include <string.h>

#include "../schema/yaml_emit.h"
#include "../util/xalloc.h"
#include "defdiff.h"
#include "plan_io.h"
#include "../util/banned.h"

/* Top-level definition keys compared as integration metadata, not as definition content. */
static const char *const metadata_keys[] = {"name", "description", "labels", NULL};

/* ---- integrations ---- */

static struct ydoc *parse_live_definition(struct differ *d, const char *name, const char *what,
                                          const char *text, struct mpos pos)
{
	struct diag_list scratch;
	struct ydoc *doc = NULL;
	diag_list_init(&scratch);
	if (ydoc_parse(&doc, what, text, strlen(text), &scratch)) {
		diff_error_at(
		    d, pos, "the %s of integration '%s' in the organization is not valid YAML: %s",
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
		diff_error_at(d, g->definition_pos,
		              "cannot write the definition of '%s' for import: %s",
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

/*
 * Whether the live draft differs from the latest published version. When
 * the list says the draft is that version, it does not (and the latest
 * version's definition was not read).
 */
static bool draft_differs_from_latest(struct differ *d, const struct live_integration *li,
                                      struct mpos pos)
{
	if (li && live_draft_is_latest(li))
		return false;
	if (!li || !li->latest || !li->latest_definition || !li->definition)
		return true;
	if (!strcmp(li->definition, li->latest_definition))
		return false; /* the same text: nothing to parse */
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

/* What a publish sends: its comment and the provenance it records. */
static void publish_inputs(struct differ *d, const struct m_integration *g, int expected,
                           struct plan_publish_in *in)
{
	const struct diff_opts *o = d->o;
	struct buf comment = BUF_INIT;
	if (g->comment)
		buf_adds(&comment, g->comment);
	else if (o->commit)
		buf_addf(&comment, "prismsync: %.7s %s", o->commit,
		         o->commit_subject ? o->commit_subject : "");
	else
		buf_addf(&comment, "prismsync: %s", d->m->path);
	while (comment.len && comment.data[comment.len - 1] == ' ')
		buf_truncate(&comment, comment.len - 1);
	in->expected_version = expected;
	in->comment = buf_detach(&comment, NULL);
	struct plan_provenance pv = {d->m->path, d->m->owner, o->commit, o->repo_url, o->dirty};
	in->attributes = plan_provenance_json(&pv);
}

/*
 * Whether the live text is byte for byte the text doc was parsed from: then
 * both parse to the same tree and nothing differs (most definitions of an
 * organization in step with its manifest), so the live one is not parsed.
 */
static bool same_text(const struct ydoc *doc, const char *text)
{
	size_t len = strlen(text);
	return doc->len == len && !memcmp(doc->text, text, len);
}

/* li's fingerprint in fp, computed the first time a change needs it ("" until then). */
static const char *lazy_fingerprint(const struct live_integration *li, char fp[65])
{
	if (!fp[0])
		live_fingerprint_integration(li, fp);
	return fp;
}

/* The import of live integration li when its draft differs from g's definition, or PLAN_NONE. */
static size_t integration_import(struct differ *d, const struct m_integration *g,
                                 const struct live_integration *li, const char *addr, char *fp,
                                 const char *description, const char *const *labels, size_t nl)
{
	/* A draft without a definition is imported over, like any that differs. */
	struct ydoc *live_doc =
	    li->definition && !same_text(g->doc, li->definition)
	        ? parse_live_definition(d, li->name, "draft definition", li->definition, g->pos)
	        : NULL;
	struct defdiff dd = DEFDIFF_INIT;
	size_t c = PLAN_NONE;
	if (!li->definition ||
	    (live_doc && defdiff_compare(g->doc->root, live_doc->root, metadata_keys, &dd))) {
		c = plan_add(d->p, RES_INTEGRATION, PA_IMPORT, addr);
		plan_set_live(d->p, c, li->id, lazy_fingerprint(li, fp));
		definition_fields(d, c, &dd);
		/* Emitted only here: most integrations have nothing to import. */
		char *yaml = definition_to_import(d, g, description, labels, nl);
		d->p->changes[c].in.definition = plan_strdup(yaml);
		free(yaml);
	}
	defdiff_release(&dd);
	ydoc_free(live_doc);
	return c;
}

/*
 * The update of live integration li's description and labels, after change
 * after (its import, or PLAN_NONE); PLAN_NONE when they are as desired. A
 * metadata update alone publishes nothing: adopting an organization
 * (adding the owner label) must not make new versions of every integration.
 */
static size_t integration_update(struct differ *d, const struct m_integration *g,
                                 const struct live_integration *li, const char *addr,
                                 const char *const *labels, size_t nl, char *fp, size_t after)
{
	const char *description = g->effective_description;
	bool desc = description && !manifest_ignores(&g->ignore, "description") &&
	            !diff_str_eq(li->description, description);
	bool lab = !diff_labels_same_set(li->labels, li->labels_nr, labels, nl);
	if (!desc && !lab)
		return PLAN_NONE;
	size_t c = plan_add(d->p, RES_INTEGRATION, PA_UPDATE, addr);
	plan_set_live(d->p, c, li->id, lazy_fingerprint(li, fp));
	plan_depend(d->p, c, after);
	struct plan_integration_in *in = &d->p->changes[c].in.integration;
	if (desc)
		diff_update_str(d, c, "description", li->description, description,
		                &in->description);
	if (lab)
		diff_update_labels(d, c, li->labels, li->labels_nr, labels, nl, &in->labels);
	return c;
}

void diff_integration(struct differ *d, size_t idx)
{
	const struct m_integration *g = &d->m->integrations[idx];
	const struct live_integration *li = live_integration_by_name(d->live, g->effective_name);
	char *addr = xasprintf("integration.%s", g->effective_name);
	size_t ndl;
	bool def_has_labels;
	const char **def_labels = definition_labels(g, &ndl, &def_has_labels);
	size_t nl;
	const char **labels = diff_desired_labels(
	    d, g->has_labels ? g->labels.items : def_labels, g->has_labels ? g->labels.nr : ndl,
	    (g->has_labels || def_has_labels) && !(li && manifest_ignores(&g->ignore, "labels")),
	    li ? li->labels : NULL, li ? li->labels_nr : 0, &nl);
	const char *description = g->effective_description;
	char *yaml = NULL;
	size_t last = PLAN_NONE;
	bool content_changes = false;

	if (!g->doc)
		goto done;
	if (li && li->is_code_native) {
		diff_error_at(
		    d, g->pos,
		    "integration '%s' is code-native: it cannot be imported from a YAML "
		    "definition; remove it from integrations: (its instances can still be "
		    "managed)",
		    g->effective_name);
		goto done;
	}
	if (!li) {
		last = plan_add(d->p, RES_INTEGRATION, PA_CREATE, addr);
		diff_field_str(d, last, "name", NULL, g->effective_name);
		if (description)
			diff_field_str(d, last, "description", NULL, description);
		diff_field_labels(d, last, NULL, 0, false, labels, nl);
		diff_field_str(d, last, "definition", NULL, g->definition);
		yaml = definition_to_import(d, g, description, labels, nl);
		d->p->changes[last].in.definition = plan_strdup(yaml);
		content_changes = true;
	} else {
		char fp[65] = "";
		last = integration_import(d, g, li, addr, fp, description, labels, nl);
		content_changes = last != PLAN_NONE;
		size_t c = integration_update(d, g, li, addr, labels, nl, fp, last);
		if (c != PLAN_NONE)
			last = c;
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
	free(yaml);
	free(labels);
	free(def_labels);
	free(addr);
}

void diff_add_publishes(struct differ *d)
{
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
		publish_inputs(d, g, d->integration_next[i], &d->p->changes[c].in.publish);
		/* apply waits for the version instead of publishing */
		d->p->changes[c].in.publish.published = published;
		d->integration_publish[i] = c;
		free(note);
		free(addr);
	}
}
