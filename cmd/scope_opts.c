#include "scope_opts.h"

#include <stdlib.h>

#include "../util/xalloc.h"
#include "../util/banned.h"

/*
 * The arrays also hang here: a verb that returns early on a usage error
 * leaves them to the process exit, reachable rather than leaked.
 */
static const char *const *volatile held_targets;
static const char *const *volatile held_labels;

static void push(const char *const **list, size_t *nr, const char *s)
{
	const char **grown = xrealloc((void *)*list, (*nr + 1) * sizeof(*grown));
	grown[(*nr)++] = s;
	*list = grown;
}

int scope_option(int c, const char *arg, struct plan_scope *s)
{
	if (c == OPT_TARGET)
		push(&s->targets, &s->targets_nr, arg);
	else if (c == OPT_SELECT)
		push(&s->labels, &s->labels_nr, arg);
	else
		return 0;
	held_targets = s->targets;
	held_labels = s->labels;
	return 1;
}

void scope_option_release(struct plan_scope *s)
{
	held_targets = held_labels = NULL;
	free((void *)s->targets);
	free((void *)s->labels);
	s->targets = s->labels = NULL;
	s->targets_nr = s->labels_nr = 0;
}
