/*
 * flowtest.h - running one flow of one instance as a test (Prismatic's
 * Test Flow, testInstanceFlowConfig) and reading the execution it started
 * (Get Execution, executionResult), for verifying a rollout.
 *
 * Each call sends one request and waits for it. A test is a mutation: it is
 * never sent twice blindly (an unknown outcome is ERR_UNKNOWN_OUTCOME; the
 * caller decides). Strings handed back belong to the caller.
 */
#ifndef PRISMSYNC_API_FLOWTEST_H
#define PRISMSYNC_API_FLOWTEST_H

#include <stdbool.h>
#include <stddef.h>

#include "client.h"
#include "../util/error.h"

/*
 * The id of the flow config of instance_id that runs flow_name, in *out (a
 * new string). ERR_NOTFOUND when the instance has no such flow (it runs a
 * version without it).
 */
int api_flow_config_find(char **out, struct api_client *c, const char *instance_id,
                         const char *flow_name, struct error *err);

/* Starts a test execution of flow config id with payload; *execution_id receives its id. */
int api_flow_test(char **execution_id, struct api_client *c, const char *flow_config_id,
                  const char *payload, const char *content_type, struct error *err);

enum api_exec_status { API_EXEC_RUNNING, API_EXEC_SUCCESS, API_EXEC_ERROR };

struct api_execution {
	enum api_exec_status status;
	char *error; /* the execution's error; NULL when none */
};

/* Reads execution id: whether it ended, and how. Release *out with api_execution_release(). */
int api_execution_get(struct api_execution *out, struct api_client *c, const char *id,
                      struct error *err);
void api_execution_release(struct api_execution *e);

#endif
