/*
 * Fuzz target: reading a saved plan (`apply PLAN`), from bytes to a plan.
 *
 * Whatever the bytes, reading ends in a plan or an error, never a crash
 * or a hang. A plan that reads must also survive the round trip: written
 * again with its inputs, it reads back, and writing that gives the same
 * bytes (the writer and reader agree on every input they exchange).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../reconcile/plan_io.h"
#include "../../util/buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void write_saved(const struct plan *p, struct buf *out)
{
	struct plan_json_opts o = {false, true, NULL, NULL};
	plan_write_json(p, &o, out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct plan p, again;
	struct error err = ERROR_INIT;
	struct buf first = BUF_INIT, second = BUF_INIT;

	plan_init(&p);
	plan_init(&again);
	if (plan_read(&p, "fuzz.json", (const char *)data, size, &err))
		goto done;
	write_saved(&p, &first);
	if (plan_read(&again, "again.json", first.data, first.len, &err)) {
		fprintf(stderr, "a plan that was read does not read back: %s\n", err.message);
		abort();
	}
	write_saved(&again, &second);
	if (first.len != second.len || memcmp(first.data, second.data, first.len)) {
		fprintf(stderr, "a plan written twice differs:\n%s\n%s\n", first.data, second.data);
		abort();
	}
done:
	buf_release(&first);
	buf_release(&second);
	plan_release(&p);
	plan_release(&again);
	error_release(&err);
	return 0;
}
