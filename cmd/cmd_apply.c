/*
 * prismsync apply: makes the organization match the manifest, or carries
 * out a plan saved with `plan --out` after checking it is not stale.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "apply_rollout.h"
#include "pipeline.h"
#include "scope_opts.h"
#include "render.h"
#include "source_env.h"
#include "../api/lookup.h"
#include "../reconcile/apply.h"
#include "../reconcile/diff.h"
#include "../reconcile/plan_file.h"
#include "../source/source.h"
#include "../util/strutil.h"
#include "../util/xalloc.h"
#include "../util/banned.h"

#define PLAN_FILE_MAX (256u * 1024 * 1024)

static const char apply_usage[] =
    "usage: prismsync apply [-f FILE] [--env NAME] [--auto-approve] [--prune] [--parallelism N]\n"
    "                       [--publish-timeout SECONDS] [--git-ref REF [--repo URL]]\n"
    "                       [--allow-dirty] [--push-secrets] [--report FILE]\n"
    "       prismsync apply PLAN [--env NAME] [--auto-approve] [--publish-timeout SECONDS]\n"
    "\n"
    "Makes the organization match the manifest: shows the plan, asks for\n"
    "confirmation, then imports, updates and publishes integrations, creates and\n"
    "updates customers and instances, deploys, enables and disables them, and\n"
    "with --prune deletes what this owner created that the manifest dropped.\n"
    "\n"
    "With PLAN (a file from 'prismsync plan --out'), carries out exactly that\n"
    "plan, after re-reading every object it touches: if any changed since the\n"
    "plan was made, nothing is done and the command exits 4. A plan made for an\n"
    "environment runs only there: another --env, or credentials of another\n"
    "organization, are refused.\n"
    "\n"
    "A change that fails blocks the changes that depend on it; the others still\n"
    "run. Progress goes to stderr, one line per finished change.\n"
    "\n"
    "Each publish records where the manifest came from: the commit, the origin\n"
    "repository (without credentials) and whether the working tree was dirty.\n"
    "Reading from a working tree whose manifest or definitions differ from HEAD\n"
    "(modified, staged or untracked) is refused unless --allow-dirty.\n"
    "\n"
    "options:\n"
    "  -f, --file FILE        the manifest (default: prismsync.yaml)\n"
    "      --env NAME         apply to this environment of the manifest (the\n"
    "                         question names it and its organization)\n"
    "      --auto-approve     do not ask for confirmation (needed without a terminal)\n"
    "      --prune            delete owned objects absent from the manifest\n"
    "      --target ADDRESS   apply only this object and what it depends on; * globs\n"
    "                         (instance.acme/*); repeatable\n"
    "      --select LABEL     apply only objects carrying LABEL; repeatable\n"
    "      --parallelism N    requests in flight at most (default 4)\n"
    "      --publish-timeout SECONDS\n"
    "                         how long to wait for a published version to become\n"
    "                         available before its change fails (default 300); a\n"
    "                         line on stderr every 10 s says what is awaited\n"
    "      --git-ref REF      read the manifest and definitions as committed at REF\n"
    "                         (branch, tag, commit, HEAD~2, origin/main) of the\n"
    "                         repository holding FILE; the working tree is not used\n"
    "      --repo URL         with --git-ref: clone URL (or a path) into a temporary\n"
    "                         directory, removed afterwards; FILE is from its root\n"
    "      --allow-dirty      apply even when the manifest's files are not committed\n"
    "      --report FILE      write a JSON report of the run to FILE: each change's\n"
    "                         outcome, each rollout wave's status, and every failed\n"
    "                         verification with its execution's error\n"
    "      --push-secrets     write every connection input the manifest sets that\n"
    "                         Prismatic keeps write-only (secrets it never shows,\n"
    "                         so never compared): to roll out a changed secret\n"
    "      --no-color         no colour (also: NO_COLOR=1)\n"
    "  -v, --verbose          log each request to stderr\n"
    "  -h, --help             show this help\n"
    "\n"
    "With 'rollouts:' in the manifest, an integration's instances are deployed\n"
    "wave by wave; each wave is verified by running its flows (Test Flow) and\n"
    "waiting for each execution to end in SUCCESS. A failure stops the later\n"
    "waves and, with onFailure: rollback, moves the wave back to the version it\n"
    "ran. Run again after an interruption, apply continues from that wave.\n"
    "\n"
    "exit status: 0 done (or nothing to do), 1 error or refused, 3 some changes\n"
    "or verifications failed (the rest were made), 4 saved plan is stale, 64\n"
    "usage error\n"
    "\n"
    "example:\n"
    "  prismsync apply plan.json --auto-approve\n";

enum {
	OPT_AUTO_APPROVE = OPT_FIRST_VERB_OPTION,
	OPT_PRUNE,
	OPT_PARALLELISM,
	OPT_ALLOW_DIRTY,
	OPT_PUBLISH_TIMEOUT,
	OPT_PUSH_SECRETS,
	OPT_REPORT
};

struct progress {
	bool bar;
	bool color;
};

static const char *status_word(const struct plan_change *c, enum change_status s)
{
	static const char *const done[] = {"created",  "updated", "imported", "published",
	                                   "deployed", "enabled", "disabled", "deleted"};
	if (s == CS_DONE)
		return done[c->action];
	return s == CS_FAILED ? "FAILED" : "blocked";
}

static void on_progress(void *ctx, const struct apply_event *ev)
{
	const struct progress *pr = ctx;
	const struct plan_change *c = ev->change;
	if (pr->bar)
		fputs("\r\033[K", stderr);
	fprintf(stderr, "[%zu/%zu] %c %s: %s", ev->finished, ev->total,
	        plan_action_symbol(c->action), c->address, status_word(c, ev->status));
	if (ev->message)
		fprintf(stderr, ": %s", ev->message);
	else
		fprintf(stderr, " (%.2f s)", ev->elapsed_s);
	fputc('\n', stderr);
	if (pr->bar && ev->finished < ev->total) {
		size_t width = 30, filled = ev->finished * width / ev->total;
		fputc('[', stderr);
		for (size_t i = 0; i < width; i++)
			fputc(i < filled ? '#' : ' ', stderr);
		fprintf(stderr, "] %zu/%zu", ev->finished, ev->total);
	}
	fflush(stderr);
}

static void on_waiting(void *ctx, const struct apply_wait_event *ev)
{
	const struct progress *pr = ctx;
	if (pr->bar)
		fputs("\r\033[K", stderr);
	fprintf(stderr, "waiting for %s version %d to become available (%.0f s)\n",
	        ev->change->address, ev->version, ev->waited_s);
	fflush(stderr);
}

/*
 * Asks on the terminal, naming the organization the credentials belong to
 * (one whoami request, made only when asking). Returns EXIT_OK to go
 * ahead, or EXIT_ERROR with the reason printed.
 */
static int confirm(const struct plan *p, bool auto_approve, struct api_client *client,
                   const struct cmd_target *target)
{
	if (auto_approve)
		return EXIT_OK;
	if (!isatty(STDIN_FILENO)) {
		fputs("prismsync apply: refusing to change the organization without confirmation: "
		      "standard input is not a terminal; review the plan and run again with "
		      "--auto-approve\n",
		      stderr);
		return EXIT_ERROR;
	}
	struct api_user user = {NULL, NULL, NULL, NULL, NULL};
	struct error err = ERROR_INIT;
	const char *url = cmd_target_url(target);
	if (target->environment && api_whoami(&user, client, &err) == 0 && user.org_name)
		printf("\nMake these %zu change%s to environment '%s', the organization '%s' "
		       "(%s)?\n",
		       p->nr, p->nr == 1 ? "" : "s", target->environment, user.org_name, url);
	else if (target->environment)
		printf("\nMake these %zu change%s to environment '%s', the organization '%s' "
		       "(%s)?\n",
		       p->nr, p->nr == 1 ? "" : "s", target->environment, target->organization,
		       url);
	else if (api_whoami(&user, client, &err) == 0 && user.org_name)
		printf("\nMake these %zu change%s to the organization '%s' (%s)?\n", p->nr,
		       p->nr == 1 ? "" : "s", user.org_name, url);
	else
		printf("\nMake these %zu change%s to the organization at %s (its name could not "
		       "be read)?\n",
		       p->nr, p->nr == 1 ? "" : "s", url);
	api_user_release(&user);
	error_release(&err);
	fputs("Only 'yes' will be accepted: ", stdout);
	fflush(stdout);
	char answer[64] = "";
	if (!fgets(answer, sizeof(answer), stdin) || strcmp(answer, "yes\n")) {
		fputs("prismsync apply: not confirmed; nothing was changed\n", stderr);
		return EXIT_ERROR;
	}
	return EXIT_OK;
}

/* The JSON report of the run (--report); NULL for none. */
static const char *report_path;

static int execute(const struct plan *p, struct api_client *client, long publish_timeout_ms,
                   const struct common_opts *common)
{
	struct progress pr = {isatty(STDERR_FILENO) && !common->no_color, false};
	struct apply_opts o = {NULL, on_progress, on_waiting, &pr, publish_timeout_ms, NULL};
	return cmd_apply_execute(p, client, &o, report_path);
}

/*
 * Re-reads every object the saved plan touches and compares fingerprints;
 * objects the plan creates must still be absent. Prints each that changed.
 */
static int check_stale(const struct plan *p, struct api_client *client, bool *stale)
{
	struct live_state *s = live_state_new();
	struct error err = ERROR_INIT;
	int rc = 0;
	*stale = false;
	for (size_t i = 0; i < p->nr && !rc; i++) {
		const struct plan_change *c = &p->changes[i];
		bool seen = false, found = false;
		for (size_t j = 0; j < i && !seen; j++)
			seen = c->live_id && p->changes[j].live_id &&
			       !strcmp(c->live_id, p->changes[j].live_id);
		if (seen || (!c->live_id && c->action != PA_CREATE))
			continue;
		char fp[65] = "";
		const char *key = strchr(c->address, '.') + 1;
		if (c->live_id) {
			switch (c->type) {
			case RES_CUSTOMER:
				rc = api_read_customer(s, client, c->live_id, &found, &err);
				if (found)
					live_fingerprint_customer(
					    &s->customers[s->customers_nr - 1], fp);
				break;
			case RES_INTEGRATION:
				rc = api_read_integration(s, client, c->live_id, &found, &err);
				if (found)
					live_fingerprint_integration(
					    &s->integrations[s->integrations_nr - 1], fp);
				break;
			default:
				rc = api_read_instance(s, client, c->live_id, &found, &err);
				if (found)
					live_fingerprint_instance(
					    &s->instances[s->instances_nr - 1], fp);
				break;
			}
			if (!rc && (!found || (c->fingerprint && strcmp(fp, c->fingerprint)))) {
				fprintf(stderr, "  %s %s since the plan was made\n", c->address,
				        found ? "changed" : "was deleted");
				*stale = true;
			}
		} else if (c->type == RES_CUSTOMER) {
			rc = api_find_customer(s, client, key, &found, &err);
		} else if (c->type == RES_INTEGRATION) {
			rc = api_find_integration(s, client, key, &found, &err);
		}
		if (!rc && !c->live_id && found) {
			fprintf(stderr, "  %s was created since the plan was made\n", c->address);
			*stale = true;
		}
	}
	if (rc)
		cmd_print_api_error("apply", &err);
	error_release(&err);
	live_state_free(s);
	return rc ? EXIT_ERROR : EXIT_OK;
}

/*
 * A saved plan runs only against the environment and organization it was
 * made for: --env must agree with it, and the environment's URL and
 * credentials come from the manifest it names (*manifest, which the
 * target borrows from). Returns EXIT_OK, or EXIT_ERROR with the refusal
 * printed.
 */
static int saved_plan_target(struct manifest **manifest, const struct plan *p, const char *path,
                             struct common_opts *common)
{
	if (common->env && (!p->environment || strcmp(common->env, p->environment))) {
		fprintf(stderr,
		        "prismsync apply: refusing: %s was made for %s%s%s, not environment '%s'; "
		        "nothing was changed. Make a plan with --env %s.\n",
		        path, p->environment ? "environment '" : "a manifest without environments",
		        p->environment ? p->environment : "", p->environment ? "'" : "",
		        common->env, common->env);
		return EXIT_ERROR;
	}
	if (!p->environment) {
		common->target.organization = p->organization;
		return EXIT_OK;
	}
	common->env = p->environment;
	if (p->manifest)
		common->file = p->manifest;
	if (cmd_target_load(manifest, common, "apply") != EXIT_OK) {
		fprintf(stderr,
		        "prismsync apply: %s was made for environment '%s' of %s, whose URL and "
		        "credentials could not be read; nothing was changed\n",
		        path, p->environment, common->file);
		return EXIT_ERROR;
	}
	if (p->organization && common->target.organization &&
	    strcmp(p->organization, common->target.organization)) {
		fprintf(stderr,
		        "prismsync apply: refusing: %s was made for organization '%s', but "
		        "environment '%s' is now organization '%s'; nothing was changed. Make a "
		        "new plan.\n",
		        path, p->organization, p->environment, common->target.organization);
		return EXIT_ERROR;
	}
	return EXIT_OK;
}

static int apply_saved(const char *path, bool auto_approve, int parallelism,
                       long publish_timeout_ms, struct common_opts *common)
{
	struct source *src = source_dir_new();
	struct buf data = BUF_INIT;
	struct error err = ERROR_INIT;
	struct plan p;
	struct api_client *client = NULL;
	struct manifest *manifest = NULL;
	bool stale = false;
	int rc;

	plan_init(&p);
	if (source_read(src, path, PLAN_FILE_MAX, &data, &err) ||
	    plan_read(&p, path, data.data, data.len, &err)) {
		fprintf(stderr, "prismsync apply: %s%s%s\n", err.code == ERR_NOTFOUND ? path : "",
		        err.code == ERR_NOTFOUND ? ": " : "", err.message);
		rc = EXIT_ERROR;
		goto done;
	}
	if ((rc = saved_plan_target(&manifest, &p, path, common)) != EXIT_OK)
		goto done;
	if ((rc = cmd_api_client(&client, "apply", common, parallelism)) != EXIT_OK)
		goto done;
	if ((rc = check_stale(&p, client, &stale)) != EXIT_OK)
		goto done;
	if (stale) {
		fprintf(stderr,
		        "prismsync apply: %s is stale: the organization changed since it was "
		        "made; nothing was changed. Make a new plan.\n",
		        path);
		rc = EXIT_STALE;
		goto done;
	}
	if (!p.nr) {
		puts("No changes. The organization matches the manifest.");
		goto done;
	}
	struct render_opts ro = {RENDER_PLAN, use_color(stdout, common), false, NULL,
	                         common->verbose > 0};
	struct buf out = BUF_INIT;
	render_text(&p, &ro, &out);
	fputs(out.data, stdout);
	buf_release(&out);
	if ((rc = confirm(&p, auto_approve, client, &common->target)) == EXIT_OK)
		rc = execute(&p, client, publish_timeout_ms, common);
	cmd_print_api_stats(client, common);
done:
	plan_release(&p);
	api_client_free(client);
	manifest_free(manifest);
	buf_release(&data);
	error_release(&err);
	source_free(src);
	return rc;
}

int cmd_apply(int argc, char **argv, struct common_opts *common)
{
	static const struct option opts[] = {
	    {"auto-approve", no_argument, NULL, OPT_AUTO_APPROVE},
	    {"prune", no_argument, NULL, OPT_PRUNE},
	    {"parallelism", required_argument, NULL, OPT_PARALLELISM},
	    {"allow-dirty", no_argument, NULL, OPT_ALLOW_DIRTY},
	    {"publish-timeout", required_argument, NULL, OPT_PUBLISH_TIMEOUT},
	    {"push-secrets", no_argument, NULL, OPT_PUSH_SECRETS},
	    {"report", required_argument, NULL, OPT_REPORT},
	    COMMON_LONG_OPTIONS,
	    SOURCE_LONG_OPTIONS,
	    SCOPE_LONG_OPTIONS,
	    {NULL, 0, NULL, 0},
	};
	bool auto_approve = false, file_given = false, allow_dirty = false;
	long publish_timeout_ms = APPLY_DEFAULT_PUBLISH_TIMEOUT_MS, seconds;
	struct pipeline_opts po = {false, 0, true, NULL, false, {NULL, 0, NULL, 0}};
	int c, rc;

	optind = 0;
	opterr = 0;
	report_path = NULL;
	while ((c = getopt_long(argc, argv, ":f:vh", opts, NULL)) != -1) {
		if (c == 'f')
			file_given = true;
		if (common_option(c, optarg, common) || scope_option(c, optarg, &po.scope))
			continue;
		switch (c) {
		case 'h':
			fputs(apply_usage, stdout);
			return EXIT_OK;
		case OPT_AUTO_APPROVE:
			auto_approve = true;
			break;
		case OPT_PRUNE:
			po.prune = true;
			break;
		case OPT_PARALLELISM:
			if ((rc = parse_parallelism("apply", optarg, &po.parallelism)) != EXIT_OK)
				return rc;
			break;
		case OPT_ALLOW_DIRTY:
			allow_dirty = true;
			break;
		case OPT_PUBLISH_TIMEOUT:
			if (parse_long(optarg, 1, 86400, &seconds))
				return usage_error("apply",
				                   "--publish-timeout takes a number of seconds "
				                   "from 1 to 86400, not '%s'",
				                   optarg);
			publish_timeout_ms = seconds * 1000;
			break;
		case OPT_PUSH_SECRETS:
			po.push_secrets = true;
			break;
		case OPT_REPORT:
			report_path = optarg;
			break;
		default:
			return bad_option("apply", c, argv, opts);
		}
	}
	if (argc - optind > 1)
		return usage_error("apply", "unexpected argument '%s'", argv[optind + 1]);
	if (optind < argc) {
		if (file_given)
			return usage_error("apply",
			                   "give either -f FILE or a saved PLAN, not both");
		if (po.prune)
			return usage_error("apply", "--prune is decided when the plan is made: use "
			                            "'prismsync plan --prune --out PLAN'");
		if (common->git_ref || common->repo)
			return usage_error("apply",
			                   "a saved PLAN records its source: give --git-ref "
			                   "to 'prismsync plan', not to apply PLAN");
		if (plan_scope_active(&po.scope)) {
			scope_option_release(&po.scope);
			return usage_error("apply", "a saved PLAN records its scope: give --target "
			                            "and --select to 'prismsync plan --out'");
		}
		return apply_saved(argv[optind], auto_approve, po.parallelism, publish_timeout_ms,
		                   common);
	}
	if ((rc = cmd_check_source_options("apply", common)) != EXIT_OK)
		return rc;

	po.refuse_dirty = !allow_dirty;
	struct pipeline pl;
	rc = pipeline_run(&pl, "apply", common, &po);
	if (rc != EXIT_OK)
		goto done;
	if (!pl.plan.nr) {
		puts("No changes. The organization matches the manifest.");
		goto done;
	}
	struct render_opts ro = {RENDER_PLAN, use_color(stdout, common), false, NULL,
	                         common->verbose > 0};
	struct buf out = BUF_INIT;
	render_text(&pl.plan, &ro, &out);
	fputs(out.data, stdout);
	fflush(stdout);
	buf_release(&out);
	if ((rc = confirm(&pl.plan, auto_approve, pl.client, &pl.target)) == EXIT_OK)
		rc = execute(&pl.plan, pl.client, publish_timeout_ms, common);
	cmd_print_api_stats(pl.client, common);
done:
	scope_option_release(&po.scope);
	pipeline_release(&pl);
	return rc;
}
