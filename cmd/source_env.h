/*
 * source_env.h - where a verb reads the manifest from, chosen by its
 * options: a temporary clone of --repo at --git-ref, the revision --git-ref
 * of the repository holding the manifest, or the working tree; and the
 * provenance (commit, origin, dirty files) that goes with it.
 */
#ifndef PRISMSYNC_SOURCE_ENV_H
#define PRISMSYNC_SOURCE_ENV_H

#include "../schema/manifest.h"
#include "../source/source_git.h"
#include "cmd.h"

/* Usage checks of --repo and --git-ref: EXIT_OK, or EXIT_USAGE with the problem printed. */
int cmd_check_source_options(const char *verb, const struct common_opts *common);

/*
 * Opens the source the options name into *out (free with cmd_close_source()),
 * filling prov for a git revision. Returns EXIT_OK, or EXIT_ERROR with the
 * reason printed.
 *
 * While a temporary clone of --repo exists, SIGINT, SIGTERM, SIGHUP and
 * SIGQUIT are caught: one that comes during the clone stops it at once, and
 * the clone is removed before the signal is raised again with its default
 * action; one that comes while the files are read takes effect in
 * cmd_close_source(), once the directory is gone.
 */
int cmd_open_source(struct source **out, struct source_provenance *prov, const char *verb,
                    const struct common_opts *common);

/* Frees a source from cmd_open_source() (NULL is fine), then raises a signal caught meanwhile. */
void cmd_close_source(struct source *src);

/*
 * For a manifest read from the working tree: fills prov with HEAD, origin
 * and the manifest's files (m's path and definitions) that are dirty.
 * Returns 0 (prov untouched when the manifest is not in a git repository),
 * or an error code with err saying why the status could not be read.
 */
int cmd_worktree_provenance(struct source_provenance *prov, const struct manifest *m,
                            struct error *err);

#endif
