/*
 * Fuzz target: the API response decoder, from the bytes of an HTTP body to
 * the live-state model.
 *
 * The first byte picks what the body is taken to answer (a list page of
 * customers, integrations or instances, a mutation payload, or the token
 * refresh) and its HTTP status; the rest is the body. Whatever the bytes,
 * decoding must end in a model or in an error value: never a crash, a hang
 * or a read out of bounds. The body is also read as a JWT and as a GraphQL
 * document, the other two texts prismsync inspects.
 *
 * The body is also decoded by json-c, which read answers before jdoc did:
 * the two must accept and refuse alike (but for what json-c lets through
 * that RFC 8259 does not, jdoc_compare.h), and read accepted documents as
 * the same values; a difference aborts.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../api/auth.h"
#include "../../api/configvars.h"
#include "../../api/fetch.h"
#include "../../api/gql.h"
#include "../../live/live.h"
#include "jdoc_compare.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const ops[] = {"customers", "integrations", "instances", "createCustomer",
                                  "auth/refresh"};
static const long statuses[] = {200, 200, 200, 200, 401, 429, 503, 400};

/* Aborts when jdoc and json-c (as gql_parse_json() ran it) read body differently. */
static void compare_with_jsonc(const char *body, size_t len)
{
	struct jdoc *doc = NULL;
	struct json_object *o = NULL;
	struct error mine = ERROR_INIT, theirs = ERROR_INIT;
	int m = jdoc_parse(&doc, body, len, "fuzz", &mine);
	int t = gql_parse_json(&o, body, len, "fuzz", &theirs);
	if (!m && !t && !jdoc_same_as_jsonc(jdoc_root(doc), o))
		abort();                                /* both accept, with different values */
	if (!m && t && !jval_is(jdoc_root(doc), JNULL)) /* json-c reads null as no value */
		abort();                                /* accepted what json-c refuses */
	if (m && !t && !jdoc_stricter_than_jsonc(mine.message))
		abort(); /* refused what json-c accepts, for no known reason */
	jdoc_free(doc);
	json_object_put(o);
	error_release(&mine);
	error_release(&theirs);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	unsigned sel = data[0];
	unsigned which = sel % 5;
	long status = statuses[(sel / 5) % 8];
	const char *body = (const char *)data + 1;
	size_t len = size - 1;
	struct error err = ERROR_INIT;
	struct jdoc *doc = NULL;
	const struct jval *top = NULL, *payload = NULL;

	if (which == 4) {
		char *token = NULL;
		if (!auth_parse_refresh(&token, status, body, len, &err))
			free(token);
		error_release(&err);
	} else if (!gql_decode_response(&doc, &top, status, body, len, ops[which], &err)) {
		if (which < 3) {
			struct live_state *s = live_state_new();
			long total;
			size_t n;
			if (!fetch_decode_page(s, (enum fetch_kind)which, top, &total, &n, &err))
				live_state_index(s);
			live_state_free(s);
		} else {
			gql_check_payload(&payload, top, ops[which], "customer 'fuzz'", &err);
			/* The same data as a page of customer-level config variables. */
			struct live_state *s = live_state_new();
			long total;
			size_t n;
			error_release(&err);
			api_decode_customer_vars_page(s, top, &total, &n, &err);
			live_state_free(s);
		}
		jdoc_free(doc);
	}
	error_release(&err);
	compare_with_jsonc(body, len);

	/* The same bytes as a token and as a document. */
	char *text = malloc(len + 1);
	if (!text)
		return 0;
	memcpy(text, body, len);
	text[len] = '\0';
	long long exp, iat;
	auth_jwt_times(text, &exp, &iat);
	bool mutation;
	char root[64];
	gql_document_info(text, &mutation, root, sizeof(root));
	free(text);
	return 0;
}
