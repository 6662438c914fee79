#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "../../api/retry.h"

static struct retry_policy policy(void)
{
	struct retry_policy p;
	retry_policy_default(&p);
	return p;
}

static struct retry_decision decide(bool mutation, enum http_failure f, long status, long ra,
                                    int attempt, long elapsed)
{
	struct retry_policy p = policy();
	struct retry_attempt a = {mutation, f, status, ra, attempt, elapsed, 0.5};
	return retry_decide(&p, &a);
}

static void test_success_and_definite_errors_are_final(void **state)
{
	(void)state;
	assert_int_equal(decide(false, HTTP_FAIL_NONE, 200, -1, 1, 0).verdict, RETRY_DONE);
	assert_int_equal(decide(false, HTTP_FAIL_NONE, 400, -1, 1, 0).verdict, RETRY_DONE);
	assert_int_equal(decide(false, HTTP_FAIL_NONE, 401, -1, 1, 0).verdict, RETRY_DONE);
	assert_int_equal(decide(false, HTTP_FAIL_NONE, 500, -1, 1, 0).verdict, RETRY_DONE);
	assert_int_equal(decide(false, HTTP_FAIL_TOO_LARGE, 0, -1, 1, 0).verdict, RETRY_DONE);
	assert_int_equal(decide(false, HTTP_FAIL_TLS, 0, -1, 1, 0).verdict, RETRY_DONE);
	assert_int_equal(decide(true, HTTP_FAIL_NONE, 200, -1, 1, 0).verdict, RETRY_DONE);
	assert_int_equal(decide(true, HTTP_FAIL_NONE, 400, -1, 1, 0).verdict, RETRY_DONE);
}

static void test_queries_retry_transient_failures(void **state)
{
	(void)state;
	const enum http_failure fs[] = {HTTP_FAIL_CONNECT, HTTP_FAIL_TIMEOUT, HTTP_FAIL_DROPPED};
	for (size_t i = 0; i < 3; i++)
		assert_int_equal(decide(false, fs[i], 0, -1, 1, 0).verdict, RETRY_AGAIN);
	const long statuses[] = {408, 429, 502, 503, 504};
	for (size_t i = 0; i < 5; i++)
		assert_int_equal(decide(false, HTTP_FAIL_NONE, statuses[i], -1, 1, 0).verdict,
		                 RETRY_AGAIN);
}

static void test_budget_of_attempts_and_time(void **state)
{
	(void)state;
	struct retry_policy p = policy();
	assert_int_equal(decide(false, HTTP_FAIL_NONE, 503, -1, p.max_attempts - 1, 0).verdict,
	                 RETRY_AGAIN);
	assert_int_equal(decide(false, HTTP_FAIL_NONE, 503, -1, p.max_attempts, 0).verdict,
	                 RETRY_GIVE_UP);
	assert_int_equal(decide(false, HTTP_FAIL_TIMEOUT, 0, -1, 2, p.budget_ms).verdict,
	                 RETRY_GIVE_UP);
	/* 429s get a larger budget of attempts than other failures. */
	assert_int_equal(decide(false, HTTP_FAIL_NONE, 429, -1, p.max_attempts + 1, 0).verdict,
	                 RETRY_AGAIN);
	assert_int_equal(decide(false, HTTP_FAIL_NONE, 429, -1, p.max_attempts_429, 0).verdict,
	                 RETRY_GIVE_UP);
}

static void test_retry_after_is_honoured_and_throttles(void **state)
{
	(void)state;
	struct retry_decision d = decide(false, HTTP_FAIL_NONE, 429, 3, 1, 0);
	assert_int_equal(d.verdict, RETRY_AGAIN);
	assert_true(d.throttled);
	assert_int_equal(d.hold_ms, 3000);
	assert_true(d.delay_ms >= 3000 && d.delay_ms < 3250);
	d = decide(false, HTTP_FAIL_NONE, 429, -1, 1, 0);
	assert_true(d.throttled);
	assert_int_equal(d.hold_ms, 0);
	/* A Retry-After beyond what the policy waits is not waited for. */
	d = decide(false, HTTP_FAIL_NONE, 429, 3600, 1, 0);
	assert_int_equal(d.verdict, RETRY_GIVE_UP);
	d = decide(false, HTTP_FAIL_NONE, 503, -1, 1, 0);
	assert_false(d.throttled);
}

static void test_mutations_are_never_blindly_retried(void **state)
{
	(void)state;
	/* Certainly not run: retried. */
	assert_int_equal(decide(true, HTTP_FAIL_CONNECT, 0, -1, 1, 0).verdict, RETRY_AGAIN);
	assert_int_equal(decide(true, HTTP_FAIL_NONE, 429, 1, 1, 0).verdict, RETRY_AGAIN);
	/* Maybe run: reported as unknown, never retried. */
	assert_int_equal(decide(true, HTTP_FAIL_TIMEOUT, 0, -1, 1, 0).verdict, RETRY_UNKNOWN);
	assert_int_equal(decide(true, HTTP_FAIL_DROPPED, 0, -1, 1, 0).verdict, RETRY_UNKNOWN);
	assert_int_equal(decide(true, HTTP_FAIL_TOO_LARGE, 0, -1, 1, 0).verdict, RETRY_UNKNOWN);
	assert_int_equal(decide(true, HTTP_FAIL_NONE, 502, -1, 1, 0).verdict, RETRY_UNKNOWN);
	assert_int_equal(decide(true, HTTP_FAIL_NONE, 503, -1, 1, 0).verdict, RETRY_UNKNOWN);
	assert_int_equal(decide(true, HTTP_FAIL_NONE, 500, -1, 1, 0).verdict, RETRY_UNKNOWN);
	/* Out of budget without ever reaching the server: a definite failure. */
	assert_int_equal(decide(true, HTTP_FAIL_CONNECT, 0, -1, 6, 0).verdict, RETRY_GIVE_UP);
}

static void test_backoff_grows_is_capped_and_jittered(void **state)
{
	(void)state;
	struct retry_policy p = policy();
	long prev_max = 0;
	for (int attempt = 1; attempt <= 10; attempt++) {
		long top = retry_backoff_ms(&p, attempt, 0.999999);
		long bottom = retry_backoff_ms(&p, attempt, 0.0);
		assert_true(top <= p.cap_ms);
		assert_true(bottom >= 1);
		assert_true(bottom <= top);
		assert_true(top >= prev_max || top >= p.cap_ms - 1);
		prev_max = top;
	}
	assert_int_equal(retry_backoff_ms(&p, 1, 0.5), p.base_ms / 2);
	assert_int_equal(retry_backoff_ms(&p, 2, 0.5), p.base_ms);
	assert_int_equal(retry_backoff_ms(&p, 30, 0.5), p.cap_ms / 2);
	/* Never zero: a tenth of the step at least. */
	assert_int_equal(retry_backoff_ms(&p, 1, 0.0), p.base_ms / 10);
	/* Out-of-range randoms are clamped. */
	assert_true(retry_backoff_ms(&p, 3, 7.0) <= 4 * p.base_ms);
	assert_int_equal(retry_backoff_ms(&p, 3, -1.0), 4 * p.base_ms / 10);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_success_and_definite_errors_are_final),
	    cmocka_unit_test(test_queries_retry_transient_failures),
	    cmocka_unit_test(test_budget_of_attempts_and_time),
	    cmocka_unit_test(test_retry_after_is_honoured_and_throttles),
	    cmocka_unit_test(test_mutations_are_never_blindly_retried),
	    cmocka_unit_test(test_backoff_grows_is_capped_and_jittered),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
