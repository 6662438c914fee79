/*
 * limit.h - plans limited to what changed (plan --changed-since REF).
 *
 * In a large repository a pull request touches a few integrations; its plan
 * need only cover those. An integration counts as changed when its manifest
 * entry is new or differs (definition path, name, description, labels,
 * publish, comment) or its definition file's bytes differ between the two
 * manifests. The limited plan keeps the changes of those integrations, of
 * the instances that run them, and of whatever those depend on (a customer
 * to create first).
 *
 * Pure: no I/O. The caller loads both manifests.
 */
#ifndef PRISMSYNC_LIMIT_H
#define PRISMSYNC_LIMIT_H

#include <stdbool.h>

#include "../schema/manifest.h"
#include "plan.h"

/*
 * Sets changed[i] for each integration i of cur that changed since old.
 * old may be NULL (no manifest at the base revision): everything changed.
 * changed holds cur->integrations_nr entries.
 */
void limit_changed_integrations(const struct manifest *cur, const struct manifest *old,
                                bool *changed);

/*
 * Drops from p every change that does not belong to an integration i of m
 * with keep[i] (or to an instance of m running one), unless a kept change
 * depends on it, and records the limit in p (limited, limited_to, and
 * limited_since, a copy of since). Dependencies are renumbered.
 */
void plan_limit(struct plan *p, const struct manifest *m, const bool *keep, const char *since);

/*
 * What else changed since old, beyond integrations: the instances of cur
 * whose own entry is new or differs (integration, version, description,
 * enabled, deploy, labels, config variables, ignore), and the integrations
 * and instances old lists and cur does not (what --prune would then
 * delete). Returns a new array of new addresses (free each and the array)
 * and their number in *nr. old NULL: nothing beyond the integrations.
 */
char **limit_changed_others(const struct manifest *cur, const struct manifest *old, size_t *nr);

/*
 * plan_limit(), also keeping the changes whose address is one of also (the
 * instances that changed on their own, the deletes of what left the
 * manifest), recorded in p->limited_also.
 */
void plan_limit_also(struct plan *p, const struct manifest *m, const bool *keep, char *const *also,
                     size_t also_nr, const char *since);

#endif
