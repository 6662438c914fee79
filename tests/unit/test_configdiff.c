/*
 * The config variables of an instance in the plan: each form (plain,
 * connection inputs, customer-level connection, schedule) compared its own
 * way, write-only inputs never drift, secrets never leave as values, and
 * the plan predicts whether the instance can deploy.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../reconcile/diff.h"
#include "../../util/xalloc.h"
#include "payload.h"

static const char definition[] = "definitionVersion: 7\n"
                                 "name: Shop Sync\n"
                                 "description: Orders\n"
                                 "requiredConfigVars:\n"
                                 "  - key: Shop URL\n"
                                 "    dataType: string\n"
                                 "  - key: Region\n"
                                 "    dataType: string\n"
                                 "    defaultValue: eu\n"
                                 "  - key: Notes\n"
                                 "    dataType: string\n"
                                 "    defaultValue: \"\"\n"
                                 "  - key: Shop Connection\n"
                                 "    dataType: connection\n"
                                 "    connection: {key: basic, component: {key: http}}\n"
                                 "    inputs:\n"
                                 "      username: {type: value, value: \"\"}\n"
                                 "      password: {type: value, value: \"\"}\n"
                                 "  - key: GitHub Connection\n"
                                 "    dataType: connection\n"
                                 "    connection: {key: oauth2, component: {key: github}}\n"
                                 "    inputs:\n"
                                 "      clientId: {type: value, value: \"\"}\n"
                                 "      clientSecret: {type: value, value: \"\"}\n"
                                 "      scopes: {type: value, value: repo}\n"
                                 "  - key: Slack\n"
                                 "    dataType: connection\n"
                                 "    connection: {key: apiKey, component: {key: slack}}\n"
                                 "    inputs:\n"
                                 "      token: {type: value, value: \"\"}\n"
                                 "  - key: Nightly\n"
                                 "    dataType: schedule\n"
                                 "flows:\n"
                                 "  - name: Push\n"
                                 "    steps:\n"
                                 "      - name: Trigger\n"
                                 "        isTrigger: true\n"
                                 "        action: {key: schedule, component: {key: "
                                 "schedule-triggers, version: LATEST}}\n";

static const char manifest_head[] = "version: 1\n"
                                    "owner: platform\n"
                                    "integrations:\n"
                                    "  - definition: shop-sync.yml\n"
                                    "instances:\n"
                                    "  - name: Shop Sync\n"
                                    "    customer: acme\n"
                                    "    integration: Shop Sync\n";

static const char all_config[] = "    configVariables:\n"
                                 "      Shop URL: https://shop.acme.example\n"
                                 "      Shop Connection:\n"
                                 "        inputs:\n"
                                 "          username: svc-sync\n"
                                 "          password: ${env:SHOP_PASSWORD}\n"
                                 "      GitHub Connection:\n"
                                 "        inputs:\n"
                                 "          clientId: gh-client\n"
                                 "          clientSecret: ${env:GH_SECRET}\n"
                                 "      Slack:\n"
                                 "        customerConnection: slack-workspace\n"
                                 "      Nightly:\n"
                                 "        schedule: \"0 2 * * *\"\n"
                                 "        timeZone: Europe/Berlin\n";

#define SECRET_PW "pw-7c1e-secret"
#define SECRET_GH "gh-93ab-secret"

static const char *fake_env(const char *name)
{
	if (!strcmp(name, "SHOP_PASSWORD"))
		return SECRET_PW;
	if (!strcmp(name, "GH_SECRET"))
		return SECRET_GH;
	return NULL;
}

static struct manifest *load(const char *extra)
{
	struct source *src = source_mem_new();
	struct diag_list diags;
	struct manifest *m = NULL;
	char *text = xasprintf("%s%s", manifest_head, extra);
	source_mem_add(src, "prismsync.yaml", text, strlen(text));
	source_mem_add(src, "shop-sync.yml", definition, strlen(definition));
	diag_list_init(&diags);
	int rc = manifest_load(&m, src, "prismsync.yaml", 0, &diags);
	for (size_t i = 0; i < diags.nr; i++)
		print_message("%d: %s\n", diags.items[i].line, diags.items[i].message);
	assert_int_equal(rc, 0);
	diag_list_release(&diags);
	source_free(src);
	free(text);
	return m;
}

static const char **owner_label(struct live_state *s)
{
	const char **l = arena_alloc(&s->arena, sizeof(*l));
	l[0] = "prismsync:owner=platform";
	return l;
}

static struct live_config_input *inputs(struct live_state *s, size_t n, ...)
{
	va_list ap;
	struct live_config_input *in = arena_alloc(&s->arena, n * sizeof(*in));
	memset(in, 0, n * sizeof(*in));
	va_start(ap, n);
	for (size_t i = 0; i < n; i++) {
		in[i].name = va_arg(ap, const char *);
		in[i].value = va_arg(ap, const char *);
		in[i].type = "value";
		in[i].has_value = true;
		in[i].write_only = !*in[i].value;
	}
	va_end(ap);
	return in;
}

/* An organization where the instance runs with everything the manifest sets. */
static struct live_state *org(void)
{
	struct live_state *s = live_state_new();
	struct live_customer *c = live_add_customer(s);
	c->id = "C1";
	c->external_id = "acme";
	c->name = "Acme";
	c->description = "";

	struct live_customer_var *cv = live_add_customer_var(s);
	cv->id = "CCV1";
	cv->key = "slack-workspace";
	cv->status = "ACTIVE";
	cv->customer_id = "C1";
	cv = live_add_customer_var(s);
	cv->id = "CCV2";
	cv->key = "slack-sandbox";
	cv->status = "ACTIVE";
	cv->customer_id = "C1";
	s->has_customer_vars = true;

	struct live_integration *g = live_add_integration(s);
	g->id = "I1";
	g->name = "Shop Sync";
	g->description = "Orders";
	g->labels = owner_label(s);
	g->labels_nr = 1;
	g->draft_version_number = 3;
	g->definition = definition;
	g->versions = arena_alloc(&s->arena, sizeof(*g->versions));
	g->versions[0] = (struct live_version){"V2", 2, true};
	g->versions_nr = 1;
	g->latest = &g->versions[0];
	g->latest_definition = definition;

	struct live_instance *in = live_add_instance(s);
	in->id = "N1";
	in->name = "Shop Sync";
	in->description = "";
	in->labels = owner_label(s);
	in->labels_nr = 1;
	in->enabled = true;
	in->customer_id = "C1";
	in->customer_external_id = "acme";
	in->customer_name = "Acme";
	in->version_id = "V2";
	in->version_number = 2;
	in->integration_name = "Shop Sync";
	in->has_deployed_version = true;
	in->deployed_version = 2;
	in->config_state = "FULLY_CONFIGURED";
	struct live_config_var *v = arena_alloc(&s->arena, 6 * sizeof(*v));
	memset(v, 0, 6 * sizeof(*v));
	v[0] = (struct live_config_var){.key = "Shop URL",
	                                .value = "https://shop.acme.example",
	                                .data_type = "STRING",
	                                .status = "ACTIVE"};
	v[1] = (struct live_config_var){.key = "Region", .value = "eu", .data_type = "STRING"};
	v[2] =
	    (struct live_config_var){.key = "Shop Connection",
	                             .data_type = "CONNECTION",
	                             .status = "ACTIVE",
	                             .inputs = inputs(s, 2, "username", "svc-sync", "password", ""),
	                             .inputs_nr = 2};
	v[3] = (struct live_config_var){
	    .key = "GitHub Connection",
	    .data_type = "CONNECTION",
	    .status = "ACTIVE",
	    .inputs = inputs(s, 3, "clientId", "gh-client", "clientSecret", "", "scopes", "repo"),
	    .inputs_nr = 3};
	v[4] = (struct live_config_var){.key = "Slack",
	                                .data_type = "CONNECTION",
	                                .status = "ACTIVE",
	                                .customer_var_id = "CCV1",
	                                .customer_var_key = "slack-workspace"};
	v[5] = (struct live_config_var){.key = "Nightly",
	                                .value = "0 2 * * *",
	                                .data_type = "SCHEDULE",
	                                .schedule_type = "CUSTOM",
	                                .time_zone = "Europe/Berlin"};
	in->config = v;
	in->config_nr = 6;
	live_state_index(s);
	return s;
}

static struct live_config_var *live_var(struct live_state *s, const char *key)
{
	return (struct live_config_var *)live_instance_config_var(&s->instances[0], key);
}

static void run(struct plan *p, const struct manifest *m, const struct live_state *s,
                bool push_secrets, struct diag_list *diags)
{
	struct diff_opts o = {false, fake_env, NULL, NULL, NULL, false, push_secrets};
	plan_init(p);
	diag_list_init(diags);
	diff_build(p, m, s, &o, diags);
	for (size_t i = 0; i < diags->nr; i++)
		print_message("%s %d: %s\n",
		              diags->items[i].severity == DIAG_ERROR ? "error" : "warning",
		              diags->items[i].line, diags->items[i].message);
}

static char *plan_ids(const struct plan *p)
{
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < p->nr; i++)
		buf_addf(&b, "%s#%s\n", p->changes[i].address,
		         plan_action_name(p->changes[i].action));
	return buf_detach(&b, NULL);
}

static const struct plan_field *field(const struct plan_change *c, const char *name)
{
	for (size_t i = 0; i < c->fields_nr; i++)
		if (!strcmp(c->fields[i].name, name))
			return &c->fields[i];
	return NULL;
}

/* Neither secret appears in any field or payload of the plan. */
static void assert_no_secret(const struct plan *p)
{
	for (size_t i = 0; i < p->nr; i++) {
		const struct plan_change *c = &p->changes[i];
		const char *pl = payload(c);
		assert_null(strstr(pl, SECRET_PW));
		assert_null(strstr(pl, SECRET_GH));
		for (size_t f = 0; f < c->fields_nr; f++) {
			const struct plan_field *fl = &c->fields[f];
			const char *a = fl->after ? fl->after : "",
			           *b = fl->before ? fl->before : "";
			assert_null(strstr(a, SECRET_PW));
			assert_null(strstr(a, SECRET_GH));
			assert_null(strstr(b, SECRET_PW));
			assert_null(strstr(b, SECRET_GH));
		}
	}
}

static bool has_diag(const struct diag_list *d, enum diag_severity sev, int line, const char *text)
{
	for (size_t i = 0; i < d->nr; i++)
		if (d->items[i].severity == sev && (!line || d->items[i].line == line) &&
		    strstr(d->items[i].message, text))
			return true;
	return false;
}

static void release(struct plan *p, struct diag_list *d, struct live_state *s, struct manifest *m)
{
	plan_release(p);
	diag_list_release(d);
	live_state_free(s);
	manifest_free(m);
}

static void test_in_sync_write_only_inputs_never_differ(void **state)
{
	(void)state;
	struct manifest *m = load(all_config);
	struct live_state *s = org();
	struct plan p;
	struct diag_list d;
	run(&p, m, s, false, &d);
	char *ids = plan_ids(&p);
	assert_string_equal(ids, "");
	assert_int_equal(d.nr, 0);
	free(ids);
	release(&p, &d, s, m);
}

static void test_push_secrets_writes_every_write_only_input(void **state)
{
	(void)state;
	struct manifest *m = load(all_config);
	struct live_state *s = org();
	struct plan p;
	struct diag_list d;
	run(&p, m, s, true, &d);
	char *ids = plan_ids(&p);
	/* The OAuth connection, written again, needs authorizing again: no deploy. */
	assert_string_equal(ids, "instance.acme/Shop Sync#update\n");
	const struct plan_change *u = &p.changes[0];
	const struct plan_field *pw = field(u, "configVariables.Shop Connection.inputs.password");
	assert_non_null(pw);
	assert_true(pw->sensitive);
	assert_string_equal(pw->after, "\"(sensitive)\"");
	assert_true(field(u, "configVariables.GitHub Connection.inputs.clientSecret")->sensitive);
	/* Inputs that compare equal are not fields, but the payload lists them all. */
	assert_null(field(u, "configVariables.Shop Connection.inputs.username"));
	assert_non_null(strstr(payload(u), "{\"key\":\"Shop Connection\",\"inputs\":["
	                                   "{\"name\":\"username\",\"value\":\"svc-sync\"},"
	                                   "{\"name\":\"password\",\"env\":\"SHOP_PASSWORD\"}]}"));
	assert_true(has_diag(&d, DIAG_WARNING, 6, "'GitHub Connection' awaits OAuth 2.0"));
	assert_int_equal(d.errors, 0);
	assert_no_secret(&p);
	free(ids);
	release(&p, &d, s, m);
}

static void test_each_form_compares_its_own_way(void **state)
{
	(void)state;
	struct manifest *m = load(all_config);
	struct live_state *s = org();
	live_var(s, "Shop Connection")->inputs[0].value = "someone-else";
	live_var(s, "Slack")->customer_var_id = "CCV2";
	live_var(s, "Slack")->customer_var_key = "slack-sandbox";
	live_var(s, "Nightly")->time_zone = "UTC";
	live_var(s, "Shop URL")->value = "https://old.example";
	struct plan p;
	struct diag_list d;
	run(&p, m, s, false, &d);
	char *ids = plan_ids(&p);
	assert_string_equal(ids, "instance.acme/Shop Sync#update\n"
	                         "instance.acme/Shop Sync#deploy\n");
	const struct plan_change *u = &p.changes[0];
	const struct plan_field *f = field(u, "configVariables.Shop Connection.inputs.username");
	assert_string_equal(f->before, "\"someone-else\"");
	assert_string_equal(f->after, "\"svc-sync\"");
	assert_false(f->sensitive);
	assert_null(field(u, "configVariables.Shop Connection.inputs.password"));
	f = field(u, "configVariables.Slack.customerConnection");
	assert_string_equal(f->before, "\"slack-sandbox\"");
	assert_string_equal(f->after, "\"slack-workspace\"");
	f = field(u, "configVariables.Nightly.timeZone");
	assert_string_equal(f->before, "\"UTC\"");
	assert_string_equal(f->after, "\"Europe/Berlin\"");
	assert_null(field(u, "configVariables.Nightly.schedule"));
	assert_string_equal(field(u, "configVariables.Shop URL")->before,
	                    "\"https://old.example\"");
	/* Only what differs is written, each in its own form. */
	assert_non_null(strstr(payload(u), "\"customerConfigVariableId\":\"CCV1\""));
	assert_non_null(
	    strstr(payload(u), "\"scheduleType\":\"CUSTOM\",\"timeZone\":\"Europe/Berlin\""));
	assert_null(strstr(payload(u), "GitHub Connection"));
	assert_int_equal(d.nr, 0);
	assert_no_secret(&p);
	free(ids);
	release(&p, &d, s, m);
}

static void test_new_instance_with_oauth_waits_for_authorization(void **state)
{
	(void)state;
	struct manifest *m = load(all_config);
	struct live_state *s = org();
	s->instances_nr = 0;
	live_state_index(s);
	struct plan p;
	struct diag_list d;
	run(&p, m, s, false, &d);
	char *ids = plan_ids(&p);
	assert_string_equal(ids, "instance.acme/Shop Sync#create\n");
	const struct plan_change *c = &p.changes[0];
	assert_non_null(strstr(c->note, "GitHub Connection"));
	assert_true(has_diag(&d, DIAG_WARNING, 6, "instance 'Shop Sync' of customer 'acme'"));
	assert_int_equal(d.errors, 0);
	assert_true(field(c, "configVariables.Shop Connection.inputs.password")->sensitive);
	assert_null(field(c, "configVariables.Shop Connection.inputs.password")->before);
	assert_false(field(c, "configVariables.Shop Connection.inputs.username")->sensitive);
	assert_string_equal(field(c, "configVariables.Slack.customerConnection")->after,
	                    "\"slack-workspace\"");
	assert_non_null(strstr(payload(c), "{\"name\":\"clientSecret\",\"env\":\"GH_SECRET\"}"));
	assert_no_secret(&p);
	free(ids);
	release(&p, &d, s, m);
}

static void test_pending_then_authorized(void **state)
{
	(void)state;
	struct manifest *m = load(all_config);
	struct live_state *s = org();
	s->instances[0].needs_deploy = true;
	live_var(s, "GitHub Connection")->status = "PENDING";
	struct plan p;
	struct diag_list d;
	run(&p, m, s, false, &d);
	char *ids = plan_ids(&p);
	assert_string_equal(ids, "");
	assert_true(has_diag(&d, DIAG_WARNING, 6, "'GitHub Connection' awaits OAuth 2.0"));
	free(ids);
	plan_release(&p);
	diag_list_release(&d);

	live_var(s, "GitHub Connection")->status = "ACTIVE";
	run(&p, m, s, false, &d);
	ids = plan_ids(&p);
	assert_string_equal(ids, "instance.acme/Shop Sync#deploy\n");
	assert_int_equal(d.nr, 0);
	free(ids);
	release(&p, &d, s, m);
}

static void test_pending_with_nothing_set_is_unset(void **state)
{
	(void)state;
	/* Nothing about GitHub in the manifest; live it is PENDING with no input set. */
	struct manifest *m = load("    configVariables:\n"
	                          "      Shop URL: https://shop.acme.example\n");
	struct live_state *s = org();
	struct live_config_var *gh = live_var(s, "GitHub Connection");
	gh->status = "PENDING";
	for (size_t i = 0; i < gh->inputs_nr; i++) {
		gh->inputs[i].value = "";
		gh->inputs[i].has_value = false;
		gh->inputs[i].write_only = false;
	}
	struct plan p;
	struct diag_list d;
	run(&p, m, s, false, &d);
	assert_true(
	    has_diag(&d, DIAG_ERROR, 6, "required config variable 'GitHub Connection' unset"));
	assert_false(has_diag(&d, DIAG_WARNING, 0, "OAuth"));
	release(&p, &d, s, m);
}

static void test_required_variable_left_unset(void **state)
{
	(void)state;
	/* No Shop URL anywhere; Region has a default; the connections are set live. */
	struct manifest *m = load("    configVariables:\n"
	                          "      Nightly:\n"
	                          "        schedule: \"0 3 * * *\"\n"
	                          "        timeZone: UTC\n");
	struct live_state *s = org();
	live_var(s, "Shop URL")->value = NULL;
	live_var(s, "Region")->value = NULL;
	struct plan p;
	struct diag_list d;
	run(&p, m, s, false, &d);
	assert_true(has_diag(&d, DIAG_ERROR, 6, "required config variable 'Shop URL' unset"));
	assert_int_equal(d.errors, 1);
	plan_release(&p);
	diag_list_release(&d);
	manifest_free(m);

	/* A new instance: every connection must be given too; an empty default is a value. */
	m = load("    configVariables:\n"
	         "      Shop URL: https://x.example\n");
	s->instances_nr = 0;
	live_state_index(s);
	run(&p, m, s, false, &d);
	assert_true(
	    has_diag(&d, DIAG_ERROR, 6,
	             "variables 'Shop Connection', 'GitHub Connection', 'Slack', 'Nightly'"));
	plan_release(&p);
	diag_list_release(&d);
	manifest_free(m);

	/* deploy: false creates it anyway. */
	m = load("    deploy: false\n");
	run(&p, m, s, false, &d);
	assert_int_equal(d.errors, 0);
	char *ids = plan_ids(&p);
	assert_string_equal(ids, "instance.acme/Shop Sync#create\n");
	free(ids);
	release(&p, &d, s, m);
}

static void test_missing_customer_connection(void **state)
{
	(void)state;
	struct manifest *m = load("    configVariables:\n"
	                          "      Slack:\n"
	                          "        customerConnection: slack-prod\n");
	struct live_state *s = org();
	struct plan p;
	struct diag_list d;
	run(&p, m, s, false, &d);
	assert_true(has_diag(&d, DIAG_ERROR, 11,
	                     "customer 'acme' has no customer-level connection 'slack-prod'"));
	assert_true(has_diag(&d, DIAG_ERROR, 11, "'slack-workspace', 'slack-sandbox'"));
	release(&p, &d, s, m);
}

static void test_two_customer_connections_with_one_key(void **state)
{
	(void)state;
	struct manifest *m = load("    configVariables:\n"
	                          "      Slack:\n"
	                          "        customerConnection: slack-workspace\n");
	struct live_state *s = org();
	struct live_customer_var *cv = live_add_customer_var(s);
	cv->id = "CCV3";
	cv->key = "slack-workspace";
	cv->status = "ACTIVE";
	cv->customer_id = "C1";
	struct plan p;
	struct diag_list d;
	run(&p, m, s, false, &d);
	assert_true(has_diag(&d, DIAG_ERROR, 11,
	                     "customer 'acme' has two customer-level connections 'slack-workspace' "
	                     "(ids CCV1 and CCV3)"));
	release(&p, &d, s, m);
}

static void test_unset_environment_variable_of_an_input(void **state)
{
	(void)state;
	struct manifest *m = load("    configVariables:\n"
	                          "      Shop Connection:\n"
	                          "        inputs:\n"
	                          "          password: ${env:NOT_SET_ANYWHERE}\n");
	struct live_state *s = org();
	struct plan p;
	struct diag_list d;
	run(&p, m, s, false, &d);
	assert_true(has_diag(&d, DIAG_ERROR, 12, "NOT_SET_ANYWHERE is not set (input 'password'"));
	release(&p, &d, s, m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_in_sync_write_only_inputs_never_differ),
	    cmocka_unit_test(test_push_secrets_writes_every_write_only_input),
	    cmocka_unit_test(test_each_form_compares_its_own_way),
	    cmocka_unit_test(test_new_instance_with_oauth_waits_for_authorization),
	    cmocka_unit_test(test_pending_then_authorized),
	    cmocka_unit_test(test_pending_with_nothing_set_is_unset),
	    cmocka_unit_test(test_required_variable_left_unset),
	    cmocka_unit_test(test_missing_customer_connection),
	    cmocka_unit_test(test_two_customer_connections_with_one_key),
	    cmocka_unit_test(test_unset_environment_variable_of_an_input),
	};
	return cmocka_run_group_tests(tests, NULL, payloads_release);
}
