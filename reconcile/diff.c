#include "diff_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/strutil.h"
#include "../util/xalloc.h"
#include "plan_io.h"
#include "../util/banned.h"

void diff_error_at(struct differ *d, struct mpos pos, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = xvasprintf(fmt, ap);
	va_end(ap);
	diag_error(d->diags, d->m->path, pos.line, pos.col, "%s", msg);
	free(msg);
	d->errors++;
}

void diff_field_str(struct differ *d, size_t c, const char *name, const char *before,
                    const char *after)
{
	char *b = before ? plan_json_str(before) : NULL, *a = after ? plan_json_str(after) : NULL;
	plan_field(d->p, c, name, b, a, false);
	free(b);
	free(a);
}

void diff_field_labels(struct differ *d, size_t c, const char *const *before, size_t nb,
                       bool has_before, const char *const *after, size_t na)
{
	char *b = has_before ? plan_json_str_list(before, nb) : NULL;
	char *a = plan_json_str_list(after, na);
	plan_field(d->p, c, "labels", b, a, false);
	free(b);
	free(a);
}

void diff_update_str(struct differ *d, size_t c, const char *name, const char *before,
                     const char *after, char **input)
{
	diff_field_str(d, c, name, before, after);
	*input = plan_strdup(after);
}

void diff_update_labels(struct differ *d, size_t c, const char *const *before, size_t nb,
                        const char *const *after, size_t na, struct plan_labels *input)
{
	diff_field_labels(d, c, before, nb, true, after, na);
	plan_labels_set(input, after, na);
}

bool diff_str_eq(const char *a, const char *b)
{
	return !strcmp(a ? a : "", b ? b : "");
}

bool diff_has_label(const char *const *labels, size_t n, const char *label)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(labels[i], label))
			return true;
	return false;
}

bool diff_labels_same_set(const char *const *a, size_t na, const char *const *b, size_t nb)
{
	for (size_t i = 0; i < na; i++)
		if (!diff_has_label(b, nb, a[i]))
			return false;
	for (size_t i = 0; i < nb; i++)
		if (!diff_has_label(a, na, b[i]))
			return false;
	return true;
}

const char **diff_desired_labels(struct differ *d, const char *const *managed, size_t nm,
                                 bool manages, const char *const *live, size_t nl, size_t *out_n)
{
	const char **out = xcalloc(nm + nl + 2, sizeof(*out));
	size_t n = 0;
	const char *const *src = manages ? managed : live;
	size_t ns = manages ? nm : nl;
	for (size_t i = 0; i < ns; i++)
		if (!diff_has_label(out, n, src[i]) &&
		    !(str_starts_with(src[i], OWNER_LABEL_PREFIX) &&
		      strcmp(src[i], d->owner_label)))
			out[n++] = src[i];
	if (diff_has_label(live, nl, PROTECTED_LABEL) && !diff_has_label(out, n, PROTECTED_LABEL))
		out[n++] = PROTECTED_LABEL;
	if (!diff_has_label(out, n, d->owner_label))
		out[n++] = d->owner_label;
	*out_n = n;
	return out;
}

/* ---- prune ---- */

static bool owned(const struct differ *d, const char *const *labels, size_t n)
{
	return diff_has_label(labels, n, d->owner_label) &&
	       !diff_has_label(labels, n, PROTECTED_LABEL);
}

static bool manifest_has_instance(const struct manifest *m, const char *external_id,
                                  const char *name)
{
	return manifest_find_instance(m, external_id, name) != NULL;
}

void diff_add_prunes(struct differ *d)
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
		diff_field_str(d, c, "name", ln->name, NULL);
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
		diff_field_str(d, c, "name", li->name, NULL);
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

void diff_note_prunable(struct differ *d)
{
	struct plan scratch, *p = d->p;
	struct diag_list quiet, *diags = d->diags;
	plan_init(&scratch);
	diag_list_init(&quiet);
	d->p = &scratch;
	d->diags = &quiet;
	diff_add_prunes(d);
	d->p = p;
	d->diags = diags;
	p->prunable = xcalloc(scratch.nr + 1, sizeof(*p->prunable));
	for (size_t i = 0; i < scratch.nr; i++)
		p->prunable[p->prunable_nr++] = xstrdup(scratch.changes[i].address);
	qsort(p->prunable, p->prunable_nr, sizeof(*p->prunable), cmp_address);
	plan_release(&scratch);
	diag_list_release(&quiet);
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
	diff_add_publishes(&d);
	for (size_t i = 0; i < m->instances_nr; i++)
		diff_instance(&d, i);
	if (opts->prune)
		diff_add_prunes(&d);
	else
		diff_note_prunable(&d);

	free(d.owner_label);
	free(d.customer_create);
	free(d.integration_last);
	free(d.integration_publish);
	free(d.integration_next);
	free(d.wants_publish);
	return d.errors || d.cfg.errors ? ERR_INVALID : 0;
}
