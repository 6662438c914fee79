/*
 * retry.h - the one place that decides whether a failed request is tried
 * again, and when.
 *
 * Queries (reads) are retried on connection failures, timeouts, dropped
 * connections, HTTP 429 (after Retry-After when the server sent one) and
 * 502/503/504, with exponential backoff and full jitter, within a budget of
 * attempts and of total time.
 *
 * Mutations are retried only when the server certainly did not act on the
 * request: no connection was ever made, or it answered 429 (a rate limit is
 * checked before the request runs). Any other failure after the request may
 * have reached the server is an unknown outcome, reported as such so the
 * engine can re-read the object and decide.
 *
 * Everything here is pure: the caller supplies the clock and the random
 * number, so the decisions are unit-tested exactly.
 */
#ifndef PRISMSYNC_RETRY_H
#define PRISMSYNC_RETRY_H

#include <stdbool.h>

#include "http.h"

struct retry_policy {
	int max_attempts;       /* attempts in all, the first included */
	int max_attempts_429;   /* attempts when every failure was a 429 */
	long budget_ms;         /* no new attempt starts later than this after the first */
	long base_ms;           /* first backoff */
	long cap_ms;            /* largest backoff */
	long max_retry_after_s; /* a longer Retry-After is not waited for */
};

/* 6 attempts (30 for 429s), 120 s budget, 250 ms doubling up to 8 s, Retry-After up to 60 s. */
void retry_policy_default(struct retry_policy *p);

enum retry_verdict {
	RETRY_DONE,    /* success, or a definite answer to hand to the caller */
	RETRY_AGAIN,   /* try again after delay_ms */
	RETRY_GIVE_UP, /* retryable, but the budget is spent */
	RETRY_UNKNOWN, /* a mutation that may or may not have happened */
};

struct retry_decision {
	enum retry_verdict verdict;
	long delay_ms;  /* for RETRY_AGAIN */
	bool throttled; /* the server asked us to slow down: shrink the in-flight limit */
	long hold_ms;   /* start nothing before this many ms (Retry-After), 0: no hold */
};

/* What the caller knows about the attempt that just ended. */
struct retry_attempt {
	bool mutation;
	enum http_failure failure;
	long status;        /* HTTP status when failure is HTTP_FAIL_NONE */
	long retry_after_s; /* -1 when absent */
	int attempt;        /* 1 for the first attempt */
	long elapsed_ms;    /* since the first attempt started */
	double random;      /* uniform in [0, 1): the jitter */
};

/*
 * Whether a status with a complete response is worth retrying for a
 * query: 429, 502, 503 and 504 (408 too: the server gave up waiting).
 */
bool retry_status_is_transient(long status);

/* The backoff before attempt+1: min(cap, base * 2^(attempt-1)) scaled by random (full jitter). */
long retry_backoff_ms(const struct retry_policy *p, int attempt, double random);

struct retry_decision retry_decide(const struct retry_policy *p, const struct retry_attempt *a);

#endif
