/*
 * prismsync drift: for a scheduled job. Compares the organization with the
 * manifest and reports the differences; changes nothing.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "drift_envs.h"
#include "pipeline.h"
#include "scope_opts.h"
#include "render.h"
#include "source_env.h"
#include "../reconcile/diff.h"
#include "../schema/yaml_tree.h"
#include "../util/banned.h"

static const char drift_usage[] =
    "usage: prismsync drift [-f FILE] [--env NAME | --all-envs]\n"
    "                       [--format text|json|markdown] [--report FILE]\n"
    "                       [--report-format text|json|markdown] [--prune]\n"
    "                       [--read-parallelism N] [--git-ref REF [--repo URL]]\n"
    "\n"
    "Reads the organization and reports every way it differs from the manifest,\n"
    "such as an instance disabled or a config variable edited in the Prismatic UI.\n"
    "Nothing is changed. The JSON and markdown reports carry a fingerprint of the\n"
    "set of differences: the same drift always has the same fingerprint, so a\n"
    "scheduled job can tell a new drift from one it already reported.\n"
    "\n"
    "options:\n"
    "  -f, --file FILE       the manifest (default: prismsync.yaml)\n"
    "      --env NAME        check this environment of the manifest\n"
    "      --all-envs        check every environment at once, in parallel: one\n"
    "                        report with a section and a fingerprint each; exit 2\n"
    "                        when any drifted\n"
    "      --format FORMAT   text (default), json or markdown\n"
    "      --report FILE     also write the report to FILE\n"
    "      --report-format FORMAT\n"
    "                        the format of the --report file (default: --format),\n"
    "                        so that one run gives both a JSON and a markdown report\n"
    "      --prune           also report owned objects absent from the manifest\n"
    "      --target ADDRESS  check only this object and what it depends on; * globs\n"
    "                        (instance.acme/*); repeatable\n"
    "      --select LABEL    check only objects carrying LABEL; repeatable\n"
    "      --read-parallelism N\n"
    "                        requests in flight at most while reading the\n"
    "                        organization (default 16)\n"
    "      --parallelism N   writes in flight at most (default 4); drift writes\n"
    "                        nothing, it takes the option as apply does\n"
    "      --git-ref REF     read the manifest and definitions as committed at REF\n"
    "                        (branch, tag, commit, origin/main) of the repository\n"
    "                        holding FILE; the working tree is not used\n"
    "      --repo URL        with --git-ref: clone URL into a temporary directory,\n"
    "                        removed afterwards (a path or file:// URL is read\n"
    "                        in place); FILE is from its root\n"
    "      --no-color        no colour (also: NO_COLOR=1)\n"
    "  -v, --verbose         log each request to stderr\n"
    "  -h, --help            show this help\n"
    "\n"
    "exit status: 0 in sync, 2 drift found, 1 error, 64 usage error\n"
    "\n"
    "example:\n"
    "  prismsync drift --format markdown --report drift.json --report-format json\n";

enum {
	OPT_FORMAT = OPT_FIRST_VERB_OPTION,
	OPT_REPORT,
	OPT_REPORT_FORMAT,
	OPT_PRUNE,
	OPT_PARALLELISM,
	OPT_ALL_ENVS
};

/*
 * Which commit each integration of the manifest was last published from,
 * as recorded in its latest version's attributes: appended to the report
 * (in JSON, as the "published" list).
 */
static void published_report(const struct pipeline *pl, enum render_format format, struct buf *out)
{
	const struct manifest *m = pl->manifest;
	bool json = format == FORMAT_JSON;
	if (json) {
		buf_truncate(out, out->len - 2); /* the closing "}\n" */
		buf_adds(out, ",\"published\":[");
	} else {
		buf_adds(out, format == FORMAT_MARKDOWN ? "\n**Published from:**\n\n"
		                                        : "\nPublished from:\n");
	}
	size_t n = 0;
	for (size_t i = 0; i < m->integrations_nr; i++) {
		const char *name = m->integrations[i].effective_name;
		const struct live_integration *li =
		    name ? live_integration_by_name(pl->live, name) : NULL;
		if (!li || !li->latest)
			continue;
		if (json) {
			buf_adds(out, n++ ? ",{\"integration\":" : "{\"integration\":");
			json_quote(out, name, strlen(name));
			buf_addf(out, ",\"version\":%d,\"commit\":", li->latest->number);
			if (li->latest_commit)
				json_quote(out, li->latest_commit, strlen(li->latest_commit));
			else
				buf_adds(out, "null");
			buf_addf(out, ",\"dirty\":%s}", li->latest_dirty ? "true" : "false");
			continue;
		}
		n++;
		buf_addf(out, "%s integration.%s: version %d, ",
		         format == FORMAT_MARKDOWN ? "-" : " ", name, li->latest->number);
		if (li->latest_commit)
			buf_addf(out, "commit %.12s%s\n", li->latest_commit,
			         li->latest_dirty ? " (from a dirty working tree)" : "");
		else
			buf_adds(out, "commit not recorded\n");
	}
	if (json)
		buf_adds(out, "]}\n");
	else if (!n)
		buf_adds(out, "  (nothing published yet)\n");
}

void drift_render(struct pipeline *pl, enum render_format format, bool color, bool verbose,
                  struct buf *out)
{
	char fingerprint[65];
	plan_fingerprint(&pl->plan, fingerprint);
	struct render_opts ro = {RENDER_DRIFT, color, pl->plan.nr ? fingerprint : NULL, verbose};
	render_plan(&pl->plan, format, &ro, out);
	published_report(pl, format, out);
}

/*
 * Longer than most functions: the option table and the switch that reads
 * it are kept together, in the order of --help, so that an option is
 * added in one place; the work is pipeline_run() and drift_render().
 */
int cmd_drift(int argc, char **argv, struct common_opts *common)
{
	static const struct option opts[] = {
	    {"format", required_argument, NULL, OPT_FORMAT},
	    {"report", required_argument, NULL, OPT_REPORT},
	    {"report-format", required_argument, NULL, OPT_REPORT_FORMAT},
	    {"prune", no_argument, NULL, OPT_PRUNE},
	    {"parallelism", required_argument, NULL, OPT_PARALLELISM},
	    READ_LONG_OPTION,
	    {"all-envs", no_argument, NULL, OPT_ALL_ENVS},
	    COMMON_LONG_OPTIONS,
	    SOURCE_LONG_OPTIONS,
	    SCOPE_LONG_OPTIONS,
	    {NULL, 0, NULL, 0},
	};
	enum render_format format = FORMAT_TEXT;
	const char *report = NULL;
	enum render_format report_format = FORMAT_TEXT;
	bool report_format_set = false, all_envs = false;
	struct pipeline_opts po = {false, 0, false, NULL, false, {NULL, 0, NULL, 0}, NULL, NULL};
	int c, rc;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":f:vh", opts, NULL)) != -1) {
		if (common_option(c, optarg, common) || scope_option(c, optarg, &po.scope))
			continue;
		switch (c) {
		case 'h':
			fputs(drift_usage, stdout);
			return EXIT_OK;
		case OPT_FORMAT:
			if (render_parse_format(optarg, &format))
				return usage_error("drift",
				                   "--format is text, json or markdown, not '%s'",
				                   optarg);
			break;
		case OPT_REPORT:
			report = optarg;
			break;
		case OPT_REPORT_FORMAT:
			if (render_parse_format(optarg, &report_format))
				return usage_error(
				    "drift", "--report-format is text, json or markdown, not '%s'",
				    optarg);
			report_format_set = true;
			break;
		case OPT_PRUNE:
			po.prune = true;
			break;
		case OPT_PARALLELISM:
			if ((rc = parse_parallelism("drift", optarg, &po.parallelism)) != EXIT_OK)
				return rc;
			break;
		case OPT_READ_PARALLELISM:
			if ((rc = parse_read_parallelism("drift", optarg, common)) != EXIT_OK)
				return rc;
			break;
		case OPT_ALL_ENVS:
			all_envs = true;
			break;
		default:
			return bad_option("drift", c, argv, opts);
		}
	}
	if (optind < argc)
		return usage_error("drift", "unexpected argument '%s'", argv[optind]);
	if (report_format_set && !report)
		return usage_error("drift", "--report-format needs --report FILE");
	if (!report_format_set)
		report_format = format;
	if ((rc = cmd_check_source_options("drift", common)) != EXIT_OK)
		return rc;
	if (all_envs && common->env)
		return usage_error("drift", "give either --env NAME or --all-envs, not both");
	if (all_envs)
		return drift_all_envs(common, &po, format, report, report_format);

	struct pipeline pl;
	rc = pipeline_run(&pl, "drift", common, &po);
	if (rc != EXIT_OK)
		goto done;

	struct buf out = BUF_INIT;
	drift_render(&pl, format, use_color(stdout, common), common->verbose > 0, &out);
	cmd_put_output(out.data, stdout);
	if (report) {
		buf_reset(&out);
		drift_render(&pl, report_format, false, common->verbose > 0, &out);
		if (write_file_atomic(report, out.data, out.len, 0644)) {
			fprintf(stderr, "prismsync drift: cannot write %s: %s\n", report,
			        strerror(errno));
			rc = EXIT_ERROR;
		}
	}
	buf_release(&out);
	cmd_print_api_stats(pl.client, common);
	if (rc == EXIT_OK && pl.plan.nr)
		rc = EXIT_CHANGES;
done:
	scope_option_release(&po.scope);
	pipeline_release(&pl);
	return rc;
}
