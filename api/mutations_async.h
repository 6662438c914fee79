/*
 * mutations_async.h - the mutations of mutations.h, started instead of
 * waited for, so that one client keeps many of them in flight (the apply
 * executor runs independent changes this way).
 *
 * Each api_*_start() function builds its request at once and queues it on
 * the client. Its inputs are borrowed for the call only: nothing they point
 * to is kept. The done callback runs exactly once: normally from inside
 * api_client_run(), but before the start function returns when the request
 * cannot be sent at all (no usable credentials), so a caller must not touch
 * state the callback may free after starting an operation. From inside the
 * callback the caller may start more operations.
 *
 * Outcomes and error messages are exactly those of the synchronous
 * functions in mutations.h (which are these, run to completion): a
 * mutation is never sent twice unless the server certainly did not run it,
 * and ERR_UNKNOWN_OUTCOME means "re-read before deciding".
 * Two queries belong here too, because the executor chains them after
 * mutations: api_version_poll_start() (is a published version available
 * yet?) and api_instance_deploy_state_start() (did a deploy take?). Both
 * may be delayed: the request goes out no earlier than delay_ms from now,
 * nothing sleeps, other requests keep going.
 */
#ifndef PRISMSYNC_MUTATIONS_ASYNC_H
#define PRISMSYNC_MUTATIONS_ASYNC_H

#include <stdbool.h>
#include <stddef.h>

#include "client.h"
#include "mutations.h"

/* Whether an instance runs what it is bound to. */
struct api_deploy_state {
	bool needs_deploy;
	int deployed_version; /* 0: never deployed */
};

/* What an operation produced; borrowed for the duration of the callback. */
struct api_mut_result {
	const char *id; /* create, import: the object's id; else NULL */
	/* publish: the version made; poll: the version when available, NULL when not yet */
	const struct api_version *version;
	const struct api_deploy_state *deploy; /* deploy state read; else NULL */
};

/*
 * rc is 0 or an ERR_* code; err (borrowed for the call) holds the message
 * when rc is not 0; res is never NULL.
 */
typedef void (*api_mut_done_fn)(void *ctx, int rc, const struct api_mut_result *res,
                                struct error *err);

void api_customer_create_start(struct api_client *c, const struct api_customer_input *in,
                               api_mut_done_fn done, void *ctx);
void api_customer_update_start(struct api_client *c, const char *id,
                               const struct api_customer_input *in, api_mut_done_fn done,
                               void *ctx);

/* integration_id NULL creates an integration; res->id is its id. */
void api_integration_import_start(struct api_client *c, const char *integration_id,
                                  const char *definition, api_mut_done_fn done, void *ctx);
void api_integration_update_start(struct api_client *c, const char *id,
                                  const struct api_integration_input *in, api_mut_done_fn done,
                                  void *ctx);
void api_integration_publish_start(struct api_client *c, const char *id, const char *comment,
                                   const char *attributes_json, api_mut_done_fn done, void *ctx);
/*
 * One look, after delay_ms, at whether version number of integration id is
 * available: res->version is it when it is, NULL when not yet.
 */
void api_version_poll_start(struct api_client *c, const char *id, int number, long delay_ms,
                            api_mut_done_fn done, void *ctx);
void api_integration_delete_start(struct api_client *c, const char *id, api_mut_done_fn done,
                                  void *ctx);

void api_instance_create_start(struct api_client *c, const struct api_instance_input *in,
                               api_mut_done_fn done, void *ctx);
void api_instance_update_start(struct api_client *c, const char *id,
                               const struct api_instance_input *in, api_mut_done_fn done,
                               void *ctx);
void api_instance_set_config_start(struct api_client *c, const char *id,
                                   const struct api_config_value *values, size_t nr,
                                   api_mut_done_fn done, void *ctx);
void api_instance_deploy_start(struct api_client *c, const char *id, api_mut_done_fn done,
                               void *ctx);
/* Reads, after delay_ms, needsDeploy and deployedVersion of instance id into res->deploy. */
void api_instance_deploy_state_start(struct api_client *c, const char *id, long delay_ms,
                                     api_mut_done_fn done, void *ctx);
void api_instance_set_enabled_start(struct api_client *c, const char *id, bool enabled,
                                    api_mut_done_fn done, void *ctx);
void api_instance_delete_start(struct api_client *c, const char *id, api_mut_done_fn done,
                               void *ctx);

/*
 * ---- batches ----
 *
 * GraphQL runs several aliased fields of one document, mutations one after
 * another, so independent operations of one kind can share a request: with
 * api_mut_batching(c, max, ...) (max 2 or more), the changes above and
 * api_instance_deploy_state_start() without a delay, started while the
 * client is held, wait until the last hold is released and then go out up
 * to max to a request (a kind that reaches max goes out at once). The done
 * callbacks of one request's operations run one after another with the
 * client held, so what they start goes out together too. Nothing else
 * changes for the caller: each operation gets its own outcome and message,
 * from its own alias's payload `errors` and the top-level errors whose
 * `path` names it; a request whose answer is lost gives each of its
 * mutations ERR_UNKNOWN_OUTCOME, to be re-read and decided one by one.
 *
 * When the server refuses a batched document as a whole (a top-level error
 * and no data, before anything ran: a complexity or "one mutation per
 * request" limit), its operations go out again one per request, and so
 * does every operation after them; notice (may be NULL) hears of it once.
 * Without api_mut_batching(), or with max below 2, every operation goes out
 * alone, at once, and holding has no effect.
 */
typedef void (*api_notice_fn)(void *ctx, const char *message);

void api_mut_batching(struct api_client *c, size_t max, api_notice_fn notice, void *ctx);

/* Holds back batchable operations; holds nest. */
void api_mut_hold(struct api_client *c);

/* Releases one hold; the last sends what waits. */
void api_mut_release(struct api_client *c);

#endif
