/*
 * fetch.h - reading the whole live state of an organization.
 *
 * api_fetch_live() lists every customer (isSystem false), every org-owned
 * integration (customer_Isnull true) with its draft definition, labels,
 * draft versionNumber, published versions and the latest available
 * version's definition, and every non-system instance with its customer,
 * bound version, deployedVersion, needsDeploy, enabled, labels and config
 * variable values. Nested data is selected in the list queries, so the
 * number of requests is one per 100 listed objects (at least one per list),
 * plus one per 100 further published versions or config variables of an
 * object that has more than 100 of them. The three lists are read in
 * parallel, and so are the pages of one list when the server's cursors are
 * offsets (see page.h).
 *
 * Each list is checked against its totalCount after de-duplication by id;
 * a list that changed while it was read is read once more, then reported
 * as an error. Nothing partial is ever returned: on error *out is untouched.
 */
#ifndef PRISMSYNC_FETCH_H
#define PRISMSYNC_FETCH_H

#include <json-c/json.h>

#include "client.h"
#include "live.h"

/* Returns 0 and *out (free with live_state_free()), or an error from client.h. */
int api_fetch_live(struct live_state **out, struct api_client *c, struct error *err);

/* The lists of the live state, for the decoders below. */
enum fetch_kind { FETCH_CUSTOMERS, FETCH_INTEGRATIONS, FETCH_INSTANCES };

/*
 * Decodes one node of a list page into a new record of s (exposed for
 * tests and the response fuzzer). Every field is type-checked; on error
 * the record stays in s, partly filled, and the caller discards s.
 */
int fetch_decode_node(struct live_state *s, enum fetch_kind kind, struct json_object *node,
                      long index, struct error *err);

/*
 * Decodes a whole page (`data` of a list query) into s: the connection,
 * its totalCount, pageInfo and every node. *total and *end_cursor (borrowed
 * from data, may be NULL) describe the page.
 */
int fetch_decode_page(struct live_state *s, enum fetch_kind kind, struct json_object *data,
                      long *total, const char **end_cursor, bool *has_next, size_t *nodes,
                      struct error *err);

#endif
