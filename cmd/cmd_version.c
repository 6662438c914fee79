/*
 * prismsync --version (and prismsync version): what was built, from which
 * commit, and the versions of the libraries actually loaded, which a
 * distribution may have updated since the build.
 */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "../api/gql.h"
#include "../api/http.h"
#include "../schema/yaml_tree.h"
#include "../source/source_git.h"
#include "commit.h"
#include "../util/banned.h"

static const char version_usage[] =
    "usage: prismsync version\n"
    "       prismsync --version\n"
    "\n"
    "Prints the version of prismsync, the git commit it was built from\n"
    "(\"unknown\" when built outside git) and the versions of the libraries\n"
    "in use: libyaml, libcurl, json-c and libgit2.\n"
    "\n"
    "example:\n"
    "  prismsync --version\n";

int cmd_version(int argc, char **argv, struct common_opts *common)
{
	(void)common;
	if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		fputs(version_usage, stdout);
		return EXIT_OK;
	}
	if (argc > 1)
		return usage_error("version", "unexpected argument '%s'", argv[1]);
	printf("prismsync %s\n"
	       "commit: %s\n"
	       "libyaml: %s\n"
	       "libcurl: %s\n"
	       "json-c: %s\n"
	       "libgit2: %s\n",
	       PRISMSYNC_VERSION, PRISMSYNC_COMMIT, yaml_library_version(), http_library_version(),
	       gql_library_version(), source_git_library_version());
	return EXIT_OK;
}
