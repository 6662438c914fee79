/*
 * plan.h - the plan: every change that makes live state match the manifest,
 * with the dependencies between them.
 *
 * A plan is built by the diff (reconcile/diff*.c), rendered by cmd/ (text,
 * JSON, markdown), saved to a file and read back by reconcile/plan_io.c,
 * and executed by the apply engine. Field values are kept as JSON text so
 * every renderer shows the same thing and a saved plan reads back exactly.
 *
 * Each change holds one representation of what carrying it out needs: its
 * typed inputs (struct plan_inputs), which the diff fills in, plan_io.c
 * saves and reads, and apply turns into the API's inputs.
 *
 * Ownership: a struct plan owns its changes, their fields, their inputs
 * and every string in them. plan_init() allocates nothing; plan_release()
 * frees everything. The plan_*_set/add helpers below copy what they are
 * given; code that fills inputs in directly assigns new strings
 * (plan_strdup()), which the plan then owns.
 */
#ifndef PRISMSYNC_PLAN_H
#define PRISMSYNC_PLAN_H

#include <stdbool.h>
#include <stddef.h>

#include "../util/buf.h"

enum res_type { RES_CUSTOMER, RES_INTEGRATION, RES_INSTANCE };

/* In the order apply carries them out (README, "Commands"). */
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

/* Labels to set; set false: the change leaves them as they are. */
struct plan_labels {
	bool set;
	char **items;
	size_t nr;
};

/*
 * A value to write: literal text, or (a secret) the name of the environment
 * variable that holds it, read only when the change is carried out. Both
 * NULL: no value.
 */
struct plan_value {
	char *text;
	char *env;
};

enum plan_config_kind {
	PLAN_CV_VALUE,               /* value */
	PLAN_CV_CONNECTION,          /* inputs */
	PLAN_CV_CUSTOMER_CONNECTION, /* customer_connection and customer_var_id */
	PLAN_CV_SCHEDULE,            /* value (a cron expression) and time_zone */
};

struct plan_config_input {
	char *name;
	struct plan_value value;
};

/* One config variable an instance create or update writes. */
struct plan_config_var {
	enum plan_config_kind kind;
	char *key;
	struct plan_value value;
	struct plan_config_input *inputs;
	size_t inputs_nr, inputs_alloc;
	char *customer_connection; /* the customer-level variable's key */
	char *customer_var_id;     /* its id for the instance's customer; NULL when not known */
	char *time_zone;
};

/* The published version an instance is moved to or deployed with. */
struct plan_version {
	char *integration; /* its integration's name */
	bool is_new;       /* the version this apply publishes: number and id learned then */
	int number;        /* 0 when is_new */
	char *id;          /* NULL when is_new (and for deploys, which need only the number) */
};

/* What each kind of change needs; which one a change has follows from its type and action. */
enum plan_input_kind {
	PI_NONE,        /* deletes, enable, disable: the action and live id say it all */
	PI_CUSTOMER,    /* customer create and update */
	PI_DEFINITION,  /* integration create and import */
	PI_INTEGRATION, /* integration update: metadata */
	PI_PUBLISH,     /* integration publish */
	PI_INSTANCE,    /* instance create and update */
	PI_DEPLOY,      /* instance deploy */
};

/* A customer create sets every member; an update only those that change (NULL: unchanged). */
struct plan_customer_in {
	char *external_id;
	char *name;
	char *description;
	struct plan_labels labels;
};

struct plan_integration_in {
	char *description; /* NULL: unchanged */
	struct plan_labels labels;
};

struct plan_publish_in {
	int expected_version; /* the draft's versionNumber when planned: what the publish makes */
	char *comment;
	char *attributes; /* JSON text, sent as the publish's JSONString attributes */
	/*
	 * An earlier run published this version but was stopped before it became
	 * available: apply only waits for it, it does not publish again.
	 */
	bool published;
};

/*
 * An instance create names its customer (customer_id NULL when this apply
 * creates the customer: found by address then) and sets every member; an
 * update sets only what changes.
 */
struct plan_instance_in {
	char *name;        /* create only */
	char *customer;    /* create only: the customer's externalId */
	char *customer_id; /* create only */
	char *description; /* NULL: none / unchanged */
	struct plan_labels labels;
	bool has_version; /* always for a create */
	struct plan_version version;
	bool has_config; /* always for a create */
	struct plan_config_var *config;
	size_t config_nr, config_alloc;
	bool preserve_deploy_state; /* update of description or labels only: no deploy follows */
};

struct plan_inputs {
	enum plan_input_kind kind;
	union {
		struct plan_customer_in customer;
		char *definition; /* PI_DEFINITION: the YAML to import */
		struct plan_integration_in integration;
		struct plan_publish_in publish;
		struct plan_instance_in instance;
		struct plan_version deploy; /* what the deploy must leave running */
	};
};

struct plan_change {
	char *address; /* customer.<externalId>, integration.<name>, instance.<externalId>/<name> */
	enum res_type type;
	enum plan_action action;
	struct plan_field *fields;
	size_t fields_nr, fields_alloc;
	size_t *deps; /* indices of changes that must succeed first */
	size_t deps_nr, deps_alloc;
	char *live_id;         /* the live object's id; NULL for a create */
	char *fingerprint;     /* of the live object as read; NULL for a create */
	char *note;            /* a remark for people, such as "(new version)"; may be NULL */
	struct plan_inputs in; /* what carrying the change out needs */
	size_t desired;        /* index of the manifest entry, or PLAN_NONE */
	size_t live;           /* index of the live object, or PLAN_NONE */
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

/*
 * Adds a change and returns its index. The address is copied; the inputs
 * start empty, of the kind the type and action call for.
 */
size_t plan_add(struct plan *p, enum res_type type, enum plan_action action, const char *address);

/* The kind of inputs a change of this type and action carries. */
enum plan_input_kind plan_input_kind(enum res_type type, enum plan_action action);

/* A copy of s (NULL stays NULL), for filling in inputs. */
char *plan_strdup(const char *s);

/* Sets l to copies of n labels (set becomes true). */
void plan_labels_set(struct plan_labels *l, const char *const *items, size_t n);

/* Adds an empty config variable to an instance's inputs and returns it. */
struct plan_config_var *plan_config_add(struct plan_instance_in *in);

/* Adds an empty input to connection v and returns it. */
struct plan_config_input *plan_config_input_add(struct plan_config_var *v);

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

/*
 * Keeps the changes marked in kept (p->nr entries) and every change they
 * depend on (kept is updated to say so), releases the others, and
 * renumbers the dependencies. Changes keep their order.
 */
void plan_keep(struct plan *p, bool *kept);

/* Counts changes the way the summary line does: import, enable and disable count as updates. */
struct plan_summary plan_summarize(const struct plan *p);

/* "create", "update", ...: the names plans and saved plans use. */
const char *plan_action_name(enum plan_action a);
/* What a done change did: "created", "updated", ... */
const char *plan_action_done(enum plan_action a);
/* The action named s, or -1. */
int plan_action_parse(const char *s);
const char *res_type_name(enum res_type t);
/* The type named s ("customer", "integration", "instance"), or -1. */
int res_type_parse(const char *s);

/* The id of a change in JSON and in depends_on: "<address>#<action>". A new string. */
char *plan_change_id(const struct plan_change *c);
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
