/*
 * Decoding instance config variables of every kind and customer-level
 * config variables: the shapes the API returns, and the ones it must not.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../api/configvars.h"
#include "../../api/fetch.h"

/* A JSON text the test wrote, parsed: its root is borrowed from the returned jdoc. */
static struct jdoc *parse(const char *text)
{
	struct jdoc *doc = NULL;
	struct error err = ERROR_INIT;
	if (jdoc_parse(&doc, text, strlen(text), "test", &err))
		fail_msg("%s", err.message);
	return doc;
}

static const char instance_node[] =
    "{\"id\": \"N1\", \"name\": \"Shop Sync\", \"description\": \"\", \"labels\": [],"
    " \"enabled\": true, \"deployedVersion\": 0, \"needsDeploy\": true,"
    " \"configState\": \"NEEDS_INSTANCE_CONFIGURATION\","
    " \"customer\": {\"id\": \"C1\", \"externalId\": \"acme\", \"name\": \"Acme\"},"
    " \"integration\": {\"id\": \"V1\", \"name\": \"Shop Sync\", \"versionNumber\": 1},"
    " \"configVariables\": {\"totalCount\": 4, \"pageInfo\": {\"hasNextPage\": false,"
    " \"endCursor\": null}, \"nodes\": ["
    "  {\"value\": \"https://x\", \"status\": \"ACTIVE\", \"scheduleType\": null,"
    "   \"timeZone\": null, \"customerConfigVariable\": null, \"inputs\": null,"
    "   \"requiredConfigVariable\": {\"key\": \"URL\", \"dataType\": \"STRING\"}},"
    "  {\"value\": null, \"status\": \"PENDING\", \"scheduleType\": null, \"timeZone\": null,"
    "   \"customerConfigVariable\": null, \"inputs\": {\"nodes\": ["
    "     {\"name\": \"clientId\", \"type\": \"value\", \"value\": \"abc\", \"hasValue\": true},"
    "     {\"name\": \"clientSecret\", \"type\": \"value\", \"value\": \"\", \"hasValue\": true},"
    "     {\"name\": \"scopes\", \"type\": \"value\", \"value\": \"\", \"hasValue\": false}]},"
    "   \"requiredConfigVariable\": {\"key\": \"GitHub\", \"dataType\": \"CONNECTION\"}},"
    "  {\"value\": null, \"status\": \"ACTIVE\", \"scheduleType\": null, \"timeZone\": null,"
    "   \"customerConfigVariable\": {\"id\": \"CCV1\", \"key\": \"slack\"}, \"inputs\": null,"
    "   \"requiredConfigVariable\": {\"key\": \"Slack\", \"dataType\": \"CONNECTION\"}},"
    "  {\"value\": \"0 2 * * *\", \"status\": \"ACTIVE\", \"scheduleType\": \"CUSTOM\","
    "   \"timeZone\": \"Europe/Berlin\", \"customerConfigVariable\": null, \"inputs\": null,"
    "   \"requiredConfigVariable\": {\"key\": \"Nightly\", \"dataType\": \"SCHEDULE\"}}]}}";

static void test_instance_config_of_every_kind(void **state)
{
	(void)state;
	struct jdoc *doc = parse(instance_node);
	const struct jval *node = jdoc_root(doc);
	struct live_state *s = live_state_new();
	struct error err = ERROR_INIT;
	assert_non_null(node);
	assert_int_equal(fetch_decode_node(s, FETCH_INSTANCES, node, 0, &err), 0);
	live_state_index(s);
	const struct live_instance *in = &s->instances[0];
	assert_int_equal(in->config_nr, 4);

	const struct live_config_var *v = live_instance_config_var(in, "URL");
	assert_string_equal(v->value, "https://x");
	assert_string_equal(v->data_type, "STRING");
	assert_null(v->inputs);

	v = live_instance_config_var(in, "GitHub");
	assert_null(v->value);
	assert_string_equal(v->status, "PENDING");
	assert_int_equal(v->inputs_nr, 3);
	const struct live_config_input *i = live_config_input(v, "clientId");
	assert_string_equal(i->value, "abc");
	assert_false(i->write_only);
	i = live_config_input(v, "clientSecret");
	assert_true(i->has_value);
	assert_true(i->write_only); /* set, but not returned */
	i = live_config_input(v, "scopes");
	assert_false(i->has_value);
	assert_false(i->write_only); /* simply empty */
	assert_null(live_config_input(v, "other"));

	v = live_instance_config_var(in, "Slack");
	assert_string_equal(v->customer_var_id, "CCV1");
	assert_string_equal(v->customer_var_key, "slack");

	v = live_instance_config_var(in, "Nightly");
	assert_string_equal(v->schedule_type, "CUSTOM");
	assert_string_equal(v->time_zone, "Europe/Berlin");
	assert_null(live_instance_config_var(in, "Nope"));
	jdoc_free(doc);
	live_state_free(s);
}

/* Replaces the first occurrence of from in instance_node and expects the decoder to refuse it. */
static void expect_refused(const char *from, const char *to, const char *message)
{
	const char *at = strstr(instance_node, from);
	assert_non_null(at);
	size_t head = (size_t)(at - instance_node);
	char *text = malloc(sizeof(instance_node) + strlen(to));
	memcpy(text, instance_node, head);
	memcpy(text + head, to, strlen(to));
	memcpy(text + head + strlen(to), at + strlen(from), strlen(at + strlen(from)) + 1);
	struct jdoc *doc = parse(text);
	const struct jval *node = jdoc_root(doc);
	struct live_state *s = live_state_new();
	struct error err = ERROR_INIT;
	assert_non_null(node);
	assert_int_equal(fetch_decode_node(s, FETCH_INSTANCES, node, 3, &err), ERR_API);
	if (!strstr(err.message, message))
		fail_msg("'%s' does not say '%s'", err.message, message);
	error_release(&err);
	jdoc_free(doc);
	live_state_free(s);
	free(text);
}

static void test_bad_shapes_are_refused(void **state)
{
	(void)state;
	expect_refused("\"hasValue\": true", "\"hasValue\": \"yes\"", "hasValue");
	expect_refused("\"hasValue\": true", "\"other\": 1", "hasValue");
	expect_refused("\"name\": \"clientId\"", "\"name\": 7", "name");
	expect_refused("\"inputs\": {\"nodes\": [", "\"inputs\": {\"nodes\": [3, ", "input");
	expect_refused("\"inputs\": {\"nodes\": [", "\"inputs\": {\"edges\": [", "nodes");
	expect_refused("{\"id\": \"CCV1\", \"key\": \"slack\"}", "{\"key\": \"slack\"}", "id");
	expect_refused("\"timeZone\": \"Europe/Berlin\"", "\"timeZone\": 1", "timeZone");
	expect_refused("\"dataType\": \"STRING\"", "\"dataType\": []", "dataType");
	expect_refused("\"status\": \"ACTIVE\"", "\"status\": false", "status");
}

static void test_customer_vars_page(void **state)
{
	(void)state;
	const char *text =
	    "{\"customerConfigVariables\": {\"totalCount\": 3, \"nodes\": ["
	    " {\"id\": \"CCV1\", \"key\": \"slack\", \"status\": \"ACTIVE\", \"customer\": "
	    "{\"id\": "
	    "\"C1\"}},"
	    " {\"id\": \"CCV2\", \"key\": \"slack\", \"status\": \"PENDING\", \"customer\": "
	    "{\"id\": "
	    "\"C2\"}},"
	    " {\"id\": \"OCV\", \"key\": \"org-wide\", \"status\": null, \"customer\": null}]}}";
	struct jdoc *doc = parse(text);
	const struct jval *data = jdoc_root(doc);
	struct live_state *s = live_state_new();
	struct error err = ERROR_INIT;
	long total = 0;
	size_t n = 0;
	assert_int_equal(api_decode_customer_vars_page(s, data, &total, &n, &err), 0);
	assert_int_equal(total, 3);
	assert_int_equal(n, 3);
	assert_int_equal(s->customer_vars_nr, 3);
	assert_null(s->customer_vars[2].customer_id); /* org-level: never matched */
	assert_string_equal(live_customer_var(s, "C2", "slack")->id, "CCV2");
	assert_string_equal(live_customer_var(s, "C1", "slack")->status, "ACTIVE");
	assert_null(live_customer_var(s, "C1", "org-wide"));
	assert_null(live_customer_var(s, "C3", "slack"));
	jdoc_free(doc);
	live_state_free(s);

	doc = parse("{\"customerConfigVariables\": {\"totalCount\": 1, \"nodes\": "
	            "[{\"id\": 5, \"key\": \"k\", \"status\": null, \"customer\": null}]}}");
	data = jdoc_root(doc);
	s = live_state_new();
	assert_int_equal(api_decode_customer_vars_page(s, data, &total, &n, &err), ERR_API);
	error_release(&err);
	jdoc_free(doc);
	live_state_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_instance_config_of_every_kind),
	    cmocka_unit_test(test_bad_shapes_are_refused),
	    cmocka_unit_test(test_customer_vars_page),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
