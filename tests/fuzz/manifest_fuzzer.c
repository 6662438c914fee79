/*
 * Fuzz target: manifest loading, from bytes to a validated model.
 *
 * The input is a manifest, optionally followed by a line "---8<---" and
 * the text of an integration definition that the manifest can name as
 * "def.yml". Whatever the bytes, loading must end in a model or in
 * diagnostics, and rendering those diagnostics must not crash.
 */
#include <stdint.h>
#include <string.h>

#include "../../schema/manifest.h"
#include "../../source/source.h"
#include "../../util/buf.h"

#define SPLIT "\n---8<---\n"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	size_t mlen = size;
	const char *def = NULL;
	size_t dlen = 0;
	for (size_t i = 0; i + strlen(SPLIT) <= size; i++) {
		if (!memcmp(text + i, SPLIT, strlen(SPLIT))) {
			mlen = i;
			def = text + i + strlen(SPLIT);
			dlen = size - i - strlen(SPLIT);
			break;
		}
	}

	struct source *src = source_mem_new();
	source_mem_add(src, "fuzz/prismsync.yaml", text, mlen);
	if (def)
		source_mem_add(src, "fuzz/def.yml", def, dlen);

	struct diag_list diags;
	struct manifest *m = NULL;
	struct buf out = BUF_INIT;
	diag_list_init(&diags);
	if (!manifest_load(&m, src, "fuzz/prismsync.yaml", 0, &diags))
		manifest_free(m);
	diag_sort(&diags);
	diag_render(&diags, &out, true);
	buf_release(&out);
	diag_list_release(&diags);
	source_free(src);
	return 0;
}
