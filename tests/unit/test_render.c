#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <json-c/json.h>

#include "../../cmd/render.h"

/* A small plan touching every kind of change, as the diff would build it. */
static void sample_plan(struct plan *p)
{
	plan_init(p);
	p->manifest = strdup("prismsync.yaml");
	p->owner = strdup("platform");
	size_t cust = plan_add(p, RES_CUSTOMER, PA_CREATE, "customer.acme");
	plan_field(p, cust, "name", NULL, "\"Acme Corp\"", false);
	plan_field(p, cust, "labels", NULL, "[\"tier-1\",\"prismsync:owner=platform\"]", false);
	size_t imp = plan_add(p, RES_INTEGRATION, PA_IMPORT, "integration.Order Sync");
	plan_set_live(p, imp, "SW50ZWdyYXRpb246MQ==", "abc123");
	plan_field(p, imp, "definition.flows[0].steps[1].inputs.url.value", "\"https://a\"",
	           "\"https://b\"", false);
	size_t pub = plan_add(p, RES_INTEGRATION, PA_PUBLISH, "integration.Order Sync");
	plan_depend(p, pub, imp);
	plan_set_note(p, pub, "as version 4");
	size_t upd = plan_add(p, RES_INSTANCE, PA_UPDATE, "instance.acme/Order Sync");
	plan_depend(p, upd, pub);
	plan_depend(p, upd, cust);
	plan_depend(p, upd, cust);
	plan_field(p, upd, "version", "3", "\"(new version)\"", false);
	plan_field(p, upd, "configVariables.API Key", "\"old-secret\"", "\"${env:KEY}\"", true);
	size_t dep = plan_add(p, RES_INSTANCE, PA_DEPLOY, "instance.acme/Order Sync");
	plan_depend(p, dep, upd);
	size_t del = plan_add(p, RES_INSTANCE, PA_DELETE, "instance.globex/Old");
	plan_field(p, del, "name", "\"Old\"", NULL, false);
}

static void test_text(void **state)
{
	(void)state;
	struct plan p;
	struct buf out = BUF_INIT;
	struct render_opts o = {RENDER_PLAN, false, NULL, false};
	sample_plan(&p);
	assert_true(plan_is_ordered(&p));
	render_text(&p, &o, &out);
	assert_string_equal(
	    out.data, "prismsync will make these changes:\n"
	              "\n"
	              "  + customer.acme (create)\n"
	              "      + name: \"Acme Corp\"\n"
	              "      + labels: [\"tier-1\",\"prismsync:owner=platform\"]\n"
	              "\n"
	              "  ~ integration.Order Sync (import, publish)\n"
	              "      ~ definition.flows[0].steps[1].inputs.url.value: \"https://a\" -> "
	              "\"https://b\"\n"
	              "      ^ publish as version 4\n"
	              "\n"
	              "  ~ instance.acme/Order Sync (update, deploy)\n"
	              "      ~ version: 3 -> \"(new version)\"\n"
	              "      ~ configVariables.API Key: (sensitive) -> (sensitive)\n"
	              "      > deploy\n"
	              "\n"
	              "  - instance.globex/Old (delete)\n"
	              "      - name: \"Old\"\n"
	              "\n"
	              "Plan: 1 to create, 2 to update, 1 to publish, 1 to deploy, 1 to delete.\n");
	assert_null(strstr(out.data, "old-secret"));
	assert_null(strstr(out.data, "${env:KEY}"));
	buf_release(&out);
	plan_release(&p);
}

/* One drifted instance is one object, however many actions repair it. */
static void test_drift_summary_counts_objects_then_actions(void **state)
{
	(void)state;
	struct plan p;
	struct buf out = BUF_INIT;
	plan_init(&p);
	plan_add(&p, RES_INSTANCE, PA_UPDATE, "instance.acme/Orders");
	plan_add(&p, RES_INSTANCE, PA_DEPLOY, "instance.acme/Orders");
	plan_add(&p, RES_INSTANCE, PA_ENABLE, "instance.acme/Orders");
	render_summary_line(&p, RENDER_DRIFT, &out);
	assert_string_equal(out.data, "Drift: 1 object differs (1 instance); bringing it back "
	                              "takes 2 updates, 1 deploy.\n");
	plan_add(&p, RES_CUSTOMER, PA_UPDATE, "customer.acme");
	plan_add(&p, RES_INSTANCE, PA_UPDATE, "instance.globex/Orders");
	buf_reset(&out);
	render_summary_line(&p, RENDER_DRIFT, &out);
	assert_string_equal(out.data, "Drift: 3 objects differ (1 customer, 2 instances); bringing "
	                              "them back takes 4 updates, 1 deploy.\n");
	buf_release(&out);
	plan_release(&p);
}

static void test_json(void **state)
{
	(void)state;
	struct plan p;
	struct buf out = BUF_INIT;
	struct render_opts o = {RENDER_PLAN, false, NULL, false};
	sample_plan(&p);
	render_json(&p, &o, &out);
	assert_null(strstr(out.data, "old-secret"));
	json_object *root = json_tokener_parse(out.data);
	assert_non_null(root);
	json_object *v, *changes, *c, *fields, *f;
	assert_true(json_object_object_get_ex(root, "format_version", &v));
	assert_string_equal(json_object_get_string(v), "1");
	assert_true(json_object_object_get_ex(root, "changes", &changes));
	assert_int_equal(json_object_array_length(changes), 6);
	c = json_object_array_get_idx(changes, 3);
	assert_true(json_object_object_get_ex(c, "address", &v));
	assert_string_equal(json_object_get_string(v), "instance.acme/Order Sync");
	assert_true(json_object_object_get_ex(c, "depends_on", &v));
	assert_int_equal(json_object_array_length(v), 2);
	assert_string_equal(json_object_get_string(json_object_array_get_idx(v, 0)),
	                    "integration.Order Sync#publish");
	assert_true(json_object_object_get_ex(c, "fields", &fields));
	assert_true(json_object_object_get_ex(fields, "configVariables.API Key", &f));
	assert_true(json_object_object_get_ex(f, "after", &v));
	assert_string_equal(json_object_get_string(v), "(sensitive)");
	assert_true(json_object_object_get_ex(fields, "version", &f));
	assert_true(json_object_object_get_ex(f, "before", &v));
	assert_int_equal(json_object_get_int(v), 3);
	assert_true(json_object_object_get_ex(root, "summary", &v));
	assert_true(json_object_object_get_ex(v, "update", &f));
	assert_int_equal(json_object_get_int(f), 2);
	json_object_put(root);

	/* The output is kept for the JSON Schema test to check. */
	const char *dir = getenv("PRISMSYNC_JSON_OUT");
	if (dir) {
		char path[4096];
		snprintf(path, sizeof(path), "%s/unit-render-plan.json", dir);
		FILE *fp = fopen(path, "w");
		if (fp) {
			fputs(out.data, fp);
			fclose(fp);
		}
	}
	buf_release(&out);
	plan_release(&p);
}

static void test_empty_plan_and_markdown(void **state)
{
	(void)state;
	struct plan p;
	struct buf out = BUF_INIT;
	struct render_opts o = {RENDER_PLAN, false, NULL, false};
	plan_init(&p);
	render_text(&p, &o, &out);
	assert_string_equal(out.data, "No changes. The organization matches the manifest.\n");
	buf_reset(&out);
	render_markdown(&p, &o, &out);
	assert_null(strstr(out.data, "<details>"));
	plan_release(&p);

	sample_plan(&p);
	buf_reset(&out);
	o.kind = RENDER_DRIFT;
	o.fingerprint = "f00d";
	render_markdown(&p, &o, &out);
	assert_non_null(strstr(out.data, "### prismsync drift report\n"));
	assert_non_null(strstr(out.data, "<details><summary>"));
	assert_non_null(strstr(out.data, "\n+   customer.acme (create)\n"));
	assert_non_null(strstr(out.data, "\n-   instance.globex/Old (delete)\n"));
	assert_non_null(strstr(out.data, "`f00d`"));
	buf_release(&out);
	plan_release(&p);
}

/*
 * A plan too long for a pull request comment is cut between objects: every
 * object shown is whole, the number left out is given, and the summary
 * still counts every change.
 */
static void test_long_markdown_is_cut_between_objects(void **state)
{
	(void)state;
	struct plan p;
	struct buf out = BUF_INIT;
	struct render_opts o = {RENDER_PLAN, false, NULL, false};
	plan_init(&p);
	enum { N = 1500 };
	for (int i = 0; i < N; i++) {
		char addr[64], name[64];
		snprintf(addr, sizeof(addr), "instance.acme/Sync %04d", i);
		snprintf(name, sizeof(name), "\"Sync %04d\"", i);
		size_t c = plan_add(&p, RES_INSTANCE, PA_CREATE, addr);
		plan_field(&p, c, "name", NULL, name, false);
		plan_field(&p, c, "description", NULL, "\"created by the test of long plans\"",
		           false);
		plan_field(&p, c, "labels", NULL, "[\"prismsync:owner=platform\"]", false);
		size_t d = plan_add(&p, RES_INSTANCE, PA_DEPLOY, addr);
		plan_depend(&p, d, c);
	}
	render_markdown(&p, &o, &out);
	assert_true(out.len < 65536); /* GitHub's limit for a comment */

	/* Count the objects shown; each must be whole (its three fields and its deploy). */
	size_t shown = 0;
	for (const char *at = strstr(out.data, "+   instance.acme/Sync "); at;
	     at = strstr(at + 1, "+   instance.acme/Sync ")) {
		char expect[256];
		snprintf(expect, sizeof(expect),
		         "+   instance.acme/Sync %04zu (create, deploy)\n"
		         "+       name: \"Sync %04zu\"\n"
		         "+       description: \"created by the test of long plans\"\n"
		         "+       labels: [\"prismsync:owner=platform\"]\n"
		         ">       deploy\n\n",
		         shown, shown);
		assert_memory_equal(at, expect, strlen(expect));
		shown++;
	}
	assert_true(shown > 100 && shown < N);
	char left[160];
	snprintf(left, sizeof(left), "... %zu more objects (%zu changes) not shown\n\n", N - shown,
	         2 * (N - shown));
	assert_non_null(strstr(out.data, left));
	snprintf(left, sizeof(left), "Too long for a comment: %zu objects (%zu changes) not shown",
	         N - shown, 2 * (N - shown));
	assert_non_null(strstr(out.data, left));
	const char *summary = "Plan: 1500 to create, 0 to update, 0 to publish, 1500 to deploy, "
	                      "0 to delete.\n```\n\n</details>\n";
	assert_string_equal(out.data + out.len - strlen(summary), summary);
	assert_non_null(strstr(out.data, "**Plan: 1500 to create"));
	buf_release(&out);
	plan_release(&p);
}

/* GitHub colours diff lines by their first character: + - and ! (for ~). */
static void test_markdown_symbols_in_the_first_column(void **state)
{
	(void)state;
	struct plan p;
	struct buf out = BUF_INIT;
	struct render_opts o = {RENDER_PLAN, false, NULL, false};
	sample_plan(&p);
	render_markdown(&p, &o, &out);
	assert_non_null(strstr(out.data, "\n!   integration.Order Sync (import, publish)\n"));
	assert_non_null(strstr(out.data, "\n!       version: 3 -> \"(new version)\"\n"));
	assert_non_null(strstr(out.data, "\n^       publish as version 4\n"));
	assert_non_null(strstr(out.data, "\n>       deploy\n"));
	assert_non_null(strstr(out.data, "`!` update or import"));
	assert_null(strstr(out.data, "not shown"));
	buf_release(&out);
	plan_release(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_text),
	    cmocka_unit_test(test_json),
	    cmocka_unit_test(test_drift_summary_counts_objects_then_actions),
	    cmocka_unit_test(test_empty_plan_and_markdown),
	    cmocka_unit_test(test_long_markdown_is_cut_between_objects),
	    cmocka_unit_test(test_markdown_symbols_in_the_first_column),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
