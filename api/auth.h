/*
 * auth.h - access tokens: reading a JWT's expiry, the refresh exchange's
 * request and response, and when to refresh.
 *
 * Pure functions; the client (client.c) sends the exchange through the
 * transport. Tokens passed in are never copied into error messages.
 */
#ifndef PRISMSYNC_AUTH_H
#define PRISMSYNC_AUTH_H

#include <stdbool.h>
#include <stddef.h>

#include "../util/error.h"

/* Refresh when fewer than this many seconds remain (or half the lifetime, when shorter). */
#define AUTH_REFRESH_MARGIN_S 300

/*
 * Reads the `exp` and `iat` claims (seconds since the epoch) from the
 * payload of a JWT (header.payload.signature, base64url). The signature is
 * not checked: prismsync only needs to know when to refresh. *iat is 0
 * when the claim is absent. Returns 0, or ERR_INVALID when the token is not
 * a JWT or has no numeric exp.
 */
int auth_jwt_times(const char *token, long long *exp, long long *iat);

/*
 * Decodes base64url (with or without padding) into a new NUL-terminated
 * buffer. Returns NULL when s is not base64url.
 */
char *auth_base64url_decode(const char *s, size_t len, size_t *out_len);

/*
 * Whether a token with expiry exp, issued at iat (0: unknown), should be
 * refreshed at now: when less than AUTH_REFRESH_MARGIN_S remain, or less
 * than half its lifetime when that lifetime is short.
 */
bool auth_should_refresh(long long now, long long exp, long long iat);

/* The JSON body of POST /auth/refresh. A new string. */
char *auth_refresh_body(const char *refresh_token, const char *tenant_id, size_t *len_out);

/*
 * Decodes the answer to POST /auth/refresh. Returns 0 and *token (a new
 * string) when the status is 200 and access_token is a non-empty string;
 * ERR_AUTH when the refresh token was refused (400, 401, 403); ERR_API for
 * anything else. Messages never quote the tokens.
 */
int auth_parse_refresh(char **token, long status, const char *body, size_t len, struct error *err);

#endif
