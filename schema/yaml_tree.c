#include "yaml_tree.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "yaml_fast.h"
#include "../util/error.h"
#include "../util/xalloc.h"
#include "../util/banned.h"

/* A collection being filled: its children are collected here, then moved into the arena. */
struct frame {
	struct ynode *node;
	struct ynode **kids; /* for a map: key, value, key, value, ... */
	size_t nr, alloc;
};

struct builder {
	struct ydoc *doc;
	struct diag_list *diags;
	struct frame *stack;
	size_t depth, alloc;
	int errors;
	size_t used; /* frames initialised so far; their kids arrays are reused */
};

static void pos_of(const yaml_mark_t *m, int *line, int *col)
{
	*line = (int)m->line + 1;
	*col = (int)m->column + 1;
}

static void b_error(struct builder *b, const yaml_mark_t *m, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void b_error(struct builder *b, const yaml_mark_t *m, const char *fmt, ...)
{
	int line, col;
	va_list ap;
	pos_of(m, &line, &col);
	va_start(ap, fmt);
	char *msg = xvasprintf(fmt, ap);
	va_end(ap);
	diag_error(b->diags, b->doc->path, line, col, "%s", msg);
	free(msg);
	b->errors++;
}

_Static_assert(sizeof(void *) != 8 || sizeof(struct ynode) == 32, "a node stays 32 bytes");

static struct ynode *new_node(struct builder *b, enum ynode_kind kind, const yaml_mark_t *m)
{
	struct ynode *n = arena_alloc(&b->doc->arena, sizeof(*n));
	n->kind = kind;
	pos_of(m, &n->line, &n->col);
	return n;
}

/* Attaches a finished node to its parent collection, or makes it the root. */
static void attach(struct builder *b, struct ynode *n)
{
	if (!b->depth) {
		b->doc->root = n;
		return;
	}
	struct frame *f = &b->stack[b->depth - 1];
	ALLOC_GROW(f->kids, f->nr + 1, f->alloc);
	f->kids[f->nr++] = n;
}

static int key_cmp(const void *pa, const void *pb)
{
	const struct ynode *a = *(struct ynode *const *)pa, *b = *(struct ynode *const *)pb;
	size_t n = a->u.scalar.len < b->u.scalar.len ? a->u.scalar.len : b->u.scalar.len;
	int c = memcmp(a->u.scalar.value, b->u.scalar.value, n);
	if (c)
		return c;
	if (a->u.scalar.len != b->u.scalar.len)
		return a->u.scalar.len < b->u.scalar.len ? -1 : 1;
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	return (a->col > b->col) - (a->col < b->col);
}

static bool same_key(const struct ynode *a, const struct ynode *b)
{
	return a->u.scalar.len == b->u.scalar.len &&
	       !memcmp(a->u.scalar.value, b->u.scalar.value, a->u.scalar.len);
}

static void duplicate_key(struct builder *b, const struct ynode *k, const struct ynode *first)
{
	diag_error(b->diags, b->doc->path, k->line, k->col,
	           "duplicate key '%s' (first defined at line %d)", k->u.scalar.value, first->line);
	b->errors++;
}

/* Most mappings have a handful of keys: compared pairwise, without sorting. */
#define SMALL_MAPPING 12

/*
 * Reports every key that repeats an earlier one in the same mapping, at the
 * repeat, naming the line of the key's first occurrence.
 */
static void check_duplicate_keys(struct builder *b, struct ypair *pairs, size_t nr)
{
	if (nr < 2)
		return;
	if (nr <= SMALL_MAPPING) {
		for (size_t i = 1; i < nr; i++) {
			const struct ynode *k = pairs[i].key;
			if (k->kind != YNODE_SCALAR)
				continue;
			for (size_t j = 0; j < i; j++) {
				if (pairs[j].key->kind == YNODE_SCALAR &&
				    same_key(pairs[j].key, k)) {
					duplicate_key(b, k, pairs[j].key);
					break;
				}
			}
		}
		return;
	}
	struct ynode **keys = xmalloc(nr * sizeof(*keys));
	size_t nk = 0;
	for (size_t i = 0; i < nr; i++)
		if (pairs[i].key->kind == YNODE_SCALAR)
			keys[nk++] = pairs[i].key;
	/* Sorted by text, then position: a run of equal keys starts with the first occurrence. */
	qsort(keys, nk, sizeof(*keys), key_cmp);
	size_t run = 0;
	for (size_t i = 1; i < nk; i++) {
		if (!same_key(keys[run], keys[i]))
			run = i;
		else
			duplicate_key(b, keys[i], keys[run]);
	}
	free(keys);
}

static void finish_collection(struct builder *b)
{
	struct frame *f = &b->stack[--b->depth];
	struct ynode *n = f->node;
	if (n->kind == YNODE_SEQ) {
		n->u.seq.nr = f->nr;
		n->u.seq.items = arena_alloc_array(&b->doc->arena, f->nr, sizeof(*n->u.seq.items));
		if (f->nr)
			memcpy(n->u.seq.items, f->kids, f->nr * sizeof(*f->kids));
	} else {
		size_t np = f->nr / 2;
		n->u.map.nr = np;
		n->u.map.pairs = arena_alloc_array(&b->doc->arena, np, sizeof(*n->u.map.pairs));
		for (size_t i = 0; i < np; i++) {
			n->u.map.pairs[i].key = f->kids[2 * i];
			n->u.map.pairs[i].value = f->kids[2 * i + 1];
		}
		check_duplicate_keys(b, n->u.map.pairs, np);
	}
	f->nr = 0;
	attach(b, n);
}

/* True when the next node to attach to the innermost mapping is a key. */
static bool expecting_key(const struct builder *b)
{
	if (!b->depth)
		return false;
	const struct frame *f = &b->stack[b->depth - 1];
	return f->node->kind == YNODE_MAP && f->nr % 2 == 0;
}

static int open_collection(struct builder *b, enum ynode_kind kind, const yaml_mark_t *m)
{
	if (expecting_key(b)) {
		b_error(b, m, "%s", "a mapping key must be a plain string, not a list or mapping");
		return -1;
	}
	if (b->depth >= YDOC_MAX_DEPTH) {
		int line, col;
		pos_of(m, &line, &col);
		diag_error(b->diags, b->doc->path, line, col, "nesting is deeper than %d levels",
		           YDOC_MAX_DEPTH);
		b->errors++;
		return -1;
	}
	ALLOC_GROW(b->stack, b->depth + 1, b->alloc);
	struct frame *f = &b->stack[b->depth++];
	if (b->depth > b->used) {
		memset(f, 0, sizeof(*f));
		b->used = b->depth;
	}
	f->nr = 0;
	f->node = new_node(b, kind, m);
	return 0;
}

static enum yscalar_style map_style(yaml_scalar_style_t s)
{
	switch (s) {
	case YAML_SINGLE_QUOTED_SCALAR_STYLE:
		return YSTYLE_SINGLE_QUOTED;
	case YAML_DOUBLE_QUOTED_SCALAR_STYLE:
		return YSTYLE_DOUBLE_QUOTED;
	case YAML_LITERAL_SCALAR_STYLE:
		return YSTYLE_LITERAL;
	case YAML_FOLDED_SCALAR_STYLE:
		return YSTYLE_FOLDED;
	default:
		return YSTYLE_PLAIN;
	}
}

static void check_props(struct builder *b, const yaml_event_t *ev, const yaml_char_t *anchor,
                        const yaml_char_t *tag, bool *as_string)
{
	if (anchor)
		b_error(b, &ev->start_mark,
		        "YAML anchors (&%s) are not supported; write the value out in full",
		        (const char *)anchor);
	if (!tag)
		return;
	if (!strcmp((const char *)tag, YAML_STR_TAG) && as_string)
		*as_string = true;
	else
		b_error(b, &ev->start_mark, "YAML tags (%s) are not supported", (const char *)tag);
}

static void add_scalar(struct builder *b, const yaml_event_t *ev)
{
	bool as_string = false;
	check_props(b, ev, ev->data.scalar.anchor, ev->data.scalar.tag, &as_string);
	struct ynode *n = new_node(b, YNODE_SCALAR, &ev->start_mark);
	n->u.scalar.len = ev->data.scalar.length;
	n->u.scalar.value = arena_strndup(&b->doc->arena, (const char *)ev->data.scalar.value,
	                                  ev->data.scalar.length);
	n->style = map_style(ev->data.scalar.style);
	if (as_string && n->style == YSTYLE_PLAIN)
		n->style = YSTYLE_SINGLE_QUOTED;
	attach(b, n);
}

/* Line and column (both 1-based, column in characters) of byte offset off. */
static void offset_pos(const char *text, size_t len, size_t off, int *line, int *col)
{
	int l = 1, c = 1;
	for (size_t i = 0; i < off && i < len; i++) {
		unsigned char ch = (unsigned char)text[i];
		if (ch == '\n') {
			l++;
			c = 1;
		} else if ((ch & 0xc0) != 0x80) {
			c++;
		}
	}
	*line = l;
	*col = c;
}

/*
 * The offset of the first byte that cannot be part of a YAML text: a NUL or
 * other control character (tab, newline and carriage return are fine) or a
 * malformed UTF-8 sequence. len when there is none. Catching these before
 * libyaml gives one clear message for a binary file instead of a syntax error.
 */
static size_t first_non_text(const char *data, size_t len)
{
	const unsigned char *p = (const unsigned char *)data;
	size_t i = 0;
	while (i < len) {
		unsigned char c = p[i];
		if (c < 0x80) {
			if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f)
				return i;
			i++;
			continue;
		}
		size_t n = 0;
		if (c >= 0xc2 && c < 0xe0)
			n = 2;
		else if (c >= 0xe0 && c < 0xf0)
			n = 3;
		else if (c >= 0xf0 && c < 0xf5)
			n = 4;
		if (!n || len - i < n)
			return i;
		for (size_t k = 1; k < n; k++)
			if ((p[i + k] & 0xc0) != 0x80)
				return i;
		i += n;
	}
	return len;
}

static void report_libyaml_error(struct builder *b, const yaml_parser_t *p)
{
	const char *path = b->doc->path;
	int line, col;
	const char *problem = p->problem ? p->problem : "malformed YAML";

	if (p->error == YAML_READER_ERROR) {
		offset_pos(b->doc->text, b->doc->len, p->problem_offset, &line, &col);
		diag_error(b->diags, path, line, col,
		           "not valid UTF-8 text (%s); is this a binary file?", problem);
		b->errors++;
		return;
	}
	if (p->error == YAML_MEMORY_ERROR) {
		diag_error(b->diags, path, 0, 0, "out of memory while parsing YAML");
		b->errors++;
		return;
	}
	pos_of(&p->problem_mark, &line, &col);
	size_t idx = p->problem_mark.index;
	/* libyaml counts index in characters; find the byte to look at. */
	const char *t = b->doc->text;
	size_t chars = 0, i = 0;
	while (i < b->doc->len && chars < idx) {
		if (((unsigned char)t[i] & 0xc0) != 0x80)
			chars++;
		i++;
		while (i < b->doc->len && ((unsigned char)t[i] & 0xc0) == 0x80)
			i++;
	}
	if (i < b->doc->len && t[i] == '\t') {
		diag_error(b->diags, path, line, col,
		           "tab character in indentation; YAML allows only spaces");
	} else if (p->context) {
		diag_error(b->diags, path, line, col, "YAML syntax error: %s %s (line %d)", problem,
		           p->context, (int)p->context_mark.line + 1);
	} else {
		diag_error(b->diags, path, line, col, "YAML syntax error: %s", problem);
	}
	b->errors++;
}

/* A document for data, which it copies, or takes when owned is data itself. */
static struct ydoc *ydoc_new(const char *path, const char *data, size_t len, char *owned)
{
	struct ydoc *doc = xcalloc(1, sizeof(*doc));
	doc->path = xstrdup(path);
	doc->text = owned ? owned : xstrndup(data, len);
	doc->len = len;
	arena_init(&doc->arena);
	return doc;
}

/* Reports the first byte that is not UTF-8 text; true when there is one. */
static bool not_text(const char *path, const char *data, size_t len, struct diag_list *diags)
{
	size_t bad = first_non_text(data, len);
	if (bad >= len)
		return false;
	int line, col;
	offset_pos(data, len, bad, &line, &col);
	diag_error(diags, path, line, col,
	           "not a text file (byte 0x%02x at offset %zu is not UTF-8 text); is this a "
	           "binary file?",
	           (unsigned char)data[bad], bad);
	return true;
}

/* An alias is refused; an empty scalar keeps the tree well-formed so later checks still run. */
static void add_alias(struct builder *b, const yaml_event_t *ev)
{
	b_error(b, &ev->start_mark,
	        "YAML aliases (*%s) are not supported; write the value out in full",
	        (const char *)ev->data.alias.anchor);
	struct ynode *n = new_node(b, YNODE_SCALAR, &ev->start_mark);
	n->u.scalar.value = "";
	attach(b, n);
}

/* Adds one libyaml event to the tree. Returns true when parsing stops here. */
static bool add_event(struct builder *b, const yaml_event_t *ev, int *documents)
{
	switch (ev->type) {
	case YAML_STREAM_END_EVENT:
		return true;
	case YAML_DOCUMENT_START_EVENT:
		if (++*documents > 1) {
			b_error(b, &ev->start_mark, "%s",
			        "more than one YAML document in the file; remove the '---' "
			        "separator");
			return true;
		}
		return false;
	case YAML_SEQUENCE_START_EVENT:
		check_props(b, ev, ev->data.sequence_start.anchor, ev->data.sequence_start.tag,
		            NULL);
		return open_collection(b, YNODE_SEQ, &ev->start_mark) != 0;
	case YAML_MAPPING_START_EVENT:
		check_props(b, ev, ev->data.mapping_start.anchor, ev->data.mapping_start.tag, NULL);
		return open_collection(b, YNODE_MAP, &ev->start_mark) != 0;
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		finish_collection(b);
		return false;
	case YAML_SCALAR_EVENT:
		add_scalar(b, ev);
		return false;
	case YAML_ALIAS_EVENT:
		add_alias(b, ev);
		return false;
	default:
		return false;
	}
}

/* Frees the frames' arrays, also those of collections still open when parsing stopped early. */
static void builder_release(struct builder *b)
{
	for (size_t i = 0; i < b->used; i++)
		free(b->stack[i].kids);
	b->depth = b->used = 0;
	free(b->stack);
}

/* Feeds libyaml's events for the text of doc to the builder. */
static void build_with_libyaml(struct builder *b)
{
	yaml_parser_t parser;
	yaml_event_t ev;
	bool done = false;
	int documents = 0;

	if (!yaml_parser_initialize(&parser)) {
		diag_error(b->diags, b->doc->path, 0, 0, "out of memory while parsing YAML");
		b->errors++;
		return;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)b->doc->text, b->doc->len);
	while (!done) {
		if (!yaml_parser_parse(&parser, &ev)) {
			report_libyaml_error(b, &parser);
			break;
		}
		done = add_event(b, &ev, &documents);
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
}

/*
 * Counts the children of each collection of f into its start event's len
 * (unused for collections) and the nodes of the tree into *nodes. False for
 * what only libyaml's path reports (a collection as a mapping key, nesting
 * deeper than YDOC_MAX_DEPTH), which the fast reader declines anyway.
 */
static bool count_children(struct yfast *f, size_t *nodes)
{
	size_t stack[YDOC_MAX_DEPTH], depth = 0;
	*nodes = 0;
	for (size_t i = 0; i < f->nr; i++) {
		struct yfast_event *e = &f->ev[i];
		struct yfast_event *parent = depth ? &f->ev[stack[depth - 1]] : NULL;
		if (e->kind == YFAST_END) {
			if (!depth)
				return false;
			depth--;
			continue;
		}
		if (parent) {
			if (e->kind != YFAST_SCALAR && parent->kind == YFAST_MAP_START &&
			    parent->len % 2 == 0)
				return false;
			parent->len++;
		}
		(*nodes)++;
		if (e->kind != YFAST_SCALAR) {
			if (depth == YDOC_MAX_DEPTH)
				return false;
			e->len = 0;
			stack[depth++] = i;
		}
	}
	return depth == 0;
}

/*
 * Builds the tree of the fast reader's events, nr nodes counted by
 * count_children(): every node in one array, every collection's children
 * allocated at their final size, so nothing is collected and copied. The
 * tree and the diagnostics (duplicate keys, at the end of each mapping) are
 * those libyaml's events give through add_event(): unit.yaml_fast and the
 * yaml_fast fuzz target compare the two.
 */
static void build_with_fast(struct builder *b, const struct yfast *f, size_t nr)
{
	static const enum yscalar_style styles[] = {
	    [YFAST_PLAIN] = YSTYLE_PLAIN,          [YFAST_SINGLE] = YSTYLE_SINGLE_QUOTED,
	    [YFAST_DOUBLE] = YSTYLE_DOUBLE_QUOTED, [YFAST_LITERAL] = YSTYLE_LITERAL,
	    [YFAST_FOLDED] = YSTYLE_FOLDED,
	};
	struct {
		struct ynode *node;
		size_t fill;
	} stack[YDOC_MAX_DEPTH];
	struct arena *a = &b->doc->arena;
	size_t depth = 0, k = 0;
	struct ynode *nodes = nr ? arena_alloc_array(a, nr, sizeof(*nodes)) : NULL;
	for (size_t i = 0; i < f->nr; i++) {
		const struct yfast_event *e = &f->ev[i];
		if (e->kind == YFAST_END) {
			struct ynode *done = stack[--depth].node;
			if (done->kind == YNODE_MAP)
				check_duplicate_keys(b, done->u.map.pairs, done->u.map.nr);
			continue;
		}
		struct ynode *n = &nodes[k++];
		n->line = e->line + 1;
		n->col = e->col + 1;
		switch (e->kind) {
		case YFAST_MAP_START:
			n->kind = YNODE_MAP;
			n->u.map.nr = e->len / 2;
			n->u.map.pairs = arena_alloc_array(a, n->u.map.nr, sizeof(*n->u.map.pairs));
			break;
		case YFAST_SEQ_START:
			n->kind = YNODE_SEQ;
			n->u.seq.nr = e->len;
			n->u.seq.items = arena_alloc_array(a, e->len, sizeof(*n->u.seq.items));
			break;
		default:
			n->kind = YNODE_SCALAR;
			n->style = styles[e->style];
			n->u.scalar.len = e->len;
			n->u.scalar.value =
			    arena_strndup(a, yfast_value(f, b->doc->text, e), e->len);
			break;
		}
		if (!depth) {
			b->doc->root = n;
		} else {
			struct ynode *p = stack[depth - 1].node;
			size_t j = stack[depth - 1].fill++;
			if (p->kind == YNODE_SEQ)
				p->u.seq.items[j] = n;
			else if (j / 2 < p->u.map.nr && j % 2 == 0)
				p->u.map.pairs[j / 2].key = n;
			else if (j / 2 < p->u.map.nr)
				p->u.map.pairs[j / 2].value = n;
		}
		if (n->kind != YNODE_SCALAR) {
			stack[depth].node = n;
			stack[depth++].fill = 0;
		}
	}
}

/* ydoc_parse_with(); owned, when not NULL, is data, NUL terminated, and taken in every case. */
static int parse(struct ydoc **out, const char *path, const char *data, size_t len, char *owned,
                 struct diag_list *diags, enum ydoc_reader reader)
{
	struct ydoc *doc = NULL;
	struct builder b = {NULL, diags, NULL, 0, 0, 0, 0};
	struct yfast f;
	size_t nodes = 0;
	bool fast = false;

	yfast_init(&f);
	if (reader != YDOC_READER_LIBYAML) {
		/* The fast reader runs on the caller's bytes, before any copy is made. */
		fast = !yfast_parse(&f, data, len) && count_children(&f, &nodes);
		if (!fast && reader == YDOC_READER_FAST) {
			yfast_release(&f);
			free(owned);
			return 1;
		}
	}
	doc = ydoc_new(path, data, len, owned);
	b.doc = doc;
	diag_add_source(diags, doc->path, doc->text, doc->len);
	if (!fast && not_text(path, data, len, diags)) {
		ydoc_free(doc);
		yfast_release(&f);
		return ERR_PARSE;
	}
	if (fast)
		build_with_fast(&b, &f, nodes);
	else
		build_with_libyaml(&b);
	yfast_release(&f);
	builder_release(&b);
	if (b.errors) {
		ydoc_free(doc);
		return ERR_PARSE;
	}
	*out = doc;
	return 0;
}

int ydoc_parse_with(struct ydoc **out, const char *path, const char *data, size_t len,
                    struct diag_list *diags, enum ydoc_reader reader)
{
	return parse(out, path, data, len, NULL, diags, reader);
}

int ydoc_parse(struct ydoc **out, const char *path, const char *data, size_t len,
               struct diag_list *diags)
{
	return parse(out, path, data, len, NULL, diags, YDOC_READER_AUTO);
}

int ydoc_parse_buf(struct ydoc **out, const char *path, struct buf *data, struct diag_list *diags)
{
	size_t len;
	char *text = buf_detach(data, &len);
	return parse(out, path, text, len, text, diags, YDOC_READER_AUTO);
}

void ydoc_free(struct ydoc *doc)
{
	if (!doc)
		return;
	arena_release(&doc->arena);
	free(doc->path);
	free(doc->text);
	free(doc);
}

const struct ypair *ymap_get_pair(const struct ynode *map, const char *key)
{
	if (!map || map->kind != YNODE_MAP)
		return NULL;
	size_t klen = strlen(key);
	for (size_t i = 0; i < map->u.map.nr; i++) {
		const struct ynode *k = map->u.map.pairs[i].key;
		if (k->kind == YNODE_SCALAR && k->u.scalar.len == klen &&
		    !memcmp(k->u.scalar.value, key, klen))
			return &map->u.map.pairs[i];
	}
	return NULL;
}

const struct ynode *ymap_get(const struct ynode *map, const char *key)
{
	const struct ypair *p = ymap_get_pair(map, key);
	return p ? p->value : NULL;
}

bool yscalar_eq(const struct ynode *node, const char *s)
{
	return node && node->kind == YNODE_SCALAR && node->u.scalar.len == strlen(s) &&
	       !memcmp(node->u.scalar.value, s, node->u.scalar.len);
}

static bool is_one_of(const char *s, const char *const *words)
{
	for (; *words; words++)
		if (!strcmp(s, *words))
			return true;
	return false;
}

static bool all_chars(const char *s, const char *set)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!strchr(set, *s))
			return false;
	return true;
}

static bool is_core_int(const char *s)
{
	if ((s[0] == '0' && s[1] == 'o'))
		return all_chars(s + 2, "01234567");
	if ((s[0] == '0' && s[1] == 'x'))
		return all_chars(s + 2, "0123456789abcdefABCDEF");
	if (*s == '-' || *s == '+')
		s++;
	return all_chars(s, "0123456789");
}

static bool is_core_float(const char *s)
{
	static const char *const special[] = {".inf",  ".Inf",  ".INF",  "+.inf", "+.Inf",
	                                      "+.INF", "-.inf", "-.Inf", "-.INF", ".nan",
	                                      ".NaN",  ".NAN",  NULL};
	if (is_one_of(s, special))
		return true;
	/* [-+]? ( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )? */
	const char *p = s;
	if (*p == '-' || *p == '+')
		p++;
	size_t lead = strspn(p, "0123456789");
	p += lead;
	size_t frac = 0;
	if (*p == '.') {
		p++;
		frac = strspn(p, "0123456789");
		p += frac;
	}
	if (!lead && !frac)
		return false;
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '-' || *p == '+')
			p++;
		size_t exp = strspn(p, "0123456789");
		if (!exp)
			return false;
		p += exp;
	}
	return *p == '\0';
}

enum yscalar_type yscalar_type(const struct ynode *node)
{
	static const char *const nulls[] = {"", "~", "null", "Null", "NULL", NULL};
	static const char *const bools[] = {"true",  "True",  "TRUE", "false",
	                                    "False", "FALSE", NULL};
	if (!node || node->kind != YNODE_SCALAR)
		return YTYPE_NULL;
	if (node->style != YSTYLE_PLAIN)
		return YTYPE_STR;
	const char *s = node->u.scalar.value;
	/* Most plain scalars are words: only these first characters can start anything else. */
	if (!strchr("~nNtTfF0123456789+-.", *s))
		return YTYPE_STR;
	if (strlen(s) != node->u.scalar.len)
		return YTYPE_STR;
	if (is_one_of(s, nulls))
		return YTYPE_NULL;
	if (is_one_of(s, bools))
		return YTYPE_BOOL;
	if (is_core_int(s))
		return YTYPE_INT;
	if (is_core_float(s))
		return YTYPE_FLOAT;
	return YTYPE_STR;
}

const char *ynode_describe(const struct ynode *node)
{
	if (!node)
		return "nothing";
	switch (node->kind) {
	case YNODE_SEQ:
		return "a list";
	case YNODE_MAP:
		return "a mapping";
	default:
		break;
	}
	switch (yscalar_type(node)) {
	case YTYPE_NULL:
		return "null";
	case YTYPE_BOOL:
		return "a boolean";
	case YTYPE_INT:
		return "an integer";
	case YTYPE_FLOAT:
		return "a number";
	default:
		return "a string";
	}
}

void json_quote(struct buf *out, const char *s, size_t len)
{
	buf_addch(out, '"');
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		switch (c) {
		case '"':
			buf_adds(out, "\\\"");
			break;
		case '\\':
			buf_adds(out, "\\\\");
			break;
		case '\n':
			buf_adds(out, "\\n");
			break;
		case '\t':
			buf_adds(out, "\\t");
			break;
		case '\r':
			buf_adds(out, "\\r");
			break;
		default:
			if (c < 0x20)
				buf_addf(out, "\\u%04x", c);
			else
				buf_addch(out, (char)c);
		}
	}
	buf_addch(out, '"');
}

static void render_node(const struct ynode *n, struct buf *out, size_t limit)
{
	if (out->len > limit)
		return;
	switch (n->kind) {
	case YNODE_SCALAR:
		if (yscalar_type(n) == YTYPE_STR)
			json_quote(out, n->u.scalar.value, n->u.scalar.len);
		else if (yscalar_type(n) == YTYPE_NULL)
			buf_adds(out, "null");
		else
			buf_add(out, n->u.scalar.value, n->u.scalar.len);
		break;
	case YNODE_SEQ:
		buf_addch(out, '[');
		for (size_t i = 0; i < n->u.seq.nr && out->len <= limit; i++) {
			if (i)
				buf_adds(out, ", ");
			render_node(n->u.seq.items[i], out, limit);
		}
		buf_addch(out, ']');
		break;
	case YNODE_MAP:
		buf_addch(out, '{');
		for (size_t i = 0; i < n->u.map.nr && out->len <= limit; i++) {
			if (i)
				buf_adds(out, ", ");
			buf_add(out, n->u.map.pairs[i].key->u.scalar.value,
			        n->u.map.pairs[i].key->u.scalar.len);
			buf_adds(out, ": ");
			render_node(n->u.map.pairs[i].value, out, limit);
		}
		buf_addch(out, '}');
		break;
	}
}

void ynode_render(const struct ynode *node, struct buf *out, size_t max)
{
	if (!node) {
		buf_adds(out, "(absent)");
		return;
	}
	size_t start = out->len;
	render_node(node, out, start + max);
	if (out->len - start > max) {
		size_t cut = start + (max > 3 ? max - 3 : 0);
		while (cut > start && ((unsigned char)out->data[cut] & 0xc0) == 0x80)
			cut--; /* do not split a UTF-8 character */
		buf_truncate(out, cut);
		buf_adds(out, "...");
	}
}

/* Whether s is a number as JSON writes it. */
static bool json_number(const char *s)
{
	const char *p = s;
	if (*p == '-')
		p++;
	if (*p == '0')
		p++;
	else if (*p >= '1' && *p <= '9')
		p += strspn(p, "0123456789");
	else
		return false;
	if (*p == '.') {
		p++;
		size_t n = strspn(p, "0123456789");
		if (!n)
			return false;
		p += n;
	}
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		size_t n = strspn(p, "0123456789");
		if (!n)
			return false;
		p += n;
	}
	return *p == '\0';
}

void ynode_to_json(const struct ynode *n, struct buf *out)
{
	if (!n) {
		buf_adds(out, "null");
		return;
	}
	switch (n->kind) {
	case YNODE_SCALAR:
		switch (yscalar_type(n)) {
		case YTYPE_NULL:
			buf_adds(out, "null");
			return;
		case YTYPE_BOOL:
			buf_adds(out, (n->u.scalar.value[0] | 0x20) == 't' ? "true" : "false");
			return;
		case YTYPE_INT:
		case YTYPE_FLOAT:
			if (json_number(n->u.scalar.value)) {
				buf_adds(out, n->u.scalar.value);
				return;
			}
			break;
		default:
			break;
		}
		json_quote(out, n->u.scalar.value, n->u.scalar.len);
		return;
	case YNODE_SEQ:
		buf_addch(out, '[');
		for (size_t i = 0; i < n->u.seq.nr; i++) {
			if (i)
				buf_addch(out, ',');
			ynode_to_json(n->u.seq.items[i], out);
		}
		buf_addch(out, ']');
		return;
	case YNODE_MAP:
		buf_addch(out, '{');
		for (size_t i = 0; i < n->u.map.nr; i++) {
			if (i)
				buf_addch(out, ',');
			const struct ynode *k = n->u.map.pairs[i].key;
			json_quote(out, k->u.scalar.value, k->u.scalar.len);
			buf_addch(out, ':');
			ynode_to_json(n->u.map.pairs[i].value, out);
		}
		buf_addch(out, '}');
		return;
	}
}

const char *yaml_library_version(void)
{
	return yaml_get_version_string();
}
