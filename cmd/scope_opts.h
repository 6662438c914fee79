/*
 * scope_opts.h - the --target and --select options of plan, apply and drift
 * (see reconcile/scope.h for what they keep).
 */
#ifndef PRISMSYNC_SCOPE_OPTS_H
#define PRISMSYNC_SCOPE_OPTS_H

#include <getopt.h>

#include "../reconcile/scope.h"

/* Long-option ids, between the common ones and the verbs' own. */
enum { OPT_TARGET = 1050, OPT_SELECT };

#define SCOPE_LONG_OPTIONS                                                                         \
	{"target", required_argument, NULL, OPT_TARGET},                                           \
	{                                                                                          \
		"select", required_argument, NULL, OPT_SELECT                                      \
	}

/*
 * Records one --target or --select returned by getopt_long into s (arg is
 * borrowed from argv). Returns 1 when c was one of them, 0 otherwise.
 */
int scope_option(int c, const char *arg, struct plan_scope *s);

/* Frees the arrays scope_option() grew (not the borrowed strings). */
void scope_option_release(struct plan_scope *s);

#endif
