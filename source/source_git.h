/*
 * source_git.h - desired state from git, and where it came from.
 *
 * A git source reads the manifest and its definitions from the tree of one
 * revision (a branch, tag, commit id, HEAD~2, origin/main) without touching
 * the working tree or the index. Paths are the user's, as for the directory
 * source: relative to the current directory, or absolute. They are mapped
 * onto the tree through the repository's working directory, so a manifest
 * in a subdirectory of the repository, named from anywhere, reads the same
 * files at a revision as it would on disk. For a clone (source_git_clone)
 * there is no working directory: paths are taken from the repository root.
 *
 * Provenance is what publishes record: the commit, its subject, the origin
 * remote's URL with any credentials removed, and whether files the manifest
 * reads differ from that commit.
 *
 * source_git.c is the only file that includes libgit2. libgit2 refuses a
 * repository owned by another user unless git's safe.directory setting
 * names it (as git does); that refusal is reported with the fix.
 *
 * Lifecycle: sources are freed with source_free() (a clone's temporary
 * directory is removed then, and also when creating it fails); a struct
 * source_provenance is zeroed by the caller, filled by these functions and
 * emptied with source_provenance_release(). All strings in it are owned.
 */
#ifndef PRISMSYNC_SOURCE_GIT_H
#define PRISMSYNC_SOURCE_GIT_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include "../util/error.h"
#include "source.h"

struct source_provenance {
	char *commit;       /* full hex id; NULL when unknown (not a repository, no commit yet) */
	char *subject;      /* first line of the commit message; NULL when unknown */
	char *repo_url;     /* URL of the origin remote without credentials; NULL when none */
	bool dirty;         /* some file read differs from the commit (working tree only) */
	char **dirty_files; /* those files, as the user named them */
	size_t dirty_nr;
};

void source_provenance_release(struct source_provenance *p);

/*
 * Opens the repository that contains manifest_path (looked up from its
 * directory, or the nearest existing parent) and resolves rev to a commit.
 * On success stores the source in *out and, when prov is not NULL, the
 * commit's provenance. Fails with ERR_NOTFOUND (not in a repository, no
 * such revision), ERR_INVALID (a bare repository, owned by another user)
 * or ERR_IO; err says which and names the path or revision.
 */
int source_git_open(struct source **out, const char *manifest_path, const char *rev,
                    struct source_provenance *prov, struct error *err);

/*
 * Clones url (a URL or a local path) bare into a new temporary directory
 * under $TMPDIR (or /tmp) and reads rev from it; rev may name a branch of
 * the remote as "main" or "origin/main". Only the branch or tag rev names
 * is fetched (every branch and tag when rev is a commit id); libgit2 1.5
 * cannot make shallow clones, so that ref's whole history comes. The
 * directory is removed by source_free(), or before returning when anything
 * fails. prov->repo_url is url without credentials.
 *
 * stop (may be NULL) is watched during the transfer: once it holds a
 * nonzero value (a signal handler sets it), the clone stops and fails
 * with ERR_IO ("interrupted"), its directory removed.
 */
int source_git_clone(struct source **out, const char *url, const char *rev,
                     struct source_provenance *prov, const volatile sig_atomic_t *stop,
                     struct error *err);

/*
 * Another revision of the repository git_src reads, with the same mapping
 * of paths (for plan --changed-since). The new source must be freed before
 * git_src. Fails as source_git_open(); ERR_INVALID when git_src is not a
 * git source.
 */
int source_git_at(struct source **out, struct source *git_src, const char *rev, struct error *err);

/* Whether src reads from git. */
bool source_is_git(const struct source *src);

/*
 * For files read from the working tree: finds the repository containing
 * paths[0] and fills out with HEAD's commit, subject and origin URL, and
 * marks as dirty each of paths[0..nr) that is modified, staged, untracked
 * or ignored (anything but identical to HEAD). Returns 0, ERR_NOTFOUND
 * when paths[0] is not inside a repository (out is then untouched), or
 * another error (such as a repository owned by another user).
 */
int source_git_status(struct source_provenance *out, const char *const *paths, size_t nr,
                      struct error *err);

/*
 * url without credentials: "https://user:token@host/x" becomes
 * "https://host/x", "ssh://git:pw@host/x" becomes "ssh://git@host/x";
 * scp-like "git@host:x" and paths are kept. A new string.
 */
char *source_git_strip_credentials(const char *url);

/* The version of libgit2 in use at run time ("1.5.1"); a static string. */
const char *source_git_library_version(void);

#endif
