#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "corpus.h"

#include "../../schema/manifest.h"
#include "../../util/xalloc.h"

static const char order_sync_def[] = "definitionVersion: 7\n"
                                     "name: Order Sync\n"
                                     "description: Orders from the ERP to the shop\n"
                                     "requiredConfigVars:\n"
                                     "  - key: ERP Base URL\n"
                                     "    dataType: string\n"
                                     "  - key: API Key\n"
                                     "    dataType: string\n"
                                     "flows: []\n";

struct result {
	struct manifest *m;
	int rc;
	struct diag_list diags;
	char *rendered;
};

static void load_with(struct result *r, const char *manifest, const char *definition,
                      unsigned flags)
{
	struct source *src = source_mem_new();
	struct buf out = BUF_INIT;
	source_mem_add(src, "repo/prismsync.yaml", manifest, strlen(manifest));
	source_mem_add(src, "repo/integrations/order-sync.yml", definition, strlen(definition));
	diag_list_init(&r->diags);
	r->m = NULL;
	r->rc = manifest_load(&r->m, src, "repo/prismsync.yaml", flags, &r->diags);
	diag_sort(&r->diags);
	diag_render(&r->diags, &out, false);
	r->rendered = buf_detach(&out, NULL);
	source_free(src);
}

static void load(struct result *r, const char *manifest, unsigned flags)
{
	load_with(r, manifest, order_sync_def, flags);
}

static void done(struct result *r)
{
	manifest_free(r->m);
	diag_list_release(&r->diags);
	free(r->rendered);
}

static void test_full_manifest_builds_the_model(void **state)
{
	(void)state;
	struct result r;
	setenv("TEST_ACME_KEY", "s3cret", 1);
	load(&r,
	     "version: 1\n"
	     "owner: platform\n"
	     "customers:\n"
	     "  - externalId: acme\n"
	     "    name: Acme Corp\n"
	     "    labels: [tier-1, prismsync:protected]\n"
	     "  - externalId: \"42\"\n"
	     "    name: Globex\n"
	     "    description: \"\"\n"
	     "integrations:\n"
	     "  - definition: ./integrations/order-sync.yml\n"
	     "    labels: [erp]\n"
	     "    publish: false\n"
	     "instances:\n"
	     "  - name: Order Sync\n"
	     "    customer: acme\n"
	     "    integration: Order Sync\n"
	     "    version: 3\n"
	     "    enabled: false\n"
	     "    configVariables:\n"
	     "      ERP Base URL: https://erp.acme.example\n"
	     "      API Key: ${env:TEST_ACME_KEY}\n"
	     "  - name: Elsewhere\n"
	     "    customer: initech\n"
	     "    integration: Managed Elsewhere\n",
	     0);
	assert_string_equal(r.rendered, "");
	assert_int_equal(r.rc, 0);
	struct manifest *m = r.m;
	assert_string_equal(m->owner, "platform");
	assert_int_equal(m->customers_nr, 2);
	assert_string_equal(m->customers[0].external_id, "acme");
	assert_int_equal(m->customers[0].labels.nr, 2);
	assert_null(m->customers[0].description);
	assert_string_equal(m->customers[1].external_id, "42");
	assert_string_equal(m->customers[1].description, "");
	assert_false(m->customers[1].has_labels);
	assert_int_equal(m->customers[0].pos.line, 4);

	const struct m_integration *g = &m->integrations[0];
	assert_string_equal(g->effective_name, "Order Sync");
	assert_null(g->name);
	assert_string_equal(g->effective_description, "Orders from the ERP to the shop");
	assert_string_equal(g->definition_file, "repo/integrations/order-sync.yml");
	assert_false(g->publish);
	assert_non_null(g->doc);

	const struct m_instance *in = &m->instances[0];
	assert_false(in->version_latest);
	assert_int_equal(in->version, 3);
	assert_false(in->enabled);
	assert_true(in->deploy);
	assert_int_equal(in->config_nr, 2);
	assert_null(in->config[0].env_name);
	assert_string_equal(in->config[1].env_name, "TEST_ACME_KEY");
	assert_string_equal(in->config[1].value, "${env:TEST_ACME_KEY}");
	assert_true(m->instances[1].version_latest);
	assert_true(m->instances[1].enabled);
	assert_ptr_equal(manifest_find_integration(m, "Order Sync"), g);
	assert_null(manifest_find_customer(m, "initech"));
	done(&r);
}

static void test_defaults(void **state)
{
	(void)state;
	struct result r;
	load(&r, "version: 1\ncustomers:\nintegrations: []\n", 0);
	assert_int_equal(r.rc, 0);
	assert_string_equal(r.m->owner, "default");
	assert_int_equal(r.m->customers_nr, 0);
	done(&r);
}

static void test_reports_every_error_once_sorted(void **state)
{
	(void)state;
	struct result r;
	load(&r,
	     "version: 1\n"
	     "customers:\n"
	     "  - extrnalId: acme\n"
	     "    name: 7\n"
	     "instances:\n"
	     "  - name: x\n"
	     "    customer: acme\n"
	     "    integration: Order Sync\n"
	     "    enabled: \"true\"\n",
	     0);
	assert_int_equal(r.rc, ERR_INVALID);
	assert_int_equal(r.diags.errors, 3);
	assert_string_equal(r.diags.items[0].message,
	                    "unknown key 'extrnalId' in customer; did you mean 'externalId'?");
	assert_int_equal(r.diags.items[0].line, 3);
	assert_int_equal(r.diags.items[1].line, 4);
	assert_int_equal(r.diags.items[2].line, 9);
	assert_string_equal(r.diags.items[2].message,
	                    "'enabled' must be true or false, not the quoted string \"true\"; "
	                    "write enabled: true without quotes");
	assert_null(r.m);
	done(&r);
}

static void test_definition_paths_are_confined(void **state)
{
	(void)state;
	struct result r;
	load(&r,
	     "version: 1\n"
	     "integrations:\n"
	     "  - definition: ../outside.yml\n"
	     "  - definition: /etc/passwd\n"
	     "  - definition: integrations/missing.yml\n",
	     0);
	assert_int_equal(r.diags.errors, 3);
	assert_non_null(strstr(r.rendered,
	                       "repo/prismsync.yaml:3:17: error: definition path "
	                       "'../outside.yml' leads outside the manifest's directory"));
	assert_non_null(strstr(r.rendered, "repo/prismsync.yaml:4:17: error: definition path "
	                                   "'/etc/passwd' is absolute"));
	assert_non_null(strstr(r.rendered, "definition file 'integrations/missing.yml' not found "
	                                   "(looked for repo/integrations/missing.yml)"));
	done(&r);
}

static void test_duplicate_identities(void **state)
{
	(void)state;
	struct result r;
	load(&r,
	     "version: 1\n"
	     "customers:\n"
	     "  - {externalId: a, name: A}\n"
	     "  - {externalId: a, name: B}\n"
	     "integrations:\n"
	     "  - definition: integrations/order-sync.yml\n"
	     "  - definition: integrations/order-sync.yml\n"
	     "    name: Order Sync\n"
	     "instances:\n"
	     "  - {name: i, customer: a, integration: Order Sync}\n"
	     "  - {name: i, customer: a, integration: Order Sync}\n"
	     "  - {name: i, customer: b, integration: Order Sync}\n",
	     0);
	assert_int_equal(r.diags.errors, 3);
	assert_string_equal(r.diags.items[0].message,
	                    "duplicate customer externalId 'a' (first defined at line 3)");
	assert_string_equal(r.diags.items[1].message,
	                    "duplicate integration name 'Order Sync' (first defined at line 6)");
	assert_int_equal(r.diags.items[1].line, 8);
	assert_string_equal(r.diags.items[2].message,
	                    "duplicate instance 'i' for customer 'a' (first defined at line 10)");
	done(&r);
}

static void test_env_references(void **state)
{
	(void)state;
	static const char text[] = "version: 1\n"
	                           "integrations:\n"
	                           "  - definition: integrations/order-sync.yml\n"
	                           "    description: ${env:NOT_HERE}\n"
	                           "instances:\n"
	                           "  - name: i\n"
	                           "    customer: a\n"
	                           "    integration: Order Sync\n"
	                           "    configVariables:\n"
	                           "      API Key: ${env:PRISMSYNC_TEST_UNSET}\n"
	                           "      ERP Base URL: https://${env:HOST}/\n";
	struct result r;
	unsetenv("PRISMSYNC_TEST_UNSET");
	load(&r, text, 0);
	assert_int_equal(r.diags.errors, 2);
	assert_int_equal(r.diags.warnings, 1);
	assert_non_null(strstr(r.rendered, "4:18: error: 'description': ${env:...} references are "
	                                   "allowed only in configVariables values"));
	assert_non_null(strstr(r.rendered, "10:16: warning: environment variable "
	                                   "PRISMSYNC_TEST_UNSET is not set"));
	assert_non_null(strstr(r.rendered, "11:21: error: config variable 'ERP Base URL': an "
	                                   "environment reference must be the whole value"));
	done(&r);

	load(&r, text, MANIFEST_ENV_REQUIRED);
	assert_int_equal(r.diags.errors, 3);
	assert_int_equal(r.diags.warnings, 0);
	done(&r);

	char *name = NULL;
	assert_int_equal(manifest_parse_env_ref("${env:A_1}", &name), 1);
	assert_string_equal(name, "A_1");
	free(name);
	assert_int_equal(manifest_parse_env_ref("plain", &name), 0);
	assert_int_equal(manifest_parse_env_ref("${env:1A}", &name), -1);
	assert_int_equal(manifest_parse_env_ref("${env:A}x", &name), -1);
	assert_int_equal(manifest_parse_env_ref("${env:}", &name), -1);
}

static void test_config_variables_checked_against_definition(void **state)
{
	(void)state;
	struct result r;
	load(&r,
	     "version: 1\n"
	     "integrations:\n"
	     "  - definition: integrations/order-sync.yml\n"
	     "instances:\n"
	     "  - name: i\n"
	     "    customer: a\n"
	     "    integration: Order Sync\n"
	     "    configVariables:\n"
	     "      ERP Base Url: x\n"
	     "      Nothing Like It: y\n",
	     0);
	assert_int_equal(r.diags.errors, 2);
	assert_string_equal(
	    r.diags.items[0].message,
	    "integration 'Order Sync' has no config variable 'ERP Base Url'; did you "
	    "mean 'ERP Base URL'?");
	assert_int_equal(r.diags.items[0].line, 9);
	assert_int_equal(r.diags.items[0].col, 7);
	done(&r);
}

static void test_config_variables_of_an_integration_without_any(void **state)
{
	(void)state;
	static const char def[] = "definitionVersion: 7\nname: Bare\nflows: []\n";
	static const char text[] = "version: 1\n"
	                           "integrations:\n"
	                           "  - definition: bare.yml\n"
	                           "instances:\n"
	                           "  - name: i\n"
	                           "    customer: a\n"
	                           "    integration: Bare\n"
	                           "    configVariables:\n"
	                           "      Anything: x\n"
	                           "      ~: y\n";
	struct source *src = source_mem_new();
	struct diag_list diags;
	struct manifest *m = NULL;
	source_mem_add(src, "p.yaml", text, strlen(text));
	source_mem_add(src, "bare.yml", def, strlen(def));
	diag_list_init(&diags);
	assert_int_equal(manifest_load(&m, src, "p.yaml", 0, &diags), ERR_INVALID);
	diag_sort(&diags);
	assert_int_equal(diags.errors, 2);
	assert_string_equal(diags.items[0].message,
	                    "integration 'Bare' has no config variables (its definition lists no "
	                    "requiredConfigVars), so 'Anything' cannot be set");
	assert_string_equal(diags.items[1].message, "config variable names must not be empty");
	diag_list_release(&diags);
	source_free(src);
}

static void test_definition_name_with_a_nul(void **state)
{
	(void)state;
	struct result r;
	load_with(&r,
	          "version: 1\n"
	          "integrations:\n"
	          "  - definition: integrations/order-sync.yml\n",
	          "definitionVersion: 7\nname: \"a\\0b\"\n", 0);
	assert_int_equal(r.rc, ERR_INVALID);
	assert_non_null(strstr(r.rendered, "2:7: error: 'name' in an integration definition "
	                                   "contains a NUL character"));
	assert_null(strstr(r.rendered, "not a string"));
	done(&r);
}

static void test_own_credentials_are_not_config_values(void **state)
{
	(void)state;
	struct result r;
	setenv("PRISM_REFRESH_TOKEN", "rt-never-in-an-instance", 1);
	setenv("PRISM_REFRESH_TOKEN_EU", "rt-eu-never-in-an-instance", 1);
	load(&r,
	     "version: 1\n"
	     "environments:\n"
	     "  eu:\n"
	     "    url: https://app.eu-west-1.prismatic.io\n"
	     "    organization: Acme EU\n"
	     "    credentials: PRISM_REFRESH_TOKEN_EU\n"
	     "integrations:\n"
	     "  - definition: integrations/order-sync.yml\n"
	     "instances:\n"
	     "  - name: Orders\n"
	     "    customer: acme\n"
	     "    integration: Order Sync\n"
	     "    configVariables:\n"
	     "      ERP Base URL: ${env:PRISM_REFRESH_TOKEN_EU}\n"
	     "      API Key: ${env:PRISM_REFRESH_TOKEN}\n",
	     0);
	assert_int_equal(r.rc, ERR_INVALID);
	assert_non_null(strstr(r.rendered,
	                       "14:21: error: config variable 'ERP Base URL' of instance "
	                       "'Orders' reads PRISM_REFRESH_TOKEN_EU, which holds the "
	                       "credentials of an environment of this manifest"));
	assert_non_null(strstr(r.rendered, "15:16: error: config variable 'API Key' of instance "
	                                   "'Orders' reads PRISM_REFRESH_TOKEN, which holds "
	                                   "prismsync's own token"));
	assert_null(strstr(r.rendered, "never-in-an-instance"));
	done(&r);
	unsetenv("PRISM_REFRESH_TOKEN");
	unsetenv("PRISM_REFRESH_TOKEN_EU");
}

static void test_wrong_shapes(void **state)
{
	(void)state;
	struct result r;
	load(&r, "- version: 1\n", 0);
	assert_non_null(strstr(r.rendered, "1:1: error: the manifest must be a mapping"));
	done(&r);
	load(&r, "", 0);
	assert_non_null(strstr(r.rendered, "the manifest is empty"));
	done(&r);
	load(&r, "version: 2\ncustomers: {a: b}\ninstances:\n  - just a string\n", 0);
	assert_int_equal(r.diags.errors, 3);
	assert_non_null(strstr(r.rendered, "unsupported manifest version 2"));
	assert_non_null(strstr(r.rendered, "'customers' must be a list"));
	assert_non_null(strstr(r.rendered, "each instance must be a mapping"));
	done(&r);
}

/* Every definition of a set loads through a manifest without a complaint. */
static void check_definitions_load(enum corpus_set set)
{
	struct corpus_file *files;
	size_t n = corpus_load(set, &files);
	struct source *src = source_mem_new();
	struct buf manifest = BUF_INIT;
	buf_adds(&manifest, "version: 1\nintegrations:\n");
	for (size_t i = 0; i < n; i++) {
		char *name = xasprintf("rw/definitions/%s", files[i].name);
		source_mem_add(src, name, files[i].text, files[i].len);
		buf_addf(&manifest, "  - definition: definitions/%s\n", files[i].name);
		free(name);
	}
	source_mem_add(src, "rw/prismsync.yaml", manifest.data, manifest.len);
	struct diag_list diags;
	struct manifest *m = NULL;
	diag_list_init(&diags);
	int rc = manifest_load(&m, src, "rw/prismsync.yaml", 0, &diags);
	if (diags.nr)
		print_message("first diagnostic: %s:%d: %s\n", diags.items[0].file,
		              diags.items[0].line, diags.items[0].message);
	assert_int_equal(rc, 0);
	assert_int_equal(diags.nr, 0);
	assert_int_equal(m->integrations_nr, n);
	for (size_t i = 0; i < m->integrations_nr; i++)
		assert_non_null(m->integrations[i].effective_name);
	manifest_free(m);
	diag_list_release(&diags);
	buf_release(&manifest);
	source_free(src);
	corpus_free(files, n);
}

static void test_project_definitions_load(void **state)
{
	(void)state;
	check_definitions_load(CORPUS_PROJECT);
}

static void test_realworld_definitions_load(void **state)
{
	(void)state;
	check_definitions_load(CORPUS_REALWORLD);
}

/* Loading manifest fails with one error: a symbolic link leaving the directory, at line. */
static void expect_link_outside(const char *manifest, int line)
{
	struct source *src = source_dir_new();
	struct diag_list diags;
	struct manifest *m = NULL;
	diag_list_init(&diags);
	assert_int_equal(manifest_load(&m, src, manifest, 0, &diags), ERR_INVALID);
	assert_int_equal(diags.errors, 1);
	assert_non_null(strstr(diags.items[0].message, "a symbolic link leads outside"));
	assert_int_equal(diags.items[0].line, line);
	diag_list_release(&diags);
	source_free(src);
}

/* A definition reached through a symbolic link that leaves the manifest's directory is refused. */
static void test_symlink_out_of_the_directory_is_refused(void **state)
{
	(void)state;
	char root[] = "/tmp/prismsync-test-XXXXXX";
	assert_non_null(mkdtemp(root));
	char repo[4200], outside[4200], link[4300], manifest[4300];
	snprintf(repo, sizeof(repo), "%s/repo", root);
	snprintf(outside, sizeof(outside), "%s/outside.yml", root);
	snprintf(link, sizeof(link), "%s/def.yml", repo);
	snprintf(manifest, sizeof(manifest), "%s/prismsync.yaml", repo);
	assert_int_equal(mkdir(repo, 0700), 0);
	FILE *f = fopen(outside, "w");
	fputs(order_sync_def, f);
	fclose(f);
	assert_int_equal(symlink("../outside.yml", link), 0);
	f = fopen(manifest, "w");
	fputs("version: 1\nintegrations:\n  - definition: def.yml\n", f);
	fclose(f);

	expect_link_outside(manifest, 3);
	unlink(link);
	unlink(manifest);
	unlink(outside);
	rmdir(repo);
	rmdir(root);
}

/*
 * A definition in a directory that is a symbolic link out of the manifest's
 * directory is refused, also after a definition in a directory inside.
 */
static void test_symlinked_directory_out_of_the_directory_is_refused(void **state)
{
	(void)state;
	char root[] = "/tmp/prismsync-test-XXXXXX";
	assert_non_null(mkdtemp(root));
	char repo[4200], defs[4300], inside[4400], outside[4200], link[4300], manifest[4300];
	snprintf(repo, sizeof(repo), "%s/repo", root);
	snprintf(defs, sizeof(defs), "%s/defs", repo);
	snprintf(inside, sizeof(inside), "%s/a.yml", defs);
	snprintf(outside, sizeof(outside), "%s/b.yml", root);
	snprintf(link, sizeof(link), "%s/out", repo);
	snprintf(manifest, sizeof(manifest), "%s/prismsync.yaml", repo);
	assert_int_equal(mkdir(repo, 0700), 0);
	assert_int_equal(mkdir(defs, 0700), 0);
	FILE *f = fopen(inside, "w");
	fputs(order_sync_def, f);
	fclose(f);
	f = fopen(outside, "w");
	fputs(order_sync_def, f);
	fclose(f);
	assert_int_equal(symlink("..", link), 0);
	f = fopen(manifest, "w");
	fputs("version: 1\nintegrations:\n  - definition: defs/a.yml\n"
	      "  - definition: out/b.yml\n",
	      f);
	fclose(f);

	expect_link_outside(manifest, 4);
	unlink(link);
	unlink(manifest);
	unlink(inside);
	unlink(outside);
	rmdir(defs);
	rmdir(repo);
	rmdir(root);
}

static const char forms_def[] = "definitionVersion: 7\n"
                                "name: Order Sync\n"
                                "requiredConfigVars:\n"
                                "  - key: URL\n"
                                "    dataType: string\n"
                                "  - key: ERP\n"
                                "    dataType: connection\n"
                                "    inputs:\n"
                                "      username: {type: value, value: ''}\n"
                                "      password: {type: value, value: ''}\n"
                                "  - key: Slack\n"
                                "    dataType: connection\n"
                                "  - key: Nightly\n"
                                "    dataType: schedule\n"
                                "flows: []\n";

static void test_config_forms_build_the_model(void **state)
{
	(void)state;
	struct result r;
	load_with(&r,
	          "version: 1\n"
	          "integrations:\n"
	          "  - definition: integrations/order-sync.yml\n"
	          "instances:\n"
	          "  - name: Order Sync\n"
	          "    customer: acme\n"
	          "    integration: Order Sync\n"
	          "    configVariables:\n"
	          "      URL: https://erp.example\n"
	          "      ERP:\n"
	          "        inputs:\n"
	          "          username: svc\n"
	          "          password: ${env:TEST_ERP_PASSWORD}\n"
	          "      Slack: {customerConnection: slack-workspace}\n"
	          "      Nightly: {schedule: '0 2 * * *', timeZone: UTC}\n",
	          forms_def, 0);
	assert_int_equal(r.rc, 0);
	const struct m_instance *in = &r.m->instances[0];
	assert_int_equal(in->config_nr, 4);

	const struct m_configvar *url = &in->config[0], *erp = &in->config[1];
	const struct m_configvar *slack = &in->config[2], *nightly = &in->config[3];
	assert_int_equal(url->kind, M_CV_VALUE);
	assert_string_equal(url->value, "https://erp.example");
	assert_false(m_configvar_sensitive(url));

	assert_int_equal(erp->kind, M_CV_CONNECTION);
	assert_null(erp->value);
	assert_int_equal(erp->inputs_nr, 2);
	assert_string_equal(erp->inputs[0].name, "username");
	assert_string_equal(erp->inputs[0].value, "svc");
	assert_null(erp->inputs[0].env_name);
	assert_string_equal(erp->inputs[1].name, "password");
	assert_string_equal(erp->inputs[1].env_name, "TEST_ERP_PASSWORD");
	assert_int_equal(erp->inputs[1].value_pos.line, 13);
	assert_int_equal(erp->form_pos.line, 11);
	assert_true(m_configvar_sensitive(erp));

	assert_int_equal(slack->kind, M_CV_CUSTOMER_CONNECTION);
	assert_string_equal(slack->customer_connection, "slack-workspace");

	assert_int_equal(nightly->kind, M_CV_SCHEDULE);
	assert_string_equal(nightly->value, "0 2 * * *");
	assert_string_equal(nightly->time_zone, "UTC");
	done(&r);
}

static void test_config_forms_must_match_the_data_type(void **state)
{
	(void)state;
	struct result r;
	load_with(&r,
	          "version: 1\n"
	          "integrations:\n"
	          "  - definition: integrations/order-sync.yml\n"
	          "instances:\n"
	          "  - name: Order Sync\n"
	          "    customer: acme\n"
	          "    integration: Order Sync\n"
	          "    configVariables:\n"
	          "      URL: {inputs: {url: x}}\n"
	          "      ERP: {inputs: {usrename: svc}}\n"
	          "      Slack: xoxb-1\n"
	          "      Nightly: {schedule: '0 2 * * *', timeZone: Mars/Olympus}\n",
	          forms_def, 0);
	assert_int_equal(r.rc, ERR_INVALID);
	assert_non_null(strstr(r.rendered, "prismsync.yaml:9:13: error: config variable 'URL' is a "
	                                   "string variable, not a connection"));
	assert_non_null(strstr(r.rendered, "prismsync.yaml:10:22: error: connection 'ERP' has no "
	                                   "input 'usrename'; did you mean 'username'?"));
	assert_non_null(strstr(r.rendered,
	                       "prismsync.yaml:11:14: error: config variable 'Slack' is "
	                       "a connection"));
	assert_non_null(strstr(r.rendered, "prismsync.yaml:12:50: error: 'timeZone' of config "
	                                   "variable 'Nightly' is not a time zone"));
	done(&r);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_full_manifest_builds_the_model),
	    cmocka_unit_test(test_defaults),
	    cmocka_unit_test(test_reports_every_error_once_sorted),
	    cmocka_unit_test(test_definition_paths_are_confined),
	    cmocka_unit_test(test_duplicate_identities),
	    cmocka_unit_test(test_env_references),
	    cmocka_unit_test(test_config_variables_checked_against_definition),
	    cmocka_unit_test(test_wrong_shapes),
	    cmocka_unit_test(test_config_forms_build_the_model),
	    cmocka_unit_test(test_config_forms_must_match_the_data_type),
	    cmocka_unit_test(test_config_variables_of_an_integration_without_any),
	    cmocka_unit_test(test_project_definitions_load),
	    cmocka_unit_test(test_symlink_out_of_the_directory_is_refused),
	    cmocka_unit_test(test_symlinked_directory_out_of_the_directory_is_refused),
	    cmocka_unit_test(test_definition_name_with_a_nul),
	    cmocka_unit_test(test_own_credentials_are_not_config_values),
	};
	const struct CMUnitTest realworld[] = {
	    cmocka_unit_test(test_realworld_definitions_load),
	};
	return corpus_main(argc, argv, "manifest", tests, sizeof(tests) / sizeof(tests[0]),
	                   realworld, sizeof(realworld) / sizeof(realworld[0]));
}
