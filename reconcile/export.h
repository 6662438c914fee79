/*
 * export.h - the live organization written out as a manifest: what
 * `prismsync export` writes, so that a team adopts an existing organization
 * instead of writing its manifest by hand.
 *
 * export_build() turns a live state into the text of every file of an
 * export: prismsync.yaml, one definition file per integration under
 * integrations/, and .env.example. The manifest is made so that a plan of it
 * against the same organization changes nothing but ownership labels:
 *
 *  - customers, integrations and instances in a stable order (externalId,
 *    name, customer + name), with no ids;
 *  - an integration's definition is its latest published version; when the
 *    draft holds unpublished changes, the draft, with publish: false, so
 *    that nothing is imported over it or published;
 *  - code-native integrations (and any without a definition) are not
 *    listed: their instances name them, as instances may;
 *  - an instance runs `latest` when it is bound to the latest published
 *    version, else its version number; one not running what it is bound to
 *    gets deploy: false, so the plan deploys nothing;
 *  - config variables: plain values inline; every connection input as
 *    ${env:NAME} with a generated NAME, listed in .env.example (no value is
 *    ever written there); customer-level connections by key; schedules
 *    with their time zone.
 *
 * Records it would write that share an identity (two integrations with one
 * name, two instances of a customer with one name, two customers with one
 * externalId) cannot be written apart: export_build() refuses them, naming
 * every id, and writes nothing.
 *
 * Pure: no I/O. Ownership: an export_result owns its files and messages.
 */
#ifndef PRISMSYNC_EXPORT_H
#define PRISMSYNC_EXPORT_H

#include <stddef.h>

#include "../live/live.h"
#include "../util/error.h"

/* Which objects to export; every list may be empty (nr 0): no filter of that kind. */
struct export_filter {
	const char *const *customers; /* externalIds: these customers and their instances */
	size_t customers_nr;
	const char *const *integrations; /* names: these integrations and their instances */
	size_t integrations_nr;
	const char *const *labels; /* objects carrying any of these labels */
	size_t labels_nr;
};

struct export_file {
	char *path; /* relative to the export directory */
	char *data;
	size_t len;
};

struct export_result {
	struct export_file *files; /* prismsync.yaml first, then definitions, then .env.example */
	size_t nr;
	char **notes; /* what was left out and why, one sentence each */
	size_t notes_nr;
	size_t customers, integrations, instances, secrets; /* counts written */
	const char *owner;                                  /* borrowed: the owner written */
};

/*
 * The names of the integrations an export with filter f lists, the only
 * ones whose definitions need reading. Returns a new array (free() it) of
 * names borrowed from live, in *out, and their number.
 */
size_t export_integration_names(const char ***out, const struct live_state *live,
                                const struct export_filter *f);

/*
 * Builds every file of the export of live, filtered by f. Returns 0, or
 * ERR_NOTFOUND with err naming a filter value that matches nothing (and the
 * nearest existing one).
 */
int export_build(struct export_result *out, const struct live_state *live,
                 const struct export_filter *f, struct error *err);

void export_result_release(struct export_result *r);

#endif
