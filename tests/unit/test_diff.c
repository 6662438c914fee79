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

static const char def_v1[] = "definitionVersion: 7\n"
                             "name: Order Sync\n"
                             "description: Orders to the shop\n"
                             "requiredConfigVars:\n"
                             "  - key: Shop URL\n"
                             "    dataType: string\n"
                             "  - key: API Key\n"
                             "    dataType: string\n"
                             "flows:\n"
                             "  - name: Push\n"
                             "    steps:\n"
                             "      - name: Trigger\n"
                             "        isTrigger: true\n"
                             "        action: {key: schedule, component: {key: schedule-triggers, "
                             "version: LATEST}}\n";

/* The same definition as the server returns it: defaults added, version pinned. */
static const char def_v1_live[] =
    "category: \"\"\n"
    "definitionVersion: 7\n"
    "description: Orders to the shop\n"
    "flows:\n"
    "  - description: \"\"\n"
    "    name: Push\n"
    "    steps:\n"
    "      - action:\n"
    "          component: {isPublic: true, key: schedule-triggers, version: 3}\n"
    "          key: schedule\n"
    "        description: \"\"\n"
    "        inputs: {}\n"
    "        isTrigger: true\n"
    "        name: Trigger\n"
    "labels: [prismsync:owner=platform]\n"
    "name: Order Sync\n"
    "requiredConfigVars:\n"
    "  - {dataType: string, key: Shop URL}\n"
    "  - {dataType: string, key: API Key}\n";

static const char manifest_text[] = "version: 1\n"
                                    "owner: platform\n"
                                    "customers:\n"
                                    "  - externalId: acme\n"
                                    "    name: Acme Corp\n"
                                    "integrations:\n"
                                    "  - definition: order-sync.yml\n"
                                    "instances:\n"
                                    "  - name: Order Sync\n"
                                    "    customer: acme\n"
                                    "    integration: Order Sync\n"
                                    "    enabled: false\n"
                                    "    configVariables:\n"
                                    "      Shop URL: https://shop.acme.example\n"
                                    "      API Key: ${env:TEST_DIFF_KEY}\n";

static const char *fake_env(const char *name)
{
	return !strcmp(name, "TEST_DIFF_KEY") ? "s3cret-value" : NULL;
}

static struct manifest *load(const char *text, const char *def)
{
	struct source *src = source_mem_new();
	struct diag_list diags;
	struct manifest *m = NULL;
	source_mem_add(src, "prismsync.yaml", text, strlen(text));
	source_mem_add(src, "order-sync.yml", def, strlen(def));
	diag_list_init(&diags);
	int rc = manifest_load(&m, src, "prismsync.yaml", 0, &diags);
	for (size_t i = 0; i < diags.nr; i++)
		print_message("%d: %s\n", diags.items[i].line, diags.items[i].message);
	assert_int_equal(rc, 0);
	diag_list_release(&diags);
	source_free(src);
	return m;
}

static const char **labels(struct live_state *s, size_t n, ...)
{
	va_list ap;
	const char **out = arena_alloc(&s->arena, (n + 1) * sizeof(*out));
	va_start(ap, n);
	for (size_t i = 0; i < n; i++)
		out[i] = live_strdup(s, va_arg(ap, const char *));
	va_end(ap);
	return out;
}

/* An organization where everything in the manifest already exists and runs. */
static struct live_state *org_in_sync(void)
{
	struct live_state *s = live_state_new();
	struct live_customer *c = live_add_customer(s);
	c->id = "C1";
	c->external_id = "acme";
	c->name = "Acme Corp";
	c->description = "";
	c->labels = labels(s, 1, "prismsync:owner=platform");
	c->labels_nr = 1;

	struct live_integration *g = live_add_integration(s);
	g->id = "I1";
	g->name = "Order Sync";
	g->description = "Orders to the shop";
	g->labels = labels(s, 1, "prismsync:owner=platform");
	g->labels_nr = 1;
	g->draft_version_number = 3;
	g->definition = def_v1_live;
	g->versions = arena_alloc(&s->arena, 2 * sizeof(*g->versions));
	g->versions[0] = (struct live_version){"V1", 1, true};
	g->versions[1] = (struct live_version){"V2", 2, true};
	g->versions_nr = 2;
	g->latest = &g->versions[1];
	g->latest_definition = def_v1_live;

	struct live_instance *in = live_add_instance(s);
	in->id = "N1";
	in->name = "Order Sync";
	in->description = "";
	in->labels = labels(s, 1, "prismsync:owner=platform");
	in->labels_nr = 1;
	in->enabled = false;
	in->customer_id = "C1";
	in->customer_external_id = "acme";
	in->customer_name = "Acme Corp";
	in->version_id = "V2";
	in->version_number = 2;
	in->integration_name = "Order Sync";
	in->has_deployed_version = true;
	in->deployed_version = 2;
	in->config = arena_alloc(&s->arena, 2 * sizeof(*in->config));
	in->config[0] =
	    (struct live_config_var){.key = "Shop URL", .value = "https://shop.acme.example"};
	in->config[1] = (struct live_config_var){.key = "API Key", .value = "s3cret-value"};
	in->config_nr = 2;
	live_state_index(s);
	return s;
}

static char *plan_ids(const struct plan *p)
{
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < p->nr; i++)
		buf_addf(&b, "%s#%s\n", p->changes[i].address,
		         plan_action_name(p->changes[i].action));
	return buf_detach(&b, NULL);
}

static void run(struct plan *p, const struct manifest *m, const struct live_state *s, bool prune,
                struct diag_list *diags)
{
	struct diff_opts o = {prune, fake_env, NULL, NULL, NULL, false, false};
	plan_init(p);
	diag_list_init(diags);
	diff_build(p, m, s, &o, diags);
	assert_true(plan_is_ordered(p));
}

static const struct plan_field *field(const struct plan_change *c, const char *name)
{
	for (size_t i = 0; i < c->fields_nr; i++)
		if (!strcmp(c->fields[i].name, name))
			return &c->fields[i];
	return NULL;
}

static void test_empty_org_creates_everything(void **state)
{
	(void)state;
	struct manifest *m = load(manifest_text, def_v1);
	struct live_state *s = live_state_new();
	live_state_index(s);
	struct plan p;
	struct diag_list diags;
	run(&p, m, s, false, &diags);
	assert_int_equal(diags.errors, 0);
	char *ids = plan_ids(&p);
	assert_string_equal(ids, "customer.acme#create\n"
	                         "integration.Order Sync#create\n"
	                         "integration.Order Sync#publish\n"
	                         "instance.acme/Order Sync#create\n"
	                         "instance.acme/Order Sync#deploy\n"
	                         "instance.acme/Order Sync#disable\n");
	/* The instance waits for its customer and for the first version. */
	const struct plan_change *create = &p.changes[3];
	assert_int_equal(create->deps_nr, 3);
	assert_string_equal(field(create, "version")->after, "\"(new version 1)\"");
	const struct plan_field *key = field(create, "configVariables.API Key");
	assert_true(key->sensitive);
	/* No secret anywhere in the plan, only the reference. */
	for (size_t i = 0; i < p.nr; i++) {
		assert_null(strstr(payload(&p.changes[i]), "s3cret"));
		for (size_t f = 0; f < p.changes[i].fields_nr; f++) {
			const struct plan_field *fl = &p.changes[i].fields[f];
			assert_null(fl->after ? strstr(fl->after, "s3cret") : NULL);
		}
	}
	assert_non_null(strstr(payload(create), "{\"key\":\"API Key\",\"env\":\"TEST_DIFF_KEY\"}"));
	/* The import carries the owner label. */
	assert_non_null(strstr(payload(&p.changes[1]), "prismsync:owner=platform"));
	free(ids);
	plan_release(&p);
	diag_list_release(&diags);
	live_state_free(s);
	manifest_free(m);
}

static void test_in_sync_org_has_nothing_to_do(void **state)
{
	(void)state;
	struct manifest *m = load(manifest_text, def_v1);
	struct live_state *s = org_in_sync();
	struct plan p;
	struct diag_list diags;
	run(&p, m, s, false, &diags);
	char *ids = plan_ids(&p);
	assert_string_equal(ids, "");
	assert_int_equal(diags.errors, 0);
	free(ids);
	plan_release(&p);
	diag_list_release(&diags);
	live_state_free(s);
	manifest_free(m);
}

/* Plans m against s without prune and checks the changes' ids, with no error. */
static void expect_plan(const struct manifest *m, const struct live_state *s, const char *ids)
{
	struct plan p;
	struct diag_list diags;
	run(&p, m, s, false, &diags);
	assert_int_equal(diags.errors, 0);
	char *got = plan_ids(&p);
	assert_string_equal(got, ids);
	free(got);
	plan_release(&p);
	diag_list_release(&diags);
}

/*
 * Whether to publish: a draft the list reports unchanged since its newest,
 * available version is published (its latest definition is not even read);
 * a draft with unpublished changes is compared with the latest version,
 * metadata aside.
 */
static void test_publish_follows_unpublished_changes(void **state)
{
	(void)state;
	struct manifest *m = load(manifest_text, def_v1);
	struct live_state *s = org_in_sync();
	struct live_integration *g = &s->integrations[0];

	assert_true(live_draft_is_latest(g));
	g->latest_definition = NULL; /* not read */
	expect_plan(m, s, "");

	/* Changes to the description alone: nothing to publish. */
	g->has_unpublished_changes = true;
	assert_false(live_draft_is_latest(g));
	char *described = xstrdup(def_v1_live);
	memcpy(strstr(described, "Orders to the shop"), "Orders to my shop!", 18);
	g->latest_definition = described;
	expect_plan(m, s, "");

	/* A flow changed since the latest version: published, without an import. */
	char *older = xstrdup(def_v1_live);
	memcpy(strstr(older, "name: Push"), "name: Pull", 10);
	g->latest_definition = older;
	expect_plan(m, s,
	            "integration.Order Sync#publish\n"
	            "instance.acme/Order Sync#update\n"
	            "instance.acme/Order Sync#deploy\n");

	free(described);
	free(older);
	live_state_free(s);
	manifest_free(m);
}

static void test_definition_change_imports_publishes_and_redeploys(void **state)
{
	(void)state;
	char *def = xstrdup(def_v1);
	memcpy(strstr(def, "name: Push"), "name: Pull", 10);
	struct manifest *m = load(manifest_text, def);
	struct live_state *s = org_in_sync();
	struct plan p;
	struct diag_list diags;
	run(&p, m, s, false, &diags);
	char *ids = plan_ids(&p);
	assert_string_equal(ids, "integration.Order Sync#import\n"
	                         "integration.Order Sync#publish\n"
	                         "instance.acme/Order Sync#update\n"
	                         "instance.acme/Order Sync#deploy\n");
	assert_string_equal(p.changes[0].fields[0].name, "definition.flows[0].name");
	assert_string_equal(p.changes[0].fields[0].before, "\"Push\"");
	assert_string_equal(p.changes[0].fields[0].after, "\"Pull\"");
	assert_string_equal(p.changes[1].note, "as version 3");
	assert_string_equal(field(&p.changes[2], "version")->before, "2");
	assert_string_equal(field(&p.changes[2], "version")->after, "\"(new version 3)\"");
	assert_non_null(p.changes[0].fingerprint);
	assert_string_equal(p.changes[0].live_id, "I1");
	free(ids);
	free(def);
	plan_release(&p);
	diag_list_release(&diags);
	live_state_free(s);
	manifest_free(m);
}

static void test_hand_edits_are_seen(void **state)
{
	(void)state;
	struct manifest *m = load(manifest_text, def_v1);
	struct live_state *s = org_in_sync();
	s->instances[0].enabled = true;                           /* enabled in the UI */
	s->instances[0].config[0].value = "https://evil.example"; /* edited by hand */
	s->customers[0].name = "ACME";                            /* renamed */
	struct plan p;
	struct diag_list diags;
	run(&p, m, s, false, &diags);
	char *ids = plan_ids(&p);
	assert_string_equal(ids, "customer.acme#update\n"
	                         "instance.acme/Order Sync#update\n"
	                         "instance.acme/Order Sync#deploy\n"
	                         "instance.acme/Order Sync#disable\n");
	const struct plan_field *url = field(&p.changes[1], "configVariables.Shop URL");
	assert_string_equal(url->before, "\"https://evil.example\"");
	assert_string_equal(url->after, "\"https://shop.acme.example\"");
	assert_null(field(&p.changes[1], "configVariables.API Key"));
	char fp1[65], fp2[65];
	plan_fingerprint(&p, fp1);
	plan_fingerprint(&p, fp2);
	assert_string_equal(fp1, fp2);
	s->instances[0].config[0].value = "https://other.example";
	plan_release(&p);
	diag_list_release(&diags);
	run(&p, m, s, false, &diags);
	plan_fingerprint(&p, fp2);
	assert_string_not_equal(fp1, fp2);
	free(ids);
	plan_release(&p);
	diag_list_release(&diags);
	live_state_free(s);
	manifest_free(m);
}

/* A reference found nowhere suggests the nearest name of the manifest or the organization. */
static void test_reference_typos_get_a_suggestion(void **state)
{
	(void)state;
	static const char text[] = "version: 1\n"
	                           "customers:\n"
	                           "  - externalId: initech\n"
	                           "    name: Initech\n"
	                           "instances:\n"
	                           "  - name: A\n"
	                           "    customer: Initech\n"
	                           "    integration: Order Sync\n"
	                           "  - name: B\n"
	                           "    customer: acme\n"
	                           "    integration: order sync\n"
	                           "  - name: C\n"
	                           "    customer: acmee\n"
	                           "    integration: Order Sync\n";
	struct manifest *m = load(text, def_v1);
	struct live_state *s = org_in_sync();
	struct plan p;
	struct diag_list diags;
	run(&p, m, s, false, &diags);
	diag_sort(&diags);
	assert_int_equal(diags.errors, 3);
	assert_string_equal(
	    diags.items[0].message,
	    "customer 'Initech' is neither in the manifest nor in the organization; "
	    "did you mean 'initech'?");
	assert_string_equal(diags.items[1].message,
	                    "integration 'order sync' is neither in the manifest nor in the "
	                    "organization; did you mean 'Order Sync'?");
	assert_string_equal(diags.items[2].message,
	                    "customer 'acmee' is neither in the manifest nor in the organization; "
	                    "did you mean 'acme'?");
	plan_release(&p);
	diag_list_release(&diags);
	live_state_free(s);
	manifest_free(m);
}

static void test_references_and_versions(void **state)
{
	(void)state;
	static const char text[] = "version: 1\n"
	                           "instances:\n"
	                           "  - name: A\n"
	                           "    customer: nobody\n"
	                           "    integration: Order Sync\n"
	                           "  - name: B\n"
	                           "    customer: acme\n"
	                           "    integration: Nothing\n"
	                           "  - name: C\n"
	                           "    customer: acme\n"
	                           "    integration: Order Sync\n"
	                           "    version: 9\n"
	                           "  - name: D\n"
	                           "    customer: acme\n"
	                           "    integration: Order Sync\n"
	                           "    version: 1\n";
	struct manifest *m = load(text, def_v1);
	struct live_state *s = org_in_sync();
	struct plan p;
	struct diag_list diags;
	run(&p, m, s, false, &diags);
	diag_sort(&diags);
	assert_int_equal(diags.errors, 3);
	assert_string_equal(diags.items[0].message,
	                    "customer 'nobody' is neither in the manifest nor in the organization");
	assert_int_equal(diags.items[0].line, 4);
	assert_string_equal(
	    diags.items[1].message,
	    "integration 'Nothing' is neither in the manifest nor in the organization");
	assert_int_equal(diags.items[2].line, 12);
	/* D pins version 1, which exists: created (default owner label) and deployed. */
	char *ids = plan_ids(&p);
	assert_string_equal(ids, "instance.acme/D#create\ninstance.acme/D#deploy\n");
	free(ids);
	plan_release(&p);
	diag_list_release(&diags);
	live_state_free(s);
	manifest_free(m);
}

static void test_prune_respects_labels(void **state)
{
	(void)state;
	static const char text[] = "version: 1\nowner: platform\n";
	struct manifest *m = load(text, def_v1);
	struct live_state *s = org_in_sync();
	struct live_instance *other = live_add_instance(s);
	*other = s->instances[0];
	other->id = "N2";
	other->name = "Hand Made";
	other->labels = labels(s, 0);
	other->labels_nr = 0;
	struct live_instance *prot = live_add_instance(s);
	*prot = s->instances[0];
	prot->id = "N3";
	prot->name = "Protected";
	prot->labels = labels(s, 2, "prismsync:owner=platform", "prismsync:protected");
	prot->labels_nr = 2;
	live_state_index(s);
	struct plan p;
	struct diag_list diags;
	run(&p, m, s, true, &diags);
	char *ids = plan_ids(&p);
	/* Only the owned, unprotected instance goes; the integration still has instances. */
	assert_string_equal(ids, "instance.acme/Order Sync#delete\n");
	assert_int_equal(diags.warnings, 1);
	free(ids);
	plan_release(&p);
	diag_list_release(&diags);

	/* Without --prune nothing is deleted. */
	run(&p, m, s, false, &diags);
	assert_int_equal(p.nr, 0);
	plan_release(&p);
	diag_list_release(&diags);
	live_state_free(s);
	manifest_free(m);
}

/*
 * Code-native integrations have no definition: importing one is refused at
 * the manifest's entry; a draft without a definition is imported over.
 */
static void test_code_native_and_definition_less(void **state)
{
	(void)state;
	struct manifest *m = load(manifest_text, def_v1);
	struct live_state *s = org_in_sync();
	struct plan p;
	struct diag_list diags;

	s->integrations[0].is_code_native = true;
	s->integrations[0].definition = NULL;
	s->integrations[0].latest_definition = NULL;
	run(&p, m, s, false, &diags);
	assert_int_equal(diags.errors, 1);
	assert_int_equal(diags.items[0].line, 7);
	assert_non_null(strstr(diags.items[0].message,
	                       "integration 'Order Sync' is code-native: it cannot be imported "
	                       "from a YAML definition"));
	plan_release(&p);
	diag_list_release(&diags);

	s->integrations[0].is_code_native = false;
	run(&p, m, s, false, &diags);
	assert_int_equal(diags.errors, 0);
	char *ids = plan_ids(&p);
	assert_string_equal(ids, "integration.Order Sync#import\n"
	                         "integration.Order Sync#publish\n"
	                         "instance.acme/Order Sync#update\n"
	                         "instance.acme/Order Sync#deploy\n");
	free(ids);
	plan_release(&p);
	diag_list_release(&diags);
	live_state_free(s);
	manifest_free(m);
}

int main(void)
{
	/* The loader only checks that the variable exists; the diff reads it through fake_env. */
	setenv("TEST_DIFF_KEY", "set-for-the-loader", 1);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_empty_org_creates_everything),
	    cmocka_unit_test(test_in_sync_org_has_nothing_to_do),
	    cmocka_unit_test(test_publish_follows_unpublished_changes),
	    cmocka_unit_test(test_definition_change_imports_publishes_and_redeploys),
	    cmocka_unit_test(test_hand_edits_are_seen),
	    cmocka_unit_test(test_references_and_versions),
	    cmocka_unit_test(test_reference_typos_get_a_suggestion),
	    cmocka_unit_test(test_prune_respects_labels),
	    cmocka_unit_test(test_code_native_and_definition_less),
	};
	return cmocka_run_group_tests(tests, NULL, payloads_release);
}
