/*
 * environment.c - which organization an online verb talks to: the
 * environment --env selects from the manifest (its URL, the variables that
 * hold its credentials, the organization they must belong to), or the
 * usual PRISMATIC_URL and tokens; and the check that the credentials
 * really belong to that organization, made before anything is read or
 * changed.
 */
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "../api/client.h"
#include "../schema/manifest.h"
#include "../source/source.h"
#include "../util/buf.h"
#include "../util/banned.h"

static bool env_set(const char *name)
{
	const char *v = getenv(name);
	return v && *v;
}

int cmd_target_from_manifest(struct common_opts *common, const struct manifest *m, const char *verb)
{
	struct cmd_target *t = &common->target;
	const struct m_environment *e = m->environment;

	memset(t, 0, sizeof(*t));
	if (!e && m->environments_nr) {
		struct buf list = BUF_INIT;
		for (size_t i = 0; i < m->environments_nr; i++)
			buf_addf(&list, "%s%s", i ? ", " : "", m->environments[i].name);
		fprintf(stderr,
		        "prismsync %s: %s declares environments (%s); choose one with --env NAME\n",
		        verb, m->path, list.data);
		buf_release(&list);
		return EXIT_ERROR;
	}
	if (!e) {
		t->organization = m->organization;
		return EXIT_OK;
	}
	if (!env_set(e->credentials)) {
		fprintf(
		    stderr,
		    "%s:%d:%d: error: environment '%s' takes its refresh token from the variable "
		    "%s, which is not set\n",
		    m->path, e->credentials_pos.line, e->credentials_pos.col, e->name,
		    e->credentials);
		return EXIT_ERROR;
	}
	if (e->tenant && !env_set(e->tenant)) {
		fprintf(stderr,
		        "prismsync %s: environment '%s' takes its tenant from the variable %s, "
		        "which is not set\n",
		        verb, e->name, e->tenant);
		return EXIT_ERROR;
	}
	t->environment = e->name;
	t->organization = e->organization;
	t->url = e->url;
	t->credentials = e->credentials;
	t->tenant = e->tenant;
	return EXIT_OK;
}

int cmd_target_load(struct manifest **out, struct common_opts *common, const char *verb)
{
	struct source *src = NULL;
	struct manifest *m = NULL;
	struct diag_list diags;
	int rc;

	if (!common->env && !common->file_given)
		return EXIT_OK;
	diag_list_init(&diags);
	src = source_dir_new();
	if (manifest_load_env(&m, src, common->file, common->env, MANIFEST_SKIP_DEFINITIONS,
	                      &diags)) {
		print_diagnostics(&diags, common);
		fprintf(stderr, "prismsync %s: %s is not valid; nothing was sent\n", verb,
		        common->file);
		rc = EXIT_ERROR;
		goto done;
	}
	rc = cmd_target_from_manifest(common, m, verb);
	if (rc == EXIT_OK) {
		*out = m;
		m = NULL;
	}
done:
	manifest_free(m);
	source_free(src);
	diag_list_release(&diags);
	return rc;
}

const char *cmd_target_url(const struct cmd_target *target)
{
	const char *url = getenv("PRISMATIC_URL");
	if (target->url)
		return target->url;
	return url && *url ? url : API_DEFAULT_ORIGIN;
}

int cmd_check_organization(struct api_client *c, const struct cmd_target *target, const char *verb)
{
	struct api_user user = {NULL, NULL, NULL, NULL, NULL};
	struct error err = ERROR_INIT;
	int rc = EXIT_OK;

	if (!target->organization)
		return EXIT_OK;
	if (api_whoami(&user, c, &err)) {
		cmd_print_api_error(verb, &err);
		rc = EXIT_ERROR;
		goto done;
	}
	if (user.org_name && !strcmp(user.org_name, target->organization))
		goto done;
	if (target->environment)
		fprintf(stderr,
		        "prismsync %s: refusing: environment '%s' is organization '%s', but the "
		        "credentials in %s belong to %s%s%s at %s; nothing was read or changed\n",
		        verb, target->environment, target->organization, target->credentials,
		        user.org_name ? "organization '" : "a customer user (no organization)",
		        user.org_name ? user.org_name : "", user.org_name ? "'" : "",
		        cmd_target_url(target));
	else
		fprintf(stderr,
		        "prismsync %s: refusing: the manifest is for organization '%s', but the "
		        "credentials belong to %s%s%s at %s; nothing was read or changed\n",
		        verb, target->organization,
		        user.org_name ? "organization '" : "a customer user (no organization)",
		        user.org_name ? user.org_name : "", user.org_name ? "'" : "",
		        cmd_target_url(target));
	rc = EXIT_ERROR;
done:
	api_user_release(&user);
	error_release(&err);
	return rc;
}
