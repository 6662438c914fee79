#include "retry.h"

#include "../util/banned.h"

void retry_policy_default(struct retry_policy *p)
{
	p->max_attempts = 6;
	p->max_attempts_429 = 30;
	p->budget_ms = 120000;
	p->base_ms = 250;
	p->cap_ms = 8000;
	p->max_retry_after_s = 60;
}

bool retry_status_is_transient(long status)
{
	return status == 408 || status == 429 || status == 502 || status == 503 || status == 504;
}

long retry_backoff_ms(const struct retry_policy *p, int attempt, double random)
{
	long d = p->base_ms;
	for (int i = 1; i < attempt && d < p->cap_ms; i++)
		d *= 2;
	if (d > p->cap_ms)
		d = p->cap_ms;
	if (random < 0)
		random = 0;
	if (random >= 1)
		random = 0.999999;
	/* Full jitter, but never less than a tenth of the step, so retries never spin. */
	long j = (long)((double)d * random);
	return j < d / 10 ? d / 10 : j;
}

/* Whether the server certainly did not run the request. */
static bool not_processed(const struct retry_attempt *a)
{
	if (a->failure == HTTP_FAIL_CONNECT)
		return true;
	return a->failure == HTTP_FAIL_NONE && a->status == 429;
}

static bool retryable(const struct retry_attempt *a)
{
	switch (a->failure) {
	case HTTP_FAIL_CONNECT:
	case HTTP_FAIL_TIMEOUT:
	case HTTP_FAIL_DROPPED:
		return true;
	case HTTP_FAIL_NONE:
		return retry_status_is_transient(a->status);
	default:
		return false;
	}
}

/* Whether a request that got no definite answer may have changed something. */
static bool outcome_unknown(const struct retry_attempt *a)
{
	switch (a->failure) {
	case HTTP_FAIL_NONE:
		/* 5xx: the server may have acted before failing. */
		return a->status >= 500;
	case HTTP_FAIL_CONNECT:
		return false;
	default:
		return true;
	}
}

struct retry_decision retry_decide(const struct retry_policy *p, const struct retry_attempt *a)
{
	struct retry_decision d = {RETRY_DONE, 0, false, 0};
	bool is429 = a->failure == HTTP_FAIL_NONE && a->status == 429;

	if (a->failure == HTTP_FAIL_NONE && !retry_status_is_transient(a->status)) {
		/* A definite answer, except a server error after a mutation may have run. */
		if (a->mutation && a->status >= 500)
			d.verdict = RETRY_UNKNOWN;
		return d;
	}
	if (is429) {
		d.throttled = true;
		if (a->retry_after_s > 0)
			d.hold_ms = (a->retry_after_s > p->max_retry_after_s ? p->max_retry_after_s
			                                                     : a->retry_after_s) *
			            1000;
	}
	if (a->mutation ? !not_processed(a) : !retryable(a)) {
		d.verdict = a->mutation && outcome_unknown(a) ? RETRY_UNKNOWN : RETRY_DONE;
		return d;
	}

	int max = is429 ? p->max_attempts_429 : p->max_attempts;
	long delay = retry_backoff_ms(p, a->attempt, a->random);
	if (is429 && a->retry_after_s > 0) {
		if (a->retry_after_s > p->max_retry_after_s) {
			d.verdict = RETRY_GIVE_UP;
			return d;
		}
		/* Wait what the server asked, plus a little jitter so clients do not stampede. */
		delay = a->retry_after_s * 1000 + (long)(a->random * 250);
	}
	if (a->attempt >= max || a->elapsed_ms + delay > p->budget_ms) {
		d.verdict = a->mutation && outcome_unknown(a) ? RETRY_UNKNOWN : RETRY_GIVE_UP;
		return d;
	}
	d.verdict = RETRY_AGAIN;
	d.delay_ms = delay;
	return d;
}
