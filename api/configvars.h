/*
 * configvars.h - instance config variables of every kind as the API reads
 * them back, and the organization's customer-level config variables.
 *
 Every instance read (fetch.c's lists and lookup.c's single reads) selects
 * an InstanceConfigVariable node the same way (documents.c), so that
 * api_decode_config_var() applies to all of them: the value, status,
 * schedule type and time zone, the customer-level connection it points at,
 * a connection's inputs, and the required variable's key and data type.
 *
 * Write-only inputs: the API returns an input "unless the input is
 * configured as write-only"; such an input reads back with an empty value
 * and hasValue true, and is decoded with write_only set.
 */
#ifndef PRISMSYNC_CONFIGVARS_H
#define PRISMSYNC_CONFIGVARS_H

#include "jdoc.h"

#include "client.h"
#include "gql.h"
#include "../live/live.h"

/*
 * Decodes one config variable node into *cv, strings copied into
 * s. Every field is type-checked; ERR_API names ctx on a bad one.
 */
int api_decode_config_var(struct live_config_var *cv, struct live_state *s, const struct jval *n,
                          const struct gql_ctx *ctx, struct error *err);

/*
 * Reads every customer-level config variable of the organization
 * (customerConfigVariables, 100 a page: the first page, then the rest in
 * parallel by offset) into s->customer_vars, and sets s->has_customer_vars.
 * Variables are de-duplicated by id and counted against totalCount: a list
 * that changed while it was read is an error. On error s->customer_vars is
 * left empty.
 */
int api_fetch_customer_vars(struct live_state *s, struct api_client *c, struct error *err);

/*
 * Decodes one page (`data` of the customerConfigVariables query) into s:
 * *total receives totalCount, *nodes the number of nodes (exposed for tests).
 */
int api_decode_customer_vars_page(struct live_state *s, const struct jval *data, long *total,
                                  size_t *nodes, struct error *err);

#endif
