/*
 * cmd.h - what the verbs share: exit codes, common options, output helpers.
 *
 * cmd/ is the only layer that prints to stdout or stderr and the only one
 * that picks an exit code. Every verb is a function in its own
 * cmd_<verb>.c, listed in the verb table of main.c.
 */
#ifndef PRISMSYNC_CMD_H
#define PRISMSYNC_CMD_H

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

#include "../util/diag.h"

/* Exit codes, the same whatever the output format (README: "Exit codes"). */
enum {
	EXIT_OK = 0,
	EXIT_ERROR = 1,
	EXIT_CHANGES = 2,
	EXIT_PARTIAL = 3,
	EXIT_STALE = 4,
	EXIT_USAGE = 64,
};

/*
 * Where an online verb connects, and the organization it must find there:
 * from the environment --env selects, or from the manifest's top-level
 * 'organization:' (cmd/environment.c). All strings are borrowed.
 */
struct cmd_target {
	const char *environment;  /* its name; NULL without environments */
	const char *organization; /* the org the credentials must belong to; NULL: any */
	const char *url;          /* the API origin; NULL: PRISMATIC_URL */
	const char *credentials;  /* the variable holding the refresh token; NULL: the usual ones */
	const char *tenant; /* the variable holding the tenant id; NULL: PRISMATIC_TENANT_ID */
};

/* Options every verb accepts. */
struct common_opts {
	const char *file;       /* -f/--file */
	bool no_color;          /* --no-color, or NO_COLOR set */
	int verbose;            /* -v, repeatable */
	const char *git_ref;    /* --git-ref: read from this revision, not the working tree */
	const char *repo;       /* --repo: clone this repository (needs --git-ref) */
	bool file_given;        /* -f/--file was given */
	const char *file_again; /* a second -f/--file: a usage error (one manifest per run) */
	const char *env;        /* --env: the environment of the manifest to use */
	int read_parallelism;   /* --read-parallelism; 0: the default */
	struct cmd_target target;
};

struct verb {
	const char *name;
	int (*run)(int argc, char **argv, struct common_opts *common);
	const char *summary;
};

/* Long-option ids for the common options, above any short option character. */
enum {
	OPT_NO_COLOR = 1000,
	OPT_HELP,
	OPT_GIT_REF,
	OPT_REPO,
	OPT_ENV,
	OPT_READ_PARALLELISM,
	OPT_FIRST_VERB_OPTION = 1100,
};

/* Entries of a verb's getopt_long table for the options common_option() handles. */
#define COMMON_LONG_OPTIONS                                                                        \
	{"file", required_argument, NULL, 'f'}, {"no-color", no_argument, NULL, OPT_NO_COLOR},     \
	    {"verbose", no_argument, NULL, 'v'}, {"env", required_argument, NULL, OPT_ENV},        \
	{                                                                                          \
		"help", no_argument, NULL, 'h'                                                     \
	}

/* Entries for where the manifest is read from (--git-ref, --repo), also handled there. */
#define SOURCE_LONG_OPTIONS                                                                        \
	{"git-ref", required_argument, NULL, OPT_GIT_REF},                                         \
	{                                                                                          \
		"repo", required_argument, NULL, OPT_REPO                                          \
	}

/*
 * Handles one common option returned by getopt_long. Returns 1 when it was
 * one (and records it), 0 when the verb must handle it.
 */
int common_option(int c, const char *arg, struct common_opts *common);

/*
 * Reports a usage problem in one line, then where to look, and returns
 * EXIT_USAGE:
 *     prismsync validate: unknown option '--frobnicate'
 *     see 'prismsync validate --help'
 */
int usage_error(const char *verb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * Turns getopt_long's '?' or ':' result into a usage error for the option
 * that caused it; an unknown long option close to one of opts (the verb's
 * getopt_long table, or NULL) gets a "did you mean".
 */
int bad_option(const char *verb, int c, char **argv, const struct option *opts);

/* Whether colour is wanted on stream (a terminal, and neither NO_COLOR nor --no-color). */
bool use_color(FILE *stream, const struct common_opts *common);

/* Sorts and prints diagnostics to stderr, with colour when stderr is a terminal. */
void print_diagnostics(struct diag_list *diags, const struct common_opts *common);

int cmd_validate(int argc, char **argv, struct common_opts *common);
int cmd_whoami(int argc, char **argv, struct common_opts *common);
int cmd_api(int argc, char **argv, struct common_opts *common);
int cmd_plan(int argc, char **argv, struct common_opts *common);
int cmd_drift(int argc, char **argv, struct common_opts *common);
int cmd_apply(int argc, char **argv, struct common_opts *common);
int cmd_version(int argc, char **argv, struct common_opts *common);
int cmd_export(int argc, char **argv, struct common_opts *common);
int cmd_rollback(int argc, char **argv, struct common_opts *common);

/* Parses --parallelism (1 to 64) into *out; a usage error otherwise. */
int parse_parallelism(const char *verb, const char *arg, int *out);

/* The getopt_long entry of --read-parallelism, for the verbs that read the organization. */
#define READ_LONG_OPTION                                                                           \
	{                                                                                          \
		"read-parallelism", required_argument, NULL, OPT_READ_PARALLELISM                  \
	}

/*
 * Parses --read-parallelism (1 to 64) into common->read_parallelism, which
 * cmd_api_client() uses; a usage error otherwise.
 */
int parse_read_parallelism(const char *verb, const char *arg, struct common_opts *common);

struct api_client;
struct error;

/*
 * Builds the API client from the environment (cmd/client_env.c), logging
 * each request to stderr when -v was given. parallelism 0 means the
 * default. Returns EXIT_OK and *out, or prints why not and returns
 * EXIT_ERROR.
 */
int cmd_api_client(struct api_client **out, const char *verb, const struct common_opts *common,
                   int parallelism);

struct manifest;

/*
 * Fills common->target from m: the environment manifest_load_env() merged
 * in (its credentials variable, and its tenant variable when named, must be
 * set), or else the top-level organization. A manifest with environments
 * needs one chosen. Returns EXIT_OK, or EXIT_ERROR with the reason printed
 * (a variable is named, never its value).
 */
int cmd_target_from_manifest(struct common_opts *common, const struct manifest *m,
                             const char *verb);

/*
 * For whoami and api, which do not need the manifest: with --env or -f,
 * reads the manifest (not its definitions) into *out (the caller frees it
 * with manifest_free(); the target borrows from it) to fill
 * common->target. Returns EXIT_OK (*out and the target untouched without
 * either option), or EXIT_ERROR with the reason printed.
 */
int cmd_target_load(struct manifest **out, struct common_opts *common, const char *verb);

/*
 * Checks that the client's credentials belong to the organization target
 * names (one whoami request; nothing when it names none). Returns EXIT_OK,
 * or EXIT_ERROR after printing both organizations.
 */
int cmd_check_organization(struct api_client *c, const struct cmd_target *target, const char *verb);

/* The API origin of target, for messages. Borrowed. */
const char *cmd_target_url(const struct cmd_target *target);

/* Prints an API error for verb on stderr, with a hint for credential problems. */
void cmd_print_api_error(const char *verb, const struct error *err);

/*
 * Writes text (a rendered plan, report or response) to out with every
 * secret the run knows redacted: a live value or a server's answer may
 * repeat one.
 */
void cmd_put_output(const char *text, FILE *out);

/* With -v, prints the request counters of the client on stderr. */
void cmd_print_api_stats(struct api_client *c, const struct common_opts *common);

#endif
