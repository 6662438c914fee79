/*
 * render_rollout.h - the waves of a plan in text and JSON, and the report
 * of an apply that ran them (apply --report).
 */
#ifndef PRISMSYNC_RENDER_ROLLOUT_H
#define PRISMSYNC_RENDER_ROLLOUT_H

#include "../apply/apply.h"
#include "../apply/rollout_run.h"
#include "../util/buf.h"

/* "Rollout of 'X' in N waves:" blocks, one line per wave with its instances. Nothing without
 * rollouts. */
void render_rollouts_text(const struct plan *p, struct buf *out);

/* The same, as a block of a markdown plan (outside the collapsed changes). */
void render_rollouts_markdown(const struct plan *p, struct buf *out);

/* ,"rollouts":[...] for a plan's JSON object (nothing without rollouts). */
void render_rollouts_json(const struct plan *p, struct buf *out);

/*
 * The JSON report of an apply: the plan's JSON with kind "apply", and an
 * "apply" block with each change's outcome, each wave's status and every
 * verification that failed (wave, instance, flow, execution error).
 */
void render_apply_report(const struct plan *p, const struct apply_result *r,
                         const struct rollout_report *rep, struct buf *out);

#endif
