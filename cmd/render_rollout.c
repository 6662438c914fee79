#include "render_rollout.h"

#include <stdlib.h>
#include <string.h>

#include "render.h"
#include "../schema/yaml_tree.h"
#include "../util/xalloc.h"
#include "../util/banned.h"

static void jstr(struct buf *out, const char *s)
{
	if (!s)
		buf_adds(out, "null");
	else
		json_quote(out, s, strlen(s));
}

/* What the plan does to a member of a wave, for the text plan. */
static const char *member_mark(const struct plan_wave_member *mb)
{
	if (mb->deploys)
		return mb->live_id ? "deploy" : "create + deploy";
	return mb->changed ? "update" : "unchanged";
}

void render_rollouts_text(const struct plan *p, struct buf *out)
{
	if (!p->rollouts)
		return;
	for (size_t r = 0; r < p->rollouts->nr; r++) {
		const struct plan_rollout *pr = &p->rollouts->items[r];
		bool any = false;
		for (size_t w = 0; w < pr->waves_nr; w++)
			any = any || pr->waves[w].acts || pr->waves[w].reverify;
		buf_addf(out, "Rollout of '%s' in %zu wave%s%s:\n", pr->integration, pr->waves_nr,
		         pr->waves_nr == 1 ? "" : "s", any ? "" : " (nothing to roll out)");
		for (size_t w = 0; w < pr->waves_nr; w++) {
			const struct plan_wave *pw = &pr->waves[w];
			buf_addf(out, "  wave %zu '%s'%s:", w + 1, pw->name,
			         pw->reverify ? " (verified again first: it runs the new version "
			                        "already)"
			         : !pw->acts  ? " (up to date)"
			                      : "");
			for (size_t k = 0; k < pw->members_nr; k++)
				buf_addf(out, "%s %s (%s)", k ? "," : "",
				         pw->members[k].address + strlen("instance."),
				         member_mark(&pw->members[k]));
			buf_addch(out, '\n');
		}
		if (pr->verify_nr) {
			buf_adds(out, "  each wave is verified by running:");
			for (size_t v = 0; v < pr->verify_nr; v++)
				buf_addf(out, "%s '%s' (within %ld s)", v ? "," : "",
				         pr->verify[v].flow, pr->verify[v].timeout_ms / 1000);
			buf_addf(out, "; on failure: %s\n", pr->rollback ? "rollback" : "stop");
		} else {
			buf_addf(out,
			         "  no verify flows: each wave counts as passed once deployed; on "
			         "failure: %s\n",
			         pr->rollback ? "rollback" : "stop");
		}
	}
	buf_addch(out, '\n');
}

void render_rollouts_markdown(const struct plan *p, struct buf *out)
{
	if (!p->rollouts)
		return;
	buf_adds(out, "```\n");
	render_rollouts_text(p, out);
	buf_truncate(out, out->len - 1); /* the blank line */
	buf_adds(out, "```\n\n");
}

void render_rollouts_json(const struct plan *p, struct buf *out)
{
	if (!p->rollouts)
		return;
	buf_adds(out, ",\"rollouts\":[");
	for (size_t r = 0; r < p->rollouts->nr; r++) {
		const struct plan_rollout *pr = &p->rollouts->items[r];
		buf_adds(out, r ? ",{\"integration\":" : "{\"integration\":");
		jstr(out, pr->integration);
		buf_addf(out, ",\"on_failure\":\"%s\",\"verify\":[",
		         pr->rollback ? "rollback" : "stop");
		for (size_t v = 0; v < pr->verify_nr; v++) {
			buf_adds(out, v ? ",{\"flow\":" : "{\"flow\":");
			jstr(out, pr->verify[v].flow);
			buf_addf(out, ",\"timeout_s\":%ld}", pr->verify[v].timeout_ms / 1000);
		}
		buf_adds(out, "],\"waves\":[");
		for (size_t w = 0; w < pr->waves_nr; w++) {
			const struct plan_wave *pw = &pr->waves[w];
			buf_adds(out, w ? ",{\"name\":" : "{\"name\":");
			jstr(out, pw->name);
			buf_addf(out, ",\"acts\":%s,\"reverify\":%s,\"instances\":[",
			         pw->acts ? "true" : "false", pw->reverify ? "true" : "false");
			for (size_t k = 0; k < pw->members_nr; k++) {
				const struct plan_wave_member *mb = &pw->members[k];
				buf_adds(out, k ? ",{\"address\":" : "{\"address\":");
				jstr(out, mb->address);
				buf_addf(out, ",\"deploys\":%s,\"previous_version\":%d}",
				         mb->deploys ? "true" : "false", mb->previous);
			}
			buf_adds(out, "]}");
		}
		buf_adds(out, "]}");
	}
	buf_addch(out, ']');
}

static const char *status_name(enum change_status s)
{
	static const char *const names[] = {"pending", "done", "failed", "blocked"};
	return names[s];
}

void render_apply_report(const struct plan *p, const struct apply_result *r,
                         const struct rollout_report *rep, struct buf *out)
{
	struct render_opts ro = {RENDER_PLAN, false, NULL, false};
	struct buf plan = BUF_INIT;
	render_json(p, &ro, &plan);
	/* The plan's object, reopened: kind "apply" and the outcome added. */
	const char *kind = "\"kind\":\"plan\"";
	char *at = strstr(plan.data, kind);
	size_t end = plan.len;
	while (end && plan.data[end - 1] == '\n')
		end--;
	if (end && plan.data[end - 1] == '}')
		end--;
	buf_add(out, plan.data, (size_t)(at - plan.data));
	buf_adds(out, "\"kind\":\"apply\"");
	buf_add(out, at + strlen(kind), end - (size_t)(at - plan.data) - strlen(kind));
	buf_addf(out, ",\"apply\":{\"done\":%zu,\"failed\":%zu,\"blocked\":%zu,\"changes\":[",
	         r->done, r->failed, r->blocked);
	for (size_t i = 0; i < p->nr; i++) {
		char *id = plan_change_id(&p->changes[i]);
		buf_adds(out, i ? ",{\"id\":" : "{\"id\":");
		jstr(out, id);
		buf_addf(out, ",\"status\":\"%s\",\"message\":", status_name(r->status[i]));
		jstr(out, r->message[i]);
		buf_addch(out, '}');
		free(id);
	}
	buf_adds(out, "],\"rollouts\":[");
	for (size_t ri = 0; p->rollouts && ri < p->rollouts->nr && ri < rep->rollouts_nr; ri++) {
		const struct plan_rollout *pr = &p->rollouts->items[ri];
		buf_adds(out, ri ? ",{\"integration\":" : "{\"integration\":");
		jstr(out, pr->integration);
		buf_adds(out, ",\"waves\":[");
		for (size_t w = 0; w < pr->waves_nr; w++) {
			buf_adds(out, w ? ",{\"name\":" : "{\"name\":");
			jstr(out, pr->waves[w].name);
			buf_addf(out, ",\"status\":\"%s\"}", wave_status_name(rep->status[ri][w]));
		}
		buf_adds(out, "]}");
	}
	buf_addf(out, "],\"verified\":%zu,\"failures\":[", rep->verified);
	for (size_t i = 0; i < rep->failures_nr; i++) {
		const struct rollout_failure *f = &rep->failures[i];
		buf_adds(out, i ? ",{\"integration\":" : "{\"integration\":");
		jstr(out, f->integration);
		buf_adds(out, ",\"wave\":");
		jstr(out, f->wave);
		buf_adds(out, ",\"instance\":");
		jstr(out, f->instance);
		buf_adds(out, ",\"flow\":");
		jstr(out, f->flow);
		buf_adds(out, ",\"execution_id\":");
		jstr(out, f->execution_id);
		buf_adds(out, ",\"error\":");
		jstr(out, f->error);
		buf_addf(out, ",\"after_rollback\":%s}", f->rollback ? "true" : "false");
	}
	buf_adds(out, "]}}\n");
	buf_release(&plan);
}
