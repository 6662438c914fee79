#include "error.h"

#include <stdarg.h>
#include <stdlib.h>

#include "xalloc.h"
#include "banned.h"

void error_init(struct error *err)
{
	err->code = ERR_OK;
	err->message = NULL;
	err->file = NULL;
	err->line = 0;
	err->col = 0;
}

void error_release(struct error *err)
{
	free(err->message);
	free(err->file);
	error_init(err);
}

static int error_vset(struct error *err, int code, const char *file, int line, int col,
                      const char *fmt, va_list ap) __attribute__((format(printf, 6, 0)));

static int error_vset(struct error *err, int code, const char *file, int line, int col,
                      const char *fmt, va_list ap)
{
	if (!err || err->message)
		return code;
	err->code = code;
	err->message = xvasprintf(fmt, ap);
	err->file = file ? xstrdup(file) : NULL;
	err->line = line;
	err->col = col;
	return code;
}

int error_set(struct error *err, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	error_vset(err, code, NULL, 0, 0, fmt, ap);
	va_end(ap);
	return code;
}

int error_set_at(struct error *err, int code, const char *file, int line, int col, const char *fmt,
                 ...)
{
	va_list ap;
	va_start(ap, fmt);
	error_vset(err, code, file, line, col, fmt, ap);
	va_end(ap);
	return code;
}

const char *error_code_name(int code)
{
	switch (code) {
	case ERR_OK:
		return "success";
	case ERR_NOTFOUND:
		return "not found";
	case ERR_IO:
		return "I/O error";
	case ERR_PARSE:
		return "parse error";
	case ERR_INVALID:
		return "invalid input";
	case ERR_TOO_LARGE:
		return "too large";
	case ERR_AUTH:
		return "authentication failed";
	case ERR_NETWORK:
		return "network error";
	case ERR_API:
		return "API error";
	case ERR_UNKNOWN_OUTCOME:
		return "outcome unknown";
	case ERR_USAGE:
		return "usage error";
	default:
		return "error";
	}
}
