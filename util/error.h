/*
 * error.h - error codes and the error object.
 *
 * Functions that can fail return 0 on success or one of the negative ERR_*
 * codes below, and describe the failure in a caller-supplied struct error.
 * Callers propagate the code they got. Library code never prints: only cmd/
 * turns an error into output and an exit code.
 *
 * A struct error is initialised with ERROR_INIT (or error_init()), filled at
 * most once by error_set*() (a second set is ignored, so the first, most
 * precise cause wins), and emptied with error_release(). All strings in it
 * are owned by it.
 */
#ifndef PRISMSYNC_ERROR_H
#define PRISMSYNC_ERROR_H

#include <stdbool.h>

enum {
	ERR_OK = 0,
	ERR_GENERIC = -1,
	ERR_NOTFOUND = -2,         /* file, object or key does not exist */
	ERR_IO = -3,               /* reading or writing a file failed */
	ERR_PARSE = -4,            /* input is not well-formed (YAML, JSON) */
	ERR_INVALID = -5,          /* input is well-formed but breaks a rule */
	ERR_TOO_LARGE = -6,        /* a size cap was reached */
	ERR_AUTH = -7,             /* missing or rejected credentials */
	ERR_NETWORK = -8,          /* transport failure */
	ERR_API = -9,              /* the API answered with an error */
	ERR_UNKNOWN_OUTCOME = -10, /* a mutation may or may not have happened */
	ERR_USAGE = -11,           /* bad command-line use */
};

struct error {
	int code;      /* ERR_OK while unset */
	char *message; /* NULL while unset */
	char *file;    /* optional: the input file the error is about */
	int line;      /* 1-based; 0 when unknown */
	int col;       /* 1-based; 0 when unknown */
};

#define ERROR_INIT                                                                                 \
	{                                                                                          \
		ERR_OK, NULL, NULL, 0, 0                                                           \
	}

void error_init(struct error *err);
void error_release(struct error *err);

/* Records code and a formatted message unless err already holds an error. Returns code. */
int error_set(struct error *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Like error_set(), with the position in an input file the error is about. */
int error_set_at(struct error *err, int code, const char *file, int line, int col, const char *fmt,
                 ...) __attribute__((format(printf, 6, 7)));

/* A short English name for a code ("not found", "I/O error", ...). */
/*
 * Registers a secret the run knows (a value read from the environment for a
 * config variable): from then on every message error_set*() makes has each
 * occurrence replaced by "[redacted]", so that a server echoing an input
 * back cannot carry the value into an output. The value is copied; values
 * shorter than 4 bytes are not registered (they would garble messages more
 * than they hide). Not thread-safe: register before starting threads.
 */
void error_add_secret(const char *value);

/*
 * text with every registered secret replaced by "[redacted]", for output
 * that does not go through an error (rendered plans and reports, the api
 * command's data, diagnostics). A new string, owned by the caller.
 */
char *error_redact(const char *text);

/* Whether any secret is registered (error_redact() would copy text unchanged otherwise). */
bool error_have_secrets(void);

const char *error_code_name(int code);

#endif
