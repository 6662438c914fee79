/*
 * yaml_fast.h - a one-pass reader for the YAML that manifests and
 * definitions are written in, in front of libyaml.
 *
 * libyaml decodes its input a character at a time and allocates every
 * token; on a large repository of definitions that is most of the time a
 * `plan` spends on its own. yfast_parse() reads the common subset in one
 * pass over the bytes and describes the document with the same events, at
 * the same marks, as libyaml's parser would: block mappings and sequences
 * (compact and indentless forms too), one-line plain and quoted scalars,
 * literal and folded block scalars without an indentation indicator, flow
 * collections of quoted scalars and plain words on one line ([a, "b"],
 * {k: v}, {}, []), comments and one leading "---".
 *
 * It never reports an error. On anything it is not sure of (anchors,
 * aliases, tags, "?" keys, directives, multi-line plain or quoted scalars,
 * tabs where they could matter, other flow collections (nested, over lines, with other scalars),
 * carriage returns, characters libyaml would refuse, a syntax error, ...) it declines and the
 * caller parses the text with libyaml, whose events and messages are then the only ones. So an
 * accepted text always yields exactly the events libyaml yields for it.
 *
 * Ownership: struct yfast owns its event array and a scratch buffer for
 * values that are not a plain slice of the input (escapes, block scalars).
 * Other values point into the text given to yfast_parse(), which must stay
 * alive while the events are read.
 */
#ifndef PRISMSYNC_YAML_FAST_H
#define PRISMSYNC_YAML_FAST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../util/buf.h"

enum yfast_kind {
	YFAST_MAP_START = 1,
	YFAST_SEQ_START,
	YFAST_END, /* of the innermost open mapping or sequence */
	YFAST_SCALAR,
};

enum yfast_style { YFAST_PLAIN, YFAST_SINGLE, YFAST_DOUBLE, YFAST_LITERAL, YFAST_FOLDED };

/* 20 bytes: a large manifest has hundreds of thousands of them at once. */
struct yfast_event {
	unsigned char kind;  /* enum yfast_kind */
	unsigned char style; /* enum yfast_style; scalars only */
	bool in_scratch;     /* value lies in the scratch buffer, not in the text */
	int line;            /* 0-based, as libyaml's start mark */
	int col;             /* 0-based, in characters, as libyaml's start mark */
	uint32_t off, len;   /* scalars: the value's bytes, in the text or the scratch */
};

struct yfast {
	struct yfast_event *ev;
	size_t nr, alloc;
	struct buf scratch;
};

/* Initialises an empty reader; allocates nothing. */
void yfast_init(struct yfast *f);

/* Frees the events and the scratch buffer; f can be reused after yfast_init(). */
void yfast_release(struct yfast *f);

/*
 * Reads len bytes of YAML. Returns 0 when the text lies in the subset: the
 * events of its single document (none for a text of only comments and
 * blank lines) are in f->ev, without stream or document events. Returns -1
 * when it declines; the events are then meaningless.
 */
int yfast_parse(struct yfast *f, const char *text, size_t len);

/* The bytes of a scalar event's value; borrowed from f or from the text. */
const char *yfast_value(const struct yfast *f, const char *text, const struct yfast_event *e);

#endif
