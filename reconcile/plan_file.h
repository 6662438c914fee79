/*
 * plan_file.h - reading back a plan saved by `prismsync plan --out`.
 *
 * The file is the JSON rendering of the plan with payloads
 * (schema/plan.schema.json). Reading checks everything apply relies on:
 * the format version, each change's type, action and address, that every
 * dependency names an earlier change, and that a payload is an object.
 */
#ifndef PRISMSYNC_PLAN_FILE_H
#define PRISMSYNC_PLAN_FILE_H

#include <stddef.h>

#include "../util/error.h"
#include "plan.h"

/*
 * Parses len bytes of JSON named path into p (initialised by the caller,
 * filled only on success). Returns 0, or ERR_PARSE / ERR_INVALID with a
 * message naming the file and the change.
 */
int plan_read(struct plan *p, const char *path, const char *text, size_t len, struct error *err);

#endif
