/*
 * configdiff.h - the config variables of one instance, desired against
 * live, for diff.c (not for use outside reconcile/).
 *
 * Each manifest form compares in its own way (README, "Config variables"):
 *   - a plain value by its text;
 *   - a connection input by input: a live input the API does not return
 *     (write-only, see live.h) is never a difference, unless the caller asks
 *     to push secrets, when every write-only input the manifest sets counts
 *     as changed;
 *   - a customer-level connection by the id of the customer variable its key
 *     names for the instance's customer;
 *   - a schedule by its expression and its time zone.
 * Plan fields are named configVariables.<key> (plain values),
 * configVariables.<key>.inputs.<name>, .customerConnection, .schedule and
 * .timeZone. A value that comes from ${env:NAME}, and a write-only input,
 * is a sensitive field; the change's inputs carry the variable's name, never
 * the value.
 *
 * configdiff_predict() tells, before anything is applied, whether the
 * instance could deploy afterwards: a required variable left unset is an
 * error at the instance, an OAuth 2.0 connection awaiting a person's
 * authorization is a warning, and holds the deploy back.
 *
 * Pure: the environment is read through the diff options' getenv.
 */
#ifndef PRISMSYNC_CONFIGDIFF_H
#define PRISMSYNC_CONFIGDIFF_H

#include <stdbool.h>
#include <stddef.h>

#include "../live/live.h"
#include "../schema/manifest.h"
#include "../util/buf.h"
#include "../util/diag.h"
#include "diff.h"
#include "plan.h"

struct configdiff {
	struct plan *p;
	const struct manifest *m;
	const struct live_state *live;
	const struct diff_opts *o;
	struct diag_list *diags;
	size_t errors; /* errors reported so far */
};

/*
 * Reports, at their positions, every ${env:NAME} of mn's variables that is
 * unset and every customerConnection that customer_id (NULL: a customer
 * this plan creates) does not have.
 */
void configdiff_check(struct configdiff *cd, const struct m_instance *mn, const char *customer_id);

/* Whether variable cv must be written to live instance ln (NULL: a new instance). */
bool configdiff_differs(struct configdiff *cd, const struct m_configvar *cv,
                        const struct live_instance *ln, const char *customer_id);

/* Adds to change c the fields of cv that differ from ln (NULL: all of them). */
void configdiff_fields(struct configdiff *cd, size_t c, const struct m_configvar *cv,
                       const struct live_instance *ln, const char *customer_id);

/* Fills out (empty, from plan_config_add()) with what writing cv to the instance needs. */
void configdiff_input(struct configdiff *cd, struct plan_config_var *out,
                      const struct m_configvar *cv, const char *customer_id);

/*
 * Predicts the configuration state instance mn will be left in.
 * definition is the root of its integration's definition when the manifest
 * manages the version it runs (NULL otherwise: ln's variables are used).
 * Reports a required variable left unset as an error at mn (unless mn has
 * deploy: false), and each OAuth 2.0 connection not yet authorized as a
 * warning. Returns true when the deploy must wait for an authorization;
 * *why then receives a note for the plan (a new string).
 */
bool configdiff_predict(struct configdiff *cd, const struct m_instance *mn,
                        const struct ynode *definition, const struct live_instance *ln,
                        const char *customer_id, char **why);

/* Whether the manifest uses a customer-level connection anywhere. */
bool configdiff_uses_customer_connections(const struct manifest *m);

#endif
