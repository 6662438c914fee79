/*
 * validate.h - Prismatic's own check of YAML integration definitions.
 *
 * validateIntegrationSchema is a mutation without side effects: it answers
 * whether the API would accept a definition, and why not. plan and apply
 * ask it about every definition they would import, so that a definition
 * Prismatic refuses fails before anything is changed, not in the middle
 * of an apply.
 */
#ifndef PRISMSYNC_API_VALIDATE_H
#define PRISMSYNC_API_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>

#include "client.h"

struct api_definition_check {
	const char *definition; /* in: the YAML text; borrowed, kept until the call returns */
	bool valid;             /* out */
	char *problems;         /* out: when !valid, what Prismatic said ("field: message; ...");
	                           owned, freed by api_definition_checks_release() */
};

/*
 * Checks each checks[i].definition, the requests in parallel (up to the
 * client's parallelism). Returns 0 when every check got an answer, valid or
 * not; otherwise the error of a request that failed (transport, auth, a
 * top-level GraphQL error), with err set. The outputs of checks that did
 * get an answer are filled either way.
 */
int api_check_definitions(struct api_client *c, struct api_definition_check *checks, size_t nr,
                          struct error *err);

/* Frees what the checks own; the array itself is the caller's. */
void api_definition_checks_release(struct api_definition_check *checks, size_t nr);

#endif
