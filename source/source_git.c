/* realpath(3), nftw(3) and mkdtemp(3) are XSI functions. */
#define _XOPEN_SOURCE 700

#include "source_git.h"

#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <git2.h>

#include "../util/buf.h"
#include "../util/strutil.h"
#include "../util/url.h"
#include "../util/xalloc.h"
#include "../util/banned.h"

struct git_source {
	struct source base;
	git_repository *repo;
	git_commit *commit;
	git_tree *tree;
	char *rev;       /* as the user wrote it */
	char *label;     /* "revision 'HEAD~2' (commit 1a2b3c4)": description and revision */
	char *root;      /* real path of the working directory; NULL: paths are from the root */
	char *clone_dir; /* a temporary clone to remove on free; NULL otherwise */
	char *cwd;       /* real path of the current directory when opened */
};

static const struct source_ops git_ops;

/* Records libgit2's last error after what. Returns code. */
static int git_fail(struct error *err, int code, const char *what)
{
	const git_error *e = git_error_last();
	return error_set(err, code, "%s: %s", what,
	                 e && e->message ? e->message : "unknown libgit2 error");
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path) && errno != ENOENT ? -1 : 0;
}

static void remove_tree(const char *dir)
{
	if (dir)
		nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

void source_provenance_release(struct source_provenance *p)
{
	if (!p)
		return;
	free(p->commit);
	free(p->subject);
	free(p->repo_url);
	for (size_t i = 0; i < p->dirty_nr; i++)
		free(p->dirty_files[i]);
	free(p->dirty_files);
	memset(p, 0, sizeof(*p));
}

char *source_git_strip_credentials(const char *url)
{
	return url_strip_credentials(url);
}

/* The real path of the current directory. A new string, or NULL. */
static char *real_cwd(void)
{
	return realpath(".", NULL);
}

/*
 * An absolute, lexically normal path for path: the longest leading part
 * that exists is resolved with realpath(3), the rest appended, so that a
 * directory that exists only at some revision still maps. A new string.
 */
static char *resolve_path(const char *cwd, const char *path)
{
	char *abs = path[0] == '/' ? xstrdup(path) : xasprintf("%s/%s", cwd, path);
	/* Lexical normalisation: ".", "..", repeated slashes. */
	struct buf b = BUF_INIT;
	const char *p = abs;
	while (*p) {
		while (*p == '/')
			p++;
		size_t n = strcspn(p, "/");
		if (!n)
			break;
		if (n == 1 && p[0] == '.') {
		} else if (n == 2 && p[0] == '.' && p[1] == '.') {
			while (b.len && b.data[b.len - 1] != '/')
				buf_truncate(&b, b.len - 1);
			if (b.len)
				buf_truncate(&b, b.len - 1);
		} else {
			buf_addch(&b, '/');
			buf_add(&b, p, n);
		}
		p += n;
	}
	if (!b.len)
		buf_addch(&b, '/');
	free(abs);
	char *norm = buf_detach(&b, NULL);

	size_t cut = strlen(norm);
	for (;;) {
		char saved = norm[cut];
		norm[cut] = '\0';
		char *real = realpath(cut ? norm : "/", NULL);
		norm[cut] = saved;
		if (real) {
			char *out = xasprintf("%s%s", strcmp(real, "/") ? real : "", norm + cut);
			free(real);
			free(norm);
			return out;
		}
		while (cut > 0 && norm[--cut] != '/')
			;
		if (!cut)
			return norm;
	}
}

/*
 * The path inside the repository that path names: relative to the working
 * directory's root, or (for a clone) path itself, normalised. A new string
 * in *out, or ERR_INVALID when it lies outside the repository.
 */
static int map_path(char **out, const char *root, const char *cwd, const char *path,
                    struct error *err)
{
	if (!root) {
		char *rel = path_normalize_relative(path);
		if (!rel)
			return error_set(err, ERR_INVALID,
			                 "'%s' is not a path inside the repository (relative to "
			                 "its root)",
			                 path);
		*out = rel;
		return 0;
	}
	char *abs = resolve_path(cwd, path);
	size_t n = strlen(root);
	if (strncmp(abs, root, n) || abs[n] != '/') {
		int rc =
		    error_set(err, ERR_INVALID, "%s is outside the repository at %s", abs, root);
		free(abs);
		return rc;
	}
	*out = xstrdup(abs + n + 1);
	free(abs);
	return 0;
}

/*
 * After discovery failed from dir: a directory at or above it that holds
 * ".git" but belongs to another user, which libgit2 1.5 reports only as
 * "not found". A new string, or NULL.
 */
static char *foreign_repository(const char *dir, uid_t *owner)
{
	char *cur = realpath(dir, NULL);
	while (cur) {
		char *dotgit = xasprintf("%s/.git", strcmp(cur, "/") ? cur : "");
		struct stat st;
		int found = lstat(dotgit, &st);
		free(dotgit);
		if (!found) {
			struct stat top;
			if (!stat(cur, &top) &&
			    (top.st_uid != geteuid() || st.st_uid != geteuid())) {
				*owner = top.st_uid != geteuid() ? top.st_uid : st.st_uid;
				return cur;
			}
			break;
		}
		if (!strcmp(cur, "/"))
			break;
		char *up = path_dirname(cur);
		free(cur);
		cur = up;
	}
	free(cur);
	return NULL;
}

/* Opens the repository that holds dir or one of its parents (nearest existing dir first). */
static int open_repository(git_repository **out, const char *path, struct error *err)
{
	char *dir = path_dirname(path);
	struct stat st;
	while (stat(dir, &st) || !S_ISDIR(st.st_mode)) {
		char *up = path_dirname(dir);
		bool same = !strcmp(up, dir);
		free(dir);
		dir = up;
		if (same)
			break;
	}
	int rc = git_repository_open_ext(out, dir, 0, NULL);
	char *foreign = NULL;
	uid_t owner = 0;
	if (rc == GIT_ENOTFOUND || rc == GIT_EOWNER)
		foreign = foreign_repository(dir, &owner);
	if (foreign)
		rc = error_set(err, ERR_INVALID,
		               "the git repository %s is owned by uid %ld, not by the current user "
		               "(uid %ld): like git, prismsync does not read a repository someone "
		               "else controls. If you trust it, mark it safe with: git config "
		               "--global --add safe.directory %s",
		               foreign, (long)owner, (long)geteuid(), foreign);
	else if (rc == GIT_ENOTFOUND)
		rc = error_set(err, ERR_NOTFOUND,
		               "%s is not inside a git repository (looked in %s and its parents)",
		               path, dir);
	else if (rc < 0)
		rc = git_fail(err, ERR_IO, path);
	free(foreign);
	free(dir);
	return rc;
}

static char *real_workdir(git_repository *repo)
{
	const char *wd = git_repository_workdir(repo);
	if (!wd)
		return NULL;
	char *real = realpath(wd, NULL);
	if (!real)
		real = xstrdup(wd);
	size_t n = strlen(real);
	while (n > 1 && real[n - 1] == '/')
		real[--n] = '\0';
	return real;
}

/* Resolves rev (trying "origin/<rev>" in a clone) to a commit. */
static int resolve_commit(git_commit **out, git_repository *repo, const char *rev, bool clone,
                          struct error *err)
{
	git_object *obj = NULL, *peeled = NULL;
	int rc = git_revparse_single(&obj, repo, rev);
	if ((rc == GIT_ENOTFOUND || rc == GIT_EAMBIGUOUS) && clone && strncmp(rev, "origin/", 7)) {
		char *remote = xasprintf("origin/%s", rev);
		rc = git_revparse_single(&obj, repo, remote);
		free(remote);
	} else if (rc == GIT_ENOTFOUND && clone && !strncmp(rev, "origin/", 7) && rev[7]) {
		/* A repository read in place: its own branches are what a clone calls origin/. */
		rc = git_revparse_single(&obj, repo, rev + 7);
	}
	if (rc == GIT_ENOTFOUND) {
		rc = error_set(err, ERR_NOTFOUND,
		               "no revision '%s' in the repository (a branch, tag, commit id or "
		               "expression such as HEAD~2)",
		               rev);
		goto done;
	}
	if (rc < 0) {
		char *what = xasprintf("cannot resolve revision '%s'", rev);
		rc = git_fail(err, rc == GIT_EAMBIGUOUS ? ERR_INVALID : ERR_IO, what);
		free(what);
		goto done;
	}
	if (git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT) < 0) {
		char *what = xasprintf("revision '%s' is not a commit", rev);
		rc = git_fail(err, ERR_INVALID, what);
		free(what);
		goto done;
	}
	*out = (git_commit *)peeled;
	peeled = NULL;
done:
	git_object_free(peeled);
	git_object_free(obj);
	return rc;
}

/*
 * The URL of the origin remote as configured. Read from the configuration
 * rather than through git_remote_lookup(), whose url.*.insteadOf matching
 * leaks memory in libgit2 1.5 built with PCRE2.
 */
static char *origin_url(git_repository *repo)
{
	git_config *config = NULL;
	const char *url = NULL;
	char *out = NULL;
	if (git_repository_config_snapshot(&config, repo) == 0 &&
	    git_config_get_string(&url, config, "remote.origin.url") == 0 && url)
		out = source_git_strip_credentials(url);
	git_config_free(config);
	return out;
}

/* Creates the clone's origin without url.*.insteadOf rewriting (see origin_url()). */
static int create_remote(git_remote **out, git_repository *repo, const char *name, const char *url,
                         void *payload)
{
	(void)payload;
	git_remote_create_options o;
	git_remote_create_options_init(&o, GIT_REMOTE_CREATE_OPTIONS_VERSION);
	o.repository = repo;
	o.name = name;
	o.flags = GIT_REMOTE_CREATE_SKIP_INSTEADOF;
	return git_remote_create_with_opts(out, url, &o);
}

static void commit_provenance(struct source_provenance *prov, git_repository *repo,
                              git_commit *commit)
{
	char hex[GIT_OID_HEXSZ + 1];
	git_oid_tostr(hex, sizeof(hex), git_commit_id(commit));
	free(prov->commit);
	free(prov->subject);
	free(prov->repo_url);
	prov->commit = xstrdup(hex);
	const char *summary = git_commit_summary(commit);
	prov->subject = summary ? xstrdup(summary) : NULL;
	prov->repo_url = origin_url(repo);
}

/* Makes the source once repo is open; takes repo (freed on failure). */
static int make_source(struct source **out, git_repository *repo, const char *rev, bool clone,
                       struct source_provenance *prov, struct error *err)
{
	struct git_source *g = xcalloc(1, sizeof(*g));
	int rc;
	g->base.ops = &git_ops;
	g->repo = repo;
	g->rev = xstrdup(rev);
	if ((rc = resolve_commit(&g->commit, repo, rev, clone, err)))
		goto fail;
	if ((rc = git_commit_tree(&g->tree, g->commit)) < 0) {
		rc = git_fail(err, ERR_IO, "cannot read the commit's tree");
		goto fail;
	}
	char hex[8];
	git_oid_tostr(hex, sizeof(hex), git_commit_id(g->commit));
	g->label = xasprintf("revision '%s' (commit %s)", rev, hex);
	g->base.description = g->label;
	g->base.revision = g->label;
	if (!clone) {
		g->root = real_workdir(repo);
		g->cwd = real_cwd();
		if (!g->root) {
			rc = error_set(err, ERR_INVALID,
			               "%s is a bare repository: use --repo %s --git-ref %s",
			               git_repository_path(repo), git_repository_path(repo), rev);
			goto fail;
		}
		if (!g->cwd) {
			rc = error_set(err, ERR_IO, "cannot resolve the current directory: %s",
			               strerror(errno));
			goto fail;
		}
	}
	if (prov)
		commit_provenance(prov, repo, g->commit);
	*out = &g->base;
	return 0;
fail:
	source_free(&g->base);
	return rc;
}

int source_git_open(struct source **out, const char *manifest_path, const char *rev,
                    struct source_provenance *prov, struct error *err)
{
	git_repository *repo = NULL;
	git_libgit2_init();
	int rc = open_repository(&repo, manifest_path, err);
	if (rc) {
		git_libgit2_shutdown();
		return rc;
	}
	return make_source(out, repo, rev, false, prov, err);
}

/* The directory a local URL (a path, or file://PATH) names; NULL for a remote URL. */
static const char *local_path(const char *url)
{
	if (!strncmp(url, "file://", 7))
		return url + 7;
	if (strstr(url, "://"))
		return NULL;
	const char *colon = strchr(url, ':');
	if (colon && !memchr(url, '/', (size_t)(colon - url)))
		return NULL; /* scp-like host:path */
	return url;
}

/* After a failed clone: a clear error for a local repository owned by another user. */
static int check_foreign(const char *url, struct error *err)
{
	const char *path = local_path(url);
	struct stat st;
	if (!path || stat(path, &st))
		return 0;
	uid_t owner;
	char *foreign = foreign_repository(path, &owner);
	if (!foreign && st.st_uid != geteuid() && S_ISDIR(st.st_mode)) {
		owner = st.st_uid;
		foreign = realpath(path, NULL);
	}
	if (!foreign)
		return 0;
	int rc = error_set(err, ERR_INVALID,
	                   "cannot clone %s: the repository %s is owned by uid %ld, not by the "
	                   "current user (uid %ld). If you trust it, mark it safe with: git "
	                   "config --global --add safe.directory %s",
	                   url, foreign, (long)owner, (long)geteuid(), foreign);
	free(foreign);
	return rc;
}

/* Fails the transfer once *payload (a signal number, or 0) is set. */
static int clone_progress(const git_indexer_progress *stats, void *payload)
{
	(void)stats;
	const volatile sig_atomic_t *stop = payload;
	return stop && *stop ? GIT_EUSER : 0;
}

static int clone_sideband(const char *str, int len, void *payload)
{
	(void)str;
	(void)len;
	return clone_progress(NULL, payload);
}

/* The ref name a revision expression starts with: "main" for "origin/main~2". A new string. */
static char *rev_ref_name(const char *rev)
{
	size_t n = strcspn(rev, "~^:@");
	char *name = xstrndup(rev, n);
	if (!strncmp(name, "origin/", 7)) {
		char *rest = xstrdup(name + 7);
		free(name);
		name = rest;
	}
	return name;
}

/* Appends "+SRC:DST" to specs. */
static void add_refspec(char ***specs, size_t *nr, const char *src, const char *dst)
{
	*specs = xreallocarray(*specs, *nr + 1, sizeof(**specs));
	(*specs)[(*nr)++] = xasprintf("+%s:%s", src, dst);
}

/*
 * The refspecs that fetch what rev needs, from the remote's advertised refs:
 * the branch or tag it names (with its history; libgit2 1.5 cannot fetch
 * shallow), or every branch and tag when rev is a commit id or names none.
 * Branches land in refs/remotes/origin/, as a clone puts them. *all says
 * whether everything is fetched.
 */
static void wanted_refspecs(char ***specs, size_t *nr, bool *all, const git_remote_head **heads,
                            size_t heads_nr, const char *rev, const char *head_branch)
{
	char *name = rev_ref_name(rev);
	const char *want = !strcmp(name, "HEAD") && head_branch ? head_branch : name;
	for (size_t i = 0; i < heads_nr; i++) {
		const char *ref = heads[i]->name;
		if (!strncmp(ref, "refs/heads/", 11) &&
		    (!strcmp(ref + 11, want) || !strcmp(ref, want))) {
			char *dst = xasprintf("refs/remotes/origin/%s", ref + 11);
			add_refspec(specs, nr, ref, dst);
			free(dst);
		} else if (!strncmp(ref, "refs/tags/", 10) &&
		           strcmp(ref + strlen(ref) - 3, "^{}") &&
		           (!strcmp(ref + 10, want) || !strcmp(ref, want))) {
			add_refspec(specs, nr, ref, ref);
		}
	}
	*all = !*nr;
	if (*all) {
		add_refspec(specs, nr, "refs/heads/*", "refs/remotes/origin/*");
		add_refspec(specs, nr, "refs/tags/*", "refs/tags/*");
	} else if (head_branch && strcmp(want, head_branch) && !strcmp(name, "HEAD")) {
		char *dst = xasprintf("refs/remotes/origin/%s", head_branch + 11);
		add_refspec(specs, nr, head_branch, dst);
		free(dst);
	}
	free(name);
}

/*
 * Fetches into the empty bare repo what rev needs from origin, and points
 * HEAD at the remote's default branch, as a clone does. Stops with GIT_EUSER
 * as soon as *stop is set.
 */
static int fetch_for_rev(git_repository *repo, git_remote *remote, const char *rev,
                         const volatile sig_atomic_t *stop)
{
	git_fetch_options fo;
	git_buf head = {0};
	char **specs = NULL;
	size_t nr = 0;
	bool all = false;
	const git_remote_head **heads = NULL;
	size_t heads_nr = 0;
	int rc;

	git_fetch_options_init(&fo, GIT_FETCH_OPTIONS_VERSION);
	fo.callbacks.transfer_progress = clone_progress;
	fo.callbacks.sideband_progress = clone_sideband;
	fo.callbacks.payload = (void *)stop;
	if ((rc = git_remote_connect(remote, GIT_DIRECTION_FETCH, &fo.callbacks, NULL, NULL)) < 0 ||
	    (rc = git_remote_ls(&heads, &heads_nr, remote)) < 0)
		goto done;
	if (git_remote_default_branch(&head, remote) < 0)
		git_error_clear(); /* an empty remote, or a server that does not say */
	wanted_refspecs(&specs, &nr, &all, heads, heads_nr, rev, head.ptr);
	git_remote_disconnect(remote);
	fo.download_tags = all ? GIT_REMOTE_DOWNLOAD_TAGS_ALL : GIT_REMOTE_DOWNLOAD_TAGS_NONE;
	git_strarray refspecs = {specs, nr};
	if ((rc = git_remote_fetch(remote, &refspecs, &fo, NULL)) < 0)
		goto done;
	if (stop && *stop) {
		rc = GIT_EUSER;
		goto done;
	}
	if (head.ptr && !strncmp(head.ptr, "refs/heads/", 11)) {
		char *local = xasprintf("refs/remotes/origin/%s", head.ptr + 11);
		git_reference *ref = NULL;
		if (git_reference_lookup(&ref, repo, local) == 0)
			git_repository_set_head(repo, local); /* detached at the default branch */
		git_reference_free(ref);
		free(local);
		git_error_clear();
	}
	rc = 0;
done:
	for (size_t i = 0; i < nr; i++)
		free(specs[i]);
	free(specs);
	git_buf_dispose(&head);
	return rc;
}

/* A bare repository in dir with origin at url, holding what rev needs. */
static int clone_for_rev(git_repository **out, const char *dir, const char *url, const char *rev,
                         const volatile sig_atomic_t *stop)
{
	git_repository *repo = NULL;
	git_remote *remote = NULL;
	int rc;
	if ((rc = git_repository_init(&repo, dir, 1)) < 0 ||
	    (rc = create_remote(&remote, repo, "origin", url, NULL)) < 0 ||
	    (rc = fetch_for_rev(repo, remote, rev, stop)) < 0)
		goto done;
	*out = repo;
	repo = NULL;
done:
	git_remote_free(remote);
	git_repository_free(repo);
	return rc;
}

/*
 * --repo naming a repository on this machine: read in place, as a clone
 * would see it (paths from its root), without copying it. A clone through
 * libgit2's local transport would copy every object the revision needs,
 * whatever its size, before prismsync could look at one. libgit2 is
 * initialized; make_source() or the failure path here shuts it down.
 */
static int open_in_place(struct source **out, const char *url, const char *rev,
                         struct source_provenance *prov, struct error *err)
{
	git_repository *repo = NULL;
	struct source *src = NULL;
	int rc;
	if (git_repository_open_ext(&repo, local_path(url), GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) <
	    0) {
		char *clean = source_git_strip_credentials(url);
		char *what = xasprintf("cannot read the repository %s", clean);
		if (!(rc = check_foreign(url, err)))
			rc = git_fail(err, ERR_IO, what);
		free(what);
		free(clean);
		git_libgit2_shutdown();
		return rc;
	}
	if ((rc = make_source(&src, repo, rev, true, prov, err)))
		return rc;
	if (prov) {
		free(prov->repo_url);
		prov->repo_url = source_git_strip_credentials(url);
	}
	*out = src;
	return 0;
}

int source_git_clone(struct source **out, const char *url, const char *rev,
                     struct source_provenance *prov, const volatile sig_atomic_t *stop,
                     struct error *err)
{
	const char *tmp = getenv("TMPDIR");
	char *dir = xasprintf("%s/prismsync-clone.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	git_repository *repo = NULL;
	struct source *src = NULL;
	int rc;

	/* libgit2's messages may repeat the URL: none may carry its credentials. */
	url_register_secrets(url);
	if (url_ambiguous_userinfo(url)) {
		char *clean = url_strip_credentials(url);
		rc = error_set(err, ERR_INVALID,
		               "cannot clone %s: its user name or password holds '@' or '/', which "
		               "git would read as part of the host; write them percent-encoded "
		               "(%%40, %%2F)",
		               clean);
		free(clean);
		free(dir);
		return rc;
	}
	struct stat st;
	if (local_path(url) && stat(local_path(url), &st)) {
		char *clean = url_strip_credentials(url);
		rc = error_set(err, ERR_NOTFOUND, "cannot clone %s: %s", clean, strerror(errno));
		free(clean);
		free(dir);
		return rc;
	}
	git_libgit2_init();
	if (local_path(url)) {
		free(dir);
		return open_in_place(out, url, rev, prov, err);
	}
	if (!mkdtemp(dir)) {
		rc = error_set(err, ERR_IO, "cannot create a temporary directory %s: %s", dir,
		               strerror(errno));
		free(dir);
		git_libgit2_shutdown();
		return rc;
	}
	if ((rc = clone_for_rev(&repo, dir, url, rev, stop)) < 0) {
		char *clean = source_git_strip_credentials(url);
		char *what = xasprintf("cannot clone %s", clean);
		if (rc == GIT_EUSER || (stop && *stop))
			rc = error_set(err, ERR_IO, "%s: interrupted", what);
		else if (!(rc = check_foreign(url, err)))
			rc = git_fail(err, ERR_IO, what);
		free(what);
		free(clean);
		remove_tree(dir);
		free(dir);
		git_libgit2_shutdown();
		return rc;
	}
	/* make_source() shuts down libgit2 through source_free() on failure. */
	rc = make_source(&src, repo, rev, true, prov, err);
	if (rc) {
		remove_tree(dir);
		free(dir);
		return rc;
	}
	((struct git_source *)src)->clone_dir = dir;
	if (prov) {
		free(prov->repo_url);
		prov->repo_url = source_git_strip_credentials(url);
	}
	*out = src;
	return 0;
}

bool source_is_git(const struct source *src)
{
	return src && src->ops == &git_ops;
}

int source_git_at(struct source **out, struct source *git_src, const char *rev, struct error *err)
{
	if (!source_is_git(git_src))
		return error_set(err, ERR_INVALID, "not a git source");
	struct git_source *base = (struct git_source *)git_src;
	git_repository *repo = NULL;
	git_libgit2_init();
	if (git_repository_open(&repo, git_repository_path(base->repo)) < 0) {
		int rc = git_fail(err, ERR_IO, "cannot open the repository again");
		git_libgit2_shutdown();
		return rc;
	}
	return make_source(out, repo, rev, base->root == NULL, NULL, err);
}

/*
 * Checks a blob's size against max from the object's header, before
 * git_blob_lookup() inflates all of it: a 1 GiB definition compresses to a
 * few MB. A header that cannot be read is left to the lookup to report.
 */
static int check_blob_size(git_repository *repo, const git_oid *id, size_t max, struct error *err)
{
	git_odb *odb = NULL;
	size_t size = 0;
	git_object_t type;
	int rc = 0;
	if (git_repository_odb(&odb, repo) == 0 &&
	    git_odb_read_header(&size, &type, odb, id) == 0 && size > max)
		rc = error_set(err, ERR_TOO_LARGE,
		               "file is %zu bytes, more than the limit of %zu bytes (%zu MiB)",
		               size, max, max >> 20);
	git_error_clear();
	git_odb_free(odb);
	return rc;
}

static int git_read(struct source *src, const char *path, size_t max, struct buf *out,
                    struct error *err)
{
	struct git_source *g = (struct git_source *)src;
	git_tree_entry *entry = NULL;
	git_blob *blob = NULL;
	char *rel = NULL;
	int rc = map_path(&rel, g->root, g->cwd, path, err);
	if (rc)
		return rc;
	rc = git_tree_entry_bypath(&entry, g->tree, rel);
	if (rc == GIT_ENOTFOUND) {
		rc = error_set(err, ERR_NOTFOUND, "not found at %s: the tree has no %s", g->label,
		               rel);
		goto done;
	}
	if (rc < 0) {
		char *what = xasprintf("cannot read %s at %s", rel, g->label);
		rc = git_fail(err, ERR_IO, what);
		free(what);
		goto done;
	}
	switch (git_tree_entry_filemode(entry)) {
	case GIT_FILEMODE_BLOB:
	case GIT_FILEMODE_BLOB_EXECUTABLE:
		break;
	case GIT_FILEMODE_TREE:
		rc = error_set(err, ERR_IO, "%s is a directory at %s, not a file", rel, g->label);
		goto done;
	case GIT_FILEMODE_LINK:
		rc = error_set(err, ERR_IO,
		               "%s is a symbolic link at %s; only regular files are read from a "
		               "revision",
		               rel, g->label);
		goto done;
	default:
		rc = error_set(err, ERR_IO, "%s is a submodule at %s, not a file", rel, g->label);
		goto done;
	}
	if ((rc = check_blob_size(g->repo, git_tree_entry_id(entry), max, err)))
		goto done;
	if (git_blob_lookup(&blob, g->repo, git_tree_entry_id(entry)) < 0) {
		char *what = xasprintf("cannot read %s at %s", rel, g->label);
		rc = git_fail(err, ERR_IO, what);
		free(what);
		goto done;
	}
	git_object_size_t size = git_blob_rawsize(blob);
	if ((unsigned long long)size > max) { /* the header lied */
		rc = error_set(err, ERR_TOO_LARGE,
		               "file is %llu bytes, more than the limit of %zu bytes (%zu MiB)",
		               (unsigned long long)size, max, max >> 20);
		goto done;
	}
	buf_add(out, git_blob_rawcontent(blob), (size_t)size);
done:
	git_blob_free(blob);
	git_tree_entry_free(entry);
	free(rel);
	return rc;
}

static void git_source_free(struct source *src)
{
	struct git_source *g = (struct git_source *)src;
	git_tree_free(g->tree);
	git_commit_free(g->commit);
	git_repository_free(g->repo);
	remove_tree(g->clone_dir);
	free(g->clone_dir);
	free(g->rev);
	free(g->label);
	free(g->root);
	free(g->cwd);
	free(g);
	git_libgit2_shutdown();
}

/* Symbolic links are refused by git_read(); the loader checks paths lexically. */
static const struct source_ops git_ops = {git_read, NULL, git_source_free};

static bool status_dirty(unsigned flags)
{
	return flags != GIT_STATUS_CURRENT;
}

/* Fills prov with HEAD's commit, or only the origin when there is no commit yet. */
static int head_provenance(struct source_provenance *prov, git_repository *repo, struct error *err)
{
	git_reference *head = NULL;
	git_commit *commit = NULL;
	int rc = git_repository_head(&head, repo);
	if (rc == 0) {
		if (git_reference_peel((git_object **)&commit, head, GIT_OBJECT_COMMIT) < 0)
			rc = git_fail(err, ERR_IO, "cannot read HEAD");
		else
			commit_provenance(prov, repo, commit);
	} else if (rc == GIT_EUNBORNBRANCH || rc == GIT_ENOTFOUND) {
		prov->repo_url = origin_url(repo); /* no commit yet: everything is new */
		rc = 0;
	} else {
		rc = git_fail(err, ERR_IO, "cannot read HEAD");
	}
	git_commit_free(commit);
	git_reference_free(head);
	return rc;
}

/* Marks dirty[i] for each rels[i] the status list shows as changed, staged or untracked. */
static void mark_dirty(bool *dirty, git_status_list *list, char *const *rels, size_t nr)
{
	for (size_t e = 0; e < git_status_list_entrycount(list); e++) {
		const git_status_entry *s = git_status_byindex(list, e);
		if (!status_dirty(s->status))
			continue;
		const git_diff_delta *d =
		    s->index_to_workdir ? s->index_to_workdir : s->head_to_index;
		if (!d)
			continue;
		for (size_t i = 0; i < nr; i++)
			if ((d->new_file.path && !strcmp(d->new_file.path, rels[i])) ||
			    (d->old_file.path && !strcmp(d->old_file.path, rels[i])))
				dirty[i] = true;
	}
}

/* Adds paths[i] to prov's dirty files for each dirty[i], once each. */
static void add_dirty(struct source_provenance *prov, const bool *dirty, const char *const *paths,
                      size_t nr)
{
	for (size_t i = 0; i < nr; i++) {
		if (!dirty[i])
			continue;
		bool seen = false;
		for (size_t j = 0; j < prov->dirty_nr && !seen; j++)
			seen = !strcmp(prov->dirty_files[j], paths[i]);
		if (seen)
			continue;
		prov->dirty_files = xreallocarray(prov->dirty_files, prov->dirty_nr + 1,
		                                  sizeof(*prov->dirty_files));
		prov->dirty_files[prov->dirty_nr++] = xstrdup(paths[i]);
		prov->dirty = true;
	}
}

/* The status of rels[0..nr) only, untracked and ignored files included. */
static int status_of(git_status_list **list, git_repository *repo, char **rels, size_t nr,
                     struct error *err)
{
	git_status_options so;
	git_status_options_init(&so, GIT_STATUS_OPTIONS_VERSION);
	so.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
	so.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED | GIT_STATUS_OPT_INCLUDE_IGNORED |
	           GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS | GIT_STATUS_OPT_RECURSE_IGNORED_DIRS |
	           GIT_STATUS_OPT_DISABLE_PATHSPEC_MATCH | GIT_STATUS_OPT_EXCLUDE_SUBMODULES;
	so.pathspec.strings = rels;
	so.pathspec.count = nr;
	if (git_status_list_new(list, repo, &so) < 0)
		return git_fail(err, ERR_IO, "cannot read the status of the working tree");
	return 0;
}

int source_git_status(struct source_provenance *out, const char *const *paths, size_t nr,
                      struct error *err)
{
	git_repository *repo = NULL;
	git_status_list *list = NULL;
	char **rels = xcalloc(nr + 1, sizeof(*rels));
	bool *dirty = xcalloc(nr + 1, sizeof(*dirty));
	char *root = NULL, *cwd = NULL;
	struct source_provenance prov = {0};
	int rc;

	git_libgit2_init();
	if (!nr) {
		rc = error_set(err, ERR_NOTFOUND, "no files");
		goto done;
	}
	if ((rc = open_repository(&repo, paths[0], err)))
		goto done;
	root = real_workdir(repo);
	cwd = real_cwd();
	if (!root || !cwd) {
		rc = error_set(err, ERR_NOTFOUND, "%s is not in a working tree", paths[0]);
		goto done;
	}
	for (size_t i = 0; i < nr; i++)
		if ((rc = map_path(&rels[i], root, cwd, paths[i], err)))
			goto done;
	if ((rc = head_provenance(&prov, repo, err)) ||
	    (rc = status_of(&list, repo, rels, nr, err)))
		goto done;
	mark_dirty(dirty, list, rels, nr);
	add_dirty(&prov, dirty, paths, nr);
	source_provenance_release(out);
	*out = prov;
	memset(&prov, 0, sizeof(prov));
done:
	source_provenance_release(&prov);
	git_status_list_free(list);
	git_repository_free(repo);
	for (size_t i = 0; i < nr; i++)
		free(rels[i]);
	free(rels);
	free(dirty);
	free(root);
	free(cwd);
	git_libgit2_shutdown();
	return rc;
}

const char *source_git_library_version(void)
{
	static char version[32];
	int major = 0, minor = 0, rev = 0;
	git_libgit2_version(&major, &minor, &rev);
	snprintf(version, sizeof(version), "%d.%d.%d", major, minor, rev);
	return version;
}
