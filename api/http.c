/*
 * http.c - the transport over libcurl's multi interface. The only file of
 * prismsync that includes curl.
 */
#include "http.h"

#include <curl/curl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "../util/url.h"
#include "../util/xalloc.h"
#include "../util/banned.h"

#define DEFAULT_CONNECT_TIMEOUT_MS 10000L
#define DEFAULT_TIMEOUT_MS         60000L
#define DEFAULT_MAX_BODY           ((size_t)64 * 1024 * 1024)
#define DEFAULT_PARALLELISM        4
#define MAX_PARALLELISM            64

/* What a transfer in flight holds on to; reached through CURLOPT_PRIVATE. */
struct running {
	CURL *easy;
	struct curl_slist *headers;
	char *auth_header; /* wiped before it is freed */
	char *url;
	bool too_large;
	char errbuf[CURL_ERROR_SIZE];
	struct http_xfer *xfer;
};

struct http_engine {
	CURLM *multi;
	char *origin;
	bool loopback;
	long connect_timeout_ms;
	long timeout_ms;
	size_t max_body;
	int parallelism;       /* max(read_parallelism, write_parallelism) */
	int read_parallelism;  /* reads in flight at most */
	int write_parallelism; /* writes in flight at most */
	int limit;
	int successes;
	long long hold_until;
	struct http_xfer *queue_head, *queue_tail;
	struct http_xfer *delayed;
	int running;
	int running_writes;
	CURL **idle;
	size_t idle_nr, idle_alloc;
	char *user_agent;
};

long long http_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int http_global_init(struct error *err)
{
	static bool done;
	if (done)
		return 0;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return error_set(err, ERR_NETWORK, "cannot initialise libcurl");
	done = true;
	return 0;
}

static bool is_loopback_host(const char *host)
{
	if (!strcasecmp(host, "localhost") || !strcmp(host, "[::1]") || !strcmp(host, "::1"))
		return true;
	if (strncmp(host, "127.", 4) != 0)
		return false;
	/* Exactly four decimal octets, each 0-255. */
	int parts = 0;
	const char *p = host;
	while (*p) {
		int v = 0, digits = 0;
		while (*p >= '0' && *p <= '9' && digits < 4) {
			v = v * 10 + (*p - '0');
			p++;
			digits++;
		}
		if (!digits || v > 255)
			return false;
		parts++;
		if (*p == '.')
			p++;
		else if (*p)
			return false;
	}
	return parts == 4 && host[strlen(host) - 1] != '.';
}

int http_check_origin(const char *origin, bool *loopback, struct error *err)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL, *user = NULL, *query = NULL, *frag = NULL, *path = NULL;
	int rc = 0;
	/* Messages name the origin without the credentials it must not carry anyway. */
	url_register_secrets(origin);
	char *shown = url_strip_credentials(origin);

	if (!u) {
		free(shown);
		return error_set(err, ERR_INVALID, "out of memory parsing URL");
	}
	if (curl_url_set(u, CURLUPART_URL, origin, 0) != CURLUE_OK) {
		rc = error_set(err, ERR_INVALID, "PRISMATIC_URL '%s' is not a URL", shown);
		goto done;
	}
	curl_url_get(u, CURLUPART_SCHEME, &scheme, 0);
	curl_url_get(u, CURLUPART_HOST, &host, 0);
	curl_url_get(u, CURLUPART_USER, &user, 0);
	curl_url_get(u, CURLUPART_QUERY, &query, 0);
	curl_url_get(u, CURLUPART_FRAGMENT, &frag, 0);
	curl_url_get(u, CURLUPART_PATH, &path, 0);
	if (!scheme || !host || (strcasecmp(scheme, "https") && strcasecmp(scheme, "http"))) {
		rc = error_set(err, ERR_INVALID, "PRISMATIC_URL '%s' must be an https:// origin",
		               shown);
		goto done;
	}
	if (user) {
		rc = error_set(err, ERR_INVALID,
		               "PRISMATIC_URL '%s' must not carry a user name or password: "
		               "prismsync signs in with PRISM_REFRESH_TOKEN",
		               shown);
		goto done;
	}
	if (query || frag || (path && strcmp(path, "/") && strcmp(path, ""))) {
		rc = error_set(err, ERR_INVALID,
		               "PRISMATIC_URL '%s' must be an origin only (scheme://host[:port])",
		               shown);
		goto done;
	}
	bool lo = is_loopback_host(host);
	if (!strcasecmp(scheme, "http") && !lo) {
		rc =
		    error_set(err, ERR_INVALID,
		              "PRISMATIC_URL '%s': http:// is allowed only for loopback hosts; use "
		              "https://",
		              shown);
		goto done;
	}
	if (loopback)
		*loopback = lo;
done:
	curl_free(scheme);
	curl_free(host);
	curl_free(user);
	curl_free(query);
	curl_free(frag);
	curl_free(path);
	curl_url_cleanup(u);
	free(shown);
	return rc;
}

int http_engine_new(struct http_engine **out, const struct http_options *opts, struct error *err)
{
	bool loopback = false;
	int rc;

	if ((rc = http_global_init(err)) != 0)
		return rc;
	if ((rc = http_check_origin(opts->origin, &loopback, err)) != 0)
		return rc;
	struct http_engine *e = xcalloc(1, sizeof(*e));
	e->multi = curl_multi_init();
	if (!e->multi) {
		free(e);
		return error_set(err, ERR_NETWORK, "cannot create a libcurl multi handle");
	}
	size_t olen = strlen(opts->origin);
	while (olen && opts->origin[olen - 1] == '/')
		olen--;
	e->origin = xstrndup(opts->origin, olen);
	e->loopback = loopback;
	e->connect_timeout_ms =
	    opts->connect_timeout_ms > 0 ? opts->connect_timeout_ms : DEFAULT_CONNECT_TIMEOUT_MS;
	e->timeout_ms = opts->timeout_ms > 0 ? opts->timeout_ms : DEFAULT_TIMEOUT_MS;
	e->max_body = opts->max_response_bytes ? opts->max_response_bytes : DEFAULT_MAX_BODY;
	e->read_parallelism = opts->parallelism > 0 ? opts->parallelism : DEFAULT_PARALLELISM;
	if (e->read_parallelism > MAX_PARALLELISM)
		e->read_parallelism = MAX_PARALLELISM;
	e->write_parallelism =
	    opts->write_parallelism > 0 ? opts->write_parallelism : e->read_parallelism;
	if (e->write_parallelism > MAX_PARALLELISM)
		e->write_parallelism = MAX_PARALLELISM;
	e->parallelism =
	    e->read_parallelism > e->write_parallelism ? e->read_parallelism : e->write_parallelism;
	e->limit = e->parallelism;
	e->user_agent = xasprintf("prismsync/%s (%s)", PRISMSYNC_VERSION,
	                          curl_version_info(CURLVERSION_NOW)->version);
	curl_multi_setopt(e->multi, CURLMOPT_MAX_HOST_CONNECTIONS, (long)e->parallelism);
	curl_multi_setopt(e->multi, CURLMOPT_MAXCONNECTS, (long)e->parallelism * 2);
	*out = e;
	return 0;
}

void http_engine_free(struct http_engine *e)
{
	if (!e)
		return;
	for (size_t i = 0; i < e->idle_nr; i++)
		curl_easy_cleanup(e->idle[i]);
	free(e->idle);
	curl_multi_cleanup(e->multi);
	free(e->origin);
	free(e->user_agent);
	free(e);
}

const char *http_engine_origin(const struct http_engine *e)
{
	return e->origin;
}

void http_xfer_init(struct http_xfer *xfer, size_t max_body)
{
	memset(xfer, 0, sizeof(*xfer));
	buf_init(&xfer->result.body, max_body);
	xfer->result.retry_after_s = -1;
}

void http_xfer_release(struct http_xfer *xfer)
{
	buf_release(&xfer->result.body);
}

int http_engine_limit(const struct http_engine *e)
{
	return e->limit;
}

int http_engine_parallelism(const struct http_engine *e)
{
	return e->parallelism;
}

int http_engine_read_parallelism(const struct http_engine *e)
{
	return e->read_parallelism;
}

int http_engine_write_parallelism(const struct http_engine *e)
{
	return e->write_parallelism;
}

void http_engine_throttled(struct http_engine *e, long hold_ms)
{
	e->limit = e->limit > 1 ? e->limit / 2 : 1;
	e->successes = 0;
	long long until = http_now_ms() + (hold_ms > 0 ? hold_ms : 0);
	if (until > e->hold_until)
		e->hold_until = until;
}

void http_engine_succeeded(struct http_engine *e)
{
	if (e->limit >= e->parallelism)
		return;
	if (++e->successes >= e->limit) {
		e->limit++;
		e->successes = 0;
	}
}

void http_engine_add(struct http_engine *e, struct http_xfer *x, long delay_ms)
{
	x->next_ = NULL;
	if (delay_ms > 0) {
		x->due_ms_ = http_now_ms() + delay_ms;
		x->next_ = e->delayed;
		e->delayed = x;
		return;
	}
	if (e->queue_tail)
		e->queue_tail->next_ = x;
	else
		e->queue_head = x;
	e->queue_tail = x;
}

static size_t on_write(char *ptr, size_t size, size_t nmemb, void *userdata)
{
	struct running *r = userdata;
	size_t n = size * nmemb;
	struct buf *body = &r->xfer->result.body;
	curl_off_t announced = -1;
	/* A body whose length is announced gets one allocation: no copies, no pages touched
	 * twice. One over the limit is refused here, before any of it is kept. */
	if (!body->len &&
	    curl_easy_getinfo(r->easy, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &announced) ==
	        CURLE_OK &&
	    announced > 0 &&
	    ((uint64_t)announced > SIZE_MAX || buf_grow(body, (size_t)announced))) {
		r->too_large = true;
		return 0;
	}
	if (buf_add(body, ptr, n)) {
		r->too_large = true;
		return 0;
	}
	return n;
}

static void wipe(char *s)
{
	if (!s)
		return;
	volatile char *p = s;
	while (*p)
		*p++ = 0;
}

static void running_free(struct running *r)
{
	if (!r)
		return;
	curl_slist_free_all(r->headers);
	wipe(r->auth_header);
	free(r->auth_header);
	free(r->url);
	free(r);
}

static CURL *easy_get(struct http_engine *e)
{
	if (e->idle_nr) {
		CURL *h = e->idle[--e->idle_nr];
		curl_easy_reset(h);
		return h;
	}
	return curl_easy_init();
}

static void easy_put(struct http_engine *e, CURL *h)
{
	ALLOC_GROW(e->idle, e->idle_nr + 1, e->idle_alloc);
	e->idle[e->idle_nr++] = h;
}

static struct curl_slist *add_header(struct curl_slist *list, const char *h)
{
	struct curl_slist *l = curl_slist_append(list, h);
	if (!l) {
		fputs("prismsync: out of memory\n", stderr);
		abort();
	}
	return l;
}

/* Fails the transfer at once, as if no connection could be made. */
static void fail_now(struct http_engine *e, struct http_xfer *x, const char *why)
{
	x->result.failure = HTTP_FAIL_OTHER;
	x->result.status = 0;
	snprintf(x->result.message, sizeof(x->result.message), "%s", why);
	x->done(e, x);
}

static void start(struct http_engine *e, struct http_xfer *x)
{
	struct running *r = xcalloc(1, sizeof(*r));
	CURL *h = easy_get(e);

	buf_reset(&x->result.body);
	x->result.failure = HTTP_FAIL_NONE;
	x->result.status = 0;
	x->result.retry_after_s = -1;
	x->result.elapsed_s = 0;
	x->result.message[0] = '\0';
	if (!h) {
		free(r);
		fail_now(e, x, "cannot create a libcurl handle");
		return;
	}
	r->easy = h;
	r->xfer = x;
	r->url = xasprintf("%s%s", e->origin, x->path);
	r->headers = add_header(NULL, "Accept: application/json");
	r->headers = add_header(r->headers, "Prismatic-Client: prismsync");
	r->headers = add_header(r->headers, "Expect:");
	if (x->body)
		r->headers = add_header(r->headers, "Content-Type: application/json");
	if (x->bearer && *x->bearer) {
		r->auth_header = xasprintf("Authorization: Bearer %s", x->bearer);
		r->headers = add_header(r->headers, r->auth_header);
	}

	curl_easy_setopt(h, CURLOPT_URL, r->url);
	curl_easy_setopt(h, CURLOPT_PRIVATE, r);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, r->headers);
	curl_easy_setopt(h, CURLOPT_USERAGENT, e->user_agent);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_write);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, r->errbuf);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, e->connect_timeout_ms);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, e->timeout_ms);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
	if (e->loopback)
		curl_easy_setopt(h, CURLOPT_NOPROXY, "*");
	if (x->fresh_connection)
		curl_easy_setopt(h, CURLOPT_FRESH_CONNECT, 1L);
	if (x->body) {
		curl_easy_setopt(h, CURLOPT_POST, 1L);
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, x->body);
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)x->body_len);
	} else {
		curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
	}

	if (curl_multi_add_handle(e->multi, h) != CURLM_OK) {
		running_free(r);
		easy_put(e, h);
		fail_now(e, x, "cannot start a transfer");
		return;
	}
	x->handle_ = r;
	x->running_ = true;
	e->running++;
	if (x->write)
		e->running_writes++;
}

static enum http_failure classify(CURLcode code, const struct running *r, CURL *h)
{
	switch (code) {
	case CURLE_OK:
		return HTTP_FAIL_NONE;
	case CURLE_COULDNT_CONNECT:
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
		return HTTP_FAIL_CONNECT;
	case CURLE_OPERATION_TIMEDOUT: {
		/* A timeout before the request went out is a connection failure. */
		curl_off_t pre = 0;
		curl_easy_getinfo(h, CURLINFO_PRETRANSFER_TIME_T, &pre);
		return pre == 0 ? HTTP_FAIL_CONNECT : HTTP_FAIL_TIMEOUT;
	}
	case CURLE_WRITE_ERROR:
		return r->too_large ? HTTP_FAIL_TOO_LARGE : HTTP_FAIL_OTHER;
	case CURLE_GOT_NOTHING:
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
	case CURLE_PARTIAL_FILE:
		return HTTP_FAIL_DROPPED;
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
		return HTTP_FAIL_TLS;
	default:
		return HTTP_FAIL_OTHER;
	}
}

static void finish(struct http_engine *e, CURL *h, CURLcode code)
{
	struct running *r = NULL;
	curl_easy_getinfo(h, CURLINFO_PRIVATE, (char **)&r);
	struct http_xfer *x = r->xfer;
	struct http_result *res = &x->result;

	res->failure = classify(code, r, h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &res->status);
	curl_off_t ra = -1;
	if (curl_easy_getinfo(h, CURLINFO_RETRY_AFTER, &ra) == CURLE_OK && ra > 0)
		res->retry_after_s = ra > 86400 ? 86400 : (long)ra;
	else
		res->retry_after_s = -1;
	curl_off_t total_us = 0;
	curl_easy_getinfo(h, CURLINFO_TOTAL_TIME_T, &total_us);
	res->elapsed_s = (double)total_us / 1e6;
	if (res->failure == HTTP_FAIL_TOO_LARGE)
		snprintf(res->message, sizeof(res->message),
		         "response larger than the cap of %zu bytes", x->result.body.max);
	else if (res->failure != HTTP_FAIL_NONE)
		snprintf(res->message, sizeof(res->message), "%s",
		         r->errbuf[0] ? r->errbuf : curl_easy_strerror(code));
	if (res->failure != HTTP_FAIL_NONE)
		buf_reset(&res->body);

	curl_multi_remove_handle(e->multi, h);
	running_free(r);
	easy_put(e, h);
	x->handle_ = NULL;
	x->running_ = false;
	e->running--;
	if (x->write)
		e->running_writes--;
	x->done(e, x);
}

static void promote_delayed(struct http_engine *e, long long now)
{
	struct http_xfer **pp = &e->delayed;
	while (*pp) {
		struct http_xfer *x = *pp;
		if (x->due_ms_ <= now) {
			*pp = x->next_;
			http_engine_add(e, x, 0);
		} else {
			pp = &x->next_;
		}
	}
}

/* Whether x's own kind (read or write) has a slot free. */
static bool kind_has_room(const struct http_engine *e, const struct http_xfer *x)
{
	if (x->write)
		return e->running_writes < e->write_parallelism;
	return e->running - e->running_writes < e->read_parallelism;
}

/* Starts queued transfers in order, passing over those whose kind is at its bound. */
static void start_ready(struct http_engine *e, long long now)
{
	struct http_xfer *prev = NULL, *x = e->queue_head;
	if (now < e->hold_until)
		return;
	while (x && e->running < e->limit) {
		struct http_xfer *next = x->next_;
		if (!kind_has_room(e, x)) {
			prev = x;
			x = next;
			continue;
		}
		if (prev)
			prev->next_ = next;
		else
			e->queue_head = next;
		if (e->queue_tail == x)
			e->queue_tail = prev;
		x->next_ = NULL;
		start(e, x);
		x = next;
	}
}

static long next_wait_ms(const struct http_engine *e, long long now)
{
	long long wait = 1000;
	/* Queued transfers that wait for a slot of their kind wake with a finished transfer. */
	if (e->queue_head && e->running < e->limit && e->hold_until > now) {
		long long w = e->hold_until - now;
		if (w < wait)
			wait = w;
	}
	for (const struct http_xfer *x = e->delayed; x; x = x->next_) {
		long long w = x->due_ms_ - now;
		if (w < wait)
			wait = w;
	}
	return wait < 0 ? 0 : (long)wait;
}

int http_engine_run(struct http_engine *e, struct error *err)
{
	while (e->queue_head || e->delayed || e->running) {
		long long now = http_now_ms();
		promote_delayed(e, now);
		start_ready(e, now);

		int still = 0;
		CURLMcode mc = curl_multi_perform(e->multi, &still);
		if (mc != CURLM_OK)
			return error_set(err, ERR_NETWORK, "libcurl: %s", curl_multi_strerror(mc));
		CURLMsg *msg;
		int left;
		bool finished = false;
		while ((msg = curl_multi_info_read(e->multi, &left))) {
			if (msg->msg != CURLMSG_DONE)
				continue;
			finish(e, msg->easy_handle, msg->data.result);
			finished = true;
		}
		if (finished)
			continue;
		if (!e->running && !e->queue_head && !e->delayed)
			break;
		now = http_now_ms();
		long wait = next_wait_ms(e, now);
		if (wait > 0 || e->running) {
			mc = curl_multi_poll(e->multi, NULL, 0, (int)wait, NULL);
			if (mc != CURLM_OK)
				return error_set(err, ERR_NETWORK, "libcurl: %s",
				                 curl_multi_strerror(mc));
		}
	}
	return 0;
}

const char *http_library_version(void)
{
	return curl_version_info(CURLVERSION_NOW)->version;
}
