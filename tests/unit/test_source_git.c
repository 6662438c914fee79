/*
 * Unit tests of what git provenance and limited plans rest on: credentials
 * removed from repository URLs, the integrations --changed-since counts as
 * changed, and the plan cut down to them. Repositories themselves are
 * exercised by tests/integration/it_git*.sh.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../reconcile/limit.h"
#include "../../source/source_git.h"

static void check_strip(const char *url, const char *want)
{
	char *got = source_git_strip_credentials(url);
	assert_string_equal(got, want);
	free(got);
}

static void test_strip_credentials(void **state)
{
	(void)state;
	check_strip("https://user:token@github.com/acme/x.git", "https://github.com/acme/x.git");
	check_strip("https://x-access-token:ghs_abc@github.com/acme/x",
	            "https://github.com/acme/x");
	check_strip("https://token@gitlab.example/x", "https://gitlab.example/x");
	check_strip("https://u:p@ss@host/x", "https://host/x");
	check_strip("http://host/a@b", "http://host/a@b");
	check_strip("ssh://git:pw@host/x.git", "ssh://git@host/x.git");
	check_strip("ssh://git@host/x.git", "ssh://git@host/x.git");
	check_strip("git@github.com:acme/x.git", "git@github.com:acme/x.git");
	check_strip("/srv/git/x.git", "/srv/git/x.git");
	/* A password with '@' and '/', token-like query parameters, a port that is no password. */
	check_strip("https://u:p@ss/word@host/x.git", "https://host/x.git");
	check_strip("https://host/x.git?access_token=t0k3n", "https://host/x.git");
	check_strip("https://host/x.git?ref=a&private_token=t0k3n&b=2#f",
	            "https://host/x.git?ref=a&b=2#f");
	check_strip("https://host/x?X-Amz-Signature=abc&token", "https://host/x");
	check_strip("https://host:8443/org/@scope/x.git", "https://host:8443/org/@scope/x.git");
	check_strip("https://host:8443/x.git?tokens=1", "https://host:8443/x.git?tokens=1");
	check_strip("file:///srv/git/x.git", "file:///srv/git/x.git");
}

static const char manifest_v1[] = "version: 1\n"
                                  "customers:\n"
                                  "  - externalId: acme\n"
                                  "    name: Acme\n"
                                  "integrations:\n"
                                  "  - definition: a.yml\n"
                                  "  - definition: b.yml\n"
                                  "    labels: [x]\n"
                                  "  - definition: c.yml\n"
                                  "instances:\n"
                                  "  - name: A\n"
                                  "    customer: acme\n"
                                  "    integration: A\n"
                                  "  - name: B\n"
                                  "    customer: acme\n"
                                  "    integration: B\n";

static struct manifest *load(const char *manifest, const char *a, const char *b, const char *c)
{
	struct source *src = source_mem_new();
	struct diag_list diags;
	struct manifest *m = NULL;
	diag_list_init(&diags);
	source_mem_add(src, "prismsync.yaml", manifest, strlen(manifest));
	source_mem_add(src, "a.yml", a, strlen(a));
	source_mem_add(src, "b.yml", b, strlen(b));
	source_mem_add(src, "c.yml", c, strlen(c));
	assert_int_equal(manifest_load(&m, src, "prismsync.yaml", 0, &diags), 0);
	diag_list_release(&diags);
	source_free(src);
	return m;
}

#define DEF(n) "definitionVersion: 7\nname: " n "\n"

static void test_changed_integrations(void **state)
{
	(void)state;
	struct manifest *old = load(manifest_v1, DEF("A"), DEF("B"), DEF("C"));
	bool changed[3];

	/* One definition's bytes, one entry's labels. */
	char *m2 = strdup(manifest_v1);
	memcpy(strstr(m2, "[x]"), "[y]", 3);
	struct manifest *cur = load(m2, DEF("A") "description: new\n", DEF("B"), DEF("C"));
	limit_changed_integrations(cur, old, changed);
	assert_true(changed[0]);
	assert_true(changed[1]);
	assert_false(changed[2]);

	/* No base manifest: everything counts. */
	limit_changed_integrations(cur, NULL, changed);
	assert_true(changed[0] && changed[1] && changed[2]);

	/* Nothing changed. */
	limit_changed_integrations(old, old, changed);
	assert_false(changed[0] || changed[1] || changed[2]);

	/* The plan keeps A's changes, its instance and the customer that instance needs. */
	struct plan p;
	plan_init(&p);
	size_t cust = plan_add(&p, RES_CUSTOMER, PA_CREATE, "customer.acme");
	size_t ia = plan_add(&p, RES_INTEGRATION, PA_IMPORT, "integration.A");
	plan_add(&p, RES_INTEGRATION, PA_IMPORT, "integration.C");
	size_t ib = plan_add(&p, RES_INSTANCE, PA_CREATE, "instance.acme/B");
	size_t inst = plan_add(&p, RES_INSTANCE, PA_CREATE, "instance.acme/A");
	plan_depend(&p, ib, cust);
	plan_depend(&p, inst, cust);
	plan_depend(&p, inst, ia);
	bool keep[3] = {true, false, false};
	plan_limit(&p, cur, keep, "main");
	assert_int_equal(p.nr, 3);
	assert_string_equal(p.changes[0].address, "customer.acme");
	assert_string_equal(p.changes[1].address, "integration.A");
	assert_string_equal(p.changes[2].address, "instance.acme/A");
	assert_int_equal(p.changes[2].deps_nr, 2);
	assert_int_equal(p.changes[2].deps[0], 0);
	assert_int_equal(p.changes[2].deps[1], 1);
	assert_true(p.limited);
	assert_string_equal(p.limited_since, "main");
	assert_int_equal(p.limited_to_nr, 1);
	assert_string_equal(p.limited_to[0], "A");
	plan_release(&p);

	manifest_free(cur);
	manifest_free(old);
	free(m2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_strip_credentials),
	    cmocka_unit_test(test_changed_integrations),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
