/*
 * apply_rollout.h - apply's execution step: runs the plan (wave by wave
 * when it has rollouts), prints verification progress and the summary,
 * writes the JSON report, and picks the exit code.
 */
#ifndef PRISMSYNC_APPLY_ROLLOUT_H
#define PRISMSYNC_APPLY_ROLLOUT_H

#include "../apply/apply.h"

/*
 * Carries out p with o's callbacks. report_path (NULL: none) receives the
 * JSON report. Returns EXIT_OK, EXIT_PARTIAL when a change or a
 * verification failed, EXIT_ERROR when the report cannot be written, or
 * 128 + the signal when o->stop says apply was interrupted.
 */
int cmd_apply_execute(const struct plan *p, struct api_client *client, const struct apply_opts *o,
                      const char *report_path);

#endif
