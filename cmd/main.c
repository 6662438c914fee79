/*
 * prismsync: keeps a Prismatic organization in line with a YAML manifest.
 *
 * main() reads the options that may come before the verb, finds the verb in
 * the table below and hands it the rest of the command line. Each verb parses
 * its own options (getopt_long, optind reset) and returns the exit code.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "../schema/manifest.h"
#include "../util/strutil.h"
#include "../util/banned.h"

static const struct verb verbs[] = {
    {"validate", cmd_validate, "check the manifest and its definitions offline"},
    {"plan", cmd_plan, "show the changes that would make the organization match the manifest"},
    {"apply", cmd_apply, "make the changes, or carry out a saved plan"},
    {"drift", cmd_drift, "report how the organization differs from the manifest (exit 2)"},
    {"whoami", cmd_whoami, "show the user and organization of the credentials"},
    {"api", cmd_api, "run a raw GraphQL request and print its data"},
    {"export", cmd_export, "write the organization as a manifest, to adopt it"},
    {"rollback", cmd_rollback, "move the instances of an integration back to an earlier version"},
};

#define NVERBS (sizeof(verbs) / sizeof(verbs[0]))

static void print_usage(FILE *out)
{
	fputs("usage: prismsync [--version] [--help] VERB [options]\n"
	      "\n"
	      "Keeps a Prismatic organization (integrations, customers, instances) in\n"
	      "line with a YAML manifest kept in git.\n"
	      "\n"
	      "verbs:\n",
	      out);
	for (size_t i = 0; i < NVERBS; i++)
		fprintf(out, "  %-10s %s\n", verbs[i].name, verbs[i].summary);
	fputs("\n"
	      "options accepted by every verb:\n"
	      "  -f, --file FILE   the manifest (default: prismsync.yaml)\n"
	      "      --env NAME    the environment of the manifest to use: its URL,\n"
	      "                    credentials, organization and overrides\n"
	      "      --no-color    no colour (also: NO_COLOR=1)\n"
	      "  -v, --verbose     more detail\n"
	      "  -h, --help        help for the verb\n"
	      "\n"
	      "Run 'prismsync VERB --help' for a verb's options.\n",
	      out);
}

/* A usage error for a verb not in the table, with the nearest verb when one is close. */
static int unknown_verb(const char *verb)
{
	const char *names[NVERBS + 1];
	for (size_t i = 0; i < NVERBS; i++)
		names[i] = verbs[i].name;
	names[NVERBS] = "version";
	const char *near = nearest_word(verb, names, NVERBS + 1);
	if (near)
		return usage_error(NULL, "unknown verb '%s'; did you mean '%s'?", verb, near);
	return usage_error(NULL, "unknown verb '%s'", verb);
}

/*
 * At exit: output that could not be written (a reader that went away, a
 * full disk) is an error, as curl reports it, not a silent success.
 */
static void check_stdout(void)
{
	if (fflush(stdout) == 0 && !ferror(stdout))
		return;
	fprintf(stderr, "prismsync: cannot write to the standard output: %s\n",
	        errno ? strerror(errno) : "write error");
	_exit(EXIT_ERROR);
}

int main(int argc, char **argv)
{
	struct common_opts common = {.file = MANIFEST_DEFAULT_FILE};

	/* As git and curl: a closed pipe is a write error to handle, not a kill mid-apply. */
	signal(SIGPIPE, SIG_IGN);
	atexit(check_stdout);

	if (argc < 2) {
		print_usage(stderr);
		return EXIT_USAGE;
	}
	const char *verb = argv[1];
	if (!strcmp(verb, "--help") || !strcmp(verb, "-h") || !strcmp(verb, "help")) {
		if (argc > 2 && strcmp(verb, "help") == 0) {
			for (size_t i = 0; i < NVERBS; i++) {
				if (!strcmp(verbs[i].name, argv[2])) {
					char *args[] = {argv[2], (char *)"--help", NULL};
					return verbs[i].run(2, args, &common);
				}
			}
			if (!strcmp(argv[2], "version")) {
				char *args[] = {argv[2], (char *)"--help", NULL};
				return cmd_version(2, args, &common);
			}
			return unknown_verb(argv[2]);
		}
		print_usage(stdout);
		return EXIT_OK;
	}
	if (!strcmp(verb, "--version") || !strcmp(verb, "version"))
		return cmd_version(argc - 1, argv + 1, &common);
	for (size_t i = 0; i < NVERBS; i++)
		if (!strcmp(verbs[i].name, verb))
			return verbs[i].run(argc - 1, argv + 1, &common);
	if (verb[0] == '-')
		return usage_error(NULL, "unknown option '%s' (options go after the verb)", verb);
	return unknown_verb(verb);
}
