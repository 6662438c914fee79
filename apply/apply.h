/*
 * apply.h - carrying out a plan against the organization.
 *
 * apply_run() executes the changes of a plan in order, each only after the
 * changes it depends on succeeded. A change that fails blocks the changes
 * that depend on it (directly or not), which are skipped and reported as
 * blocked; independent changes still run. Everything a change needs is in
 * its inputs and live id (plan.h), so a plan read back from a file runs
 * the same way as a fresh one; objects created earlier in the same run are
 * found by address.
 *
 * A mutation whose outcome is unknown (a timeout or dropped connection
 * after the request was sent) is resolved before anything else: creates
 * and publishes, which must not happen twice, re-read the object by its
 * identity and count as done when it is there; a deploy re-reads the
 * instance's deploy state; other idempotent changes (updates, imports over
 * a draft, enable/disable, deletes) are sent again. A step is resolved this
 * way up to three times, since a resend's answer can be lost too.
 *
 * A publish makes the version number the plan recorded (its inputs'
 * expected_version, the draft's versionNumber at plan time): a publish that
 * makes another number fails, since someone else published in between.
 * Then that number is polled for until it is available, up to
 * publish_timeout_ms; meanwhile the publish does not count against the
 * client's parallelism, and o->waiting hears of it every 10 s. A deploy is
 * done only when a re-read shows needsDeploy false and deployedVersion the
 * version the plan (or this run's publish) names.
 *
 * Changes of one kind that are ready together share a request, up to
 * apply_opts.batch_size of them (mutations_async.h, batches): each keeps its
 * own outcome, and the rules above hold for each change of a batch whose
 * answer was lost.
 *
 * A stop (apply_opts.stop, set from a signal handler) starts nothing more:
 * what is in flight finishes, the rest is reported CS_NOT_STARTED.
 *
 * Secrets: config values that are ${env:NAME} references are read from the
 * environment at the moment they are sent, and never stored or reported.
 */
#ifndef PRISMSYNC_APPLY_H
#define PRISMSYNC_APPLY_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include "../api/client.h"
#include "../reconcile/plan.h"

/* CS_NOT_STARTED: the apply was interrupted (apply_opts.stop) before the change started. */
enum change_status { CS_PENDING, CS_DONE, CS_FAILED, CS_BLOCKED, CS_NOT_STARTED };

struct apply_event {
	const struct plan_change *change;
	enum change_status status;
	const char *message; /* why it failed or is blocked; NULL when done */
	size_t finished, total;
	double elapsed_s; /* of this change */
};

typedef void (*apply_progress_fn)(void *ctx, const struct apply_event *ev);

/* A publish still waiting for its version to become available. */
struct apply_wait_event {
	const struct plan_change *change;
	int version;
	double waited_s;
};

/* Called at least every 10 s while a publish waits. */
typedef void (*apply_wait_fn)(void *ctx, const struct apply_wait_event *ev);

#define APPLY_DEFAULT_PUBLISH_TIMEOUT_MS 300000L

/*
 * Changes of one kind that are ready together go out this many to a request
 * at most (mutations_async.h, batches); 1 sends each alone. The changes in
 * flight at most are the client's parallelism times this.
 */
#define APPLY_DEFAULT_BATCH_SIZE 20
#define APPLY_MAX_BATCH_SIZE     100

/* Something the user should know once, such as the server refusing batches. */
typedef void (*apply_notice_fn)(void *ctx, const char *message);

/*
 * What a run learned (ids of the objects it created, versions it
 * published), kept across apply_run() calls that carry out one plan in
 * parts (the waves of a rollout). Opaque; apply_memory_free() accepts NULL.
 */
struct apply_memory;
struct apply_memory *apply_memory_new(void);
void apply_memory_free(struct apply_memory *m);
/* The id learned for address (such as instance.acme/Orders), or NULL. Borrowed. */
const char *apply_memory_id(const struct apply_memory *m, const char *address);

struct apply_opts {
	const char *(*getenv)(const char *name); /* NULL: getenv(3) */
	apply_progress_fn progress;              /* may be NULL */
	apply_wait_fn waiting;                   /* may be NULL */
	void *progress_ctx;                      /* for both callbacks */
	long publish_timeout_ms;                 /* 0: APPLY_DEFAULT_PUBLISH_TIMEOUT_MS */
	int batch_size;                          /* 0: APPLY_DEFAULT_BATCH_SIZE */
	apply_notice_fn notice;                  /* may be NULL; gets progress_ctx */
	/*
	 * May be NULL. Once it reads non-zero (a signal handler sets it), no
	 * further change starts; the changes in flight finish, including their
	 * publish waits and deploy re-reads, and the rest end CS_NOT_STARTED.
	 */
	const volatile sig_atomic_t *stop;
	struct apply_memory *memory; /* NULL: what the run learns is dropped */
};

struct apply_result {
	size_t nr;                  /* changes in the plan */
	enum change_status *status; /* per change */
	char **message;             /* per change; NULL when done */
	size_t done, failed, blocked;
	size_t not_started; /* left undone because the run was stopped (apply_opts.stop) */
};

/*
 * Runs every change of p. Returns 0 when all succeeded, ERR_API when some
 * failed, were blocked or were not started (the result says which). r is filled either way;
 * release it with apply_result_release().
 */
int apply_run(struct apply_result *r, const struct plan *p, struct api_client *client,
              const struct apply_opts *o);

void apply_result_release(struct apply_result *r);

#endif
