/*
 * Fuzz target: the fast YAML reader against libyaml.
 *
 * Whatever the bytes, when the fast reader accepts them libyaml must accept
 * them too and build the identical tree (kind, position, style and value
 * bytes of every node) with the identical diagnostics. A difference aborts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "../unit/ytree_same.h"
#include "../../util/buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf why = BUF_INIT;
	if (ytree_compare_readers("fuzz.yaml", (const char *)data, size, &why) < 0) {
		fprintf(stderr, "the fast reader and libyaml differ:\n%s", why.data);
		abort();
	}
	buf_release(&why);
	return 0;
}
