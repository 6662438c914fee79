/*
 * validate.c - validateIntegrationSchema for a set of definitions at once.
 */
#include "validate.h"

#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "call.h"
#include "documents.h"
#include "../util/buf.h"
#include "../util/xalloc.h"
#include "../util/banned.h"

struct check_call {
	struct api_call call;
	struct api_definition_check *check;
	int *rc;           /* the first failure of the batch */
	struct error *err; /* its message */
};

/* The payload's errors as "field: message message; ...", or NULL when there are none. */
static char *payload_problems(const struct jval *payload)
{
	const struct jval *errors = NULL;
	if (!jval_is((errors = jval_get(payload, "errors")), JARRAY) || !jval_count(errors))
		return NULL;
	struct buf msg = BUF_INIT;
	size_t n = jval_count(errors);
	for (size_t i = 0; i < n && i < 10; i++) {
		const struct jval *e = jval_at(errors, i), *f = NULL, *ms = NULL;
		if (i)
			buf_adds(&msg, "; ");
		if ((f = jval_get(e, "field")) != NULL && jval_is(f, JSTRING) &&
		    strcmp(jval_str(f), "__all__"))
			buf_addf(&msg, "%s: ", jval_str(f));
		size_t nm = 0;
		if ((ms = jval_get(e, "messages")) != NULL && jval_is(ms, JARRAY))
			nm = jval_count(ms);
		for (size_t j = 0; j < nm && j < 5; j++) {
			const struct jval *m = jval_at(ms, j);
			if (jval_is(m, JSTRING))
				buf_addf(&msg, "%s%s", j ? " " : "", jval_str(m));
		}
		if (!nm)
			buf_adds(&msg, "(no message)");
	}
	if (n > 10)
		buf_addf(&msg, "; and %zu more", n - 10);
	return buf_detach(&msg, NULL);
}

static void check_done(struct api_call *call, int rc, const struct jval *data,
                       struct error *call_err)
{
	struct check_call *cc = (struct check_call *)call;
	const struct jval *payload = NULL, *result = NULL, *valid = NULL;

	if (rc) {
		if (!*cc->rc) {
			*cc->rc = rc;
			error_set(cc->err, rc, "validateIntegrationSchema: %s",
			          call_err && call_err->message ? call_err->message : "failed");
		}
		goto done;
	}
	if (!jval_is((payload = jval_get(data, "validateIntegrationSchema")), JOBJECT)) {
		if (!*cc->rc)
			*cc->rc =
			    error_set(cc->err, ERR_API,
			              "validateIntegrationSchema: the response has no payload");
		goto done;
	}
	cc->check->problems = payload_problems(payload);
	bool is_valid = !cc->check->problems;
	result = jval_get(payload, "result");
	valid = jval_get(result, "isValid");
	if (jval_is(valid, JBOOL) && !jval_bool(valid))
		is_valid = false;
	cc->check->valid = is_valid;
	if (!is_valid && !cc->check->problems)
		cc->check->problems = xstrdup("Prismatic reports the definition as invalid");
done:
	api_call_release(&cc->call);
	free(cc);
}

int api_check_definitions(struct api_client *c, struct api_definition_check *checks, size_t nr,
                          struct error *err)
{
	int rc = 0;
	for (size_t i = 0; i < nr; i++) {
		struct check_call *cc = xcalloc(1, sizeof(*cc));
		struct json_object *vars = json_object_new_object(),
		                   *input = json_object_new_object();
		json_object_object_add(input, "definition",
		                       json_object_new_string(checks[i].definition));
		json_object_object_add(vars, "input", input);
		checks[i].valid = false;
		checks[i].problems = NULL;
		cc->check = &checks[i];
		cc->rc = &rc;
		cc->err = err;
		api_call_init(&cc->call, c, api_doc(API_DOC_VALIDATE_DEFINITION), vars, check_done,
		              cc);
		json_object_put(vars);
		api_call_start(&cc->call);
	}
	int run = api_client_run(c, err);
	return rc ? rc : run;
}

void api_definition_checks_release(struct api_definition_check *checks, size_t nr)
{
	for (size_t i = 0; i < nr; i++) {
		free(checks[i].problems);
		checks[i].problems = NULL;
	}
}
