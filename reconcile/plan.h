/*
 * plan.h - the plan: every change that makes live state match the manifest,
 * with the dependencies between them.
 *
 * A plan is built by the diff (reconcile/diff.c), rendered by cmd/ (text,
 * JSON, markdown), saved to a file by `plan --out`, and executed by the
 * apply engine. Field values are kept as JSON text so every renderer shows
 * the same thing and a saved plan reads back exactly.
 *
 * Ownership: a struct plan owns its changes, their fields and every string
 * in them. plan_init() allocates nothing; plan_release() frees everything.
 */
#ifndef PRISMSYNC_PLAN_H
#define PRISMSYNC_PLAN_H

#include <stdbool.h>
#include <stddef.h>

#include "../util/buf.h"

enum res_type { RES_CUSTOMER, RES_INTEGRATION, RES_INSTANCE };

/* In the order SPEC.md section 4 applies them. */
enum plan_action {
	PA_CREATE,
	PA_UPDATE,
	PA_IMPORT,
	PA_PUBLISH,
	PA_DEPLOY,
	PA_ENABLE,
	PA_DISABLE,
	PA_DELETE,
};

#define PLAN_NONE ((size_t)-1)

struct plan_field {
	char *name;   /* "name", "labels", "configVariables.API Key", "definition.flows[0].name" */
	char *before; /* JSON text; NULL when the live object lacks it (or does not exist) */
	char *after;  /* JSON text; NULL when the field goes away */
	bool sensitive; /* the desired value came from the environment: never shown or saved */
};

struct plan_change {
	char *address; /* customer.<externalId>, integration.<name>, instance.<externalId>/<name> */
	enum res_type type;
	enum plan_action action;
	struct plan_field *fields;
	size_t fields_nr, fields_alloc;
	size_t *deps; /* indices of changes that must succeed first */
	size_t deps_nr, deps_alloc;
	char *live_id;     /* the live object's id; NULL for a create */
	char *fingerprint; /* of the live object as read; NULL for a create */
	char *note;        /* a remark for people, such as "(new version)"; may be NULL */
	char *payload;     /* JSON object: what carrying the change out needs (diff.h) */
	size_t desired;    /* index of the manifest entry, or PLAN_NONE */
	size_t live;       /* index of the live object, or PLAN_NONE */
	/* The rollout wave (rollout.h): 1-based into plan.rollouts; 0 for none. */
	unsigned rollout, wave;
};

struct plan_rollouts;

struct plan {
	struct plan_change *changes;
	size_t nr, alloc;
	/* Where the desired state came from, for the JSON "source" block. */
	char *manifest;
	char *owner;
	char *commit;   /* NULL when not known */
	char *repo_url; /* NULL when not known */
	bool dirty;
	bool prune;
	char *environment;  /* the manifest's environment the plan is for; NULL without */
	char *organization; /* the organization it is for; NULL when the manifest names none */
	/* plan --changed-since: only these integrations (and their instances) are covered. */
	bool limited;
	char *limited_since; /* the base revision */
	char **limited_to;   /* integration names */
	size_t limited_to_nr, limited_to_alloc;
	/* ... and these addresses: instances changed on their own, objects the manifest dropped */
	char **limited_also;
	size_t limited_also_nr;
	const bool *limit_extra; /* while plan_limit_also() runs: per change, kept anyway */
	/*
	 * Without prune: the addresses of the owned objects absent from the
	 * manifest, which prune would delete (none are changes of this plan).
	 */
	char **prunable;
	size_t prunable_nr;
	/* --target and --select (scope.h): the plan covers only part of the org. */
	bool scoped;
	char **scope_targets, **scope_labels;
	size_t scope_targets_nr, scope_labels_nr;
	struct plan_rollouts *rollouts; /* the waves (rollout.h); NULL when none */
};

struct plan_summary {
	size_t create, update, publish, deploy, delete;
};

void plan_init(struct plan *p);
void plan_release(struct plan *p);

/* Frees what change c owns (for code that drops changes from a plan). */
void plan_change_release(struct plan_change *c);

/* Adds a change and returns its index. The address is copied. */
size_t plan_add(struct plan *p, enum res_type type, enum plan_action action, const char *address);

/*
 * Adds a field to change c. before and after are JSON text (copied), or
 * NULL for absent. A sensitive field's values are kept only to tell whether
 * they differ; renderers print "(sensitive)".
 */
void plan_field(struct plan *p, size_t c, const char *name, const char *before, const char *after,
                bool sensitive);

/* Records that change c runs only after change on succeeded. Duplicates are ignored. */
void plan_depend(struct plan *p, size_t c, size_t on);

/* Sets a string member (live_id, fingerprint, note) of change c to a copy of s. */
void plan_set_live(struct plan *p, size_t c, const char *live_id, const char *fingerprint);
void plan_set_note(struct plan *p, size_t c, const char *note);
void plan_set_payload(struct plan *p, size_t c, const char *payload_json);

/*
 * Keeps the changes marked in kept (p->nr entries) and every change they
 * depend on (kept is updated to say so), releases the others, and
 * renumbers the dependencies. Changes keep their order.
 */
void plan_keep(struct plan *p, bool *kept);

/* Counts changes the way the summary line does: import, enable and disable count as updates. */
struct plan_summary plan_summarize(const struct plan *p);

const char *plan_action_name(enum plan_action a);
const char *res_type_name(enum res_type t);
/* Terraform's symbol for the action: + ~ - ^ > */
char plan_action_symbol(enum plan_action a);

/*
 * Whether every change comes after the changes it depends on. The diff
 * builds plans in that order (customers, integrations, publishes, instances,
 * deploys, deletes) and the apply engine relies on it; a plan read from a
 * file is checked with this.
 */
bool plan_is_ordered(const struct plan *p);

#endif
