/*
 * prismsync apply: makes the organization match the manifest, or carries
 * out a plan saved with `plan --out` after checking it is not stale.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "apply_lock.h"
#include "cmd.h"
#include "apply_rollout.h"
#include "pipeline.h"
#include "scope_opts.h"
#include "render.h"
#include "source_env.h"
#include "stale.h"
#include "../api/lookup.h"
#include "../apply/apply.h"
#include "../reconcile/diff.h"
#include "../reconcile/plan_io.h"
#include "../source/source.h"
#include "../util/strutil.h"
#include "../util/xalloc.h"
#include "../util/banned.h"

#define PLAN_FILE_MAX (256u * 1024 * 1024)

static const char apply_usage[] =
    "usage: prismsync apply [-f FILE] [--env NAME] [--auto-approve] [--prune] [--parallelism N]\n"
    "                       [--read-parallelism N] [--publish-timeout SECONDS]\n"
    "                       [--git-ref REF [--repo URL]] [--allow-dirty] [--push-secrets]\n"
    "                       [--batch-size N] [--lock-timeout SECONDS] [--report FILE]\n"
    "       prismsync apply PLAN [--env NAME] [--auto-approve] [--publish-timeout SECONDS]\n"
    "                       [--batch-size N] [--lock-timeout SECONDS]\n"
    "       prismsync apply --force-unlock ID [--env NAME]\n"
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
    "One apply at a time: apply takes the organization's lock (a customer named\n"
    "'prismsync apply lock') before reading it, and removes it at the end, also\n"
    "on Ctrl-C, SIGTERM or SIGHUP. A lock left by a killed apply is shown with\n"
    "its holder and age; --force-unlock removes it.\n"
    "\n"
    "Each publish records where the manifest came from: the commit, the origin\n"
    "repository (without credentials) and whether the working tree was dirty.\n"
    "Reading from a working tree whose manifest or definitions differ from HEAD\n"
    "(modified, staged or untracked) is refused unless --allow-dirty.\n"
    "\n";

/* The options, apart: one string would be longer than C compilers must accept. */
static const char apply_usage_options[] =
    "options:\n"
    "  -f, --file FILE        the manifest (default: prismsync.yaml)\n"
    "      --env NAME         apply to this environment of the manifest (the\n"
    "                         question names it and its organization)\n"
    "      --auto-approve     do not ask for confirmation (needed without a terminal)\n"
    "      --prune            delete owned objects absent from the manifest\n"
    "      --target ADDRESS   apply only this object and what it depends on; * globs\n"
    "                         (instance.acme/*); repeatable\n"
    "      --select LABEL     apply only objects carrying LABEL; repeatable\n"
    "      --parallelism N    changes (writes) in flight at most (default 4)\n"
    "      --batch-size N     send up to N changes of one kind that are ready at\n"
    "                         the same time in one request (default 20; 1: one\n"
    "                         change per request); if the server refuses that,\n"
    "                         the rest go one per request, with a warning\n"
    "      --read-parallelism N\n"
    "                         reads in flight at most: the organization, the\n"
    "                         re-reads of a saved plan's objects (default 16)\n"
    "      --publish-timeout SECONDS\n"
    "                         how long to wait for a published version to become\n"
    "                         available before its change fails (default 300); a\n"
    "                         line on stderr every 10 s says what is awaited\n"
    "      --git-ref REF      read the manifest and definitions as committed at REF\n"
    "                         (branch, tag, commit, HEAD~2, origin/main) of the\n"
    "                         repository holding FILE; the working tree is not used\n"
    "      --repo URL         with --git-ref: clone URL into a temporary directory,\n"
    "                         removed afterwards (a path or file:// URL is read\n"
    "                         in place); FILE is from its root\n"
    "      --allow-dirty      apply even when the manifest's files are not committed\n"
    "      --report FILE      write a JSON report of the run to FILE: each change's\n"
    "                         outcome, each rollout wave's status, and every failed\n"
    "                         verification with its execution's error\n"
    "      --push-secrets     write every connection input the manifest sets that\n"
    "                         Prismatic keeps write-only (secrets it never shows,\n"
    "                         so never compared): to roll out a changed secret\n"
    "      --lock-timeout SECONDS\n"
    "                         wait this long for another apply to release the\n"
    "                         organization's lock (default 0: refuse at once)\n"
    "      --force-unlock ID  remove the apply lock ID left by an apply that was\n"
    "                         killed, and do nothing else\n"
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
    "Interrupted (Ctrl-C, or SIGTERM) while making changes, apply starts no new\n"
    "change, lets those in flight finish, says what was not started and exits\n"
    "130 (143 for SIGTERM); a second interrupt stops it at once. Either way,\n"
    "running apply again finishes the job.\n"
    "\n"
    "exit status: 0 done (or nothing to do), 1 error or refused, 3 some changes\n"
    "or verifications failed (the rest were made), 4 saved plan is stale, 64\n"
    "usage error, 130 or 143 interrupted (the changes not started are listed)\n"
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
	OPT_BATCH_SIZE,
	OPT_LOCK_TIMEOUT,
	OPT_FORCE_UNLOCK,
	OPT_REPORT
};

struct progress {
	bool bar;
	bool color;
};

static const char *status_word(const struct plan_change *c, enum change_status s)
{
	if (s == CS_DONE)
		return plan_action_done(c->action);
	if (s == CS_NOT_STARTED)
		return "not started";
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
	if (ev->message && ev->status != CS_NOT_STARTED) /* the summary says why */
		fprintf(stderr, ": %s", ev->message);
	else if (!ev->message)
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

static void on_notice(void *ctx, const char *message)
{
	const struct progress *pr = ctx;
	if (pr->bar)
		fputs("\r\033[K", stderr);
	fprintf(stderr, "prismsync apply: warning: %s\n", message);
	fflush(stderr);
}

/* The JSON report of the run (--report); NULL for none. */
static const char *report_path;

/* A signal before the first change: stop there (the caller releases the lock). */
static int stop_if_interrupted(void)
{
	if (!apply_lock_interrupted())
		return EXIT_OK;
	fputs("prismsync apply: interrupted before any change; nothing was changed\n", stderr);
	return EXIT_ERROR;
}

static int execute(const struct plan *p, struct api_client *client, long publish_timeout_ms,
                   int batch_size, const struct common_opts *common)
{
	struct progress pr = {isatty(STDERR_FILENO) && !common->no_color, false};
	struct apply_opts o = {NULL,
	                       on_progress,
	                       on_waiting,
	                       &pr,
	                       publish_timeout_ms,
	                       batch_size,
	                       on_notice,
	                       apply_lock_stop_flag(),
	                       NULL};
	int rc;

	/*
	 * The signals are apply_lock.c's (one set of handlers for the whole
	 * apply): during the changes, the first SIGINT, SIGTERM or SIGHUP stops
	 * starting new ones and lets those in flight finish; a second ends the
	 * process at once (a re-run converges, as after a kill).
	 */
	apply_lock_changes_begin();
	rc = cmd_apply_execute(p, client, &o, report_path);
	apply_lock_changes_end();
	return rc;
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

static void register_secret_env(const struct plan_value *v)
{
	if (v->env)
		error_add_secret(getenv(v->env));
}

/*
 * The values a saved plan takes from the environment are secrets from the
 * moment it is read: a server that echoes one in an answer to the first
 * read (the staleness check) must not get it printed.
 */
static void register_plan_secrets(const struct plan *p)
{
	for (size_t i = 0; i < p->nr; i++) {
		const struct plan_inputs *in = &p->changes[i].in;
		if (in->kind != PI_INSTANCE)
			continue;
		for (size_t k = 0; k < in->instance.config_nr; k++) {
			const struct plan_config_var *cv = &in->instance.config[k];
			register_secret_env(&cv->value);
			for (size_t j = 0; j < cv->inputs_nr; j++)
				register_secret_env(&cv->inputs[j].value);
		}
	}
}

static int apply_saved(const char *path, bool auto_approve, int parallelism,
                       long publish_timeout_ms, int batch_size, long lock_timeout_s,
                       struct common_opts *common)
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
	register_plan_secrets(&p);
	if ((rc = saved_plan_target(&manifest, &p, path, common)) != EXIT_OK)
		goto done;
	if ((rc = cmd_api_client(&client, "apply", common, parallelism)) != EXIT_OK)
		goto done;
	if ((rc = apply_lock_take(client, lock_timeout_s)) != EXIT_OK)
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
	struct render_opts ro = {RENDER_PLAN, use_color(stdout, common), NULL, common->verbose > 0};
	struct buf out = BUF_INIT;
	render_text(&p, &ro, &out);
	cmd_put_output(out.data, stdout);
	buf_release(&out);
	if ((rc = confirm(&p, auto_approve, client, &common->target)) == EXIT_OK &&
	    (rc = stop_if_interrupted()) == EXIT_OK)
		rc = execute(&p, client, publish_timeout_ms, batch_size, common);
	cmd_print_api_stats(client, common);
done:
	apply_lock_release();
	plan_release(&p);
	api_client_free(client);
	manifest_free(manifest);
	buf_release(&data);
	error_release(&err);
	source_free(src);
	apply_lock_reraise();
	return rc;
}

static int take_lock(void *ctx, struct api_client *client)
{
	return apply_lock_take(client, *(const long *)ctx);
}

/* The options that a saved PLAN records and so refuses: usage errors. */
static int check_saved_plan_options(bool file_given, struct pipeline_opts *po,
                                    const struct common_opts *common)
{
	if (file_given)
		return usage_error("apply", "give either -f FILE or a saved PLAN, not both");
	if (po->prune)
		return usage_error("apply", "--prune is decided when the plan is made: use "
		                            "'prismsync plan --prune --out PLAN'");
	if (common->git_ref || common->repo)
		return usage_error("apply", "a saved PLAN records its source: give --git-ref "
		                            "to 'prismsync plan', not to apply PLAN");
	if (plan_scope_active(&po->scope)) {
		scope_option_release(&po->scope);
		return usage_error("apply", "a saved PLAN records its scope: give --target "
		                            "and --select to 'prismsync plan --out'");
	}
	return EXIT_OK;
}

/*
 * apply without a saved PLAN: makes the plan from the manifest (taking the
 * lock before the organization is read), shows it, asks, and executes it.
 * Releases the lock and po->scope.
 */
static int apply_manifest(struct pipeline_opts *po, bool auto_approve, long publish_timeout_ms,
                          long batch_size, struct common_opts *common)
{
	int rc;

	if ((rc = cmd_check_source_options("apply", common)) != EXIT_OK)
		return rc;
	struct pipeline pl;
	rc = pipeline_run(&pl, "apply", common, po);
	if (rc != EXIT_OK || (rc = stop_if_interrupted()) != EXIT_OK)
		goto done;
	if (!pl.plan.nr) {
		puts("No changes. The organization matches the manifest.");
		goto done;
	}
	struct render_opts ro = {RENDER_PLAN, use_color(stdout, common), NULL, common->verbose > 0};
	struct buf out = BUF_INIT;
	render_text(&pl.plan, &ro, &out);
	cmd_put_output(out.data, stdout);
	fflush(stdout);
	buf_release(&out);
	if ((rc = confirm(&pl.plan, auto_approve, pl.client, &pl.target)) == EXIT_OK &&
	    (rc = stop_if_interrupted()) == EXIT_OK)
		rc = execute(&pl.plan, pl.client, publish_timeout_ms, batch_size, common);
	cmd_print_api_stats(pl.client, common);
done:
	apply_lock_release();
	scope_option_release(&po->scope);
	pipeline_release(&pl);
	apply_lock_reraise();
	return rc;
}

/*
 * Longer than most functions: the option table and the switch that reads
 * it are kept together, in the order of --help, so that an option is
 * added in one place; what follows the options is
 * check_saved_plan_options(), apply_saved() and apply_manifest().
 */
int cmd_apply(int argc, char **argv, struct common_opts *common)
{
	static const struct option opts[] = {
	    {"auto-approve", no_argument, NULL, OPT_AUTO_APPROVE},
	    {"prune", no_argument, NULL, OPT_PRUNE},
	    {"parallelism", required_argument, NULL, OPT_PARALLELISM},
	    READ_LONG_OPTION,
	    {"allow-dirty", no_argument, NULL, OPT_ALLOW_DIRTY},
	    {"publish-timeout", required_argument, NULL, OPT_PUBLISH_TIMEOUT},
	    {"push-secrets", no_argument, NULL, OPT_PUSH_SECRETS},
	    {"batch-size", required_argument, NULL, OPT_BATCH_SIZE},
	    {"lock-timeout", required_argument, NULL, OPT_LOCK_TIMEOUT},
	    {"force-unlock", required_argument, NULL, OPT_FORCE_UNLOCK},
	    {"report", required_argument, NULL, OPT_REPORT},
	    COMMON_LONG_OPTIONS,
	    SOURCE_LONG_OPTIONS,
	    SCOPE_LONG_OPTIONS,
	    {NULL, 0, NULL, 0},
	};
	bool auto_approve = false, file_given = false, allow_dirty = false;
	long publish_timeout_ms = APPLY_DEFAULT_PUBLISH_TIMEOUT_MS, seconds, batch_size = 0;
	long lock_timeout_s = 0;
	const char *force_unlock = NULL;
	struct pipeline_opts po = {false,     0,   true, NULL, false, {NULL, 0, NULL, 0},
	                           take_lock, NULL};
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
			fputs(apply_usage_options, stdout);
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
		case OPT_READ_PARALLELISM:
			if ((rc = parse_read_parallelism("apply", optarg, common)) != EXIT_OK)
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
		case OPT_BATCH_SIZE:
			if (parse_long(optarg, 1, APPLY_MAX_BATCH_SIZE, &batch_size))
				return usage_error(
				    "apply", "--batch-size takes a number from 1 to %d, not '%s'",
				    APPLY_MAX_BATCH_SIZE, optarg);
			break;
		case OPT_LOCK_TIMEOUT:
			if (parse_long(optarg, 0, 86400, &lock_timeout_s))
				return usage_error(
				    "apply",
				    "--lock-timeout takes a number of seconds from 0 "
				    "to 86400, not '%s'",
				    optarg);
			break;
		case OPT_FORCE_UNLOCK:
			if (!*optarg)
				return usage_error("apply", "--force-unlock needs the lock's id");
			force_unlock = optarg;
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
	if (force_unlock) {
		if (optind < argc)
			return usage_error("apply", "--force-unlock removes the lock and applies "
			                            "nothing: give no PLAN");
		return apply_force_unlock(force_unlock, common);
	}
	po.before_read_ctx = &lock_timeout_s;
	if (optind < argc) {
		if ((rc = check_saved_plan_options(file_given, &po, common)) != EXIT_OK)
			return rc;
		return apply_saved(argv[optind], auto_approve, po.parallelism, publish_timeout_ms,
		                   (int)batch_size, lock_timeout_s, common);
	}
	po.refuse_dirty = !allow_dirty;
	return apply_manifest(&po, auto_approve, publish_timeout_ms, batch_size, common);
}
