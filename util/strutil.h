/*
 * strutil.h - small string helpers: checked number parsing, edit distance
 * for "did you mean" suggestions, and path checks.
 */
#ifndef PRISMSYNC_STRUTIL_H
#define PRISMSYNC_STRUTIL_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Parses all of s as a base-10 integer in [min, max]. Returns 0 and writes
 * *out, or ERR_INVALID (not a number, trailing text) or ERR_TOO_LARGE (out
 * of range), leaving *out untouched.
 */
int parse_long(const char *s, long min, long max, long *out);

/* Damerau-Levenshtein distance (with adjacent swaps), capped at 255. */
unsigned edit_distance(const char *a, const char *b);

/*
 * The word in words[0..n) closest to s, or NULL when none is close enough to
 * be a plausible typo (distance at most a third of the longer word, or a
 * case-only difference). Borrowed from words.
 */
const char *nearest_word(const char *s, const char *const *words, size_t n);

/*
 * Normalises a relative path lexically: drops "." components and empty
 * components, resolves ".." against earlier ones. Returns a new string, or
 * NULL when the path is absolute, empty, or climbs above its starting
 * directory.
 */
char *path_normalize_relative(const char *path);

/* dir "/" rel, or rel alone when dir is "" or ".". A new string. */
char *path_join(const char *dir, const char *rel);

/* The directory part of path ("." when there is none). A new string. */
char *path_dirname(const char *path);

bool str_starts_with(const char *s, const char *prefix);

/*
 * The key of a pair of strings (a customer and an instance name): a, the
 * unit separator 0x1f, b. str_pair_key_into() writes it into k, which holds
 * str_pair_key_size(a, b) bytes, and returns k; str_pair_key() returns a
 * new string.
 */
size_t str_pair_key_size(const char *a, const char *b);
char *str_pair_key_into(char *k, const char *a, const char *b);
char *str_pair_key(const char *a, const char *b);

/*
 * Whether len bytes of s are well-formed UTF-8 (RFC 3629: no overlong
 * forms, no surrogates, nothing above U+10FFFF). NUL bytes count as text.
 */
bool utf8_valid(const char *s, size_t len);

#endif
