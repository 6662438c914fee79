/*
 * pipeline.h - the steps plan, apply and drift share: load the manifest,
 * read the organization, compute the plan.
 */
#ifndef PRISMSYNC_PIPELINE_H
#define PRISMSYNC_PIPELINE_H

#include <stdbool.h>

#include "../api/client.h"
#include "../live/live.h"
#include "../reconcile/plan.h"
#include "../reconcile/scope.h"
#include "../schema/manifest.h"
#include "cmd.h"

#include "../source/source_git.h"

struct pipeline {
	struct manifest *manifest;
	struct api_client *client;
	struct live_state *live;
	struct plan plan;
	struct diag_list diags;
	struct source *source;
	struct source_provenance provenance;
	struct cmd_target target; /* where the client connects; borrows from manifest */
};

struct pipeline_opts {
	bool prune;
	int parallelism;           /* 0: the default */
	bool refuse_dirty;         /* apply: a dirty working tree is an error */
	const char *changed_since; /* plan --changed-since: limit the plan; NULL for all */
	bool push_secrets;         /* write connection inputs the API holds write-only */
	struct plan_scope scope;   /* --target, --select: limit the plan */
	/*
	 * Called once connected, before anything is read (apply takes its lock
	 * there); NULL for none. Returns EXIT_OK to go on, else the exit code,
	 * with the reason printed.
	 */
	int (*before_read)(void *ctx, struct api_client *client);
	void *before_read_ctx;
};

/*
 * Loads the manifest named by common->file from the working tree or the
 * git revision the options name (every ${env:NAME} must be set), records
 * its provenance, connects, reads the organization and builds the plan.
 * Problems are printed to stderr. Returns EXIT_OK, or EXIT_ERROR with
 * nothing to apply. Call pipeline_release() in both cases.
 */
int pipeline_run(struct pipeline *pl, const char *verb, const struct common_opts *common,
                 const struct pipeline_opts *opts);

void pipeline_release(struct pipeline *pl);

/*
 * Writes data to the output file path, with the given mode: atomically (a
 * temporary file renamed over it) when path is absent or a regular file,
 * written through when it leads to a FIFO, a terminal or another character
 * device, refused otherwise; never replacing what is not a regular file
 * (file_write_out()). Returns 0, or -1 with errno set.
 */
int write_file_atomic(const char *path, const char *data, size_t len, unsigned mode);

#endif
