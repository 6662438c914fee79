/*
 * sha256.h - SHA-256 (FIPS 180-4), for fingerprints.
 *
 * prismsync fingerprints live objects in saved plans (to refuse a stale
 * plan) and drift reports (to tell a new drift from one already reported).
 * Neither is a security boundary, but a standard hash keeps the values
 * stable across versions and platforms.
 */
#ifndef PRISMSYNC_SHA256_H
#define PRISMSYNC_SHA256_H

#include <stddef.h>
#include <stdint.h>

struct sha256 {
	uint32_t h[8];
	uint64_t bytes;
	unsigned char block[64];
	size_t used;
};

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *data, size_t len);
void sha256_final(struct sha256 *s, unsigned char digest[32]);

/* Writes the lowercase hex digest of data (64 characters and a NUL) to hex. */
void sha256_hex(const void *data, size_t len, char hex[65]);

#endif
