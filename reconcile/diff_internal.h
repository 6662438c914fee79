/*
 * diff_internal.h - what the parts of the diff share (not for use outside
 * reconcile/diff*.c): the state of one diff_build() run, the helpers every
 * resource uses, and each resource's entry points, called by diff_build()
 * in the order apply carries changes out.
 *
 *   diff.c              the run, labels and fields, prune, diff_build()
 *   diff_customers.c    customers
 *   diff_integrations.c integrations: create, import, update, publish
 *   diff_instances.c    instances: version, create, update, deploy, enable
 *   fingerprint.c       fingerprints of live objects and of a plan
 */
#ifndef PRISMSYNC_DIFF_INTERNAL_H
#define PRISMSYNC_DIFF_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "configdiff.h"
#include "diff.h"

struct differ {
	struct plan *p;
	const struct manifest *m;
	const struct live_state *live;
	const struct diff_opts *o;
	struct diag_list *diags;
	char *owner_label;
	size_t errors;
	size_t *customer_create;     /* per manifest customer: its create change or PLAN_NONE */
	size_t *integration_last;    /* per manifest integration: its last create/import/update */
	size_t *integration_publish; /* per manifest integration: its publish or PLAN_NONE */
	bool *wants_publish;         /* per manifest integration: publish in the publish phase */
	int *integration_next;       /* per manifest integration: number its publish will get */
	struct configdiff cfg;       /* config variables (configdiff.h); its errors count too */
};

/* Reports an error at pos in the manifest; the plan is then not to be applied. */
void diff_error_at(struct differ *d, struct mpos pos, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Adds a field to change c: strings (JSON-quoted here), NULL for absent. */
void diff_field_str(struct differ *d, size_t c, const char *name, const char *before,
                    const char *after);

/* Adds the labels field to change c; has_before false: the object is new. */
void diff_field_labels(struct differ *d, size_t c, const char *const *before, size_t nb,
                       bool has_before, const char *const *after, size_t na);

/*
 * Update c changes a field from before to after: adds the field, and sets
 * the change's input (*input, or the labels) to a copy of after, which the
 * plan owns.
 */
void diff_update_str(struct differ *d, size_t c, const char *name, const char *before,
                     const char *after, char **input);
void diff_update_labels(struct differ *d, size_t c, const char *const *before, size_t nb,
                        const char *const *after, size_t na, struct plan_labels *input);

/* Whether a and b are equal, NULL counting as "". */
bool diff_str_eq(const char *a, const char *b);

bool diff_has_label(const char *const *labels, size_t n, const char *label);
bool diff_labels_same_set(const char *const *a, size_t na, const char *const *b, size_t nb);

/*
 * The labels an object should carry: the manifest's (or, when it does not
 * manage labels, the live ones), plus the owner label, plus the protected
 * label when someone set it by hand. Returns a new array of borrowed strings.
 */
const char **diff_desired_labels(struct differ *d, const char *const *managed, size_t nm,
                                 bool manages, const char *const *live, size_t nl, size_t *out_n);

/* Customer idx of the manifest: create or update. */
void diff_customer(struct differ *d, size_t idx);

/* Integration idx of the manifest: create, import, update; marks whether it publishes. */
void diff_integration(struct differ *d, size_t idx);

/* The publishes, after every integration's import. */
void diff_add_publishes(struct differ *d);

/* Instance idx of the manifest: create or update, deploy, enable or disable. */
void diff_instance(struct differ *d, size_t idx);

/* With prune: the deletes of owned objects the manifest dropped. */
void diff_add_prunes(struct differ *d);

/* Without prune: records in the plan what prune would delete. */
void diff_note_prunable(struct differ *d);

#endif
