#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "../util/buf.h"
#include "../util/error.h"
#include "../util/strutil.h"
#include "../util/xalloc.h"
#include "../util/banned.h"

int common_option(int c, const char *arg, struct common_opts *common)
{
	switch (c) {
	case 'f':
		if (common->file_given && !common->file_again)
			common->file_again = arg;
		else if (!common->file_given)
			common->file = arg;
		common->file_given = true;
		return 1;
	case 'v':
		common->verbose++;
		return 1;
	case OPT_NO_COLOR:
		common->no_color = true;
		return 1;
	case OPT_GIT_REF:
		common->git_ref = arg;
		return 1;
	case OPT_REPO:
		common->repo = arg;
		return 1;
	case OPT_ENV:
		common->env = arg;
		return 1;
	default:
		return 0;
	}
}

int usage_error(const char *verb, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "prismsync%s%s: ", verb ? " " : "", verb ? verb : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nsee 'prismsync%s%s --help'\n", verb ? " " : "", verb ? verb : "");
	return EXIT_USAGE;
}

int bad_option(const char *verb, int c, char **argv, const struct option *opts)
{
	const char *opt = argv[optind - 1];
	if (c == ':')
		return usage_error(verb, "option '%s' needs a value", opt);
	if (optopt && optopt < 256 && optopt != '?')
		return usage_error(verb, "unknown option '-%c'", optopt);
	const char *near = NULL;
	if (opts && !strncmp(opt, "--", 2)) {
		const char *names[64];
		size_t n = 0;
		for (; opts[n].name && n < 64; n++)
			names[n] = opts[n].name;
		char *given = xstrndup(opt + 2, strcspn(opt + 2, "="));
		near = nearest_word(given, names, n);
		free(given);
	}
	if (near)
		return usage_error(verb, "unknown option '%s'; did you mean '--%s'?", opt, near);
	return usage_error(verb, "unknown option '%s'", opt);
}

bool use_color(FILE *stream, const struct common_opts *common)
{
	const char *nc = getenv("NO_COLOR");
	if (common->no_color || (nc && *nc))
		return false;
	const char *term = getenv("TERM");
	if (term && !strcmp(term, "dumb"))
		return false;
	return isatty(fileno(stream));
}

void print_diagnostics(struct diag_list *diags, const struct common_opts *common)
{
	struct buf out = BUF_INIT;
	diag_sort(diags);
	diag_render(diags, &out, use_color(stderr, common));
	fputs(out.data, stderr);
	buf_release(&out);
}

void cmd_put_output(const char *text, FILE *out)
{
	if (!error_have_secrets()) {
		fputs(text, out);
		return;
	}
	char *clean = error_redact(text);
	fputs(clean, out);
	free(clean);
}
