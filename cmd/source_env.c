#include "source_env.h"

#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

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

/*
 * While a temporary clone exists, SIGINT, SIGTERM, SIGHUP and SIGQUIT only
 * record themselves here. The clone watches the record and stops (libgit2's
 * progress callback fails; without SA_RESTART a blocking read is
 * interrupted too); once the directory is gone the signal is raised again
 * with its default action, so the run ends as the signal says, with nothing
 * left behind. Signals the process ignored (nohup) stay ignored.
 */
static const int clone_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
#define NSIGNALS (sizeof(clone_signals) / sizeof(clone_signals[0]))
static struct sigaction before_clone[NSIGNALS];
static bool catching;
static volatile sig_atomic_t clone_signal;

static void on_clone_signal(int sig)
{
	clone_signal = sig;
}

static void catch_signals(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_clone_signal;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < NSIGNALS; i++) {
		sigaction(clone_signals[i], NULL, &before_clone[i]);
		if (before_clone[i].sa_handler != SIG_IGN)
			sigaction(clone_signals[i], &sa, NULL);
	}
	catching = true;
}

/* Puts the handlers back; a signal that came meanwhile now ends the process. */
static void release_signals(void)
{
	if (!catching)
		return;
	for (size_t i = 0; i < NSIGNALS; i++)
		sigaction(clone_signals[i], &before_clone[i], NULL);
	catching = false;
	int sig = clone_signal;
	if (sig) {
		signal(sig, SIG_DFL);
		raise(sig);
	}
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
		catch_signals();
		rc =
		    source_git_clone(out, common->repo, common->git_ref, prov, &clone_signal, &err);
		if (clone_signal && !rc) {
			source_free(*out);
			*out = NULL;
		}
		if (rc || clone_signal)
			release_signals(); /* the clone is removed; an interruption ends here */
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
