/*
 * call.h - one GraphQL request in flight, for the files of api/ that issue
 * requests (not for use outside api/).
 *
 * An api_call carries a request through the transport: token, retries
 * (retry.h decides), refresh after 401, decoding of both error layers'
 * first layer (gql_decode_response). Its done callback runs exactly once,
 * from inside api_client_run(), with either the response's `data`
 * (borrowed from the decoded answer for the duration of the callback) or an
 * error; from there the caller may start more calls (the next page). A
 * callback that keeps data past its return takes the answer with
 * api_call_take_answer() and frees it with jdoc_free() when done with it.
 */
#ifndef PRISMSYNC_API_CALL_H
#define PRISMSYNC_API_CALL_H

#include <json-c/json.h>

#include "client.h"
#include "gql.h"
#include "http.h"

struct api_call;

typedef void (*api_call_done_fn)(struct api_call *call, int rc, const struct jval *data,
                                 struct error *err);

struct api_call {
	struct http_xfer xfer; /* first: the transport hands it back */
	struct api_client *client;
	char op[64];
	bool mutation;
	/* a batch: done gets the whole response, top-level errors and all (gql.h) */
	bool keep_errors;
	char *body;
	size_t body_len;
	api_call_done_fn done;
	void *userdata;
	/* private to client.c: where the decoded answer is held while done runs */
	struct jdoc **answer;

	/* private to client.c */
	char *bearer;
	int attempt;
	long long first_ms;
	bool auth_retried;
	unsigned gen;
	struct api_call *next_waiting;
};

/* Prepares call for document with variables (may be NULL; not kept). No request yet. */
void api_call_init(struct api_call *call, struct api_client *c, const char *document,
                   struct json_object *variables, api_call_done_fn done, void *userdata);
void api_call_release(struct api_call *call);

/*
 * Inside the done callback only: the decoded answer that data is borrowed
 * from, now the caller's (jdoc_free()); NULL when there is none (an error).
 */
struct jdoc *api_call_take_answer(struct api_call *call);

/* Queues the call; its done callback runs from api_client_run(). */
void api_call_start(struct api_call *call);

/*
 * Like api_call_start(), but the request goes out no earlier than delay_ms
 * from now (a poll). The retry budget counts from then.
 */
void api_call_start_delayed(struct api_call *call, long delay_ms);

/*
 * The batcher of mutations_async.c, kept with the client it sends through:
 * NULL until batching is set up, freed with the client.
 */
struct mut_batcher;
struct mut_batcher **api_client_batcher(struct api_client *c);
void mut_batcher_free(struct mut_batcher *b);

/*
 * Sends one request and waits for it: 0, *doc (the answer, the caller's to
 * free with jdoc_free()) and *data (its `data`, borrowed from *doc), or an
 * error as described in client.h.
 */
int api_request(struct jdoc **doc, const struct jval **data, struct api_client *c,
                const char *document, struct json_object *variables, struct error *err);

#endif
