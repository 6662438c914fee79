#include "error.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

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

#define SECRET_MIN_LEN 4

static char **secrets;
static size_t secrets_nr, secrets_alloc;

void error_add_secret(const char *value)
{
	if (!value || strlen(value) < SECRET_MIN_LEN)
		return;
	for (size_t i = 0; i < secrets_nr; i++)
		if (!strcmp(secrets[i], value))
			return;
	if (secrets_nr == secrets_alloc) {
		secrets_alloc = secrets_alloc ? 2 * secrets_alloc : 8;
		secrets = xrealloc(secrets, secrets_alloc * sizeof(*secrets));
	}
	secrets[secrets_nr++] = xstrdup(value);
}

/*
 * msg with every registered secret replaced by a mark, in one pass from the
 * left (the longest secret first where several start at one place), so a
 * mark is never searched again. Takes msg; returns it or a new string.
 */
static char *redact(char *msg)
{
	static const char mark[] = "[redacted]";
	if (!secrets_nr)
		return msg;
	size_t len = strlen(msg);
	/* Each secret is at least SECRET_MIN_LEN bytes: the output is at most this long. */
	char *out = xmalloc(len / SECRET_MIN_LEN * (sizeof(mark) - 1) + len + 1), *o = out;
	for (const char *p = msg; *p;) {
		size_t best = 0;
		for (size_t i = 0; i < secrets_nr; i++) {
			size_t n = strlen(secrets[i]);
			if (n > best && !strncmp(p, secrets[i], n))
				best = n;
		}
		if (best) {
			memcpy(o, mark, sizeof(mark) - 1);
			o += sizeof(mark) - 1;
			p += best;
		} else {
			*o++ = *p++;
		}
	}
	*o = '\0';
	free(msg);
	return out;
}

char *error_redact(const char *text)
{
	return redact(xstrdup(text));
}

bool error_have_secrets(void)
{
	return secrets_nr > 0;
}

static int error_vset(struct error *err, int code, const char *file, int line, int col,
                      const char *fmt, va_list ap) __attribute__((format(printf, 6, 0)));

static int error_vset(struct error *err, int code, const char *file, int line, int col,
                      const char *fmt, va_list ap)
{
	if (!err || err->message)
		return code;
	err->code = code;
	err->message = redact(xvasprintf(fmt, ap));
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
