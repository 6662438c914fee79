/*
 * prismsync whoami: who the credentials belong to (Get Current User). The
 * quickest way to check PRISMATIC_URL and the tokens before a plan.
 */
#include <stdlib.h>

#include "cmd.h"
#include "../api/client.h"
#include "../schema/manifest.h"
#include "../util/banned.h"

static const char whoami_usage[] =
    "usage: prismsync whoami [-f FILE] [--env NAME]\n"
    "\n"
    "Shows the user and organization the credentials belong to. With --env (or\n"
    "-f), the manifest is read too: the environment's URL and credentials are\n"
    "used, and a different organization than the one the manifest names is\n"
    "refused.\n"
    "\n"
    "environment:\n"
    "  PRISMATIC_URL            the API origin (default: https://app.prismatic.io)\n"
    "  PRISM_REFRESH_TOKEN      a refresh token, exchanged for access tokens\n"
    "                           (also: PRISMATIC_REFRESH_TOKEN)\n"
    "  PRISM_ACCESS_TOKEN       an access token, used as is\n"
    "  PRISMATIC_TENANT_ID      the tenant, sent with the refresh token\n"
    "\n"
    "options:\n"
    "  -f, --file FILE   the manifest (default: prismsync.yaml; read only with -f\n"
    "                    or --env)\n"
    "      --env NAME    use this environment of the manifest\n"
    "      --no-color    no colour in messages (also: NO_COLOR=1)\n"
    "  -v, --verbose     log each request (operation, status, time) to stderr\n"
    "  -h, --help        show this help\n"
    "\n"
    "exit status: 0 success, 1 missing or rejected credentials or API error, 64 usage error\n"
    "\n"
    "example:\n"
    "  prismsync whoami\n";

int cmd_whoami(int argc, char **argv, struct common_opts *common)
{
	static const struct option opts[] = {
	    {"file", required_argument, NULL, 'f'},
	    {"env", required_argument, NULL, OPT_ENV},
	    {"no-color", no_argument, NULL, OPT_NO_COLOR},
	    {"verbose", no_argument, NULL, 'v'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct api_client *client = NULL;
	struct manifest *manifest = NULL;
	struct api_user user;
	struct error err = ERROR_INIT;
	int c, rc;

	optind = 0;
	while ((c = getopt_long(argc, argv, ":f:vh", opts, NULL)) != -1) {
		if (common_option(c, optarg, common))
			continue;
		if (c == 'h') {
			fputs(whoami_usage, stdout);
			return EXIT_OK;
		}
		return bad_option("whoami", c, argv, opts);
	}
	if (optind < argc)
		return usage_error("whoami", "unexpected argument '%s'", argv[optind]);

	if ((rc = cmd_target_load(&manifest, common, "whoami")) != EXIT_OK)
		return rc;
	if ((rc = cmd_api_client(&client, "whoami", common, 0)) != EXIT_OK) {
		manifest_free(manifest);
		return rc;
	}
	if (api_whoami(&user, client, &err)) {
		cmd_print_api_error("whoami", &err);
		rc = EXIT_ERROR;
	} else {
		printf("user:  %s <%s>\n", user.name, user.email);
		if (user.org_name)
			printf("org:   %s (%s)\n", user.org_name, user.org_id);
		else
			printf("org:   (none: a customer user)\n");
		printf("url:   %s\n", cmd_target_url(&common->target));
		if (common->target.environment)
			printf("env:   %s (the organization is the one it names)\n",
			       common->target.environment);
		api_user_release(&user);
		rc = EXIT_OK;
	}
	cmd_print_api_stats(client, common);
	error_release(&err);
	api_client_free(client);
	manifest_free(manifest);
	return rc;
}
