/*
 * rollout_run.h - carrying a plan with rollouts out, wave by wave.
 *
 * rollout_apply() runs the plan: first every change in no wave, then wave
 * after wave (each rollout on its own), each wave's changes, then its
 * verification: each verify flow on each deployed instance of the wave
 * (Test Flow), polling each execution (Get Execution) until it ends in
 * SUCCESS within the flow's timeout, at most --parallelism at a time. A
 * failed or timed-out verification fails that instance's change (the
 * report names wave, instance, flow and the execution's error) and blocks
 * the later waves of that rollout; with onFailure: rollback the wave's
 * instances that this run moved go back to the version they ran before
 * (update + deploy) and are verified again.
 *
 * Ownership: a struct rollout_report belongs to its caller
 * (rollout_report_release()).
 */
#ifndef PRISMSYNC_APPLY_ROLLOUT_RUN_H
#define PRISMSYNC_APPLY_ROLLOUT_RUN_H

#include <stdbool.h>
#include <stddef.h>

#include "apply.h"
#include "../reconcile/rollout.h"

/* One verification that did not pass. */
struct rollout_failure {
	char *integration, *wave, *instance, *flow;
	char *execution_id; /* NULL when no execution started */
	char *error;        /* the execution's error, or why there was none */
	bool rollback;      /* failed while verifying a rollback */
};

struct rollout_report {
	enum wave_status **status; /* [rollout][wave] */
	size_t rollouts_nr;
	struct rollout_failure *failures;
	size_t failures_nr, failures_alloc;
	size_t verified; /* executions that ended in SUCCESS */
};

/* A line of progress: a wave starting, a verification ending, or still waiting (every 10 s). */
typedef void (*rollout_note_fn)(void *ctx, const char *line);

/*
 * Carries out p as above. r and rep are filled either way; release them.
 * Returns 0 when everything succeeded and verified, ERR_API otherwise.
 */
int rollout_apply(struct apply_result *r, struct rollout_report *rep, const struct plan *p,
                  struct api_client *client, const struct apply_opts *o, rollout_note_fn note,
                  void *note_ctx);

void rollout_report_release(struct rollout_report *rep);

#endif
