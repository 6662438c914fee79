#include "url.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "error.h"
#include "xalloc.h"
#include "banned.h"

static const char *const token_params[] = {
    "access_token",
    "token",
    "private_token",
    "oauth_token",
    "id_token",
    "refresh_token",
    "password",
    "passwd",
    "pwd",
    "secret",
    "client_secret",
    "api_key",
    "apikey",
    "key",
    "sig",
    "signature",
    "auth",
    "code",
    "x-amz-signature",
    "x-amz-credential",
    "x-amz-security-token",
    "jwt",
    "session",
};

static bool token_param(const char *name, size_t len)
{
	for (size_t i = 0; i < sizeof(token_params) / sizeof(token_params[0]); i++)
		if (strlen(token_params[i]) == len && !strncasecmp(name, token_params[i], len))
			return true;
	return false;
}

/*
 * The userinfo of url: [*start, *at) with *at the '@' that ends it. False
 * when url has none. A password present ("user:pw", pw not a port number)
 * extends it to the last '@' before the query, so "p@ss/word" stays whole.
 */
static bool userinfo(const char *url, const char **start, const char **at)
{
	const char *scheme = strstr(url, "://");
	if (!scheme)
		return false;
	const char *host = scheme + 3;
	size_t auth_len = strcspn(host, "/?#");
	size_t tail_len = strcspn(host, "?#");
	const char *first_at = memchr(host, '@', tail_len);
	if (!first_at)
		return false;
	const char *colon = memchr(host, ':', (size_t)(first_at - host));
	bool password = colon && colon < host + auth_len;
	if (password) {
		size_t digits = strspn(colon + 1, "0123456789");
		password = colon + 1 + digits != host + auth_len; /* not host:port/... */
	}
	const char *end = NULL;
	size_t span = password ? tail_len : auth_len;
	for (const char *p = host; p < host + span; p++)
		if (*p == '@')
			end = p;
	if (!end)
		return false;
	*start = host;
	*at = end;
	return true;
}

static void add_query(struct buf *b, const char *query, const char *end)
{
	bool first = true;
	const char *p = query;
	while (p < end) {
		size_t n = strcspn(p, "&");
		if ((size_t)(end - p) < n)
			n = (size_t)(end - p);
		size_t name = strcspn(p, "=&");
		if (name > n)
			name = n;
		if (n && !token_param(p, name)) {
			buf_addch(b, first ? '?' : '&');
			buf_add(b, p, n);
			first = false;
		}
		p += n + (p + n < end);
	}
}

char *url_strip_credentials(const char *url)
{
	struct buf b = BUF_INIT;
	const char *start, *at;
	const char *rest = url;
	if (userinfo(url, &start, &at)) {
		bool http = !strncasecmp(url, "http", 4);
		const char *colon = memchr(start, ':', (size_t)(at - start));
		buf_add(&b, url, (size_t)(start - url));
		if (!http) { /* an ssh user name is not a secret; its password is */
			buf_add(&b, start, (size_t)((colon ? colon : at) - start));
			buf_addch(&b, '@');
		}
		rest = at + 1;
	}
	const char *q = strchr(rest, '?');
	if (q) {
		const char *frag = strchr(q, '#');
		const char *end = frag ? frag : q + strlen(q);
		buf_add(&b, rest, (size_t)(q - rest));
		add_query(&b, q + 1, end);
		buf_adds(&b, end);
	} else {
		buf_adds(&b, rest);
	}
	return buf_detach(&b, NULL);
}

bool url_ambiguous_userinfo(const char *url)
{
	const char *start, *at;
	if (!userinfo(url, &start, &at))
		return false;
	return memchr(start, '@', (size_t)(at - start)) || memchr(start, '/', (size_t)(at - start));
}

void url_register_secrets(const char *url)
{
	const char *start, *at;
	if (userinfo(url, &start, &at)) {
		char *info = xstrndup(start, (size_t)(at - start));
		char *colon = strchr(info, ':');
		error_add_secret(info);
		if (colon)
			error_add_secret(colon + 1);
		else if (!strncasecmp(url, "http", 4))
			error_add_secret(info); /* a token as user name */
		free(info);
	}
	const char *q = strchr(url, '?');
	while (q && *q && *q != '#') {
		q++;
		size_t n = strcspn(q, "&#");
		size_t name = strcspn(q, "=&#");
		if (name < n && token_param(q, name)) {
			char *value = xstrndup(q + name + 1, n - name - 1);
			error_add_secret(value);
			free(value);
		}
		q += n;
	}
}
