/*
 * payload.h - for unit tests of the diff: a change's inputs as a saved
 * plan carries them (its "payload" JSON), to assert on what apply would
 * send. Strings stay valid for the next 15 calls; payloads_release() (a
 * cmocka group teardown) frees them.
 */
#ifndef PRISMSYNC_TEST_PAYLOAD_H
#define PRISMSYNC_TEST_PAYLOAD_H

#include "../../reconcile/plan_io.h"

static struct buf payloads[16];
static size_t payloads_nr;

static const char *payload(const struct plan_change *c)
{
	struct buf *b = &payloads[payloads_nr++ % 16];
	buf_reset(b);
	plan_write_inputs(c, b);
	return b->data;
}

static int payloads_release(void **state)
{
	(void)state;
	for (size_t i = 0; i < 16; i++)
		buf_release(&payloads[i]);
	return 0;
}

#endif
