/*
 * identity.h - two live objects with one identity.
 *
 * prismsync finds objects by identity (customers by externalId,
 * integrations by name, instances by customer and name). Prismatic does not
 * keep integration names or instance names unique, and two applies that ran
 * at once, or a person, can leave two objects with one identity. Picking one
 * of them silently would update one and leave the other unmanaged (and hide
 * it from --prune and drift); so every identity the manifest uses, and that
 * two or more live objects share, is an error naming all their ids, at the
 * manifest entry that uses it, with what to do about it in the organization.
 */
#ifndef PRISMSYNC_IDENTITY_H
#define PRISMSYNC_IDENTITY_H

#include <stddef.h>

#include "../live/live.h"
#include "../schema/manifest.h"
#include "../util/diag.h"

/*
 * Adds one error to diags for each identity that the manifest m uses (its
 * customers, integrations and instances, and the customers and integrations
 * its instances name) and that two or more objects of live share; live
 * must be indexed (live_state_index()). Returns the number of errors added.
 */
size_t identity_check(const struct manifest *m, const struct live_state *live,
                      struct diag_list *diags);

#endif
