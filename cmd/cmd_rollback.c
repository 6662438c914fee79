/*
 * cmd_rollback.c - `prismsync rollback INTEGRATION [--to VERSION]
 * [--customer EXTERNALID]...`: the emergency path. Moves the instances of
 * an integration back to a published version now (update + deploy), with
 * apply's confirmation rules, then says which manifest change keeps them
 * there.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "apply_lock.h"
#include "cmd.h"
#include "../api/fetch.h"
#include "../live/live.h"
#include "../api/mutations.h"
#include "../schema/manifest.h"
#include "../util/strutil.h"
#include "../util/xalloc.h"
#include "../util/banned.h"

static const char rollback_usage[] =
    "usage: prismsync rollback INTEGRATION [--to VERSION] [--customer EXTERNALID]...\n"
    "                          [--auto-approve] [--env NAME] [-f FILE]\n"
    "\n"
    "The emergency path: moves the instances of INTEGRATION back to an earlier\n"
    "published version now, and deploys them. Without --to, the version is the\n"
    "newest one older than the newest version those instances run. Instances\n"
    "already on that version are left alone.\n"
    "\n"
    "It shows what it will do and asks for confirmation, as apply does; without\n"
    "a terminal it needs --auto-approve. Afterwards it names the manifest change\n"
    "that keeps the instances there ('version: N' on each); until then 'drift'\n"
    "reports them and the next 'apply' deploys the newer version again.\n"
    "\n"
    "It takes the organization's apply lock as apply does, so it never runs beside\n"
    "an apply; a lock left by a killed apply is removed with\n"
    "'prismsync apply --force-unlock ID'.\n"
    "\n"
    "options:\n"
    "      --to VERSION       the published version number to go back to\n"
    "      --customer EXTERNALID\n"
    "                         only the instances of this customer; repeatable\n"
    "      --auto-approve     do not ask for confirmation (needed without a terminal)\n"
    "  -f, --file FILE        the manifest, to name the lines to change (default:\n"
    "                         prismsync.yaml, when it exists)\n"
    "      --env NAME         the environment of the manifest to use\n"
    "      --no-color         no colour (also: NO_COLOR=1)\n"
    "  -v, --verbose          log each request to stderr\n"
    "  -h, --help             show this help\n"
    "\n"
    "exit status: 0 done (or nothing to do), 1 error or refused, 3 some instances\n"
    "could not be moved (the rest were), 64 usage error\n"
    "\n"
    "example:\n"
    "  prismsync rollback 'Order Sync' --to 6 --customer acme --auto-approve\n";

enum { OPT_TO = OPT_FIRST_VERB_OPTION, OPT_CUSTOMER, OPT_AUTO_APPROVE };

struct target {
	const struct live_instance *in;
	const struct live_version *to;
};

static bool listed(const char *const *items, size_t nr, const char *s)
{
	if (!nr)
		return true;
	for (size_t i = 0; i < nr; i++)
		if (s && !strcmp(items[i], s))
			return true;
	return false;
}

/* The version to go back to: --to, or the newest one below the newest that runs. */
static const struct live_version *pick_version(const struct live_integration *g, long to,
                                               int newest_running)
{
	if (to)
		return live_version_by_number(g, (int)to);
	const struct live_version *best = NULL;
	for (size_t i = 0; i < g->versions_nr; i++)
		if (g->versions[i].available && g->versions[i].number < newest_running &&
		    (!best || g->versions[i].number > best->number))
			best = &g->versions[i];
	return best;
}

static int confirm(size_t n, bool auto_approve)
{
	if (auto_approve)
		return EXIT_OK;
	if (!isatty(STDIN_FILENO)) {
		fputs("prismsync rollback: refusing to change the organization without "
		      "confirmation: standard input is not a terminal; review the list and run "
		      "again with --auto-approve\n",
		      stderr);
		return EXIT_ERROR;
	}
	printf("\nRoll back these %zu instance%s? Only 'yes' will be accepted: ", n,
	       n == 1 ? "" : "s");
	fflush(stdout);
	char answer[64] = "";
	if (!fgets(answer, sizeof(answer), stdin) || strcmp(answer, "yes\n")) {
		fputs("prismsync rollback: not confirmed; nothing was changed\n", stderr);
		return EXIT_ERROR;
	}
	return EXIT_OK;
}

/* Names the manifest lines to change, when the manifest lists the instances. */
static void keep_hint(const struct manifest *m, const char *integration, const struct target *t,
                      size_t n)
{
	printf("\nTo keep them there, pin the version in the manifest (until then 'prismsync "
	       "drift' reports them, and the next 'apply' deploys the newer version again):\n");
	for (size_t i = 0; i < n; i++) {
		const struct m_instance *mi = NULL;
		for (size_t k = 0; m && k < m->instances_nr && !mi; k++)
			if (m->instances[k].customer && t[i].in->customer_external_id &&
			    !strcmp(m->instances[k].customer, t[i].in->customer_external_id) &&
			    !strcmp(m->instances[k].name, t[i].in->name))
				mi = &m->instances[k];
		if (mi)
			printf("  %s:%d: instance %s/%s: version: %d\n", m->path, mi->pos.line,
			       mi->customer, mi->name, t[i].to->number);
		else
			printf("  instance %s/%s of '%s': version: %d\n",
			       t[i].in->customer_external_id ? t[i].in->customer_external_id : "?",
			       t[i].in->name, integration, t[i].to->number);
	}
	printf("Fix the integration, publish it, then remove the pins (a rollout verifies "
	       "the new version wave by wave).\n");
}

/* The instances of g (of the customers given, if any) into t; *newest: the newest version they run.
 */
static size_t select_instances(const struct live_state *live, const struct live_integration *g,
                               const char *const *customers, size_t customers_nr, struct target *t,
                               int *newest)
{
	size_t n = 0;
	for (size_t i = 0; i < live->instances_nr; i++) {
		const struct live_instance *in = &live->instances[i];
		if (!in->integration_id || strcmp(in->integration_id, g->id) ||
		    !listed(customers, customers_nr, in->customer_external_id))
			continue;
		t[n++].in = in;
		if (in->has_deployed_version && in->deployed_version > *newest)
			*newest = in->deployed_version;
	}
	return n;
}

/* Prints what moves to v; an instance already there gets no target. Returns how many move. */
static size_t show_moves(struct target *t, size_t n, const struct live_version *v)
{
	size_t moving = 0;
	for (size_t i = 0; i < n; i++) {
		t[i].to = v;
		bool already = t[i].in->has_deployed_version &&
		               t[i].in->deployed_version == v->number && !t[i].in->needs_deploy &&
		               t[i].in->version_number == v->number;
		printf("  %s/%s: version %d -> %d%s\n",
		       t[i].in->customer_external_id ? t[i].in->customer_external_id : "?",
		       t[i].in->name, t[i].in->has_deployed_version ? t[i].in->deployed_version : 0,
		       v->number, already ? " (already there)" : "");
		if (already)
			t[i].to = NULL;
		else
			moving++;
	}
	return moving;
}

/*
 * Moves each instance with a target to v (update, then deploy), one after
 * another. Keeps the ones that moved at the front of t and returns how
 * many; *failed counts the others.
 */
/*
 * Moves the selected instances to v, one after another; after a signal it
 * starts no further move and counts the rest in *not_started. Returns how
 * many moved (those first in t).
 */
static size_t move_instances(struct api_client *client, struct target *t, size_t n,
                             const struct live_version *v, size_t *failed, size_t *not_started)
{
	struct error err = ERROR_INIT;
	volatile sig_atomic_t *stop = apply_lock_stop_flag();
	size_t kept = 0;
	apply_lock_changes_begin();
	for (size_t i = 0; i < n; i++) {
		if (!t[i].to)
			continue;
		if (*stop) {
			fprintf(stderr, "not started: %s/%s\n", t[i].in->customer_external_id,
			        t[i].in->name);
			(*not_started)++;
			continue;
		}
		struct api_instance_input in = {NULL, NULL, v->id, NULL, {false, NULL, 0},
		                                NULL, 0,    false};
		if (api_instance_update(client, t[i].in->id, &in, &err) ||
		    api_instance_deploy(client, t[i].in->id, &err)) {
			fprintf(stderr, "rollback of %s/%s FAILED: %s\n",
			        t[i].in->customer_external_id, t[i].in->name, err.message);
			error_release(&err);
			(*failed)++;
			continue;
		}
		fprintf(stderr, "rolled back %s/%s to version %d\n", t[i].in->customer_external_id,
		        t[i].in->name, v->number);
		t[kept++] = t[i];
	}
	apply_lock_changes_end();
	return kept;
}

/* The manifest, only for naming the lines that pin versions: a broken one names none. */
static struct manifest *manifest_for_hints(const char *file, struct diag_list *diags)
{
	struct manifest *m = NULL;
	struct source *src = source_dir_new();
	if (manifest_load(&m, src, file, MANIFEST_SKIP_DEFINITIONS, diags))
		m = NULL;
	source_free(src);
	return m;
}

/* Why there is no version to roll back to. */
static void no_version(const char *integration, long to, int newest)
{
	if (to)
		fprintf(stderr, "prismsync rollback: '%s' has no available published version %ld\n",
		        integration, to);
	else
		fprintf(stderr,
		        "prismsync rollback: '%s' has no published version older than %d, the "
		        "newest its instances run; name one with --to\n",
		        integration, newest);
}

static int run_rollback(const char *integration, long to, const char *const *customers,
                        size_t customers_nr, bool auto_approve, struct common_opts *common)
{
	struct api_client *client = NULL;
	struct live_state *live = NULL;
	struct manifest *m = NULL;
	struct diag_list diags;
	struct error err = ERROR_INIT;
	struct target *t = NULL;
	size_t n = 0, failed = 0;
	int rc;

	diag_list_init(&diags);
	apply_lock_set_verb("rollback");
	if ((rc = cmd_target_load(&m, common, "rollback")) != EXIT_OK ||
	    (rc = cmd_api_client(&client, "rollback", common, 0)) != EXIT_OK ||
	    (rc = cmd_check_organization(client, &common->target, "rollback")) != EXIT_OK ||
	    (rc = apply_lock_take(client, 0)) != EXIT_OK) /* never beside a running apply */
		goto done;
	if (!m && !common->file_given && access(common->file, R_OK) == 0)
		m = manifest_for_hints(common->file, &diags);
	if (api_fetch_live(&live, client, NULL, &err)) {
		cmd_print_api_error("rollback", &err);
		rc = EXIT_ERROR;
		goto done;
	}
	const struct live_integration *g = live_integration_by_name(live, integration);
	if (!g) {
		fprintf(stderr,
		        "prismsync rollback: no integration named '%s' in the organization\n",
		        integration);
		rc = EXIT_ERROR;
		goto done;
	}
	t = xcalloc(live->instances_nr + 1, sizeof(*t));
	int newest = 0;
	n = select_instances(live, g, customers, customers_nr, t, &newest);
	if (!n) {
		fprintf(stderr, "prismsync rollback: '%s' has no instance%s\n", integration,
		        customers_nr ? " of the customers given" : "");
		rc = EXIT_ERROR;
		goto done;
	}
	const struct live_version *v = pick_version(g, to, newest);
	if (!v || !v->available) {
		no_version(integration, to, newest);
		rc = EXIT_ERROR;
		goto done;
	}
	size_t moving = show_moves(t, n, v);
	if (!moving) {
		puts("Nothing to roll back: every instance runs that version.");
		goto done;
	}
	if ((rc = confirm(moving, auto_approve)) != EXIT_OK)
		goto done;
	if (apply_lock_interrupted()) {
		fputs("prismsync rollback: interrupted before any change; nothing was changed\n",
		      stderr);
		rc = EXIT_ERROR;
		goto done;
	}
	size_t not_started = 0;
	size_t kept = move_instances(client, t, n, v, &failed, &not_started);
	if (not_started)
		printf("Rollback interrupted: %zu instance%s on version %d, %zu failed, %zu not "
		       "started. Run rollback again to finish.\n",
		       kept, kept == 1 ? "" : "s", v->number, failed, not_started);
	else
		printf("Rollback %s: %zu instance%s on version %d, %zu failed.\n",
		       failed ? "finished with failures" : "complete", kept, kept == 1 ? "" : "s",
		       v->number, failed);
	if (kept)
		keep_hint(m, integration, t, kept);
	rc = failed || not_started ? EXIT_PARTIAL : EXIT_OK;
	cmd_print_api_stats(client, common);
done:
	apply_lock_release();
	free(t);
	live_state_free(live);
	api_client_free(client);
	manifest_free(m);
	diag_list_release(&diags);
	error_release(&err);
	apply_lock_reraise();
	return rc;
}

int cmd_rollback(int argc, char **argv, struct common_opts *common)
{
	static const struct option opts[] = {
	    {"to", required_argument, NULL, OPT_TO},
	    {"customer", required_argument, NULL, OPT_CUSTOMER},
	    {"auto-approve", no_argument, NULL, OPT_AUTO_APPROVE},
	    COMMON_LONG_OPTIONS,
	    {NULL, 0, NULL, 0},
	};
	const char **customers = xcalloc((size_t)argc + 1, sizeof(*customers));
	size_t customers_nr = 0;
	bool auto_approve = false;
	long to = 0;
	int c, rc;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":f:vh", opts, NULL)) != -1) {
		if (common_option(c, optarg, common))
			continue;
		switch (c) {
		case 'h':
			fputs(rollback_usage, stdout);
			rc = EXIT_OK;
			goto done;
		case OPT_TO:
			if (parse_long(optarg, 1, 1000000000L, &to)) {
				rc = usage_error("rollback",
				                 "--to takes a published version number, not '%s'",
				                 optarg);
				goto done;
			}
			break;
		case OPT_CUSTOMER:
			customers[customers_nr++] = optarg;
			break;
		case OPT_AUTO_APPROVE:
			auto_approve = true;
			break;
		default:
			rc = bad_option("rollback", c, argv, opts);
			goto done;
		}
	}
	if (optind >= argc) {
		rc = usage_error("rollback", "name the integration to roll back");
		goto done;
	}
	if (argc - optind > 1) {
		rc = usage_error("rollback", "unexpected argument '%s'", argv[optind + 1]);
		goto done;
	}
	rc = run_rollback(argv[optind], to, customers, customers_nr, auto_approve, common);
done:
	free(customers);
	return rc;
}
