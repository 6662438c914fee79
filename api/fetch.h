/*
 * fetch.h - reading the whole live state of an organization.
 *
 * api_fetch_live() lists every customer (isSystem false), every org-owned
 * integration (customer_Isnull true) as metadata (labels, draft
 * versionNumber, isCodeNative, published versions, the latest available
 * one), and every non-system instance with its customer, bound version,
 * deployedVersion (0: never deployed), needsDeploy, enabled, labels and
 * config variables. Nested data is selected in the list queries. The three
 * lists are read in parallel: page 1 of each with offset 0 tells its
 * totalCount, then all its other pages go at once (see page.h).
 *
 * Definitions are large and only the plan of a managed integration needs
 * them: the draft definitions of the integrations in scope (never a
 * code-native one), and the latest version's of those whose draft may
 * differ from it (see api_fetch_scope), are read in batches of aliased
 * integration(id:) fields, 250 to a request (never one request per
 * integration), each sent as soon as the pages of integrations read so
 * far name 250 in scope (the rest once the list is read), so they are read
 * while the lists still are. Why 250: a no-change plan must stay within
 * 4 + ceil(I/100) + ceil(N/100) + ceil(C/100) requests; the lists take the
 * ceil terms, and 1,000 managed integrations (the L benchmark) then take
 * exactly the 4 left. An answer holds at most two definitions per
 * integration, which for 250 of them stays far below the response size cap.
 * Each also holds the draft's versionNumber and hasUnpublishedChanges and
 * the id of the latest available version: when they are not what the list
 * said (a publish, an import or a version made available in between), the
 * fetch fails and says to run again.
 *
 * Requests: one per 100 listed objects (at least one per list), one per
 * 250 integrations in scope, plus one per 100 further published versions
 * or config variables of an object that has more than 100 of them.
 *
 * Each list is checked against its totalCount after de-duplication by id;
 * a list that changed while it was read is read once more, then reported
 * as an error. Nothing partial is ever returned: on error *out is untouched.
 */
#ifndef PRISMSYNC_FETCH_H
#define PRISMSYNC_FETCH_H

#include "jdoc.h"

#include "client.h"
#include "../live/live.h"

/*
 * Which integrations' definitions to read: those the manifest manages, by
 * name, or all. Code-native integrations have none and are never asked for
 * theirs. The draft's definition is read for each; the latest published
 * version's only when the draft is not that version (live_draft_is_latest()
 * is false), since otherwise they are one definition, unless
 * latest_always asks for it anyway (export writes what was published).
 */
struct api_fetch_scope {
	bool all;                 /* every integration that is not code-native */
	const char *const *names; /* else: these (borrowed for the call) */
	size_t names_nr;
	bool latest_always; /* the latest version's definition even when the draft is it */
};

/*
 * Returns 0 and *out (free with live_state_free()), or an error from
 * client.h. scope NULL reads no definition at all.
 */
int api_fetch_live(struct live_state **out, struct api_client *c,
                   const struct api_fetch_scope *scope, struct error *err);

/* The lists of the live state, for the decoders below. */
enum fetch_kind { FETCH_CUSTOMERS, FETCH_INTEGRATIONS, FETCH_INSTANCES };

/* The id of record i of kind in s. */
const char *fetch_record_id(const struct live_state *s, enum fetch_kind kind, size_t i);

/*
 * Decodes one node of a list page into a new record of s (exposed for
 * tests and the response fuzzer). Every field is type-checked; on error
 * the record stays in s, partly filled, and the caller discards s.
 */
int fetch_decode_node(struct live_state *s, enum fetch_kind kind, const struct jval *node,
                      long index, struct error *err);

/*
 * Decodes a whole page (`data` of a list query) into s: the connection,
 * its totalCount and every node (*nodes of them).
 */
int fetch_decode_page(struct live_state *s, enum fetch_kind kind, const struct jval *data,
                      long *total, size_t *nodes, struct error *err);

#endif
