/*
 * prismsync plan: what apply would change, as a dry run. Reads only.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "pipeline.h"
#include "../reconcile/rollout.h"
#include "scope_opts.h"
#include "render.h"
#include "source_env.h"
#include "../reconcile/plan_io.h"
#include "../util/strutil.h"
#include "../util/banned.h"

static const char plan_usage[] =
    "usage: prismsync plan [-f FILE] [--env NAME] [--format text|json|markdown] [--out PLAN]\n"
    "                      [--detailed-exitcode] [--prune] [--read-parallelism N]\n"
    "                      [--git-ref REF [--repo URL]] [--changed-since REF]\n"
    "                      [--push-secrets]\n"
    "\n"
    "Reads the organization and shows the changes that would make it match the\n"
    "manifest: customers to create or update, integrations to import, update and\n"
    "publish, instances to create, update, deploy, enable or disable, and with\n"
    "--prune the integrations and instances this manifest's owner created that\n"
    "the manifest no longer lists. Nothing is changed.\n"
    "\n"
    "A manifest with environments needs --env: the plan is for that environment's\n"
    "organization, with its overrides, and records both (JSON 'source').\n"
    "\n"
    "options:\n"
    "  -f, --file FILE          the manifest (default: prismsync.yaml)\n"
    "      --env NAME           plan for this environment of the manifest: its URL,\n"
    "                           credentials, organization and overrides\n"
    "      --format FORMAT      text (default), json, or markdown for a pull request comment\n"
    "      --out PLAN           also save the plan to PLAN (JSON, mode 0600) for\n"
    "                           'prismsync apply PLAN'; secrets are saved as ${env:NAME}\n"
    "      --detailed-exitcode  exit 2 when there are changes, 0 when there are none\n"
    "      --prune              include deletes of owned objects absent from the manifest\n"
    "      --target ADDRESS     plan only this object and what it depends on; * globs\n"
    "                           (instance.acme/*); repeatable\n"
    "      --select LABEL       plan only objects carrying LABEL; repeatable\n"
    "      --push-secrets       count every connection input the manifest sets that\n"
    "                           Prismatic keeps write-only as changed (see apply)\n"
    "      --read-parallelism N requests in flight at most while reading the\n"
    "                           organization (default 16)\n"
    "      --parallelism N      writes in flight at most (default 4); plan writes\n"
    "                           nothing, it takes the option as apply does\n"
    "      --git-ref REF        read the manifest and definitions as committed at REF\n"
    "                           (branch, tag, commit, HEAD~2, origin/main) of the\n"
    "                           repository holding FILE; the working tree is not used\n"
    "      --repo URL           with --git-ref: clone URL into a temporary directory,\n"
    "                           removed afterwards (a path or file:// URL is read\n"
    "                           in place); FILE is from its root\n"
    "      --changed-since REF  plan only what changed between REF and what is read:\n"
    "                           integrations whose definition file or entry changed\n"
    "                           and their instances, instances whose own entry\n"
    "                           changed, and (with --prune) the deletes of what the\n"
    "                           manifest dropped; the output says it is limited\n"
    "      --no-color           no colour (also: NO_COLOR=1)\n"
    "  -v, --verbose            log each request to stderr\n"
    "  -h, --help               show this help\n"
    "\n"
    "exit status: 0 success (with --detailed-exitcode: no changes), 1 error,\n"
    "2 changes pending (--detailed-exitcode), 64 usage error\n"
    "\n"
    "example:\n"
    "  prismsync plan --prune --out plan.json --format markdown > plan.md\n";

enum {
	OPT_FORMAT = OPT_FIRST_VERB_OPTION,
	OPT_OUT,
	OPT_DETAILED,
	OPT_PRUNE,
	OPT_PARALLELISM,
	OPT_CHANGED_SINCE,
	OPT_PUSH_SECRETS
};

int parse_parallelism(const char *verb, const char *arg, int *out)
{
	long n;
	if (parse_long(arg, 1, 64, &n))
		return usage_error(
		    verb, "--parallelism takes a whole number from 1 to 64, not '%s'", arg);
	*out = (int)n;
	return EXIT_OK;
}

/* Writes p with its inputs to path (mode 0600) for `apply PLAN`. Returns EXIT_OK or EXIT_ERROR. */
static int save_plan(const struct plan *p, const char *path)
{
	struct plan_json_opts jo = {false, true, NULL, NULL};
	struct buf out = BUF_INIT;
	int rc = EXIT_OK;
	plan_write_json(p, &jo, &out);
	if (write_file_atomic(path, out.data, out.len, 0600)) {
		fprintf(stderr, "prismsync plan: cannot write %s: %s\n", path, strerror(errno));
		rc = EXIT_ERROR;
	} else {
		fprintf(stderr, "Saved the plan to %s; carry it out with: prismsync apply %s\n",
		        path, path);
	}
	buf_release(&out);
	return rc;
}

/*
 * Longer than most functions: the option table and the switch that reads
 * it are kept together, in the order of --help, so that an option is
 * added in one place; the work is pipeline_run() and save_plan().
 */
int cmd_plan(int argc, char **argv, struct common_opts *common)
{
	static const struct option opts[] = {
	    {"format", required_argument, NULL, OPT_FORMAT},
	    {"out", required_argument, NULL, OPT_OUT},
	    {"detailed-exitcode", no_argument, NULL, OPT_DETAILED},
	    {"prune", no_argument, NULL, OPT_PRUNE},
	    {"parallelism", required_argument, NULL, OPT_PARALLELISM},
	    READ_LONG_OPTION,
	    {"changed-since", required_argument, NULL, OPT_CHANGED_SINCE},
	    {"push-secrets", no_argument, NULL, OPT_PUSH_SECRETS},
	    COMMON_LONG_OPTIONS,
	    SOURCE_LONG_OPTIONS,
	    SCOPE_LONG_OPTIONS,
	    {NULL, 0, NULL, 0},
	};
	enum render_format format = FORMAT_TEXT;
	const char *out_file = NULL;
	bool detailed = false;
	struct pipeline_opts po = {false, 0, false, NULL, false, {NULL, 0, NULL, 0}, NULL, NULL};
	int c, rc;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":f:vh", opts, NULL)) != -1) {
		if (common_option(c, optarg, common) || scope_option(c, optarg, &po.scope))
			continue;
		switch (c) {
		case 'h':
			fputs(plan_usage, stdout);
			return EXIT_OK;
		case OPT_FORMAT:
			if (render_parse_format(optarg, &format))
				return usage_error(
				    "plan", "--format is text, json or markdown, not '%s'", optarg);
			break;
		case OPT_OUT:
			out_file = optarg;
			break;
		case OPT_DETAILED:
			detailed = true;
			break;
		case OPT_PRUNE:
			po.prune = true;
			break;
		case OPT_PARALLELISM:
			if ((rc = parse_parallelism("plan", optarg, &po.parallelism)) != EXIT_OK)
				return rc;
			break;
		case OPT_READ_PARALLELISM:
			if ((rc = parse_read_parallelism("plan", optarg, common)) != EXIT_OK)
				return rc;
			break;
		case OPT_CHANGED_SINCE:
			if (!*optarg)
				return usage_error("plan", "--changed-since needs a revision");
			po.changed_since = optarg;
			break;
		case OPT_PUSH_SECRETS:
			po.push_secrets = true;
			break;
		default:
			return bad_option("plan", c, argv, opts);
		}
	}
	if (optind < argc)
		return usage_error("plan", "unexpected argument '%s'", argv[optind]);
	if ((rc = cmd_check_source_options("plan", common)) != EXIT_OK)
		return rc;

	struct pipeline pl;
	rc = pipeline_run(&pl, "plan", common, &po);
	if (rc != EXIT_OK)
		goto done;

	struct render_opts ro = {RENDER_PLAN, use_color(stdout, common), NULL, common->verbose > 0};
	struct buf out = BUF_INIT;
	render_plan(&pl.plan, format, &ro, &out);
	cmd_put_output(out.data, stdout);
	fflush(stdout);
	buf_release(&out);
	if (out_file && rollout_plan_acts(&pl.plan)) {
		fputs(
		    "prismsync plan: not saved: a saved plan cannot carry rollout waves and their "
		    "verification yet; apply this change from the manifest (prismsync apply -f "
		    "FILE)\n",
		    stderr);
		rc = EXIT_ERROR;
	} else if (out_file) {
		rc = save_plan(&pl.plan, out_file);
	}
	cmd_print_api_stats(pl.client, common);
	if (rc == EXIT_OK && detailed && pl.plan.nr)
		rc = EXIT_CHANGES;
done:
	scope_option_release(&po.scope);
	pipeline_release(&pl);
	return rc;
}
