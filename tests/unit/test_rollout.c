/*
 * Rollouts: durations, wave membership and defaults (schema/rollout.c), and
 * which waves a plan acts on (reconcile/rollout.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../reconcile/rollout.h"
#include "../../schema/manifest.h"
#include "../../util/error.h"

static const char definition[] = "definitionVersion: 7\n"
                                 "name: Order Sync\n"
                                 "flows:\n"
                                 "  - name: New Order\n"
                                 "  - name: Nightly Report\n";

static const char manifest[] =
    "version: 1\n"
    "customers:\n"
    "  - {externalId: acme, name: Acme, labels: [canary]}\n"
    "  - {externalId: globex, name: Globex, labels: [pilot]}\n"
    "  - {externalId: initech, name: Initech}\n"
    "  - {externalId: umbrella, name: Umbrella}\n"
    "integrations:\n"
    "  - definition: order-sync.yml\n"
    "instances:\n"
    "  - {name: Orders, customer: acme, integration: Order Sync}\n"
    "  - {name: Orders, customer: globex, integration: Order Sync}\n"
    "  - {name: Orders, customer: initech, integration: Order Sync}\n"
    "  - {name: Orders, customer: umbrella, integration: Order Sync}\n"
    "rollouts:\n"
    "  - integration: Order Sync\n"
    "    waves:\n"
    "      - {name: canary, customers: {labels: [canary]}}\n"
    "      - {name: rest, customers: \"*\"}\n"
    "      - {name: named, customers: [initech, globex]}\n"
    "    verify:\n"
    "      - {flow: New Order, payload: p.json}\n"
    "      - {flow: Nightly Report, timeout: 5m, contentType: text/plain}\n";

static struct manifest *load(const char *text, struct diag_list *diags)
{
	struct source *src = source_mem_new();
	struct manifest *m = NULL;
	source_mem_add(src, "repo/prismsync.yaml", text, strlen(text));
	source_mem_add(src, "repo/order-sync.yml", definition, strlen(definition));
	source_mem_add(src, "repo/p.json", "{\"id\": 1}", 9);
	diag_list_init(diags);
	manifest_load(&m, src, "repo/prismsync.yaml", 0, diags);
	source_free(src);
	return m;
}

static void test_durations(void **state)
{
	(void)state;
	static const struct {
		const char *s;
		long ms;
	} good[] = {{"90s", 90000}, {"2m", 120000},  {"1h", 3600000},
	            {"500ms", 500}, {"120", 120000}, {"24h", 86400000}};
	static const char *const bad[] = {"",    "s",  "2 minutes", "1.5s", "-1s",
	                                  "25h", "0s", "10d",       "1m ",  "9999999999"};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		long ms = 0;
		assert_int_equal(rollout_parse_duration(good[i].s, &ms), 0);
		assert_int_equal(ms, good[i].ms);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		long ms = 0;
		assert_int_equal(rollout_parse_duration(bad[i], &ms), -1);
	}
}

static void test_waves_and_defaults(void **state)
{
	(void)state;
	struct diag_list diags;
	struct manifest *m = load(manifest, &diags);
	assert_non_null(m);
	assert_int_equal(m->rollouts_nr, 1);
	const struct m_rollout *r = rollout_find(m, "Order Sync");
	assert_non_null(r);
	assert_null(rollout_find(m, "Other"));
	assert_int_equal(r->on_failure, M_ON_FAILURE_STOP);
	/* acme by label; initech and globex by name (a list beats "*"); umbrella takes "*". */
	assert_int_equal(rollout_wave_of(m, r, &m->instances[0]), 0);
	assert_int_equal(rollout_wave_of(m, r, &m->instances[1]), 2);
	assert_int_equal(rollout_wave_of(m, r, &m->instances[2]), 2);
	assert_int_equal(rollout_wave_of(m, r, &m->instances[3]), 1);
	assert_int_equal(r->verify_nr, 2);
	assert_string_equal(r->verify[0].payload, "{\"id\": 1}");
	assert_string_equal(r->verify[0].content_type, "application/json");
	assert_int_equal(r->verify[0].timeout_ms, ROLLOUT_DEFAULT_TIMEOUT_MS);
	assert_string_equal(r->verify[1].payload, "");
	assert_string_equal(r->verify[1].content_type, "text/plain");
	assert_int_equal(r->verify[1].timeout_ms, 300000);
	manifest_free(m);
	diag_list_release(&diags);
}

/* A plan with changes for the instances at the given addresses. */
static void plan_with(struct plan *p, const char *const *addresses, size_t n)
{
	plan_init(p);
	plan_add(p, RES_INTEGRATION, PA_PUBLISH, "integration.Order Sync");
	for (size_t i = 0; i < n; i++) {
		size_t u = plan_add(p, RES_INSTANCE, PA_UPDATE, addresses[i]);
		size_t d = plan_add(p, RES_INSTANCE, PA_DEPLOY, addresses[i]);
		plan_depend(p, u, 0);
		plan_depend(p, d, u);
	}
}

static void test_which_waves_act(void **state)
{
	(void)state;
	struct diag_list diags;
	struct manifest *m = load(manifest, &diags);
	struct plan p;
	assert_non_null(m);

	/* Everything changes: every wave acts, none is verified again first. */
	static const char *const all[] = {"instance.acme/Orders", "instance.globex/Orders",
	                                  "instance.initech/Orders", "instance.umbrella/Orders"};
	plan_with(&p, all, 4);
	rollout_plan(&p, m, NULL);
	assert_non_null(p.rollouts);
	const struct plan_rollout *pr = &p.rollouts->items[0];
	assert_int_equal(pr->waves_nr, 3);
	assert_true(pr->waves[0].acts && pr->waves[1].acts && pr->waves[2].acts);
	assert_false(pr->waves[0].reverify);
	assert_int_equal(p.changes[0].wave, 0); /* the publish is in no wave */
	assert_int_equal(p.changes[1].rollout, 1);
	assert_int_equal(p.changes[1].wave, 1);
	assert_int_equal(p.changes[3].wave, 3); /* globex is in the third wave */
	assert_true(pr->waves[0].members[0].deploys);
	assert_true(rollout_plan_acts(&p));
	plan_release(&p);

	/* An interrupted run got past the canary: it is verified again, then the rest act. */
	static const char *const later[] = {"instance.umbrella/Orders", "instance.initech/Orders"};
	plan_with(&p, later, 2);
	rollout_plan(&p, m, NULL);
	pr = &p.rollouts->items[0];
	assert_false(pr->waves[0].acts);
	assert_true(pr->waves[0].reverify);
	assert_true(pr->waves[1].acts && pr->waves[2].acts);
	plan_release(&p);

	/* Nothing changes: nothing acts. */
	plan_with(&p, NULL, 0);
	rollout_plan(&p, m, NULL);
	assert_false(rollout_plan_acts(&p));
	plan_release(&p);

	manifest_free(m);
	diag_list_release(&diags);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_durations),
	    cmocka_unit_test(test_waves_and_defaults),
	    cmocka_unit_test(test_which_waves_act),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
