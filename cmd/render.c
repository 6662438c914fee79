#include "render.h"

#include <stdlib.h>
#include <string.h>

#include "../reconcile/plan_io.h"
#include "render_rollout.h"
#include "../schema/yaml_tree.h"
#include "../util/sort.h"
#include "../util/xalloc.h"
#include "../util/banned.h"

/* A pull request comment holds 65,536 characters; leave room for the frame. */
#define MARKDOWN_MAX_BODY 60000
#define SENSITIVE         PLAN_SENSITIVE

int render_parse_format(const char *s, enum render_format *out)
{
	if (!strcmp(s, "text"))
		*out = FORMAT_TEXT;
	else if (!strcmp(s, "json"))
		*out = FORMAT_JSON;
	else if (!strcmp(s, "markdown"))
		*out = FORMAT_MARKDOWN;
	else
		return -1;
	return 0;
}

static int cmp_change_by_address(const void *a, const void *b)
{
	const struct plan_change *x = *(const struct plan_change *const *)a;
	const struct plan_change *y = *(const struct plan_change *const *)b;
	return strcmp(x->address, y->address);
}

/* "N thing" or "N things". */
static void add_count(struct buf *out, const char *sep, size_t n, const char *one, const char *many)
{
	buf_addf(out, "%s%zu %s", sep, n, n == 1 ? one : many);
}

/*
 * The drift summary: first how many objects differ (by type), then what
 * bringing them back takes, listing only the actions that occur:
 *     Drift: 1 object differs (1 instance); bringing it back takes 2 updates, 1 deploy.
 */
static void drift_summary_line(const struct plan *p, struct buf *out)
{
	const struct plan_change **sorted = xcalloc(p->nr, sizeof(*sorted));
	size_t by_type[3] = {0, 0, 0}, objects = 0;
	for (size_t i = 0; i < p->nr; i++)
		sorted[i] = &p->changes[i];
	qsort(sorted, p->nr, sizeof(*sorted), cmp_change_by_address);
	for (size_t i = 0; i < p->nr; i++) {
		if (i && !strcmp(sorted[i]->address, sorted[i - 1]->address))
			continue;
		objects++;
		if (sorted[i]->type == RES_CUSTOMER)
			by_type[0]++;
		else if (sorted[i]->type == RES_INTEGRATION)
			by_type[1]++;
		else
			by_type[2]++;
	}
	free(sorted);

	static const char *const type_one[] = {"customer", "integration", "instance"};
	static const char *const type_many[] = {"customers", "integrations", "instances"};
	buf_addf(out, "Drift: %zu %s (", objects,
	         objects == 1 ? "object differs" : "objects differ");
	const char *sep = "";
	for (int t = 0; t < 3; t++) {
		if (by_type[t]) {
			add_count(out, sep, by_type[t], type_one[t], type_many[t]);
			sep = ", ";
		}
	}
	buf_addf(out, "); bringing %s back takes", objects == 1 ? "it" : "them");
	struct plan_summary s = plan_summarize(p);
	const size_t counts[] = {s.create, s.update, s.publish, s.deploy, s.delete};
	static const char *const act_one[] = {"create", "update", "publish", "deploy", "delete"};
	static const char *const act_many[] = {"creates", "updates", "publishes", "deploys",
	                                       "deletes"};
	sep = " ";
	for (int a = 0; a < 5; a++) {
		if (counts[a]) {
			add_count(out, sep, counts[a], act_one[a], act_many[a]);
			sep = ", ";
		}
	}
	buf_adds(out, ".\n");
}

void render_summary_line(const struct plan *p, enum render_kind kind, struct buf *out)
{
	struct plan_summary s = plan_summarize(p);
	if (kind == RENDER_DRIFT) {
		if (!p->nr)
			buf_adds(out, "No drift: the organization matches the manifest.\n");
		else
			drift_summary_line(p, out);
		return;
	}
	if (!p->nr) {
		buf_adds(out, "No changes. The organization matches the manifest.\n");
		return;
	}
	buf_addf(
	    out,
	    "Plan: %zu to create, %zu to update, %zu to publish, %zu to deploy, %zu to delete.\n",
	    s.create, s.update, s.publish, s.deploy, s.delete);
}

/* Without --prune: how many owned objects --prune would delete, named when verbose. */
static void prunable_note(const struct plan *p, bool names, struct buf *out)
{
	if (!p->prunable_nr)
		return;
	buf_addf(out, "%zu owned object%s no longer in the manifest: --prune would delete %s%s\n",
	         p->prunable_nr, p->prunable_nr == 1 ? " is" : "s are",
	         p->prunable_nr == 1 ? "it" : "them", names ? ":" : " (-v names them).");
	for (size_t i = 0; names && i < p->prunable_nr; i++)
		buf_addf(out, "  - %s\n", p->prunable[i]);
}

/* Changes grouped by address, in the order each address first appears. */
struct group_item {
	size_t first; /* index of the address's first change */
	size_t idx;
};

static int group_cmp(const void *pa, const void *pb, void *ctx)
{
	const struct plan *p = ctx;
	const struct group_item *a = pa, *b = pb;
	int c = strcmp(p->changes[a->idx].address, p->changes[b->idx].address);
	if (c)
		return c;
	return (a->idx > b->idx) - (a->idx < b->idx);
}

static int first_cmp(const void *pa, const void *pb, void *ctx)
{
	(void)ctx;
	const struct group_item *a = pa, *b = pb;
	if (a->first != b->first)
		return a->first < b->first ? -1 : 1;
	return (a->idx > b->idx) - (a->idx < b->idx);
}

static struct group_item *group_by_address(const struct plan *p)
{
	struct group_item *g = xcalloc(p->nr + 1, sizeof(*g));
	for (size_t i = 0; i < p->nr; i++)
		g[i].idx = i;
	sort_ctx(g, p->nr, sizeof(*g), group_cmp, (void *)p);
	for (size_t i = 0; i < p->nr; i++) {
		bool same =
		    i && !strcmp(p->changes[g[i].idx].address, p->changes[g[i - 1].idx].address);
		g[i].first = same ? g[i - 1].first : g[i].idx;
	}
	sort_ctx(g, p->nr, sizeof(*g), first_cmp, NULL);
	return g;
}

static const char *color_of(char sym)
{
	switch (sym) {
	case '+':
		return "\033[32m";
	case '-':
		return "\033[31m";
	case '^':
		return "\033[36m";
	case '>':
		return "\033[35m";
	default:
		return "\033[33m";
	}
}

/* Longest value the text plan shows in full; JSON output always has all of it. */
#define TEXT_VALUE_MAX 160

static void field_value(const struct plan_field *f, const char *v, struct buf *out)
{
	if (f->sensitive) {
		buf_adds(out, SENSITIVE);
	} else if (!v) {
		buf_adds(out, "(absent)");
	} else if (strlen(v) > TEXT_VALUE_MAX) {
		size_t cut = TEXT_VALUE_MAX;
		while (cut > 0 && ((unsigned char)v[cut] & 0xc0) == 0x80)
			cut--; /* not inside a UTF-8 character */
		buf_add(out, v, cut);
		buf_addf(out, "... (%zu characters; --format json shows all)", strlen(v));
	} else {
		buf_adds(out, v);
	}
}

static void text_field(const struct plan_change *c, const struct plan_field *f, bool color,
                       struct buf *out)
{
	char sym = '~';
	if (c->action == PA_CREATE || (!f->before && f->after))
		sym = '+';
	else if (c->action == PA_DELETE || (f->before && !f->after))
		sym = '-';
	buf_addf(out, "      %s%c%s %s: ", color ? color_of(sym) : "", sym, color ? "\033[0m" : "",
	         f->name);
	if (sym == '+') {
		field_value(f, f->after, out);
	} else if (sym == '-' && c->action == PA_DELETE) {
		field_value(f, f->before, out);
	} else {
		field_value(f, f->before, out);
		buf_adds(out, " -> ");
		field_value(f, f->after, out);
	}
	buf_addch(out, '\n');
}

/* The line that says a plan covers only part of the manifest (plan --changed-since). */
static void limited_note(const struct plan *p, struct buf *out)
{
	buf_addf(out, "Limited plan: only the integrations changed since %s and their instances",
	         p->limited_since ? p->limited_since : "the base revision");
	if (!p->limited_to_nr)
		buf_adds(out, " (none changed)");
	for (size_t i = 0; i < p->limited_to_nr; i++)
		buf_addf(out, "%s%s", i ? ", " : ": ", p->limited_to[i]);
	for (size_t i = 0; i < p->limited_also_nr; i++)
		buf_addf(out, "%s%s",
		         i ? ", " : "; and what changed on its own: ", p->limited_also[i]);
	buf_adds(out, ".\nEverything else in the manifest was not compared.\n\n");
}

/* The changes of one object: g[i..end) share an address. Ends with a blank line. */
static void text_group(const struct plan *p, const struct group_item *g, size_t i, size_t end,
                       const struct render_opts *o, struct buf *out)
{
	const struct plan_change *head = &p->changes[g[i].idx];
	char sym = plan_action_symbol(head->action);
	buf_addf(out, "  %s%c %s%s (", o->color ? color_of(sym) : "", sym, head->address,
	         o->color ? "\033[0m" : "");
	for (size_t j = i; j < end; j++)
		buf_addf(out, "%s%s", j > i ? ", " : "",
		         plan_action_name(p->changes[g[j].idx].action));
	buf_adds(out, ")\n");
	for (size_t j = i; j < end; j++) {
		const struct plan_change *c = &p->changes[g[j].idx];
		for (size_t f = 0; f < c->fields_nr; f++)
			text_field(c, &c->fields[f], o->color, out);
		if (c->action == PA_PUBLISH || c->action == PA_DEPLOY ||
		    ((c->action == PA_ENABLE || c->action == PA_DISABLE) && !c->fields_nr)) {
			char s = plan_action_symbol(c->action);
			buf_addf(out, "      %s%c%s %s%s%s\n", o->color ? color_of(s) : "", s,
			         o->color ? "\033[0m" : "", plan_action_name(c->action),
			         c->note ? " " : "", c->note ? c->note : "");
		} else if (c->note) {
			buf_addf(out, "      # %s\n", c->note);
		}
	}
	buf_addch(out, '\n');
}

/* The index after the last change of the object whose first change is g[i]. */
static size_t group_end(const struct plan *p, const struct group_item *g, size_t i)
{
	size_t end = i;
	while (end < p->nr && g[end].first == g[i].first)
		end++;
	return end;
}

/* Which part of the organization a --target/--select plan covers. */
static void scope_note(const struct plan *p, struct buf *out)
{
	buf_adds(out, "Limited to");
	for (size_t i = 0; i < p->scope_targets_nr; i++)
		buf_addf(out, "%s --target %s", i ? "," : "", p->scope_targets[i]);
	for (size_t i = 0; i < p->scope_labels_nr; i++)
		buf_addf(out, "%s --select %s", i || p->scope_targets_nr ? "," : "",
		         p->scope_labels[i]);
	buf_adds(out, " (and what those objects depend on); the rest of the organization was not "
	              "planned.\n\n");
}

void render_text(const struct plan *p, const struct render_opts *o, struct buf *out)
{
	struct group_item *g = group_by_address(p);
	if (p->environment)
		buf_addf(out, "Environment %s, organization '%s'.\n\n", p->environment,
		         p->organization ? p->organization : "(not named)");
	if (p->limited)
		limited_note(p, out);
	if (p->scoped)
		scope_note(p, out);
	if (p->nr)
		buf_adds(out, o->kind == RENDER_DRIFT
		                  ? "The organization has drifted from the manifest:\n\n"
		                  : "prismsync will make these changes:\n\n");
	for (size_t i = 0; i < p->nr;) {
		size_t end = group_end(p, g, i);
		text_group(p, g, i, end, o, out);
		i = end;
	}
	free(g);
	if (o->kind != RENDER_DRIFT)
		render_rollouts_text(p, out);
	render_summary_line(p, o->kind, out);
	prunable_note(p, o->verbose, out);
}

void render_json(const struct plan *p, const struct render_opts *o, struct buf *out)
{
	struct plan_json_opts jo = {o->kind == RENDER_DRIFT, false, o->fingerprint,
	                            o->kind == RENDER_DRIFT ? NULL : render_rollouts_json};
	plan_write_json(p, &jo, out);
}

/*
 * Moves each line's leading + or - to the first column, so that a markdown
 * "diff" block colours additions and deletions.
 */
/*
 * Moves each line's symbol to the first column, where GitHub's diff
 * highlighting looks for it: + (green) and - (red) stay, ~ becomes ! (shown
 * as a change), ^ and > keep their meaning. The legend above the block says so.
 */
static void diff_style(struct buf *text)
{
	char *line = text->data;
	while (line && *line) {
		size_t indent = strspn(line, " ");
		char sym = line[indent];
		if (indent && line[indent + 1] == ' ' &&
		    (sym == '+' || sym == '-' || sym == '~' || sym == '^' || sym == '>')) {
			line[0] = sym == '~' ? '!' : sym;
			line[indent] = ' ';
		}
		line = strchr(line, '\n');
		if (line)
			line++;
	}
}

/*
 * The markdown plan for a pull request comment or an issue: the summary
 * line, then the changes in a collapsed diff block. A plan too long for a
 * comment is cut between objects, never inside one, and says how many
 * objects and changes were left out; the summary always counts them all.
 */
void render_markdown(const struct plan *p, const struct render_opts *o, struct buf *out)
{
	struct render_opts text_opts = *o;
	struct buf shown = BUF_INIT, block = BUF_INIT, summary = BUF_INIT;
	size_t left_objects = 0, left_changes = 0;
	text_opts.color = false;
	render_summary_line(p, o->kind, &summary);
	buf_truncate(&summary, summary.len - 1); /* the newline */

	struct group_item *g = group_by_address(p);
	for (size_t i = 0; i < p->nr;) {
		size_t end = group_end(p, g, i);
		bool fits = false;
		if (!left_objects) {
			buf_reset(&block);
			text_group(p, g, i, end, &text_opts, &block);
			diff_style(&block);
			fits = shown.len + block.len <= MARKDOWN_MAX_BODY;
			if (fits)
				buf_add(&shown, block.data, block.len);
		}
		if (!fits) {
			left_objects++;
			left_changes += end - i;
		}
		i = end;
	}
	free(g);

	buf_addf(out, "### prismsync %s\n\n", o->kind == RENDER_DRIFT ? "drift report" : "plan");
	buf_addf(out, "**%s**\n\n", summary.data);
	if (p->limited)
		limited_note(p, out);
	if (p->environment)
		buf_addf(out, "Environment `%s`, organization %s.\n\n", p->environment,
		         p->organization ? p->organization : "(not named)");
	if (p->manifest)
		buf_addf(out, "Manifest `%s`%s%s%s.\n\n", p->manifest,
		         p->commit ? " at commit `" : "", p->commit ? p->commit : "",
		         p->commit ? "`" : "");
	if (o->fingerprint)
		buf_addf(out, "Drift fingerprint: `%s`\n\n", o->fingerprint);
	if (p->prunable_nr) {
		prunable_note(p, true, out); /* named: a reviewer cannot run -v */
		buf_addch(out, '\n');
	}
	if (o->kind != RENDER_DRIFT)
		render_rollouts_markdown(p, out);
	if (left_objects)
		buf_addf(out,
		         "Too long for a comment: %zu object%s (%zu change%s) not shown below; "
		         "`prismsync %s` shows everything.\n\n",
		         left_objects, left_objects == 1 ? "" : "s", left_changes,
		         left_changes == 1 ? "" : "s", o->kind == RENDER_DRIFT ? "drift" : "plan");
	if (p->nr) {
		buf_adds(out, "<details><summary>Show the changes</summary>\n\n"
		              "`+` create, `!` update or import, `-` delete, `^` publish, "
		              "`>` deploy\n\n```diff\n");
		buf_adds(out, o->kind == RENDER_DRIFT
		                  ? "The organization has drifted from the manifest:\n\n"
		                  : "prismsync will make these changes:\n\n");
		buf_add(out, shown.data, shown.len);
		if (left_objects)
			buf_addf(out, "... %zu more object%s (%zu change%s) not shown\n\n",
			         left_objects, left_objects == 1 ? "" : "s", left_changes,
			         left_changes == 1 ? "" : "s");
		buf_addf(out, "%s\n```\n\n</details>\n", summary.data);
	}
	buf_release(&shown);
	buf_release(&block);
	buf_release(&summary);
}

void render_plan(const struct plan *p, enum render_format f, const struct render_opts *o,
                 struct buf *out)
{
	switch (f) {
	case FORMAT_TEXT:
		render_text(p, o, out);
		break;
	case FORMAT_JSON:
		render_json(p, o, out);
		break;
	case FORMAT_MARKDOWN:
		render_markdown(p, o, out);
		break;
	}
}
