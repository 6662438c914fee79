/*
 * Saved plans (reconcile/plan_io.c): every kind of change and input
 * survives writing and reading back unchanged, and the reader refuses,
 * naming the change, what apply could misread.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../reconcile/plan_io.h"
#include "../../util/xalloc.h"

static const char *const labels[] = {"prismsync:owner=t", "tier-1"};

/* A plan with one change of every kind, inputs of every form. */
static void every_kind(struct plan *p)
{
	size_t c;
	plan_init(p);
	p->manifest = xstrdup("prismsync.yaml");
	p->owner = xstrdup("t");
	c = plan_add(p, RES_CUSTOMER, PA_CREATE, "customer.acme");
	p->changes[c].in.customer.external_id = xstrdup("acme");
	p->changes[c].in.customer.name = xstrdup("Acme");
	plan_labels_set(&p->changes[c].in.customer.labels, labels, 2);
	c = plan_add(p, RES_CUSTOMER, PA_UPDATE, "customer.globex");
	plan_set_live(p, c, "C2", "f2");
	p->changes[c].in.customer.description = xstrdup("Tier \"2\"\n");
	c = plan_add(p, RES_INTEGRATION, PA_CREATE, "integration.Orders");
	p->changes[c].in.definition = xstrdup("definitionVersion: 7\nname: Orders\n");
	c = plan_add(p, RES_INTEGRATION, PA_PUBLISH, "integration.Orders");
	plan_depend(p, c, 2);
	p->changes[c].in.publish.expected_version = 1;
	p->changes[c].in.publish.comment = xstrdup("prismsync: abc");
	struct plan_provenance pv = {"prismsync.yaml", "t", "abc", NULL, true};
	p->changes[c].in.publish.attributes = plan_provenance_json(&pv);
	c = plan_add(p, RES_INTEGRATION, PA_UPDATE, "integration.Returns");
	plan_set_live(p, c, "I2", "f3");
	plan_labels_set(&p->changes[c].in.integration.labels, labels, 1);
	c = plan_add(p, RES_INSTANCE, PA_CREATE, "instance.acme/Orders");
	plan_depend(p, c, 0);
	plan_depend(p, c, 3);
	struct plan_instance_in *in = &p->changes[c].in.instance;
	in->name = xstrdup("Orders");
	in->customer = xstrdup("acme");
	plan_labels_set(&in->labels, labels, 2);
	in->has_version = true;
	in->version.integration = xstrdup("Orders");
	in->version.is_new = true;
	in->has_config = true;
	struct plan_config_var *v = plan_config_add(in);
	v->kind = PLAN_CV_VALUE;
	v->key = xstrdup("API Key");
	v->value.env = xstrdup("ACME_KEY");
	v = plan_config_add(in);
	v->kind = PLAN_CV_CONNECTION;
	v->key = xstrdup("Shop");
	struct plan_config_input *ci = plan_config_input_add(v);
	ci->name = xstrdup("user");
	ci->value.text = xstrdup("svc");
	v = plan_config_add(in);
	v->kind = PLAN_CV_CUSTOMER_CONNECTION;
	v->key = xstrdup("Slack");
	v->customer_connection = xstrdup("slack");
	v = plan_config_add(in);
	v->kind = PLAN_CV_SCHEDULE;
	v->key = xstrdup("Nightly");
	v->value.text = xstrdup("0 2 * * *");
	v->time_zone = xstrdup("Europe/Berlin");
	c = plan_add(p, RES_INSTANCE, PA_DEPLOY, "instance.acme/Orders");
	plan_depend(p, c, 5);
	p->changes[c].in.deploy.integration = xstrdup("Orders");
	p->changes[c].in.deploy.is_new = true;
	c = plan_add(p, RES_INSTANCE, PA_UPDATE, "instance.globex/Orders");
	plan_set_live(p, c, "N2", "f4");
	in = &p->changes[c].in.instance;
	in->has_version = true;
	in->version.integration = xstrdup("Orders");
	in->version.number = 3;
	in->version.id = xstrdup("V3");
	c = plan_add(p, RES_INSTANCE, PA_DISABLE, "instance.globex/Orders");
	plan_set_live(p, c, "N2", "f4");
	plan_field(p, c, "enabled", "true", "false", false);
	c = plan_add(p, RES_INSTANCE, PA_DELETE, "instance.globex/Old");
	plan_set_live(p, c, "N3", "f5");
	c = plan_add(p, RES_INTEGRATION, PA_DELETE, "integration.Old");
	plan_set_live(p, c, "I3", "f6");
	plan_depend(p, c, 9);
}

static void write_saved(const struct plan *p, struct buf *out)
{
	struct plan_json_opts o = {false, true, NULL, NULL};
	plan_write_json(p, &o, out);
}

static void test_round_trip(void **state)
{
	struct plan p, q;
	struct buf first = BUF_INIT, second = BUF_INIT;
	struct error err = ERROR_INIT;
	(void)state;
	every_kind(&p);
	plan_init(&q);
	write_saved(&p, &first);
	assert_int_equal(plan_read(&q, "saved.json", first.data, first.len, &err), 0);
	write_saved(&q, &second);
	assert_string_equal(first.data, second.data);

	assert_int_equal(q.nr, p.nr);
	const struct plan_instance_in *in = &q.changes[5].in.instance;
	assert_int_equal(q.changes[5].in.kind, PI_INSTANCE);
	assert_true(in->version.is_new);
	assert_null(in->customer_id);
	assert_int_equal(in->config_nr, 4);
	assert_string_equal(in->config[0].value.env, "ACME_KEY");
	assert_null(in->config[0].value.text);
	assert_int_equal(in->config[1].kind, PLAN_CV_CONNECTION);
	assert_string_equal(in->config[1].inputs[0].value.text, "svc");
	assert_int_equal(in->config[2].kind, PLAN_CV_CUSTOMER_CONNECTION);
	assert_null(in->config[2].customer_var_id);
	assert_int_equal(in->config[3].kind, PLAN_CV_SCHEDULE);
	assert_string_equal(in->config[3].time_zone, "Europe/Berlin");
	assert_int_equal(q.changes[3].in.publish.expected_version, 1);
	assert_string_equal(q.changes[3].in.publish.attributes,
	                    "{\"manifest\":\"prismsync.yaml\",\"owner\":\"t\",\"commitHash\":"
	                    "\"abc\",\"dirty\":true}");
	assert_string_equal(q.changes[1].in.customer.description, "Tier \"2\"\n");
	assert_null(q.changes[1].in.customer.name);
	assert_false(q.changes[1].in.customer.labels.set);
	assert_int_equal(q.changes[7].in.instance.version.number, 3);
	assert_false(q.changes[7].in.instance.has_config);
	assert_int_equal(q.changes[10].deps_nr, 1);
	assert_int_equal(q.changes[10].deps[0], 9);
	assert_true(plan_is_ordered(&q));
	/* The input of a secret is its variable's name, never a value. */
	assert_non_null(strstr(first.data, "{\"key\":\"API Key\",\"env\":\"ACME_KEY\"}"));

	buf_release(&first);
	buf_release(&second);
	plan_release(&p);
	plan_release(&q);
}

/* The saved JSON of every_kind() with from replaced by to (once); a new string. */
static char *tampered(const char *from, const char *to)
{
	struct plan p;
	struct buf b = BUF_INIT;
	every_kind(&p);
	write_saved(&p, &b);
	plan_release(&p);
	char *at = strstr(b.data, from);
	assert_non_null(at);
	char *out = xasprintf("%.*s%s%s", (int)(at - b.data), b.data, to, at + strlen(from));
	buf_release(&b);
	return out;
}

static void refused(const char *text, const char *message)
{
	struct plan p;
	struct error err = ERROR_INIT;
	plan_init(&p);
	int rc = plan_read(&p, "x.json", text, strlen(text), &err);
	if (!rc || !strstr(err.message, message))
		fail_msg("want an error with '%s', got %d: %s", message, rc,
		         err.message ? err.message : "(none)");
	assert_int_equal(p.nr, 0);
	error_release(&err);
	plan_release(&p);
}

static void refused_after(const char *from, const char *to, const char *message)
{
	char *text = tampered(from, to);
	refused(text, message);
	free(text);
}

static void test_refusals(void **state)
{
	(void)state;
	refused("", "ends too early");
	refused("[]", "not a JSON object");
	refused("{\"format_version\":\"1\"} x", "more data after the plan");
	refused("{\"format_version\":\"1\",\"kind\":\"plan\",\"changes\":{}}",
	        "'changes' must be a list");
	refused_after("\"address\":\"customer.acme\"", "\"address\":\"customer.\"",
	              "does not name a customer");
	refused_after("\"type\":\"customer\"", "\"type\":\"tenant\"", "unknown type 'tenant'");
	refused_after("\"action\":\"disable\"", "\"action\":\"enable\"",
	              "its id 'instance.globex/Orders#disable' is not");
	refused_after("\"payload\":{\"enabled\":false}", "\"payload\":{\"enabled\":true}",
	              "the payload says enabled: true, the action disable");
	refused_after("\"expectedVersion\":1", "\"expectedVersion\":0", "out of range");
	refused_after("\"expectedVersion\":1", "\"expectedVersion\":4294967297", "out of range");
	refused_after("\"version\":3,\"versionId\":\"V3\"", "\"version\":3,\"versionId\":null",
	              "'version' and 'versionId' must both be set, or both null");
	refused_after("\"scheduleType\":\"CUSTOM\"", "\"scheduleType\":\"WEEKLY\"", "not CUSTOM");
	refused_after("{\"key\":\"API Key\",\"env\":\"ACME_KEY\"}",
	              "{\"key\":\"API Key\",\"env\":\"ACME_KEY\",\"value\":\"x\"}",
	              "either 'value' or 'env'");
	refused_after("\"name\":\"Orders\",\"customer\":\"acme\"",
	              "\"name\":\"Orders\\u0000x\",\"customer\":\"acme\"", "NUL character");
	refused_after("\"live_id\":\"N3\"", "\"live_id\":null",
	              "names no live object, and the plan does not create one");
	refused_after("\"address\":\"customer.acme\",\"type\":\"customer\",\"action\":\"create\","
	              "\"fields\":{},\"depends_on\":[],\"live_id\":null",
	              "\"address\":\"customer.acme\",\"type\":\"customer\",\"action\":\"create\","
	              "\"fields\":{},\"depends_on\":[],\"live_id\":\"C1\"",
	              "a create cannot name a live object");
	refused_after("\"type\":\"integration\",\"action\":\"delete\"",
	              "\"type\":\"integration\",\"action\":\"deploy\"",
	              "an integration cannot be deployed");
	refused_after("\"depends_on\":[\"instance.globex/Old#delete\"]",
	              "\"depends_on\":[\"instance.globex/Gone#delete\"]", "not an earlier change");
	refused_after("\"depends_on\":[\"instance.globex/Old#delete\"]", "\"depends_on\":[7]",
	              "list of change ids");
	refused_after("\"enabled\":{\"before\":true,\"after\":false}", "\"enabled\":7",
	              "field 'enabled' is not an object");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_round_trip),
	    cmocka_unit_test(test_refusals),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
