#include "pipeline.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../api/configvars.h"
#include "../api/fetch.h"
#include "../api/validate.h"
#include "../reconcile/configdiff.h"
#include "../reconcile/diff.h"
#include "../reconcile/identity.h"
#include "../reconcile/limit.h"
#include "../reconcile/rollout.h"
#include "../source/source.h"
#include "source_env.h"
#include "../util/file.h"
#include "../util/xalloc.h"
#include "../util/banned.h"

/*
 * The working tree's provenance; refuses (for apply) a tree whose manifest
 * files differ from HEAD, or whose state cannot be read.
 */
static int worktree_check(struct pipeline *pl, const char *verb, bool refuse_dirty)
{
	struct error err = ERROR_INIT;
	if (cmd_worktree_provenance(&pl->provenance, pl->manifest, &err)) {
		fprintf(stderr, "prismsync %s: %s: cannot tell whether %s is committed: %s\n", verb,
		        refuse_dirty ? "error" : "warning", pl->manifest->path, err.message);
		error_release(&err);
		if (refuse_dirty) {
			fprintf(stderr, "prismsync %s: pass --allow-dirty to apply anyway\n", verb);
			return EXIT_ERROR;
		}
		return EXIT_OK;
	}
	if (!pl->provenance.dirty || !refuse_dirty)
		return EXIT_OK;
	fprintf(stderr,
	        "prismsync %s: refusing to apply from a dirty working tree: %zu file%s differ%s "
	        "from %s%.7s:\n",
	        verb, pl->provenance.dirty_nr, pl->provenance.dirty_nr == 1 ? "" : "s",
	        pl->provenance.dirty_nr == 1 ? "s" : "",
	        pl->provenance.commit ? "commit " : "the repository (no commit yet)",
	        pl->provenance.commit ? pl->provenance.commit : "");
	for (size_t i = 0; i < pl->provenance.dirty_nr; i++)
		fprintf(stderr, "  %s\n", pl->provenance.dirty_files[i]);
	fprintf(stderr, "Commit them, apply a commit with --git-ref REF, or pass --allow-dirty "
	                "(the publishes then record dirty: true).\n");
	return EXIT_ERROR;
}

/*
 * The integrations of the manifest that changed since revision since: a
 * new array of pl->manifest->integrations_nr flags in *out.
 */
static int changed_since(bool **out, char ***also, size_t *also_nr, struct pipeline *pl,
                         const char *verb, const struct common_opts *common, const char *since)
{
	struct source *base = NULL;
	struct manifest *old = NULL;
	struct diag_list diags;
	struct error err = ERROR_INIT;
	int rc;

	diag_list_init(&diags);
	if (source_is_git(pl->source))
		rc = source_git_at(&base, pl->source, since, &err);
	else
		rc = source_git_open(&base, common->file, since, NULL, &err);
	if (rc) {
		fprintf(stderr, "prismsync %s: --changed-since: %s\n", verb, err.message);
		rc = EXIT_ERROR;
		goto done;
	}
	if (manifest_load(&old, base, common->file, 0, &diags))
		fprintf(stderr,
		        "prismsync %s: --changed-since: the manifest at %s cannot be read or is "
		        "not valid; every integration counts as changed\n",
		        verb, base->revision);
	*out = xcalloc(pl->manifest->integrations_nr + 1, sizeof(**out));
	limit_changed_integrations(pl->manifest, old, *out);
	*also = limit_changed_others(pl->manifest, old, also_nr);
	rc = EXIT_OK;
done:
	manifest_free(old);
	source_free(base);
	diag_list_release(&diags);
	error_release(&err);
	return rc;
}

/*
 * Asks Prismatic (validateIntegrationSchema) about every definition the
 * plan would import or create, so that one it refuses stops plan and apply
 * before anything changes. Each refusal is an error at the integration's
 * 'definition:' in the manifest. Returns EXIT_OK, or EXIT_ERROR with the
 * reasons printed.
 */
/* The manifest integration a change's address (integration.<name>) names, or NULL. */
static const struct m_integration *change_integration(const struct manifest *m,
                                                      const struct plan_change *c)
{
	const char *name = c->address + strlen("integration.");
	for (size_t i = 0; i < m->integrations_nr; i++)
		if (m->integrations[i].effective_name &&
		    !strcmp(m->integrations[i].effective_name, name))
			return &m->integrations[i];
	return NULL;
}

static int check_definitions(struct pipeline *pl, const char *verb,
                             const struct common_opts *common)
{
	struct api_definition_check *checks = xcalloc(pl->plan.nr + 1, sizeof(*checks));
	const struct m_integration **which = xcalloc(pl->plan.nr + 1, sizeof(*which));
	struct error err = ERROR_INIT;
	struct diag_list diags;
	size_t n = 0;
	int rc = EXIT_OK;

	diag_list_init(&diags);
	for (size_t i = 0; i < pl->plan.nr; i++) {
		const struct plan_change *c = &pl->plan.changes[i];
		const struct m_integration *mi;
		if (c->in.kind != PI_DEFINITION || !c->in.definition ||
		    !(mi = change_integration(pl->manifest, c)))
			continue;
		checks[n].definition = c->in.definition;
		which[n++] = mi;
	}
	if (!n)
		goto done;
	if (api_check_definitions(pl->client, checks, n, &err)) {
		cmd_print_api_error(verb, &err);
		rc = EXIT_ERROR;
		goto done;
	}
	for (size_t k = 0; k < n; k++) {
		if (checks[k].valid)
			continue;
		const struct m_integration *g = which[k];
		diag_error(&diags, pl->manifest->path, g->definition_pos.line,
		           g->definition_pos.col,
		           "Prismatic refuses the definition of integration '%s' (%s): %s",
		           g->effective_name ? g->effective_name : g->definition, g->definition,
		           checks[k].problems);
		rc = EXIT_ERROR;
	}
	if (rc != EXIT_OK) {
		print_diagnostics(&diags, common);
		fprintf(stderr,
		        "prismsync %s: Prismatic would refuse %zu definition%s; nothing was "
		        "changed\n",
		        verb, diags.errors, diags.errors == 1 ? "" : "s");
	}
done:
	api_definition_checks_release(checks, n);
	free(checks);
	free(which);
	diag_list_release(&diags);
	error_release(&err);
	return rc;
}

/*
 * Reads the organization into pl->live: only the definitions of the
 * integrations the manifest manages, customer-level connections only when
 * the manifest names one. Two live objects with one identity the manifest
 * uses stop the run. Returns EXIT_OK, or EXIT_ERROR with the reasons printed.
 */
static int read_live(struct pipeline *pl, const char *verb, const struct common_opts *common)
{
	struct error err = ERROR_INIT;
	int rc;

	const char **managed = xcalloc(pl->manifest->integrations_nr + 1, sizeof(*managed));
	for (size_t i = 0; i < pl->manifest->integrations_nr; i++)
		managed[i] = pl->manifest->integrations[i].effective_name;
	/* The latest version's definition only where the draft is not that version. */
	struct api_fetch_scope scope = {
	    .names = managed, .names_nr = pl->manifest->integrations_nr, .latest_always = false};
	rc = api_fetch_live(&pl->live, pl->client, &scope, &err);
	free(managed);
	if (!rc && configdiff_uses_customer_connections(pl->manifest))
		rc = api_fetch_customer_vars(pl->live, pl->client, &err);
	if (rc) {
		cmd_print_api_error(verb, &err);
		error_release(&err);
		return EXIT_ERROR;
	}
	if (identity_check(pl->manifest, pl->live, &pl->diags)) {
		print_diagnostics(&pl->diags, common);
		fprintf(stderr,
		        "prismsync %s: objects of the organization share an identity the manifest "
		        "uses; nothing was changed\n",
		        verb);
		return EXIT_ERROR;
	}
	return EXIT_OK;
}

/*
 * Compares the manifest with pl->live into pl->plan, which records the
 * environment and organization it was made for. Returns EXIT_OK, or
 * EXIT_ERROR with the reasons printed.
 */
static int build_plan(struct pipeline *pl, const char *verb, const struct common_opts *common,
                      const struct pipeline_opts *opts)
{
	const struct source_provenance *pv = &pl->provenance;
	struct diff_opts o = {opts->prune,  NULL,      pv->commit,        pv->subject,
	                      pv->repo_url, pv->dirty, opts->push_secrets};
	int rc = diff_build(&pl->plan, pl->manifest, pl->live, &o, &pl->diags);

	if (pl->target.environment)
		pl->plan.environment = xstrdup(pl->target.environment);
	if (pl->target.organization)
		pl->plan.organization = xstrdup(pl->target.organization);
	if (pl->diags.nr)
		print_diagnostics(&pl->diags, common);
	if (rc) {
		fprintf(stderr,
		        "prismsync %s: the manifest cannot be applied to this organization; "
		        "nothing was changed\n",
		        verb);
		return EXIT_ERROR;
	}
	return EXIT_OK;
}

int pipeline_run(struct pipeline *pl, const char *verb, const struct common_opts *common,
                 const struct pipeline_opts *opts)
{
	struct error err = ERROR_INIT;
	bool *keep = NULL;
	char **also = NULL;
	size_t also_nr = 0;
	int rc;

	memset(pl, 0, sizeof(*pl));
	plan_init(&pl->plan);
	diag_list_init(&pl->diags);
	if ((rc = cmd_open_source(&pl->source, &pl->provenance, verb, common)) != EXIT_OK)
		return rc;

	rc = manifest_load_env(&pl->manifest, pl->source, common->file, common->env,
	                       MANIFEST_ENV_REQUIRED, &pl->diags);
	if (rc) {
		print_diagnostics(&pl->diags, common);
		fprintf(stderr, "prismsync %s: %s is not valid%s%s; nothing was read or changed\n",
		        verb, common->file, pl->source->revision ? " at " : "",
		        pl->source->revision ? pl->source->revision : "");
		return EXIT_ERROR;
	}
	if (!source_is_git(pl->source) &&
	    (rc = worktree_check(pl, verb, opts->refuse_dirty)) != EXIT_OK)
		return rc;
	if (opts->changed_since && (rc = changed_since(&keep, &also, &also_nr, pl, verb, common,
	                                               opts->changed_since)) != EXIT_OK)
		return rc;
	/* Everything is read: a temporary clone goes now, not after a long apply. */
	cmd_close_source(pl->source);
	pl->source = NULL;
	/* The environment's URL, credentials and organization; the caller's options stay as given.
	 */
	struct common_opts with_target = *common;
	if ((rc = cmd_target_from_manifest(&with_target, pl->manifest, verb)) != EXIT_OK)
		goto done;
	pl->target = with_target.target;
	if ((rc = cmd_api_client(&pl->client, verb, &with_target, opts->parallelism)) != EXIT_OK)
		goto done;
	if (opts->before_read &&
	    (rc = opts->before_read(opts->before_read_ctx, pl->client)) != EXIT_OK)
		goto done;
	if ((rc = read_live(pl, verb, common)) != EXIT_OK ||
	    (rc = build_plan(pl, verb, common, opts)) != EXIT_OK)
		goto done;
	if (keep)
		plan_limit_also(&pl->plan, pl->manifest, keep, also, also_nr, opts->changed_since);
	if (plan_scope_active(&opts->scope)) {
		if (plan_scope_check(&opts->scope, pl->manifest, pl->live, &err)) {
			fprintf(stderr, "prismsync %s: %s\n", verb, err.message);
			error_release(&err);
			rc = EXIT_ERROR;
			goto done;
		}
		plan_scope_limit(&pl->plan, &opts->scope, pl->manifest, pl->live);
	}
	rollout_plan(&pl->plan, pl->manifest, pl->live);
	/* drift only reports; plan and apply would import these definitions. */
	rc = strcmp(verb, "drift") ? check_definitions(pl, verb, common) : EXIT_OK;
done:
	free(keep);
	for (size_t i = 0; i < also_nr; i++)
		free(also[i]);
	free(also);
	return rc;
}

void pipeline_release(struct pipeline *pl)
{
	plan_release(&pl->plan);
	live_state_free(pl->live);
	api_client_free(pl->client);
	manifest_free(pl->manifest);
	diag_list_release(&pl->diags);
	cmd_close_source(pl->source);
	source_provenance_release(&pl->provenance);
	memset(pl, 0, sizeof(*pl));
}

int write_file_atomic(const char *path, const char *data, size_t len, unsigned mode)
{
	if (!error_have_secrets())
		return file_write_out(path, data, len, mode);
	char *clean = error_redact(data); /* a live value may be a secret the run knows */
	int rc = file_write_out(path, clean, strlen(clean), mode);
	int saved = errno;
	free(clean);
	errno = saved;
	(void)len;
	return rc;
}
