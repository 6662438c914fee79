/*
 * http.h - the HTTP transport: many transfers in flight over one
 * curl_multi handle, no threads. This is the only part of prismsync that
 * knows about libcurl; nothing here knows about GraphQL.
 *
 * A struct http_engine drives transfers. The caller owns each struct
 * http_xfer, fills in the request, and hands it to http_engine_add(); the
 * engine performs it and calls xfer->done exactly once per submission with
 * xfer->result filled in. From inside done the caller may submit the same
 * transfer again (a retry, possibly delayed) or submit new ones (the next
 * page); http_engine_run() returns when nothing is queued, delayed or in
 * flight.
 *
 * What every transfer gets, whatever the caller asks for:
 *  - connect and total timeouts, NOSIGNAL, an error buffer;
 *  - a cap on the response body, enforced while receiving (result.failure
 *    HTTP_FAIL_TOO_LARGE); nothing is ever truncated silently;
 *  - TLS peer and host verification; only http and https, no redirects;
 *  - proxies from the environment, except for loopback origins;
 *  - connection reuse (keep-alive) across transfers of one engine;
 *  - the headers Prismatic-Client: prismsync, User-Agent, Accept and
 *    Content-Type: application/json.
 *
 * The number of transfers in flight is bounded by a limit that shrinks
 * multiplicatively when the server throttles (http_engine_throttled()) and
 * grows back additively on successes (http_engine_succeeded()), between 1
 * and the configured parallelism. A throttle may also hold every new
 * transfer back until a moment in the future (the server's Retry-After).
 * Within that limit, reads and writes (xfer->write) each have their own
 * bound: a write waiting for a slot does not hold back the reads queued
 * after it, nor the other way round.
 *
 * Secrets: the Authorization header value is handed in separately
 * (xfer->bearer) and is never copied into any result, message or log.
 */
#ifndef PRISMSYNC_HTTP_H
#define PRISMSYNC_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include "../util/buf.h"
#include "../util/error.h"

/* How a transfer ended, from the point of view of retrying it. */
enum http_failure {
	HTTP_FAIL_NONE = 0,  /* a complete HTTP response arrived (any status) */
	HTTP_FAIL_CONNECT,   /* no connection was made: the request was never sent */
	HTTP_FAIL_TIMEOUT,   /* connect or total timeout; the request may have been sent */
	HTTP_FAIL_DROPPED,   /* connection closed or reset mid-exchange */
	HTTP_FAIL_TOO_LARGE, /* the body passed the cap and was abandoned */
	HTTP_FAIL_TLS,       /* certificate or TLS handshake problem */
	HTTP_FAIL_OTHER,     /* anything else libcurl reports */
};

struct http_result {
	enum http_failure failure;
	long status;        /* HTTP status; 0 when no response */
	struct buf body;    /* the response body, capped; owned by the xfer */
	long retry_after_s; /* Retry-After in seconds; -1 when absent */
	double elapsed_s;   /* wall time of this attempt */
	char message[256];  /* libcurl's description of a failure, or "" */
};

struct http_engine;
struct http_xfer;

typedef void (*http_done_fn)(struct http_engine *engine, struct http_xfer *xfer);

/*
 * One request and its last result. The caller owns the struct and the
 * strings it points to, which must stay valid while the transfer is
 * submitted. Initialise with http_xfer_init(), release with
 * http_xfer_release() (only when it is not submitted).
 */
struct http_xfer {
	const char *path; /* appended to the engine's origin, e.g. "/api" */
	const char *body; /* POST body (JSON); NULL for a GET */
	size_t body_len;
	const char *bearer; /* access token for Authorization, or NULL; never logged */
	/*
	 * Use a new connection. libcurl silently sends a request again when a
	 * reused connection turns out to be closed before any answer; that must
	 * never happen to a request that is not safe to repeat (a mutation).
	 */
	bool fresh_connection;
	/* A write (a mutation): counts against write_parallelism, not parallelism. */
	bool write;
	http_done_fn done;
	void *userdata;

	struct http_result result;

	/* engine-private */
	void *handle_;
	struct http_xfer *next_;
	long long due_ms_;
	bool running_;
};

struct http_options {
	const char *origin;        /* scheme://host[:port], no path; see http_check_origin() */
	long connect_timeout_ms;   /* 0: 10 s */
	long timeout_ms;           /* total per attempt; 0: 60 s */
	size_t max_response_bytes; /* 0: 64 MiB */
	int parallelism;           /* reads in flight at most; 0: 4 */
	int write_parallelism;     /* writes in flight at most; 0: as parallelism */
};

/*
 * Checks that origin is an http(s) origin usable for the API: https, or
 * http on a loopback host (localhost, 127.0.0.0/8, [::1]); no user info,
 * query or fragment; a path of "" or "/" only. Returns 0 or ERR_INVALID.
 * *loopback (when not NULL) tells whether the host is loopback.
 */
int http_check_origin(const char *origin, bool *loopback, struct error *err);

/* Creates an engine. Returns 0 and *out (free with http_engine_free()), or ERR_INVALID. */
int http_engine_new(struct http_engine **out, const struct http_options *opts, struct error *err);
void http_engine_free(struct http_engine *engine);

/* The origin the engine talks to (borrowed). */
const char *http_engine_origin(const struct http_engine *engine);

void http_xfer_init(struct http_xfer *xfer, size_t max_body);
void http_xfer_release(struct http_xfer *xfer);

/* Queues xfer; it starts when a slot is free (and, after delay_ms, no earlier). */
void http_engine_add(struct http_engine *engine, struct http_xfer *xfer, long delay_ms);

/*
 * Runs until nothing is queued, delayed or in flight. Returns 0, or
 * ERR_NETWORK when libcurl's multi interface itself fails (transfer
 * failures are reported through each xfer's result, not here).
 */
int http_engine_run(struct http_engine *engine, struct error *err);

/* The server throttled: halve the in-flight limit, and start nothing before hold_ms from now. */
void http_engine_throttled(struct http_engine *engine, long hold_ms);

/* A transfer succeeded: let the in-flight limit grow back towards the parallelism. */
void http_engine_succeeded(struct http_engine *engine);

/* The current in-flight limit (for tests and the verbose log). */
int http_engine_limit(const struct http_engine *engine);

/* The larger of the two configured parallelisms: the most the in-flight limit grows back to. */
int http_engine_parallelism(const struct http_engine *engine);

/* The configured bounds of each kind (http_options, clamped). */
int http_engine_read_parallelism(const struct http_engine *engine);
int http_engine_write_parallelism(const struct http_engine *engine);

/* Milliseconds on a monotonic clock. */
long long http_now_ms(void);

/* Process-wide libcurl set-up; call once before creating engines (idempotent). */
int http_global_init(struct error *err);

/* The version of libcurl in use at run time ("8.5.0"); a static string. */
const char *http_library_version(void);

#endif
