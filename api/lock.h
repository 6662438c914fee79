/*
 * lock.h - the apply lock: one apply at a time in an organization.
 *
 * Prismatic has no lock object. What it guarantees is that a customer's
 * name is unique in the organization (the schema says so of
 * CreateCustomerInput.name), so a createCustomer of a name that exists is
 * refused: the lock is a customer named API_LOCK_NAME, labelled
 * API_LOCK_LABEL, whose description records who took it, when, and a
 * random run token. Taking the lock is creating it; releasing it is
 * deleting it. Assumed, not documented: that the refusal holds for two
 * creates that arrive at the same moment (a database constraint would give
 * that; the schema cannot show it). The lock has no expiry: Prismatic gives
 * no way to renew or expire an object, so a lock whose holder was killed
 * stays until someone removes it (api_lock_force_unlock()).
 *
 * Nothing here prints; strings in an api_lock_info belong to it.
 */
#ifndef PRISMSYNC_API_LOCK_H
#define PRISMSYNC_API_LOCK_H

#include <stdbool.h>

#include "client.h"

#define API_LOCK_NAME  "prismsync apply lock"
#define API_LOCK_LABEL "prismsync:lock"

/* A lock as read back. */
struct api_lock_info {
	char *id;         /* the customer's id: what --force-unlock takes */
	char *holder;     /* who took it ("alice@ci-runner-7, pid 4242"); NULL when unknown */
	char *since_text; /* when, as UTC ISO 8601; NULL when unknown */
	long long since;  /* when, as seconds since the epoch; 0 when unknown */
	char *run;        /* the taker's random token; NULL when unknown */
	bool is_lock;     /* the name and label of a lock (not some other customer) */
};

void api_lock_info_release(struct api_lock_info *info);

/*
 * Tries once to take the lock for holder (a short description of this run,
 * no secrets). Returns 0 with *acquired true and *mine describing the lock
 * now held, or with *acquired false and *held describing the lock someone
 * else holds (held->id NULL when it was released in between: try again). A
 * create whose outcome is unknown is decided by reading the lock back and
 * comparing the run token. Otherwise an error as client.h describes.
 */
int api_lock_try(bool *acquired, struct api_lock_info *mine, struct api_lock_info *held,
                 struct api_client *c, const char *holder, struct error *err);

/* Releases the lock with id (deletes it); a lock already gone is released. */
int api_lock_release(struct api_client *c, const char *id, struct error *err);

/*
 * Removes the lock with id after checking it is one (a customer named
 * API_LOCK_NAME carrying API_LOCK_LABEL: never any other customer, whose
 * deletion would take its instances along). *removed describes what was
 * removed. ERR_NOTFOUND when there is no object with that id, ERR_INVALID
 * when it is not a lock.
 */
int api_lock_force_unlock(struct api_lock_info *removed, struct api_client *c, const char *id,
                          struct error *err);

#endif
