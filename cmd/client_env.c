/*
 * client_env.c - the API client every online verb uses, built from the
 * environment, with the -v request log on stderr.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "cmd.h"
#include "../api/client.h"
#include "../util/strutil.h"
#include "../util/banned.h"

/* The environment whose credentials the client holds, for the hint of an auth failure. */
static struct cmd_target hint_target;

int parse_read_parallelism(const char *verb, const char *arg, struct common_opts *common)
{
	long n;
	if (parse_long(arg, 1, 64, &n))
		return usage_error(
		    verb, "--read-parallelism takes a whole number from 1 to 64, not '%s'", arg);
	common->read_parallelism = (int)n;
	return EXIT_OK;
}

static bool log_verbose;

/*
 * PRISMSYNC_READ_LOG=FILE appends the body of every read request (one JSON
 * text a line) to FILE, so that bench/run.sh can replay exactly the reads
 * of a plan with curl and measure the network's floor. Reads only: the
 * variables of a mutation may be secrets. Not for the api verb, whose
 * queries are the user's own.
 */
static FILE *read_log;

static void log_request(void *ctx, const struct api_log_event *ev)
{
	(void)ctx;
	if (read_log && ev->read_body) {
		fputs(ev->read_body, read_log);
		fputc('\n', read_log);
		fflush(read_log);
	}
	if (!log_verbose)
		return;
	if (ev->status)
		fprintf(stderr, "prismsync: %s: HTTP %ld in %.3f s", ev->op, ev->status,
		        ev->elapsed_s);
	else
		fprintf(stderr, "prismsync: %s: %s after %.3f s", ev->op,
		        ev->failure ? ev->failure : "failed", ev->elapsed_s);
	if (ev->attempt > 1)
		fprintf(stderr, " (attempt %d)", ev->attempt);
	if (ev->next)
		fprintf(stderr, "; %s", ev->next);
	fputc('\n', stderr);
}

int cmd_api_client(struct api_client **out, const char *verb, const struct common_opts *common,
                   int parallelism)
{
	struct api_options o;
	struct error err = ERROR_INIT;
	struct rlimit no_core = {0, 0};

	/* The process is about to hold tokens: never leave them in a core file. */
	setrlimit(RLIMIT_CORE, &no_core);
	if (api_options_from_env(&o, &err) == 0) {
		const struct cmd_target *t = &common->target;
		o.parallelism = parallelism;
		o.read_parallelism = common->read_parallelism;
		const char *read_log_path = getenv("PRISMSYNC_READ_LOG");
		if (read_log_path && *read_log_path && strcmp(verb, "api") && !read_log)
			read_log = fopen(read_log_path, "a");
		log_verbose = common->verbose;
		if (common->verbose || read_log) {
			o.log = log_request;
			o.log_ctx = NULL;
		}
		/* An environment brings its own URL and credentials, and nothing else counts. */
		hint_target = *t;
		if (t->environment) {
			o.origin = t->url;
			o.access_token = NULL;
			o.refresh_token = getenv(t->credentials);
			o.tenant_id = t->tenant ? getenv(t->tenant) : NULL;
		}
		if (api_client_new(out, &o, &err) == 0) {
			if (cmd_check_organization(*out, t, verb) == EXIT_OK)
				return EXIT_OK;
			api_client_free(*out);
			*out = NULL;
			return EXIT_ERROR;
		}
	}
	fprintf(stderr, "prismsync %s: %s\n", verb, err.message);
	error_release(&err);
	return EXIT_ERROR;
}

void cmd_print_api_error(const char *verb, const struct error *err)
{
	fprintf(stderr, "prismsync %s: %s\n", verb, err->message ? err->message : "failed");
	if (err->code == ERR_AUTH && hint_target.environment)
		fprintf(stderr,
		        "hint: environment '%s' reads its refresh token from %s%s%s; check it, and "
		        "its url in the manifest (%s)\n",
		        hint_target.environment, hint_target.credentials,
		        hint_target.tenant ? " and its tenant from " : "",
		        hint_target.tenant ? hint_target.tenant : "", hint_target.url);
	else if (err->code == ERR_AUTH)
		fputs("hint: check PRISM_REFRESH_TOKEN (or PRISMATIC_REFRESH_TOKEN), "
		      "PRISM_ACCESS_TOKEN and PRISMATIC_URL\n",
		      stderr);
}

void cmd_print_api_stats(struct api_client *c, const struct common_opts *common)
{
	if (!common->verbose)
		return;
	struct api_stats s;
	api_client_stats(c, &s);
	fprintf(stderr,
	        "prismsync: %lu API request%s, %lu retr%s, %lu throttled, %lu token refresh%s\n",
	        s.requests, s.requests == 1 ? "" : "s", s.retries, s.retries == 1 ? "y" : "ies",
	        s.throttled, s.refreshes, s.refreshes == 1 ? "" : "es");
}
