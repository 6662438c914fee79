#include "defdiff.h"

#include <stdlib.h>
#include <string.h>

#include "../util/buf.h"
#include "../util/xalloc.h"
#include "../util/banned.h"

static void add_entry(struct defdiff *out, const struct buf *path, const struct ynode *before,
                      const struct ynode *after)
{
	ALLOC_GROW(out->items, out->nr + 1, out->alloc);
	struct defdiff_entry *e = &out->items[out->nr++];
	e->path = xstrdup(path->len ? path->data : "(root)");
	e->before = before;
	e->after = after;
}

static bool is_empty_value(const struct ynode *n)
{
	if (!n)
		return true;
	switch (n->kind) {
	case YNODE_SEQ:
		return n->u.seq.nr == 0;
	case YNODE_MAP:
		return n->u.map.nr == 0;
	default:
		return yscalar_type(n) == YTYPE_NULL || n->u.scalar.len == 0;
	}
}

static bool bool_value(const struct ynode *n)
{
	return n->u.scalar.value[0] == 't' || n->u.scalar.value[0] == 'T';
}

/* Scalars are equal when they mean the same value, whatever their quoting. */
static bool scalars_equal(const struct ynode *a, const struct ynode *b)
{
	enum yscalar_type ta = yscalar_type(a), tb = yscalar_type(b);
	if (ta == YTYPE_NULL || tb == YTYPE_NULL)
		return is_empty_value(a) && is_empty_value(b);
	if (ta == YTYPE_BOOL && tb == YTYPE_BOOL)
		return bool_value(a) == bool_value(b);
	if (ta == YTYPE_BOOL || tb == YTYPE_BOOL) {
		/* true against "true": the server may quote what it stores. */
		const struct ynode *bn = ta == YTYPE_BOOL ? a : b, *sn = ta == YTYPE_BOOL ? b : a;
		return !strcmp(sn->u.scalar.value, bool_value(bn) ? "true" : "false");
	}
	if (ta == YTYPE_INT && tb == YTYPE_INT) {
		char *ea, *eb;
		long long va = strtoll(a->u.scalar.value, &ea, 0);
		long long vb = strtoll(b->u.scalar.value, &eb, 0);
		if (!*ea && !*eb)
			return va == vb;
	}
	if ((ta == YTYPE_FLOAT || ta == YTYPE_INT) && (tb == YTYPE_FLOAT || tb == YTYPE_INT)) {
		char *ea, *eb;
		double va = strtod(a->u.scalar.value, &ea), vb = strtod(b->u.scalar.value, &eb);
		if (!*ea && !*eb)
			return va == vb;
	}
	return a->u.scalar.len == b->u.scalar.len &&
	       !memcmp(a->u.scalar.value, b->u.scalar.value, a->u.scalar.len);
}

static bool plain_key(const char *k)
{
	if (!*k || !(((*k | 0x20) >= 'a' && (*k | 0x20) <= 'z') || *k == '_'))
		return false;
	for (; *k; k++) {
		char c = *k;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '-'))
			return false;
	}
	return true;
}

static void push_key(struct buf *path, const char *key)
{
	if (plain_key(key)) {
		if (path->len)
			buf_addch(path, '.');
		buf_adds(path, key);
		return;
	}
	buf_adds(path, "[\"");
	for (const char *p = key; *p; p++) {
		if (*p == '"' || *p == '\\')
			buf_addch(path, '\\');
		buf_addch(path, *p);
	}
	buf_adds(path, "\"]");
}

static void compare(const struct ynode *desired, const struct ynode *live, struct buf *path,
                    bool in_component, const char *const *skip, struct defdiff *out);

/* The name of a list element that is a mapping with a string `name`, or NULL. */
static const char *element_name(const struct ynode *n)
{
	const struct ynode *name = ymap_get(n, "name");
	if (!name || name->kind != YNODE_SCALAR || !name->u.scalar.len)
		return NULL;
	return name->u.scalar.value;
}

/*
 * Whether every element of a list has a name, and no two share one. Such
 * lists (flows, steps, branches, config pages) are matched by name, so that
 * adding a flow in the middle is one difference, not a shift of every later
 * one. Other lists (requiredConfigVars, whose elements have a key) compare
 * by position.
 */
static bool named_list(const struct ynode *list)
{
	if (!list->u.seq.nr)
		return false;
	for (size_t i = 0; i < list->u.seq.nr; i++) {
		const char *a = element_name(list->u.seq.items[i]);
		if (!a)
			return false;
		for (size_t j = 0; j < i; j++)
			if (!strcmp(a, element_name(list->u.seq.items[j])))
				return false;
	}
	return true;
}

static size_t find_named(const struct ynode *list, const char *name)
{
	for (size_t i = 0; i < list->u.seq.nr; i++)
		if (!strcmp(element_name(list->u.seq.items[i]), name))
			return i;
	return (size_t)-1;
}

static void compare_by_index(const struct ynode *desired, const struct ynode *live,
                             struct buf *path, struct defdiff *out)
{
	size_t n = desired->u.seq.nr > live->u.seq.nr ? desired->u.seq.nr : live->u.seq.nr;
	for (size_t i = 0; i < n; i++) {
		size_t mark = path->len;
		buf_addf(path, "[%zu]", i);
		const struct ynode *d = i < desired->u.seq.nr ? desired->u.seq.items[i] : NULL;
		const struct ynode *l = i < live->u.seq.nr ? live->u.seq.items[i] : NULL;
		if (d && l)
			compare(d, l, path, false, NULL, out);
		else
			add_entry(out, path, l, d);
		buf_truncate(path, mark);
	}
}

/*
 * Named elements are compared with the live element of the same name. An
 * element only desired has is compared with the live element at its index
 * when that one is unmatched too (a rename), and is otherwise an addition;
 * a live element left over is a removal (at its live index). When the
 * elements both sides have appear in another order, the order itself is a
 * difference, reported on the list.
 */
static void compare_named(const struct ynode *desired, const struct ynode *live, struct buf *path,
                          struct defdiff *out)
{
	bool *used = xcalloc(live->u.seq.nr + 1, sizeof(*used));
	size_t last = 0;
	bool reordered = false, first = true;
	for (size_t i = 0; i < desired->u.seq.nr; i++) {
		const struct ynode *d = desired->u.seq.items[i];
		size_t j = find_named(live, element_name(d));
		if (j != (size_t)-1) {
			used[j] = true;
			if (!first && j < last)
				reordered = true;
			last = j;
			first = false;
		}
	}
	for (size_t i = 0; i < desired->u.seq.nr; i++) {
		const struct ynode *d = desired->u.seq.items[i];
		size_t j = find_named(live, element_name(d));
		size_t mark = path->len;
		buf_addf(path, "[%zu]", i);
		if (j == (size_t)-1 && i < live->u.seq.nr && !used[i] &&
		    find_named(desired, element_name(live->u.seq.items[i])) == (size_t)-1) {
			used[i] = true; /* renamed in place */
			compare(d, live->u.seq.items[i], path, false, NULL, out);
		} else if (j == (size_t)-1) {
			add_entry(out, path, NULL, d);
		} else {
			compare(d, live->u.seq.items[j], path, false, NULL, out);
		}
		buf_truncate(path, mark);
	}
	for (size_t j = 0; j < live->u.seq.nr; j++) {
		if (used[j])
			continue;
		size_t mark = path->len;
		buf_addf(path, "[%zu]", j);
		add_entry(out, path, live->u.seq.items[j], NULL);
		buf_truncate(path, mark);
	}
	if (reordered)
		add_entry(out, path, live, desired);
	free(used);
}

static bool skipped(const char *key, const char *const *skip)
{
	for (; skip && *skip; skip++)
		if (!strcmp(key, *skip))
			return true;
	return false;
}

static void compare_maps(const struct ynode *desired, const struct ynode *live, struct buf *path,
                         bool is_component, const char *const *skip, struct defdiff *out)
{
	for (size_t i = 0; i < desired->u.map.nr; i++) {
		const struct ynode *k = desired->u.map.pairs[i].key;
		const struct ynode *dv = desired->u.map.pairs[i].value;
		const char *key = k->u.scalar.value;
		if (skipped(key, skip))
			continue;
		size_t mark = path->len;
		push_key(path, key);
		const struct ynode *lv = ymap_get(live, key);
		if (is_component && !strcmp(key, "version") && dv->kind == YNODE_SCALAR &&
		    !strcmp(dv->u.scalar.value, "LATEST")) {
			/* LATEST matches whichever version the server pinned. */
		} else if (!lv) {
			if (!is_empty_value(dv))
				add_entry(out, path, NULL, dv);
		} else {
			compare(dv, lv, path, !strcmp(key, "component"), NULL, out);
		}
		buf_truncate(path, mark);
	}
}

static void compare(const struct ynode *desired, const struct ynode *live, struct buf *path,
                    bool in_component, const char *const *skip, struct defdiff *out)
{
	if (desired->kind != live->kind) {
		if (!(is_empty_value(desired) && is_empty_value(live)))
			add_entry(out, path, live, desired);
		return;
	}
	switch (desired->kind) {
	case YNODE_SCALAR:
		if (!scalars_equal(desired, live))
			add_entry(out, path, live, desired);
		break;
	case YNODE_MAP:
		compare_maps(desired, live, path, in_component, skip, out);
		break;
	case YNODE_SEQ:
		if (named_list(desired) && named_list(live))
			compare_named(desired, live, path, out);
		else
			compare_by_index(desired, live, path, out);
		break;
	}
}

size_t defdiff_compare(const struct ynode *desired, const struct ynode *live,
                       const char *const *skip, struct defdiff *out)
{
	size_t before = out->nr;
	struct buf path = BUF_INIT;
	if (!desired && !live)
		return 0;
	if (!desired || !live) {
		add_entry(out, &path, live, desired);
	} else {
		compare(desired, live, &path, false, skip, out);
	}
	buf_release(&path);
	return out->nr - before;
}

void defdiff_release(struct defdiff *d)
{
	for (size_t i = 0; i < d->nr; i++)
		free(d->items[i].path);
	free(d->items);
	d->items = NULL;
	d->nr = d->alloc = 0;
}
