/*
 * yaml_emit.h - writes a YAML tree back out as text, with top-level
 * overrides.
 *
 * prismsync imports a definition into Prismatic with the manifest's name,
 * description and labels written into it (README, "The manifest"), so that an
 * import and a metadata update never undo each other. ydoc_emit() produces
 * that text: the tree as parsed, with the top-level keys named by the
 * overrides replaced (or added at the end when the document lacks them).
 *
 * Scalars keep their meaning: a string that would read back as another type
 * if written plain ("true", "30", "") is quoted.
 */
#ifndef PRISMSYNC_YAML_EMIT_H
#define PRISMSYNC_YAML_EMIT_H

#include <stddef.h>

#include "../util/buf.h"
#include "../util/error.h"
#include "yaml_tree.h"

enum yemit_kind { YEMIT_STRING, YEMIT_STRING_LIST };

struct yemit_override {
	const char *key;
	enum yemit_kind kind;
	const char *str;          /* YEMIT_STRING */
	const char *const *items; /* YEMIT_STRING_LIST */
	size_t nr;
};

/*
 * Appends the YAML text of root, with overrides applied to its top level
 * (root must then be a mapping), to out. Returns 0, or ERR_TOO_LARGE when
 * out's cap is reached, or ERR_INVALID with err set when libyaml refuses the
 * tree.
 */
int ydoc_emit(const struct ynode *root, const struct yemit_override *overrides, size_t nr,
              struct buf *out, struct error *err);

#endif
