/*
 * drift_envs.h - drift --all-envs: every environment of the manifest
 * checked at once, one process each, gathered into one report.
 */
#ifndef PRISMSYNC_DRIFT_ENVS_H
#define PRISMSYNC_DRIFT_ENVS_H

#include "cmd.h"
#include "pipeline.h"
#include "render.h"

/*
 * Renders the drift report of pl (the differences and where each
 * integration was published from) in format onto out.
 */
void drift_render(struct pipeline *pl, enum render_format format, bool color, bool verbose,
                  struct buf *out);

/*
 * Runs drift for every environment of the manifest in parallel and prints
 * one report (and writes it to report in report_format when not NULL) with
 * a section and a fingerprint per environment. Returns EXIT_CHANGES when
 * any environment drifted, EXIT_ERROR when one could not be checked (the
 * report still covers the others), EXIT_OK when all are in sync.
 */
int drift_all_envs(struct common_opts *common, const struct pipeline_opts *po,
                   enum render_format format, const char *report, enum render_format report_format);

#endif
