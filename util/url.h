/*
 * url.h - URLs without the credentials they may carry, for everything
 * prismsync prints or records (messages, provenance in saved plans and
 * published versions).
 *
 * Credentials are the userinfo of an http(s) URL ("user:password@", or a
 * token as user name), the password of any other URL (an ssh user name is
 * kept: it is not a secret), and query parameters that hold tokens
 * (access_token, token, private_token, password, sig, X-Amz-Signature,
 * ...). A password may contain '@' or '/': the userinfo runs to the last
 * '@' before the query when a password is present.
 */
#ifndef PRISMSYNC_URL_H
#define PRISMSYNC_URL_H

#include <stdbool.h>

/* url with its credentials removed. A new string, owned by the caller. */
char *url_strip_credentials(const char *url);

/* Whether url's userinfo holds a raw '@' or '/', which URL parsers split differently. */
bool url_ambiguous_userinfo(const char *url);

/*
 * Registers the credentials url carries with error_add_secret(), so that
 * no message can carry them, whoever (libgit2, libcurl, a server) repeats
 * the URL.
 */
void url_register_secrets(const char *url);

#endif
