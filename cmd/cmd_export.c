/*
 * prismsync export: writes a manifest, its definitions and .env.example
 * from the live organization, to adopt it. Reads only.
 *
 * The files are built in memory (reconcile/export.c), then written each to
 * a temporary file and renamed into place only once all of them are
 * written: an export never leaves half its files behind.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"
#include "pipeline.h"
#include "../api/fetch.h"
#include "../reconcile/export.h"
#include "../util/strutil.h"
#include "../util/xalloc.h"
#include "../util/banned.h"

static const char export_usage[] =
    "usage: prismsync export [--dir DIR] [--customer EXTERNALID]... [--integration NAME]...\n"
    "                        [--label LABEL]... [--force] [--env NAME [-f FILE]]\n"
    "\n"
    "Reads the organization and writes it as a manifest, to adopt it: DIR/prismsync.yaml\n"
    "(customers, integrations, instances with the version each runs, enabled and\n"
    "deploy state, labels, config variables), one definition file per integration\n"
    "under DIR/integrations/ (the latest published version), and DIR/.env.example,\n"
    "which names one environment variable per connection input the manifest reads\n"
    "as ${env:NAME}. No credential is written. A plan of the export against the\n"
    "same organization changes nothing but the ownership labels its first apply adds.\n"
    "\n"
    "options:\n"
    "      --dir DIR            where to write (default: the current directory)\n"
    "      --customer ID        only this customer (by externalId) and its instances\n"
    "      --integration NAME   only this integration and its instances\n"
    "      --label LABEL        only objects carrying LABEL, and what their instances need\n"
    "      --force              overwrite files that exist\n"
    "      --read-parallelism N requests in flight at most while reading the\n"
    "                           organization (default 16)\n"
    "      --parallelism N      writes in flight at most (default 4); export writes\n"
    "                           nothing to the organization, it takes the option as\n"
    "                           apply does\n"
    "      --env NAME           read the organization of this environment of a manifest\n"
    "                           (its URL and credentials; the organization is checked)\n"
    "  -f, --file FILE          with --env: that manifest (default: prismsync.yaml)\n"
    "      --no-color           no colour (also: NO_COLOR=1)\n"
    "  -v, --verbose            log each request to stderr\n"
    "  -h, --help               show this help\n"
    "\n"
    "--customer, --integration and --label may be repeated; objects must match\n"
    "each kind of filter given.\n"
    "\n"
    "exit status: 0 success, 1 error (nothing written), 64 usage error\n"
    "\n"
    "example:\n"
    "  prismsync export --dir org && cd org && prismsync plan\n";

enum {
	OPT_DIR = OPT_FIRST_VERB_OPTION,
	OPT_CUSTOMER,
	OPT_INTEGRATION,
	OPT_LABEL,
	OPT_FORCE,
	OPT_PARALLELISM,
};

struct strvec {
	const char **items;
	size_t nr;
};

static void strvec_push(struct strvec *v, const char *s)
{
	v->items = xrealloc(v->items, (v->nr + 1) * sizeof(*v->items));
	v->items[v->nr++] = s;
}

/* Creates dir and its parents as needed. */
static int make_dirs(const char *dir)
{
	char *p = xstrdup(dir);
	int rc = 0;
	for (char *s = p + 1; *s && !rc; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0777) && errno != EEXIST)
			rc = -1;
		*s = '/';
	}
	if (!rc && mkdir(p, 0777) && errno != EEXIST)
		rc = -1;
	free(p);
	return rc;
}

/*
 * Writes every file of r under dir: first all to temporary files, then all
 * renamed into place. Refuses (before writing anything) when one exists and
 * !force. Prints why it fails; returns EXIT_OK or EXIT_ERROR.
 */
static int write_export(const struct export_result *r, const char *dir, bool force)
{
	char **final = xcalloc(r->nr + 1, sizeof(*final));
	char **tmp = xcalloc(r->nr + 1, sizeof(*tmp));
	size_t exist = 0, written = 0;
	int rc = EXIT_ERROR;

	for (size_t i = 0; i < r->nr; i++) {
		final[i] = path_join(dir, r->files[i].path);
		if (!force && access(final[i], F_OK) == 0) {
			fprintf(stderr, "prismsync export: %s exists\n", final[i]);
			exist++;
		}
	}
	if (exist) {
		fprintf(stderr,
		        "prismsync export: refusing to overwrite %zu file%s; pass --force, or "
		        "choose another --dir. Nothing was written.\n",
		        exist, exist == 1 ? "" : "s");
		goto done;
	}
	for (size_t i = 0; i < r->nr; i++) {
		char *parent = path_dirname(final[i]);
		int mk = make_dirs(parent);
		free(parent);
		tmp[i] = xasprintf("%s.tmp.%ld", final[i], (long)getpid());
		FILE *f = mk ? NULL : fopen(tmp[i], "wx");
		if (!f || fwrite(r->files[i].data, 1, r->files[i].len, f) != r->files[i].len ||
		    fclose(f)) {
			fprintf(stderr,
			        "prismsync export: cannot write %s: %s. Nothing was written.\n",
			        final[i], strerror(errno));
			goto done;
		}
		written++;
	}
	for (size_t i = 0; i < r->nr; i++) {
		if (rename(tmp[i], final[i])) {
			fprintf(stderr, "prismsync export: cannot write %s: %s\n", final[i],
			        strerror(errno));
			goto done;
		}
		free(tmp[i]);
		tmp[i] = NULL;
	}
	rc = EXIT_OK;
done:
	for (size_t i = 0; i < r->nr; i++) {
		if (tmp[i] && i < written)
			unlink(tmp[i]);
		free(tmp[i]);
		free(final[i]);
	}
	free(tmp);
	free(final);
	return rc;
}

/*
 * Reads what export needs: definitions only for the integrations exported,
 * all of them when nothing is filtered; else the lists are read first (into
 * *full, with the names kept in *names) to tell which. *live, *full and
 * *names belong to the caller, also on failure.
 */
static int fetch_exported(struct live_state **live, struct live_state **full, const char ***names,
                          struct api_client *client, const struct export_filter *f,
                          struct error *err)
{
	/* Export writes the latest version's definition: read it always. */
	struct api_fetch_scope all = {.all = true, .latest_always = true};
	int rc;

	if (!f->customers_nr && !f->integrations_nr && !f->labels_nr)
		return api_fetch_live(live, client, &all, err);
	if ((rc = api_fetch_live(full, client, NULL, err)))
		return rc;
	size_t n = export_integration_names(names, *full, f);
	struct api_fetch_scope some = {.names = *names, .names_nr = n, .latest_always = true};
	return api_fetch_live(live, client, &some, err);
}

/* The closing lines on stdout, and with -v every file written on stderr. */
static void print_export_summary(const struct export_result *r, const char *dir, bool verbose)
{
	printf("Exported %zu customer%s, %zu integration%s and %zu instance%s (owner '%s') to "
	       "%s/prismsync.yaml.\n",
	       r->customers, r->customers == 1 ? "" : "s", r->integrations,
	       r->integrations == 1 ? "" : "s", r->instances, r->instances == 1 ? "" : "s",
	       r->owner, dir);
	if (r->secrets)
		printf("It reads %zu secret%s from the environment: set the variables listed in "
		       "%s/.env.example before 'prismsync plan'.\n",
		       r->secrets, r->secrets == 1 ? "" : "s", dir);
	if (verbose)
		for (size_t i = 0; i < r->nr; i++)
			fprintf(stderr, "wrote %s/%s\n", dir, r->files[i].path);
}

/*
 * export [--dir DIR] [filters]: reads the organization and writes it as a
 * manifest. Long only for its option table and the switch over it, which
 * read best together; the steps after them are the named functions above.
 */
int cmd_export(int argc, char **argv, struct common_opts *common)
{
	static const struct option opts[] = {
	    {"dir", required_argument, NULL, OPT_DIR},
	    {"customer", required_argument, NULL, OPT_CUSTOMER},
	    {"integration", required_argument, NULL, OPT_INTEGRATION},
	    {"label", required_argument, NULL, OPT_LABEL},
	    {"force", no_argument, NULL, OPT_FORCE},
	    {"parallelism", required_argument, NULL, OPT_PARALLELISM},
	    READ_LONG_OPTION,
	    COMMON_LONG_OPTIONS,
	    {NULL, 0, NULL, 0},
	};
	const char *dir = ".";
	struct strvec customers = {NULL, 0}, integrations = {NULL, 0}, labels = {NULL, 0};
	bool force = false;
	int parallelism = 0;
	struct api_client *client = NULL;
	struct manifest *target_manifest = NULL;
	struct live_state *live = NULL, *full = NULL;
	struct export_result r;
	struct error err = ERROR_INIT;
	const char **names = NULL;
	int c, rc;

	memset(&r, 0, sizeof(r));
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":f:vh", opts, NULL)) != -1) {
		if (common_option(c, optarg, common))
			continue;
		switch (c) {
		case 'h':
			fputs(export_usage, stdout);
			rc = EXIT_OK;
			goto done;
		case OPT_DIR:
			if (!*optarg) {
				rc = usage_error("export", "--dir needs a directory");
				goto done;
			}
			dir = optarg;
			break;
		case OPT_CUSTOMER:
			strvec_push(&customers, optarg);
			break;
		case OPT_INTEGRATION:
			strvec_push(&integrations, optarg);
			break;
		case OPT_LABEL:
			strvec_push(&labels, optarg);
			break;
		case OPT_FORCE:
			force = true;
			break;
		case OPT_PARALLELISM:
			if ((rc = parse_parallelism("export", optarg, &parallelism)) != EXIT_OK)
				goto done;
			break;
		case OPT_READ_PARALLELISM:
			if ((rc = parse_read_parallelism("export", optarg, common)) != EXIT_OK)
				goto done;
			break;
		default:
			rc = bad_option("export", c, argv, opts);
			goto done;
		}
	}
	if (optind < argc) {
		rc = usage_error("export", "unexpected argument '%s'", argv[optind]);
		goto done;
	}
	if (common->file_given && !common->env) {
		rc = usage_error("export", "export writes DIR/prismsync.yaml: use --dir, not -f "
		                           "(-f only names the manifest whose --env to read from)");
		goto done;
	}

	/* --env: the organization comes from that environment of an existing manifest. */
	if ((rc = cmd_target_load(&target_manifest, common, "export")) != EXIT_OK ||
	    (rc = cmd_api_client(&client, "export", common, parallelism)) != EXIT_OK ||
	    (rc = cmd_check_organization(client, &common->target, "export")) != EXIT_OK)
		goto done;
	struct export_filter f = {customers.items, customers.nr, integrations.items,
	                          integrations.nr, labels.items, labels.nr};
	if ((rc = fetch_exported(&live, &full, &names, client, &f, &err))) {
		cmd_print_api_error("export", &err);
		rc = EXIT_ERROR;
		goto done;
	}
	if (export_build(&r, live, &f, &err)) {
		fprintf(stderr, "prismsync export: %s; nothing was written\n", err.message);
		rc = EXIT_ERROR;
		goto done;
	}
	for (size_t i = 0; i < r.notes_nr; i++)
		fprintf(stderr, "prismsync export: note: %s\n", r.notes[i]);
	if ((rc = write_export(&r, dir, force)) != EXIT_OK)
		goto done;
	print_export_summary(&r, dir, common->verbose);
	cmd_print_api_stats(client, common);
done:
	export_result_release(&r);
	free(names);
	live_state_free(live);
	live_state_free(full);
	api_client_free(client);
	manifest_free(target_manifest);
	free(customers.items);
	free(integrations.items);
	free(labels.items);
	error_release(&err);
	return rc;
}
