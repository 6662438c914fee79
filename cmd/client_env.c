/*
 * client_env.c - the API client every online verb uses, built from the
 * environment, with the -v request log on stderr.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>

#include "cmd.h"
#include "../api/client.h"
#include "../util/banned.h"

static void log_request(void *ctx, const struct api_log_event *ev)
{
	(void)ctx;
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
		o.parallelism = parallelism;
		if (common->verbose) {
			o.log = log_request;
			o.log_ctx = NULL;
		}
		if (api_client_new(out, &o, &err) == 0)
			return EXIT_OK;
	}
	fprintf(stderr, "prismsync %s: %s\n", verb, err.message);
	error_release(&err);
	return EXIT_ERROR;
}

void cmd_print_api_error(const char *verb, const struct error *err)
{
	fprintf(stderr, "prismsync %s: %s\n", verb, err->message ? err->message : "failed");
	if (err->code == ERR_AUTH)
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
