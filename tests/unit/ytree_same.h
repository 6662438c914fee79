/*
 * ytree_same.h - node-by-node comparison of two YAML trees, for the tests
 * that prove the fast reader (schema/yaml_fast.h) builds what libyaml
 * builds.
 */
#ifndef PRISMSYNC_TEST_YTREE_SAME_H
#define PRISMSYNC_TEST_YTREE_SAME_H

#include <stdbool.h>
#include <stddef.h>

#include "../../schema/yaml_tree.h"
#include "../../util/buf.h"

/*
 * True when a and b have the same kind, line, column, style and exact value
 * bytes at every node (NULL equals only NULL). Otherwise appends to why
 * where and how they first differ.
 */
bool ytree_same(const struct ynode *a, const struct ynode *b, struct buf *why);

/*
 * Parses text with libyaml and with the fast reader. Returns 0 when the
 * fast reader declines, 1 when it accepts and both agree (same result, same
 * diagnostics, same tree), -1 when they differ (the difference in why).
 */
int ytree_compare_readers(const char *path, const char *text, size_t len, struct buf *why);

#endif
