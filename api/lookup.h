/*
 * lookup.h - reading single objects again: by id (to check a saved plan is
 * not stale) and by identity (to learn whether a mutation whose outcome is
 * unknown happened after all).
 *
 * Every function adds what it finds to a live state as a record of the
 * same shape api_fetch_live() produces (so the same fingerprints apply;
 * integrations as metadata, without definitions, which may be null) and
 * reports through *found whether anything was there; a missing object is
 * not an error. Call live_state_index() on the state before looking
 * records up in it.
 */
#ifndef PRISMSYNC_LOOKUP_H
#define PRISMSYNC_LOOKUP_H

#include <stdbool.h>

#include "client.h"
#include "../live/live.h"

int api_read_customer(struct live_state *s, struct api_client *c, const char *id, bool *found,
                      struct error *err);
int api_read_integration(struct live_state *s, struct api_client *c, const char *id, bool *found,
                         struct error *err);
int api_read_instance(struct live_state *s, struct api_client *c, const char *id, bool *found,
                      struct error *err);

int api_find_customer(struct live_state *s, struct api_client *c, const char *external_id,
                      bool *found, struct error *err);
/* Org-owned integrations only: identity covers the organization's own integrations. */
int api_find_integration(struct live_state *s, struct api_client *c, const char *name, bool *found,
                         struct error *err);
int api_find_instance(struct live_state *s, struct api_client *c, const char *customer_id,
                      const char *name, bool *found, struct error *err);

/*
 * The same lookups started instead of waited for (the apply executor
 * resolves unknown outcomes this way while other changes run). The state
 * must stay alive until done runs; strings are copied into the request at
 * once. done runs exactly once, from inside api_client_run() or, when the
 * request cannot be sent at all, before the start function returns; err is
 * borrowed for the call.
 */
typedef void (*api_lookup_done_fn)(void *ctx, int rc, bool found, struct error *err);

void api_read_customer_start(struct live_state *s, struct api_client *c, const char *id,
                             api_lookup_done_fn done, void *ctx);
void api_read_integration_start(struct live_state *s, struct api_client *c, const char *id,
                                api_lookup_done_fn done, void *ctx);
void api_read_instance_start(struct live_state *s, struct api_client *c, const char *id,
                             api_lookup_done_fn done, void *ctx);
void api_find_customer_start(struct live_state *s, struct api_client *c, const char *external_id,
                             api_lookup_done_fn done, void *ctx);
void api_find_integration_start(struct live_state *s, struct api_client *c, const char *name,
                                api_lookup_done_fn done, void *ctx);
void api_find_instance_start(struct live_state *s, struct api_client *c, const char *customer_id,
                             const char *name, api_lookup_done_fn done, void *ctx);

#endif
