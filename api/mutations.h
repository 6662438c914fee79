/*
 * mutations.h - every change prismsync makes to an organization, one
 * function each, for the apply executor.
 *
 * Each function sends one GraphQL mutation (api_integration_wait_available
 * polls with queries) and checks both error layers: a top-level error or a
 * payload `errors` entry becomes ERR_API (ERR_NOTFOUND for "Record not
 * found") with a message naming the operation and the object, e.g.
 *     createCustomer customer 'acme': externalId: already in use
 * A mutation is never sent twice unless the server certainly did not run
 * it (no connection, 429, 401 before a token refresh). When the outcome is
 * unknown (a timeout, a dropped connection or a 5xx after sending) the
 * result is ERR_UNKNOWN_OUTCOME: re-read the object before deciding what
 * to do next.
 *
 * Inputs are borrowed for the call. Ids handed back through **out are new
 * strings that belong to the caller (free()).
 */
#ifndef PRISMSYNC_MUTATIONS_H
#define PRISMSYNC_MUTATIONS_H

#include <stdbool.h>
#include <stddef.h>

#include "client.h"

/* A list of labels; set false means "leave the labels as they are". */
struct api_labels {
	bool set;
	const char *const *items;
	size_t nr;
};

struct api_customer_input {
	const char *name;        /* required to create; NULL: unchanged */
	const char *external_id; /* NULL: unchanged / none */
	const char *description; /* NULL: unchanged / empty */
	struct api_labels labels;
};

int api_customer_create(char **id, struct api_client *c, const struct api_customer_input *in,
                        struct error *err);
int api_customer_update(struct api_client *c, const char *id, const struct api_customer_input *in,
                        struct error *err);

/*
 * Imports a YAML definition: with integration_id, overwrites that
 * integration's draft; with NULL, creates an integration. *id receives the
 * draft id (may be NULL when not wanted).
 */
int api_integration_import(char **id, struct api_client *c, const char *integration_id,
                           const char *definition, struct error *err);

struct api_integration_input {
	const char *name;        /* NULL: unchanged */
	const char *description; /* NULL: unchanged */
	const char *category;    /* NULL: unchanged */
	struct api_labels labels;
};

int api_integration_update(struct api_client *c, const char *id,
                           const struct api_integration_input *in, struct error *err);

/* A published version: its own id and its number. */
struct api_version {
	char *id;
	int number;
	bool available;
};

void api_version_release(struct api_version *v);

/*
 * Publishes the draft of integration id as its next version. comment and
 * attributes (a JSON object text: commitHash, repoUrl, ...) may be NULL.
 */
int api_integration_publish(struct api_version *out, struct api_client *c, const char *id,
                            const char *comment, const char *attributes_json, struct error *err);

/*
 * Polls until version number of integration id is available (publishing
 * is asynchronous), for at most timeout_ms (0: 300 s). *out receives the
 * available version. ERR_API when it does not become available in time.
 */
int api_integration_wait_available(struct api_version *out, struct api_client *c, const char *id,
                                   int number, long timeout_ms, struct error *err);

int api_integration_delete(struct api_client *c, const char *id, struct error *err);

/* One input of a connection, as written. */
struct api_config_input {
	const char *name;
	const char *value;
};

/*
 * One instance config variable, in one of its forms (InputInstanceConfigVariable):
 * a plain value; a connection's inputs, sent as `values`, a JSON string of
 * [{"name", "type": "value", "value"}] that replaces the connection's inputs
 * as a whole; a customer-level connection by id; or a schedule (value,
 * schedule_type, time_zone).
 */
struct api_config_value {
	const char *key;
	const char *value;                     /* NULL: clear (when no other form is given) */
	const struct api_config_input *inputs; /* a connection: every input to set */
	size_t inputs_nr;
	bool is_connection;          /* send inputs as `values` (even an empty list) */
	const char *customer_var_id; /* a customer-level connection; NULL: none */
	const char *schedule_type;   /* NULL: not a schedule */
	const char *time_zone;       /* NULL: none */
};

struct api_instance_input {
	const char *name;        /* required to create; NULL: unchanged */
	const char *customer_id; /* create only */
	const char *version_id;  /* the published version to run; NULL: unchanged */
	const char *description; /* NULL: unchanged / empty */
	struct api_labels labels;
	/* create only: initial config variables (updates use api_instance_set_config) */
	const struct api_config_value *config;
	size_t config_nr;
	/* update only: leave needsDeploy as it is (a description or labels change) */
	bool preserve_deploy_state;
};

int api_instance_create(char **id, struct api_client *c, const struct api_instance_input *in,
                        struct error *err);

/* Changes name, description, labels and version; config variables are left alone. */
int api_instance_update(struct api_client *c, const char *id, const struct api_instance_input *in,
                        struct error *err);

/* Sets only the config variables listed (updateInstanceConfigVariables). */
int api_instance_set_config(struct api_client *c, const char *id,
                            const struct api_config_value *values, size_t nr, struct error *err);

int api_instance_deploy(struct api_client *c, const char *id, struct error *err);
int api_instance_set_enabled(struct api_client *c, const char *id, bool enabled, struct error *err);
int api_instance_delete(struct api_client *c, const char *id, struct error *err);

#endif
