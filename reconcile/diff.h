/*
 * diff.h - desired (the manifest) against live (the organization): the plan.
 *
 * diff_build() walks the manifest in the order SPEC.md section 4 applies
 * changes: customers; integration creates, imports and metadata updates;
 * publishes; instance creates and updates; deploys; enables and disables;
 * then, with prune, deletes. Every change depends only on changes before
 * it. A reference the manifest makes to a customer or integration found
 * neither in the manifest nor in the organization is reported as an error
 * at its position, and so is any other reason the plan cannot be carried
 * out (a version that does not exist, a customer name already taken).
 *
 * What each change needs to be carried out is kept in its typed inputs
 * (struct plan_inputs in plan.h), so a saved plan holds everything apply
 * needs except secrets, which stay the names of environment variables.
 * The work is split by resource: diff_customers.c, diff_integrations.c,
 * diff_instances.c, sharing diff_internal.h; fingerprints are in
 * fingerprint.c.
 *
 * Pure: no I/O. The environment is read through opts->getenv so tests can
 * supply it.
 */
#ifndef PRISMSYNC_DIFF_H
#define PRISMSYNC_DIFF_H

#include <stdbool.h>

#include "../live/live.h"
#include "../schema/manifest.h"
#include "../util/diag.h"
#include "plan.h"

#define OWNER_LABEL_PREFIX "prismsync:owner="
#define PROTECTED_LABEL    "prismsync:protected"

struct diff_opts {
	bool prune;
	/* Looks up ${env:NAME}; NULL means getenv(3). Returns NULL when unset. */
	const char *(*getenv)(const char *name);
	/* Provenance for publishes; any may be NULL. */
	const char *commit;
	const char *commit_subject;
	const char *repo_url;
	bool dirty;
	/*
	 * Write every connection input the manifest sets that the API holds
	 * write-only (a secret it never returns, so never compared).
	 */
	bool push_secrets;
};

/*
 * Builds the plan that makes live match m. Returns 0, or ERR_INVALID when
 * diags received at least one error (the plan is then incomplete and must
 * not be applied). p must be initialised; changes are appended to it and
 * its source block is filled in.
 */
int diff_build(struct plan *p, const struct manifest *m, const struct live_state *live,
               const struct diff_opts *opts, struct diag_list *diags);

/*
 * The fingerprint of a live object: SHA-256 (hex) of every field prismsync
 * reads or writes, in a fixed order. A saved plan records it per change;
 * apply re-reads the object and refuses when it differs.
 */
void live_fingerprint_customer(const struct live_customer *c, char hex[65]);
void live_fingerprint_integration(const struct live_integration *g, char hex[65]);
void live_fingerprint_instance(const struct live_instance *in, char hex[65]);

/*
 * The fingerprint of a set of differences, for drift reports: the same
 * differences give the same value, in whatever order they were found, and
 * a sensitive value contributes only the fact that it differs.
 */
void plan_fingerprint(const struct plan *p, char hex[65]);

#endif
