/*
 * apidriver: exercises the API client library (api/) directly, for the
 * integration tests: the live-state fetch and each mutation, against the
 * emulator. Credentials and PRISMATIC_URL come from the environment, as for
 * prismsync itself.
 *
 *   apidriver fetch                   live state as JSON on stdout, every definition read
 *   apidriver fetch-drafts            the same, latest definitions as a plan reads them
 *   apidriver MUTATION JSON-ARGS      one mutation (see mutations.h); its result as JSON
 *   apidriver read-integration ID     one integration read again by id (lookup.h), as JSON
 *   apidriver find-integration NAME   the same by name
 *
 * Counters (requests, retries, ...) go to stderr as "stats: ...". Exit 0 on
 * success, 1 with the error on stderr (and "code: NAME" naming the error
 * code) otherwise.
 */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../api/client.h"
#include "../../api/fetch.h"
#include "../../live/live.h"
#include "../../api/lookup.h"
#include "../../api/http.h"
#include "driver.h"

static struct json_object *str_or_null(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

static struct json_object *labels_json(const char **labels, size_t nr)
{
	struct json_object *a = json_object_new_array();
	for (size_t i = 0; i < nr; i++)
		json_object_array_add(a, json_object_new_string(labels[i]));
	return a;
}

struct json_object *driver_state_json(const struct live_state *s)
{
	struct json_object *root = json_object_new_object();
	struct json_object *cs = json_object_new_array(), *is = json_object_new_array(),
	                   *ns = json_object_new_array();
	for (size_t i = 0; i < s->customers_nr; i++) {
		const struct live_customer *c = &s->customers[i];
		struct json_object *o = json_object_new_object();
		json_object_object_add(o, "id", json_object_new_string(c->id));
		json_object_object_add(o, "externalId", str_or_null(c->external_id));
		json_object_object_add(o, "name", json_object_new_string(c->name));
		json_object_object_add(o, "description", json_object_new_string(c->description));
		json_object_object_add(o, "labels", labels_json(c->labels, c->labels_nr));
		json_object_array_add(cs, o);
	}
	for (size_t i = 0; i < s->integrations_nr; i++) {
		const struct live_integration *it = &s->integrations[i];
		struct json_object *o = json_object_new_object(), *vs = json_object_new_array();
		json_object_object_add(o, "id", json_object_new_string(it->id));
		json_object_object_add(o, "name", json_object_new_string(it->name));
		json_object_object_add(o, "description", json_object_new_string(it->description));
		json_object_object_add(o, "category", json_object_new_string(it->category));
		json_object_object_add(o, "labels", labels_json(it->labels, it->labels_nr));
		json_object_object_add(o, "versionNumber",
		                       json_object_new_int(it->draft_version_number));
		json_object_object_add(o, "hasUnpublishedChanges",
		                       json_object_new_boolean(it->has_unpublished_changes));
		json_object_object_add(o, "isCodeNative",
		                       json_object_new_boolean(it->is_code_native));
		json_object_object_add(o, "definition", str_or_null(it->definition));
		for (size_t v = 0; v < it->versions_nr; v++) {
			struct json_object *vo = json_object_new_object();
			json_object_object_add(vo, "id",
			                       json_object_new_string(it->versions[v].id));
			json_object_object_add(vo, "versionNumber",
			                       json_object_new_int(it->versions[v].number));
			json_object_object_add(vo, "available",
			                       json_object_new_boolean(it->versions[v].available));
			json_object_array_add(vs, vo);
		}
		json_object_object_add(o, "versions", vs);
		if (it->latest) {
			struct json_object *lo = json_object_new_object();
			json_object_object_add(lo, "id", json_object_new_string(it->latest->id));
			json_object_object_add(lo, "versionNumber",
			                       json_object_new_int(it->latest->number));
			json_object_object_add(lo, "definition",
			                       str_or_null(it->latest_definition));
			/* Provenance: what the version was published from. */
			json_object_object_add(lo, "attributes",
			                       str_or_null(it->latest_attributes));
			json_object_object_add(lo, "commit", str_or_null(it->latest_commit));
			json_object_object_add(o, "latest", lo);
		} else {
			json_object_object_add(o, "latest", NULL);
		}
		json_object_array_add(is, o);
	}
	for (size_t i = 0; i < s->instances_nr; i++) {
		const struct live_instance *in = &s->instances[i];
		struct json_object *o = json_object_new_object(), *cv = json_object_new_object();
		json_object_object_add(o, "id", json_object_new_string(in->id));
		json_object_object_add(o, "name", json_object_new_string(in->name));
		json_object_object_add(o, "description", json_object_new_string(in->description));
		json_object_object_add(o, "labels", labels_json(in->labels, in->labels_nr));
		json_object_object_add(o, "enabled", json_object_new_boolean(in->enabled));
		json_object_object_add(o, "customerId", json_object_new_string(in->customer_id));
		json_object_object_add(o, "customerExternalId",
		                       str_or_null(in->customer_external_id));
		json_object_object_add(o, "integrationId", str_or_null(in->integration_id));
		json_object_object_add(o, "integrationVersionId",
		                       json_object_new_string(in->version_id));
		json_object_object_add(o, "versionNumber", json_object_new_int(in->version_number));
		json_object_object_add(
		    o, "deployedVersion",
		    in->has_deployed_version ? json_object_new_int(in->deployed_version) : NULL);
		json_object_object_add(o, "needsDeploy", json_object_new_boolean(in->needs_deploy));
		json_object_object_add(o, "configState", str_or_null(in->config_state));
		for (size_t k = 0; k < in->config_nr; k++)
			json_object_object_add(cv, in->config[k].key,
			                       str_or_null(in->config[k].value));
		json_object_object_add(o, "configVariables", cv);
		json_object_array_add(ns, o);
	}
	json_object_object_add(root, "customers", cs);
	json_object_object_add(root, "integrations", is);
	json_object_object_add(root, "instances", ns);
	return root;
}

static int parallelism_from_env(void)
{
	const char *p = getenv("APIDRIVER_PARALLELISM");
	return p ? (int)strtol(p, NULL, 10) : 0;
}

static void print_stats(struct api_client *c, double seconds)
{
	struct api_stats st;
	api_client_stats(c, &st);
	fprintf(stderr,
	        "stats: requests=%lu retries=%lu throttled=%lu refreshes=%lu seconds=%.3f\n",
	        st.requests, st.retries, st.throttled, st.refreshes, seconds);
}

static void log_event(void *ctx, const struct api_log_event *ev)
{
	(void)ctx;
	fprintf(stderr, "log: %s status=%ld attempt=%d%s%s%s%s\n", ev->op, ev->status, ev->attempt,
	        ev->failure ? " failure=" : "", ev->failure ? ev->failure : "",
	        ev->next ? " next=" : "", ev->next ? ev->next : "");
}

int main(int argc, char **argv)
{
	struct api_options o;
	struct api_client *c = NULL;
	struct error err = ERROR_INIT;
	int rc = 1;

	if (argc < 2) {
		fprintf(
		    stderr,
		    "usage: apidriver fetch | apidriver fetch-drafts | apidriver MUTATION JSON\n");
		return 64;
	}
	if (api_options_from_env(&o, &err) == 0) {
		o.parallelism = parallelism_from_env(); /* reads and writes alike */
		o.read_parallelism = o.parallelism;
		if (getenv("APIDRIVER_LOG")) {
			o.log = log_event;
		}
		api_client_new(&c, &o, &err);
	}
	if (!c)
		goto done;
	long long t0 = http_now_ms();
	if (!strcmp(argv[1], "fetch") || !strcmp(argv[1], "fetch-drafts")) {
		struct live_state *s = NULL;
		/* The definitions of every integration that has one; with fetch-drafts
		 * the latest version's only where the draft is not that version, as a
		 * plan reads them. */
		const struct api_fetch_scope all = {.all = true,
		                                    .latest_always = !strcmp(argv[1], "fetch")};
		if (api_fetch_live(&s, c, &all, &err) == 0) {
			if (!getenv("APIDRIVER_QUIET")) {
				struct json_object *j = driver_state_json(s);
				puts(json_object_to_json_string_ext(
				    j, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
				json_object_put(j);
			}
			fprintf(stderr, "fetched: customers=%zu integrations=%zu instances=%zu\n",
			        s->customers_nr, s->integrations_nr, s->instances_nr);
			live_state_free(s);
			rc = 0;
		}
	} else if (argc == 3 &&
	           (!strcmp(argv[1], "read-integration") || !strcmp(argv[1], "find-integration"))) {
		struct live_state *s = live_state_new();
		bool found = false;
		if ((!strcmp(argv[1], "read-integration")
		         ? api_read_integration(s, c, argv[2], &found, &err)
		         : api_find_integration(s, c, argv[2], &found, &err)) == 0) {
			struct json_object *j = driver_state_json(s);
			puts(json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN |
			                                           JSON_C_TO_STRING_NOSLASHESCAPE));
			json_object_put(j);
			rc = found ? 0 : 1;
		}
		live_state_free(s);
	} else {
		rc = driver_mutation(c, argc - 1, argv + 1, &err) ? 1 : 0;
	}
	print_stats(c, (double)(http_now_ms() - t0) / 1000.0);
done:
	if (err.code) {
		fprintf(stderr, "error: %s\ncode: %s\n", err.message, error_code_name(err.code));
		rc = 1;
	}
	error_release(&err);
	api_client_free(c);
	return rc;
}
