/*
 * apply_lock.c - taking, holding and giving back the apply lock: see
 * apply_lock.h and api/lock.h.
 */
#include "apply_lock.h"

#include <errno.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../api/lock.h"
#include "../schema/manifest.h"
#include "../util/buf.h"
#include "../util/xalloc.h"
#include "../util/banned.h"

/* How often a waiting apply asks again. */
#define LOCK_POLL_S 1

static const int lock_signals[] = {SIGINT, SIGTERM, SIGHUP};
#define LOCK_SIGNALS_NR (sizeof(lock_signals) / sizeof(lock_signals[0]))

static struct {
	struct api_client *client;
	char *id; /* the lock held; NULL when none */
	bool handlers;
	struct sigaction old[LOCK_SIGNALS_NR];
} held;

/* The verb whose messages these are: apply, or rollback (which takes the same lock). */
static const char *lock_verb = "apply";

static volatile sig_atomic_t caught;
/* Set while apply makes changes: the first signal then lets those in flight finish. */
static volatile sig_atomic_t changing;
/* Written before the handlers are installed; read only by them. */
static char again_message[1024];
static size_t again_len;

/* What the first signal says, for the verb running; written like again_message. */
static char first_message[256], first_changing_message[256];
static size_t first_len, first_changing_len;

static void on_signal(int sig)
{
	if (caught) {
		/* The second: exit at once, leaving the lock (and saying how to remove it). */
		ssize_t n = write(STDERR_FILENO, again_message, again_len);
		(void)n;
		signal(sig, SIG_DFL);
		raise(sig);
		return;
	}
	caught = sig;
	ssize_t n = changing ? write(STDERR_FILENO, first_changing_message, first_changing_len)
	                     : write(STDERR_FILENO, first_message, first_len);
	(void)n;
}

/* The id of the lock this process holds, for the messages; empty: none. */
static char held_id[256];

/*
 * What the signals say, for lock_verb and held_id: a second signal says
 * whether a lock is left, and how to remove it. The signals are blocked
 * while the texts change, so the handler never reads half of one.
 */
static void render_messages(void)
{
	const char *id = held_id[0] ? held_id : NULL;
	sigset_t block, old;
	sigemptyset(&block);
	for (size_t i = 0; i < LOCK_SIGNALS_NR; i++)
		sigaddset(&block, lock_signals[i]);
	sigprocmask(SIG_BLOCK, &block, &old);
	if (id)
		snprintf(
		    again_message, sizeof(again_message),
		    "\nprismsync %s: interrupted again: stopping now; the changes in flight may "
		    "or may not have been made; the apply lock %s stays: remove it with "
		    "'prismsync apply --force-unlock %s' once no apply runs, then run %s "
		    "again to finish\n",
		    lock_verb, id, id, lock_verb);
	else
		snprintf(again_message, sizeof(again_message),
		         "\nprismsync %s: interrupted again: stopping now\n", lock_verb);
	again_len = strlen(again_message);
	snprintf(first_message, sizeof(first_message),
	         "\nprismsync %s: interrupted: stopping at the next safe point and releasing the "
	         "apply lock (interrupt again to exit at once, leaving the lock)\n",
	         lock_verb);
	first_len = strlen(first_message);
	snprintf(first_changing_message, sizeof(first_changing_message),
	         "\nprismsync %s: interrupted: starting no new changes; waiting for those in "
	         "flight to finish (interrupt again to stop at once)\n",
	         lock_verb);
	first_changing_len = strlen(first_changing_message);
	sigprocmask(SIG_SETMASK, &old, NULL);
}

static void set_again_message(const char *id)
{
	snprintf(held_id, sizeof(held_id), "%s", id ? id : "");
	render_messages();
}

/* Caught from before the lock is asked for, so that no signal falls between. */
static void install_handlers(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0; /* no SA_RESTART: a prompt waiting on the terminal gives up */
	caught = 0;
	set_again_message(NULL);
	for (size_t i = 0; i < LOCK_SIGNALS_NR; i++)
		sigaction(lock_signals[i], &sa, &held.old[i]);
	held.handlers = true;
}

static void restore_handlers(void)
{
	if (!held.handlers)
		return;
	for (size_t i = 0; i < LOCK_SIGNALS_NR; i++)
		sigaction(lock_signals[i], &held.old[i], NULL);
	held.handlers = false;
}

/* Who this run is, for the lock's description: user@host, pid, and the CI run if any. */
static char *holder_text(void)
{
	struct buf b = BUF_INIT;
	char host[256] = "";
	const char *user = getenv("USER");
	struct passwd *pw = NULL;
	if (!user || !*user)
		pw = getpwuid(geteuid());
	if (gethostname(host, sizeof(host) - 1) != 0)
		snprintf(host, sizeof(host), "unknown host");
	buf_addf(&b, "%s@%s, pid %ld",
	         user && *user ? user
	         : pw          ? pw->pw_name
	                       : "unknown",
	         host, (long)getpid());
	const char *gh_server = getenv("GITHUB_SERVER_URL"), *gh_repo = getenv("GITHUB_REPOSITORY"),
	           *gh_run = getenv("GITHUB_RUN_ID"), *gl_job = getenv("CI_JOB_URL");
	if (gh_server && gh_repo && gh_run)
		buf_addf(&b, ", %s/%s/actions/runs/%s", gh_server, gh_repo, gh_run);
	else if (gl_job && *gl_job)
		buf_addf(&b, ", %s", gl_job);
	return buf_detach(&b, NULL);
}

/* "3 min", "2 h 5 min", "12 s". */
static void add_age(struct buf *b, long long since)
{
	long long age = (long long)time(NULL) - since;
	if (age < 0)
		age = 0;
	if (age < 120)
		buf_addf(b, "%lld s", age);
	else if (age < 7200)
		buf_addf(b, "%lld min", age / 60);
	else if (age < 2 * 86400)
		buf_addf(b, "%lld h %lld min", age / 3600, age % 3600 / 60);
	else
		buf_addf(b, "%lld days", age / 86400);
}

/*
 * "alice@ci-7, pid 42, since 2026-11-28T17:13:30Z (3 min ago)", and
 * whether that process is known to be gone (same host, no such pid).
 */
static void describe(struct buf *b, const struct api_lock_info *info)
{
	buf_adds(b, info->holder ? info->holder : "an unknown holder");
	if (info->since_text)
		buf_addf(b, ", since %s", info->since_text);
	if (info->since > 0) {
		buf_adds(b, " (");
		add_age(b, info->since);
		buf_adds(b, " ago)");
	}
	char host[256] = "", mine[300];
	long pid = 0;
	const char *at = info->holder ? strchr(info->holder, '@') : NULL;
	const char *p = info->holder ? strstr(info->holder, ", pid ") : NULL;
	if (at && p && gethostname(host, sizeof(host) - 1) == 0) {
		snprintf(mine, sizeof(mine), "@%s, pid ", host);
		pid = strtol(p + strlen(", pid "), NULL, 10);
		if (!strncmp(at, mine, strlen(mine)) && pid > 0 && kill((pid_t)pid, 0) != 0 &&
		    errno == ESRCH)
			buf_addf(b, "; process %ld no longer runs on this host", pid);
	}
}

static void print_locked(const struct api_lock_info *info, long timeout_s, long waited_s)
{
	struct buf b = BUF_INIT;
	if (!info->is_lock) {
		fprintf(stderr,
		        "prismsync %s: the organization has a customer named '%s' (id %s) that "
		        "is not a prismsync lock, so the apply lock cannot be taken; rename that "
		        "customer in Prismatic. Nothing was changed.\n",
		        lock_verb, API_LOCK_NAME, info->id);
		return;
	}
	describe(&b, info);
	fprintf(stderr, "prismsync %s: another apply holds the organization's lock: %s", lock_verb,
	        b.data);
	if (timeout_s > 0)
		fprintf(stderr, "; waited %ld s (--lock-timeout)", waited_s);
	fprintf(stderr,
	        ". Nothing was changed.\n"
	        "If no apply is running any more (it was killed), remove the lock:\n"
	        "  prismsync apply --force-unlock %s\n",
	        info->id);
	buf_release(&b);
}

void apply_lock_set_verb(const char *verb)
{
	lock_verb = verb;
	render_messages();
}

int apply_lock_take(struct api_client *client, long timeout_s)
{
	struct api_lock_info mine, other;
	struct error err = ERROR_INIT;
	char *holder = holder_text();
	time_t start = time(NULL);
	bool acquired = false, said = false;
	int rc = EXIT_ERROR;

	install_handlers();
	for (;;) {
		if (api_lock_try(&acquired, &mine, &other, client, holder, &err)) {
			fprintf(stderr,
			        "prismsync %s: cannot take the organization's apply lock: %s; "
			        "nothing was changed\n",
			        lock_verb, err.message);
			break;
		}
		if (acquired) {
			held.client = client;
			held.id = xstrdup(mine.id);
			set_again_message(held.id);
			if (said)
				fprintf(stderr, "prismsync %s: took the apply lock after %ld s\n",
				        lock_verb, (long)(time(NULL) - start));
			rc = EXIT_OK;
			break;
		}
		long waited = (long)(time(NULL) - start);
		if (waited >= timeout_s || !other.is_lock) {
			print_locked(&other, timeout_s, waited);
			break;
		}
		if (!said) {
			struct buf b = BUF_INIT;
			describe(&b, &other);
			fprintf(
			    stderr,
			    "prismsync %s: waiting up to %ld s for the apply lock, held by %s\n",
			    lock_verb, timeout_s, b.data);
			buf_release(&b);
			said = true;
		}
		api_lock_info_release(&mine);
		api_lock_info_release(&other);
		if (!caught)
			sleep(LOCK_POLL_S); /* a signal ends it early */
		if (caught) {
			fprintf(
			    stderr,
			    "prismsync %s: interrupted while waiting for the apply lock; nothing "
			    "was changed\n",
			    lock_verb);
			break;
		}
	}
	if (rc != EXIT_OK)
		restore_handlers();
	api_lock_info_release(&mine);
	api_lock_info_release(&other);
	error_release(&err);
	free(holder);
	return rc;
}

void apply_lock_release(void)
{
	struct error err = ERROR_INIT;
	if (!held.id)
		return;
	/*
	 * Signals stay caught while the lock is deleted: a second one then
	 * exits at once, as the first promised.
	 */
	if (api_lock_release(held.client, held.id, &err))
		fprintf(stderr,
		        "prismsync %s: warning: the apply lock %s could not be released (%s); "
		        "the next apply will refuse until it is removed: prismsync apply "
		        "--force-unlock %s\n",
		        lock_verb, held.id, err.message, held.id);
	error_release(&err);
	restore_handlers();
	free(held.id);
	held.id = NULL;
	held.client = NULL;
}

void apply_lock_changes_begin(void)
{
	changing = 1;
	if (!held.handlers)
		return;
	/* Restarted system calls while changes are made: curl's waits go on. */
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	for (size_t i = 0; i < LOCK_SIGNALS_NR; i++)
		sigaction(lock_signals[i], &sa, NULL);
}

void apply_lock_changes_end(void)
{
	changing = 0;
}

volatile sig_atomic_t *apply_lock_stop_flag(void)
{
	return &caught;
}

bool apply_lock_interrupted(void)
{
	return caught != 0;
}

void apply_lock_reraise(void)
{
	int sig = caught;
	if (!sig)
		return;
	fflush(stdout);
	fflush(stderr);
	signal(sig, SIG_DFL);
	raise(sig);
}

int apply_force_unlock(const char *id, struct common_opts *common)
{
	struct api_client *client = NULL;
	struct manifest *manifest = NULL;
	struct api_lock_info removed = {NULL, NULL, NULL, 0, NULL, false};
	struct error err = ERROR_INIT;
	int rc;

	if ((rc = cmd_target_load(&manifest, common, "apply")) != EXIT_OK)
		return rc;
	if ((rc = cmd_api_client(&client, "apply", common, 0)) != EXIT_OK)
		goto done;
	if (api_lock_force_unlock(&removed, client, id, &err)) {
		fprintf(stderr, "prismsync apply: --force-unlock %s: %s; nothing was removed\n", id,
		        err.message);
		rc = EXIT_ERROR;
		goto done;
	}
	struct buf b = BUF_INIT;
	describe(&b, &removed);
	printf("Removed the apply lock %s, held by %s.\n", id, b.data);
	buf_release(&b);
	rc = EXIT_OK;
done:
	api_lock_info_release(&removed);
	error_release(&err);
	api_client_free(client);
	manifest_free(manifest);
	return rc;
}
