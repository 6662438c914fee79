#include "sort.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"
#include "banned.h"

#define SORT_INSERTION_MAX 12

struct sort_run {
	size_t size;
	sort_ctx_cmp cmp;
	void *ctx;
	unsigned char *tmp;
};

#define AT(base, i, size) ((unsigned char *)(base) + (i) * (size))

/* Insertion sort of a short slice, stable; tmp holds one element. */
static void insertion(const struct sort_run *r, unsigned char *a, size_t n)
{
	size_t size = r->size;
	for (size_t i = 1; i < n; i++) {
		size_t j = i;
		if (r->cmp(AT(a, j - 1, size), AT(a, i, size), r->ctx) <= 0)
			continue;
		memcpy(r->tmp, AT(a, i, size), size);
		while (j > 0 && r->cmp(AT(a, j - 1, size), r->tmp, r->ctx) > 0) {
			memcpy(AT(a, j, size), AT(a, j - 1, size), size);
			j--;
		}
		memcpy(AT(a, j, size), r->tmp, size);
	}
}

/* Sorts a[0..n) using tmp[0..n) as scratch. */
static void merge_sort(const struct sort_run *r, unsigned char *a, size_t n, unsigned char *tmp)
{
	size_t size = r->size;
	if (n <= SORT_INSERTION_MAX) {
		insertion(r, a, n);
		return;
	}
	size_t mid = n / 2;
	merge_sort(r, a, mid, tmp);
	merge_sort(r, AT(a, mid, size), n - mid, tmp);
	if (r->cmp(AT(a, mid - 1, size), AT(a, mid, size), r->ctx) <= 0)
		return; /* already in order */
	memcpy(tmp, a, mid * size);
	size_t i = 0, j = mid, k = 0;
	while (i < mid && j < n) {
		/* <= keeps equal elements in their order: the left run first. */
		if (r->cmp(AT(tmp, i, size), AT(a, j, size), r->ctx) <= 0)
			memcpy(AT(a, k++, size), AT(tmp, i++, size), size);
		else
			memcpy(AT(a, k++, size), AT(a, j++, size), size);
	}
	if (i < mid)
		memcpy(AT(a, k, size), AT(tmp, i, size), (mid - i) * size);
}

void sort_ctx(void *base, size_t n, size_t size, sort_ctx_cmp cmp, void *ctx)
{
	if (n < 2 || !size)
		return;
	struct sort_run r = {size, cmp, ctx, NULL};
	/* Scratch for the left half of a merge, plus one element for insertion. */
	unsigned char *tmp = xreallocarray(NULL, n / 2 + 1, size);
	unsigned char *one = xmalloc(size);
	r.tmp = one;
	merge_sort(&r, base, n, tmp);
	free(one);
	free(tmp);
}
