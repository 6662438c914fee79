#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../api/gql.h"

static int decode(struct jdoc **doc, const struct jval **data, long status, const char *body,
                  struct error *err)
{
	return gql_decode_response(doc, data, status, body, strlen(body), "customers", err);
}

static void expect_error(long status, const char *body, int code, const char *fragment)
{
	struct jdoc *doc = NULL;
	const struct jval *data = NULL;
	struct error err = ERROR_INIT;
	assert_int_equal(decode(&doc, &data, status, body, &err), code);
	assert_null(doc);
	assert_null(data);
	if (!strstr(err.message, fragment))
		fail_msg("'%s' not in '%s'", fragment, err.message);
	error_release(&err);
}

static void test_data_is_returned(void **state)
{
	(void)state;
	struct jdoc *doc = NULL;
	const struct jval *data = NULL;
	struct error err = ERROR_INIT;
	assert_int_equal(
	    decode(&doc, &data, 200, "{\"data\": {\"customers\": {\"totalCount\": 3}}}", &err), 0);
	assert_true(jval_is(data, JOBJECT));
	assert_true(jval_is(jval_get(data, "customers"), JOBJECT));
	jdoc_free(doc);
	assert_int_equal(decode(&doc, &data, 200, " {\"errors\": [], \"data\": {}}\n", &err), 0);
	jdoc_free(doc);
}

static void test_both_error_layers_and_http(void **state)
{
	(void)state;
	expect_error(200, "{\"data\": null, \"errors\": [{\"message\": \"Internal error\"}]}",
	             ERR_API, "customers: Internal error");
	expect_error(200,
	             "{\"data\": {\"customers\": null}, \"errors\": [{\"message\": \"boom\"}]}",
	             ERR_API, "customers: boom");
	expect_error(200, "{\"errors\": [{\"message\": \"a\"}, {\"message\": \"b\"}, {}]}", ERR_API,
	             "a (and 2 more errors)");
	expect_error(200, "{\"data\": null, \"errors\": [{\"message\": \"Record not found\"}]}",
	             ERR_NOTFOUND, "Record not found");
	expect_error(200, "{}", ERR_API, "no data");
	expect_error(200, "{\"data\": null}", ERR_API, "no data");
	expect_error(200, "{\"data\": [], \"errors\": 3}", ERR_API, "not a list");
	expect_error(200, "[1, 2]", ERR_API, "not a JSON object");
	expect_error(401, "{\"errors\": [{\"message\": \"Token has expired.\"}]}", ERR_AUTH,
	             "access token was rejected (HTTP 401: Token has expired.)");
	expect_error(503, "Service Unavailable\n", ERR_API, "HTTP 503: Service Unavailable");
	expect_error(400, "{\"errors\": [{\"message\": \"bad\"}]}", ERR_API, "HTTP 400: bad");
}

/* A refused token reported as a GraphQL error (HTTP 200) is an auth error, not an API error. */
static void test_token_refused_as_graphql_error(void **state)
{
	(void)state;
	static const char *const refused[] = {
	    "Authentication credentials were not provided or are invalid or expired.",
	    "Token has expired",
	    "The access token is invalid.",
	    "Unauthorized",
	    "request unauthorised",
	    "credentials not provided",
	};
	static const char *const other[] = {
	    "Record not found",
	    "Internal error",
	    "Invalid value for field 'name'",
	    "expired: the version was replaced",
	    "The connection token input is required",
	    "Variable '$input' got invalid value: input 'apiToken' is invalid",
	    "Input 'apiToken' of 'Zendesk' invalid",
	    "",
	};
	for (size_t i = 0; i < sizeof(refused) / sizeof(*refused); i++)
		if (!gql_is_auth_message(refused[i]))
			fail_msg("'%s' should read as a refused token", refused[i]);
	for (size_t i = 0; i < sizeof(other) / sizeof(*other); i++)
		if (gql_is_auth_message(other[i]))
			fail_msg("'%s' should not read as a refused token", other[i]);
	assert_false(gql_is_auth_message(NULL));

	expect_error(200,
	             "{\"data\": null, \"errors\": [{\"message\": \"Authentication credentials "
	             "were not provided or are invalid or expired.\"}]}",
	             ERR_AUTH, "customers: the access token was rejected: Authentication");
	expect_error(200,
	             "{\"data\": null, \"errors\": [{\"message\": \"boom\"}, {\"message\": "
	             "\"Token has expired\"}]}",
	             ERR_AUTH, "access token was rejected: boom (and 1 more error)");
	/* Beside data the request ran: no refresh and resend, which could repeat a mutation. */
	expect_error(200,
	             "{\"data\": {\"createInstance\": null}, \"errors\": [{\"message\": "
	             "\"Unauthorized\"}]}",
	             ERR_API, "customers: Unauthorized");
}

static void test_json_errors_have_positions(void **state)
{
	(void)state;
	expect_error(200, "{\"data\": {\n  \"x\": tru }}", ERR_PARSE, "line 2, column");
	expect_error(200, "<html>Bad Gateway</html>", ERR_PARSE, "line 1, column 1");
	expect_error(200, "{\"data\": {}} trailing", ERR_PARSE, "line 1, column 14");
	expect_error(200, "{\"data\": {\"a\": [1, 2", ERR_PARSE, "unexpected end");
	expect_error(200, "", ERR_PARSE, "empty body");
	/* json-c accepts NaN even when strict; the typed getters refuse it (not an integer). */
	expect_error(200, "{\"data\": {\"s\": \"\xff\xfe\"}}", ERR_PARSE, "invalid JSON");
	/* Nesting beyond the depth limit is refused, not recursed into. */
	char deep[400];
	memset(deep, '[', sizeof(deep) - 1);
	deep[sizeof(deep) - 1] = '\0';
	expect_error(200, deep, ERR_PARSE, "invalid JSON");
}

static void test_payload_errors_name_operation_and_object(void **state)
{
	(void)state;
	struct jdoc *doc = NULL;
	const struct jval *data = NULL, *payload = NULL;
	struct error err = ERROR_INIT;
	const char *body = "{\"data\": {\"createCustomer\": {\"customer\": null, \"errors\": ["
	                   "{\"field\": \"externalId\", \"messages\": [\"is taken\"]},"
	                   "{\"field\": \"__all__\", \"messages\": [\"no\", \"really\"]}]}}}";
	assert_int_equal(
	    gql_decode_response(&doc, &data, 200, body, strlen(body), "createCustomer", &err), 0);
	assert_int_equal(
	    gql_check_payload(&payload, data, "createCustomer", "customer 'acme'", &err), ERR_API);
	assert_string_equal(err.message,
	                    "createCustomer customer 'acme': externalId: is taken; no really");
	error_release(&err);
	jdoc_free(doc);

	body = "{\"data\": {\"deployInstance\": {\"instance\": {\"id\": \"1\"}, \"errors\": []}}}";
	assert_int_equal(
	    gql_decode_response(&doc, &data, 200, body, strlen(body), "deployInstance", &err), 0);
	assert_int_equal(gql_check_payload(&payload, data, "deployInstance", "instance 'x'", &err),
	                 0);
	assert_non_null(payload);
	assert_int_equal(gql_check_payload(&payload, data, "createInstance", "instance 'x'", &err),
	                 ERR_API);
	error_release(&err);
	jdoc_free(doc);

	body = "{\"data\": {\"updateInstance\": {\"errors\": [{\"field\": \"id\", \"messages\": "
	       "[\"Record not found\"]}]}}}";
	assert_int_equal(
	    gql_decode_response(&doc, &data, 200, body, strlen(body), "updateInstance", &err), 0);
	assert_int_equal(gql_check_payload(&payload, data, "updateInstance", "instance 'x'", &err),
	                 ERR_NOTFOUND);
	error_release(&err);
	jdoc_free(doc);
}

static void test_values_are_type_and_range_checked(void **state)
{
	(void)state;
	struct jdoc *doc = NULL;
	const struct jval *o = NULL;
	struct error err = ERROR_INIT;
	const struct gql_ctx ctx = {"instances", "instance", 7};
	const char *text = "{\"n\": 5, \"big\": 99999999999, \"huge\": 1e999, \"neg\": -1,"
	                   " \"f\": 1.5, \"s\": \"x\", \"nul\": null, \"b\": true,"
	                   " \"z\": \"a\\u0000b\", \"max\": 18446744073709551615}";
	assert_int_equal(jdoc_parse(&doc, text, strlen(text), "test", &err), 0);
	o = jdoc_root(doc);
	long long n;
	bool present;
	assert_int_equal(gql_get_int(&n, NULL, o, "n", 0, 10, &ctx, &err), 0);
	assert_true(n == 5);
	assert_int_equal(gql_get_int(&n, NULL, o, "big", 0, INT32_MAX, &ctx, &err), ERR_API);
	assert_string_equal(err.message,
	                    "instances: instance 7: field 'big' must be between 0 and 2147483647");
	error_release(&err);
	assert_int_equal(gql_get_int(&n, NULL, o, "neg", 0, 10, &ctx, &err), ERR_API);
	error_release(&err);
	assert_int_equal(gql_get_int(&n, NULL, o, "f", 0, 10, &ctx, &err), ERR_API);
	error_release(&err);
	assert_int_equal(gql_get_int(&n, NULL, o, "s", 0, 10, &ctx, &err), ERR_API);
	error_release(&err);
	assert_int_equal(gql_get_int(&n, NULL, o, "max", 0, INT64_MAX - 1, &ctx, &err), ERR_API);
	error_release(&err);
	assert_int_equal(gql_get_int(&n, &present, o, "nul", 0, 10, &ctx, &err), 0);
	assert_false(present);
	assert_int_equal(gql_get_int(&n, NULL, o, "nul", 0, 10, &ctx, &err), ERR_API);
	error_release(&err);
	assert_int_equal(gql_get_int(&n, &present, o, "absent", 0, 10, &ctx, &err), 0);
	assert_false(present);
	assert_int_equal(gql_get_int(&n, NULL, o, "absent", 0, 10, &ctx, &err), ERR_API);
	assert_non_null(strstr(err.message, "'absent' is missing"));
	error_release(&err);

	const char *s;
	assert_int_equal(gql_get_string(&s, o, "s", false, &ctx, &err), 0);
	assert_string_equal(s, "x");
	assert_int_equal(gql_get_string(&s, o, "nul", true, &ctx, &err), 0);
	assert_null(s);
	assert_int_equal(gql_get_string(&s, o, "n", true, &ctx, &err), ERR_API);
	error_release(&err);
	assert_int_equal(gql_get_string(&s, o, "z", false, &ctx, &err), ERR_API);
	assert_non_null(strstr(err.message, "NUL"));
	error_release(&err);
	bool b;
	assert_int_equal(gql_get_bool(&b, o, "b", &ctx, &err), 0);
	assert_true(b);
	assert_int_equal(gql_get_bool(&b, o, "s", &ctx, &err), ERR_API);
	error_release(&err);
	const struct jval *child;
	assert_int_equal(gql_get_object(&child, o, "nul", true, &ctx, &err), 0);
	assert_null(child);
	assert_int_equal(gql_get_object(&child, o, "s", true, &ctx, &err), ERR_API);
	error_release(&err);
	assert_int_equal(gql_get_object(&child, o, "nul", false, &ctx, &err), ERR_API);
	error_release(&err);
	assert_int_equal(gql_get_array(&child, o, "absent", true, &ctx, &err), 0);
	assert_null(child);
	jdoc_free(doc);
}

static void test_document_info(void **state)
{
	(void)state;
	bool m;
	char root[32];
	gql_document_info("{ customers { nodes { id } } }", &m, root, sizeof(root));
	assert_false(m);
	assert_string_equal(root, "customers");
	gql_document_info("# c\nquery Q($a: Int = 3, $b: String) @x(y: \"(\") { a: integrations { "
	                  "id } }",
	                  &m, root, sizeof(root));
	assert_false(m);
	assert_string_equal(root, "integrations");
	gql_document_info("mutation { deployInstance(input: {}) { errors { field } } }", &m, root,
	                  sizeof(root));
	assert_true(m);
	assert_string_equal(root, "deployInstance");
	gql_document_info("fragment F on X { a }\nmutation M { updateInstance { ...F } }", &m, root,
	                  sizeof(root));
	assert_true(m);
	assert_string_equal(root, "updateInstance");
	gql_document_info("garbage", &m, root, sizeof(root));
	assert_string_equal(root, "?");
	gql_document_info("", &m, root, sizeof(root));
	assert_string_equal(root, "?");
	gql_document_info("{ averyveryveryveryveryveryveryverylongfield }", &m, root, 8);
	assert_string_equal(root, "averyve");
}

static void test_request_body_carries_values_as_variables(void **state)
{
	(void)state;
	struct json_object *vars = json_object_new_object();
	json_object_object_add(vars, "name", json_object_new_string("a \"b\" / c"));
	size_t len;
	char *body = gql_request_body("query($name: String) { x }", vars, &len);
	assert_string_equal(body,
	                    "{\"query\":\"query($name: String) { x }\",\"variables\":{\"name\":"
	                    "\"a \\\"b\\\" / c\"}}");
	assert_int_equal(len, strlen(body));
	free(body);
	json_object_put(vars);
	body = gql_request_body("{ x }", NULL, &len);
	assert_string_equal(body, "{\"query\":\"{ x }\"}");
	free(body);
}

static struct jdoc *batch_doc(long status, const char *body, int want)
{
	struct jdoc *doc = NULL;
	struct error err = ERROR_INIT;
	assert_int_equal(
	    gql_decode_batch_response(&doc, status, body, strlen(body), "createInstance", &err),
	    want);
	error_release(&err);
	return doc;
}

static void expect_member(const struct jval *root, const char *alias, int code,
                          const char *fragment)
{
	struct error err = ERROR_INIT;
	assert_int_equal(gql_batch_error(root, alias, "createInstance", &err), code);
	if (fragment && (!err.message || !strstr(err.message, fragment)))
		fail_msg("'%s' not in '%s'", fragment, err.message ? err.message : "(none)");
	error_release(&err);
}

/* A batch answer: each top-level error belongs to the alias its path names. */
static void test_batch_errors_belong_to_their_alias(void **state)
{
	(void)state;
	struct jdoc *doc = batch_doc(
	    200,
	    "{\"data\": {\"m0\": {\"instance\": {\"id\": \"a\"}, \"errors\": []}, \"m1\": null, "
	    "\"m2\": {\"instance\": null, \"errors\": [{\"field\": \"name\", \"messages\": "
	    "[\"blank\"]}]}}, \"errors\": [{\"message\": \"Record not found\", \"path\": "
	    "[\"m1\"]}]}",
	    0);
	assert_non_null(doc);
	assert_false(gql_batch_refused(jdoc_root(doc)));
	expect_member(jdoc_root(doc), "m0", 0, NULL);
	expect_member(jdoc_root(doc), "m1", ERR_NOTFOUND, "createInstance: Record not found");
	expect_member(jdoc_root(doc), "m2", 0,
	              NULL); /* its payload errors are for gql_check_payload() */
	jdoc_free(doc);

	/* An error without a path concerns every alias. */
	doc = batch_doc(200,
	                "{\"data\": {\"m0\": {}, \"m1\": {}}, \"errors\": [{\"message\": "
	                "\"slow down\"}]}",
	                0);
	expect_member(jdoc_root(doc), "m0", ERR_API, "createInstance: slow down");
	expect_member(jdoc_root(doc), "m1", ERR_API, "createInstance: slow down");
	jdoc_free(doc);
}

/* No data and no path: refused before anything ran. No data with a path: it ran. */
static void test_batch_refusal(void **state)
{
	(void)state;
	struct jdoc *doc = batch_doc(
	    200, "{\"data\": null, \"errors\": [{\"message\": \"one mutation per request\"}]}", 0);
	assert_true(gql_batch_refused(jdoc_root(doc)));
	jdoc_free(doc);
	doc = batch_doc(400, "{\"errors\": [{\"message\": \"Query is too complex\"}]}", 0);
	assert_true(gql_batch_refused(jdoc_root(doc)));
	jdoc_free(doc);
	doc = batch_doc(200,
	                "{\"data\": null, \"errors\": [{\"message\": \"boom\", \"path\": "
	                "[\"m3\"]}]}",
	                0);
	assert_false(gql_batch_refused(jdoc_root(doc)));
	jdoc_free(doc);
	doc = batch_doc(413, "Request Entity Too Large", 0);
	assert_true(gql_batch_refused(jdoc_root(doc)));
	expect_member(jdoc_root(doc), "", ERR_API,
	              "createInstance: HTTP 413: Request Entity Too Large");
	jdoc_free(doc);
	/* What is not a GraphQL answer fails as a single request would. */
	assert_null(batch_doc(503, "Service Unavailable\n", ERR_API));
	assert_null(batch_doc(200, "not json", ERR_PARSE));
	/* A refused token, with no data: an auth error, so the client refreshes. */
	assert_null(batch_doc(200,
	                      "{\"data\": null, \"errors\": [{\"message\": \"Authentication "
	                      "credentials were not provided or are invalid or expired.\"}]}",
	                      ERR_AUTH));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_data_is_returned),
	    cmocka_unit_test(test_both_error_layers_and_http),
	    cmocka_unit_test(test_token_refused_as_graphql_error),
	    cmocka_unit_test(test_json_errors_have_positions),
	    cmocka_unit_test(test_payload_errors_name_operation_and_object),
	    cmocka_unit_test(test_values_are_type_and_range_checked),
	    cmocka_unit_test(test_document_info),
	    cmocka_unit_test(test_request_body_carries_values_as_variables),
	    cmocka_unit_test(test_batch_errors_belong_to_their_alias),
	    cmocka_unit_test(test_batch_refusal),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
