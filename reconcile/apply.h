/*
 * apply.h - carrying out a plan against the organization.
 *
 * apply_run() executes the changes of a plan in order, each only after the
 * changes it depends on succeeded. A change that fails blocks the changes
 * that depend on it (directly or not), which are skipped and reported as
 * blocked; independent changes still run. Everything a change needs is in
 * its payload and live id (diff.h), so a plan read back from a file runs
 * the same way as a fresh one; objects created earlier in the same run are
 * found by address.
 *
 * A mutation whose outcome is unknown (a timeout or dropped connection
 * after the request was sent) is resolved before anything else: creates
 * and publishes, which must not happen twice, re-read the object by its
 * identity and count as done when it is there; idempotent changes (updates,
 * imports over a draft, deploys, enable/disable, deletes) are sent once
 * more.
 *
 * Secrets: config values that are ${env:NAME} references are read from the
 * environment at the moment they are sent, and never stored or reported.
 */
#ifndef PRISMSYNC_APPLY_H
#define PRISMSYNC_APPLY_H

#include <stdbool.h>
#include <stddef.h>

#include "../api/client.h"
#include "plan.h"

enum change_status { CS_PENDING, CS_DONE, CS_FAILED, CS_BLOCKED };

struct apply_event {
	const struct plan_change *change;
	enum change_status status;
	const char *message; /* why it failed or is blocked; NULL when done */
	size_t finished, total;
	double elapsed_s; /* of this change */
};

typedef void (*apply_progress_fn)(void *ctx, const struct apply_event *ev);

struct apply_opts {
	const char *(*getenv)(const char *name); /* NULL: getenv(3) */
	apply_progress_fn progress;              /* may be NULL */
	void *progress_ctx;
	long publish_timeout_ms; /* 0: 120 s */
};

struct apply_result {
	size_t nr;                  /* changes in the plan */
	enum change_status *status; /* per change */
	char **message;             /* per change; NULL when done */
	size_t done, failed, blocked;
};

/*
 * Runs every change of p. Returns 0 when all succeeded, ERR_API when some
 * failed or were blocked (the result says which). r is filled either way;
 * release it with apply_result_release().
 */
int apply_run(struct apply_result *r, const struct plan *p, struct api_client *client,
              const struct apply_opts *o);

void apply_result_release(struct apply_result *r);

#endif
