/*
 * prismsync api: the raw GraphQL escape hatch (Raw GraphQL Request). Runs
 * any document with variables and prints the response's `data` as JSON, so
 * anything prismsync does not model can still be scripted with the same
 * credentials, retries and size limits.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "../api/client.h"
#include "../schema/manifest.h"
#include "../util/buf.h"
#include "../util/file.h"
#include "../util/xalloc.h"
#include "../util/banned.h"

#define MAX_DOCUMENT ((size_t)16 * 1024 * 1024)

static const char api_usage[] =
    "usage: prismsync api QUERY [--var NAME=VALUE]... [--var-json NAME=JSON]...\n"
    "                     [-f FILE] [--env NAME]\n"
    "\n"
    "Sends a GraphQL document to the Prismatic API and prints the response's\n"
    "`data` as JSON on stdout. Errors (HTTP, GraphQL, or a mutation payload's\n"
    "errors) go to stderr with exit status 1.\n"
    "\n"
    "QUERY is the document itself, @FILE to read it from a file, or - to read\n"
    "it from stdin. Values always travel as variables:\n"
    "  --var NAME=VALUE       a string variable\n"
    "  --var-json NAME=JSON   a variable of any JSON type (number, list, object...)\n"
    "\n"
    "Queries are retried on timeouts, connection failures, 429 and 502/503/504;\n"
    "a mutation is never sent twice unless the server certainly did not run it.\n"
    "\n"
    "options:\n"
    "  -f, --file FILE   the manifest whose organization the credentials must\n"
    "                    belong to (read only with -f or --env)\n"
    "      --env NAME    use the URL and credentials of this environment of the\n"
    "                    manifest, and check its organization\n"
    "      --no-color    no colour in messages (also: NO_COLOR=1)\n"
    "  -v, --verbose     log each request (operation, status, time) to stderr\n"
    "  -h, --help        show this help\n"
    "\n"
    "environment: as for 'prismsync whoami'\n"
    "\n"
    "exit status: 0 success, 1 API or auth error, 64 usage error\n"
    "\n"
    "example:\n"
    "  prismsync api 'query($n: String) { integrations(name: $n) { nodes { id } } }' \\\n"
    "      --var n='Order Sync'\n";

enum { OPT_VAR = OPT_FIRST_VERB_OPTION, OPT_VAR_JSON };

static int read_stream(FILE *f, struct buf *out)
{
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (buf_add(out, chunk, n))
			return ERR_TOO_LARGE;
	return ferror(f) ? ERR_IO : 0;
}

/* The document named by arg: itself, @FILE, or - (stdin). */
static int load_document(const char *arg, struct buf *doc)
{
	if (!strcmp(arg, "-")) {
		int rc = read_stream(stdin, doc);
		if (rc)
			fprintf(stderr, "prismsync api: cannot read the document from stdin: %s\n",
			        rc == ERR_TOO_LARGE ? "larger than 16 MiB" : strerror(errno));
		return rc;
	}
	if (arg[0] == '@') {
		/* A FIFO nobody writes to reads as empty rather than hanging. */
		struct error err = ERROR_INIT;
		int rc = file_read(arg + 1, MAX_DOCUMENT, FILE_READ_PIPES, doc, &err);
		if (rc == ERR_NOTFOUND)
			fprintf(stderr, "prismsync api: cannot open %s: %s\n", arg + 1,
			        strerror(ENOENT));
		else if (rc)
			fprintf(stderr, "prismsync api: cannot read %s: %s\n", arg + 1,
			        rc == ERR_TOO_LARGE ? "larger than 16 MiB" : err.message);
		error_release(&err);
		return rc;
	}
	return buf_adds(doc, arg);
}

static bool valid_name(const char *s, size_t len)
{
	if (!len || !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z') || s[0] == '_'))
		return false;
	for (size_t i = 1; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return false;
	return true;
}

/*
 * Writes json (json-c's pretty output) to out with empty lists and objects
 * as [] and {}, as every other JSON tool prints them; json-c puts their
 * brackets on two lines. A JSON string cannot hold a raw newline, so a
 * bracket, a newline, spaces and the closing bracket are always structure.
 */
static void write_json(FILE *out, const char *json)
{
	for (const char *p = json; *p; p++) {
		fputc(*p, out);
		if (*p != '[' && *p != '{')
			continue;
		const char *q = p + 1;
		if (*q != '\n')
			continue;
		q++;
		while (*q == ' ')
			q++;
		if (*q == (*p == '[' ? ']' : '}')) {
			fputc(*q, out);
			p = q;
		}
	}
}

/* What the command line asks for: the QUERY argument and the variables. */
struct api_args {
	const char *query;
	struct api_var *vars; /* names allocated; values borrowed from argv */
	size_t vars_nr, vars_alloc;
	bool help;
};

static void api_args_release(struct api_args *a)
{
	for (size_t i = 0; i < a->vars_nr; i++)
		free((char *)a->vars[i].name);
	free(a->vars);
}

/* --var NAME=VALUE or --var-json NAME=JSON. Returns EXIT_OK or a usage error. */
static int add_var(struct api_args *a, int c, const char *optarg_)
{
	const char *eq = strchr(optarg_, '=');
	if (!eq || !valid_name(optarg_, (size_t)(eq - optarg_)))
		return usage_error("api", "%s needs NAME=%s, with NAME a GraphQL name",
		                   c == OPT_VAR ? "--var" : "--var-json",
		                   c == OPT_VAR ? "VALUE" : "JSON");
	ALLOC_GROW(a->vars, a->vars_nr + 1, a->vars_alloc);
	a->vars[a->vars_nr].name = xstrndup(optarg_, (size_t)(eq - optarg_));
	a->vars[a->vars_nr].value = eq + 1;
	a->vars[a->vars_nr].json = c == OPT_VAR_JSON;
	a->vars_nr++;
	return EXIT_OK;
}

/* Parses the options into *a (and common). Returns EXIT_OK or the usage error's code. */
static int parse_api_args(struct api_args *a, int argc, char **argv, struct common_opts *common)
{
	static const struct option opts[] = {
	    {"var", required_argument, NULL, OPT_VAR},
	    {"var-json", required_argument, NULL, OPT_VAR_JSON},
	    {"file", required_argument, NULL, 'f'},
	    {"env", required_argument, NULL, OPT_ENV},
	    {"no-color", no_argument, NULL, OPT_NO_COLOR},
	    {"verbose", no_argument, NULL, 'v'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	int c, rc;

	optind = 0;
	while ((c = getopt_long(argc, argv, "-:f:vh", opts, NULL)) != -1) {
		if (common_option(c, optarg, common))
			continue;
		if (c == 'h') {
			a->help = true;
			return EXIT_OK;
		}
		if (c == 1) { /* a positional argument, in order */
			if (a->query)
				return usage_error("api", "unexpected argument '%s'", optarg);
			a->query = optarg;
			continue;
		}
		if (c == OPT_VAR || c == OPT_VAR_JSON) {
			if ((rc = add_var(a, c, optarg)) != EXIT_OK)
				return rc;
			continue;
		}
		return bad_option("api", c, argv, opts);
	}
	if (!a->query)
		return usage_error("api", "missing QUERY (the document, @FILE, or - for stdin)");
	return EXIT_OK;
}

int cmd_api(int argc, char **argv, struct common_opts *common)
{
	struct api_args args = {NULL, NULL, 0, 0, false};
	struct api_client *client = NULL;
	struct manifest *manifest = NULL;
	struct buf doc;
	struct error err = ERROR_INIT;
	char *out = NULL;
	int rc = EXIT_OK;

	buf_init(&doc, MAX_DOCUMENT);
	if ((rc = parse_api_args(&args, argc, argv, common)) != EXIT_OK)
		goto done;
	if (args.help) {
		fputs(api_usage, stdout);
		goto done;
	}
	if (load_document(args.query, &doc)) {
		rc = EXIT_ERROR;
		goto done;
	}
	if (!doc.len) {
		fprintf(stderr, "prismsync api: the document %s is empty\n", args.query);
		rc = EXIT_ERROR;
		goto done;
	}
	if (strlen(doc.data) != doc.len) {
		fprintf(stderr, "prismsync api: the document contains a NUL byte\n");
		rc = EXIT_ERROR;
		goto done;
	}
	if ((rc = cmd_target_load(&manifest, common, "api")) != EXIT_OK)
		goto done;
	if ((rc = cmd_api_client(&client, "api", common, 0)) != EXIT_OK)
		goto done;
	if (api_raw(&out, client, doc.data, args.vars, args.vars_nr, &err)) {
		cmd_print_api_error("api", &err);
		rc = EXIT_ERROR;
	} else {
		char *clean = error_redact(out); /* a server may echo a token */
		write_json(stdout, clean);
		free(clean);
		if (fflush(stdout) != 0) {
			fprintf(stderr, "prismsync api: cannot write the output: %s\n",
			        strerror(errno));
			rc = EXIT_ERROR;
		}
	}
	cmd_print_api_stats(client, common);
done:
	api_args_release(&args);
	free(out);
	buf_release(&doc);
	error_release(&err);
	api_client_free(client);
	manifest_free(manifest);
	return rc;
}
