/*
 * manifest.h - the prismsync manifest (version 1): typed model and loader.
 *
 * manifest_load() reads the manifest and every integration definition it
 * names through a struct source, checks every rule of the manifest format,
 * and reports each problem as a diagnostic at its file, line and column. It
 * does not stop at the first problem: all of them are collected, so a user
 * fixes a file in one pass.
 *
 * The model keeps what the user wrote: optional fields that were left out
 * are marked as absent (has_* flags), so that the reconciler manages only
 * what the manifest states. Defaults that the format defines (publish,
 * enabled and deploy default to true; owner to "default") are filled in.
 *
 * Ownership: a struct manifest owns everything reachable from it (strings
 * live in its arena, definitions are parsed documents it frees). All
 * pointers into it are borrowed and valid until manifest_free().
 */
#ifndef PRISMSYNC_MANIFEST_H
#define PRISMSYNC_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>

#include "../source/source.h"
#include "../util/arena.h"
#include "../util/diag.h"
#include "rollout.h"
#include "yaml_tree.h"

/* Files larger than this are refused before parsing. */
#define MANIFEST_MAX_BYTES   (8u * 1024 * 1024)
#define DEFINITION_MAX_BYTES (8u * 1024 * 1024)

#define MANIFEST_DEFAULT_FILE  "prismsync.yaml"
#define MANIFEST_DEFAULT_OWNER "default"

struct manifest_index;

struct mpos {
	int line, col; /* 1-based; 0 when the item has no position */
};

struct mstrlist {
	const char **items;
	size_t nr;
};

struct m_customer {
	const char *external_id;
	const char *name;
	const char *description; /* NULL when absent */
	struct mstrlist labels;
	bool has_labels;
	struct mpos pos; /* the list item */
	struct mpos external_id_pos;
	struct mstrlist ignore; /* fields left unmanaged: description, labels */
};

struct m_integration {
	const char *definition;      /* as written: relative to the manifest's directory */
	const char *definition_file; /* the path read (manifest directory joined) */
	const char *name;            /* NULL when absent: the definition's name applies */
	const char *description;     /* NULL when absent */
	struct mstrlist labels;
	bool has_labels;
	bool publish; /* default true */
	const char *comment;
	struct mpos pos, definition_pos, name_pos;

	struct ydoc *doc; /* the parsed definition; NULL when it could not be loaded */
	/* What the integration will be called and described as, after overrides. */
	const char *effective_name;
	const char *effective_description; /* NULL when neither the manifest nor definition says */
	struct mstrlist ignore;            /* fields left unmanaged: description, labels */
};

/* The form a config variable takes in the manifest. */
enum m_cv_kind {
	M_CV_VALUE,               /* a plain value: value, env_name */
	M_CV_CONNECTION,          /* {inputs: {...}}: inputs */
	M_CV_CUSTOMER_CONNECTION, /* {customerConnection: KEY}: customer_connection */
	M_CV_SCHEDULE,            /* {schedule: ..., timeZone: ...}: value, time_zone */
};

/* One input of a connection, as written. */
struct m_cv_input {
	const char *name;
	const char *value;    /* as written; for an env reference, the reference text */
	const char *env_name; /* non-NULL for ${env:NAME}: the value comes from the environment */
	struct mpos pos;      /* the input's name */
	struct mpos value_pos;
};

struct m_configvar {
	const char *key;
	enum m_cv_kind kind;
	/*
	 * M_CV_VALUE: the value as written (for an env reference, the reference
	 * text); M_CV_SCHEDULE: the schedule expression. NULL for other kinds.
	 */
	const char *value;
	const char *env_name; /* M_CV_VALUE: non-NULL for ${env:NAME} */
	/* M_CV_CONNECTION: the inputs listed, in manifest order (at least one). */
	struct m_cv_input *inputs;
	size_t inputs_nr;
	const char *customer_connection; /* M_CV_CUSTOMER_CONNECTION: the customer variable's key */
	const char *time_zone;           /* M_CV_SCHEDULE: an IANA time zone name */
	struct mpos pos;                 /* the key */
	struct mpos value_pos;           /* the value node (a scalar, or the mapping) */
	struct mpos
	    form_pos; /* the key that chose the form (inputs, customerConnection, schedule) */
	struct mpos time_zone_pos;
};

/* True when the variable holds anything that came from the environment (a secret). */
bool m_configvar_sensitive(const struct m_configvar *cv);

struct m_instance {
	const char *name;
	const char *customer;    /* externalId */
	const char *integration; /* integration name */
	bool version_latest;     /* default true */
	long version;            /* when !version_latest */
	const char *description; /* NULL when absent */
	bool enabled;            /* default true */
	bool deploy;             /* default true */
	struct mstrlist labels;
	bool has_labels;
	struct m_configvar *config;
	size_t config_nr;
	bool has_config;
	struct mpos pos, customer_pos, integration_pos, version_pos;
	/* fields left unmanaged: enabled, description, labels, configVariables.<key> */
	struct mstrlist ignore;
};

/*
 * Per-environment values, merged over the base manifest: the objects are
 * found by identity (customers by externalId, integrations by name,
 * instances by customer + name) and only the keys written are replaced
 * (config variables key by key). Positions are in the file they come from.
 */
struct m_overrides {
	struct m_customer *customers;
	size_t customers_nr;
	struct m_integration *integrations;
	size_t integrations_nr;
	struct m_instance *instances;
	size_t instances_nr;
	const struct ynode *node; /* the mapping itself: which keys each item sets */
};

/* One organization the manifest is applied to (section 'environments'). */
struct m_environment {
	const char *name;
	const char *url;          /* the API origin */
	const char *organization; /* the org the credentials must belong to */
	const char *credentials;  /* the environment variable holding the refresh token */
	const char *tenant; /* the environment variable holding the tenant id; NULL if absent */
	struct m_overrides *overrides; /* written inline; NULL when absent */
	struct mpos pos;               /* the environment's name */
	struct mpos url_pos, organization_pos, credentials_pos;
};

/* Whether field (such as "labels" or "configVariables.API Key") is in an object's ignore list. */
bool manifest_ignores(const struct mstrlist *ignore, const char *field);

struct manifest {
	char *path; /* as given */
	char *dir;  /* its directory, against which definition paths resolve */
	long version;
	const char *owner;
	const char *requires; /* ">= X.Y", the oldest prismsync it works with; NULL if absent */

	struct m_customer *customers;
	size_t customers_nr;
	struct m_integration *integrations;
	size_t integrations_nr;
	struct m_instance *instances;
	size_t instances_nr;
	struct m_rollout *rollouts; /* rollout.h */
	size_t rollouts_nr;

	/* The org the credentials must belong to, without environments; NULL if absent. */
	const char *organization;
	struct m_environment *environments;
	size_t environments_nr;
	/* The environment merged in by manifest_load_env(); NULL for the base manifest. */
	const struct m_environment *environment;
	struct ydoc *override_doc; /* the environment's override file, when there is one */
	char *override_file;       /* its path; NULL when there is none */

	struct ydoc *doc; /* the manifest's own YAML document */
	struct arena arena;
	/* Lookups by identity, built once the identities are known; NULL before (scans then). */
	struct manifest_index *index;
};

enum manifest_flags {
	/* A ${env:NAME} whose variable is unset is an error (plan, apply) rather than a warning. */
	MANIFEST_ENV_REQUIRED = 1 << 0,
	/* Do not read definition files (for tools that only need the manifest itself). */
	MANIFEST_SKIP_DEFINITIONS = 1 << 1,
};

/*
 * Loads and validates the manifest at path and its definitions. Returns 0
 * when there was no error (warnings may have been added) and stores a new
 * manifest in *out. Returns ERR_INVALID (or ERR_NOTFOUND, ERR_IO,
 * ERR_TOO_LARGE when the manifest itself cannot be read) when diags holds at
 * least one error; *out is then left untouched. Diagnostics are not sorted.
 */
int manifest_load(struct manifest **out, struct source *src, const char *path, unsigned flags,
                  struct diag_list *diags);

/*
 * Like manifest_load(), then merges the overrides of environment env (its
 * inline 'overrides' and the file NAME.<env>.yaml next to the manifest,
 * whose keys win) over the base manifest. env NULL loads the base manifest.
 * An environment the manifest does not declare, or an override of an
 * object the base manifest lacks, is an error with its position.
 */
int manifest_load_env(struct manifest **out, struct source *src, const char *path, const char *env,
                      unsigned flags, struct diag_list *diags);

/* The path of environment env's override file next to manifest path: a new string. */
char *manifest_override_path(const char *path, const char *env);

/* The environment called name, or NULL. Borrowed. */
const struct m_environment *manifest_find_environment(const struct manifest *m, const char *name);

void manifest_free(struct manifest *m);

/* Finds by identity (the first of duplicates); NULL when absent. Borrowed. O(1). */
const struct m_customer *manifest_find_customer(const struct manifest *m, const char *external_id);
const struct m_integration *manifest_find_integration(const struct manifest *m, const char *name);
const struct m_instance *manifest_find_instance(const struct manifest *m, const char *customer,
                                                const char *name);

/*
 * When s is exactly "${env:NAME}", returns 1 and copies NAME (new string)
 * to *name; returns 0 when s has no "${env:" at all, and -1 when it has one
 * that is malformed or not the whole value.
 */
int manifest_parse_env_ref(const char *s, char **name);

#endif
