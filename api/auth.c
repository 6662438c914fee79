#include "auth.h"

#include <json-c/json.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gql.h"
#include "../util/xalloc.h"
#include "../util/banned.h"

static int b64val(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '-' || c == '+')
		return 62;
	if (c == '_' || c == '/')
		return 63;
	return -1;
}

char *auth_base64url_decode(const char *s, size_t len, size_t *out_len)
{
	while (len && s[len - 1] == '=')
		len--;
	if (len % 4 == 1)
		return NULL;
	char *out = xmalloc(len / 4 * 3 + 3);
	size_t n = 0;
	uint32_t acc = 0;
	int bits = 0;
	for (size_t i = 0; i < len; i++) {
		int v = b64val((unsigned char)s[i]);
		if (v < 0) {
			free(out);
			return NULL;
		}
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[n++] = (char)((acc >> bits) & 0xff);
		}
	}
	out[n] = '\0';
	if (out_len)
		*out_len = n;
	return out;
}

/* A NumericDate claim: an integer, or a finite number of seconds. */
static bool numeric_date(const struct jval *obj, const char *key, long long *out)
{
	const struct jval *v = jval_get(obj, key);
	int64_t n;
	double d;
	if (jval_is_integer(v)) {
		if (!jval_int64(v, &n) || n <= 0 || n >= INT64_MAX / 2)
			return false;
		*out = n;
		return true;
	}
	if (jval_double(v, &d)) {
		if (!isfinite(d) || d <= 0 || d > 1e15)
			return false;
		*out = (long long)d;
		return true;
	}
	return false;
}

int auth_jwt_times(const char *token, long long *exp, long long *iat)
{
	const char *dot1 = strchr(token, '.');
	const char *dot2 = dot1 ? strchr(dot1 + 1, '.') : NULL;
	struct jdoc *claims = NULL;
	struct error perr = ERROR_INIT;
	char *payload = NULL;
	size_t plen = 0;
	int rc = ERR_INVALID;

	if (!dot1 || !dot2 || strchr(dot2 + 1, '.'))
		goto done;
	payload = auth_base64url_decode(dot1 + 1, (size_t)(dot2 - dot1 - 1), &plen);
	if (!payload || jdoc_parse(&claims, payload, plen, "token", &perr))
		goto done;
	if (!numeric_date(jdoc_root(claims), "exp", exp))
		goto done;
	if (!numeric_date(jdoc_root(claims), "iat", iat))
		*iat = 0;
	rc = 0;
done:
	error_release(&perr);
	jdoc_free(claims);
	free(payload);
	return rc;
}

bool auth_should_refresh(long long now, long long exp, long long iat)
{
	long long margin = AUTH_REFRESH_MARGIN_S;
	if (iat > 0 && exp > iat && (exp - iat) / 2 < margin)
		margin = (exp - iat) / 2;
	return exp - now < margin;
}

char *auth_refresh_body(const char *refresh_token, const char *tenant_id, size_t *len_out)
{
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "refresh_token", json_object_new_string(refresh_token));
	if (tenant_id && *tenant_id)
		json_object_object_add(o, "tenant_id", json_object_new_string(tenant_id));
	size_t len = 0;
	const char *s = gql_to_json(o, &len);
	char *out = xstrndup(s, len);
	json_object_put(o);
	if (len_out)
		*len_out = len;
	return out;
}

/* Whether t can go into an HTTP header as it is: printable ASCII, no space. */
static bool header_safe(const char *t)
{
	for (const unsigned char *p = (const unsigned char *)t; *p; p++)
		if (*p <= 0x20 || *p >= 0x7f)
			return false;
	return true;
}

int auth_parse_refresh(char **token, long status, const char *body, size_t len, struct error *err)
{
	struct jdoc *o = NULL;
	const struct jval *t = NULL;
	struct error perr = ERROR_INIT;
	int rc = 0;

	if (status == 400 || status == 401 || status == 403) {
		rc = error_set(err, ERR_AUTH,
		               "the refresh token was rejected (HTTP %ld from /auth/refresh); "
		               "check PRISM_REFRESH_TOKEN and PRISMATIC_TENANT_ID",
		               status);
		goto done;
	}
	if (status != 200) {
		rc = error_set(err, ERR_API, "/auth/refresh answered HTTP %ld", status);
		goto done;
	}
	if (jdoc_parse(&o, body, len, "/auth/refresh", &perr)) {
		rc = error_set(err, ERR_API, "%s", perr.message);
		goto done;
	}
	t = jval_get(jdoc_root(o), "access_token");
	if (!jval_is(t, JSTRING) || jval_strlen(t) == 0 || strlen(jval_str(t)) != jval_strlen(t)) {
		rc = error_set(err, ERR_API, "/auth/refresh: the response has no access_token");
		goto done;
	}
	if (!header_safe(jval_str(t))) {
		/* As for PRISM_ACCESS_TOKEN: it goes into a header it must not break out of. */
		rc = error_set(err, ERR_API,
		               "/auth/refresh returned an access token with spaces or control "
		               "characters; it is not a token");
		goto done;
	}
	*token = xstrdup(jval_str(t));
done:
	error_release(&perr);
	jdoc_free(o);
	return rc;
}
