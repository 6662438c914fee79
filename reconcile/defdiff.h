/*
 * defdiff.h - semantic comparison of two integration definitions.
 *
 * Prismatic does not hand back the YAML it was given: it sorts keys, fills
 * in defaults (description: "", empty inputs) and pins "LATEST" component
 * versions to numbers. Comparing bytes would report drift that is not there,
 * so definitions are compared as trees:
 *
 *  - desired is a subset of live: every key desired sets must be present and
 *    equal in live; keys only live has were added by the server and are
 *    ignored;
 *  - a key desired sets to an empty value (null, "", [], {}) matches a live
 *    document that leaves it out;
 *  - lists compare element by element, and a different length is a change;
 *    lists whose elements all carry a distinct `name` (flows, steps,
 *    branches, config pages) are matched by name, so an added flow is one
 *    difference rather than a shift of every later one, and a different
 *    order is a difference of its own;
 *  - scalars compare by value, not by quoting: 30 equals "30", True equals
 *    true;
 *  - a component's `version: LATEST` matches any live version.
 *
 * Each difference is reported with its path in the document
 * (flows[0].steps[1].inputs.url.value) and the live (before) and desired
 * (after) nodes, borrowed from the two documents.
 */
#ifndef PRISMSYNC_DEFDIFF_H
#define PRISMSYNC_DEFDIFF_H

#include <stdbool.h>
#include <stddef.h>

#include "../schema/yaml_tree.h"

struct defdiff_entry {
	char *path;                 /* owned */
	const struct ynode *before; /* live value; NULL when live lacks it */
	const struct ynode *after;  /* desired value; NULL when desired lacks it */
};

struct defdiff {
	struct defdiff_entry *items;
	size_t nr, alloc;
};

#define DEFDIFF_INIT                                                                               \
	{                                                                                          \
		NULL, 0, 0                                                                         \
	}

/*
 * Compares desired against live and appends every difference to out. Top-
 * level keys listed in skip (a NULL-terminated array, may be NULL) are left
 * out of the comparison: the reconciler compares an integration's name,
 * description and labels as metadata of their own. Returns the number of
 * differences found.
 */
size_t defdiff_compare(const struct ynode *desired, const struct ynode *live,
                       const char *const *skip, struct defdiff *out);

void defdiff_release(struct defdiff *d);

#endif
