/*
 * print_documents - prints every GraphQL document prismsync sends, as a
 * JSON array of {"name", "text"}, for check_documents.js to validate
 * against Prismatic's schema. Documents assembled at run time are printed
 * as a representative instance.
 */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>

#include "../../api/documents.h"

static void add(struct json_object *out, const char *name, const char *text)
{
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "name", json_object_new_string(name));
	json_object_object_add(o, "text", json_object_new_string(text));
	json_object_array_add(out, o);
}

int main(void)
{
	struct json_object *out = json_object_new_array();
	int rc = 0;

	for (size_t i = 0; i < API_DOC_NR; i++) {
		const struct api_document *d = api_document_entry(i);
		if (!d->name || !d->text) {
			fprintf(stderr, "print_documents: entry %zu of the table is empty\n", i);
			rc = 1;
			continue;
		}
		add(out, d->name, d->text);
	}
	/* Assembled at run time: a batch of three stands for any size, with and
	 * without the latest version's definition. */
	static const bool latest[3] = {true, false, true};
	char *batch = api_doc_definitions_batch(3, latest);
	add(out, "definitions batch (3 integrations)", batch);
	free(batch);
	/* Changes sent several to a request (apply --batch-size): likewise. */
	for (size_t i = 0; i < API_DOC_NR; i++) {
		if (!api_doc_batchable(i))
			continue;
		char name[128];
		snprintf(name, sizeof(name), "%s (a batch of 3)", api_document_entry(i)->name);
		batch = api_doc_batch(i, 3);
		add(out, name, batch);
		free(batch);
	}
	puts(json_object_to_json_string_ext(out, JSON_C_TO_STRING_PRETTY |
	                                             JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(out);
	return rc;
}
