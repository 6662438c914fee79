#include "ytree_same.h"

#include <stdlib.h>
#include <string.h>

#include "../../util/diag.h"

static bool differ(struct buf *why, const struct ynode *a, const char *what)
{
	buf_addf(why, "%d:%d: %s differs\n", a->line, a->col, what);
	return false;
}

bool ytree_same(const struct ynode *a, const struct ynode *b, struct buf *why)
{
	if (!a || !b) {
		if (a == b)
			return true;
		buf_addf(why, "one tree is empty\n");
		return false;
	}
	if (a->kind != b->kind)
		return differ(why, a, "kind");
	if (a->line != b->line || a->col != b->col) {
		buf_addf(why, "position %d:%d against %d:%d\n", a->line, a->col, b->line, b->col);
		return false;
	}
	switch (a->kind) {
	case YNODE_SCALAR:
		if (a->style != b->style)
			return differ(why, a, "style");
		if (a->u.scalar.len != b->u.scalar.len ||
		    memcmp(a->u.scalar.value, b->u.scalar.value, a->u.scalar.len))
			return differ(why, a, "value");
		return true;
	case YNODE_SEQ:
		if (a->u.seq.nr != b->u.seq.nr)
			return differ(why, a, "length of the list");
		for (size_t i = 0; i < a->u.seq.nr; i++)
			if (!ytree_same(a->u.seq.items[i], b->u.seq.items[i], why))
				return false;
		return true;
	case YNODE_MAP:
		if (a->u.map.nr != b->u.map.nr)
			return differ(why, a, "size of the mapping");
		for (size_t i = 0; i < a->u.map.nr; i++)
			if (!ytree_same(a->u.map.pairs[i].key, b->u.map.pairs[i].key, why) ||
			    !ytree_same(a->u.map.pairs[i].value, b->u.map.pairs[i].value, why))
				return false;
		return true;
	}
	return differ(why, a, "node");
}

/* Parses with one reader; the rendered diagnostics go to msgs. */
static int parse(struct ydoc **doc, const char *path, const char *text, size_t len,
                 enum ydoc_reader reader, struct buf *msgs)
{
	struct diag_list l;
	diag_list_init(&l);
	int rc = ydoc_parse_with(doc, path, text, len, &l, reader);
	diag_sort(&l);
	diag_render(&l, msgs, false);
	diag_list_release(&l);
	return rc;
}

int ytree_compare_readers(const char *path, const char *text, size_t len, struct buf *why)
{
	struct ydoc *slow = NULL, *fast = NULL;
	struct buf slow_msgs = BUF_INIT, fast_msgs = BUF_INIT;
	int ret = -1;

	int frc = parse(&fast, path, text, len, YDOC_READER_FAST, &fast_msgs);
	if (frc == 1) {
		ret = 0;
		goto done;
	}
	int src = parse(&slow, path, text, len, YDOC_READER_LIBYAML, &slow_msgs);
	if (frc != src) {
		buf_addf(why, "fast reader returned %d, libyaml %d: %s\n", frc, src,
		         slow_msgs.data);
		goto done;
	}
	if (strcmp(fast_msgs.data, slow_msgs.data)) {
		buf_addf(why, "diagnostics differ:\nfast:\n%slibyaml:\n%s", fast_msgs.data,
		         slow_msgs.data);
		goto done;
	}
	if (!frc && !ytree_same(fast->root, slow->root, why))
		goto done;
	ret = 1;
done:
	ydoc_free(slow);
	ydoc_free(fast);
	buf_release(&slow_msgs);
	buf_release(&fast_msgs);
	return ret;
}
