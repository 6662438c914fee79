/*
 * scope.h - limiting a plan to part of the organization: --target and
 * --select on plan, apply and drift.
 *
 * A target is an address (customer.<externalId>, integration.<name>,
 * instance.<externalId>/<name>) in which `*` matches any run of characters
 * ("instance.acme/" then a star is every instance of acme). A select label keeps the
 * objects that carry it, in the manifest or, for an object the manifest
 * does not list, in the organization. A change is kept when it matches a
 * target (if any are given) and carries a select label (if any are given);
 * the changes it depends on are kept with it, so what is applied can be
 * applied. What --prune would delete is limited in the same way.
 */
#ifndef PRISMSYNC_SCOPE_H
#define PRISMSYNC_SCOPE_H

#include <stdbool.h>
#include <stddef.h>

#include "../live/live.h"
#include "../schema/manifest.h"
#include "../util/error.h"
#include "plan.h"

struct plan_scope {
	const char *const *targets; /* borrowed */
	size_t targets_nr;
	const char *const *labels; /* borrowed */
	size_t labels_nr;
};

/* True when the scope limits anything. */
bool plan_scope_active(const struct plan_scope *s);

/*
 * Checks that every target matches at least one object of the manifest or
 * the organization. Returns 0, or ERR_NOTFOUND with err naming the first
 * target that matches nothing and the closest address.
 */
int plan_scope_check(const struct plan_scope *s, const struct manifest *m,
                     const struct live_state *live, struct error *err);

/* Drops the changes outside the scope (keeping their dependencies) and records it in p. */
void plan_scope_limit(struct plan *p, const struct plan_scope *s, const struct manifest *m,
                      const struct live_state *live);

#endif
