/* driver.h - the parts of apidriver (tests/integration) shared between its files. */
#ifndef PRISMSYNC_TEST_DRIVER_H
#define PRISMSYNC_TEST_DRIVER_H

#include <json-c/json.h>

#include "../../api/client.h"
#include "../../live/live.h"

/* The live state as JSON, in the field names of the emulator's state dump. */
struct json_object *driver_state_json(const struct live_state *s);

/* Runs the mutation named argv[0] with the JSON arguments argv[1]; prints its result. */
int driver_mutation(struct api_client *c, int argc, char **argv, struct error *err);

#endif
