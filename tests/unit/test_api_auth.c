#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../api/auth.h"

/* {"alg":"HS256","typ":"JWT"} */
#define HDR "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"

static void test_jwt_exp_and_iat(void **state)
{
	(void)state;
	long long exp = 0, iat = -1;
	/* {"sub":"u","iat":1700000000,"exp":1700003600} */
	assert_int_equal(
	    auth_jwt_times(HDR ".eyJzdWIiOiJ1IiwiaWF0IjoxNzAwMDAwMDAwLCJleHAiOjE3MDAwMDM2MDB9.sig",
	                   &exp, &iat),
	    0);
	assert_true(exp == 1700003600LL);
	assert_true(iat == 1700000000LL);
	/* {"exp":1700003600.5} without iat; unpadded base64url */
	assert_int_equal(auth_jwt_times(HDR ".eyJleHAiOjE3MDAwMDM2MDAuNX0.x", &exp, &iat), 0);
	assert_true(exp == 1700003600LL);
	assert_true(iat == 0);
}

static void test_jwt_rejects_what_is_not_one(void **state)
{
	(void)state;
	long long exp, iat;
	assert_int_equal(auth_jwt_times("opaque-token", &exp, &iat), ERR_INVALID);
	assert_int_equal(auth_jwt_times("a.b", &exp, &iat), ERR_INVALID);
	assert_int_equal(auth_jwt_times("a.b.c.d", &exp, &iat), ERR_INVALID);
	assert_int_equal(auth_jwt_times(HDR ".!!!.x", &exp, &iat), ERR_INVALID);
	/* {"exp":"soon"} */
	assert_int_equal(auth_jwt_times(HDR ".eyJleHAiOiJzb29uIn0.x", &exp, &iat), ERR_INVALID);
	/* {"sub":"u"}: no exp */
	assert_int_equal(auth_jwt_times(HDR ".eyJzdWIiOiJ1In0.x", &exp, &iat), ERR_INVALID);
	/* [1]: not an object */
	assert_int_equal(auth_jwt_times(HDR ".WzFd.x", &exp, &iat), ERR_INVALID);
	/* {"exp":-5} */
	assert_int_equal(auth_jwt_times(HDR ".eyJleHAiOi01fQ.x", &exp, &iat), ERR_INVALID);
}

static void test_base64url(void **state)
{
	(void)state;
	size_t n;
	char *s = auth_base64url_decode("aGVsbG8", 7, &n);
	assert_string_equal(s, "hello");
	assert_int_equal(n, 5);
	free(s);
	s = auth_base64url_decode("aGVsbG8=", 8, &n);
	assert_string_equal(s, "hello");
	free(s);
	s = auth_base64url_decode("-_-_", 4, &n);
	assert_int_equal(n, 3);
	assert_int_equal((unsigned char)s[0], 0xfb);
	free(s);
	assert_null(auth_base64url_decode("a", 1, &n));
	assert_null(auth_base64url_decode("a b=", 4, &n));
}

static void test_refresh_margin(void **state)
{
	(void)state;
	const long long now = 1700000000;
	/* An hour-long token: refreshed in its last 300 s. */
	assert_false(auth_should_refresh(now, now + 301, now - 3000));
	assert_true(auth_should_refresh(now, now + 299, now - 3000));
	assert_true(auth_should_refresh(now, now - 1, now - 3601));
	/* A short-lived token: refreshed in the second half of its life. */
	assert_false(auth_should_refresh(now, now + 60, now - 30));
	assert_true(auth_should_refresh(now, now + 40, now - 80));
	/* Unknown issue time: the 300 s margin. */
	assert_true(auth_should_refresh(now, now + 200, 0));
	assert_false(auth_should_refresh(now, now + 400, 0));
}

static void test_refresh_exchange(void **state)
{
	(void)state;
	size_t len;
	char *body = auth_refresh_body("rt\"x", NULL, &len);
	assert_string_equal(body, "{\"refresh_token\":\"rt\\\"x\"}");
	free(body);
	body = auth_refresh_body("rt", "tenant-1", &len);
	assert_string_equal(body, "{\"refresh_token\":\"rt\",\"tenant_id\":\"tenant-1\"}");
	free(body);

	char *token = NULL;
	struct error err = ERROR_INIT;
	const char ok[] = "{\"access_token\":\"abc.def.ghi\",\"token_type\":\"Bearer\"}";
	assert_int_equal(auth_parse_refresh(&token, 200, ok, strlen(ok), &err), 0);
	assert_string_equal(token, "abc.def.ghi");
	free(token);

	const char denied[] = "{\"error\":\"invalid_grant\"}";
	assert_int_equal(auth_parse_refresh(&token, 401, denied, strlen(denied), &err), ERR_AUTH);
	assert_non_null(strstr(err.message, "refresh token was rejected"));
	error_release(&err);

	const char empty[] = "{\"access_token\":\"\"}";
	assert_int_equal(auth_parse_refresh(&token, 200, empty, strlen(empty), &err), ERR_API);
	error_release(&err);
	assert_int_equal(auth_parse_refresh(&token, 200, "<html>", 6, &err), ERR_API);
	error_release(&err);
	assert_int_equal(auth_parse_refresh(&token, 502, "", 0, &err), ERR_API);
	error_release(&err);

	/* A token that would add a header of the server's choosing to every request. */
	const char injected[] = "{\"access_token\":\"abc\\r\\nX-Injected: 1\"}";
	token = NULL;
	assert_int_equal(auth_parse_refresh(&token, 200, injected, strlen(injected), &err),
	                 ERR_API);
	assert_null(token);
	assert_non_null(strstr(err.message, "control characters"));
	error_release(&err);
	const char spaced[] = "{\"access_token\":\"abc def\"}";
	assert_int_equal(auth_parse_refresh(&token, 200, spaced, strlen(spaced), &err), ERR_API);
	error_release(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_jwt_exp_and_iat),
	    cmocka_unit_test(test_jwt_rejects_what_is_not_one),
	    cmocka_unit_test(test_base64url),
	    cmocka_unit_test(test_refresh_margin),
	    cmocka_unit_test(test_refresh_exchange),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
