/*
 * yaml_tree.h - a YAML document as a tree of nodes that know where they are.
 *
 * libyaml delivers a stream of events; prismsync needs a tree it can walk
 * and, for every node, the line and column to point at when the node is
 * wrong. ydoc_parse() builds that tree and rejects, at their position, the
 * YAML features a manifest or definition must not use: anchors and aliases,
 * duplicate mapping keys, non-scalar keys, tags other than !!str, more than
 * one document, and nesting deeper than YDOC_MAX_DEPTH.
 *
 * Every scalar is kept as the text libyaml produced, together with its
 * quoting style: "true" (quoted) is a string, true (plain) is a boolean.
 * yscalar_type() applies the YAML 1.2 core schema to plain scalars.
 *
 * Ownership: a struct ydoc owns every node, string and a copy of the input
 * text (so errors can show the offending line). Nodes are borrowed from the
 * document and live until ydoc_free().
 */
#ifndef PRISMSYNC_YAML_TREE_H
#define PRISMSYNC_YAML_TREE_H

#include <stdbool.h>
#include <stddef.h>

#include "../util/arena.h"
#include "../util/buf.h"
#include "../util/diag.h"

#define YDOC_MAX_DEPTH 64

enum ynode_kind { YNODE_SCALAR = 1, YNODE_SEQ, YNODE_MAP };

enum yscalar_style {
	YSTYLE_PLAIN,
	YSTYLE_SINGLE_QUOTED,
	YSTYLE_DOUBLE_QUOTED,
	YSTYLE_LITERAL,
	YSTYLE_FOLDED,
};

/* What a scalar means under the YAML 1.2 core schema. Quoted and block scalars are strings. */
enum yscalar_type { YTYPE_NULL, YTYPE_BOOL, YTYPE_INT, YTYPE_FLOAT, YTYPE_STR };

struct ynode;

struct ypair {
	struct ynode *key; /* always a scalar */
	struct ynode *value;
};

/* 32 bytes: a large repository's manifest and definitions make a million of them. */
struct ynode {
	enum ynode_kind kind;
	int line;                 /* 1-based */
	int col;                  /* 1-based, in characters */
	enum yscalar_style style; /* scalars: how the value was written */
	union {
		struct {
			const char
			    *value; /* NUL terminated; may also contain NULs (len is exact) */
			size_t len;
		} scalar;
		struct {
			struct ynode **items;
			size_t nr;
		} seq;
		struct {
			struct ypair *pairs;
			size_t nr;
		} map;
	} u;
};

struct ydoc {
	char *path; /* name used in diagnostics */
	char *text; /* copy of the input, NUL terminated */
	size_t len;
	struct ynode *root; /* NULL for an empty document */
	struct arena arena;
};

/*
 * Parses len bytes of YAML named path. On success returns 0 and stores a
 * new document in *out (free with ydoc_free). On failure returns ERR_PARSE
 * and adds one or more diagnostics to diags; *out is left untouched. The
 * input text is registered with diags for source-line display.
 *
 * An input with only comments or white space parses to a document whose
 * root is NULL.
 */
int ydoc_parse(struct ydoc **out, const char *path, const char *data, size_t len,
               struct diag_list *diags);

/*
 * Which reader ydoc_parse_with() uses. AUTO (what ydoc_parse() does) reads
 * the text with the fast reader of yaml_fast.h and falls back to libyaml
 * whenever that one declines; LIBYAML always uses libyaml; FAST only the
 * fast reader. Tests compare the two.
 */
enum ydoc_reader { YDOC_READER_AUTO, YDOC_READER_LIBYAML, YDOC_READER_FAST };

/*
 * ydoc_parse() with a choice of reader. With YDOC_READER_FAST, returns 1
 * when the fast reader declines the text, leaving *out untouched and
 * adding nothing to diags.
 */
int ydoc_parse_with(struct ydoc **out, const char *path, const char *data, size_t len,
                    struct diag_list *diags, enum ydoc_reader reader);

/*
 * ydoc_parse() of the contents of data, which the document takes instead of
 * copying (data is left empty, also on failure).
 */
int ydoc_parse_buf(struct ydoc **out, const char *path, struct buf *data, struct diag_list *diags);

void ydoc_free(struct ydoc *doc);

/* The value for key in map, or NULL (also when map is not a mapping). Borrowed. */
const struct ynode *ymap_get(const struct ynode *map, const char *key);

/* The pair whose key is key, or NULL. Borrowed. */
const struct ypair *ymap_get_pair(const struct ynode *map, const char *key);

enum yscalar_type yscalar_type(const struct ynode *node);

/* True when node is a scalar whose text equals s. */
bool yscalar_eq(const struct ynode *node, const char *s);

/* A word for the node's kind and type, for messages: "a mapping", "a list", "a string", ... */
const char *ynode_describe(const struct ynode *node);

/*
 * Appends a one-line rendering of node for messages and plans: strings in
 * double quotes with JSON escapes, other scalars as written, lists as
 * [a, b], mappings as {key: value}. Output longer than max characters is
 * cut and ends in "...". NULL renders as "(absent)".
 */
void ynode_render(const struct ynode *node, struct buf *out, size_t max);

/*
 * Appends node as JSON: YAML 1.2 core types map to JSON types (a number
 * JSON cannot spell, such as 0x1F or .inf, becomes a string), mapping keys
 * become strings. NULL appends null.
 */
void ynode_to_json(const struct ynode *node, struct buf *out);

/* Appends s (len bytes) as a JSON string literal, quotes included. */
void json_quote(struct buf *out, const char *s, size_t len);

/* The version of libyaml in use at run time ("0.2.5"); a static string. */
const char *yaml_library_version(void);

#endif
