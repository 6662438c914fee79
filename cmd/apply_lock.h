/*
 * apply_lock.h - apply takes the organization's lock (api/lock.h) before it
 * reads anything, and gives it back on every way out: success, failure, a
 * refused confirmation, and SIGINT, SIGTERM or SIGHUP (the first one lets
 * apply stop at its next safe point and release; a second exits at once and
 * leaves the lock, saying how to remove it). Only SIGKILL, or a lost
 * connection at the end, leaves the lock behind; the next apply then shows
 * who held it and since when, and `apply --force-unlock ID` removes it.
 *
 * One lock per process: the state is static, because the signal handler
 * must reach it.
 */
#ifndef PRISMSYNC_APPLY_LOCK_H
#define PRISMSYNC_APPLY_LOCK_H

#include <signal.h>
#include <stdbool.h>

#include "../api/client.h"
#include "cmd.h"

/*
 * Takes the lock through client (borrowed until apply_lock_release()),
 * waiting up to timeout_s seconds (0: not at all) for another apply to
 * release it. Returns EXIT_OK holding it, or EXIT_ERROR with the reason
 * (who holds it, since when, how to remove it) printed.
 */
int apply_lock_take(struct api_client *client, long timeout_s);

/* The verb that names the messages (default "apply"; rollback takes the same lock). */
void apply_lock_set_verb(const char *verb);

/*
 * Releases the lock if this process holds it (a failure is a warning that
 * names the lock and how to remove it), and restores the signal handlers.
 * Safe to call when nothing is held.
 */
void apply_lock_release(void);

/*
 * Around the changes of an apply: the first signal then stops starting new
 * changes and lets those in flight finish (apply_run() reads the flag
 * apply_lock_stop_flag() points to: the signal's number, 0 for none); a
 * second one exits at once.
 */
void apply_lock_changes_begin(void);
void apply_lock_changes_end(void);
volatile sig_atomic_t *apply_lock_stop_flag(void);

/* Whether SIGINT, SIGTERM or SIGHUP arrived while the lock was held. */
bool apply_lock_interrupted(void);

/*
 * After apply_lock_release(): if a signal arrived, ends the process by it
 * (default action), as if it had not been caught. Returns otherwise.
 */
void apply_lock_reraise(void);

/* `apply --force-unlock ID`: removes the lock, after checking it is one. */
int apply_force_unlock(const char *id, struct common_opts *common);

#endif
