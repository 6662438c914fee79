#include "rollout.h"

#include <stdlib.h>
#include <string.h>

#include "../live/live.h"
#include "../schema/manifest.h"
#include "../util/xalloc.h"
#include "../util/banned.h"

static void member_init(struct plan_wave_member *mb, const struct m_instance *in,
                        const struct live_state *live)
{
	const struct live_customer *cust =
	    live ? live_customer_by_external_id(live, in->customer) : NULL;
	const struct live_instance *li =
	    cust ? live_instance_by_identity(live, cust->id, in->name) : NULL;
	mb->address = xasprintf("instance.%s/%s", in->customer, in->name);
	if (!li)
		return;
	mb->live_id = xstrdup(li->id);
	if (li->has_deployed_version && li->deployed_version > 0) {
		const struct live_integration *g = NULL;
		mb->previous = li->deployed_version;
		if (li->version_id)
			live_version_by_id(live, li->version_id, &g);
		if (!g && li->integration_name)
			g = live_integration_by_name(live, li->integration_name);
		const struct live_version *v = g ? live_version_by_number(g, mb->previous) : NULL;
		if (v)
			mb->previous_id = xstrdup(v->id);
	}
}

/* Marks the changes of member mb with its wave; notes whether it changes and deploys. */
static void mark_changes(struct plan *p, struct plan_wave_member *mb, unsigned rollout,
                         unsigned wave)
{
	for (size_t i = 0; i < p->nr; i++) {
		struct plan_change *c = &p->changes[i];
		if (c->type != RES_INSTANCE || strcmp(c->address, mb->address) ||
		    c->action == PA_DELETE)
			continue;
		c->rollout = rollout;
		c->wave = wave;
		mb->changed = true;
		if (c->action == PA_DEPLOY)
			mb->deploys = true;
	}
}

static void plan_one(struct plan *p, struct plan_rollout *pr, const struct m_rollout *mr,
                     unsigned index, const struct manifest *m, const struct live_state *live)
{
	pr->integration = xstrdup(mr->integration);
	pr->rollback = mr->on_failure == M_ON_FAILURE_ROLLBACK;
	pr->verify_nr = mr->verify_nr;
	pr->verify = xcalloc(mr->verify_nr + 1, sizeof(*pr->verify));
	for (size_t v = 0; v < mr->verify_nr; v++) {
		pr->verify[v].flow = xstrdup(mr->verify[v].flow);
		pr->verify[v].payload = xstrdup(mr->verify[v].payload ? mr->verify[v].payload : "");
		pr->verify[v].content_type = xstrdup(mr->verify[v].content_type);
		pr->verify[v].timeout_ms = mr->verify[v].timeout_ms;
	}
	pr->waves_nr = mr->waves_nr;
	pr->waves = xcalloc(mr->waves_nr + 1, sizeof(*pr->waves));
	for (size_t w = 0; w < mr->waves_nr; w++) {
		struct plan_wave *pw = &pr->waves[w];
		pw->name = xstrdup(mr->waves[w].name);
		pw->members = xcalloc(m->instances_nr + 1, sizeof(*pw->members));
		for (size_t i = 0; i < m->instances_nr; i++) {
			if (rollout_wave_of(m, mr, &m->instances[i]) != (long)w)
				continue;
			struct plan_wave_member *mb = &pw->members[pw->members_nr++];
			member_init(mb, &m->instances[i], live);
			mark_changes(p, mb, index + 1, (unsigned)w + 1);
		}
	}
	/* From the first wave with a change on, every wave acts. */
	bool acting = false;
	for (size_t w = 0; w < pr->waves_nr; w++) {
		struct plan_wave *pw = &pr->waves[w];
		for (size_t k = 0; k < pw->members_nr && !acting; k++)
			acting = pw->members[k].changed;
		if (acting && !pw->acts && w > 0 && !pr->waves[w - 1].acts)
			pr->waves[w - 1].reverify = true;
		pw->acts = acting;
	}
}

void rollout_plan(struct plan *p, const struct manifest *m, const struct live_state *live)
{
	if (!m || !m->rollouts_nr)
		return;
	p->rollouts = xcalloc(1, sizeof(*p->rollouts));
	p->rollouts->items = xcalloc(m->rollouts_nr + 1, sizeof(*p->rollouts->items));
	for (size_t r = 0; r < m->rollouts_nr; r++) {
		if (!m->rollouts[r].integration)
			continue;
		plan_one(p, &p->rollouts->items[p->rollouts->nr], &m->rollouts[r],
		         (unsigned)p->rollouts->nr, m, live);
		p->rollouts->nr++;
	}
}

void plan_rollouts_free(struct plan_rollouts *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->nr; i++) {
		struct plan_rollout *pr = &r->items[i];
		for (size_t w = 0; w < pr->waves_nr; w++) {
			for (size_t k = 0; k < pr->waves[w].members_nr; k++) {
				free(pr->waves[w].members[k].address);
				free(pr->waves[w].members[k].live_id);
				free(pr->waves[w].members[k].previous_id);
			}
			free(pr->waves[w].members);
			free(pr->waves[w].name);
		}
		free(pr->waves);
		for (size_t v = 0; v < pr->verify_nr; v++) {
			free(pr->verify[v].flow);
			free(pr->verify[v].payload);
			free(pr->verify[v].content_type);
		}
		free(pr->verify);
		free(pr->integration);
	}
	free(r->items);
	free(r);
}

bool rollout_plan_acts(const struct plan *p)
{
	for (size_t r = 0; p->rollouts && r < p->rollouts->nr; r++)
		for (size_t w = 0; w < p->rollouts->items[r].waves_nr; w++)
			if (p->rollouts->items[r].waves[w].acts ||
			    p->rollouts->items[r].waves[w].reverify)
				return true;
	return false;
}

const struct plan_wave *rollout_wave(const struct plan *p, const struct plan_change *c)
{
	if (!p->rollouts || !c->rollout || c->rollout > p->rollouts->nr)
		return NULL;
	const struct plan_rollout *pr = &p->rollouts->items[c->rollout - 1];
	return c->wave && c->wave <= pr->waves_nr ? &pr->waves[c->wave - 1] : NULL;
}

const char *wave_status_name(enum wave_status s)
{
	static const char *const names[] = {"unchanged",   "passed",          "failed",
	                                    "rolled_back", "rollback_failed", "not_run"};
	return names[s];
}
