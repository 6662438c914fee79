/*
 * Environments of the manifest: the merge of overrides (inline and from
 * the override file) over the base manifest, and the errors of each.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../schema/manifest.h"
#include "../../util/xalloc.h"

static const char definition[] = "definitionVersion: 7\n"
                                 "name: Order Sync\n"
                                 "requiredConfigVars:\n"
                                 "  - key: ERP Base URL\n"
                                 "    dataType: string\n"
                                 "  - key: API Key\n"
                                 "    dataType: string\n"
                                 "flows: []\n";

static const char base[] = "version: 1\n"
                           "environments:\n"
                           "  staging:\n"
                           "    url: https://app.prismatic.io\n"
                           "    organization: Acme Staging\n"
                           "    credentials: TOKEN_STAGING\n"
                           "  eu:\n"
                           "    url: https://app.eu-west-1.prismatic.io\n"
                           "    organization: Acme EU\n"
                           "    credentials: TOKEN_EU\n"
                           "    tenant: TENANT_EU\n"
                           "    overrides:\n"
                           "      customers:\n"
                           "        - {externalId: acme, description: EU}\n"
                           "      integrations:\n"
                           "        - {name: Order Sync, publish: false}\n"
                           "      instances:\n"
                           "        - customer: acme\n"
                           "          name: Orders\n"
                           "          version: 3\n"
                           "          labels: [eu]\n"
                           "          configVariables: {ERP Base URL: https://erp.eu.example}\n"
                           "customers:\n"
                           "  - {externalId: acme, name: Acme Corp, description: US}\n"
                           "integrations:\n"
                           "  - definition: order-sync.yml\n"
                           "instances:\n"
                           "  - name: Orders\n"
                           "    customer: acme\n"
                           "    integration: Order Sync\n"
                           "    labels: [us]\n"
                           "    configVariables:\n"
                           "      ERP Base URL: https://erp.example\n"
                           "      API Key: plain\n";

struct result {
	struct manifest *m;
	int rc;
	struct diag_list diags;
	char *rendered;
};

static void load(struct result *r, const char *manifest, const char *file, const char *env)
{
	struct source *src = source_mem_new();
	struct buf out = BUF_INIT;
	source_mem_add(src, "r/prismsync.yaml", manifest, strlen(manifest));
	source_mem_add(src, "r/order-sync.yml", definition, strlen(definition));
	if (file && env) {
		char *path = manifest_override_path("r/prismsync.yaml", env);
		source_mem_add(src, path, file, strlen(file));
		free(path);
	}
	diag_list_init(&r->diags);
	r->m = NULL;
	r->rc = manifest_load_env(&r->m, src, "r/prismsync.yaml", env, 0, &r->diags);
	diag_sort(&r->diags);
	diag_render(&r->diags, &out, false);
	r->rendered = buf_detach(&out, NULL);
	source_free(src);
}

static void done(struct result *r)
{
	manifest_free(r->m);
	diag_list_release(&r->diags);
	free(r->rendered);
}

static const struct m_configvar *var(const struct m_instance *in, const char *key)
{
	for (size_t i = 0; i < in->config_nr; i++)
		if (!strcmp(in->config[i].key, key))
			return &in->config[i];
	return NULL;
}

static void test_base_keeps_the_environments_untouched(void **state)
{
	struct result r;
	(void)state;
	load(&r, base, NULL, NULL);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.m->environments_nr, 2);
	assert_null(r.m->environment);
	const struct m_environment *eu = manifest_find_environment(r.m, "eu");
	assert_non_null(eu);
	assert_string_equal(eu->url, "https://app.eu-west-1.prismatic.io");
	assert_string_equal(eu->organization, "Acme EU");
	assert_string_equal(eu->credentials, "TOKEN_EU");
	assert_string_equal(eu->tenant, "TENANT_EU");
	assert_null(manifest_find_environment(r.m, "staging")->overrides);
	assert_true(r.m->instances[0].version_latest);
	assert_string_equal(r.m->customers[0].description, "US");
	done(&r);
}

static void test_overrides_merge_by_identity(void **state)
{
	struct result r;
	(void)state;
	load(&r, base, NULL, "eu");
	assert_int_equal(r.rc, 0);
	assert_string_equal(r.m->environment->name, "eu");
	const struct m_instance *in = &r.m->instances[0];
	assert_false(in->version_latest);
	assert_int_equal(in->version, 3);
	assert_int_equal(in->labels.nr, 1);
	assert_string_equal(in->labels.items[0], "eu");
	/* Config variables merge key by key: the one not overridden stays. */
	assert_int_equal(in->config_nr, 2);
	assert_string_equal(var(in, "ERP Base URL")->value, "https://erp.eu.example");
	assert_string_equal(var(in, "API Key")->value, "plain");
	assert_true(in->enabled);
	assert_string_equal(r.m->customers[0].description, "EU");
	assert_string_equal(r.m->customers[0].name, "Acme Corp");
	assert_false(r.m->integrations[0].publish);
	done(&r);

	load(&r, base, NULL, "staging");
	assert_int_equal(r.rc, 0);
	assert_true(r.m->instances[0].version_latest);
	assert_true(r.m->integrations[0].publish);
	done(&r);
}

static void test_override_file_wins_with_its_own_positions(void **state)
{
	struct result r;
	(void)state;
	load(&r, base,
	     "instances:\n"
	     "  - customer: acme\n"
	     "    name: Orders\n"
	     "    enabled: false\n"
	     "    configVariables: {ERP Base URL: https://erp.file.example}\n",
	     "eu");
	assert_int_equal(r.rc, 0);
	assert_string_equal(r.m->override_file, "r/prismsync.eu.yaml");
	const struct m_instance *in = &r.m->instances[0];
	assert_false(in->enabled);
	assert_int_equal(in->version, 3); /* from the inline override */
	assert_string_equal(var(in, "ERP Base URL")->value, "https://erp.file.example");
	done(&r);

	load(&r, base,
	     "instances:\n"
	     "  - customer: acme\n"
	     "    name: Orders\n"
	     "    configVariables: {ERP Base ULR: x}\n",
	     "eu");
	assert_int_equal(r.rc, ERR_INVALID);
	assert_non_null(strstr(r.rendered, "r/prismsync.eu.yaml:4:23: error: integration 'Order "
	                                   "Sync' has no config variable 'ERP Base ULR'; did you "
	                                   "mean 'ERP Base URL'?"));
	done(&r);
}

static void test_unknown_environment_and_missing_objects(void **state)
{
	struct result r;
	(void)state;
	load(&r, base, NULL, "uе"); /* not "eu": a Cyrillic e */
	assert_int_equal(r.rc, ERR_INVALID);
	assert_non_null(strstr(r.rendered, "no environment"));
	done(&r);

	load(&r, base, NULL, "stagign");
	assert_non_null(strstr(r.rendered, "r/prismsync.yaml:2:1: error: no environment 'stagign' "
	                                   "in the manifest; did you mean 'staging'?"));
	done(&r);

	load(&r, base, "customers:\n  - {externalId: globex, name: Globex}\n", "eu");
	assert_int_equal(r.rc, ERR_INVALID);
	assert_non_null(strstr(r.rendered, "r/prismsync.eu.yaml:2:5: error: environment 'eu' "
	                                   "overrides customer 'globex', which the manifest does "
	                                   "not list"));
	done(&r);

	load(&r, "version: 1\n", NULL, "prod");
	assert_int_equal(r.rc, ERR_INVALID);
	assert_non_null(
	    strstr(r.rendered, "declares no environments, so --env prod cannot be used"));
	done(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_base_keeps_the_environments_untouched),
	    cmocka_unit_test(test_overrides_merge_by_identity),
	    cmocka_unit_test(test_override_file_wins_with_its_own_positions),
	    cmocka_unit_test(test_unknown_environment_and_missing_objects),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
