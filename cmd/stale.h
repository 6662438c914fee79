/*
 * stale.h - whether a saved plan still fits the organization, for
 * `apply PLAN`.
 */
#ifndef PRISMSYNC_STALE_H
#define PRISMSYNC_STALE_H

#include <stdbool.h>

#include "../api/client.h"
#include "../reconcile/plan.h"

/*
 * Re-reads every live object the plan touches (each once, all requests
 * queued at once, so the client runs them in parallel) and compares its
 * fingerprint with the plan's; an object the plan creates must still be
 * absent (a customer or integration by its identity, an instance by
 * customer and name when its customer exists). Prints each object that
 * changed, was deleted or was created to stderr, in plan order, and sets
 * *stale. Returns EXIT_OK, or EXIT_ERROR with the API error printed.
 */
int check_stale(const struct plan *p, struct api_client *client, bool *stale);

#endif
