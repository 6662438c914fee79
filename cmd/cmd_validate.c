/*
 * prismsync validate: the offline check of a manifest and every definition
 * it names. No API call is made, so it suits editors and pre-commit hooks.
 */
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "../schema/manifest.h"
#include "../source/source.h"
#include "source_env.h"
#include "../util/banned.h"

static const char validate_usage[] =
    "usage: prismsync validate [-f FILE] [--env NAME] [--git-ref REF [--repo URL]]\n"
    "\n"
    "Checks the manifest and every integration definition it names, without\n"
    "contacting Prismatic: YAML syntax, unknown or missing keys, types,\n"
    "duplicate customers, integrations and instances, definition paths and\n"
    "files, config variable names and ${env:NAME} references.\n"
    "\n"
    "Every problem is reported as FILE:LINE:COLUMN: error: MESSAGE with the\n"
    "offending line. An unset ${env:NAME} variable is only a warning here;\n"
    "plan and apply treat it as an error.\n"
    "\n"
    "A manifest with environments is checked once per environment, with the\n"
    "overrides of each merged in (its 'overrides:' and the file NAME.ENV.yaml\n"
    "next to the manifest); --env checks only that one.\n"
    "\n"
    "options:\n"
    "  -f, --file FILE   the manifest (default: prismsync.yaml)\n"
    "      --env NAME    check only this environment of the manifest\n"
    "      --git-ref REF the manifest and definitions as committed at REF (branch, tag,\n"
    "                    commit, HEAD~2, origin/main) of the repository holding FILE\n"
    "      --repo URL    with --git-ref: clone URL into a temporary directory,\n"
    "                    removed afterwards (a path or file:// URL is read\n"
    "                    in place); FILE is from its root\n"
    "      --no-color    no colour in messages (also: NO_COLOR=1)\n"
    "  -v, --verbose     more detail\n"
    "  -h, --help        show this help\n"
    "\n"
    "exit status: 0 valid (warnings allowed), 1 invalid, 64 usage error\n"
    "\n"
    "example:\n"
    "  prismsync validate -f deploy/prismsync.yaml\n";

/*
 * Loads the manifest once per environment, with its overrides merged, and
 * adds the problems of each to diags: errors, and warnings about the
 * override file (the base manifest's warnings are already there). Returns 0
 * when every environment is valid.
 */
static int validate_environments(const struct manifest *base, struct source *src,
                                 const struct common_opts *common, struct diag_list *diags)
{
	int failed = 0;
	for (size_t i = 0; i < base->environments_nr; i++) {
		struct manifest *m = NULL;
		struct diag_list env_diags;
		diag_list_init(&env_diags);
		if (manifest_load_env(&m, src, common->file, base->environments[i].name, 0,
		                      &env_diags))
			failed = 1;
		size_t kept = 0;
		for (size_t k = 0; k < env_diags.nr; k++) {
			struct diag *d = &env_diags.items[k];
			if (d->severity == DIAG_WARNING && d->file &&
			    !strcmp(d->file, common->file)) {
				free(d->file);
				free(d->message);
				env_diags.warnings--;
				continue;
			}
			env_diags.items[kept++] = *d;
		}
		env_diags.nr = kept;
		if (failed && env_diags.nr)
			print_diagnostics(&env_diags, common);
		diags->errors += env_diags.errors;
		manifest_free(m);
		diag_list_release(&env_diags);
	}
	return failed;
}

int cmd_validate(int argc, char **argv, struct common_opts *common)
{
	static const struct option opts[] = {
	    COMMON_LONG_OPTIONS,
	    SOURCE_LONG_OPTIONS,
	    {NULL, 0, NULL, 0},
	};
	int c;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":f:vh", opts, NULL)) != -1) {
		if (common_option(c, optarg, common))
			continue;
		if (c == 'h') {
			fputs(validate_usage, stdout);
			return EXIT_OK;
		}
		return bad_option("validate", c, argv, opts);
	}
	if (optind < argc)
		return usage_error("validate", "unexpected argument '%s'", argv[optind]);
	int rc = cmd_check_source_options("validate", common);
	if (rc != EXIT_OK)
		return rc;

	struct diag_list diags;
	struct manifest *m = NULL;
	struct source *src = NULL;
	struct source_provenance prov = {0};
	if (cmd_open_source(&src, &prov, "validate", common) != EXIT_OK)
		return EXIT_ERROR;
	diag_list_init(&diags);

	rc = manifest_load_env(&m, src, common->file, common->env, 0, &diags);
	if (!rc && !common->env)
		rc = validate_environments(m, src, common, &diags);
	print_diagnostics(&diags, common);
	if (rc) {
		fprintf(stderr, "%s%s%s is not valid: %zu error%s", common->file,
		        src->revision ? " at " : "", src->revision ? src->revision : "",
		        diags.errors, diags.errors == 1 ? "" : "s");
		if (diags.warnings)
			fprintf(stderr, ", %zu warning%s", diags.warnings,
			        diags.warnings == 1 ? "" : "s");
		fputc('\n', stderr);
	} else {
		printf("%s%s%s is valid: %zu customer%s, %zu integration%s, %zu instance%s",
		       common->file, src->revision ? " at " : "",
		       src->revision ? src->revision : "", m->customers_nr,
		       m->customers_nr == 1 ? "" : "s", m->integrations_nr,
		       m->integrations_nr == 1 ? "" : "s", m->instances_nr,
		       m->instances_nr == 1 ? "" : "s");
		if (m->environment)
			printf(" (environment %s)", m->environment->name);
		else if (m->environments_nr)
			printf("; environment%s checked:", m->environments_nr == 1 ? "" : "s");
		for (size_t i = 0; !m->environment && i < m->environments_nr; i++)
			printf(" %s", m->environments[i].name);
		putchar('\n');
	}
	manifest_free(m);
	cmd_close_source(src);
	source_provenance_release(&prov);
	diag_list_release(&diags);
	return rc ? EXIT_ERROR : EXIT_OK;
}
