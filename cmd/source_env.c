#include "source_env.h"

#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>

#include "../util/xalloc.h"
#include "../util/banned.h"

int cmd_check_source_options(const char *verb, const struct common_opts *common)
{
	if (common->file_again)
		return usage_error(verb,
		                   "-f/--file given twice ('%s', then '%s'); prismsync reads one "
		                   "manifest per run",
		                   common->file, common->file_again);
	if (common->repo && !common->git_ref)
		return usage_error(verb, "--repo needs --git-ref REF: the revision to read");
	if (common->repo && !*common->repo)
		return usage_error(verb, "--repo needs a URL or a path");
	if (common->git_ref && !*common->git_ref)
		return usage_error(verb, "--git-ref needs a revision (a branch, tag or commit)");
	return EXIT_OK;
}

/* The signal mask before a clone, restored when the clone is gone. */
static sigset_t mask_before_clone;
static bool holding_signals;

static void hold_signals(void)
{
	sigset_t hold;
	sigemptyset(&hold);
	sigaddset(&hold, SIGINT);
	sigaddset(&hold, SIGTERM);
	sigaddset(&hold, SIGHUP);
	sigaddset(&hold, SIGQUIT);
	holding_signals = sigprocmask(SIG_BLOCK, &hold, &mask_before_clone) == 0;
}

static void release_signals(void)
{
	if (holding_signals)
		sigprocmask(SIG_SETMASK, &mask_before_clone, NULL);
	holding_signals = false;
}

void cmd_close_source(struct source *src)
{
	source_free(src);
	release_signals();
}

int cmd_open_source(struct source **out, struct source_provenance *prov, const char *verb,
                    const struct common_opts *common)
{
	struct error err = ERROR_INIT;
	int rc = 0;
	if (common->repo) {
		hold_signals();
		rc = source_git_clone(out, common->repo, common->git_ref, prov, &err);
		if (rc)
			release_signals(); /* the clone is already removed */
	} else if (common->git_ref)
		rc = source_git_open(out, common->file, common->git_ref, prov, &err);
	else
		*out = source_dir_new();
	if (rc)
		fprintf(stderr, "prismsync %s: %s\n", verb, err.message);
	error_release(&err);
	return rc ? EXIT_ERROR : EXIT_OK;
}

int cmd_worktree_provenance(struct source_provenance *prov, const struct manifest *m,
                            struct error *err)
{
	const char **paths = xcalloc(m->integrations_nr + 2, sizeof(*paths));
	size_t n = 0;
	paths[n++] = m->path;
	for (size_t i = 0; i < m->integrations_nr; i++)
		if (m->integrations[i].definition_file)
			paths[n++] = m->integrations[i].definition_file;
	int rc = source_git_status(prov, paths, n, err);
	free(paths);
	if (rc == ERR_NOTFOUND) { /* not in a repository: nothing to record */
		error_release(err);
		error_init(err);
		rc = 0;
	}
	return rc;
}
