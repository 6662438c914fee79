/*
 * rollout.h - the waves of a plan (carrying them out: apply/rollout_run.h).
 *
 * rollout_plan() reads the manifest's rollouts and the live state and
 * attaches to the plan, for each rollout, its waves with the instances in
 * each (and what each ran before), the flows that verify a wave, and which
 * waves this plan must act on; the instance changes of a wave are marked
 * with it (plan_change.rollout, .wave).
 *
 * Which waves act: the first wave with a change to one of its instances,
 * and every wave after it. The org itself is the record of how far an
 * earlier, interrupted run got (what each instance runs): the waves before
 * the first one with a change run the manifest's version already. The wave
 * just before that one is verified again before anything is deployed,
 * because a run that was stopped after deploying it may not have verified
 * it. In an acting wave every instance is verified, not only the ones this
 * run deploys, since the interrupted run may have deployed some of them.
 *
 * Ownership: struct plan_rollouts belongs to the plan (plan_release() frees
 * it).
 */
#ifndef PRISMSYNC_RECONCILE_ROLLOUT_H
#define PRISMSYNC_RECONCILE_ROLLOUT_H

#include <stdbool.h>
#include <stddef.h>

#include "plan.h"

struct manifest;
struct live_state;

struct plan_wave_member {
	char *address;     /* instance.<externalId>/<name> */
	char *live_id;     /* NULL when this plan creates it */
	int previous;      /* the version it ran when planned; 0: never deployed */
	char *previous_id; /* that version's id; NULL when unknown */
	bool changed;      /* this plan changes it */
	bool deploys;      /* this plan deploys it */
};

struct plan_wave {
	char *name;
	struct plan_wave_member *members;
	size_t members_nr;
	bool acts;     /* this plan deploys in this wave or a wave before it acts */
	bool reverify; /* verified again first: the wave before the first acting one */
};

struct plan_verify {
	char *flow;
	char *payload;
	char *content_type;
	long timeout_ms;
};

struct plan_rollout {
	char *integration;
	struct plan_wave *waves;
	size_t waves_nr;
	struct plan_verify *verify;
	size_t verify_nr;
	bool rollback; /* onFailure: rollback (else stop) */
};

struct plan_rollouts {
	struct plan_rollout *items;
	size_t nr;
};

/* Attaches the manifest's rollouts to p (see above). Nothing when it has none. */
void rollout_plan(struct plan *p, const struct manifest *m, const struct live_state *live);

void plan_rollouts_free(struct plan_rollouts *r);

/* Whether p deploys or verifies in any rollout wave. */
bool rollout_plan_acts(const struct plan *p);

/* The wave a change is in, or NULL. Borrowed from p. */
const struct plan_wave *rollout_wave(const struct plan *p, const struct plan_change *c);

/* How a wave of a rollout ended (apply/rollout_run.h reports it). */
enum wave_status {
	WAVE_UNCHANGED,   /* nothing to do in it */
	WAVE_PASSED,      /* deployed and verified */
	WAVE_FAILED,      /* a deploy or a verification failed; left as it is (stop) */
	WAVE_ROLLED_BACK, /* failed, then moved back and verified again */
	WAVE_ROLLBACK_FAILED,
	WAVE_NOT_RUN, /* an earlier wave failed */
};

const char *wave_status_name(enum wave_status s);

#endif
