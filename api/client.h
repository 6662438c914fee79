/*
 * client.h - the Prismatic API client: credentials, the transport, retries
 * and GraphQL requests, behind one object.
 *
 * Create it with api_client_new() from api_options (api_options_from_env()
 * fills them the way every prismsync command reads them). Every request goes
 * to POST {origin}/api with the access token; a refresh token, when given,
 * is exchanged at POST {origin}/auth/refresh before the first request,
 * again when the access token is about to expire, and once after a request
 * is refused with 401. Tokens are never copied into any error message or
 * log event.
 *
 * Library code never prints: each finished HTTP attempt is reported to the
 * optional log callback, which cmd/ installs for -v.
 *
 * Errors: ERR_AUTH (no or refused credentials), ERR_NETWORK (transport,
 * after retries), ERR_API (an HTTP or GraphQL error; the message names the
 * operation), ERR_NOTFOUND ("Record not found"), ERR_PARSE (a body that is
 * not JSON), ERR_TOO_LARGE (a body over the cap), ERR_UNKNOWN_OUTCOME (a
 * mutation that may or may not have happened: re-read before deciding).
 */
#ifndef PRISMSYNC_API_CLIENT_H
#define PRISMSYNC_API_CLIENT_H

#include <stdbool.h>
#include <stddef.h>

#include "../util/error.h"

#define API_DEFAULT_ORIGIN "https://app.prismatic.io"

/*
 * Writes and reads in flight at most by default. Reads: 16 turns the 134
 * reads of the L benchmark into about 9 round trips; bench/run.sh measures
 * plan at 4, 8, 16 and 32 (on a busy machine the emulator's CPU, not the
 * latency, limited every bound from 4 up: measure on a quiet one).
 */
#define API_WRITE_PARALLELISM 4
#define API_READ_PARALLELISM  16

/* One finished HTTP attempt, for the verbose log. Strings are borrowed for the call. */
struct api_log_event {
	const char *op;      /* the root field ("integrations"), or "auth/refresh" */
	long status;         /* HTTP status; 0 when there was no response */
	const char *failure; /* NULL, or why the transfer failed (timeout, ...) */
	double elapsed_s;    /* time of this attempt */
	int attempt;         /* 1 for the first */
	const char *next;    /* NULL, or what happens next ("retry in 400 ms") */
	int in_flight_limit; /* the transport's current limit */
	/*
	 * The JSON body of a read (a GraphQL query): no token is ever in it.
	 * NULL for a mutation, whose variables may hold secrets, and for
	 * /auth/refresh.
	 */
	const char *read_body;
};

typedef void (*api_log_fn)(void *ctx, const struct api_log_event *ev);

struct api_options {
	const char *origin;        /* NULL: API_DEFAULT_ORIGIN */
	const char *access_token;  /* used as is; NULL or "": none */
	const char *refresh_token; /* exchanged at /auth/refresh; NULL or "": none */
	const char *tenant_id;     /* sent with the refresh token when set */
	int parallelism;           /* writes (mutations) in flight at most; 0: 4 */
	int read_parallelism;      /* reads (queries) in flight at most; 0: API_READ_PARALLELISM */
	long timeout_ms;           /* per attempt; 0: 60 s */
	long connect_timeout_ms;   /* 0: 10 s */
	size_t max_response_bytes; /* 0: 64 MiB */
	api_log_fn log;            /* may be NULL */
	void *log_ctx;
};

/*
 * Fills o from the environment: PRISMATIC_URL, PRISM_ACCESS_TOKEN,
 * PRISM_REFRESH_TOKEN or PRISMATIC_REFRESH_TOKEN, PRISMATIC_TENANT_ID, and
 * two knobs for tests and slow links, PRISMSYNC_HTTP_TIMEOUT_MS and
 * PRISMSYNC_MAX_RESPONSE_BYTES. Empty variables count as unset. Strings
 * are borrowed from the environment. Returns 0 or ERR_INVALID (a knob that
 * is not a number).
 */
int api_options_from_env(struct api_options *o, struct error *err);

struct api_client;

/*
 * Creates a client. Fails with ERR_AUTH when there is no token at all or a
 * token holds characters no token has, ERR_INVALID for an origin that is
 * not https (or http on loopback). Nothing is sent yet. The option strings
 * are copied. Free with api_client_free().
 */
int api_client_new(struct api_client **out, const struct api_options *o, struct error *err);
void api_client_free(struct api_client *c);

struct api_stats {
	unsigned long requests;  /* HTTP attempts to /api */
	unsigned long refreshes; /* attempts at /auth/refresh */
	unsigned long retries;   /* attempts that were retries */
	unsigned long throttled; /* 429 answers */
};

/*
 * Performs every queued request (operations started with the *_start()
 * functions of mutations_async.h and lookup.h) and every request their
 * callbacks start, until none is left. Returns 0, or ERR_NETWORK when the
 * transport itself fails (a request's own failure goes to its callback).
 * Not to be called from inside a callback.
 */
int api_client_run(struct api_client *c, struct error *err);

/* The most writes the client keeps in flight (api_options.parallelism, clamped). */
int api_client_parallelism(const struct api_client *c);

/* The most reads the client keeps in flight (api_options.read_parallelism, clamped). */
int api_client_read_parallelism(const struct api_client *c);

/* Counters since the client was created. */
void api_client_stats(const struct api_client *c, struct api_stats *out);

/* A variable of a raw request: a string, or (json) a JSON text. */
struct api_var {
	const char *name;
	const char *value;
	bool json;
};

/*
 * Runs any GraphQL document (the `api` command): variables as given,
 * retries as for a query unless the document is a mutation. On success
 * *data_json receives the response's `data` as indented JSON followed by a
 * newline (a new string). A --var-json value that is not JSON is
 * ERR_INVALID naming the variable.
 */
int api_raw(char **data_json, struct api_client *c, const char *document,
            const struct api_var *vars, size_t vars_nr, struct error *err);

/* The current user, for `whoami`. All strings belong to the struct. */
struct api_user {
	char *id, *name, *email;
	char *org_id, *org_name; /* NULL for a customer user */
};

int api_whoami(struct api_user *out, struct api_client *c, struct error *err);
void api_user_release(struct api_user *u);

#endif
