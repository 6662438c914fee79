/*
 * live.h - the live state of a Prismatic organization, as plain data: what
 * the reconciler compares the manifest with.
 *
 * A struct live_state is filled by api_fetch_live() (fetch.h) or built by
 * hand in tests with the live_add_* functions. It owns every string and
 * array in it (allocated from its arena); everything handed out by a
 * lookup is borrowed from the state and valid until live_state_free().
 * Strings are never NULL unless the comment says "may be NULL".
 *
 * Lookups by id and by identity are hash lookups (O(1)) once
 * live_state_index() has run; api_fetch_live() runs it. The map of
 * instances by id is built by the first live_instance_by_id() after it (a
 * plan with nothing to change never needs it), from the instances the
 * state holds then. Identity follows
 * the rules: customers by externalId, integrations by name,
 * instances by customer + name.
 */
#ifndef PRISMSYNC_LIVE_H
#define PRISMSYNC_LIVE_H

#include <stdbool.h>
#include <stddef.h>

#include "../util/arena.h"

struct live_customer {
	const char *id;
	const char *external_id; /* may be NULL */
	const char *name;
	const char *description;
	const char **labels;
	size_t labels_nr;
};

/* One published version of an integration. */
struct live_version {
	const char *id; /* the version's own id: what instances are bound to */
	int number;
	bool available;
};

struct live_integration {
	const char *id; /* the draft's id: what import, update and publish take */
	const char *name;
	const char *description;
	const char *category;
	const char **labels;
	size_t labels_nr;
	int draft_version_number; /* the number the next publish will get */
	bool is_code_native;      /* written in code: never has a YAML definition */
	const char *updated_at;   /* when the draft last changed (may be NULL) */
	/*
	 * The draft's YAML definition is read only for the integrations a
	 * manifest manages; it may be NULL even then (a definition-less
	 * integration). latest_definition below is read for those only when
	 * the draft is not the latest version (live_draft_is_latest()), unless
	 * the fetch asked for it always (export).
	 */
	const char *definition;
	bool has_unpublished_changes;
	/* Published versions, ascending by number. */
	struct live_version *versions;
	size_t versions_nr;
	/* The latest available published version, or NULL when none; points into versions. */
	const struct live_version *latest;
	const char *latest_definition; /* the YAML of latest; may be NULL (see definition) */
	/* The attributes published with latest (JSON text, such as commitHash); may be NULL. */
	const char *latest_attributes;
	const char *latest_commit; /* commitHash of those attributes; NULL when not given */
	bool latest_dirty;         /* their dirty flag */
};

/* One input of a connection config variable, as the API returns it. */
struct live_config_input {
	const char *name;
	const char *type;  /* ExpressionType (value, configVar, ...) */
	const char *value; /* "" when not set, and when write-only */
	bool has_value;
	/*
	 * The API holds a value it does not return (hasValue with an empty
	 * value): a secret that can be written but never compared.
	 */
	bool write_only;
};

struct live_config_var {
	const char *key;
	const char *value;         /* may be NULL: not set */
	const char *data_type;     /* STRING, CONNECTION, ... (upper case); may be NULL */
	const char *status;        /* ACTIVE, PENDING, ERROR, FAILED; may be NULL */
	const char *schedule_type; /* NONE, MINUTE, ..., CUSTOM; may be NULL */
	const char *time_zone;     /* may be NULL */
	/* The customer-level connection the variable points at; both may be NULL. */
	const char *customer_var_id;
	const char *customer_var_key;
	/* A connection's inputs; NULL (and inputs_nr 0) when the API gives none. */
	struct live_config_input *inputs;
	size_t inputs_nr;
};

/* A customer-level config variable (a connection shared by a customer's instances). */
struct live_customer_var {
	const char *id;
	const char *key;         /* may be NULL: the API allows an unnamed one */
	const char *status;      /* may be NULL */
	const char *customer_id; /* may be NULL: an org-level variable, never matched */
};

struct live_instance {
	const char *id;
	const char *name;
	const char *description;
	const char **labels;
	size_t labels_nr;
	bool enabled;
	const char *customer_id;
	const char *customer_external_id; /* may be NULL */
	const char *customer_name;
	/* The published version the instance is bound to. */
	const char *version_id;
	int version_number;
	const char *integration_name; /* as the bound version records it */
	/* The org-owned integration of that version; NULL when it is not one (customer-owned). */
	const char *integration_id;
	bool has_deployed_version;
	int deployed_version; /* meaningful when has_deployed_version */
	bool needs_deploy;
	const char *config_state; /* may be NULL */
	struct live_config_var *config;
	size_t config_nr;
};

struct live_index;

struct live_kept {
	void *block;
	void (*release)(void *);
};

struct live_state {
	struct arena arena;
	struct live_customer *customers;
	size_t customers_nr, customers_alloc;
	struct live_integration *integrations;
	size_t integrations_nr, integrations_alloc;
	struct live_instance *instances;
	size_t instances_nr, instances_alloc;
	/* Customer-level config variables: read only when the manifest uses them. */
	struct live_customer_var *customer_vars;
	size_t customer_vars_nr, customer_vars_alloc;
	bool has_customer_vars;   /* they were read */
	struct live_index *index; /* NULL until live_state_index() */
	struct live_kept *kept;   /* blocks whose values the records borrow */
	size_t kept_nr, kept_alloc;
};

struct live_state *live_state_new(void);
void live_state_free(struct live_state *s);

/* Copies s into the state's arena (NULL stays NULL). */
const char *live_strdup(struct live_state *s, const char *str);

/*
 * Keeps block alive until the state is freed, then calls release(block):
 * for large values (definition texts) that records borrow from where they
 * were decoded instead of copying them.
 */
void live_state_keep(struct live_state *s, void *block, void (*release)(void *));

/*
 * Appends a zeroed record and returns it, for the fetcher and for tests.
 * Pointers to earlier records may move: fill one record at a time, and
 * call live_state_index() once all are added.
 */
struct live_customer *live_add_customer(struct live_state *s);
struct live_integration *live_add_integration(struct live_state *s);
struct live_instance *live_add_instance(struct live_state *s);
struct live_customer_var *live_add_customer_var(struct live_state *s);

/*
 * Builds the lookup tables, and links each instance to its integration
 * (integration_id) through its version id. Call again after adding.
 */
void live_state_index(struct live_state *s);

/*
 * Whether two customers share an externalId, two integrations a name or two
 * instances of a customer a name (true, to be safe, before live_state_index()).
 */
bool live_shares_identities(const struct live_state *s);

const struct live_customer *live_customer_by_id(const struct live_state *s, const char *id);
const struct live_customer *live_customer_by_external_id(const struct live_state *s,
                                                         const char *external_id);
const struct live_integration *live_integration_by_id(const struct live_state *s, const char *id);
const struct live_integration *live_integration_by_name(const struct live_state *s,
                                                        const char *name);
/* Builds the map of instances by id on its first call after live_state_index(). */
const struct live_instance *live_instance_by_id(const struct live_state *s, const char *id);
/* The instance named name of the customer with id customer_id. */
const struct live_instance *live_instance_by_identity(const struct live_state *s,
                                                      const char *customer_id, const char *name);

/* A published version by its id, and (when out_integration) the integration it belongs to. */
const struct live_version *live_version_by_id(const struct live_state *s, const char *version_id,
                                              const struct live_integration **out_integration);

/* A published version of integration by its number, or NULL. */
const struct live_version *live_version_by_number(const struct live_integration *integration,
                                                  int number);

/*
 * Whether integration's draft is its latest available version, as the list
 * tells without any definition: it has no unpublished changes, and the
 * newest version (the one before the draft's number) is that latest one,
 * not a version published and not yet available. Then the latest version's
 * definition is the draft's and need not be read.
 */
bool live_draft_is_latest(const struct live_integration *integration);

/* The value of config variable key of instance, or NULL (*found false when absent). */
const char *live_instance_config(const struct live_instance *instance, const char *key,
                                 bool *found);

/* Config variable key of instance, or NULL. Borrowed. */
const struct live_config_var *live_instance_config_var(const struct live_instance *instance,
                                                       const char *key);

/* Input name of connection variable cv, or NULL. Borrowed. */
const struct live_config_input *live_config_input(const struct live_config_var *cv,
                                                  const char *name);

/*
 * The customer-level config variable key of customer customer_id, or NULL.
 * A linear search: customers have few of them.
 */
const struct live_customer_var *live_customer_var(const struct live_state *s,
                                                  const char *customer_id, const char *key);

#endif
