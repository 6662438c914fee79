/*
 * render.h - the three ways a plan or drift report is shown: text for a
 * terminal, JSON for programs (described by schema/plan.schema.json), and
 * markdown for pull request comments.
 */
#ifndef PRISMSYNC_RENDER_H
#define PRISMSYNC_RENDER_H

#include <stdbool.h>

#include "../reconcile/plan.h"
#include "../util/buf.h"

enum render_format { FORMAT_TEXT, FORMAT_JSON, FORMAT_MARKDOWN };

/* Parses "text", "json" or "markdown". Returns 0, or -1 for anything else. */
int render_parse_format(const char *s, enum render_format *out);

/* What the plan is for: the wording of headers differs between plan and drift. */
enum render_kind { RENDER_PLAN, RENDER_DRIFT };

struct render_opts {
	enum render_kind kind;
	bool color;              /* ANSI colours (text only) */
	const char *fingerprint; /* drift: fingerprint of the set of differences, or NULL */
	bool verbose;            /* text: name what --prune would delete */
};

void render_text(const struct plan *p, const struct render_opts *o, struct buf *out);
void render_json(const struct plan *p, const struct render_opts *o, struct buf *out);
void render_markdown(const struct plan *p, const struct render_opts *o, struct buf *out);
void render_plan(const struct plan *p, enum render_format f, const struct render_opts *o,
                 struct buf *out);

/* The summary line: "Plan: 1 to create, 2 to update, 1 to publish, 1 to deploy, 0 to delete." */
void render_summary_line(const struct plan *p, enum render_kind kind, struct buf *out);

#endif
